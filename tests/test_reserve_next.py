"""reserve_next: the next numbers at a node flagged for a user, in candidate order
(docs/rules.md#r33-reserve-next)."""

import datetime as dt

import pytest

import numkit

from conftest import AS_OF, CUST1, NUMBERS, SITE_B, records, row


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


def state(inv):
    return (inv.sql("select * exclude (extra) from numbers order by number, node").values.tolist(),
            inv.sql("select * from users order by username").values.tolist(),
            len(inv.events()))


def test_the_first_candidates_of_a_user_without_reservations_are_flagged(inv):
    reserved = inv.reserve_next("kim", SITE_B, 2)
    assert records(reserved, "number", "node") == [("2002", SITE_B), ("2003", CUST1)]
    for number, node in [("2002", SITE_B), ("2003", CUST1)]:
        flagged = row(inv, number, node)
        assert (flagged["reserved_for"], flagged["status"]) == ("kim", "Available")


def test_each_row_is_one_event(inv):
    before = len(inv.events())
    inv.reserve_next("kim", SITE_B, 2)
    events = inv.events().iloc[before:]
    assert records(events, "action", "number", "username") == [
        ("reserve_next", "2002", "kim"), ("reserve_next", "2003", "kim")]


def test_the_users_own_reservations_are_not_taken_again(inv):
    # u holds 1002 and 1003, both candidates for u at Site-B: reserving skips them
    assert records(inv.reserve_next("u", SITE_B, 1), "number") == [("2002",)]


def test_the_user_is_given_them_when_onboarded(inv):
    inv.reserve_next("kim", SITE_B, 2)
    assert inv.onboard("kim", SITE_B) == ["2002", "2003"]


def test_nearest_first_when_the_setting_says_so(make_inventory):
    inv = make_inventory(numbers=NUMBERS + f"1500,{CUST1},Available,,,\n")
    assert records(inv.reserve_next("kim", SITE_B, 1), "number") == [("1500",)]
    inv.settings["candidate_order"] = "nearest"
    assert records(inv.reserve_next("lee", SITE_B, 1), "number") == [("2002",)]


def test_fewer_candidates_than_asked_fails_and_changes_nothing(inv):
    before = state(inv)
    with pytest.raises(numkit.NoNumberAvailable, match="3 number"):
        inv.reserve_next("kim", SITE_B, 3)
    assert state(inv) == before


@pytest.mark.parametrize("count", [0, -1, 1.5, True, "2", None])
def test_count_must_be_a_whole_number_from_one(inv, count):
    before = state(inv)
    with pytest.raises(numkit.InvalidOperation, match="count"):
        inv.reserve_next("kim", SITE_B, count)
    assert state(inv) == before


def test_unknown_node_and_empty_username_are_refused(inv):
    with pytest.raises(numkit.UnknownNode):
        inv.reserve_next("kim", f"{CUST1}.Site-Z", 1)
    with pytest.raises(numkit.InvalidOperation, match="username"):
        inv.reserve_next("  ", SITE_B, 1)


def test_notes_are_taken_as_set_status_takes_them(inv):
    inv.set_status("2003", "Reserved", days=0, notes="old note")   # ends today: Available
    inv.reserve_next("kim", SITE_B, 2, notes="  new starter  ")
    assert row(inv, "2002", SITE_B)["reservation_notes"] == "new starter"
    inv.set_status("2002", "Available")
    inv.clear_reserved_for("2002")
    inv.reserve_next("lee", SITE_B, 1)                      # no notes: they stay
    assert row(inv, "2002", SITE_B)["reservation_notes"] == "new starter"


def test_blank_notes_clear_them(inv):
    inv.set_status("2002", "Reserved", days=0, notes="old note")
    inv.reserve_next("kim", SITE_B, 1, notes="  ")
    assert row(inv, "2002", SITE_B)["reservation_notes"] is None


def test_with_an_end_date_the_rows_are_reserved_until_then(inv):
    until = AS_OF + dt.timedelta(days=7)
    inv.reserve_next("kim", SITE_B, 1, until=until.isoformat())
    reserved = row(inv, "2002", SITE_B)
    assert (reserved["status"], reserved["release_date"], reserved["reserved_for"]) == (
        "Reserved", until, "kim")
    assert inv.why_not("2002", "kim", SITE_B) == "not_available"
    inv.as_of = until                               # the reservation has ended: kim's number
    assert inv.next_available("kim", SITE_B) == "2002"
    assert inv.why_not("2002", "lee", SITE_B) == "reserved_for_other"


@pytest.mark.parametrize("until", [AS_OF - dt.timedelta(days=1), "next week",
                                   AS_OF + dt.timedelta(days=36_501)])
def test_an_end_date_before_as_of_or_not_a_date_is_refused(inv, until):
    before = state(inv)
    with pytest.raises(numkit.InvalidOperation, match="until"):
        inv.reserve_next("kim", SITE_B, 1, until=until)
    assert state(inv) == before
