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
from urllib.parse import quote

from .downloads import download_links
from .exports import write_dated_tables, write_tables
from .display import TABLE_STYLE, html_table
from .summary import OVERDUE_AFTER_DAYS, report_data, summary_sentence
from ..inventory import connect
from ..labels import node_labels
from ..sample import database_path
from . import charts, headline, leavers, places, trends

# Exports from a notebook go into a new dated folder (cleanup-2026-11-23, then -2, ...) in
# this folder beside the notebook, where JupyterLab can offer them for download.
EXPORTS_FOLDER = "exports"
EXPORT_STEM = "cleanup"

# A table on a page shows this many rows; the CSV file named under it holds them all.
ROWS_SHOWN = 200


class Section:
    """A titled block of the report, rendered as escaped HTML; `parts` are sections within
    it, shown after its own table under smaller headings."""

    def __init__(self, title, text, frame=None, chart=None, parts=(), level=2, links="",
                 body=None, csv=None, more=None):
        """`links`: HTML of download links (downloads.download_links), shown after the text.
        `body`: HTML shown in place of the frame's table (the frame is then only counted);
        `csv`: the file of the report's export that holds the frame whole; `more`: what a
        shortened `body` left out, in words, before where the rest is."""
        self.title, self.text, self.frame, self.chart = title, text, frame, chart
        self.parts, self.level, self.links = parts, level, links
        self.body, self.csv, self.more = body, csv, more
        self.nodes = None
        # whether the export's files sit beside the page showing this section (a link
        # reaches them), else they are named as the export's
        self.files_beside = False
        # set by the report that made it: the id it is shown under, and what to tell it then
        self.display_id, self.on_display = None, None

    def naming(self, nodes):
        """This section with node paths shown as `nodes` ({path: short name}) names them."""
        self.nodes = nodes
        for part in self.parts:
            part.naming(nodes)
        return self

    def beside_files(self, beside=True):
        """This section on a page with the export's files beside it: it links them."""
        self.files_beside = beside
        for part in self.parts:
            part.beside_files(beside)
        return self

    def _repr_html_(self):
        heading = f"h{self.level}"
        parts = [f"<{heading}>{html.escape(self.title)}</{heading}>", f"<p>{html.escape(self.text)}</p>"]
        if self.links:
            parts.append(self.links)
        if self.chart:
            parts.append(f'<img alt="{html.escape(self.title)}" '
                         f'src="data:image/png;base64,{base64.b64encode(self.chart).decode()}">')
        if self.body is not None:
            parts.append(self.body)
            if self.more:
                parts.append(self._where_the_rest_is(self.more))
        elif self.frame is not None and len(self.frame):
            parts.append(html_table(self.frame.head(ROWS_SHOWN), self.nodes))
            if len(self.frame) > ROWS_SHOWN:
                parts.append(self._where_the_rest_is(
                    f"Showing the first {ROWS_SHOWN:,} of {len(self.frame):,} rows."))
        parts.extend(part._repr_html_() for part in self.parts)
        if self.level <= 2 and any("<table" in part for part in parts):
            # shown alone (a notebook's output), the section brings its tables' alignment
            parts.insert(0, f"<style>{TABLE_STYLE}</style>")
        return "\n".join(parts)

    def _where_the_rest_is(self, words):
        """`words` (what is left out), then the file that holds everything."""
        if self.csv is None:
            return f'<p class="numkit-more">{html.escape(words)}</p>'
        name = html.escape(self.csv)
        if self.files_beside:
            where = (f'every row is in <a href="{html.escape(quote(self.csv))}">{name}</a> beside '
                     "this page, and in the workbook")
        else:
            where = (f"every row is in {name} and the workbook of the report's export "
                     "(Export, or numkit report)")
        return f'<p class="numkit-more">{html.escape(words)} The rest: {where}.</p>'

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
    by section: a first screen of headline figures, the summary per customer and site,
    then the detail."""

    # the sections in the order a page shows them
    SECTIONS = ("summary", "by_place", "deleted_user_reservations", "stuck_cooling",
                "data_quality", "not_yet_in_voss", "utilization", "running_out",
                "since_last_snapshot")

    def __init__(self, database=None, as_of=None, older_than_days=30):
        self.database = database_path(database)
        self.older_than_days = older_than_days
        self.requested_as_of = as_of
        # the sections a notebook has shown, by name, to show again when read anew
        self.display_prefix, self.shown = f"numkit-report-{uuid.uuid4().hex}", set()
        # whether the sections are shown on a page with the export's files beside it
        self.files_beside = False
        self._read()

    def _read(self):
        with connect(self.database, read_only=True) as inv:
            if self.requested_as_of:
                inv.as_of = self.requested_as_of
            self.data = report_data(inv, self.older_than_days)
            self.node_names = node_labels(inv.nodes())
            self.sites = places.sites_counted(inv.node_places())
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
        """The report's title: the inventory and the date it is judged at."""
        return f"Cleanup report: {self.database.name}, {self.as_of}"

    def sections(self):
        """Every section, in order (the files written are not among them: see export)."""
        return [getattr(self, name)() for name in self.SECTIONS]

    @shown_again
    def summary(self):
        """The first screen: the title, what was compared, the headline figures and the
        summary in one sentence."""
        if self.snapshot is None:
            compared = "No snapshot loaded."
        else:
            compared = (f"Snapshot {self.snapshot['load_id']} of {self.snapshot['as_of']:%Y-%m-%d}"
                        + (f", compared with snapshot {self.previous['load_id']} of "
                           f"{self.previous['as_of']:%Y-%m-%d}" if self.previous is not None
                           else ", the only one loaded")
                        + f"; leavers' reservations at least {self.older_than_days} days old.")
        figures = headline.figures_html(self.tables["headline_figures"])
        return Section(self.title, compared, self.tables["headline_figures"], level=1,
                       body=f'{figures}\n<p>{html.escape(summary_sentence(self.data))}</p>',
                       csv="headline_figures.csv")

    @shown_again
    def by_place(self):
        sites = self.tables["by_site"]
        counted = sites["site"].notna().sum()
        return Section(
            "By customer and site",
            "How many of each problem lie under each customer: numbers counted where they "
            "sit, users without a number where they sit; the customer's numbers, share "
            f"available and whether it is below the {self.alert_share:.0%} alert.",
            self.tables["by_customer"], csv="by_customer.csv",
            parts=[Section("By site",
                           f"The {counted} site(s) of {self.sites} with something to act on (a "
                           "problem, or below the alert); a line without a site counts the "
                           "numbers its customer holds above its sites.",
                           sites, level=3, csv="by_site.csv")])

    @shown_again
    def since_last_snapshot(self):
        changes = self.tables["snapshot_changes"]
        if self.previous is None:
            return Section("Since the last snapshot", "Only one snapshot is loaded: nothing to compare.")
        return Section("Since the last snapshot",
                       f"From snapshot {self.previous['load_id']} ({self.previous['as_of']:%Y-%m-%d}) "
                       f"to {self.snapshot['load_id']} ({self.snapshot['as_of']:%Y-%m-%d}): "
                       f"{self.data.counts['changes']}.", changes, csv="snapshot_changes.csv")

    @shown_again
    def not_yet_in_voss(self):
        waiting, conflicts = self.tables["not_yet_in_voss"], self.tables["last_load_conflicts"]
        return Section(
            "Decided in numkit, not yet in VOSS",
            f"{self.data.counts['not_yet_in_voss']} change(s) decided in numkit more than "
            f"{OVERDUE_AFTER_DAYS} days ago that the last export did not show yet (one line per "
            "field, with its age in days): carry them into VOSS.", waiting,
            csv="not_yet_in_voss.csv",
            parts=[Section("Conflicts at the last load",
                           f"{self.data.counts['conflicts']} decision(s) the last export "
                           "contradicted (VOSS decided otherwise): the export stands, numkit's "
                           "value was dropped.", conflicts, level=3,
                           csv="last_load_conflicts.csv")])

    @shown_again
    def deleted_user_reservations(self):
        deleted = self.tables["deleted_user_reservations"]
        people = self.tables["leavers_by_user"]
        text = (f"{self.data.counts['deleted']} reserved for users deleted at least "
                f"{self.older_than_days} days ago; {self.data.counts['never_onboarded']} for "
                f"users never onboarded: {len(people)} person(s), each with their numbers "
                "under them.")
        if deleted.empty:
            return Section("Numbers held for people who left", text, deleted,
                           deletion_age_chart(deleted))
        table, people_left, rows_left = leavers.grouped_html(deleted, people, self.node_names)
        more = None
        if rows_left:
            more = (f"Showing {len(people) - people_left:,} of {len(people):,} people (one line "
                    f"each in leavers_by_user.csv) and {len(deleted) - rows_left:,} of "
                    f"{len(deleted):,} rows (at most {leavers.ROWS_PER_PERSON} each).")
        return Section("Numbers held for people who left", text, deleted,
                       deletion_age_chart(deleted), body=table,
                       csv="deleted_user_reservations.csv", more=more)

    @shown_again
    def stuck_cooling(self):
        stuck = self.tables["stuck_cooling"]
        return Section("Stuck cooling", f"{len(stuck)} number(s) in cooling that VOSS's expiry "
                                        "job will not release: release them by hand.", stuck,
                       csv="stuck_cooling.csv")

    def stranded_reservations(self, level=2):
        """Rows reserved for an active user that the user cannot see (R24); a part of the
        data-quality section on the page."""
        stranded = self.tables["stranded_reservations"]
        return Section("Stranded reservations",
                       f"{len(stranded)} reservation(s) their user cannot see from their node: "
                       "the user can never be given them where they are.", stranded,
                       level=level, csv="stranded_reservations.csv").naming(self.node_names)

    @shown_again
    def data_quality(self):
        counts = self.data.counts
        without = self.tables["users_without_numbers"]
        owed = int((without["reserved_numbers"] > 0).sum())
        return Section(
            "Data quality",
            "What the export holds that cannot be right, or that nobody can act on as it "
            "stands. numkit check lists none of these (each row is allowed): each needs a "
            "person to look.", parts=[
                Section("Numbers used out of their user's sight",
                        f"{counts['used_out_of_sight']} number(s) used by an active user who "
                        "cannot see them from their node (a Cust-2 number used by a Cust-1 "
                        "user): a move or an edit made by hand; move the number or the user.",
                        self.tables["used_out_of_sight"], level=3, csv="used_out_of_sight.csv"),
                Section("Reserved For on inactive numbers",
                        f"{counts['inactive_reservations']} Inactive number(s) carry a Reserved "
                        "For flag: numkit never hands an Inactive number out, so the flag holds "
                        "nothing for anyone; clear it, or make the number Available.",
                        self.tables["inactive_reservations"], level=3,
                        csv="inactive_reservations.csv"),
                Section("Users without a number",
                        f"{counts['users_without_numbers']} active user(s) use no number; "
                        f"{owed} of them have numbers reserved for them.", without, level=3,
                        csv="users_without_numbers.csv"),
                self.stranded_reservations(level=3)])

    @shown_again
    def utilization(self):
        usage = self.tables["node_utilization"]
        return Section("Utilization", f"Share of numbers available per node (the chart: customers "
                                      f"and sites, the {charts.UTILIZATION_BARS} with the least "
                                      f"available when there are more); the alert is below "
                                      f"{self.alert_share:.0%}.", usage,
                       utilization_chart(usage, self.alert_share), csv="node_utilization.csv")

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
                                     self.alert_share), csv="running_out.csv")

    def export(self, out_dir=None, notebook_folder=None):
        """Write the tables as CSV files and a workbook: into `out_dir` (its files of those
        names replaced), or by default into a new dated folder (cleanup-YYYY-MM-DD, -2, ...)
        under exports/ in `notebook_folder` (default: the working directory, a notebook's
        own folder). The section links each file written under `notebook_folder`."""
        folder = Path.cwd() if notebook_folder is None else Path(notebook_folder)
        if out_dir is None:
            written = write_dated_tables(self.tables, folder / EXPORTS_FOLDER, EXPORT_STEM,
                                         self.as_of)
            out_dir = written[0].parent
        else:
            written = write_tables(self.tables, out_dir)
        return Section("Files", "Wrote " + ", ".join(path.name for path in written) + f" to {out_dir}.",
                       links=download_links(written, folder))


def _naming_nodes(section):
    """A section method whose section names nodes short, as the report's hierarchy does,
    and links the export's files when they sit beside the page."""
    @functools.wraps(section)
    def named(self, *args, **kwargs):
        return section(self, *args, **kwargs).naming(self.node_names).beside_files(self.files_beside)
    return named


for _name in CleanupReport.SECTIONS:
    setattr(CleanupReport, _name, _naming_nodes(getattr(CleanupReport, _name)))


def deletion_age_chart(deleted):
    """The histogram of the report: days since deletion, of the deleted users' reservations."""
    return charts.deletion_age_histogram(deleted[deleted["category"] == "deleted"])


def utilization_chart(usage, alert_share):
    """The utilization chart of the report: customers and sites."""
    return charts.utilization_chart(usage[usage["type"].isin(["Customer", "Site"])], alert_share)
