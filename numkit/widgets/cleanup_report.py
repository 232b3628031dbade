"""Cleanup report panel: the headline figures and the summary per customer and site, then
numbers held for leavers (by person), stuck cooling, stranded reservations, data quality,
usage; the cleanup of leavers' flags."""

import os
from pathlib import Path

import ipywidgets as w

from ..arguments import MAX_DAYS
from ..errors import NumkitError
from ..reports.downloads import download_links
from ..reports.exports import file_names, write_dated_tables, write_tables
from ..reports.sections import (EXPORT_STEM, EXPORTS_FOLDER, deletion_age_chart,
                                utilization_chart)
from ..reports.headline import figures_html
from ..reports.summary import alerts_sentence, held_for_leavers, report_data
from ..visible import visible
from .common import FITTED, Confirmation, Session, heading, in_plain_words, note, show, table
from .round_trip import PendingChanges, Reconciliation


WOULD_CLEAR = "Reserved For flags the cleanup would clear"
CLEARED = "Reserved For flags the cleanup cleared"
# the columns that say who a row is held for and why, before the wider ones
LEADING = ["number", "node", "reserved_for", "reservation_notes"]


def notes_first(frame):
    """`frame` with the reservation notes beside the number they are about: last, a wide
    table cuts them off the panel's edge."""
    leading = [column for column in LEADING if column in frame.columns]
    return frame[leading + [column for column in frame.columns if column not in leading]]


def row_label(row):
    """How a row the cleanup would clear reads in the keep list: its notes whole."""
    notes = row["reservation_notes"] if isinstance(row["reservation_notes"], str) else ""
    return visible(f"{row['number']} at {row['node']} · reserved for {row['reserved_for']}, "
                   f"deleted {row['days_since_deleted']} days ago · notes: {notes or '(none)'}")


class CleanupReportPanel(w.VBox):
    """The periodic cleanup report, its exports, and clearing leavers' reservations."""

    def __init__(self, database=None, as_of=None, older_than_days=30, out_dir=None,
                 read_only=False, notebook_folder=None, report=None):
        """`read_only`: open the database only to read (a scheduled report run); the
        cleanup's dry run works, clearing is refused. `out_dir`: the folder exports go
        into, their files replaced; by default each export goes into a new dated folder
        under exports/ in `notebook_folder` (default: the working directory, which is the
        notebook's folder), which JupyterLab lets the browser download from. `report`: a
        CleanupReport shown below the panel, read again when the panel changes the
        inventory or is refreshed."""
        self.session = Session(database, as_of, read_only=read_only)
        self.read_only = read_only
        self.notebook_folder = Path.cwd() if notebook_folder is None else Path(notebook_folder)
        self.report = report
        self.older_than = w.BoundedIntText(value=older_than_days, min=0, max=MAX_DAYS,
                                           description="Older than (days)",
                                           style={"description_width": "initial"})
        self.out_dir = w.Text(value="" if out_dir is None else str(out_dir),
                              description="Export to", layout=w.Layout(width="520px"),
                              placeholder=f"a new folder {EXPORTS_FOLDER}/{EXPORT_STEM}-<date> "
                                          "beside the notebook")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.export_button = w.Button(description="Export CSV + XLSX", icon="download", **FITTED)
        self.status = w.HTML()
        # the first screen: the headline figures with the change since the snapshot before
        self.figures = w.HTML()
        # an output area, not an HTML widget: JupyterLab resolves the links of an output
        # against the notebook's folder and lets the browser download them
        self.downloads = w.Output()
        self.by_customer = table(caption="Problems per customer")
        self.by_site = table(caption="Problems per site (those with something to act on)")
        self.deleted_summary = w.HTML()
        self.deleted_chart = w.Image(format="png")
        self.leavers = table(caption="Numbers held, by person")
        self.deleted = table(caption="Numbers reserved for users who are not active")
        self.stuck = table(caption="Cooling that VOSS will not release by itself")
        self.stranded = table(caption="Reservations not visible from their user's node")
        self.out_of_sight = table(caption="Numbers used by a user who cannot see them")
        self.inactive_flags = table(caption="Reserved For on inactive numbers (never handed out)")
        self.without_numbers = table(caption="Active users who use no number")
        self.usage_chart = w.Image(format="png")
        self.usage = table(caption="Numbers by effective status, per node")
        self.dry_run_button = w.Button(description="Dry run cleanup", icon="search", **FITTED)
        self.clear_button = w.Button(description="Clear these flags…", button_style="danger",
                                     disabled=True)
        self.cleanup_outcome = w.HTML()
        # auto, not 100%: the list's own margin would push its right edge past the panel's
        self.keep = w.SelectMultiple(options=[], rows=8, layout=w.Layout(width="auto"))
        self.keep_noted_button = w.Button(description="Keep every row with notes", **FITTED)
        self.keep_none_button = w.Button(description="Keep none", **FITTED)
        self.cleanup_rows = table(caption=WOULD_CLEAR)
        self.confirmation = Confirmation()
        self.pending = PendingChanges(self.session)
        self.reconciliation = Reconciliation()
        self.tables, self.as_of, self.concerned = {}, None, None
        self.dry_run_days = None      # the Older than of the rows in the keep list
        # the export's own line: its links stay with what it says they are
        self.written = w.HTML()

        keeping = w.VBox([
            w.HTML("<b>Keep</b>: select the rows to leave reserved (Ctrl or Shift and click "
                   "for several); the others are cleared."),
            self.keep, w.HBox([self.keep_noted_button, self.keep_none_button])])
        tabs = w.Tab(children=[
            w.VBox([self.by_customer, self.by_site]),
            w.VBox([self.deleted_summary, self.deleted_chart, self.leavers, self.deleted]),
            self.stuck, self.stranded,
            w.VBox([self.out_of_sight, self.inactive_flags, self.without_numbers]),
            w.VBox([self.usage_chart, self.usage]),
            w.VBox([w.HBox([self.dry_run_button, self.clear_button]), self.confirmation,
                    self.cleanup_outcome, keeping, self.cleanup_rows]),
            w.VBox([self.pending, self.reconciliation]),
        ])
        # short titles: with eight tabs, a tab shows some 12 characters
        for index, title in enumerate(["Summary", "Leavers", "Stuck cooling", "Stranded",
                                       "Data quality", "Utilization", "Cleanup",
                                       "Not yet in VOSS"]):
            tabs.set_title(index, title)
        self.refresh_button.on_click(self.refresh)
        self.export_button.on_click(self.export)
        self.dry_run_button.on_click(self.dry_run)
        self.clear_button.on_click(self.ask_clear)
        self.keep_noted_button.on_click(self.keep_noted)
        self.keep_none_button.on_click(lambda _: setattr(self.keep, "value", ()))
        self.keep.observe(self._keep_changed, "value")
        super().__init__([heading("Cleanup report"), self.figures, self.status,
                          w.HBox([self.older_than, self.refresh_button]),
                          w.HBox([self.out_dir, self.export_button]),
                          self.written, self.downloads, tabs])
        self._read()

    def refresh(self, _=None):
        """Read the report's tables again, and the report below the panel with them."""
        self._read()
        if self.report is not None:
            self.report.reread()

    def _read(self):
        with self.session.reading() as inv:
            data = report_data(inv, self.older_than.value)
        self.tables, self.as_of = data.tables, data.as_of
        self.shown_days = self.older_than.value     # what the tables (and an export) are of
        deleted = self.tables["deleted_user_reservations"]
        usage = self.tables["node_utilization"]
        self.figures.value = figures_html(self.tables["headline_figures"])
        show(self.by_customer, self.tables["by_customer"])
        show(self.by_site, self.tables["by_site"])
        self.deleted_summary.value = note("info", f"As of {data.as_of}: {held_for_leavers(data)}")
        self.deleted_chart.value = deletion_age_chart(deleted)
        show(self.leavers, self.tables["leavers_by_user"])
        show(self.deleted, notes_first(deleted))
        show(self.stuck, self.tables["stuck_cooling"])
        show(self.stranded, self.tables["stranded_reservations"])
        show(self.out_of_sight, self.tables["used_out_of_sight"])
        show(self.inactive_flags, self.tables["inactive_reservations"])
        show(self.without_numbers, self.tables["users_without_numbers"])
        self.usage_chart.value = utilization_chart(usage, data.alert_share)
        show(self.usage, usage)
        self.status.value = note("warning" if data.counts["alerts"] else "info", alerts_sentence(data))
        self.pending.present(data.round_trip)
        self.reconciliation.present(data.round_trip)

    def export(self, _=None):
        """Write the tables; offer each file written as a download link. Returns the paths."""
        typed = self.out_dir.value.strip()
        try:
            if typed:      # relative to the notebook, as the links are
                folder = self.notebook_folder / typed
                replaced = [name for name in file_names(self.tables)
                            if os.path.lexists(folder / name)]
                written = write_tables(self.tables, folder)
            else:
                replaced = []
                written = write_dated_tables(self.tables, self.notebook_folder / EXPORTS_FOLDER,
                                             EXPORT_STEM, self.as_of)
                folder = written[0].parent
        except OSError as error:    # a folder that cannot be made or written to
            self.written.value = note("error", f"Not written: {error.strerror or error} "
                                               f"({error.filename or typed or EXPORTS_FOLDER}).")
            self.downloads.outputs = ()
            return []
        self.written.value = note("ok", f"Wrote {len(written)} file(s) to {folder}"
                                        + (f", replacing the {len(replaced)} of an earlier export "
                                           "there" if replaced else "")
                                        + f" (as of {self.as_of}, older than "
                                          f"{self.shown_days} days).")
        self.downloads.outputs = ({"output_type": "display_data", "metadata": {}, "data": {
            "text/html": download_links(written, self.notebook_folder),
            "text/plain": "\n".join(map(str, written))}},)
        return written

    def dry_run(self, _=None):
        """The rows the cleanup would clear, offered in the keep list; rows kept before and
        still concerned stay kept."""
        days = self.older_than.value
        with self.session.reading() as inv:
            concerned = inv.cleanup_deleted_reservations(days, dry_run=True)
        self.dry_run_days = days
        self._offer(concerned)
        self.clear_button.disabled = concerned.empty or self.read_only
        self._show_plan()
        return concerned

    def _show_plan(self, then=""):
        """The line and the table say what Clear would clear now: the rows of the dry run but
        those selected to keep, which are counted and left out of the table."""
        concerned, days = self.concerned, self.dry_run_days
        kept = set(self.keep.value)
        clearing = concerned[[key not in kept for key in zip(concerned["number"], concerned["node"])]]
        # numbered afresh: the table would show the dry run's row numbers, with gaps
        show(self.cleanup_rows, clearing.reset_index(drop=True))
        self.cleanup_rows.caption = WOULD_CLEAR + (
            f" ({len(kept)} kept, not listed)" if kept else "")
        noted = int(clearing["reservation_notes"].notna().sum())
        self.cleanup_outcome.value = note(
            "warning" if noted else "info",
            f"The cleanup would clear {len(clearing)} Reserved For flag(s) of users deleted "
            f"{days}+ days ago"
            + (f" and keep {len(kept)} as they are" if kept else "")
            + (f", {noted} of those cleared with notes: read them, and select below the rows "
               "to keep" if noted and kept else
               f", {noted} with notes: read them, and select below the rows to keep" if noted
               else "")
            + "; nothing is changed yet." + then)

    def _offer(self, concerned):
        kept = set(self.keep.value)
        keys = list(zip(concerned["number"], concerned["node"]))
        self.concerned = concerned
        self.keep.options = [(row_label(row), key)
                             for key, (_, row) in zip(keys, concerned.iterrows())]
        self.keep.value = tuple(key for key in keys if key in kept)

    def keep_noted(self, _=None):
        """Select in the keep list every row that has notes."""
        if self.concerned is None:
            return
        noted = self.concerned[self.concerned["reservation_notes"].notna()]
        self.keep.value = tuple(zip(noted["number"], noted["node"]))

    def _keep_changed(self, _):
        if self.concerned is None:      # the list emptied after a clear
            return
        # a question asked about other rows no longer says what Confirm would do
        asked = self.confirmation.pending
        self.confirmation.dismiss()
        self._show_plan(" The rows kept changed: click Clear again." if asked else "")

    def ask_clear(self, _=None):
        days = self.older_than.value
        concerned = self.dry_run()
        kept = list(self.keep.value)
        clearing = len(concerned) - len(kept)
        if not len(concerned):
            return
        if not clearing:
            self.cleanup_outcome.value = note("info", "Every row is kept: nothing to clear.")
            return
        # what is confirmed is what was counted, whatever the boxes say then
        expected = list(zip(concerned["number"], concerned["node"]))
        self.confirmation.ask(f"Clear {clearing} Reserved For flag(s) of users deleted {days}+ "
                              f"days ago, and keep {len(kept)} as they are?",
                              lambda: self.clear(days, expected, kept))

    def clear(self, days, expected=None, keep=()):
        """Clear the flags the cleanup of `days` concerns but those in `keep`; refused when
        the rows concerned are no longer `expected` (what the analyst was shown)."""
        try:
            with self.session.writing() as inv:
                if expected is not None:
                    now = inv.cleanup_deleted_reservations(days, dry_run=True)
                    if set(zip(now["number"], now["node"])) != set(expected):
                        self.cleanup_outcome.value = note(
                            "error", "Not done: the rows the cleanup concerns changed since the "
                                     "dry run; look at them again (Dry run cleanup).")
                        return
                cleared = inv.cleanup_deleted_reservations(days, dry_run=False, keep=keep)
        except NumkitError as error:
            self.cleanup_outcome.value = note("error", in_plain_words(error))
            return
        self.clear_button.disabled = True
        self.cleanup_outcome.value = note("ok", f"Cleared {len(cleared)} Reserved For flag(s); "
                                                f"kept {len(keep)} as they are.")
        self.concerned, self.keep.options = None, []
        show(self.cleanup_rows, cleared)
        self.cleanup_rows.caption = CLEARED
        self.refresh()
