"""`numkit report`'s summary says how many nodes run out (docs/rules.md R35): how many reach
the alert within 8 weeks and the soonest, that none do, or that there is no trend yet."""

from click.testing import CliRunner

from numkit.cli import main

from conftest import SITE_A, SITE_B
from weekly_series import load_series, losing_site

LINE = "nodes reaching the available-share alert within 8 weeks: "


def reported(tmp_path, snapshots):
    database = tmp_path / "inventory.duckdb"
    load_series(tmp_path, snapshots, path=database).close()
    as_of = snapshots[-1][0]
    result = CliRunner().invoke(main, ["report", str(database), "--out", str(tmp_path / "out"),
                                       "--as-of", as_of.isoformat()])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines() if LINE in line]
    assert len(lines) == 1, result.output
    return lines[0]


def test_the_summary_counts_the_nodes_running_out_and_names_the_soonest(tmp_path):
    # Site-B: 50 of 100 left, 10 taken a week: the 10% alert in 4 weeks (the nodes above it,
    # which hold no numbers, are not counted)
    line = reported(tmp_path, losing_site(weeks=6, per_week=10))
    assert line == f"{LINE}1 (soonest {SITE_B}, in 4.0 weeks)"


def test_a_node_below_the_alert_and_still_falling_is_below_it_already(tmp_path):
    line = reported(tmp_path, losing_site(weeks=6, per_week=19))
    assert line == f"{LINE}1 (soonest {SITE_B}, below it already)"


def test_the_summary_says_none_when_nothing_runs_out(tmp_path):
    assert reported(tmp_path, losing_site(weeks=4, per_week=0)) == f"{LINE}none"


def test_one_snapshot_says_there_is_no_trend_yet(tmp_path):
    line = reported(tmp_path, losing_site(weeks=1, per_week=10))
    assert line == f"{LINE}no trend yet (fewer than two snapshots)"


def test_the_soonest_is_named_when_several_run_out(tmp_path):
    # Site-B: the alert in 4 weeks; Site-A: 50 of 200 left, 30 taken a week, the alert (20)
    # in 1 week
    site_a = losing_site(weeks=6, per_week=30, size=200, node=SITE_A)
    snapshots = [(as_of, rows + [(f"8{number}", node, status, release)
                                 for number, node, status, release in more if node == SITE_A])
                 for (as_of, rows), (_, more) in zip(losing_site(weeks=6, per_week=10), site_a)]
    line = reported(tmp_path, snapshots)
    assert line == f"{LINE}2 (soonest {SITE_A}, in 1.0 weeks)"
