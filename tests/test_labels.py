"""Readable tables: columns in words (one mapping for panels, report and workbook),
percentages, Yes/blank, short node names with their customer, headings, conflicts marked,
charts as tall as their bars."""

import html
import io
import re

import ipywidgets as w
import matplotlib.image
import openpyxl
import pandas as pd

from numkit.labels import LABELS, label, node_labels
from numkit.reports import charts
from numkit.reports.display import for_display, html_table
from numkit.reports.exports import write_tables
from numkit.reports.sections import CleanupReport
from numkit.sample import SAMPLE_EXPORT
from numkit.widgets import CleanupReportPanel, MovePreviewPanel, OnboardingPanel, OverviewPanel
from numkit.widgets.common import Table

AS_OF = "2026-11-23"
CUST1 = "sys.hcs.Prov-1.Cust-1"
SITE_B, SITE_C = f"{CUST1}.Site-B", f"{CUST1}.Site-C"
SITE_D = "sys.hcs.Prov-1.Cust-2.Site-D"

# Site-A under two customers, and North.Site-X and South.Site-X under one
HIERARCHY = pd.DataFrame([
    ("p", "Provider"), ("p.c1", "Customer"), ("p.c1.Site-A", "Site"), ("p.c2", "Customer"),
    ("p.c2.Site-A", "Site"), ("p.c1.North", "Location"), ("p.c1.North.Site-X", "Site"),
    ("p.c1.South", "Location"), ("p.c1.South.Site-X", "Site")], columns=["node", "type"])


def tables_in(widget):
    """The Tables in a widget tree, each with the widget just before it."""
    found, before = [], None
    for child in getattr(widget, "children", ()):
        if isinstance(child, Table):
            found.append((child, before))
        else:
            found += tables_in(child)
        before = child
    return found


def panels_after_use(database, tmp_path):
    """The four panels with every table filled the way an analyst fills them."""
    onboarding = OnboardingPanel(database, as_of=AS_OF)
    onboarding.site.value = SITE_B
    onboarding.username.value = "u.okafor"
    move = MovePreviewPanel(database, as_of=AS_OF)
    move.user.value = "k.brown"
    move.destination.value = SITE_C
    move.preview_button.click()
    move.bulk_text.value = f"username,destination\nk.brown,{SITE_C}\ng.kim,{SITE_D}\n"
    move.bulk_preview_button.click()
    cleanup = CleanupReportPanel(database, as_of=AS_OF, older_than_days=30, out_dir=tmp_path / "out")
    cleanup.dry_run_button.click()
    overview = OverviewPanel(database, as_of=AS_OF)
    bad = tmp_path / "numbers.csv"
    bad.write_text("number,node\nnot-a-number,x.y\n")
    overview.paths["numbers"].value = str(bad)
    overview.load_button.click()
    planning = OverviewPanel(database, as_of=AS_OF)      # a load's plan, before its Confirm
    for role in ("numbers", "users", "hierarchy"):
        planning.paths[role].value = str(SAMPLE_EXPORT / "next-week" / f"{role}.csv")
    planning.load_button.click()
    assert planning.confirmation.pending
    return onboarding, move, cleanup, overview, planning


def test_every_column_a_panel_or_the_report_shows_has_words(database, tmp_path):
    shown = set()
    for panel in panels_after_use(database, tmp_path):
        for table, _ in tables_in(panel):
            shown |= set(table.df.columns) - {""}
    for frame in CleanupReport(database, as_of=AS_OF).tables.values():
        shown |= set(frame.columns)
    assert {"number", "share_available", "conflict", "reservation_notes"} <= shown
    missing = sorted(shown - set(LABELS))
    assert missing == [], ", ".join(missing)


def test_labels_are_words_and_no_two_columns_share_one():
    assert label("reserved_for") == "Reserved for"
    assert label("share_available") == "Available (%)"
    assert label("effective_status") == "Status today"
    assert label("not_a_known_column") == "not_a_known_column"
    assert len(set(LABELS.values())) == len(LABELS)
    assert not [words for words in LABELS.values() if "_" in words]


def test_shares_are_percentages_and_booleans_yes_or_blank():
    frame = pd.DataFrame({"share_available": [0.44, 1.0, None], "alert": [True, False, True],
                          "assignable": pd.array([False, True, None], dtype="boolean")})
    shown = for_display(frame)
    assert list(shown["share_available"]) == ["44.0 %", "100.0 %", ""]
    assert list(shown["alert"]) == ["Yes", "", "Yes"]
    assert list(shown["assignable"]) == ["", "Yes", ""]


def test_nodes_are_named_short_with_their_customer_and_stay_distinct():
    names = node_labels(HIERARCHY)
    assert names["p.c1.Site-A"] == "Site-A (c1)"
    assert names["p.c2.Site-A"] == "Site-A (c2)"
    assert names["p.c1.North.Site-X"] == "North.Site-X (c1)"
    assert names["p.c1.South.Site-X"] == "South.Site-X (c1)"
    assert names["p.c1"] == "c1" and names["p"] == "p"
    assert len(set(names.values())) == len(names)


def test_alike_names_above_any_customer_fall_back_to_the_path():
    names = node_labels(pd.DataFrame([("a.hub", None), ("b.hub", None)], columns=["node", "type"]))
    assert names == {"a.hub": "a.hub", "b.hub": "b.hub"}


def test_a_panel_table_shows_words_short_nodes_and_the_full_path(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.username.value = "u.okafor"
    table = panel.belonging
    headers = re.findall(r"<th>(.*?)</th>", table._dt_args["table_html"])
    assert "Status today" in headers and "effective_status" not in headers
    assert "Full path" in headers
    assert list(table.shown.columns) == headers
    row = table.df[table.df["number"] == "+441134960000"].iloc[0]
    assert row["node"] == "Site-B (Cust-1)" and row["full_path"] == SITE_B


def test_every_panel_table_has_a_heading_on_top(database, tmp_path):
    for panel in panels_after_use(database, tmp_path):
        for table, before in tables_in(panel):
            titled = isinstance(before, w.HTML)     # a list's title, filled when it is shown
            assert table.caption or titled, (type(panel).__name__, table.df.columns)
            # the caption is the title the browser draws (as a DataTables option, which
            # survives the widget's redraws); a heading just above it would say it twice
            if table.caption:
                assert table._dt_args.get("caption") == html.escape(table.caption)
                assert not (isinstance(before, w.HTML) and "<h4" in before.value), table.caption
    assert "caption-side: top" in Table._css


def test_conflicts_are_marked_and_highlighted(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.bulk_text.value = f"username,destination\nk.brown,{SITE_C}\ng.kim,{SITE_D}\n"
    panel.bulk_preview_button.click()
    plan = panel.bulk_plan.df
    assert plan[plan["username"] == "g.kim"]["conflict"].str.startswith("⚠").all()
    assert (plan[plan["username"] == "k.brown"]["conflict"] == "").all()
    highlight = [d for d in panel.bulk_plan._dt_args["columnDefs"] if "createdCell" in d]
    assert highlight[0]["targets"] == [list(plan.columns).index("conflict")]
    panel.bulk_plan.show(pd.DataFrame({"number": ["1"]}))     # no conflict column: no rule left
    assert not any("createdCell" in d for d in panel.bulk_plan._dt_args.get("columnDefs", []))


def test_the_report_page_has_words_aligned_cells_and_full_paths_on_hover(database):
    report = CleanupReport(database, as_of=AS_OF)
    page = report.utilization()._repr_html_()
    assert "<th>Node</th>" in page and '<th class="number">Available (%)</th>' in page
    assert re.search(r'<td class="number">\d+\.\d %</td>', page)
    assert f'<td title="{SITE_B}">Site-B (Cust-1)</td>' in page
    assert "share_available" not in page


def test_report_rows_with_a_conflict_are_marked():
    frame = pd.DataFrame({"number": ["1", "2"], "conflict": ["refused", None]})
    page = html_table(frame)
    assert '<tr class="conflict"><td>1</td><td class="text">⚠ refused</td></tr>' in page
    assert "<tr><td>2</td><td class=\"text\"></td></tr>" in page


def test_the_workbook_has_headers_in_words_and_the_csv_the_api_names(database, tmp_path):
    report = CleanupReport(database, as_of=AS_OF)
    tables = report.tables
    write_tables(tables, tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "numkit-report.xlsx")["node_utilization"]
    header = [cell.value for cell in sheet[1]]
    assert header == [label(name) for name in tables["node_utilization"].columns]
    assert "Available (%)" in header
    assert "share_available" in (tmp_path / "node_utilization.csv").read_text().splitlines()[0]


def usage(count):
    nodes = [f"p.c{i % 2}.Site-{i}" for i in range(count)]
    return pd.DataFrame({"node": nodes, "type": "Site", "total": 4, "available": 1, "used": 1,
                         "used_utility": 0, "reserved": 1, "cooling": 1, "inactive": 0,
                         "share_available": 0.25, "alert": False})


def size(png):
    height, width, _ = matplotlib.image.imread(io.BytesIO(bytes(png)), format="png").shape
    return width, height


def test_charts_are_as_tall_as_their_bars():
    few, many = size(charts.status_chart(usage(2))), size(charts.status_chart(usage(200)))
    assert few[1] < 250                        # no tall empty chart for two bars
    assert many[1] / 200 >= 20                 # some 20 pixels a bar for two hundred
    assert abs(few[0] - many[0]) < 60          # as wide either way
    assert charts.bars_height(200) > charts.bars_height(2)


def test_chart_bars_are_named_short_with_their_customer():
    frame = pd.concat([pd.DataFrame({"node": ["p.c1", "p.c2"], "type": "Customer"}),
                       pd.DataFrame({"node": ["p.c1.Site-A", "p.c2.Site-A"], "type": "Site"})])
    assert charts.bar_labels(frame) == ["c1", "c2", "Site-A (c1)", "Site-A (c2)"]


# -- values in words, cells that never cut a value, charts sized to their data -----------

def test_codes_are_shown_in_words_in_panels_and_the_report_but_not_in_the_answers():
    frame = pd.DataFrame({"number": ["1", "2", "3"],
                          "category": ["deleted", "never_onboarded", None],
                          "action": ["keep", "stranded", "replace"],
                          "reason": ["not_visible", "not_found", None],
                          "change": ["reserved_for_set", "user_moved", "added"],
                          "field": ["reserved_for", "status", "release_date"],
                          "why": ["a_note_with_underscores", "", None]})
    shown = for_display(frame)
    assert list(shown["category"]) == ["Deleted", "Never onboarded", ""]
    assert list(shown["action"]) == ["Keep", "Stranded", "Replace"]
    assert shown["reason"][0].startswith("That number is not visible from this node")
    assert list(shown["reason"][1:]) == ["Not found", ""]
    assert list(shown["change"]) == ["Reservation set", "User moved", "Added"]
    # a field beside its values in VOSS and in numkit: the status is "Status", not "in VOSS"
    assert list(shown["field"]) == ["Reserved for", "Status", "Release date"]
    assert list(shown["why"]) == ["a_note_with_underscores", "", ""]     # free text as written
    assert list(frame["category"][:2]) == ["deleted", "never_onboarded"]     # the answer keeps its codes
    assert "<td>Never onboarded</td>" in html_table(frame)


def test_a_panel_table_keeps_values_on_one_line_and_lets_free_text_wrap():
    frame = pd.DataFrame({"number": ["1"], "release_date": ["2026-09-24"],
                          "node": ["sys.hcs.Prov-1.Cust-1.Site-B"], "reserved_for": ["u.okafor"],
                          "reservation_notes": ["Returning from leave"], "conflict": ["refused"]})
    table = Table(frame, caption="Rows")
    classes = {}
    for definition in table._dt_args["columnDefs"]:
        for at in definition["targets"]:
            classes.setdefault(frame.columns[at], set()).add(definition.get("className"))
    for name in ("number", "release_date", "node", "reserved_for"):
        assert classes[name] == {"numkit-value numkit-left"}, name
    assert classes["reservation_notes"] == {"numkit-text"}
    assert "numkit-text" in classes["conflict"]
    css = str(Table._css)
    assert re.search(r"td\.numkit-value \{ white-space: nowrap", css)
    assert re.search(r"td\.numkit-text \{ white-space: normal;[^}]*min-width", css)
    assert re.search(r"caption \{[^}]*white-space: nowrap", css)
    # a new frame gets its own columns' classes, not the last frame's
    table.show(pd.DataFrame({"why": ["because"], "number": ["2"]}))
    assert [(d["targets"], d["className"]) for d in table._dt_args["columnDefs"]] == [
        ([1], "numkit-value numkit-left"), ([0], "numkit-text")]


def test_a_report_table_keeps_values_on_one_line_and_lets_free_text_wrap():
    page = html_table(pd.DataFrame({"node": ["p.c1.Site-B"], "why": ["because"], "rows": [3]}))
    assert '<td>p.c1.Site-B</td><td class="text">because</td><td class="number">3</td>' in page
    from numkit.reports.page import STYLE
    assert "td { white-space: nowrap; }" in STYLE and "td.text { white-space: normal;" in STYLE


def test_paging_controls_come_after_the_caption_and_only_when_there_are_pages():
    table = Table(pd.DataFrame({"number": [str(i) for i in range(25)]}), caption="Many")
    layout = table._dt_args["layout"]
    assert layout["topStart"] is None and layout["topEnd"] is None
    assert {"pageLength", "search", "paging", "info"} <= {
        control for place, control in layout.items() if place.startswith("bottom")}
    table.show(pd.DataFrame({"number": ["1"]}))
    assert all(control is None for control in table._dt_args["layout"].values())


def legend_texts(figure):
    return [text.get_text() for text in figure.axes[0].get_legend().get_texts()]


def test_the_status_chart_names_statuses_as_the_tables_do():
    names = legend_texts(charts.status_figure(usage(3)))
    assert names == [label(status) for status in charts.STATUS_COLUMNS]
    assert "Used (utility)" in names


def deleted_days(days):
    return pd.DataFrame({"days_since_deleted": days})


def test_the_deletion_histogram_is_short_and_as_wide_as_its_bars():
    one, many = size(charts.deletion_age_histogram(deleted_days([69] * 6))), \
        size(charts.deletion_age_histogram(deleted_days(list(range(30, 130)))))
    assert one[1] < 220 and many[1] < 220                 # a modest height either way
    assert one[0] < many[0] and one[0] < 400               # one bar: a narrow picture
    assert abs(one[1] - many[1]) < 20


def test_with_no_deleted_users_the_histogram_is_words_without_axes():
    figure = charts.deletion_age_figure(deleted_days([]))
    assert figure.axes == []
    assert [text.get_text() for text in figure.texts] == ["No reservations of deleted users."]
    width, height = size(charts.deletion_age_histogram(deleted_days([])))
    assert height < 60
