"""Which rows a node sees (rules R8)."""

import pytest

from conftest import CUST1, SITE_A, SITE_B, SITE_C, numbers_of


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


def test_seed_example_from_site_b(inv):
    """From Site-B, u sees the numbers reserved at Site-B and at Cust-1, not Site-A's."""
    assert numbers_of(inv.belonging_to("u", SITE_B)) == ["1002", "1003"]


def test_seed_example_from_site_c(inv):
    """From Site-C only the Cust-1 number is visible."""
    assert numbers_of(inv.belonging_to("u", SITE_C)) == ["1003"]


def test_sibling_sites_are_never_visible(inv):
    visible = inv.sql(f"select number, node from visible_numbers('{SITE_B}')")
    assert SITE_A not in set(visible["node"]) and SITE_C not in set(visible["node"])


def test_descendants_are_not_visible_from_the_customer(inv):
    visible = inv.sql(f"select distinct node from visible_numbers('{CUST1}')")
    assert list(visible["node"]) == [CUST1]


def test_distance_counts_levels_up(inv):
    candidates = inv.available_numbers("u", SITE_B)
    assert dict(zip(candidates["number"], candidates["distance"])) == {
        "1002": 0, "1003": 1, "2002": 0, "2003": 1}


def test_visible_rows_are_the_rows_of_numbers_effective_at_the_node_and_its_ancestors(inv):
    # visible_numbers computes numbers_effective's columns itself (for speed): they must agree
    inv.set_status("2002", "Cooling", days=3)
    for node in (SITE_B, CUST1):
        visible = inv.sql(f"select * exclude (distance) from visible_numbers('{node}') "
                          "order by number, node")
        expected = inv.sql("select * from numbers_effective where node in "
                           f"(select ancestor from ancestors_of('{node}')) order by number, node")
        assert list(visible.columns) == list(expected.columns)
        assert visible.astype(object).values.tolist() == expected.astype(object).values.tolist()
        assert not visible.empty
