"""The cleanup report as static sections (tables and charts) that any notebook output,
an HTML export or a headless run can show: no widgets, no JavaScript."""

import base64
import functools
import html

from .exports import write_tables
from .display import html_table
from .summary import OVERDUE_AFTER_DAYS, report_data, summary_sentence
from ..inventory import connect
from ..labels import node_labels
from ..sample import database_path, project_folder
from . import charts

ROWS_SHOWN = 200


class Section:
    """A titled block of the report, rendered as escaped HTML; `parts` are sections within
    it, shown after its own table under smaller headings."""

    def __init__(self, title, text, frame=None, chart=None, parts=(), level=2):
        self.title, self.text, self.frame, self.chart = title, text, frame, chart
        self.parts, self.level = parts, level
        self.nodes = None

    def naming(self, nodes):
        """This section with node paths shown as `nodes` ({path: short name}) names them."""
        self.nodes = nodes
        for part in self.parts:
            part.naming(nodes)
        return self

    def _repr_html_(self):
        heading = f"h{self.level}"
        parts = [f"<{heading}>{html.escape(self.title)}</{heading}>", f"<p>{html.escape(self.text)}</p>"]
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


class CleanupReport:
    """The week's cleanup report of one database, read once (report_data), shown section
    by section."""

    # the sections in the order a page shows them
    SECTIONS = ("summary", "since_last_snapshot", "not_yet_in_voss", "deleted_user_reservations",
                "stuck_cooling", "stranded_reservations", "utilization")

    def __init__(self, database=None, as_of=None, older_than_days=30):
        self.database = database_path(database)
        self.older_than_days = older_than_days
        with connect(self.database, read_only=True) as inv:
            if as_of:
                inv.as_of = as_of
            self.data = report_data(inv, older_than_days)
            self.node_names = node_labels(inv.nodes())
        self.as_of, self.tables = self.data.as_of, self.data.tables
        self.alert_share = self.data.alert_share
        self.snapshot, self.previous = self.data.snapshot, self.data.previous

    @property
    def title(self):
        return f"numkit cleanup report, as of {self.as_of}"

    def sections(self):
        """Every section, in order (the files written are not among them: see export)."""
        return [getattr(self, name)() for name in self.SECTIONS]

    def summary(self):
        snapshot = (f"snapshot {self.snapshot['load_id']} as of {self.snapshot['as_of']:%Y-%m-%d}"
                    if self.snapshot is not None else "no snapshot loaded")
        return Section(self.title, f"{self.database.name}, {snapshot}. {summary_sentence(self.data)}")

    def since_last_snapshot(self):
        changes = self.tables["snapshot_changes"]
        if self.previous is None:
            return Section("Since the last snapshot", "Only one snapshot is loaded: nothing to compare.")
        return Section("Since the last snapshot",
                       f"From snapshot {self.previous['load_id']} ({self.previous['as_of']:%Y-%m-%d}) "
                       f"to {self.snapshot['load_id']} ({self.snapshot['as_of']:%Y-%m-%d}): "
                       f"{self.data.counts['changes']}.", changes)

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

    def deleted_user_reservations(self):
        deleted = self.tables["deleted_user_reservations"]
        return Section("Numbers held for people who left",
                       f"{self.data.counts['deleted']} reserved for users deleted at least "
                       f"{self.older_than_days} days ago; {self.data.counts['never_onboarded']} for "
                       "users never onboarded.", deleted, deletion_age_chart(deleted))

    def stuck_cooling(self):
        stuck = self.tables["stuck_cooling"]
        return Section("Stuck cooling", f"{len(stuck)} number(s) in cooling that VOSS's expiry "
                                        "job will not release: release them by hand.", stuck)

    def stranded_reservations(self):
        stranded = self.tables["stranded_reservations"]
        return Section("Stranded reservations", f"{len(stranded)} reservation(s) their user "
                                                "cannot see from their node.", stranded)

    def utilization(self):
        usage = self.tables["node_utilization"]
        return Section("Utilization", f"Share of numbers available per node (the chart: customers "
                                      f"and sites); the alert is below {self.alert_share:.0%}.", usage,
                       utilization_chart(usage, self.alert_share))

    def export(self, out_dir=None):
        out_dir = out_dir or project_folder() / "out" / "cleanup"
        written = write_tables(self.tables, out_dir)
        return Section("Files", "Wrote " + ", ".join(path.name for path in written) + f" to {out_dir}.")


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
