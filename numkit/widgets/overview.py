"""Overview panel: what is loaded now; load an export after seeing its whole plan; then
numbers by status per customer and per site."""

import contextlib
import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import ipywidgets as w
import pandas as pd

from ..errors import LoadError, NumkitError
from ..reports import charts
from ..reports.summary import round_trip
from .common import FITTED, Confirmation, Session, heading, in_plain_words, note, show, table
from .round_trip import PendingChanges, Reconciliation
from .trends import Trends

ROLES = ("numbers", "users", "hierarchy")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PLAN_ROW_COLUMNS = ["change", "number", "node", "fields", "status_before", "status_after",
                    "reserved_for_before", "reserved_for_after", "used_by_before", "used_by_after"]
PLAN_USER_COLUMNS = ["change", "username", "node_before", "node_after", "recorded_as_deleted"]
DECISION_COLUMNS = ["outcome", "kind", "number", "node", "username", "field", "voss_value",
                    "numkit_value", "export_value", "reason", "decided_by"]


class OverviewPanel(w.VBox):
    """Load an inventory export (a file path or an upload) and see its shape."""

    def __init__(self, database=None, as_of=None):
        self.session = Session(database, as_of)
        self.paths = {role: w.Text(description=role.capitalize(), placeholder=f"path to {role}.csv/.xlsx",
                                   layout=w.Layout(width="520px")) for role in ROLES}
        self.uploads = {role: w.FileUpload(accept=".csv,.xlsx", description=f"Upload {role}", **FITTED)
                        for role in ROLES}
        # a text box, not a date picker: Chromium shows a picker's date in the browser's
        # locale (11/30/2026 or 30/11/2026), the one ambiguity a snapshot date must not have
        self.snapshot_date = w.Text(description="Snapshot date (YYYY-MM-DD)",
                                    placeholder="optional",
                                    style={"description_width": "initial"})
        # the hint beside the box: a placeholder this long is cut off at the box's edge
        self.snapshot_hint = w.HTML("<i style='white-space:nowrap'>empty: the panel's as of date</i>",
                                    layout=w.Layout(margin="0 16px 0 4px"))
        self.snapshot = w.HTML()
        self.snapshot_files = table(caption="The files of the snapshot loaded now")
        self.relative_note = w.HTML(note("info", "Relative paths are read from "
                                                 f"{os.getcwd()} (the notebook's folder)."))
        # a header near a known one is refused as a misspelling unless named here
        self.extra_columns = w.Text(description="Extra columns",
                                    placeholder="headers to keep as written, comma-separated",
                                    style={"description_width": "initial"},
                                    layout=w.Layout(width="520px"))
        # off by default: the decisions pending are kept, reconciled with the export
        self.discard = w.Checkbox(value=False, indent=False, **FITTED,
                                  description="Discard pending changes (the export stands)")
        self.load_button = w.Button(description="Load export", button_style="primary", icon="upload")
        self.confirmation = Confirmation()
        self.confirmation.cancel_button.on_click(self._cancelled)
        self.plan_summary = w.HTML()
        self.plan_rows = table(caption="Number rows the load adds, removes or changes")
        self.plan_users = table(caption="Users the load adds, records as deleted, drops or moves")
        self.plan_decisions = table(caption="Decisions made in numkit the export overrides, "
                                            "confirms or leaves pending")
        self.plan_box = w.VBox([heading("What the load will do"), self.plan_summary,
                                self.confirmation, self.plan_rows, self.plan_users,
                                self.plan_decisions],
                               layout=w.Layout(display="none"))
        self._plan = None            # (the load's arguments, the upload folder) awaiting Confirm
        self.progress = w.FloatProgress(min=0, max=1, description="", layout=w.Layout(width="420px"))
        self.step = w.HTML()
        # shown while a load (or its rehearsal) runs: an empty bar says nothing
        self.progress_row = w.HBox([self.progress, self.step], layout=w.Layout(display="none"))
        self.load_result = w.HTML()
        self.problems = table(caption="Problems found in the export (nothing was loaded)")
        self.problems.layout.display = "none"     # shown when a load is refused
        self.by_customer = table(caption="Numbers by effective status, per customer")
        self.by_site = table(caption="Numbers by effective status, per site")
        self.chart = w.Image(format="png")
        self.pending = PendingChanges(self.session)
        self.reconciliation = Reconciliation()
        self.trends = Trends(self.session)
        self.load_button.on_click(self.load)
        # a plan shown is the plan of what the boxes say: changing one withdraws it
        for box in [*self.paths.values(), self.snapshot_date, self.extra_columns, self.discard]:
            box.observe(self._withdraw_plan, "value")
        for upload in self.uploads.values():
            upload.observe(self._withdraw_plan, "value")
        super().__init__([
            heading("Loaded now"), self.snapshot, self.snapshot_files,
            heading("Load an export"), self.relative_note,
            *[w.HBox([self.paths[role], self.uploads[role]]) for role in ROLES],
            self.extra_columns, w.HBox([self.snapshot_date, self.snapshot_hint, self.discard,
                                         self.load_button]),
            self.progress_row, self.load_result, self.problems, self.plan_box,
            self.reconciliation, self.pending,
            heading("Counts by status"), self.chart, self.by_customer, self.by_site,
            heading("Trends and running out"), self.trends,
        ])
        self.refresh()

    def _source(self, role, folder):
        uploaded = self.uploads[role].value
        if uploaded:
            target = Path(folder) / uploaded[0]["name"]
            target.write_bytes(bytes(uploaded[0]["content"]))
            return target
        return self.paths[role].value.strip() or None

    def _extra_columns(self):
        return [name.strip() for name in self.extra_columns.value.split(",") if name.strip()]

    def _progress(self, fraction, step):
        # (0, "") resets the bar once a step is over: nothing runs then
        self.progress_row.layout.display = "none" if not (fraction or step) else ""
        self.progress.value = fraction
        self.step.value = note("info", step) if step else ""

    @contextlib.contextmanager
    def _running(self):
        """The progress bar shown for one load or rehearsal, hidden when it ends however."""
        try:
            yield
        finally:
            self.progress_row.layout.display = "none"

    def _snapshot_date(self):
        """The date typed, None when empty; ValueError naming the value when not YYYY-MM-DD."""
        typed = self.snapshot_date.value.strip()
        if not typed:
            return None
        try:
            if not ISO_DATE.fullmatch(typed):
                raise ValueError
            return dt.date.fromisoformat(typed)
        except ValueError:
            raise ValueError(f"The snapshot date {typed!r} is not a date written YYYY-MM-DD "
                             "(2026-11-30, say).") from None

    def load(self, _=None):
        """Show the whole plan of the load and ask to confirm it; nothing changes yet."""
        self._withdraw_plan()
        try:
            as_of = self._snapshot_date()
        except ValueError as error:
            self.load_result.value = note("error", str(error))
            return
        # uploads are written to a folder kept until the load is confirmed or withdrawn
        folder = tempfile.TemporaryDirectory(prefix="numkit-upload-")
        sources = {role: self._source(role, folder.name) for role in ROLES}
        if not sources["numbers"]:
            folder.cleanup()
            self.load_result.value = note("error", "Give the numbers export (a path or an upload).")
            return
        arguments = dict(numbers=sources["numbers"], users=sources["users"],
                         hierarchy=sources["hierarchy"], as_of=as_of,
                         extra_columns=self._extra_columns(),
                         pending="discard" if self.discard.value else "keep")
        try:
            with self._running(), self.session.writing() as inv:
                plan = inv.preview_load(**arguments, progress=self._progress)
        except NumkitError as error:
            folder.cleanup()
            self._refused(error)
            return
        except BaseException:
            folder.cleanup()
            raise
        self._progress(0, "")      # the rehearsal is over: nothing is loaded yet
        show(self.problems, None)
        self.problems.layout.display = "none"
        self.load_result.value = ""
        self._plan = (arguments, folder)
        self._show_plan(plan)
        self.confirmation.ask("Load this export? It replaces the inventory as shown below.",
                              self._load_planned)

    def _refused(self, error):
        """Say why the export was refused (every problem of a LoadError, listed)."""
        self._progress(0, "")      # the step it was at is over
        if not isinstance(error, LoadError):
            self.load_result.value = note("error", in_plain_words(error))
            return
        listed = ("listed below" if error.total == len(error.problems)
                  else f"the first {len(error.problems):,} listed below")
        self.load_result.value = note("error", f"Nothing was loaded: {error.total:,} "
                                               f"problem(s) in the export, {listed}.")
        show(self.problems, error.problems)
        self.problems.layout.display = ""

    def _show_plan(self, plan):
        kind = "warning" if (plan.deleted_users or len(plan.overridden)) else "info"
        self.plan_summary.value = "".join(note(kind, line) for line in plan.describe())
        show(self.plan_rows, plan.row_changes[PLAN_ROW_COLUMNS] if len(plan.row_changes) else None)
        show(self.plan_users, plan.user_changes[PLAN_USER_COLUMNS] if len(plan.user_changes) else None)
        decisions = plan.reconciliation
        show(self.plan_decisions, decisions[DECISION_COLUMNS] if len(decisions) else None)
        self.plan_box.layout.display = ""

    def _withdraw_plan(self, _=None):
        """Forget the plan shown (and the uploads kept for it): its load is not asked for."""
        if self._plan is not None:
            self._plan[1].cleanup()
            self._plan = None
        self.confirmation.dismiss()
        self.plan_box.layout.display = "none"
        self.plan_summary.value = ""
        for shown in (self.plan_rows, self.plan_users, self.plan_decisions):
            show(shown, None)       # hidden is not enough: no stale plan stays in the page

    def _cancelled(self, _=None):
        self._withdraw_plan()
        self.load_result.value = note("info", "Not loaded: the load was cancelled; nothing changed.")

    def _load_planned(self):
        arguments, folder = self._plan
        try:
            self._load(arguments)
        finally:
            self._withdraw_plan()

    def _load(self, arguments):
        try:
            with self._running(), self.session.writing() as inv:
                report = inv.load(**arguments, progress=self._progress)
        except NumkitError as error:
            self._refused(error)
            return None
        deleted = report.describe_deleted_users()
        order = report.describe_order()
        self.load_result.value = "".join(
            note(kind, line) for kind, line in
            [("ok", str(report))] + ([("warning", deleted)] if deleted else [])
            + [("warning", line) for line in report.warnings()]
            + [("info", report.describe_reconciliation())]
            + [("info", line) for line in report.describe_columns()]
            + ([("warning" if report.not_compacted else "info", order)] if order else []))
        show(self.problems, None)
        self.problems.layout.display = "none"
        self.discard.value = False      # asked for one load, never carried to the next
        self.refresh()
        return report

    def refresh(self):
        with self.session.reading() as inv:
            self._show_snapshot(inv.current_snapshot())
            customers = inv.utilization("Customer")
            sites = inv.utilization("Site")
            trip = round_trip(inv)
            self.trends.read(inv)
        self.trends.show()
        self.pending.present(trip)
        self.reconciliation.present(trip)
        columns = ["node", "total", "available", "used", "used_utility", "reserved", "cooling",
                   "inactive", "share_available", "alert"]
        show(self.by_customer, customers[columns])
        show(self.by_site, sites[columns])
        both = pd.concat([customers, sites])
        if len(both):
            self.chart.value = charts.status_chart(both)

    def _show_snapshot(self, snapshot):
        """What is loaded now: the snapshot, its date, when it was loaded, its files, its size."""
        if snapshot is None:
            self.snapshot.value = note("warning", "Nothing loaded yet: load an export below.")
            show(self.snapshot_files, None)
            return
        users = "users as before" if snapshot["users"] is None else f"{snapshot['users']:,} users"
        self.snapshot.value = note("info", (
            f"Snapshot {snapshot['load_id']} as of {snapshot['as_of']:%Y-%m-%d}, loaded "
            f"{snapshot['loaded_at']:%Y-%m-%d %H:%M}: {snapshot['numbers']:,} numbers, {users}, "
            f"{snapshot['nodes']:,} nodes; {snapshot['rejected']:,} rejected row(s), "
            f"{snapshot['deleted_users']:,} user(s) recorded as deleted."))
        # where each file was read, absolute: the name as given is that path or part of it,
        # and says more only when no file was read (a DataFrame given to the API)
        files = pd.DataFrame(snapshot["files"], columns=["role", "file", "path", "bytes", "rows"])
        files = files.assign(path=files["path"].where(files["path"].notna(), files["file"]))[
            ["role", "path", "bytes", "rows"]]
        show(self.snapshot_files, files.astype(object).where(files.notna(), None))
