"""The periodic cleanup report's data, read once, and its summary in words."""

from dataclasses import dataclass

import pandas as pd

from . import headline, leavers, places, trends

CHANGE_WORDS = {
    "number_added": "number(s) added", "number_removed": "number(s) removed",
    "status_changed": "status change(s)", "reserved_for_set": "Reserved For flag(s) set",
    "reserved_for_cleared": "Reserved For flag(s) cleared",
    "reserved_for_changed": "Reserved For flag(s) changed", "used_by_changed": "Used By change(s)",
    "user_onboarded": "user(s) onboarded",
    "user_deleted": "user(s) deleted", "user_moved": "user(s) moved",
}


def describe_changes(changes):
    """'1 number(s) added, 2 user(s) deleted' (in a fixed order), or 'no changes'."""
    return describe_change_counts(changes["change"].value_counts())


def describe_change_counts(counts):
    """describe_changes from {change: count} (Inventory.snapshot_change_counts)."""
    return ", ".join(f"{counts[change]} {words}" for change, words in CHANGE_WORDS.items()
                     if change in counts) or "no changes"


REPORTS = ("deleted_user_reservations", "stuck_cooling", "stranded_reservations",
           "node_utilization", "snapshot_changes", "not_yet_in_voss", "last_load_conflicts",
           "running_out", "headline_figures", "by_customer", "by_site", "leavers_by_user",
           "used_out_of_sight", "inactive_reservations", "users_without_numbers")

# A decision should reach VOSS within the week it was made: older ones are overdue.
OVERDUE_AFTER_DAYS = 7
CHANGE_COLUMNS = ["kind", "number", "node", "username", "field", "voss_value", "numkit_value"]
USER_KINDS = ("user_added", "user_deleted", "user_moved")


@dataclass(frozen=True)
class RoundTrip:
    """The round trip with VOSS at a glance: `pending` (pending_summary), `changes` (the
    pending changes; None when nothing is pending and the caller did not need them),
    `outcomes` (what the latest load did with what was pending before it), `counts` (its
    reconciliation counts) and `latest` (that load's snapshot row); the last two are None
    when that load found nothing pending."""

    pending: dict
    changes: pd.DataFrame | None
    outcomes: pd.DataFrame
    counts: object
    latest: pd.Series | None


def round_trip(inv, changes=None, snapshots=None):
    """The RoundTrip of `inv` (held by the caller). `changes` and `snapshots`: the pending
    changes and the loads when the caller read them already."""
    pending = inv.pending_summary()
    if changes is None and pending["changes"]:
        changes = inv.pending_changes()
    outcomes = inv.reconciliations()
    if outcomes.empty:
        return RoundTrip(pending, changes, outcomes, None, None)
    snapshots = inv.snapshots() if snapshots is None else snapshots
    return RoundTrip(pending, changes, outcomes, inv.reconciliation_counts(), snapshots.iloc[-1])


@dataclass(frozen=True)
class ReportData:
    """Everything the cleanup report shows, read once: `tables` ({report name: DataFrame},
    in REPORTS order), `counts` (what its summaries say), the snapshots compared
    (`snapshot`, `previous`: rows of `snapshots()`, or None), the settings it was judged
    by and the round trip."""

    as_of: object
    older_than_days: int
    alert_share: float
    tables: dict
    counts: dict
    snapshot: pd.Series | None
    previous: pd.Series | None
    round_trip: RoundTrip
    # the run-out forecast of every node, and the share history of the nodes running out
    # that the report charts (None when none is)
    forecast: pd.DataFrame | None = None
    running_out_history: pd.DataFrame | None = None
    # the headline figures at the snapshot before the latest (report_figures_at), or None
    previous_figures: dict | None = None


def report_data(inv, older_than_days=0):
    """The cleanup report's data, read from `inv` (held by the caller)."""
    snapshots = inv.snapshots()
    pending = inv.pending_changes()
    trip = round_trip(inv, changes=pending, snapshots=snapshots)
    tables = {
        "deleted_user_reservations": inv.deleted_user_reservations(older_than_days),
        "stuck_cooling": inv.stuck_cooling(),
        "stranded_reservations": inv.stranded_reservations(),
        "node_utilization": inv.utilization(),
        "snapshot_changes": inv.snapshot_changes(),
        "not_yet_in_voss": not_yet_in_voss(pending, inv.as_of),
        "last_load_conflicts": last_load_conflicts(trip.outcomes),
    }
    forecast = inv.run_out_forecast(over=trends.FORECAST_SNAPSHOTS)
    tables["running_out"] = trends.running_out(forecast)
    quality = {"used_out_of_sight": inv.used_out_of_sight(),
               "inactive_reservations": inv.inactive_reservations(),
               "users_without_numbers": inv.users_without_numbers()}
    counts = summary_counts({**tables, **quality}, trend=len(snapshots) > 1,
                            pending=trip.pending)
    previous = (inv.report_figures_at(snapshots["load_id"].iloc[-2], older_than_days)
                if len(snapshots) > 1 else None)
    tables["headline_figures"] = headline.headline_figures(
        headline.figures_now(counts), previous, headline.pending_at_load(trip, snapshots))
    node_places = inv.node_places()
    located = {**tables, **quality}
    tables["by_customer"] = places.by_customer(located, node_places, tables["node_utilization"])
    tables["by_site"] = places.by_site(located, node_places, tables["node_utilization"])
    tables["leavers_by_user"] = leavers.leavers_by_user(tables["deleted_user_reservations"])
    tables.update(quality)
    return ReportData(inv.as_of, older_than_days, inv.settings["alert_share"], tables, counts,
                      snapshots.iloc[-1] if len(snapshots) else None,
                      snapshots.iloc[-2] if len(snapshots) > 1 else None, trip, forecast,
                      trends.charted_history(inv, tables["running_out"]), previous)


def not_yet_in_voss(pending, as_of):
    """The pending changes decided more than OVERDUE_AFTER_DAYS before `as_of`, oldest
    first, with their age in whole days."""
    decided_on = pending["decided_at"].dt.normalize()
    age = (pd.Timestamp(as_of) - decided_on).dt.days.astype("Int64")
    overdue = pending.assign(age_days=age)[age > OVERDUE_AFTER_DAYS]
    return (overdue.sort_values("decided_at", kind="stable")
            [["age_days", *CHANGE_COLUMNS, "decided_at"]].reset_index(drop=True))


def last_load_conflicts(reconciliations):
    """The changes the last load dropped because VOSS decided otherwise, and why."""
    conflicts = reconciliations[reconciliations["outcome"] == "conflict"]
    return conflicts[[*CHANGE_COLUMNS, "export_value", "reason", "decided_at"]].reset_index(drop=True)


def decisions(changes):
    """How many decisions the change rows are: a number row's fields count once, as does
    each user (as a load's reconciliation counts them)."""
    users = changes["kind"].isin(USER_KINDS)
    return (changes[~users][["number", "node"]].drop_duplicates().shape[0]
            + changes[users]["username"].str.lower().nunique())


def summary_counts(tables, trend=True, pending=None):
    """What the report's summaries say, counted once from its tables. `trend`: whether two
    snapshots or more are loaded (a forecast needs them); `pending`: pending_summary (the
    decisions not yet in VOSS: a number row or a user each)."""
    deleted = tables["deleted_user_reservations"]
    categories = deleted["category"].value_counts()
    utilization = tables["node_utilization"]
    running = tables["running_out"]
    return {
        "held": len(deleted), "deleted": int(categories.get("deleted", 0)),
        "never_onboarded": int(categories.get("never_onboarded", 0)),
        "stuck_cooling": len(tables["stuck_cooling"]),
        "stranded": len(tables["stranded_reservations"]),
        "nodes": len(utilization), "alerts": utilization[utilization["alert"]]["node"].tolist(),
        "changes": describe_changes(tables["snapshot_changes"]),
        "not_yet_in_voss": decisions(tables["not_yet_in_voss"]),
        "conflicts": decisions(tables["last_load_conflicts"]),
        # (node, weeks to the alert), soonest first; None without a trend to forecast from
        "running_out": (list(zip(running["node"], running["weeks_to_alert"])) if trend
                        else None),
        "pending_decisions": 0 if pending is None else pending["rows"] + pending["users"],
        # what they are, as the overview panel says them beside their changed fields
        "pending_parts": None if pending is None else (pending["rows"], pending["users"],
                                                       pending["changes"]),
        "used_out_of_sight": len(tables["used_out_of_sight"]),
        "inactive_reservations": len(tables["inactive_reservations"]),
        "users_without_numbers": len(tables["users_without_numbers"]),
    }


def pending_parts_words(parts):
    """" (2 number row(s), 1 user(s); 5 pending change(s))": what the decisions not yet in
    VOSS are, in the overview panel's words for the same pending changes (one per field
    changed); empty without any."""
    if not parts or not any(parts):
        return ""
    rows, users, fields = parts
    return f" ({rows} number row(s), {users} user(s); {fields} pending change(s))"


def summary_lines(counts, figures=None):
    """The summary as lines, one per report, each saying how many rows and what stands out
    (for a terminal). `figures`: the headline_figures table, whose differences since the
    snapshot before are said after the figures they are of."""
    alerts = counts["alerts"]
    since = {} if figures is None else {
        row["figure"]: f", {words}" for _, row in figures.iterrows()
        if (words := headline.difference_words(row))}
    held, stuck, stranded, below, pending = (since.get(words, "") for _, words in headline.FIGURES)
    return [
        f"numbers held for leavers: {counts['held']} ({counts['deleted']} deleted, "
        f"{counts['never_onboarded']} never onboarded){held}",
        f"stuck cooling: {counts['stuck_cooling']}{stuck}",
        f"stranded reservations: {counts['stranded']}{stranded}",
        f"nodes below the available-share alert: {len(alerts)} of {counts['nodes']}"
        + (f" ({', '.join(alerts[:5])}{', ...' if len(alerts) > 5 else ''})" if alerts else "")
        + below,
        running_out_line(counts["running_out"]),
        "since the last snapshot: " + counts["changes"],
        data_quality_line(counts),
        f"decisions not yet in VOSS: {counts['pending_decisions']}"
        f"{pending_parts_words(counts.get('pending_parts'))}{pending}",
        f"decided in numkit over a week ago, not yet in VOSS: {counts['not_yet_in_voss']}",
        f"conflicts at the last load: {counts['conflicts']}",
    ]


def data_quality_line(counts):
    """The data-quality questions' counts in one line (docs/rules.md R37 to R39, R24)."""
    return (f"data quality: {counts['used_out_of_sight']} number(s) used out of their user's "
            f"sight, {counts['inactive_reservations']} Reserved For on inactive numbers, "
            f"{counts['users_without_numbers']} user(s) without a number, "
            f"{counts['stranded']} stranded reservation(s)")


def running_out_line(running):
    """How many nodes reach the alert within RUNNING_OUT_WEEKS weeks and the soonest, that
    none do, or that there is no trend yet (`running`: summary_counts' running_out)."""
    words = f"nodes reaching the available-share alert within {trends.RUNNING_OUT_WEEKS} weeks"
    if running is None:
        return f"{words}: no trend yet (fewer than two snapshots)"
    if not running:
        return f"{words}: none"
    node, weeks = running[0]
    when = "below it already" if weeks == 0 else f"in {weeks:.1f} weeks"
    return f"{words}: {len(running)} (soonest {node}, {when})"


def summary_sentence(data):
    """The summary as one sentence (for the report's page)."""
    counts = data.counts
    return (f"{counts['held']} number(s) held for users who are not active, "
            f"{counts['stuck_cooling']} stuck in cooling, {counts['stranded']} stranded "
            f"reservation(s), {len(counts['alerts'])} node(s) below the {data.alert_share:.0%} "
            f"available alert; {counts['not_yet_in_voss']} decided in numkit over a week ago "
            f"and not yet in VOSS, {counts['conflicts']} conflict(s) at the last load.")


def held_for_leavers(data):
    """What the numbers held for people who left come to, in words."""
    return (f"{data.counts['deleted']} number(s) held for users deleted at least "
            f"{data.older_than_days} days ago, {data.counts['never_onboarded']} for users never "
            "onboarded.")


def alerts_sentence(data):
    return f"{len(data.counts['alerts'])} node(s) below the {data.alert_share:.0%} available alert."
