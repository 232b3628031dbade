from conftest import CUST1, SITE_A, SITE_B, SITE_C, numbers_of


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
