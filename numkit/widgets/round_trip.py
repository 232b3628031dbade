"""The round trip with VOSS as panels show it: what is decided in numkit and not yet in VOSS
(with its export for VOSS), and what the last load did with what was pending before it."""

from pathlib import Path

import ipywidgets as w

from ..errors import NumkitError
from ..reports.summary import round_trip
from .common import FITTED, heading, in_plain_words, note, show, table

CHANGE_COLUMNS = ["kind", "number", "node", "username", "field", "voss_value", "numkit_value",
                  "decided_at", "decided_by"]
OUTCOME_COLUMNS = ["kind", "number", "node", "username", "field", "voss_value", "numkit_value",
                   "export_value", "decided_at", "decided_by"]
# a short table: the export holds them all
CHANGES_SHOWN = 1000
OUT_FOLDER = "voss-changes"
LISTS = {"applied": "Applied: VOSS has numkit's value",
         "pending": "Still pending: VOSS unchanged, numkit's value re-applied on the export",
         "conflict": "Conflicts: VOSS decided otherwise, the export stands",
         "discarded": "Discarded at the load: the export stands"}


class PendingChanges(w.VBox):
    """How many changes wait for VOSS, the oldest's age, the changes, and their export."""

    def __init__(self, session):
        self.session = session
        self.summary = w.HTML()
        self.changes = table(caption="Decided in numkit, not yet in VOSS (one row per field)")
        # beside the database: the analyst finds the files where the inventory is
        self.out_dir = w.Text(value=str(Path(session.database).parent / OUT_FOLDER),
                              description="Export to", layout=w.Layout(width="520px"))
        self.export_button = w.Button(description="Export for VOSS", icon="download", **FITTED)
        self.outcome = w.HTML()
        self.export_button.on_click(self.export)
        super().__init__([heading("Decided in numkit, not yet in VOSS"), self.summary,
                          w.HBox([self.out_dir, self.export_button]), self.outcome, self.changes])

    def read(self, inv):
        """Read what is pending from `inv` (held by the caller) and show it."""
        self.present(round_trip(inv))

    def present(self, trip):
        """Show what is pending in the RoundTrip `trip`."""
        self.summary.value = note(*describe_pending(trip.pending))
        changes = trip.changes if trip.pending["changes"] else None
        show(self.changes, None if changes is None else changes[CHANGE_COLUMNS].head(CHANGES_SHOWN))

    def export(self, _=None):
        folder = self.out_dir.value.strip()
        if not folder:
            self.outcome.value = note("error", "Type the folder to write the files into.")
            return None
        try:
            with self.session.reading() as inv:
                written = inv.export_changes(folder)
                self.read(inv)
        except OSError as error:    # a folder that cannot be made or written to
            self.outcome.value = note("error", f"Not written: {error.strerror or error} "
                                               f"({error.filename or folder}).")
            return None
        except NumkitError as error:
            self.outcome.value = note("error", in_plain_words(error))
            return None
        what = (f"{written.changes} pending change(s)" if written.changes
                else "nothing pending (header rows only)")
        self.outcome.value = (note("ok", f"Wrote {what}, {written.users} user line(s); "
                                         "load them into VOSS:")
                              + "".join(note("info", str(path)) for path in written.paths))
        return written


def describe_pending(summary):
    """(kind, text) of a pending_summary."""
    if not summary["changes"]:
        return "info", "Nothing pending: the inventory is as last loaded from VOSS."
    oldest = summary["oldest"]
    return "warning", (f"{summary['changes']} pending change(s): {summary['rows']} number row(s), "
                       f"{summary['users']} user(s); the oldest decided {summary['oldest_days']} "
                       f"day(s) ago ({oldest:%Y-%m-%d}).")


class Reconciliation(w.VBox):
    """What the latest load did with the changes pending before it: three lists."""

    def __init__(self):
        self.summary = w.HTML()
        # a table's caption is not shown in every front end: each list has a title above it
        self.lists = {outcome: table() for outcome in LISTS}
        self.applied, self.still_pending, self.conflicts, self.discarded = self.lists.values()
        self.titles = {outcome: w.HTML() for outcome in LISTS}
        self.sections = {outcome: w.VBox([self.titles[outcome], self.lists[outcome]])
                         for outcome in LISTS}
        super().__init__([heading("The last load and the pending changes"), self.summary,
                          *self.sections.values()], layout=w.Layout(display="none"))

    def present(self, trip):
        """Show the latest load's reconciliation in the RoundTrip `trip`; hidden when that
        load found nothing pending."""
        outcomes, counts, latest = trip.outcomes, trip.counts, trip.latest
        if outcomes.empty:
            self.layout.display = "none"
            return
        counted = {"applied": counts.applied, "pending": counts.still_pending,
                   "conflict": counts.conflicts, "discarded": counts.discarded}
        words = counts.describe()
        self.summary.value = note("warning" if counts.conflicts else "info",
                                  f"Snapshot {latest['load_id']} as of {latest['as_of']:%Y-%m-%d}, "
                                  f"changes pending before it (a number row or a user each): "
                                  f"{words}.")
        for outcome, title in LISTS.items():
            these = outcomes[outcomes["outcome"] == outcome]
            columns = OUTCOME_COLUMNS + (["reason"] if outcome == "conflict" else [])
            show(self.lists[outcome], these[columns])
            self.titles[outcome].value = (f"<b>{title}</b> ({counted.get(outcome, 0)} "
                                          "number row(s) or user(s))")
            self.sections[outcome].layout.display = "" if len(these) else "none"
        self.layout.display = ""
