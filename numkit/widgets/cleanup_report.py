"""Cleanup report panel: numbers held for leavers, stuck cooling, stranded reservations, usage."""

from pathlib import Path

import ipywidgets as w

from ..arguments import MAX_DAYS
from ..errors import NumkitError
from ..reports.exports import write_tables
from ..reports.sections import deletion_age_chart, utilization_chart
from ..reports.summary import alerts_sentence, held_for_leavers, report_data
from ..sample import project_folder
from .common import FITTED, Confirmation, Session, heading, in_plain_words, note, show, table
from .round_trip import PendingChanges, Reconciliation


WOULD_CLEAR = "Reserved For flags the cleanup would clear"


class CleanupReportPanel(w.VBox):
    """The periodic cleanup report, its exports, and clearing leavers' reservations."""

    def __init__(self, database=None, as_of=None, older_than_days=30, out_dir=None,
                 read_only=False):
        """`read_only`: open the database only to read (a scheduled report run); the
        cleanup's dry run works, clearing is refused."""
        self.session = Session(database, as_of, read_only=read_only)
        self.read_only = read_only
        out_dir = out_dir or project_folder() / "out" / "cleanup"
        self.older_than = w.BoundedIntText(value=older_than_days, min=0, max=MAX_DAYS,
                                           description="Older than (days)",
                                           style={"description_width": "initial"})
        self.out_dir = w.Text(value=str(out_dir), description="Export to")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.export_button = w.Button(description="Export CSV + XLSX", icon="download", **FITTED)
        self.status = w.HTML()
        self.deleted_summary = w.HTML()
        self.deleted_chart = w.Image(format="png")
        self.deleted = table(caption="Numbers reserved for users who are not active")
        self.stuck = table(caption="Cooling that VOSS will not release by itself")
        self.stranded = table(caption="Reservations not visible from their user's node")
        self.usage_chart = w.Image(format="png")
        self.usage = table(caption="Numbers by effective status, per node")
        self.dry_run_button = w.Button(description="Dry run cleanup", icon="search", **FITTED)
        self.clear_button = w.Button(description="Clear these flags…", button_style="danger",
                                     disabled=True)
        self.cleanup_outcome = w.HTML()
        self.cleanup_rows = table(caption=WOULD_CLEAR)
        self.confirmation = Confirmation()
        self.pending = PendingChanges(self.session)
        self.reconciliation = Reconciliation()
        self.tables = {}

        tabs = w.Tab(children=[
            w.VBox([self.deleted_summary, self.deleted_chart, self.deleted]),
            self.stuck, self.stranded, w.VBox([self.usage_chart, self.usage]),
            w.VBox([w.HBox([self.dry_run_button, self.clear_button]), self.confirmation,
                    self.cleanup_outcome, self.cleanup_rows]),
            w.VBox([self.pending, self.reconciliation]),
        ])
        # short titles: a tab shows some 20 characters
        for index, title in enumerate(["Held for leavers", "Stuck cooling", "Stranded",
                                       "Utilization", "Cleanup", "Not yet in VOSS"]):
            tabs.set_title(index, title)
        self.refresh_button.on_click(self.refresh)
        self.export_button.on_click(self.export)
        self.dry_run_button.on_click(self.dry_run)
        self.clear_button.on_click(self.ask_clear)
        super().__init__([heading("Cleanup report"),
                          w.HBox([self.older_than, self.refresh_button]),
                          w.HBox([self.out_dir, self.export_button]), self.status, tabs])
        self.refresh()

    def refresh(self, _=None):
        with self.session.reading() as inv:
            data = report_data(inv, self.older_than.value)
        self.tables = data.tables
        deleted = self.tables["deleted_user_reservations"]
        usage = self.tables["node_utilization"]
        self.deleted_summary.value = note("info", f"As of {data.as_of}: {held_for_leavers(data)}")
        self.deleted_chart.value = deletion_age_chart(deleted)
        show(self.deleted, deleted)
        show(self.stuck, self.tables["stuck_cooling"])
        show(self.stranded, self.tables["stranded_reservations"])
        self.usage_chart.value = utilization_chart(usage, data.alert_share)
        show(self.usage, usage)
        self.status.value = note("warning" if data.counts["alerts"] else "info", alerts_sentence(data))
        self.pending.present(data.round_trip)
        self.reconciliation.present(data.round_trip)

    def export(self, _=None):
        try:
            written = write_tables(self.tables, self.out_dir.value)
        except OSError as error:    # a folder that cannot be made or written to
            self.status.value = note("error", f"Not written: {error.strerror or error} "
                                              f"({error.filename or self.out_dir.value}).")
            return []
        self.status.value = note("ok", "Wrote " + ", ".join(str(Path(p)) for p in written))
        return written

    def dry_run(self, _=None):
        days = self.older_than.value
        with self.session.reading() as inv:
            concerned = inv.cleanup_deleted_reservations(days, dry_run=True)
        show(self.cleanup_rows, concerned)
        self.cleanup_rows.caption = WOULD_CLEAR
        self.clear_button.disabled = concerned.empty or self.read_only
        self.cleanup_outcome.value = note("info", f"The cleanup would clear {len(concerned)} "
                                                  f"Reserved For flag(s) of users deleted {days}+ "
                                                  "days ago; nothing is changed yet.")
        return concerned

    def ask_clear(self, _=None):
        days = self.older_than.value
        concerned = self.dry_run()
        if len(concerned):     # what is confirmed is what was counted, whatever the box says then
            self.confirmation.ask(f"Clear {len(concerned)} Reserved For flag(s) of users deleted "
                                  f"{days}+ days ago?", lambda: self.clear(days))

    def clear(self, days):
        try:
            with self.session.writing() as inv:
                cleared = inv.cleanup_deleted_reservations(days, dry_run=False)
        except NumkitError as error:
            self.cleanup_outcome.value = note("error", in_plain_words(error))
            return
        self.clear_button.disabled = True
        self.cleanup_outcome.value = note("ok", f"Cleared {len(cleared)} Reserved For flag(s).")
        show(self.cleanup_rows, cleared)
        self.cleanup_rows.caption = "Reserved For flags the cleanup cleared"
        self.refresh()


