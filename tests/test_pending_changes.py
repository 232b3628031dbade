"""Pending changes: what numkit decided since the last load and VOSS does not have yet,
computed from the inventory and the snapshot (README, "Round trip with VOSS")."""

import pytest

from conftest import CUST1, SITE_A, SITE_B, SITE_C, records


def pending(inv, *columns):
    return records(inv.pending_changes(), *(columns or ("kind", "number", "node", "field",
                                                        "voss_value", "numkit_value")))


def test_a_fresh_load_has_nothing_pending(inv):
    assert inv.pending_changes().empty


def test_onboarding_is_a_user_added_and_the_number_given(inv):
    assert inv.onboard("new.person", SITE_B) == ["2002"]
    assert pending(inv) == [
        ("row_changed", "2002", SITE_B, "status", "Available", "Used"),
        ("row_changed", "2002", SITE_B, "used_by", None, "new.person"),
        ("user_added", None, SITE_B, "node", None, SITE_B),
    ]
    assert set(inv.pending_changes()["username"]) == {"new.person"}


def test_an_operation_and_its_undoing_leave_nothing_pending(inv):
    inv.onboard("new.person", SITE_B)
    inv.delete_user("new.person")
    inv.reserve_for("2001", "bob")
    inv.clear_reserved_for("2001")
    inv.set_status("2003", "Reserved", notes="held")
    inv.set_status("2003", "Available")
    # the notes stay after unreserving: that is a change of its own
    assert pending(inv) == [("row_changed", "2003", CUST1, "reservation_notes", None, "held")]


def test_a_batch_yields_its_net_effect(inv):
    with inv.batch():
        inv.reserve_for("2001", "bob")
        inv.reserve_for("2001", "carol")
        inv.reserve_for("2002", "bob")
        inv.clear_reserved_for("2002")
    assert pending(inv) == [("row_changed", "2001", SITE_A, "reserved_for", None, "carol")]
    assert len(inv.pending_changes()["event_ids"][0]) == 2


def test_a_flag_set_in_another_case_is_no_change(inv):
    inv.reserve_for("1001", "U", node=SITE_A)
    assert inv.pending_changes().empty


def test_every_row_operation_yields_its_change(inv):
    inv.reserve_for("2001", "bob")
    inv.clear_reserved_for("1003")
    inv.add_numbers("5001", SITE_C)
    inv.delete_numbers("2002")
    inv.release("3001", cooling_days=5)
    assert pending(inv) == [
        ("row_changed", "1003", CUST1, "reserved_for", "u", None),
        ("row_changed", "2001", SITE_A, "reserved_for", None, "bob"),
        ("row_removed", "2002", SITE_B, "status", "Available", None),
        ("row_changed", "3001", SITE_A, "release_date",
         None, str(inv.as_of.fromordinal(inv.as_of.toordinal() + 5))),
        ("row_changed", "3001", SITE_A, "status", "Used", "Cooling"),
        ("row_changed", "3001", SITE_A, "used_by", "alice", None),
        ("row_added", "5001", SITE_C, "status", None, "Available"),
    ]


def test_a_carried_move_removes_the_row_at_the_old_node_and_adds_it_at_the_new(inv):
    inv.move_user("alice", SITE_C, policy="carry")
    assert pending(inv) == [
        ("row_removed", "3001", SITE_A, "status", "Used", None),
        ("row_removed", "3001", SITE_A, "used_by", "alice", None),
        ("row_added", "3001", SITE_C, "status", None, "Used"),
        ("row_added", "3001", SITE_C, "used_by", None, "alice"),
        ("user_moved", None, SITE_C, "node", SITE_A, SITE_C),
    ]
    changes = inv.pending_changes()
    move_events = inv.events().query("action != 'load'")["event_id"].tolist()
    for ids in changes["event_ids"]:
        assert len(ids) > 0 and set(ids) <= set(move_events)


def test_deleting_a_user_is_a_user_deleted_and_their_numbers_released(inv):
    inv.delete_user("alice")
    assert pending(inv) == [
        ("row_changed", "3001", SITE_A, "status", "Used", "Available"),
        ("row_changed", "3001", SITE_A, "used_by", "alice", None),
        ("user_deleted", None, SITE_A, "node", SITE_A, None),
    ]


def test_each_change_keeps_its_events_and_the_time_of_the_earliest(inv):
    inv.reserve_for("2001", "bob")
    inv.set_status("2001", "Reserved", days=3)
    changes = inv.pending_changes()
    events = inv.events().set_index("event_id")
    ids = list(changes["event_ids"][0])
    assert len(ids) == 2 and all(list(ids) == list(e) for e in changes["event_ids"])
    assert (changes["decided_at"] == events.loc[ids, "at"].min()).all()
