"""Effective status at as_of (rules R7)."""

import datetime as dt

import pytest

from conftest import AS_OF, SITE_A


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def status_at(make_inventory, status, release_date, as_of):
    inv = make_inventory(numbers=HEADER + f"5000,{SITE_A},{status},,,{release_date}\n", users=None)
    inv.as_of = as_of
    return inv.store.rows("select effective_status, stuck from numbers_effective")[0]


def day(offset):
    return AS_OF + dt.timedelta(days=offset)


@pytest.mark.parametrize("release, as_of, expected", [
    (day(3), day(2), "Cooling"),        # not yet due
    (day(3), day(3), "Available"),      # due on the day: the job released it
    (day(-5), day(0), "Available"),     # due within the look-back
    (day(-20), day(0), "Available"),    # exactly at the look-back edge is still released
])
def test_cooling_is_released_when_due(make_inventory, release, as_of, expected):
    assert status_at(make_inventory, "Cooling", release, as_of)["effective_status"] == expected


@pytest.mark.parametrize("release", ["", day(-21)])
def test_cooling_beyond_the_look_back_is_stuck(make_inventory, release):
    row = status_at(make_inventory, "Cooling", release, day(365))
    assert row == {"effective_status": "Cooling", "stuck": True}


def test_stuck_is_measured_from_the_snapshot_date_not_as_of(make_inventory):
    # due 10 days after the snapshot: not stuck, even evaluated a year later
    row = status_at(make_inventory, "Cooling", day(10), day(365))
    assert row == {"effective_status": "Available", "stuck": False}


@pytest.mark.parametrize("release, as_of, expected", [
    (day(5), day(4), "Reserved"),
    (day(5), day(5), "Available"),
    ("", day(1000), "Reserved"),        # reserved indefinitely
])
def test_reservation_ends_at_its_release_date(make_inventory, release, as_of, expected):
    assert status_at(make_inventory, "Reserved", release, as_of)["effective_status"] == expected


@pytest.mark.parametrize("status", ["Used", "Used-Utility", "Inactive", "Available"])
def test_release_date_is_ignored_for_other_statuses(make_inventory, status):
    assert status_at(make_inventory, status, day(-3), day(0))["effective_status"] == status


def test_stored_status_never_changes_with_time(make_inventory):
    inv = make_inventory(numbers=HEADER + f"5000,{SITE_A},Cooling,,,{day(1)}\n", users=None)
    inv.as_of = day(30)
    assert inv.why_not("5000", "x", SITE_A) is None
    assert inv.sql("select status from numbers")["status"][0] == "Cooling"


def test_cooling_set_by_an_operation_is_not_stuck(make_inventory):
    inv = make_inventory(numbers=HEADER + f"5000,{SITE_A},Available,,,\n", users=None)
    inv.as_of = day(400)        # far beyond the snapshot date
    inv.set_status("5000", "Cooling", days=3)
    row = inv.store.rows("select release_date, stuck, effective_status from numbers_effective")[0]
    assert row == {"release_date": day(403), "stuck": False, "effective_status": "Cooling"}
    inv.as_of = day(403)
    assert inv.next_available("x", SITE_A) == "5000"


def test_numkit_as_of_follows_the_inventory(inv):
    inv.as_of = "2027-01-02"
    assert inv.store.scalar("select numkit_as_of()") == dt.date(2027, 1, 2)
    inv.as_of = None
    assert inv.store.scalar("select numkit_as_of()") == dt.date.today()
