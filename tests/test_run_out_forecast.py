"""Run-out forecasts (docs/rules.md#r35-run-out-forecast), on series whose slope is known."""

import datetime as dt

import pytest

import numkit

from conftest import SITE_B, SITE_D
from weekly_series import START, load_series, losing_site


def forecast_of(inv, node, **options):
    forecast = inv.run_out_forecast(**options).set_index("node")
    return forecast.loc[node]


@pytest.mark.parametrize("per_week", [3, 5])
def test_a_site_losing_k_numbers_a_week_is_taken_at_k(tmp_path, per_week):
    inv = load_series(tmp_path, losing_site(weeks=6, per_week=per_week))
    site = forecast_of(inv, SITE_B)
    available = 100 - 5 * per_week
    assert site["available"] == available and site["snapshots"] == 6
    assert site["taken_per_week"] == pytest.approx(per_week)
    assert site["weeks_to_none"] == pytest.approx(available / per_week)
    # the alert is at 10% of 100 numbers
    assert site["weeks_to_alert"] == pytest.approx((available - 10) / per_week)
    assert site["r_squared"] == pytest.approx(1.0)
    assert site["confidence"] == "high"


def test_the_weeks_are_counted_in_weeks_whatever_the_snapshots_spacing(tmp_path):
    # a snapshot every two weeks, 4 numbers a week taken: 8 between snapshots
    inv = load_series(tmp_path, losing_site(weeks=4, per_week=4, days=14))
    site = forecast_of(inv, SITE_B)
    assert site["taken_per_week"] == pytest.approx(4)
    assert site["weeks_to_none"] == pytest.approx((100 - 24) / 4)


def test_a_flat_series_gives_no_run_out(tmp_path):
    inv = load_series(tmp_path, losing_site(weeks=4, per_week=2))
    flat = forecast_of(inv, SITE_D)
    assert flat["taken_per_week"] == 0
    assert flat["weeks_to_alert"] is None or flat["weeks_to_alert"] != flat["weeks_to_alert"]
    assert flat["weeks_to_none"] is None or flat["weeks_to_none"] != flat["weeks_to_none"]


def test_one_snapshot_gives_no_forecast(tmp_path):
    inv = load_series(tmp_path, losing_site(weeks=1, per_week=2))
    site = forecast_of(inv, SITE_B)
    assert site["snapshots"] == 1 and site["available"] == 100
    for column in ("taken_per_week", "weeks_to_alert", "weeks_to_none", "r_squared", "confidence"):
        assert site[column] is None or site[column] != site[column], column


def test_a_node_gaining_numbers_does_not_run_out(tmp_path):
    gaining = [(when, rows) for when, rows in reversed(losing_site(weeks=4, per_week=3))]
    dates = [START + dt.timedelta(days=7 * week) for week in range(4)]
    inv = load_series(tmp_path, [(day, rows) for day, (_, rows) in zip(dates, gaining)])
    site = forecast_of(inv, SITE_B)
    assert site["taken_per_week"] == pytest.approx(-3)
    assert site["weeks_to_none"] != site["weeks_to_none"]      # NaN: not falling


def test_over_fits_only_the_last_snapshots(tmp_path):
    # flat for three weeks, then 6 a week: the last three snapshots see only the fall
    snapshots = losing_site(weeks=3, per_week=0) + [
        (START + dt.timedelta(days=7 * week), rows)
        for week, (_, rows) in zip(range(3, 6), losing_site(weeks=4, per_week=6)[1:])]
    inv = load_series(tmp_path, snapshots)
    recent = forecast_of(inv, SITE_B, over=3)
    assert recent["snapshots"] == 3 and recent["taken_per_week"] == pytest.approx(6)
    everything = forecast_of(inv, SITE_B, over=6)
    assert everything["snapshots"] == 6 and everything["taken_per_week"] < 6
    assert everything["r_squared"] < 1


def test_a_noisy_trend_is_less_sure(tmp_path):
    snapshots = losing_site(weeks=6, per_week=3)
    # every other snapshot gives back what it took
    jumpy = [(day, rows if week % 2 == 0 else snapshots[0][1])
             for week, (day, rows) in enumerate(snapshots)]
    inv = load_series(tmp_path, jumpy)
    site = forecast_of(inv, SITE_B)
    assert site["r_squared"] < 0.8 and site["confidence"] != "high"


def test_within_weeks_keeps_the_nodes_reaching_the_alert_by_then(tmp_path):
    inv = load_series(tmp_path, losing_site(weeks=6, per_week=10))
    # Site-B: 50 left, 10 a week, alert at 10: 4 weeks
    soon = inv.run_out_forecast(within_weeks=8)
    assert SITE_B in set(soon["node"]) and SITE_D not in set(soon["node"])
    assert (soon["weeks_to_alert"] <= 8).all()
    assert SITE_B not in set(inv.run_out_forecast(within_weeks=3)["node"])


def test_the_alert_follows_the_setting(tmp_path):
    inv = load_series(tmp_path, losing_site(weeks=6, per_week=10))
    inv.settings["alert_share"] = 0.3
    assert forecast_of(inv, SITE_B)["weeks_to_alert"] == pytest.approx((50 - 30) / 10)


def test_a_node_below_the_alert_and_falling_is_at_it_now(tmp_path):
    inv = load_series(tmp_path, losing_site(weeks=6, per_week=19))
    site = forecast_of(inv, SITE_B)
    assert site["available"] == 5 and site["weeks_to_alert"] == 0
    assert site["weeks_to_none"] == pytest.approx(5 / 19)


def test_level_narrows_to_one_node_type(tmp_path):
    inv = load_series(tmp_path, losing_site(weeks=3, per_week=2))
    assert set(inv.run_out_forecast(level="Site")["type"]) == {"Site"}
    with pytest.raises(numkit.InvalidOperation, match="'Campus'"):
        inv.run_out_forecast(level="Campus")


@pytest.mark.parametrize("over", [1, 0, 2.5, "8", True])
def test_over_must_be_two_snapshots_or_more(over):
    with pytest.raises(numkit.InvalidOperation, match="over"):
        numkit.connect(":memory:").run_out_forecast(over=over)


def test_no_snapshot_no_forecast():
    assert numkit.connect(":memory:").run_out_forecast().empty
