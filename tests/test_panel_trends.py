"""The overview panel's trends: a node's share available over the snapshots with its
forecast, and the nodes running out, labelled as the panel's other tables."""

import datetime as dt
import html

import pytest

from numkit.labels import label
from numkit.widgets import OverviewPanel

from conftest import SITE_B, SITE_D
from weekly_series import START, load_series, losing_site

AS_OF = START + dt.timedelta(days=35)


@pytest.fixture(scope="module")
def falling(tmp_path_factory):
    """Site-B loses 10 of its 100 numbers a week over six weekly snapshots; Site-D is flat."""
    folder = tmp_path_factory.mktemp("falling")
    database = folder / "inventory.duckdb"
    load_series(folder, losing_site(weeks=6, per_week=10), path=database).close()
    return database


def test_the_panel_lists_the_nodes_running_out_under_the_api_names_and_labels(falling):
    trends = OverviewPanel(falling, as_of=AS_OF).trends
    running = trends.running.df
    paths = set(running["full_path"])
    assert SITE_B in paths and SITE_D not in paths
    assert running.set_index("full_path").loc[SITE_B, "weeks_to_alert"] == 4
    # named as the panel's tables name nodes: short, with the customer, the path beside
    assert "Site-B (Cust-1)" in set(running["node"])
    shown = trends.running.shown
    for column in ("taken_per_week", "weeks_to_alert", "weeks_to_none", "confidence", "full_path"):
        assert label(column) in shown.columns


def test_the_node_running_out_first_is_charted_with_its_forecast_in_words(falling):
    trends = OverviewPanel(falling, as_of=AS_OF).trends
    # the first row of the list (Cust-1 holds no numbers of its own: not in it)
    assert trends.node.value == trends.running.df["full_path"].iloc[0] == SITE_B
    assert bytes(trends.chart.value).startswith(b"\x89PNG")
    summary = html.unescape(trends.summary.value)
    assert "50 of 100 numbers available now" in summary and "10.0 taken a week" in summary
    assert "alert in 4.0 weeks" in summary and "none left in 5.0" in summary
    assert "numkit-warning" in trends.summary.value        # within the 8 weeks


def test_picking_another_node_redraws_its_chart_and_summary(falling):
    trends = OverviewPanel(falling, as_of=AS_OF).trends
    site_b_chart = trends.chart.value
    trends.node.value = SITE_D
    assert bytes(trends.chart.value).startswith(b"\x89PNG") and bytes(trends.chart.value) != bytes(site_b_chart)
    summary = html.unescape(trends.summary.value)
    assert "Site-D (Cust-2): 5 of 10 numbers available now" in summary
    assert "not falling" in summary and "no run-out" in summary
    trends.node.value = SITE_B
    assert "Site-B (Cust-1): 50 of 100" in html.unescape(trends.summary.value)


def test_the_node_picked_stays_picked_when_the_panel_refreshes(falling):
    panel = OverviewPanel(falling, as_of=AS_OF)
    panel.trends.node.value = SITE_D
    before = panel.trends.summary.value
    panel.refresh()
    assert panel.trends.node.value == SITE_D
    assert panel.trends.summary.value == before and "Site-D (Cust-2)" in html.unescape(before)


def test_one_snapshot_shows_no_trend_yet(tmp_path):
    database = tmp_path / "one.duckdb"
    load_series(tmp_path, losing_site(weeks=1, per_week=10), path=database).close()
    trends = OverviewPanel(database, as_of=START).trends
    assert trends.running.df.empty or list(trends.running.df.columns) == [""]
    assert "no trend yet" in html.unescape(trends.summary.value)
    assert bytes(trends.chart.value).startswith(b"\x89PNG")


def test_an_empty_database_says_nothing_is_loaded(tmp_path):
    trends = OverviewPanel(tmp_path / "empty.duckdb", as_of=START).trends
    assert trends.node.value is None and "Nothing loaded yet" in trends.summary.value
