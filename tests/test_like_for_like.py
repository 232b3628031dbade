"""A replacing move replaces like for like: a number written with `+` by one written with
`+`, any other by one without (docs/rules.md#r17-move-user)."""

import re

import pytest

import numkit

from conftest import CUST1, NUMBERS, SITE_A, SITE_B, USERS, records


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


# mo at Site-A holds an extension and two London DIDs; Site-B offers the seed's extensions
# (2002, and 2003 at Cust-1) and two DIDs, which come after them in number order.
DID = "+44207946"
MOVER = NUMBERS + f"""\
4001,{SITE_A},Used,,mo,
{DID}0001,{SITE_A},Used,,mo,
{DID}0002,{SITE_A},Used,,mo,
{DID}0100,{SITE_B},Available,,,
{DID}0101,{CUST1},Available,,,
"""
MOVERS = USERS + f"mo,{SITE_A}\n"

LIKE_FOR_LIKE = [("4001", "replace", "2002"),
                 (f"{DID}0001", "replace", f"{DID}0100"),
                 (f"{DID}0002", "replace", f"{DID}0101")]


@pytest.fixture
def mover(make_inventory):
    return make_inventory(numbers=MOVER, users=MOVERS)


def state(inv):
    return (inv.sql("select * exclude (extra) from numbers order by number, node").values.tolist(),
            inv.sql("select * from users order by username").values.tolist(),
            len(inv.events()))


def test_each_released_number_takes_a_candidate_of_its_own_form(mover):
    assert records(mover.preview_move("mo", SITE_B), "number", "action", "new_number") == LIKE_FOR_LIKE


def test_the_move_does_what_the_preview_said(mover):
    preview = mover.preview_move("mo", SITE_B)
    assert mover.move_user("mo", SITE_B).equals(preview)
    held = mover.sql("select number from numbers where used_by = 'mo'")["number"]
    assert sorted(held) == sorted(new for _, _, new in LIKE_FOR_LIKE)


def test_previews_of_many_moves_agree(mover):
    each = mover.preview_each_move([("mo", SITE_B)])
    assert records(each, "number", "action", "new_number") == LIKE_FOR_LIKE
    in_turn = mover.preview_moves([("mo", SITE_B)])
    assert records(in_turn[in_turn["action"] == "replace"], "number", "action",
                   "new_number") == LIKE_FOR_LIKE


def test_the_users_own_reservation_comes_first_within_its_form(make_inventory):
    inv = make_inventory(numbers=MOVER + f"{DID}0900,{SITE_B},Available,mo,,\n", users=MOVERS)
    assert records(inv.preview_move("mo", SITE_B), "number", "new_number") == [
        ("4001", "2002"), (f"{DID}0001", f"{DID}0900"), (f"{DID}0002", f"{DID}0100")]


@pytest.mark.parametrize("gone, form", [
    (f"{DID}0101", "written with +"),       # one DID left for two
    ("2002", "without +"),                  # with 2003 gone too, no extension for 4001
])
def test_too_few_of_a_form_fails_naming_it_and_changes_nothing(make_inventory, gone, form):
    numbers = "".join(line + "\n" for line in MOVER.splitlines()
                      if not line.startswith((gone + ",", "2003,")))
    inv = make_inventory(numbers=numbers, users=MOVERS)
    before = state(inv)
    named = re.escape(f"{form} at {SITE_B}")
    with pytest.raises(numkit.NoNumberAvailable, match=named):
        inv.preview_move("mo", SITE_B)
    with pytest.raises(numkit.NoNumberAvailable, match=named):
        inv.move_user("mo", SITE_B)
    assert state(inv) == before
    refused = inv.preview_each_move([("mo", SITE_B)])["refused"].tolist()
    assert len(refused) == 1 and form in refused[0]


def test_plenty_of_the_other_form_does_not_make_up_for_one(make_inventory):
    # two extensions and three DIDs free, three extensions needed
    numbers = MOVER + f"4002,{SITE_A},Used,,mo,\n4003,{SITE_A},Used,,mo,\n{DID}0102,{SITE_B},Available,,,\n"
    inv = make_inventory(numbers=numbers, users=MOVERS)
    with pytest.raises(numkit.NoNumberAvailable, match="3 number\\(s\\) without \\+"):
        inv.move_user("mo", SITE_B)
