"""Reconciling the next export (rules R29, R30): each change pending before
a load is applied (VOSS did it), still pending (re-applied on the export) or a conflict
(VOSS decided otherwise), row by row and user by user; or discarded when asked."""

import pytest

import numkit
from conftest import AS_OF, HIERARCHY, NUMBERS, SITE_A, SITE_B, SITE_C, USERS, records, row, write

HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def export(numbers=NUMBERS, replace=(), drop=(), add=()):
    """The sample numbers export with lines replaced ({line start: new line}), dropped or added."""
    lines = numbers.splitlines()[1:]
    replaced = dict(replace)
    out = []
    for line in lines:
        key = ",".join(line.split(",")[:2])
        if key in drop:
            continue
        out.append(replaced.get(key, line))
    return HEADER + "\n".join(out + list(add)) + "\n"


@pytest.fixture
def reload(tmp_path):
    def load(inv, numbers=None, users=USERS, hierarchy=HIERARCHY, **kwargs):
        return inv.load(write(tmp_path, "numbers2.csv", numbers or export()),
                        users=None if users is None else write(tmp_path, "users2.csv", users),
                        hierarchy=write(tmp_path, "hierarchy2.csv", hierarchy), **kwargs)
    return load


def outcomes(inv):
    return sorted(set(records(inv.reconciliations(), "outcome", "kind", "number", "username")),
                  key=str)


def counts(report):
    return report.applied, report.still_pending, report.conflicts, report.discarded


def test_a_flag_set_in_voss_is_applied(inv, reload):
    inv.reserve_for("2001", "bob")
    report = reload(inv, export(replace={f"2001,{SITE_A}": f"2001,{SITE_A},Available,bob,,"}))
    assert counts(report) == (1, 0, 0, 0)
    assert outcomes(inv) == [("applied", "row_changed", "2001", "bob")]
    assert inv.pending_changes().empty
    assert row(inv, "2001", SITE_A)["reserved_for"] == "bob"


def test_a_flag_voss_does_not_have_yet_is_re_applied_and_stays_pending(inv, reload):
    inv.reserve_for("2001", "bob")
    before = inv.pending_changes()
    report = reload(inv)
    assert counts(report) == (0, 1, 0, 0)
    assert row(inv, "2001", SITE_A)["reserved_for"] == "bob"
    after = inv.pending_changes()
    assert records(after, "kind", "number", "field", "voss_value", "numkit_value") == \
        records(before, "kind", "number", "field", "voss_value", "numkit_value")
    assert list(after["decided_at"]) == list(before["decided_at"])
    assert [list(ids) for ids in after["event_ids"]] == [list(ids) for ids in before["event_ids"]]
    # pending still, through a second load
    reload(inv)
    assert list(inv.pending_changes()["decided_at"]) == list(before["decided_at"])


def test_a_flag_voss_set_otherwise_is_a_conflict_and_the_export_stands(inv, reload):
    inv.reserve_for("2001", "bob")
    report = reload(inv, export(replace={f"2001,{SITE_A}": f"2001,{SITE_A},Available,carol,,"}))
    assert counts(report) == (0, 0, 1, 0)
    assert row(inv, "2001", SITE_A)["reserved_for"] == "carol"
    assert inv.pending_changes().empty
    conflict = inv.reconciliations().iloc[0]
    assert (conflict["outcome"], conflict["export_value"], conflict["numkit_value"]) == \
        ("conflict", "carol", "bob")


def test_a_changed_row_gone_from_the_export_is_a_conflict(inv, reload):
    inv.reserve_for("2001", "bob")
    report = reload(inv, export(drop={f"2001,{SITE_A}"}))
    assert counts(report) == (0, 0, 1, 0)
    assert row(inv, "2001", SITE_A) is None
    assert "no longer" in inv.reconciliations()["reason"][0]


def test_a_row_added_in_numkit_stays_pending_until_voss_has_it(inv, reload):
    inv.add_numbers("5001", SITE_C)
    assert counts(reload(inv)) == (0, 1, 0, 0)
    assert row(inv, "5001", SITE_C)["status"] == "Available"
    assert counts(reload(inv, export(add=[f"5001,{SITE_C},Available,,,"]))) == (1, 0, 0, 0)
    assert inv.pending_changes().empty


def test_a_row_removed_in_numkit_is_applied_when_gone_and_pending_while_there(inv, reload):
    inv.delete_numbers("2002")
    assert counts(reload(inv)) == (0, 1, 0, 0)
    assert row(inv, "2002", SITE_B) is None
    assert counts(reload(inv, export(drop={f"2002,{SITE_B}"}))) == (1, 0, 0, 0)
    assert inv.pending_changes().empty


def test_a_row_removed_in_numkit_that_voss_changed_is_a_conflict(inv, reload):
    inv.delete_numbers("2002")
    report = reload(inv, export(replace={f"2002,{SITE_B}": f"2002,{SITE_B},Reserved,,,"}))
    assert counts(report) == (0, 0, 1, 0)
    assert row(inv, "2002", SITE_B)["status"] == "Reserved"


def test_a_re_added_row_that_would_break_uniqueness_is_a_conflict(inv, reload):
    inv.add_numbers("5001", SITE_C)
    report = reload(inv, export(add=[f"5001,{SITE_C.rsplit('.', 1)[0]},Available,,,"]))
    assert counts(report) == (0, 0, 1, 0)
    assert row(inv, "5001", SITE_C) is None
    assert "same path" in inv.reconciliations()["reason"][0]
    assert inv.check().empty


def test_a_user_onboarded_in_numkit_and_missing_from_the_export_stays_pending(inv, reload):
    inv.onboard("new.person", SITE_B)
    report = reload(inv)
    assert counts(report) == (0, 2, 0, 0)
    assert report.deleted_users == []
    assert inv.user_status("new.person")["state"] == "active"
    assert inv.sql("select * from deleted_users").empty
    assert row(inv, "2002", SITE_B)["used_by"] == "new.person"
    assert inv.check().empty
    assert set(inv.pending_changes()["kind"]) == {"user_added", "row_changed"}


def test_an_onboarding_done_in_voss_is_applied(inv, reload):
    inv.onboard("new.person", SITE_B)
    report = reload(inv, export(replace={f"2002,{SITE_B}": f"2002,{SITE_B},Used,,new.person,"}),
                    users=USERS + f"new.person,{SITE_B}\n")
    assert counts(report) == (2, 0, 0, 0)
    assert inv.pending_changes().empty


def test_a_number_voss_gave_instead_makes_numkit_s_a_conflict(inv, reload):
    inv.onboard("new.person", SITE_B)      # numkit gave 2002
    report = reload(inv, export(replace={f"2003,{SITE_A.rsplit('.', 1)[0]}":
                                         f"2003,{SITE_A.rsplit('.', 1)[0]},Used,,new.person,"}),
                    users=USERS + f"new.person,{SITE_B}\n")
    assert counts(report) == (1, 0, 1, 0)
    assert row(inv, "2002", SITE_B)["used_by"] is None
    conflict = inv.reconciliations().query("outcome == 'conflict'")
    assert set(conflict["number"]) == {"2002"}
    assert "another number" in conflict["reason"].iloc[0]


def test_a_number_voss_carried_with_its_user_is_none_it_gave_them_instead(inv, reload):
    """VOSS moved alice to Site-B with her 3001: she holds no number she did not hold
    before, so the number numkit gave her is still pending, not given elsewhere."""
    customer = SITE_A.rsplit(".", 1)[0]
    inv.assign("2003", "alice")
    report = reload(inv, export(drop={f"3001,{SITE_A}"}, add=[f"3001,{SITE_B},Used,,alice,"]),
                    users=USERS.replace(f"alice,{SITE_A}", f"alice,{SITE_B}"))
    assert counts(report) == (0, 1, 0, 0)
    assert row(inv, "2003", customer)["used_by"] == "alice"
    assert outcomes(inv) == [("pending", "row_changed", "2003", "alice")]


def test_a_user_onboarded_elsewhere_in_voss_is_a_conflict(inv, reload):
    inv.onboard("new.person", SITE_B, number="2002")
    reload(inv, users=USERS + f"new.person,{SITE_C}\n")
    result = records(inv.reconciliations(), "outcome", "kind", "field")
    assert ("conflict", "user_added", "node") in result
    assert inv.user_status("new.person")["node"] == SITE_C


def test_a_number_given_to_a_user_voss_deleted_is_a_conflict(inv, reload):
    inv.assign("2001", "alice")
    # VOSS deleted alice (and released her number): giving 2001 to her again would break
    # "every used_by names an active user"
    report = reload(inv, export(replace={f"3001,{SITE_A}": f"3001,{SITE_A},Available,,,"}),
                    users=f"Username,Located At\nzed,{SITE_A}\n")
    assert report.conflicts == 1 and report.still_pending == 0
    assert "not an active user" in inv.reconciliations()["reason"][0]
    assert row(inv, "2001", SITE_A)["used_by"] is None
    assert inv.check().empty


def test_a_user_deleted_in_numkit_is_pending_while_voss_has_them_and_applied_after(inv, reload):
    inv.delete_user("alice")
    report = reload(inv)
    assert counts(report) == (0, 2, 0, 0)
    assert inv.user_status("alice")["state"] == "deleted"
    assert row(inv, "3001", SITE_A)["used_by"] is None
    assert len(inv.sql("select * from deleted_users")) == 1
    report = reload(inv, export(replace={f"3001,{SITE_A}": f"3001,{SITE_A},Available,,,"}),
                    users=f"Username,Located At\nzed,{SITE_A}\n")
    assert counts(report) == (2, 0, 0, 0)
    assert len(inv.sql("select * from deleted_users")) == 1
    assert inv.pending_changes().empty


def test_a_user_deletion_voss_cannot_take_while_they_hold_a_number_is_a_conflict(inv, reload):
    inv.delete_user("alice")
    # VOSS has alice holding 3001 and another number: deleting her again would leave 2001
    # used by no active user
    report = reload(inv, export(replace={f"2001,{SITE_A}": f"2001,{SITE_A},Used,,alice,"}))
    assert report.conflicts >= 1
    assert inv.user_status("alice")["state"] == "active"
    assert inv.check().empty


def test_a_move_is_applied_pending_or_a_conflict(inv, reload):
    inv.move_user("alice", SITE_B, policy="carry")
    reload(inv)
    assert inv.user_status("alice")["node"] == SITE_B
    assert {"pending"} == set(inv.reconciliations()["outcome"])
    moved = export(drop={f"3001,{SITE_A}"}, add=[f"3001,{SITE_B},Used,,alice,"])
    # the row at Site-A removed, the row at Site-B added, alice moved
    assert counts(reload(inv, moved, users=f"Username,Located At\nalice,{SITE_B}\n")) == (3, 0, 0, 0)
    assert inv.pending_changes().empty


def test_a_move_voss_made_elsewhere_is_a_conflict(inv, reload):
    inv.move_user("alice", SITE_B, policy="carry")
    reload(inv, users=f"Username,Located At\nalice,{SITE_C}\n")
    user = inv.reconciliations().query("kind == 'user_moved'").iloc[0]
    assert (user["outcome"], user["export_value"]) == ("conflict", SITE_C)
    assert inv.user_status("alice")["node"] == SITE_C


def test_without_a_users_file_user_changes_stay_pending(inv, reload):
    inv.onboard("new.person", SITE_B)
    report = reload(inv, users=None)
    assert counts(report) == (0, 2, 0, 0)
    assert inv.user_status("new.person")["state"] == "active"
    assert set(inv.pending_changes()["kind"]) == {"user_added", "row_changed"}


def test_discarding_drops_every_pending_change_and_keeps_the_events(inv, reload):
    inv.onboard("new.person", SITE_B)
    inv.reserve_for("2001", "bob")
    events = len(inv.events())
    report = reload(inv, pending="discard")
    assert counts(report) == (0, 0, 0, 3)
    assert inv.pending_changes().empty
    assert inv.user_status("new.person")["state"] == "new"     # dropped, not deleted
    assert inv.sql("select * from deleted_users").empty
    assert row(inv, "2001", SITE_A)["reserved_for"] is None
    assert len(inv.events()) == events + 1     # the load's own
    assert set(inv.reconciliations()["outcome"]) == {"discarded"}


def test_an_unknown_pending_choice_is_refused(inv, reload):
    with pytest.raises(numkit.InvalidOperation, match="keep, discard"):
        reload(inv, pending="drop")


def test_a_refused_load_leaves_the_pending_changes_as_they_were(inv, reload):
    inv.reserve_for("2001", "bob")
    before = inv.pending_changes()
    with pytest.raises(numkit.LoadError):
        reload(inv, export(add=["bad number,x,Available,,,"]))
    assert records(inv.pending_changes(), "number", "field", "numkit_value") == \
        records(before, "number", "field", "numkit_value")
    assert inv.reconciliations().empty


def test_the_cli_prints_the_three_counts_and_discards_when_asked(tmp_path):
    from click.testing import CliRunner

    from numkit.cli import main
    db = tmp_path / "inv.duckdb"
    files = {name: write(tmp_path, f"{name}.csv", text)
             for name, text in (("numbers", NUMBERS), ("users", USERS), ("hierarchy", HIERARCHY))}
    args = ["load", str(db), "--numbers", str(files["numbers"]), "--users", str(files["users"]),
            "--hierarchy", str(files["hierarchy"]), "--as-of", str(AS_OF)]
    assert CliRunner().invoke(main, args).exit_code == 0
    with numkit.connect(db) as inv:
        inv.as_of = AS_OF
        inv.reserve_for("2001", "bob")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "0 applied in VOSS, 1 still pending (re-applied), 0 conflicts" in result.output
    result = CliRunner().invoke(main, args + ["--discard-pending"])
    assert result.exit_code == 0, result.output
    assert "1 discarded" in result.output


def test_forgetting_a_reconciling_load_gives_back_every_decision_pending_before_it(inv, reload):
    inv.onboard("new.person", SITE_B)
    inv.add_numbers("5001", SITE_C)
    inv.delete_numbers("2001")
    inv.reserve_for("1003", "bob")
    before = inv.pending_changes()
    rows_before = inv.sql("select * exclude (extra, node_id, number_order, line_hash) from numbers "
                          "order by number, node")
    # VOSS did one, contradicted one; the load is then forgotten (a wrong snapshot date, say)
    reload(inv, export(replace={f"1003,{SITE_A.rsplit('.', 1)[0]}":
                                f"1003,{SITE_A.rsplit('.', 1)[0]},Available,carol,,"},
                       drop={f"2001,{SITE_A}"}))
    assert inv.reconciliations()["outcome"].isin(["conflict"]).any()
    inv.forget_latest_snapshot()
    assert records(inv.pending_changes(), "kind", "number", "node", "field", "voss_value",
                   "numkit_value", "decided_at") == \
        records(before, "kind", "number", "node", "field", "voss_value", "numkit_value",
                "decided_at")
    assert inv.sql("select * exclude (extra, node_id, number_order, line_hash) from numbers "
                   "order by number, node").equals(rows_before)
    assert inv.user_status("new.person")["state"] == "active"
    assert inv.check().empty


def test_both_halves_of_a_carried_row_share_the_fate_of_a_conflict(inv, reload):
    # 3001 carried from Site-A to Site-B; VOSS did nothing, but has its own 3001 at Site-B
    # (sibling sites may share a number): the add conflicts, so the removal must not be
    # re-applied alone (alice's number would be gone from both sites)
    inv.move_user("alice", SITE_B, policy="carry")
    reload(inv, export(add=[f"3001,{SITE_B},Available,,,"]))
    result = inv.reconciliations()
    rows = result[result["number"] == "3001"]
    assert set(rows["outcome"]) == {"conflict"}
    assert row(inv, "3001", SITE_A)["used_by"] == "alice"
    assert inv.check().empty


def test_a_release_made_by_a_deletion_voss_did_not_make_is_a_conflict_with_it(inv, reload):
    inv.delete_user("alice")
    # VOSS kept alice, moved to Site-B, still holding 3001
    reload(inv, users=f"Username,Located At\nalice,{SITE_B}\n")
    assert set(inv.reconciliations()["outcome"]) == {"conflict"}
    assert row(inv, "3001", SITE_A)["used_by"] == "alice"
    assert inv.pending_changes().empty


def test_a_number_numkit_gave_too_is_not_another_number_voss_gave(make_inventory, reload):
    numbers = NUMBERS + f"4001,{SITE_B},Available,erin,,\n4002,{SITE_B},Available,erin,,\n"
    inv = make_inventory(numbers=numbers)
    inv.onboard("erin", SITE_B)
    given = set(inv.pending_changes().query("field == 'used_by'")["number"])
    assert {"4001", "4002"} <= given
    # VOSS onboarded erin with 4001 only; 4002 untouched
    reload(inv, export(numbers, replace={f"4001,{SITE_B}": f"4001,{SITE_B},Used,erin,erin,"}),
           users=USERS + f"erin,{SITE_B}\n")
    outcome = inv.reconciliations().query("number == '4002'")["outcome"]
    assert set(outcome) == {"pending"}


def test_a_user_voss_deleted_is_recorded_at_the_node_voss_had_them(inv, reload):
    inv.move_user("alice", SITE_B, policy="carry")
    reload(inv, export(replace={f"3001,{SITE_A}": f"3001,{SITE_A},Available,,,"}),
           users=f"Username,Located At\nzed,{SITE_A}\n")
    assert inv.sql("select node from deleted_users where username = 'alice'")["node"].tolist() == [SITE_A]


def test_blank_notes_clear_them_as_an_empty_cell_does(inv):
    inv.set_status("2001", "Reserved", notes="old")
    inv.set_status("2001", "Reserved", notes="   ")
    assert row(inv, "2001", SITE_A)["reservation_notes"] is None


def test_discarding_with_nothing_pending_says_none_were_discarded(inv, reload):
    assert reload(inv, pending="discard").describe_reconciliation() == "pending changes: 0 discarded"


def test_a_user_whose_row_a_non_strict_load_rejected_keeps_numkit_s_change_pending(inv, reload):
    inv.move_user("alice", SITE_B, policy="carry")
    report = reload(inv, users=f"Username,Located At\nalice,\nzed,{SITE_A}\n", strict=False)
    user = inv.reconciliations().query("kind == 'user_moved'").iloc[0]
    assert user["outcome"] == "pending"     # the export did not say where VOSS has alice
    assert inv.user_status("alice")["node"] == SITE_B
    assert report.deleted_users == []
    assert not inv.pending_changes().query("kind == 'user_moved'").empty


def test_a_number_row_a_non_strict_load_rejected_keeps_numkit_s_change_pending(inv, reload):
    inv.assign("2001", "alice")
    reload(inv, export(replace={f"2001,{SITE_A}": f"2001,{SITE_A},Availble,,,"}), strict=False)
    assert set(inv.reconciliations()["outcome"]) == {"pending"}
    assert row(inv, "2001", SITE_A)["used_by"] == "alice"
    assert set(inv.pending_changes()["field"]) == {"status", "used_by"}
    assert inv.check().empty


def test_a_row_removed_in_numkit_that_voss_filled_a_field_of_is_a_conflict(inv, reload):
    inv.delete_numbers("2002")
    # VOSS left the row but flagged it for carol: not "unchanged", so not deleted again
    report = reload(inv, export(replace={f"2002,{SITE_B}": f"2002,{SITE_B},Available,carol,,"}))
    assert counts(report) == (0, 0, 1, 0)
    assert row(inv, "2002", SITE_B)["reserved_for"] == "carol"


def test_the_latest_load_is_fixed_at_each_load_and_each_forgetting(inv, reload):
    def latest():
        return inv.sql("select numkit_latest_load() as fixed, (select max(load_id) from loads) "
                       "as loaded").iloc[0].tolist()
    first = latest()
    reload(inv)
    second = latest()
    assert second[0] == second[1] and second[0] > first[0]
    inv.forget_latest_snapshot()
    assert latest() == first


def test_a_load_with_nothing_pending_says_none(tmp_path):
    """Not a line of zeros: a first load, or one after no decision, had nothing pending."""
    from click.testing import CliRunner

    from numkit.cli import main
    from numkit.loading.reconcile import Outcomes
    assert Outcomes().describe() == "none"
    assert Outcomes(conflicts=1).describe() == (
        "0 applied in VOSS, 0 still pending (re-applied), 1 conflict (VOSS decided otherwise)")
    result = CliRunner().invoke(main, ["load", str(tmp_path / "inv.duckdb"), "--numbers",
                                       str(write(tmp_path, "n.csv", NUMBERS)), "--users",
                                       str(write(tmp_path, "u.csv", USERS))])
    assert result.exit_code == 0, result.output
    assert "  pending changes: none" in result.output.splitlines()


def test_a_replaced_number_voss_carried_along_makes_numkit_s_replacement_a_conflict(inv, reload):
    """numkit moved alice to Site-B and replaced her 3001 (released) with a Site-B number;
    VOSS made the move by carrying 3001 along. The number numkit let go is what VOSS chose
    instead: numkit's replacement is a conflict, not re-applied (she would hold two)."""
    moved = inv.move_user("alice", SITE_B)
    given = moved.query("action == 'replace'")["new_number"].iloc[0]
    report = reload(inv, export(drop={f"3001,{SITE_A}"}, add=[f"3001,{SITE_B},Used,,alice,"]),
                    users=USERS.replace(f"alice,{SITE_A}", f"alice,{SITE_B}"))
    assert report.applied == 1 and report.still_pending == 0
    conflict = inv.reconciliations().query("outcome == 'conflict' and number == @given")
    assert "another number" in conflict["reason"].iloc[0]
    assert sorted(records(inv.sql("select number, node from numbers where used_by = 'alice'"),
                          "number", "node")) == [("3001", SITE_B)]
    assert inv.pending_changes().empty


def test_a_replacing_move_voss_has_not_made_stays_pending_whole(inv, reload):
    """The same move, VOSS having done nothing: alice still holds 3001 where she did, which
    is no sign of another choice. The move, the release and the replacement stay pending."""
    moved = inv.move_user("alice", SITE_B)
    given = moved.query("action == 'replace'")["new_number"].iloc[0]
    report = reload(inv)
    assert (report.applied, report.conflicts) == (0, 0) and report.still_pending == 3
    assert records(inv.sql("select number, node from numbers where used_by = 'alice'"),
                   "number", "node") == [(given, SITE_B)]
    assert inv.user_status("alice")["node"] == SITE_B


def test_a_load_without_a_users_file_accepts_a_number_used_by_a_user_numkit_onboarded(
        inv, reload):
    """VOSS did numkit's onboarding, and the next numbers file is loaded alone: the user
    is active in numkit and stays so (without a users file the users stay as they are), so
    the row VOSS gave them is no problem; the rows are applied, the user stays pending."""
    inv.onboard("new.person", SITE_B, number="2002")
    report = reload(inv, export(replace={f"2002,{SITE_B}": f"2002,{SITE_B},Used,,new.person,"}),
                    users=None)
    assert (report.applied, report.still_pending, report.conflicts) == (1, 1, 0)
    assert inv.user_status("new.person")["state"] == "active"
    assert row(inv, "2002", SITE_B)["used_by"] == "new.person"
    assert inv.check().empty
    assert list(inv.pending_changes()["kind"]) == ["user_added"]


def test_changes_put_back_keep_the_export_s_extra_columns(inv, tmp_path):
    """A row numkit carried to another node and a user it moved, both still pending, are put
    back with the export's extra columns, as VOSS has them now (rules R4, R29)."""
    def load(cost_centre, email):
        lines = NUMBERS.splitlines()
        numbers = "\n".join([lines[0] + ",Cost Centre"] + [
            line + "," + (cost_centre if line.startswith("3001,") else "")
            for line in lines[1:]]) + "\n"
        users = USERS.replace("Located At\n", "Located At,Email\n").replace(
            f"alice,{SITE_A}", f"alice,{SITE_A},{email}")
        return inv.load(write(tmp_path, "numbers.csv", numbers),
                        users=write(tmp_path, "users.csv", users),
                        hierarchy=write(tmp_path, "hierarchy.csv", HIERARCHY))

    load("CC-1", "alice@old.example")
    inv.move_user("alice", SITE_B, policy="carry")
    report = load("CC-2", "alice@new.example")      # VOSS has not moved her yet
    assert report.conflicts == 0 and report.still_pending == 3
    assert records(inv.sql("select number, node, used_by, extra->>'Cost Centre' as cost_centre "
                           "from numbers where number = '3001'"),
                   "node", "used_by", "cost_centre") == [(SITE_B, "alice", "CC-2")]
    assert records(inv.sql("select node, extra->>'Email' as email from users "
                           "where username = 'alice'"), "node", "email") == \
        [(SITE_B, "alice@new.example")]
