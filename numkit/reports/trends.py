"""Trends over the loaded snapshots as the report and the overview panel show them: the
nodes running out (run_out_forecast, docs/rules.md R35) with their figures rounded for a
reader, and the history of their available share (R34) drawn with their forecast lines."""

from . import charts

# "Running out": the nodes that reach the alert within this many weeks, at the pace of the
# last FORECAST_SNAPSHOTS snapshots (two months of weekly loads).
RUNNING_OUT_WEEKS = 8
FORECAST_SNAPSHOTS = 8
RUNNING_OUT_COLUMNS = ["node", "type", "available", "taken_per_week", "weeks_to_alert",
                       "weeks_to_none", "snapshots", "r_squared", "confidence"]
# the nodes a chart of the running out draws, soonest first: more lines cannot be told apart
CHARTED_NODES = 6


def for_reading(forecast):
    """`forecast` with its figures rounded as a reader takes them in: a tenth of a number or
    a week, two decimals of r²."""
    return forecast.round({"taken_per_week": 1, "weeks_to_alert": 1, "weeks_to_none": 1,
                           "r_squared": 2})


def holding_numbers(forecast):
    """The rows of `forecast` (run_out_forecast's) of the nodes that hold numbers of their
    own, in its order: the nodes an analyst acts on. A node holding none (`sys`, `sys.hcs`,
    a provider whose numbers all sit at its customers) only adds up the nodes under it
    (docs/rules.md R35)."""
    return forecast[forecast["holds_numbers"].astype(bool)]


def running_out(forecast, within_weeks=RUNNING_OUT_WEEKS):
    """The nodes of `forecast` (run_out_forecast's rows) that hold numbers and reach the
    alert within `within_weeks`, soonest first: node, type, available now, taken per week,
    weeks to the alert and to none, and how sure (snapshots, r_squared, confidence)."""
    held = holding_numbers(forecast)
    soon = held[held["weeks_to_alert"] <= within_weeks]
    return for_reading(soon[RUNNING_OUT_COLUMNS]).reset_index(drop=True)


def charted_history(inv, running, over=FORECAST_SNAPSHOTS):
    """The last `over` snapshots of utilization_history for the first CHARTED_NODES nodes of
    `running` (read in one pass), or None when nothing runs out."""
    if not len(running):
        return None
    nodes = set(running["node"][:CHARTED_NODES])
    history = inv.utilization_history()
    recent = sorted(set(history["load_id"]))[-over:]
    return history[history["node"].isin(nodes) & history["load_id"].isin(recent)]


def running_out_chart(history, forecast, alert_share):
    """PNG of `history` (charted_history) with the forecast lines, or None without it."""
    if history is None or not len(history):
        return None
    return charts.share_history_chart(history, alert_share,
                                      forecast[forecast["node"].isin(set(history["node"]))])
