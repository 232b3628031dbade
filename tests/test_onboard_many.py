"""Bulk onboarding gives exactly what onboarding the same users one by one does."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import numkit

from conftest import SITE_A, SITE_B, SITE_C


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


SITES = [SITE_A, SITE_B, SITE_C]
NAMES = ["u", "U2", "ann", "bob", "carol", "dave", "erin", "frank", "gina", "hal"]


def state(inv):
    rows = inv.sql("select number, node, status, reserved_for, used_by, release_date "
                   "from numbers order by number, node").values.tolist()
    users = inv.sql("select username, node from users order by lower(username)").values.tolist()
    events = inv.sql("select action, number, node, username, before::varchar, after::varchar "
                     "from events order by event_id").values.tolist()
    return rows, users, events


def outcome(inv, batch, bulk):
    try:
        if bulk:
            inv.onboard_many(batch)
        else:
            with inv.batch():
                for username, node in batch:
                    inv.onboard(username, node)
        error = None
    except numkit.NumkitError as refused:
        error = type(refused).__name__
    return error, state(inv)


@pytest.mark.model       # 40 random batches, each done twice: about 90 s of the fast tier
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(SITES)), min_size=1, max_size=8))
def test_bulk_equals_one_by_one(make_inventory, batch):
    """make_inventory builds a fresh inventory at each call, so examples do not share one."""
    assert outcome(make_inventory(), batch, bulk=True) == outcome(make_inventory(), batch, bulk=False)


def test_reserved_numbers_come_back_and_others_take_the_next(inv):
    before = len(inv.events())
    given = inv.onboard_many(pd.DataFrame({"username": ["carol", "u"], "node": [SITE_B, SITE_B]}))
    assert given.values.tolist()[0] == ["carol", SITE_B, inv.sql(
        "select number from numbers where used_by = 'carol'")["number"][0]]
    assert set(given[given["username"] == "u"]["number"]) == set(
        inv.sql("select number from numbers where used_by = 'u'")["number"])
    assert inv.check().empty
    actions = inv.events()["action"].iloc[before:].tolist()
    assert actions[0] == "onboard" and actions[1] == "assign"


def test_a_batch_that_runs_out_changes_nothing(inv):
    before = state(inv)
    many = [(f"user{i}", SITE_C) for i in range(200)]
    with pytest.raises(numkit.NoNumberAvailable):
        inv.onboard_many(many)
    assert state(inv) == before


@pytest.mark.parametrize("batch, error", [
    ([("zed", SITE_A), ("ZED", SITE_B)], numkit.UserExists),
    ([("zed", "sys.nowhere")], numkit.UnknownNode),
    ([("alice", SITE_A)], numkit.UserExists),
])
def test_refusals(inv, batch, error):
    before = state(inv)
    with pytest.raises(error):
        inv.onboard_many(batch)
    assert state(inv) == before


def test_a_refusal_after_changes_inside_a_batch_undoes_the_batch(inv):
    """The second chosen number cannot be given after the first user is onboarded: the
    caller catches the refusal and goes on, but the batch cannot be committed half done."""
    before = state(inv)
    free = inv.available_numbers("zed", SITE_B, limit=1)["number"][0]
    with pytest.raises(numkit.InvalidOperation, match="refused after it had changed rows "
                                                      r"\(NotAssignable: .*nothing changed"):
        with inv.batch():
            with pytest.raises(numkit.NotAssignable):
                inv.onboard_many([("zed", SITE_B, free), ("yan", SITE_B, "99999")])
            inv.add_numbers("4242", SITE_B)
    assert state(inv) == before
    assert inv.active_user("zed") is None


def test_a_refusal_before_any_change_inside_a_batch_lets_it_go_on(inv):
    with inv.batch():
        with pytest.raises(numkit.UserExists):
            inv.onboard_many([("alice", SITE_A)])
        inv.add_numbers("4242", SITE_B)
    assert inv.rows_of(["4242"], SITE_B)


def test_chosen_numbers_are_taken_in_order(inv):
    free = inv.available_numbers("zed", SITE_B, limit=1)["number"][0]
    given = inv.onboard_many(pd.DataFrame({"username": ["zed", "yan"], "node": [SITE_B, SITE_B],
                                           "number": [free, None]}))
    assert given["number"][0] == free and given["number"][1] != free


@pytest.mark.parametrize("name", ["İpek", "ΟΔΥΣΣΕΑΣ"])
def test_usernames_compare_as_the_sql_rules_compare_them(make_inventory, name):
    """Python's str.lower() and DuckDB's lower() differ on `İ` and a final `Σ`: the bulk paths
    find users and their reservations as onboard and preview_move do."""
    numbers = ("Internal Number,Located At,Status,Reserved For,Used By\n"
               f"1001,{SITE_A},Available,,\n1002,{SITE_A},Available,,\n"
               f"1005,{SITE_A},Available,{name},\n1006,{SITE_A},Used,,{name}\n"
               f"2001,{SITE_B},Available,,\n")
    inv = make_inventory(numbers=numbers, users=f"Username,Located At\n{name},{SITE_A}\n")
    with pytest.raises(numkit.UserExists):
        inv.onboard(name, SITE_A)
    with pytest.raises(numkit.UserExists):
        inv.onboard_many([(name, SITE_A)])
    each = inv.preview_each_move([(name, SITE_B)])
    assert each["refused"].isna().all()
    assert each["action"].tolist() == inv.preview_move(name, SITE_B)["action"].tolist()
    inv.delete_user(name)
    assert inv.onboard_many([(name, SITE_A)])["number"].tolist() == ["1005"]   # reserved for them
    with pytest.raises(numkit.InvalidOperation, match="is used by"):
        inv.reserve_for("1005", "someone else")
    assert inv.reserve_for("1005", name) is not None
    assert inv.check().empty
