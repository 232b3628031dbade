"""The report's headline figures, counted once for every place that shows them (the
workbook's Summary sheet): how many numbers are held for leavers, stuck cooling, stranded,
how many nodes are under the alert and how many decisions wait for VOSS, each with the
figure of the last snapshot and the change since, where numkit keeps what it needs.

numkit keeps every snapshot's rows, from which utilization_history counts each node's
available share at each snapshot (rules R34), so the nodes under the alert are compared
with the snapshot before the latest. The decisions pending when the latest snapshot was
loaded are that load's reconciliations (rules R29). The other reports (R22 to R24) are
counted on the inventory as it is now only: no earlier figure, no change."""

import pandas as pd

# The figures, in the order a reader takes them in, and their words.
HEADLINES = {
    "held": "Numbers held for leavers",
    "stuck_cooling": "Numbers stuck cooling",
    "stranded": "Stranded reservations",
    "alerts": "Nodes under the available-share alert",
    "pending": "Decisions not yet in VOSS",
}
NOT_KEPT = "no earlier figure kept"
COLUMNS = ["figure", "now", "last_snapshot", "change", "compared_with"]


def snapshot_words(snapshot):
    """`snapshot 6 (2026-11-13)` for a row of Inventory.snapshots()."""
    return f"snapshot {snapshot['load_id']} ({snapshot['as_of']:%Y-%m-%d})"


def pending_decisions(pending):
    """How many decisions pending_summary's `pending` counts: a number row or a user each."""
    return pending["rows"] + pending["users"]


def counts_now(counts, round_trip):
    """{figure: count} of the report as it is (`counts`: summary_counts; `round_trip`:
    summary.RoundTrip)."""
    return {"held": counts["held"], "stuck_cooling": counts["stuck_cooling"],
            "stranded": counts["stranded"], "alerts": len(counts["alerts"]),
            "pending": pending_decisions(round_trip.pending)}


def counts_before(inv, snapshots, round_trip):
    """{figure: (count, what it is of)} for the figures whose earlier value numkit keeps:
    the nodes under the alert at the snapshot before the latest (None, saying why, with
    one snapshot),
    and the decisions that were pending when the latest snapshot was loaded (the outcomes
    of its reconciliation; none when it found nothing pending)."""
    if not len(snapshots):
        return {}
    latest = snapshots.iloc[-1]
    outcomes = round_trip.counts
    pending = 0 if outcomes is None else (outcomes.applied + outcomes.still_pending
                                          + outcomes.conflicts + outcomes.discarded)
    before = {"pending": (pending, f"when {snapshot_words(latest)} was loaded")}
    if len(snapshots) == 1:
        before["alerts"] = (None, "one snapshot loaded: none before it")
        return before
    previous = snapshots.iloc[-2]
    history = inv.utilization_history()
    then = history[history["load_id"] == previous["load_id"]]
    alerts = int((then["share_available"] < inv.settings["alert_share"]).sum())
    before["alerts"] = (alerts, snapshot_words(previous))
    return before


def headline_figures(now, before):
    """The headline figures as a table: figure (in words), now, last_snapshot (the earlier
    figure, empty where none is kept), change (now less that) and compared_with (which
    snapshot, or that no earlier figure is kept). `now`: counts_now; `before`: counts_before."""
    rows = []
    for key, words in HEADLINES.items():
        earlier, of = before.get(key, (None, NOT_KEPT))
        rows.append({"figure": words, "now": now[key], "last_snapshot": earlier,
                     "change": None if earlier is None else now[key] - earlier,
                     "compared_with": of})
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {"now": "int64", "last_snapshot": "Int64", "change": "Int64"})


def report_headlines(data):
    """headline_figures of a summary.ReportData."""
    return headline_figures(counts_now(data.counts, data.round_trip), data.before or {})
