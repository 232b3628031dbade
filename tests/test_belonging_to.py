"""Numbers belonging to a subscriber (rules R11)."""

import pytest

from conftest import SITE_A, SITE_B, numbers_of, records


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def test_without_node_every_row_reserved_for_the_user(inv):
    assert numbers_of(inv.belonging_to("U")) == ["1001", "1002", "1003"]


def test_rows_of_any_status_with_assignable_marked(make_inventory):
    inv = make_inventory(numbers=HEADER + f"7000,{SITE_A},Cooling,u,,\n7001,{SITE_A},Available,u,,\n",
                         users=None)
    rows = inv.belonging_to("u", SITE_A)
    assert records(rows, "number", "assignable", "reason") == [
        ("7000", False, "not_available"), ("7001", True, None)]


def test_only_rows_visible_from_the_node(inv):
    assert numbers_of(inv.belonging_to("u", SITE_B)) == ["1002", "1003"]


def test_macro_with_null_node(inv):
    assert numbers_of(inv.sql("select number from belonging_to('u', null)")) == ["1001", "1002", "1003"]
