"""Pending changes: what numkit decided since the last load and VOSS does not have yet,
computed from the inventory and the snapshot (rules R28)."""

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
    """A field's change keeps the events that changed that field (roundtrip: "each pending
    change keeps the events that made it"), since it last held the snapshot's value."""
    inv.reserve_for("2001", "bob")
    inv.set_status("2001", "Reserved", days=3)
    inv.reserve_for("2002", "bob")
    inv.clear_reserved_for("2002")
    inv.reserve_for("2002", "carol")
    events = inv.events().set_index("event_id")
    flagged, set_status, bob, cleared, carol = events.index[-5:]
    changes = inv.pending_changes().set_index(["number", "field"])
    assert {key: list(ids) for key, ids in changes["event_ids"].items()} == {
        ("2001", "reserved_for"): [flagged], ("2001", "status"): [set_status],
        ("2001", "release_date"): [set_status], ("2002", "reserved_for"): [carol]}
    for key, ids in changes["event_ids"].items():
        assert changes.loc[key, "decided_at"] == events.loc[list(ids), "at"].min()


def test_assigning_is_the_number_taken_into_use(inv):
    inv.assign("2001", "alice")
    assert pending(inv) == [("row_changed", "2001", SITE_A, "status", "Available", "Used"),
                            ("row_changed", "2001", SITE_A, "used_by", None, "alice")]


def test_a_replacing_move_is_the_user_moved_the_old_number_released_and_a_new_one_taken(inv):
    inv.move_user("alice", SITE_C)      # 3001 at Site-A is not visible from Site-C
    assert pending(inv) == [
        ("row_changed", "2003", CUST1, "status", "Available", "Used"),
        ("row_changed", "2003", CUST1, "used_by", None, "alice"),
        ("row_changed", "3001", SITE_A, "status", "Used", "Available"),
        ("row_changed", "3001", SITE_A, "used_by", "alice", None),
        ("user_moved", None, SITE_C, "node", SITE_A, SITE_C),
    ]


def test_cleaning_up_leavers_flags_is_each_flag_cleared(make_inventory):
    inv = make_inventory(users=f"Username,Located At\nalice,{SITE_A}\nu,{SITE_B}\n")
    inv.delete_user("u")
    inv.as_of = inv.as_of.replace(day=inv.as_of.day + 5)
    inv.cleanup_deleted_reservations(0, dry_run=False)
    changes = pending(inv, "kind", "number", "field", "voss_value", "numkit_value")
    assert [c for c in changes if c[2] == "reserved_for"] == [
        ("row_changed", "1001", "reserved_for", "u", None),
        ("row_changed", "1002", "reserved_for", "u", None),
        ("row_changed", "1003", "reserved_for", "u", None),
    ]
    assert ("user_deleted", None, "node", SITE_B, None) in changes


def test_onboarding_many_is_the_net_effect_of_each(inv):
    inv.onboard_many([("p1", SITE_B), ("p2", SITE_B)])
    kinds = pending(inv, "kind", "number", "username", "field")
    assert [k for k in kinds if k[0] == "user_added"] == [("user_added", None, "p1", "node"),
                                                          ("user_added", None, "p2", "node")]
    assert {(k[1], k[2]) for k in kinds if k[3] == "used_by"} == {("2002", "p1"), ("2003", "p2")}


def test_the_summary_counts_changes_rows_users_and_the_oldest_age(inv):
    assert inv.pending_summary() == {"changes": 0, "rows": 0, "users": 0, "oldest": None,
                                     "oldest_days": None}
    inv.onboard("new.person", SITE_B)
    inv.reserve_for("2001", "bob")
    inv.con.execute("""update events set "at" = timestamp '2026-11-20 09:30' where action = 'onboard'""")
    inv.as_of = "2026-11-23"
    summary = inv.pending_summary()
    assert summary == {"changes": 4, "rows": 2, "users": 1,
                       "oldest": summary["oldest"], "oldest_days": 3}
    assert str(summary["oldest"]) == "2026-11-20 09:30:00"
    inv.as_of = "2026-11-01"       # decided after the date looked at: not older than new
    assert inv.pending_summary()["oldest_days"] == 0
