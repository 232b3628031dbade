"""The report's first screen: the headline figures now, each beside what it was at the
snapshot before the latest (docs/rules.md R40), counted once for every place that shows
them: as a table (the CSV file, the workbook's Summary sheet, the panel) and as figures in
large type (the page, the panel, a notebook)."""

import html

import pandas as pd

# (key, words): the figures in the order the first screen shows them
FIGURES = (
    ("held", "Numbers held for leavers"),
    ("stuck_cooling", "Stuck in cooling"),
    ("stranded", "Stranded reservations"),
    ("nodes_below_alert", "Nodes below the alert"),
    ("pending_decisions", "Decisions not yet in VOSS"),
)
COLUMNS = ["figure", "now", "previous", "difference", "compared_with", "compared_on"]


def figures_now(counts):
    """{key: figure} of the report now, from summary_counts."""
    return {"held": counts["held"], "stuck_cooling": counts["stuck_cooling"],
            "stranded": counts["stranded"], "nodes_below_alert": len(counts["alerts"]),
            "pending_decisions": counts["pending_decisions"]}


def pending_at_load(trip, snapshots):
    """(decisions pending when the latest snapshot was loaded, its as of): what that load
    reconciled (rules R29), whatever became of each; None before any load. `trip`:
    summary.RoundTrip; `snapshots`: Inventory.snapshots()."""
    if not len(snapshots):
        return None
    counts = trip.counts
    before = 0 if counts is None else (counts.applied + counts.still_pending + counts.conflicts
                                       + counts.discarded)
    return before, snapshots["as_of"].iloc[-1]


def headline_figures(now, previous=None, pending_at_load=None):
    """The first screen as a table: one row per figure of FIGURES with its value `now`
    ({key: figure}), its value at the snapshot before the latest and the difference.
    `previous`: Inventory.report_figures_at of that snapshot, None when only one is loaded.
    `pending_at_load`: (decisions pending when the latest snapshot was loaded, that load's
    as of), the pending decisions' comparison, or None before any load."""
    rows = []
    for key, words in FIGURES:
        before, against, on = None, None, pd.NaT
        if key == "pending_decisions":
            if pending_at_load is not None:
                before, against, on = pending_at_load[0], "the latest load", pending_at_load[1]
        elif previous is not None:
            before, against = previous[key], f"snapshot {previous['load_id']}"
            on = previous["as_of"]
        rows.append({"figure": words, "now": int(now[key]),
                     "previous": pd.NA if before is None else int(before),
                     "difference": pd.NA if before is None else int(now[key]) - int(before),
                     "compared_with": against, "compared_on": pd.Timestamp(on)})
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"previous": "Int64", "difference": "Int64",
                         "compared_on": "datetime64[ns]"})


def difference_words(row, short=False):
    """'+2 since snapshot 6 of 2026-11-13', 'no change since …', or '' without a comparison;
    `short`: '+2 since 2026-11-13'."""
    if pd.isna(row["difference"]):
        return ""
    difference = int(row["difference"])
    said = "no change" if difference == 0 else f"{difference:+d}".replace("-", "−")
    day = f"{row['compared_on']:%Y-%m-%d}"
    return f"{said} since {day}" if short else f"{said} since {row['compared_with']} of {day}"


# Figures in large type, one box each: a stylesheet of their own, so that the page, a
# notebook's output and a panel's HTML widget show them alike.
STYLE = """
.numkit-figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 14px 0; }
.numkit-figure { border: 1px solid #cfd8dc; border-radius: 6px; padding: 8px 14px;
                 flex: 1 1 9em; max-width: 15em; background: #fafafa; }
.numkit-figure .numkit-figure-value { font-size: 2em; font-weight: 600; line-height: 1.2;
                                      font-variant-numeric: tabular-nums; }
.numkit-figure .numkit-figure-label { font-size: 0.95em; line-height: 1.3; }
.numkit-figure .numkit-figure-change { font-size: 0.85em; line-height: 1.3; color: #546e7a; }
.numkit-figure .numkit-figure-change span { white-space: nowrap; }
.numkit-figure.numkit-worse .numkit-figure-change { color: #b71c1c; }
.numkit-figure.numkit-better .numkit-figure-change { color: #1b5e20; }
"""


def _date_kept_whole(words):
    """`words` as HTML, a date at their end never broken at its hyphens."""
    head, _, day = words.rpartition(" ")
    return f"{html.escape(head)} <span>{html.escape(day)}</span>"


def figures_html(table):
    """The rows of `table` (headline_figures) as boxes: the figure large, its name, and the
    difference in words. Every figure here is a count of something to fix: more is worse."""
    boxes = []
    for _, row in table.iterrows():
        difference = row["difference"]
        kind = ("" if pd.isna(difference) or difference == 0
                else " numkit-worse" if difference > 0 else " numkit-better")
        change = difference_words(row, short=True)
        boxes.append(
            f'<div class="numkit-figure{kind}">'
            f'<div class="numkit-figure-value">{int(row["now"]):,}</div>'
            f'<div class="numkit-figure-label">{html.escape(row["figure"])}</div>'
            + (f'<div class="numkit-figure-change">{_date_kept_whole(change)}</div>' if change
               else "")
            + "</div>")
    return f'<style>{STYLE}</style>\n<div class="numkit-figures">' + "".join(boxes) + "</div>"
