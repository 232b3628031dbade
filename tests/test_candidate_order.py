"""The candidate_order setting: number order, or the nearest node's rows first
(docs/rules.md#r9-candidates-and-next-available), followed everywhere candidates are taken."""

import pandas as pd
import pytest

import numkit

from conftest import CUST1, NUMBERS, SITE_A, SITE_B, SITE_C, USERS, numbers_of, records


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


# The seed, with a free number and one reserved for u at Cust-1 whose numbers come before
# Site-B's own: number order and nearest first then differ.
NEAR = NUMBERS + f"""\
1000,{CUST1},Available,u,,
1500,{CUST1},Available,,,
"""


@pytest.fixture
def near(make_inventory):
    return make_inventory(numbers=NEAR)


def nearest(inv):
    inv.settings["candidate_order"] = "nearest"
    return inv


def test_the_default_is_number_order(near):
    assert near.settings["candidate_order"] == "number"
    assert numbers_of(near.available_numbers("jdoe", SITE_B)) == ["1500", "2002", "2003"]


def test_nearest_puts_the_nodes_own_rows_first_then_its_parents(near):
    nearest(near)
    assert records(near.available_numbers("jdoe", SITE_B), "number", "node", "distance",
                   "position") == [("2002", SITE_B, 0, 1), ("1500", CUST1, 1, 2),
                                   ("2003", CUST1, 1, 3)]


def test_nearest_keeps_the_users_own_reservations_first(near):
    nearest(near)
    assert numbers_of(near.available_numbers("u", SITE_B)) == ["1002", "1000", "1003", "2002",
                                                              "1500", "2003"]
    near.settings["candidate_order"] = "number"    # switched back: number order again
    assert numbers_of(near.available_numbers("u", SITE_B)) == ["1000", "1002", "1003", "1500",
                                                              "2002", "2003"]


def test_the_first_candidates_are_the_same_with_a_limit(near):
    nearest(near)
    assert numbers_of(near.available_numbers("jdoe", SITE_B, limit=2)) == ["2002", "1500"]


def test_next_available_follows_the_setting(near):
    assert near.next_available("jdoe", SITE_B) == "1500"
    assert nearest(near).next_available("jdoe", SITE_B) == "2002"


def test_a_node_without_rows_of_its_own_takes_its_parents(near):
    assert numbers_of(nearest(near).available_numbers("jdoe", SITE_C)) == ["1500", "2003"]


@pytest.mark.parametrize("value", ["Nearest", "distance", "", None, 1])
def test_any_other_value_is_refused_and_changes_nothing(near, value):
    with pytest.raises(numkit.InvalidOperation, match="candidate_order"):
        near.settings["candidate_order"] = value
    assert near.settings["candidate_order"] == "number"


def test_deleting_the_setting_puts_number_order_back(near):
    nearest(near)
    del near.settings["candidate_order"]
    assert near.settings["candidate_order"] == "number"
    assert near.next_available("jdoe", SITE_B) == "1500"


def test_onboard_gives_the_nearest_next_available(near):
    assert nearest(near).onboard("jdoe", SITE_B) == ["2002"]


def test_onboard_gives_the_reserved_numbers_nearest_first(near):
    assert nearest(near).onboard("u", SITE_B) == ["1002", "1000", "1003"]


def test_bulk_onboarding_gives_what_onboarding_one_by_one_gives(make_inventory):
    batch = [("jdoe", SITE_B), ("kim", SITE_B), ("lee", SITE_C), ("u", SITE_B), ("max", SITE_A)]
    one_by_one = nearest(make_inventory(numbers=NEAR))
    given = [(u, n, number) for u, n in batch for number in one_by_one.onboard(u, n)]
    bulk = nearest(make_inventory(numbers=NEAR))
    frame = bulk.onboard_many(pd.DataFrame(batch, columns=["username", "node"]))
    assert records(frame, "username", "node", "number") == given
    assert given[:3] == [("jdoe", SITE_B, "2002"), ("kim", SITE_B, "1500"), ("lee", SITE_C, "2003")]


MOVER = NUMBERS + f"""\
1500,{CUST1},Available,,,
4001,{SITE_A},Used,,mo,
"""
MOVERS = USERS + f"mo,{SITE_A}\n"


def test_a_replacing_move_takes_the_nearest_candidate(make_inventory):
    inv = nearest(make_inventory(numbers=MOVER, users=MOVERS))
    assert records(inv.preview_move("mo", SITE_B), "number", "action", "new_number") == [
        ("4001", "replace", "2002")]
    assert records(inv.move_user("mo", SITE_B), "number", "action", "new_number") == [
        ("4001", "replace", "2002")]


def test_previews_of_many_moves_take_the_nearest_candidate(make_inventory):
    inv = nearest(make_inventory(numbers=MOVER, users=MOVERS))
    each = inv.preview_each_move([("mo", SITE_B)])
    assert records(each, "number", "action", "new_number") == [("4001", "replace", "2002")]
    in_turn = inv.preview_moves([("mo", SITE_B)])
    assert list(in_turn.loc[in_turn["action"] == "replace", "new_number"]) == ["2002"]
    inv.settings["candidate_order"] = "number"
    each = inv.preview_each_move([("mo", SITE_B)])
    assert records(each, "number", "action", "new_number") == [("4001", "replace", "1500")]


def test_the_setting_is_read_as_a_constant(near):
    """available_numbers reads numkit_candidate_order() as a constant, fixed whenever the
    setting is written (a subquery reading `settings` cost a tenth of each question)."""
    def definition():
        return near.con.execute(
            "select macro_definition from duckdb_functions() "
            "where function_name = 'numkit_candidate_order'").fetchall()[0][0]
    assert "settings" not in definition() and "number" in definition()
    nearest(near)
    assert "settings" not in definition() and "nearest" in definition()
    assert near.next_available("jdoe", SITE_B) == "2002"
    del near.settings["candidate_order"]
    assert "nearest" not in definition()
    assert near.next_available("jdoe", SITE_B) == "1500"
