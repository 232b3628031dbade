"""The report's page and files as a reader gets them (rules R40): no notebook unless asked
for, long tables cut with how many rows are left out and which file holds them (linked when
it sits beside the page), numbers right and text left in the page and the panels."""

import re
import shutil

import pytest
from click.testing import CliRunner

from numkit.cli import main
from numkit.reports import leavers, sections
from numkit.reports.sections import CleanupReport
from numkit.widgets.common import Table

AS_OF = "2026-11-23"


@pytest.fixture
def stored(sample_file, tmp_path):
    copy = tmp_path / "inventory.duckdb"
    shutil.copy(sample_file, copy)
    return copy


def report_into(db, out, *options):
    result = CliRunner().invoke(main, ["report", str(db), "--out", str(out), "--as-of", AS_OF,
                                       "--older-than", "30", *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_no_notebook_is_written_unless_asked_for(stored, tmp_path):
    said = report_into(stored, tmp_path / "plain")
    assert not (tmp_path / "plain" / "cleanup-report.ipynb").exists()
    assert "cleanup-report.ipynb" not in said
    report_into(stored, tmp_path / "with", "--notebook")
    notebook = (tmp_path / "with" / "cleanup-report.ipynb").read_text()
    assert "report.data_quality()" in notebook and "report.by_place()" in notebook


def test_a_long_table_says_how_many_rows_it_shows_and_links_the_file_with_all(stored, tmp_path, monkeypatch):
    monkeypatch.setattr(sections, "ROWS_SHOWN", 3)
    report_into(stored, tmp_path / "out")
    page = (tmp_path / "out" / "cleanup-report.html").read_text(encoding="utf-8")
    stuck = page.split("<h2>Stuck cooling</h2>", 1)[1].split("<h2>", 1)[0]
    assert stuck.count("<tr><td>") == 3
    assert ('<p class="numkit-more">Showing the first 3 of 10 rows. The rest: every row is in '
            '<a href="stuck_cooling.csv">stuck_cooling.csv</a> beside this page') in stuck
    assert (tmp_path / "out" / "stuck_cooling.csv").read_text().count("\n") == 11


def test_in_a_notebook_the_rest_is_named_as_the_export_s(stored, monkeypatch):
    monkeypatch.setattr(sections, "ROWS_SHOWN", 3)
    shown = CleanupReport(stored, as_of=AS_OF, older_than_days=30).stuck_cooling()._repr_html_()
    assert "Showing the first 3 of 10 rows." in shown and "<a href" not in shown
    assert "every row is in stuck_cooling.csv and the workbook of the report's export" in shown


def test_leavers_beyond_what_a_page_shows_are_counted_and_found_in_the_files(stored, tmp_path, monkeypatch):
    monkeypatch.setattr(leavers, "PEOPLE_SHOWN", 2)
    monkeypatch.setattr(leavers, "ROWS_PER_PERSON", 2)
    report_into(stored, tmp_path / "out")
    page = (tmp_path / "out" / "cleanup-report.html").read_text(encoding="utf-8")
    held = page.split("<h2>Numbers held for people who left</h2>", 1)[1].split("<h2>", 1)[0]
    assert held.count('<tr class="numkit-group">') == 2
    # u.okafor (3 numbers, 2 shown) and w.davies (2): 4 of the 9 rows
    assert held.count("<tr><td>") == 4
    assert ("Showing 2 of 5 people (one line each in leavers_by_user.csv) and 4 of 9 rows "
            "(at most 2 each).") in held
    assert '<a href="deleted_user_reservations.csv">' in held


def test_the_page_puts_counts_and_shares_right_and_text_left(stored):
    report = CleanupReport(stored, as_of=AS_OF, older_than_days=30)
    sites = report.by_place()._repr_html_()
    row = re.search(r"<tr><td title=\"[^\"]*\">Cust-1</td><td title=\"[^\"]*\">Site-A \(Cust-1\)</td>"
                    r"(.*?)</tr>", sites).group(1)
    cells = re.findall(r'<td class="(\w+)">([^<]*)</td>', row)
    assert [kind for kind, _ in cells] == ["number"] * 8
    assert cells[-1][1].endswith(" %")        # the share, as a percentage
    head = re.search(r"<thead>\n<tr>(.*?)</tr>", sites).group(1)
    assert '<th class="number">Held for leavers</th>' in head and "<th>Customer</th>" in head


def test_a_panel_table_aligns_by_what_a_column_held_not_by_how_it_looks():
    """A number written with digits only is text (left); a count with a gap, shown as
    text, is still a number (right)."""
    import pandas as pd

    frame = pd.DataFrame({"number": ["1002", "+441134960000"], "username": ["1234", "bob"],
                          "numbers": pd.array([3, None], dtype="Int64"),
                          "share_available": [0.44, None]})
    table = Table(frame, caption="Rows")
    classes = {frame.columns[at]: definition["className"]
               for definition in table._dt_args["columnDefs"] for at in definition["targets"]}
    assert classes == {"number": "numkit-value numkit-left", "username": "numkit-value numkit-left",
                       "numbers": "numkit-value numkit-number",
                       "share_available": "numkit-value numkit-number"}
    assert list(table.df["share_available"]) == ["44.0 %", ""]
    css = str(Table._css)
    assert re.search(r"td\.numkit-left,[^{]*\{ text-align: left; \}", css)
    assert re.search(r"td\.numkit-number \{\s*text-align: right; \}", css)


def test_an_empty_inventory_has_a_first_screen_with_nothing_to_compare(tmp_path):
    import numkit
    from numkit.reports.scheduled import run_report

    numkit.connect(tmp_path / "empty.duckdb").close()
    page = run_report(tmp_path / "empty.duckdb", tmp_path / "out", as_of=AS_OF).read_text()
    assert "<h1>Cleanup report: empty.duckdb, 2026-11-23</h1>\n<p>No snapshot loaded.</p>" in page
    assert re.findall(r'<div class="numkit-figure-value">([^<]*)</div>', page) == ["0"] * 5
    assert 'class="numkit-figure-change"' not in page
