"""Assign, release and delete user (rules R14, R15, R16)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import numkit

from conftest import AS_OF, CUST1, SITE_A, SITE_B, row


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


def test_assign_gives_a_visible_number(inv):
    inv.assign("2003", "alice")
    assert row(inv, "2003", CUST1)["used_by"] == "alice"


@pytest.mark.parametrize("number, reason", [
    ("2002", "not_visible"), ("1002", "not_visible"), ("1001", "reserved_for_other"),
    ("3001", "not_available"), ("7777", "unknown_number")])
def test_assign_refuses_with_the_why_not_reason(inv, number, reason):
    with pytest.raises(numkit.NotAssignable) as refused:
        inv.assign(number, "alice")
    assert refused.value.reason == reason


def test_assign_with_node_must_name_the_rows_own_node(inv):
    with pytest.raises(numkit.NotAssignable):
        inv.assign("2003", "alice", node=SITE_A)
    inv.assign("2003", "alice", node=CUST1)
    assert row(inv, "2003", CUST1)["used_by"] == "alice"


def test_assign_to_unknown_user(inv):
    with pytest.raises(numkit.UnknownUser):
        inv.assign("2003", "nobody")


def test_release_without_cooling_makes_available(inv):
    inv.release("3001")
    stored = row(inv, "3001", SITE_A)
    assert (stored["status"], stored["used_by"], stored["release_date"]) == ("Available", None, None)


def test_release_with_cooling_days(inv):
    inv.release("3001", cooling_days=7)
    stored = row(inv, "3001", SITE_A)
    assert (stored["status"], stored["release_date"]) == ("Cooling", AS_OF + dt.timedelta(days=7))


def test_release_uses_the_cooling_days_setting(inv):
    inv.settings["cooling_days"] = 5
    inv.release("3001")
    assert row(inv, "3001", SITE_A)["release_date"] == AS_OF + dt.timedelta(days=5)


def test_release_keeps_reserved_for(inv):
    inv.reserve_for("3001", "alice")
    inv.release("3001")
    assert row(inv, "3001", SITE_A)["reserved_for"] == "alice"


def test_only_used_rows_can_be_released(inv):
    with pytest.raises(numkit.InvalidOperation, match="only a Used number"):
        inv.release("2003")


def test_negative_days_are_refused(inv):
    with pytest.raises(numkit.InvalidOperation):
        inv.release("3001", cooling_days=-1)
    with pytest.raises(numkit.InvalidOperation):
        inv.settings["cooling_days"] = -3


@pytest.mark.parametrize("days", [2.0, "2", True, -1, np.int64(-1)])
def test_days_that_are_not_a_whole_number_are_refused(inv, days):
    with pytest.raises(numkit.InvalidOperation, match="whole number of days"):
        inv.release("3001", cooling_days=days)


def test_days_from_a_dataframe_are_whole_numbers(inv):
    """A count of days read from a DataFrame is NumPy's integer, not Python's."""
    days = pd.Series([3])[0]
    inv.release("3001", cooling_days=days)
    assert row(inv, "3001", SITE_A)["release_date"] == inv.as_of + dt.timedelta(days=3)
    inv.set_status("2003", "Reserved", days=np.int32(4))
    assert row(inv, "2003", CUST1)["release_date"] == inv.as_of + dt.timedelta(days=4)
    inv.settings["cooling_days"] = np.int64(7)
    assert inv.settings["cooling_days"] == 7
    assert len(inv.available_numbers("zed", SITE_A, limit=np.int64(1))) == 1


def test_ambiguous_number_needs_a_node(inv):
    with pytest.raises(numkit.AmbiguousNumber):
        inv.release("1001")


def test_unknown_number(inv):
    with pytest.raises(numkit.UnknownNumber):
        inv.release("4444")


def test_delete_user_releases_and_records(inv):
    inv.delete_user("Alice", cooling_days=3)
    assert inv.active_user("alice") is None
    assert row(inv, "3001", SITE_A)["status"] == "Cooling"
    deleted = inv.store.rows("select username, node, deleted_at from deleted_users")
    assert deleted == [{"username": "alice", "node": SITE_A, "deleted_at": AS_OF}]


def test_delete_user_keeps_reservations(inv):
    inv.onboard("u", SITE_B)
    inv.delete_user("u")
    assert row(inv, "1002", SITE_B)["reserved_for"] == "u"
    assert row(inv, "1002", SITE_B)["used_by"] is None


def test_delete_unknown_user(inv):
    with pytest.raises(numkit.UnknownUser):
        inv.delete_user("ghost")


def test_settings_persist_in_the_database(loaded_inventory, tmp_path):
    path = tmp_path / "inv.duckdb"
    inv = loaded_inventory(path=str(path))
    inv.settings["cooling_days"] = 9
    inv.settings["alert_share"] = 0.25
    inv.close()
    with numkit.connect(path) as again:
        assert dict(again.settings) == {"alert_share": 0.25, "candidate_order": "number", "cooling_days": 9}


def test_a_user_deleted_twice_has_two_records(inv):
    inv.delete_user("alice")
    inv.as_of = AS_OF + dt.timedelta(days=3)
    inv.onboard("alice", SITE_A)
    inv.delete_user("alice")
    assert inv.sql("select deleted_at from deleted_users order by deleted_at")["deleted_at"].dt.date.tolist() == [
        AS_OF, AS_OF + dt.timedelta(days=3)]


def test_sql_with_parameters(inv):
    frame = inv.sql("select number from numbers where node = $node order by number", {"node": SITE_B})
    assert frame["number"].tolist() == ["1002", "2002"]


def test_unknown_settings_are_refused(inv):
    with pytest.raises(numkit.InvalidOperation, match="unknown setting"):
        inv.settings["cooling_dayz"] = 3


def test_an_inventory_opened_read_only_refuses_every_change_and_keeps_reading(database):
    with numkit.connect(database, read_only=True) as inv:
        events = len(inv.events())
        for change in (lambda: inv.onboard("new.user", "sys.hcs.Prov-1.Cust-1.Site-B"),
                       lambda: inv.reserve_for("1001", "someone", node="sys.hcs.Prov-1.Cust-1"),
                       lambda: inv.settings.__setitem__("cooling_days", 3),
                       inv.batch, inv.rehearsal):
            with pytest.raises(numkit.InvalidOperation, match="open read-only"):
                outcome = change()
                if hasattr(outcome, "__enter__"):
                    with outcome:
                        pass
        assert len(inv.events()) == events
        assert inv.user_status("new.user")["state"] == "new"


HUGE_DAYS = 10**7


@pytest.mark.parametrize("call", [
    lambda inv: inv.release("3001", cooling_days=HUGE_DAYS),
    lambda inv: inv.delete_user("alice", cooling_days=HUGE_DAYS),
    lambda inv: inv.set_status("2001", "Reserved", days=HUGE_DAYS),
    lambda inv: inv.set_status("2001", "Cooling", days=HUGE_DAYS),
    lambda inv: inv.settings.__setitem__("cooling_days", HUGE_DAYS),
    lambda inv: inv.deleted_user_reservations(older_than_days=10**20),
    lambda inv: inv.cleanup_deleted_reservations(10**20, dry_run=False),
], ids=["release", "delete_user", "set_status_reserved", "set_status_cooling", "setting",
        "deleted_user_reservations", "cleanup"])
def test_days_beyond_a_century_are_refused_where_they_enter(inv, call):
    """A typo of a few digits used to raise OverflowError, or be stored and then break
    every release."""
    before = inv.sql("select * from numbers order by number, node")
    with pytest.raises(numkit.InvalidOperation, match="at most 36500"):
        call(inv)
    assert inv.sql("select * from numbers order by number, node").equals(before)
    assert inv.settings["cooling_days"] == 0


def test_a_century_of_days_is_still_accepted(inv):
    inv.release("3001", cooling_days=36_500)
    assert row(inv, "3001", SITE_A)["release_date"] == AS_OF + dt.timedelta(days=36_500)


def test_a_stored_cooling_period_out_of_bounds_is_refused_with_what_to_do(inv):
    """A database written before the bound (or by plain SQL) may hold one."""
    inv.sql("update settings set value = '10000000' where key = 'cooling_days'")
    with pytest.raises(numkit.InvalidOperation, match="cooling_days"):
        inv.release("3001")
    assert row(inv, "3001", SITE_A)["status"] == "Used"


def test_an_end_date_past_the_year_9999_is_refused(inv):
    inv.as_of = "9999-12-30"
    with pytest.raises(numkit.InvalidOperation, match="9999"):
        inv.release("3001", cooling_days=5)
    with pytest.raises(numkit.InvalidOperation, match="9999"):
        inv.set_status("2001", "Reserved", days=5)
    assert row(inv, "3001", SITE_A)["status"] == "Used"
