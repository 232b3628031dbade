"""Onboarding a user (rules R13; usernames, rules R5)."""

import pytest

import numkit

from conftest import CUST1, SITE_A, SITE_B, SITE_C, row


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def test_gets_every_assignable_reserved_number_visible(inv):
    assert inv.onboard("u", SITE_B) == ["1002", "1003"]
    assert row(inv, "1002", SITE_B)["used_by"] == "u"
    assert row(inv, "1001", SITE_A)["used_by"] is None     # not visible from Site-B


def test_without_reservations_gets_the_next_available(inv):
    assert inv.onboard("bob", SITE_C) == ["2003"]


def test_assigning_sets_used_and_keeps_the_flag(inv):
    inv.onboard("u", SITE_C)
    stored = row(inv, "1003", CUST1)
    assert (stored["status"], stored["used_by"], stored["reserved_for"]) == ("Used", "u", "u")


def test_with_a_number_assigns_only_that_number(inv):
    assert inv.onboard("u", SITE_B, number="2002") == ["2002"]
    assert row(inv, "1002", SITE_B)["used_by"] is None


def test_with_a_number_not_assignable(inv):
    with pytest.raises(numkit.NotAssignable) as refused:
        inv.onboard("bob", SITE_B, number="1002")
    assert refused.value.reason == "reserved_for_other"
    assert inv.active_user("bob") is None


def test_with_a_number_without_row(inv):
    with pytest.raises(numkit.NotAssignable) as refused:
        inv.onboard("bob", SITE_B, number="8888")
    assert refused.value.reason == "unknown_number"


def test_no_candidate_fails_and_creates_no_user(make_inventory):
    inv = make_inventory(numbers=HEADER + f"1,{SITE_A},Used,,,\n2,{SITE_B},Available,,,\n", users=None)
    with pytest.raises(numkit.NoNumberAvailable):
        inv.onboard("bob", SITE_A)
    assert inv.active_user("bob") is None
    assert inv.events()["action"].tolist() == ["load"]


def test_active_user_cannot_be_onboarded_again(inv):
    with pytest.raises(numkit.UserExists):
        inv.onboard("ALICE", SITE_A)


def test_unknown_node(inv):
    with pytest.raises(numkit.UnknownNode):
        inv.onboard("bob", f"{CUST1}.Site-Z")


def test_empty_username_is_refused(inv):
    with pytest.raises(numkit.InvalidOperation):
        inv.onboard("  ", SITE_A)


def test_deleted_user_onboarded_again_gets_the_reserved_numbers_back(inv):
    inv.reserve_for("3001", "alice")
    inv.delete_user("alice")
    assert row(inv, "3001", SITE_A)["reserved_for"] == "alice"
    inv.onboard("bob", SITE_A)
    assert row(inv, "3001", SITE_A)["used_by"] is None      # bob cannot take it
    assert inv.onboard("Alice", SITE_A) == ["3001"]
    assert len(inv.sql("select * from deleted_users where username = 'alice'")) == 1


def test_username_is_stored_as_given_trimmed(inv):
    inv.onboard("  Bob.Smith ", SITE_B)
    assert inv.active_user("bob.smith") == {"username": "Bob.Smith", "node": SITE_B}
