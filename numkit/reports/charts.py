"""Static charts as PNG bytes, for Image widgets and for reports that run without a browser.

Labels are node names from the export, shown as written: matplotlib would read text between
two `$` as a formula (and fail on `Lab$_$1`), so formulas are off; a control character is
shown as an escape and a long name is cut, so that no label makes a chart too wide to draw.
"""

import functools
import io
import warnings

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from ..labels import label as column_label
from ..labels import node_labels
from ..visible import visible

LITERAL_TEXT = {"text.parse_math": False, "text.usetex": False}
LABEL_LIMIT = 40
# Bar charts are as wide as the page and as tall as their bars: a bar and its label take
# the same height whether there are 2 nodes or 200, and the axes, legend and margins a
# fixed height more.
WIDTH = 6.5
INCHES_PER_BAR = 0.28
MARGINS = 1.1
# The histogram is short, and as wide as its bars need: one bar is not a page-wide picture.
HISTOGRAM_HEIGHT = 1.9
HISTOGRAM_MIN_WIDTH = 3.2
INCHES_PER_BIN = 0.22


def label(text):
    """A name as a chart shows it."""
    shown = visible(text)
    return shown if len(shown) <= LABEL_LIMIT else shown[:LABEL_LIMIT - 1] + "…"


def _literal(chart):
    """Build and draw `chart` with every text as written (text made while drawing too)."""
    @functools.wraps(chart)
    def drawn(*args, **kwargs):
        with matplotlib.rc_context(LITERAL_TEXT), warnings.catch_warnings():
            # a character the font lacks (an emoji) is drawn as a box; the tables show it
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            return chart(*args, **kwargs)
    return drawn


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


@_literal
def deletion_age_histogram(deleted):
    """Histogram of days since deletion of the deleted users' reservations; with none, only
    words that say so."""
    return _png(deletion_age_figure(deleted))


@_literal
def deletion_age_figure(deleted):
    days = deleted["days_since_deleted"].dropna()
    if not len(days):
        figure = Figure(figsize=(HISTOGRAM_MIN_WIDTH, 0.3))
        figure.text(0, 0.5, "No reservations of deleted users.", va="center")
        return figure
    # whole days: one bar per day (or per span of days), never fractions of one
    low, high = int(days.min()), int(days.max())
    width = max(1, -(-(high - low + 1) // 20))
    bins = range(low, high + width + 1, width)
    figure = Figure(figsize=(min(WIDTH, HISTOGRAM_MIN_WIDTH + INCHES_PER_BIN * (len(bins) - 1)),
                             HISTOGRAM_HEIGHT))
    axes = figure.subplots()
    axes.hist(days, bins=bins, color="#5c6bc0", edgecolor="white")
    margin = width if high - low >= 10 else 5     # a few days either side of one bar
    axes.set_xlim(max(0, low - margin), high + width + margin)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_xlabel("days since the user was deleted")
    axes.set_ylabel("numbers")
    return figure


def bars_height(bars):
    """The height (inches) of a bar chart of `bars` bars."""
    return INCHES_PER_BAR * max(bars, 1) + MARGINS


def bar_labels(frame):
    """The bars' names: each node's short name, with its customer when the frame has the
    customer's row (`Site-B (Cust-1)`), distinct among the bars."""
    if "type" not in frame.columns:
        return [label(node.rsplit(".", 1)[-1]) for node in frame["node"]]
    names = node_labels(frame[["node", "type"]])
    return [label(names[node]) for node in frame["node"]]


# A utilization chart shows at most this many nodes, those with the least available: the
# nodes of a large inventory (5,000 sites) would be bars too thin to read, and took half a
# minute to draw; the table beside it holds every node.
UTILIZATION_BARS = 60


@_literal
def utilization_chart(utilization, alert_share):
    """Share available per node, with the alert threshold as a line (utilization_figure)."""
    return _png(utilization_figure(utilization, alert_share))


@_literal
def utilization_figure(utilization, alert_share):
    """The utilization chart's figure: the UTILIZATION_BARS nodes with the least available
    share (ties in node order), its title saying how many it leaves out."""
    holding = utilization[utilization["total"] > 0]
    shown = holding.sort_values(["share_available", "node"], kind="stable").head(UTILIZATION_BARS)
    figure = Figure(figsize=(WIDTH, bars_height(len(shown))))
    axes = figure.subplots()
    if len(holding) > len(shown):
        axes.set_title(f"The {len(shown)} nodes with the least available, of {len(holding):,}",
                       fontsize=9)
    colors = ["#c62828" if alert else "#2e7d32" for alert in shown["alert"]]
    # bars by position, labels beside: two nodes whose labels are alike keep a bar each
    rows = range(len(shown))
    axes.barh(rows, shown["share_available"].astype(float), color=colors)
    axes.set_yticks(rows, bar_labels(shown))
    axes.set_ylim(-0.6, len(shown) - 0.4)
    axes.axvline(alert_share, color="#e65100", linestyle="--", label=f"alert below {alert_share:.0%}")
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of numbers available")
    axes.legend(loc="lower right")
    return figure


# The statuses a status chart stacks, in the order of the `statuses` table.
STATUS_COLUMNS = ["available", "used", "used_utility", "reserved", "cooling", "inactive"]


@_literal
def status_chart(counts):
    """Stacked bars of numbers by effective status per node."""
    return _png(status_figure(counts))


@_literal
def status_figure(counts):
    figure = Figure(figsize=(WIDTH, bars_height(len(counts))))
    axes = figure.subplots()
    left = [0] * len(counts)
    rows = range(len(counts))
    for status in STATUS_COLUMNS:
        values = counts[status].astype(int).tolist()
        # named as the tables beside the chart name the column
        axes.barh(rows, values, left=left, label=column_label(status))
        left = [a + b for a, b in zip(left, values)]
    axes.set_yticks(rows, bar_labels(counts))
    axes.set_ylim(-0.6, len(counts) - 0.4)
    axes.set_xlabel("numbers")
    # beside the bars, not over them: the longest bars reach the right edge
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    return figure


# -- trends over the loaded snapshots ------------------------------------------------------
# How far ahead a forecast line is drawn past the latest snapshot, in weeks.
PROJECTED_WEEKS = 8
TREND_HEIGHT = 2.6


@_literal
def share_history_chart(history, alert_share, forecast=None):
    """The available share of each node of `history` (utilization_history's rows) over the
    snapshots, the alert as a line, and for each node of `forecast` (run_out_forecast's
    rows) that is being used up, its trend carried on dashed for PROJECTED_WEEKS weeks."""
    return _png(share_history_figure(history, alert_share, forecast))


@_literal
def share_history_figure(history, alert_share, forecast=None):
    shown = history[history["total"] > 0]
    figure = Figure(figsize=(WIDTH, TREND_HEIGHT))
    axes = figure.subplots()
    if not len(shown):
        axes.set_axis_off()
        axes.text(0, 0.5, "No numbers in the snapshots loaded.", va="center")
        return figure
    nodes = list(dict.fromkeys(shown["node"]))
    names = dict(zip(nodes, bar_labels(shown.drop_duplicates("node"))))
    for node in nodes:
        rows = shown[shown["node"] == node]
        line, = axes.plot(rows["as_of"], rows["share_available"].astype(float), marker="o",
                          markersize=3, label=names[node])
        ahead = _projection(forecast, node)
        if ahead is not None:
            axes.plot(*ahead, linestyle="--", color=line.get_color())
    axes.axhline(alert_share, color="#e65100", linestyle=":", label=f"alert below {alert_share:.0%}")
    axes.set_ylim(0, 1)
    axes.set_ylabel("share available")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    figure.autofmt_xdate()
    return figure


def _projection(forecast, node):
    """The dates and shares of `node`'s forecast line, or None when it is not falling."""
    if forecast is None:
        return None
    rows = forecast[forecast["node"] == node]
    if not len(rows):
        return None
    row = rows.iloc[0]
    taken, total = row["taken_per_week"], row["total"]
    if not (taken == taken and taken is not None and taken > 0 and total > 0):
        return None
    weeks = range(PROJECTED_WEEKS + 1)
    dates = [row["as_of"] + pd.Timedelta(weeks=week) for week in weeks]
    shares = [max(0.0, (row["available"] - taken * week) / total) for week in weeks]
    return dates, shares
