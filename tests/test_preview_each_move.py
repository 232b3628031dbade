"""preview_each_move gives, for every move, what preview_move gives for it alone."""

import pytest

import itertools

import numkit
from numkit.operations.whatif import conflict_text


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


def one_by_one(inv, moves, policy):
    lines = []
    for username, dest in moves:
        try:
            plan = inv.preview_move(username, dest, policy)
        except numkit.NumkitError as refused:
            lines.append((username, dest, None, None, None, None, None, conflict_text(refused)))
            continue
        lines += [(username, dest, *entry, None) for entry in plan.itertuples(index=False)]
    return lines


def test_each_move_is_previewed_as_on_its_own(database):
    inv = numkit.connect(database)
    inv.as_of = "2026-11-23"
    users = inv.users()["username"].tolist()[:40] + ["nobody.here"]
    sites = inv.sql("select node from nodes where type in ('Site', 'Customer') order by node")["node"].tolist()
    moves = list(itertools.islice(itertools.product(users, sites + ["sys.no.such"]), 0, None, 7))
    assert len(moves) > 50
    for policy in ("replace", "carry"):
        expected = one_by_one(inv, moves, policy)
        got = [tuple(line) for line in inv.preview_each_move(moves, policy).itertuples(index=False)]
        assert got == expected, policy
        outcomes = {line[4] for line in expected} | {line[7] is not None for line in expected}
        assert {"keep", True, False} <= outcomes     # kept numbers, refusals and successes


def test_replacements_come_from_each_moves_own_candidates(database):
    inv = numkit.connect(database)
    inv.as_of = "2026-11-23"
    plan = inv.preview_each_move([("u.okafor", "sys.hcs.Prov-1.Cust-1.Site-C")] * 2)
    # two previews of the same move are independent: the same new numbers both times
    first, second = plan.iloc[: len(plan) // 2], plan.iloc[len(plan) // 2:]
    assert first["new_number"].tolist() == second["new_number"].tolist()


def test_a_movers_own_reservations_replace_first(inv):
    from conftest import SITE_A, SITE_B, SITE_C
    inv.onboard("u", SITE_A, "2001")
    moves = [("u", SITE_B), ("u", SITE_C), ("alice", SITE_B), ("alice", SITE_C)]
    for policy in ("replace", "carry"):
        got = [tuple(line) for line in inv.preview_each_move(moves, policy).itertuples(index=False)]
        assert got == one_by_one(inv, moves, policy)
    replaced = inv.preview_each_move([("u", SITE_B)])
    assert replaced[replaced["action"] == "replace"]["new_number"].tolist() == ["1002"]
