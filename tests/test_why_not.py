"""Why-not reason codes, in their order (rules R10)."""

import pytest

from conftest import CUST1, SITE_A, SITE_B, SITE_D


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def test_assignable_number_has_no_reason(inv):
    assert inv.why_not("2002", "bob", SITE_B) is None
    assert inv.why_not("1002", "u", SITE_B) is None


def test_unknown_number(inv):
    assert inv.why_not("9999", "bob", SITE_B) == "unknown_number"


def test_not_visible_from_a_sibling_site(inv):
    assert inv.why_not("2001", "bob", SITE_B) == "not_visible"


def test_not_visible_across_customers(inv):
    assert inv.why_not("2003", "bob", SITE_D) == "not_visible"
    assert inv.why_not("1001", "bob", SITE_D) is None   # Cust-2's own 1001


def test_reserved_for_other(inv):
    assert inv.why_not("1002", "bob", SITE_B) == "reserved_for_other"


def test_not_available(inv):
    assert inv.why_not("3001", "bob", SITE_A) == "not_available"


def test_reserved_for_other_comes_before_not_available(make_inventory):
    inv = make_inventory(numbers=HEADER + f"7000,{SITE_A},Cooling,u,,\n", users=None)
    assert inv.why_not("7000", "bob", SITE_A) == "reserved_for_other"
    assert inv.why_not("7000", "u", SITE_A) == "not_available"


def test_why_not_in_sql(inv):
    assert inv.store.scalar(f"select why_not('\\+1002', 'bob', '{SITE_B}')") == "unknown_number"
    assert inv.store.scalar(f"select why_not('1002', 'bob', '{SITE_B}')") == "reserved_for_other"
    assert inv.store.scalar(f"select why_not('2003', 'bob', '{CUST1}')") is None
