"""The cleanup report as static sections (tables and charts) that any notebook output,
an HTML export or a headless run can show: no widgets, no JavaScript.

In a notebook a section is shown under a display id of its own, so that the report, read
again (CleanupReport.reread, as the cleanup panel does after a change), shows its new
figures in the outputs already on the page rather than leaving the old ones standing."""

import base64
import functools
import html
import uuid
from pathlib import Path

from .downloads import download_links
from .exports import write_dated_tables, write_tables
from .display import html_table
from .headlines import report_headlines
from .summary import OVERDUE_AFTER_DAYS, report_data, summary_sentence
from ..inventory import connect
from ..labels import node_labels
from ..sample import database_path
from . import charts, trends

# Exports from a notebook go into a new dated folder (cleanup-2026-11-23, then -2, ...) in
# this folder beside the notebook, where JupyterLab can offer them for download.
EXPORTS_FOLDER = "exports"
EXPORT_STEM = "cleanup"

ROWS_SHOWN = 200


class Section:
    """A titled block of the report, rendered as escaped HTML; `parts` are sections within
    it, shown after its own table under smaller headings."""

    def __init__(self, title, text, frame=None, chart=None, parts=(), level=2, links=""):
        """`links`: HTML of download links (downloads.download_links), shown after the text."""
        self.title, self.text, self.frame, self.chart = title, text, frame, chart
        self.parts, self.level, self.links = parts, level, links
        self.nodes = None
        # set by the report that made it: the id it is shown under, and what to tell it then
        self.display_id, self.on_display = None, None

    def naming(self, nodes):
        """This section with node paths shown as `nodes` ({path: short name}) names them."""
        self.nodes = nodes
        for part in self.parts:
            part.naming(nodes)
        return self

    def _repr_html_(self):
        heading = f"h{self.level}"
        parts = [f"<{heading}>{html.escape(self.title)}</{heading}>", f"<p>{html.escape(self.text)}</p>"]
        if self.links:
            parts.append(self.links)
        if self.chart:
            parts.append(f'<img alt="{html.escape(self.title)}" '
                         f'src="data:image/png;base64,{base64.b64encode(self.chart).decode()}">')
        if self.frame is not None and len(self.frame):
            parts.append(html_table(self.frame.head(ROWS_SHOWN), self.nodes))
            if len(self.frame) > ROWS_SHOWN:
                parts.append(f"<p>First {ROWS_SHOWN} of {len(self.frame)} rows; the CSV and XLSX "
                             "files hold them all.</p>")
        parts.extend(part._repr_html_() for part in self.parts)
        return "\n".join(parts)

    def __repr__(self):
        return f"{self.title}: {self.text}"

    def bundle(self):
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}

    def _ipython_display_(self):
        """Shown by a notebook: under the section's display id, when it has one."""
        from IPython.display import display

        display(self.bundle(), raw=True, display_id=self.display_id or None)
        if self.on_display is not None:
            self.on_display()


def shown_again(method):
    """A CleanupReport section method whose section is shown under an id of the report's,
    so that CleanupReport.reread can show it anew."""
    name = method.__name__

    @functools.wraps(method)
    def section(report):
        made = method(report)
        made.display_id = f"{report.display_prefix}-{name}"
        made.on_display = lambda: report.shown.add(name)
        return made
    return section


class CleanupReport:
    """The week's cleanup report of one database, read once (report_data), shown section
    by section."""

    # the sections in the order a page shows them
    SECTIONS = ("summary", "since_last_snapshot", "not_yet_in_voss", "deleted_user_reservations",
                "stuck_cooling", "stranded_reservations", "utilization", "running_out")

    def __init__(self, database=None, as_of=None, older_than_days=30):
        self.database = database_path(database)
        self.older_than_days = older_than_days
        self.requested_as_of = as_of
        # the sections a notebook has shown, by name, to show again when read anew
        self.display_prefix, self.shown = f"numkit-report-{uuid.uuid4().hex}", set()
        self._read()

    def _read(self):
        with connect(self.database, read_only=True) as inv:
            if self.requested_as_of:
                inv.as_of = self.requested_as_of
            self.data = report_data(inv, self.older_than_days)
            self.node_names = node_labels(inv.nodes())
        self.as_of, self.tables = self.data.as_of, self.data.tables
        self.alert_share = self.data.alert_share
        self.snapshot, self.previous = self.data.snapshot, self.data.previous

    def reread(self):
        """Read the database again; every section a notebook has shown shows the new figures."""
        self._read()
        from IPython.core.interactiveshell import InteractiveShell
        from IPython.display import update_display

        if not InteractiveShell.initialized():      # no notebook: nothing shown to update
            return
        for name in self.SECTIONS:
            if name in self.shown:
                update_display(getattr(self, name)().bundle(), raw=True,
                               display_id=f"{self.display_prefix}-{name}")

    @property
    def title(self):
        return f"numkit cleanup report, as of {self.as_of}"

    def sections(self):
        """Every section, in order (the files written are not among them: see export)."""
        return [getattr(self, name)() for name in self.SECTIONS]

    @shown_again
    def summary(self):
        snapshot = (f"snapshot {self.snapshot['load_id']} as of {self.snapshot['as_of']:%Y-%m-%d}"
                    if self.snapshot is not None else "no snapshot loaded")
        return Section(self.title, f"{self.database.name}, {snapshot}. {summary_sentence(self.data)}")

    @shown_again
    def since_last_snapshot(self):
        changes = self.tables["snapshot_changes"]
        if self.previous is None:
            return Section("Since the last snapshot", "Only one snapshot is loaded: nothing to compare.")
        return Section("Since the last snapshot",
                       f"From snapshot {self.previous['load_id']} ({self.previous['as_of']:%Y-%m-%d}) "
                       f"to {self.snapshot['load_id']} ({self.snapshot['as_of']:%Y-%m-%d}): "
                       f"{self.data.counts['changes']}.", changes)

    @shown_again
    def not_yet_in_voss(self):
        waiting, conflicts = self.tables["not_yet_in_voss"], self.tables["last_load_conflicts"]
        return Section(
            "Decided in numkit, not yet in VOSS",
            f"{self.data.counts['not_yet_in_voss']} change(s) decided in numkit more than "
            f"{OVERDUE_AFTER_DAYS} days ago that the last export did not show yet (one line per "
            "field, with its age in days): carry them into VOSS.", waiting,
            parts=[Section("Conflicts at the last load",
                           f"{self.data.counts['conflicts']} decision(s) the last export "
                           "contradicted (VOSS decided otherwise): the export stands, numkit's "
                           "value was dropped.", conflicts, level=3)])

    @shown_again
    def deleted_user_reservations(self):
        deleted = self.tables["deleted_user_reservations"]
        return Section("Numbers held for people who left",
                       f"{self.data.counts['deleted']} reserved for users deleted at least "
                       f"{self.older_than_days} days ago; {self.data.counts['never_onboarded']} for "
                       "users never onboarded.", deleted, deletion_age_chart(deleted))

    @shown_again
    def stuck_cooling(self):
        stuck = self.tables["stuck_cooling"]
        return Section("Stuck cooling", f"{len(stuck)} number(s) in cooling that VOSS's expiry "
                                        "job will not release: release them by hand.", stuck)

    @shown_again
    def stranded_reservations(self):
        stranded = self.tables["stranded_reservations"]
        return Section("Stranded reservations", f"{len(stranded)} reservation(s) their user "
                                                "cannot see from their node.", stranded)

    @shown_again
    def utilization(self):
        usage = self.tables["node_utilization"]
        return Section("Utilization", f"Share of numbers available per node (the chart: customers "
                                      f"and sites); the alert is below {self.alert_share:.0%}.", usage,
                       utilization_chart(usage, self.alert_share))

    @shown_again
    def running_out(self):
        running = self.tables["running_out"]
        title = "Running out"
        if self.previous is None:
            return Section(title, "Fewer than two snapshots are loaded: no trend to forecast from yet.")
        return Section(
            title,
            f"{len(running)} node(s) reach the {self.alert_share:.0%} available alert within "
            f"{trends.RUNNING_OUT_WEEKS} weeks at the pace of the last "
            f"{trends.FORECAST_SNAPSHOTS} snapshots (0 weeks: below it already and still "
            "falling). Taken per week is the straight-line trend of the numbers available, "
            "net of numbers freed or added; the weeks count from the latest snapshot. How "
            "sure: High when 6 snapshots or more lie close to the line (r² at least 0.8), "
            "Medium with 3 or more and r² at least 0.5, Low otherwise. Listed are the nodes "
            "that hold numbers of their own: one that holds none (sys, a provider) only adds "
            "up the nodes under it.", running,
            trends.running_out_chart(self.data.running_out_history, self.data.forecast,
                                     self.alert_share))

    def export(self, out_dir=None, notebook_folder=None):
        """Write the tables as CSV files and a workbook: into `out_dir` (its files of those
        names replaced), or by default into a new dated folder (cleanup-YYYY-MM-DD, -2, ...)
        under exports/ in `notebook_folder` (default: the working directory, a notebook's
        own folder). The section links each file written under `notebook_folder`."""
        folder = Path.cwd() if notebook_folder is None else Path(notebook_folder)
        if out_dir is None:
            written = write_dated_tables(self.tables, folder / EXPORTS_FOLDER, EXPORT_STEM,
                                         self.as_of, report_headlines(self.data))
            out_dir = written[0].parent
        else:
            written = write_tables(self.tables, out_dir, report_headlines(self.data))
        return Section("Files", "Wrote " + ", ".join(path.name for path in written) + f" to {out_dir}.",
                       links=download_links(written, folder))


def _naming_nodes(section):
    """A section method whose section names nodes short, as the report's hierarchy does."""
    @functools.wraps(section)
    def named(self, *args, **kwargs):
        return section(self, *args, **kwargs).naming(self.node_names)
    return named


for _name in CleanupReport.SECTIONS:
    setattr(CleanupReport, _name, _naming_nodes(getattr(CleanupReport, _name)))


def deletion_age_chart(deleted):
    """The histogram of the report: days since deletion, of the deleted users' reservations."""
    return charts.deletion_age_histogram(deleted[deleted["category"] == "deleted"])


def utilization_chart(usage, alert_share):
    """The utilization chart of the report: customers and sites."""
    return charts.utilization_chart(usage[usage["type"].isin(["Customer", "Site"])], alert_share)
