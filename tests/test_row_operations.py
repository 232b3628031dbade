"""Reserve for, clear, add and delete numbers, set status, cleanup (rules R18 to R21)."""

import datetime as dt

import pytest

import numkit

from conftest import AS_OF, CUST1, SITE_A, SITE_B, SITE_C, records, row


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date,Reservation Notes\n"


def test_reserve_for_sets_the_flag_and_replaces_an_earlier_one(inv):
    inv.reserve_for("1002", "bob")
    assert row(inv, "1002", SITE_B)["reserved_for"] == "bob"
    assert inv.why_not("1002", "u", SITE_B) == "reserved_for_other"
    assert inv.why_not("1002", "BOB", SITE_B) is None


def test_reserved_number_is_never_given_to_another_user(inv):
    inv.reserve_for(["2002", "2003"], "bob")
    with pytest.raises(numkit.NoNumberAvailable):
        inv.onboard("carol", SITE_B)
    assert inv.onboard("Bob", SITE_B) == ["2002", "2003"]


def test_reserve_for_refused_for_a_row_used_by_another_user(inv):
    with pytest.raises(numkit.InvalidOperation, match="used by alice"):
        inv.reserve_for("3001", "bob")
    inv.reserve_for("3001", "ALICE")
    assert row(inv, "3001", SITE_A)["reserved_for"] == "ALICE"


def test_reserve_for_a_device_number(make_inventory):
    inv = make_inventory(numbers=HEADER + f"9000,{SITE_A},Used,,,,\n", users=None)
    inv.reserve_for("9000", "bob")
    assert row(inv, "9000", SITE_A)["reserved_for"] == "bob"


def test_reserve_for_with_node_creates_missing_numbers(inv):
    report = inv.reserve_for(["2002", "2004", "2005"], "bob", node=SITE_B)
    assert records(report, "number", "result") == [("2002", "reserved"), ("2004", "created"), ("2005", "created")]
    created = row(inv, "2004", SITE_B)
    assert (created["status"], created["reserved_for"]) == ("Available", "bob")


def test_reserve_for_refuses_to_create_on_a_path_that_has_the_number(inv):
    with pytest.raises(numkit.InvalidOperation, match="same path"):
        inv.reserve_for("2003", "bob", node=SITE_B)     # 2003 is at Cust-1
    assert row(inv, "2003", SITE_B) is None


def test_range_skips_numbers_without_rows(inv):
    report = inv.reserve_for("2002-2004", "bob")
    assert records(report, "number", "result", "reason") == [
        ("2002", "reserved", None), ("2003", "reserved", None), ("2004", "skipped", "not_found")]


def test_range_without_any_row(inv):
    with pytest.raises(numkit.UnknownNumber):
        inv.reserve_for("5000-5009", "bob")


def test_single_number_without_row(inv):
    with pytest.raises(numkit.UnknownNumber):
        inv.clear_reserved_for("5000")


def test_clear_reserved_for(inv):
    inv.clear_reserved_for("1001", node=SITE_A)
    assert row(inv, "1001", SITE_A)["reserved_for"] is None
    assert inv.why_not("1001", "bob", SITE_A) is None


def test_add_numbers_fills_gaps_only(inv):
    report = inv.add_numbers("2001-2004", SITE_B)
    assert records(report, "number", "result", "reason") == [
        ("2001", "added", None),                      # Site-A's 2001 is on another path
        ("2002", "skipped", "exists"),
        ("2003", "skipped", "conflicts_on_path"),     # at Cust-1, an ancestor
        ("2004", "added", None)]
    assert row(inv, "2004", SITE_B)["status"] == "Available"


def test_add_numbers_at_an_unknown_node(inv):
    with pytest.raises(numkit.UnknownNode):
        inv.add_numbers("1", f"{CUST1}.Nowhere")


def test_delete_numbers_only_available_unreserved(inv):
    report = inv.delete_numbers(["2001", "1001", "3001", "9999"], node=SITE_A)
    assert records(report, "number", "result", "reason") == [
        ("1001", "skipped", "reserved_for_someone"),
        ("2001", "deleted", None),
        ("3001", "skipped", "not_available"),
        ("9999", "skipped", "not_found")]
    assert row(inv, "2001", SITE_A) is None and row(inv, "1001", SITE_A) is not None


def test_set_status_reserved_with_days_and_notes(inv):
    inv.set_status("2002", "reserved", days=10, notes="Held for new starter")
    stored = row(inv, "2002", SITE_B)
    assert (stored["status"], stored["release_date"], stored["reservation_notes"]) == (
        "Reserved", AS_OF + dt.timedelta(days=10), "Held for new starter")


def test_set_status_reserved_indefinitely(inv):
    inv.set_status("2002", "Reserved")
    assert row(inv, "2002", SITE_B)["release_date"] is None


def test_set_status_cooling_defaults_to_the_setting(inv):
    inv.settings["cooling_days"] = 6
    inv.set_status("2002", "Cooling")
    assert row(inv, "2002", SITE_B)["release_date"] == AS_OF + dt.timedelta(days=6)


def test_set_status_available_clears_the_release_date(inv):
    inv.set_status("2002", "Cooling", days=3)
    inv.set_status("2002", "Available")
    stored = row(inv, "2002", SITE_B)
    assert (stored["status"], stored["release_date"]) == ("Available", None)


def test_set_status_refused_for_used_rows(inv):
    with pytest.raises(numkit.InvalidOperation, match="release a used number first"):
        inv.set_status(["2002", "3001", "2003"], "Reserved")
    assert row(inv, "2002", SITE_B)["status"] == "Available"    # nothing changed


@pytest.mark.parametrize("status", ["Used", "Inactive", "Bogus"])
def test_set_status_to_other_statuses_is_refused(inv, status):
    with pytest.raises(numkit.InvalidOperation):
        inv.set_status("2002", status)


DELETED = HEADER + f"""\
4001,{SITE_A},Available,gone_long,,,
4002,{SITE_B},Cooling,gone_recent,,{AS_OF},
4003,{CUST1},Available,newbie,,,Held for new starter
4004,{SITE_C},Available,stays,,,
"""


@pytest.fixture
def with_leavers(loaded_inventory, tmp_path):
    earlier = tmp_path / "users-earlier.csv"
    earlier.write_text(f"Username,Located At\ngone_long,{SITE_A}\ngone_recent,{SITE_B}\nstays,{SITE_C}\n")
    later = tmp_path / "users-later.csv"
    later.write_text(f"Username,Located At\ngone_recent,{SITE_B}\nstays,{SITE_C}\n")
    # the loads below read again the numbers file the first one wrote
    inv = loaded_inventory(numbers=DELETED, users=None, as_of=AS_OF - dt.timedelta(days=100))
    numbers_file = tmp_path / "numbers.csv"
    inv.load(numbers_file, users=earlier, as_of=AS_OF - dt.timedelta(days=100))
    inv.load(numbers_file, users=later, as_of=AS_OF - dt.timedelta(days=40))
    inv.as_of = AS_OF
    inv.delete_user("gone_recent")
    return inv


def test_cleanup_dry_run_changes_nothing(with_leavers):
    events = len(with_leavers.events())
    plan = with_leavers.cleanup_deleted_reservations(30)
    assert records(plan, "number", "reserved_for", "days_since_deleted") == [("4001", "gone_long", 40)]
    assert row(with_leavers, "4001", SITE_A)["reserved_for"] == "gone_long"
    assert len(with_leavers.events()) == events


def test_cleanup_clears_old_deleted_users_only(with_leavers):
    done = with_leavers.cleanup_deleted_reservations(0, dry_run=False)
    assert sorted(done["number"]) == ["4001", "4002"]
    assert row(with_leavers, "4001", SITE_A)["reserved_for"] is None
    assert row(with_leavers, "4003", CUST1)["reserved_for"] == "newbie"    # never onboarded
    assert row(with_leavers, "4004", SITE_C)["reserved_for"] == "stays"    # active


def test_cleanup_uses_the_latest_deletion(with_leavers):
    with_leavers.onboard("gone_long", SITE_A, number="4001")
    with_leavers.delete_user("gone_long")          # deleted again today
    assert with_leavers.cleanup_deleted_reservations(30).empty
