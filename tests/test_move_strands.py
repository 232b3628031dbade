"""What a move strands, and the API the panels use instead of SQL of their own."""

import pandas as pd
import pytest

import numkit
from numkit.operations.moves import OneMove

from conftest import SITE_A, SITE_B, SITE_C, records
from test_move import MOVER, MOVER_USERS


def test_stranded_by_move_lists_a_replaced_row_still_reserved_for_the_mover(make_inventory):
    """101 is used by and reserved for mo: replaced, it is released with its flag, which
    the destination cannot see; 102 is reserved for mo and left behind."""
    inv = make_inventory(numbers=MOVER, users=MOVER_USERS)
    strands = inv.stranded_by_move("mo", SITE_B)
    assert records(strands, "number", "node", "action") == [
        ("101", SITE_A, "replace"), ("102", SITE_A, "stranded")]
    inv.move_user("mo", SITE_B)
    now = inv.stranded_reservations()
    assert sorted(zip(now["number"], now["node"])) == sorted(zip(strands["number"], strands["node"]))


def test_a_carried_row_reserved_for_the_mover_is_not_stranded(make_inventory):
    """101 goes along to Site-C; 102 is left behind; 202 (Site-B) was stranded before the
    move and still is after it."""
    inv = make_inventory(numbers=MOVER, users=MOVER_USERS)
    assert records(inv.stranded_by_move("mo", SITE_C, policy="carry"), "number", "action",
                   "already_stranded") == [("102", "stranded", False), ("202", None, True)]


def test_a_preview_with_its_strands_plans_the_move_once(make_inventory, monkeypatch):
    """The panel shows both: one plan answers both, as each answers on its own."""
    inv = make_inventory(numbers=MOVER, users=MOVER_USERS)
    alone = inv.preview_move("mo", SITE_B), inv.stranded_by_move("mo", SITE_B)
    plans = []
    plan_rows = OneMove.plan_rows
    monkeypatch.setattr(OneMove, "plan_rows", lambda self, *args: plans.append(args)
                        or plan_rows(self, *args))
    plan, strands = inv.preview_move_with_strands("mo", SITE_B)
    assert len(plans) == 1
    pd.testing.assert_frame_equal(plan, alone[0])
    pd.testing.assert_frame_equal(strands, alone[1])


def test_stranded_by_move_of_a_refused_move_raises_as_the_preview_does(make_inventory):
    inv = make_inventory(numbers=MOVER, users=MOVER_USERS)
    try:
        inv.stranded_by_move("mo", SITE_C)
    except numkit.NoNumberAvailable:
        return
    raise AssertionError("NoNumberAvailable not raised")


def test_rows_seen_from_a_node_say_whose_they_are(database):
    """1004 has rows at Cust-1 and Cust-2: from Site-B only Cust-1's is seen; 1002 is held
    for u.okafor, so for anyone else it is held for another."""
    inv = numkit.connect(database)
    site_b = "sys.hcs.Prov-1.Cust-1.Site-B"
    seen = inv.rows_seen_from(site_b, ["1004", "1002", "+441154960010"], "someone.else")
    assert records(seen, "number", "node", "reserved_for", "held_for_other") == [
        ("1002", "sys.hcs.Prov-1.Cust-1", "u.okafor", True),
        ("1004", "sys.hcs.Prov-1.Cust-1", None, False)]
    assert seen[seen["number"] == "1002"]["held_for_other"].tolist() == [True]
    mine = inv.rows_seen_from(site_b, ["1002"], "U.OKAFOR")
    assert mine["held_for_other"].tolist() == [False]


def test_rows_seen_from_read_one_number_or_a_range_as_every_operation_does(database):
    inv = numkit.connect(database)
    cust_1 = "sys.hcs.Prov-1.Cust-1"
    listed = inv.rows_seen_from(cust_1, ["1011", "1012", "1013"])
    assert list(listed["number"]) == ["1011", "1012", "1013"]
    for numbers in ("1011-1013", ("1011", "1013")):
        assert records(inv.rows_seen_from(cust_1, numbers), "number", "node") == \
            records(listed, "number", "node")
    assert list(inv.rows_seen_from(cust_1, "1012")["number"]) == ["1012"]
    with pytest.raises(numkit.InvalidOperation, match="not a number"):
        inv.rows_seen_from(cust_1, ["10x2"])


def test_users_can_be_asked_for_the_first_few(database):
    inv = numkit.connect(database)
    every = inv.users()
    first = inv.users(limit=3)
    assert first["username"].tolist() == every["username"].head(3).tolist()


def test_moves_previewed_in_order_change_nothing_and_apply_does_them(database):
    inv = numkit.connect(database)
    inv.as_of = "2026-11-23"
    moves = [("k.brown", "sys.hcs.Prov-1.Cust-1.Site-C"), ("nobody.here", "sys.hcs.Prov-1.Cust-1.Site-C")]
    before = inv.users()
    previewed = inv.preview_moves(moves)
    assert inv.users().equals(before)
    assert previewed["conflict"].notna().tolist()[-1] is True
    done = inv.apply_moves(moves[:1])
    assert done.drop(columns="conflict").equals(
        previewed[previewed["step"] == 1].drop(columns="conflict").reset_index(drop=True))
    assert inv.active_user("k.brown")["node"] == "sys.hcs.Prov-1.Cust-1.Site-C"
