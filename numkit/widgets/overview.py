"""Overview panel: load an export, then see numbers by status per customer and per site."""

import tempfile
from pathlib import Path

import ipywidgets as w
import pandas as pd

from ..errors import LoadError, NumkitError
from ..reports import charts
from ..reports.summary import round_trip
from .common import FITTED, Session, heading, in_plain_words, note, show, table
from .round_trip import PendingChanges, Reconciliation

ROLES = ("numbers", "users", "hierarchy")


class OverviewPanel(w.VBox):
    """Load an inventory export (a file path or an upload) and see its shape."""

    def __init__(self, database=None, as_of=None):
        self.session = Session(database, as_of)
        self.paths = {role: w.Text(description=role.capitalize(), placeholder=f"path to {role}.csv/.xlsx",
                                   layout=w.Layout(width="520px")) for role in ROLES}
        self.uploads = {role: w.FileUpload(accept=".csv,.xlsx", description=f"Upload {role}", **FITTED)
                        for role in ROLES}
        self.snapshot_date = w.DatePicker(description="Snapshot date",
                                          style={"description_width": "initial"})
        # a header near a known one is refused as a misspelling unless named here
        self.extra_columns = w.Text(description="Extra columns",
                                    placeholder="headers to keep as written, comma-separated",
                                    style={"description_width": "initial"},
                                    layout=w.Layout(width="520px"))
        # off by default: the decisions pending are kept, reconciled with the export
        self.discard = w.Checkbox(value=False, indent=False, **FITTED,
                                  description="Discard pending changes (the export stands)")
        self.load_button = w.Button(description="Load export", button_style="primary", icon="upload")
        self.progress = w.FloatProgress(min=0, max=1, description="", layout=w.Layout(width="420px"))
        self.step = w.HTML()
        self.load_result = w.HTML()
        self.problems = table(caption="Problems found in the export (nothing was loaded)")
        self.problems.layout.display = "none"     # shown when a load is refused
        self.by_customer = table(caption="Numbers by effective status, per customer")
        self.by_site = table(caption="Numbers by effective status, per site")
        self.chart = w.Image(format="png")
        self.pending = PendingChanges(self.session)
        self.reconciliation = Reconciliation()
        self.load_button.on_click(self.load)
        super().__init__([
            heading("Load an export"),
            *[w.HBox([self.paths[role], self.uploads[role]]) for role in ROLES],
            self.extra_columns, w.HBox([self.snapshot_date, self.discard, self.load_button]),
            w.HBox([self.progress, self.step]), self.load_result, self.problems,
            self.reconciliation, self.pending,
            heading("Counts by status"), self.chart, self.by_customer, self.by_site,
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
        self.progress.value = fraction
        self.step.value = note("info", step) if step else ""

    def load(self, _=None):
        with tempfile.TemporaryDirectory() as folder:
            sources = {role: self._source(role, folder) for role in ROLES}
            if not sources["numbers"]:
                self.load_result.value = note("error", "Give the numbers export (a path or an upload).")
                return
            try:
                with self.session.writing() as inv:
                    report = inv.load(sources["numbers"], users=sources["users"],
                                      hierarchy=sources["hierarchy"], as_of=self.snapshot_date.value,
                                      extra_columns=self._extra_columns(),
                                      progress=self._progress,
                                      pending="discard" if self.discard.value else "keep")
            except LoadError as error:
                self._progress(0, "")      # the step it was at is over
                listed = ("listed below" if error.total == len(error.problems)
                          else f"the first {len(error.problems):,} listed below")
                self.load_result.value = note("error", f"Nothing was loaded: {error.total:,} "
                                                       f"problem(s) in the export, {listed}.")
                show(self.problems, error.problems)
                self.problems.layout.display = ""
                return
            except NumkitError as error:
                self._progress(0, "")
                self.load_result.value = note("error", in_plain_words(error))
                return
        self.load_result.value = "".join(note(kind, line) for kind, line in
                                         [("ok", str(report)), ("info", report.describe_reconciliation())]
                                         + [("info", line) for line in report.describe_columns()])
        show(self.problems, None)
        self.problems.layout.display = "none"
        self.discard.value = False      # asked for one load, never carried to the next
        self.refresh()

    def refresh(self):
        with self.session.reading() as inv:
            customers = inv.utilization("Customer")
            sites = inv.utilization("Site")
            trip = round_trip(inv)
        self.pending.present(trip)
        self.reconciliation.present(trip)
        columns = ["node", "total", "available", "used", "used_utility", "reserved", "cooling",
                   "inactive", "share_available", "alert"]
        show(self.by_customer, customers[columns])
        show(self.by_site, sites[columns])
        both = pd.concat([customers, sites])
        if len(both):
            self.chart.value = charts.status_chart(both)
