"""Moving a user, and its preview (rules R17)."""

import pytest

import numkit

from conftest import CUST1, SITE_A, SITE_B, SITE_C, SITE_D, records, row


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"
MOVER = HEADER + f"""\
100,{SITE_A},Used,,mo,
101,{SITE_A},Used,mo,mo,
150,{CUST1},Used,,mo,
102,{SITE_A},Available,mo,,
200,{SITE_B},Available,,,
201,{SITE_B},Available,,,
202,{SITE_B},Available,mo,,
300,{SITE_D},Available,,,
"""
MOVER_USERS = f"Username,Located At\nmo,{SITE_A}\n"


@pytest.fixture
def mover(make_inventory):
    return make_inventory(numbers=MOVER, users=MOVER_USERS)


def test_preview_lists_each_number_and_changes_nothing(mover):
    before = mover.sql("select * from numbers order by number, node")
    plan = mover.preview_move("mo", SITE_B)
    assert records(plan, "number", "action", "new_number") == [
        ("150", "keep", None),
        ("100", "replace", "202"),     # released rows in number order take candidates in order
        ("101", "replace", "200"),
        ("102", "stranded", None),
    ]
    assert mover.sql("select * from numbers order by number, node").equals(before)
    assert mover.active_user("mo")["node"] == SITE_A


def test_move_replace_does_what_the_preview_said(mover):
    preview = mover.preview_move("mo", SITE_B)
    done = mover.move_user("mo", SITE_B)
    assert done.equals(preview)
    assert mover.active_user("mo")["node"] == SITE_B
    assert sorted(mover.sql("select number from numbers where used_by = 'mo'")["number"]) == ["150", "200", "202"]
    released = row(mover, "101", SITE_A)
    assert (released["status"], released["used_by"], released["reserved_for"]) == ("Available", None, "mo")


def test_move_replace_uses_the_cooling_days_setting(mover):
    mover.settings["cooling_days"] = 4
    mover.move_user("mo", SITE_B)
    assert row(mover, "100", SITE_A)["status"] == "Cooling"


def test_move_stranded_reservations_keep_their_flag(mover):
    mover.move_user("mo", SITE_B)
    assert row(mover, "102", SITE_A)["reserved_for"] == "mo"
    stranded = mover.stranded_reservations()
    assert "102" in set(stranded["number"])


def test_move_fails_when_candidates_run_short(mover):
    with pytest.raises(numkit.NoNumberAvailable):
        mover.move_user("mo", SITE_C)
    with pytest.raises(numkit.NoNumberAvailable):
        mover.preview_move("mo", SITE_C)
    assert mover.active_user("mo")["node"] == SITE_A
    assert row(mover, "100", SITE_A)["used_by"] == "mo"


def test_move_carry_takes_the_rows_along(mover):
    plan = mover.move_user("mo", SITE_C, policy="carry")
    assert records(plan, "number", "action", "new_node") == [
        ("150", "keep", None), ("100", "carry", SITE_C), ("101", "carry", SITE_C),
        ("102", "stranded", None)]
    assert row(mover, "100", SITE_C)["used_by"] == "mo"
    assert row(mover, "100", SITE_A) is None


def test_move_carry_refused_when_it_breaks_uniqueness(make_inventory):
    inv = make_inventory(numbers=MOVER + f"100,{SITE_C},Available,,,\n", users=MOVER_USERS)
    with pytest.raises(numkit.MoveRefused):
        inv.move_user("mo", SITE_C, policy="carry")
    assert row(inv, "100", SITE_A)["used_by"] == "mo"


def test_move_carry_refused_when_two_carried_rows_share_a_number(make_inventory):
    """The user holds one number at two sibling sites: carried, both rows would land at
    the destination, the same number twice at one node."""
    inv = make_inventory(numbers=MOVER + f"100,{SITE_B},Used,,mo,\n", users=MOVER_USERS)
    with pytest.raises(numkit.MoveRefused, match=f"carrying 100 from {SITE_A} and from {SITE_B}"):
        inv.preview_move("mo", SITE_C, policy="carry")
    with pytest.raises(numkit.MoveRefused, match="twice"):
        inv.move_user("mo", SITE_C, policy="carry")
    assert row(inv, "100", SITE_A)["used_by"] == "mo" and row(inv, "100", SITE_B)["used_by"] == "mo"
    assert inv.check().empty
    refused = inv.preview_each_move([("mo", SITE_C)], policy="carry")
    assert refused["refused"].notna().all()


def test_move_across_customers_is_refused(mover):
    with pytest.raises(numkit.MoveRefused, match="customer"):
        mover.preview_move("mo", SITE_D)
    with pytest.raises(numkit.MoveRefused):
        mover.move_user("mo", SITE_D)


def test_move_to_the_same_node_keeps_everything(mover):
    plan = mover.move_user("mo", SITE_A)
    assert records(plan, "number", "action") == [("100", "keep"), ("101", "keep"), ("150", "keep")]


def test_numbers_below_the_destination_are_not_visible_from_it(mover):
    """Moving up from Site-A to Cust-1: Site-A rows are descendants, so they must go."""
    with pytest.raises(numkit.NoNumberAvailable, match="needs 2"):
        mover.preview_move("mo", CUST1)


def test_unknown_policy(mover):
    with pytest.raises(numkit.InvalidOperation):
        mover.preview_move("mo", SITE_B, policy="teleport")


def test_a_rehearsal_sees_its_own_changes_and_leaves_nothing(database):
    inv = numkit.connect(database)
    before = [inv.sql(f"select * from {t}") for t in ("numbers", "users", "events")]
    with inv.rehearsal():
        inv.onboard("rehearsed.user", "sys.hcs.Prov-1.Cust-1.Site-B")
        assert inv.user_status("rehearsed.user")["state"] == "active"
    assert inv.user_status("rehearsed.user")["state"] == "new"
    after = [inv.sql(f"select * from {t}") for t in ("numbers", "users", "events")]
    assert all(a.equals(b) for a, b in zip(before, after))


def test_the_log_shows_each_operation_of_a_batch_or_rehearsal_as_it_ends(database):
    inv = numkit.connect(database)
    logged_before = len(inv.events())
    with inv.rehearsal():
        inv.onboard("rehearsed.user", "sys.hcs.Prov-1.Cust-1.Site-B")
        rehearsed = inv.events().iloc[logged_before:]
        assert "rehearsed.user" in set(rehearsed["username"])
    assert len(inv.events()) == logged_before
    with inv.batch():
        inv.onboard("batched.user", "sys.hcs.Prov-1.Cust-1.Site-B")
        batched = inv.events().iloc[logged_before:]
        assert "batched.user" in set(batched["username"])
        inv.onboard("second.user", "sys.hcs.Prov-1.Cust-1.Site-B")
    logged = inv.events().iloc[logged_before:]
    assert list(logged["username"].drop_duplicates()) == ["batched.user", "second.user"]


def test_a_rehearsal_cannot_hide_inside_a_batch(inv):
    with inv.batch(), pytest.raises(numkit.InvalidOperation):
        with inv.rehearsal():
            pass
