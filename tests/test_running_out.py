"""The report's "Running out" section: the nodes reaching the alert within 8 weeks, in the
page, the notebook, the CSV file and the workbook."""

import datetime as dt
import html

import openpyxl
import pandas as pd
import pytest

from numkit.reports import trends
from numkit.reports.scheduled import run_report
from numkit.reports.sections import CleanupReport

from conftest import SITE_B, SITE_D
from weekly_series import START, load_series, losing_site


@pytest.fixture(scope="module")
def falling(tmp_path_factory):
    """Six weekly snapshots: Site-B loses 10 of its 100 numbers a week (50 left, the 10%
    alert in 4 weeks, none in 5); Site-D is flat."""
    folder = tmp_path_factory.mktemp("falling")
    database = folder / "inventory.duckdb"
    load_series(folder, losing_site(weeks=6, per_week=10), path=database).close()
    return database


def as_of():
    return START + dt.timedelta(days=35)


def test_the_section_lists_the_nodes_reaching_the_alert_within_8_weeks(falling):
    report = CleanupReport(falling, as_of=as_of())
    running = report.tables["running_out"]
    assert SITE_B in set(running["node"]) and SITE_D not in set(running["node"])
    site = running.set_index("node").loc[SITE_B]
    assert (site["available"], site["taken_per_week"], site["weeks_to_alert"],
            site["weeks_to_none"], site["snapshots"]) == (50, 10, 4, 5, 6)
    assert site["confidence"] == "high" and site["r_squared"] == 1
    assert list(running.columns) == trends.RUNNING_OUT_COLUMNS
    assert (running["weeks_to_alert"] <= trends.RUNNING_OUT_WEEKS).all()


def test_the_section_says_how_many_and_shows_them_labelled_with_a_chart(falling):
    section = CleanupReport(falling, as_of=as_of()).running_out()
    page = section._repr_html_()
    count = len(CleanupReport(falling, as_of=as_of()).tables["running_out"])
    assert section.title == "Running out" and section.text.startswith(f"{count} node(s) reach")
    for label in ("Taken per week", "Weeks to the alert", "Weeks until none left", "How sure",
                  "Snapshots used", "High"):
        assert html.escape(label) in page, label
    assert "Site-B (Cust-1)" in page       # named as the report's other tables name nodes
    assert page.count('src="data:image/png;base64,') == 1


def test_a_week_further_on_the_slower_pace_drops_a_node_from_the_list(tmp_path):
    # 2 a week from 100: the alert is 45 weeks away
    database = tmp_path / "slow.duckdb"
    load_series(tmp_path, losing_site(weeks=6, per_week=2), path=database).close()
    report = CleanupReport(database, as_of=as_of())
    assert SITE_B not in set(report.tables["running_out"]["node"])
    assert report.running_out().chart is None


def test_one_snapshot_says_there_is_no_trend_yet(tmp_path):
    database = tmp_path / "one.duckdb"
    load_series(tmp_path, losing_site(weeks=1, per_week=10), path=database).close()
    report = CleanupReport(database, as_of=START)
    assert report.tables["running_out"].empty
    assert "no trend" in report.running_out().text


def test_the_scheduled_report_writes_the_section_and_its_file(falling, tmp_path):
    page = run_report(falling, tmp_path / "out", as_of=as_of(), notebook=True).read_text()
    assert "<h2>Running out</h2>" in page
    written = pd.read_csv(tmp_path / "out" / "running_out.csv")
    assert written.set_index("node").loc[SITE_B, "weeks_to_alert"] == 4
    book = openpyxl.load_workbook(tmp_path / "out" / "numkit-report.xlsx")
    sheet = book["running_out"]
    headers = [cell.value for cell in sheet[1]]
    assert "Weeks to the alert" in headers and "Taken per week" in headers
    assert "report.running_out()" in (tmp_path / "out" / "cleanup-report.ipynb").read_text()


def test_the_notebook_shows_the_section():
    import json
    from importlib.resources import files
    notebook = json.loads(files("numkit").joinpath("notebooks/03-cleanup-report.ipynb").read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert sources.index("report.running_out()") == sources.index("report.utilization()") + 1
