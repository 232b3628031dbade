"""Which nodes the "Running out" list holds (docs/rules.md R35): the nodes that hold numbers
of their own. `sys`, `sys.hcs`, the provider and a customer whose numbers all sit at its
sites only add up the nodes under them (R25 counts a node with everything below it), so
they stay in run_out_forecast but not in the list."""

import datetime as dt

import numkit
import pytest

from numkit.reports import trends
from numkit.reports.sections import CleanupReport

from conftest import CUST1, CUST2, PROV, SITE_A, SITE_B, SITE_C, SITE_D
from weekly_series import START, load_series, losing_site

AS_OF = START + dt.timedelta(days=35)
ADDING_UP = {"sys", "sys.hcs", PROV, CUST1}
# the conftest hierarchy without its types: the list does not go by type
UNTYPED = "Hierarchy,Type\n" + "".join(f"{node},\n" for node in (PROV, CUST1, SITE_B, CUST2, SITE_D))


@pytest.fixture(scope="module")
def falling(tmp_path_factory):
    """Site-B loses 10 of its 100 numbers a week over six weekly snapshots (the alert in 4
    weeks); Site-D is flat. Cust-1 and every node above hold no numbers of their own."""
    folder = tmp_path_factory.mktemp("falling")
    database = folder / "inventory.duckdb"
    load_series(folder, losing_site(weeks=6, per_week=10), path=database).close()
    return database


def test_the_nodes_adding_up_others_are_forecast_but_not_listed(falling):
    with numkit.connect(falling, read_only=True) as inv:
        forecast = inv.run_out_forecast(over=trends.FORECAST_SNAPSHOTS)
    # they would be listed by their figures: Site-B's fall is theirs
    soon = set(forecast[forecast["weeks_to_alert"] <= trends.RUNNING_OUT_WEEKS]["node"])
    assert ADDING_UP | {SITE_B} <= soon
    assert list(trends.running_out(forecast)["node"]) == [SITE_B]


def test_holds_numbers_says_whether_numbers_sit_at_the_node_itself(falling):
    with numkit.connect(falling, read_only=True) as inv:
        held = inv.run_out_forecast().set_index("node")["holds_numbers"].to_dict()
    # Site-A and Site-C are in the hierarchy with no numbers at all
    empty = {CUST2, SITE_A, SITE_C}
    assert held == {**{node: False for node in ADDING_UP | empty}, SITE_B: True, SITE_D: True}


def test_the_report_lists_and_charts_only_the_site_running_out(falling):
    report = CleanupReport(falling, as_of=AS_OF)
    assert list(report.tables["running_out"]["node"]) == [SITE_B]
    assert set(report.data.running_out_history["node"]) == {SITE_B}
    assert report.running_out().text.startswith("1 node(s) reach")


def test_the_panel_lists_the_site_and_charts_it_first(falling):
    from numkit.widgets import OverviewPanel
    trends_panel = OverviewPanel(falling, as_of=AS_OF).trends
    assert list(trends_panel.running.df["full_path"]) == [SITE_B]
    assert trends_panel.node.value == SITE_B
    # every node of the forecast can still be picked and charted
    assert {"sys", PROV, CUST1} <= {value for _, value in trends_panel.node.options}


def test_a_customer_holding_numbers_that_runs_out_is_listed(tmp_path):
    with load_series(tmp_path, losing_site(weeks=6, per_week=10, node=CUST1)) as inv:
        running = trends.running_out(inv.run_out_forecast(over=trends.FORECAST_SNAPSHOTS))
    assert list(running["node"]) == [CUST1]


def test_nodes_without_a_type_are_listed_when_they_hold_numbers(tmp_path):
    with load_series(tmp_path, losing_site(weeks=6, per_week=10), hierarchy=UNTYPED) as inv:
        forecast = inv.run_out_forecast(over=trends.FORECAST_SNAPSHOTS)
    assert forecast.set_index("node").loc[SITE_B, "type"] is None
    assert list(trends.running_out(forecast)["node"]) == [SITE_B]


def test_on_the_sample_the_nodes_holding_none_are_the_path_prefixes_provider_and_region(
        sample_file):
    with numkit.connect(sample_file, read_only=True) as inv:
        forecast = inv.run_out_forecast(over=trends.FORECAST_SNAPSHOTS)
    assert set(forecast[~forecast["holds_numbers"]]["node"]) == {"sys", "sys.hcs", PROV,
                                                                 f"{CUST2}.North"}
