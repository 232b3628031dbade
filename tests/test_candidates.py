"""Assignable numbers, candidates and next available (rules R9; Reserved For, rules R3)."""

import pytest

import numkit

from conftest import CUST1, SITE_A, SITE_B, SITE_C, numbers_of


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def test_own_reservations_come_first_then_number_order(inv):
    assert numbers_of(inv.available_numbers("u", SITE_B)) == ["1002", "1003", "2002", "2003"]


def test_numbers_reserved_for_others_are_never_candidates(inv):
    assert numbers_of(inv.available_numbers("bob", SITE_B)) == ["2002", "2003"]


def test_usernames_compare_case_insensitively(inv):
    assert numbers_of(inv.available_numbers("U", SITE_C)) == ["1003", "2003"]


def test_only_available_rows_are_candidates(make_inventory):
    rows = "".join(f"{n},{SITE_A},{s},,,\n" for n, s in [
        ("1", "Used"), ("2", "Used-Utility"), ("3", "Reserved"), ("4", "Cooling"),
        ("5", "Inactive"), ("6", "Available")])
    inv = make_inventory(numbers=HEADER + rows, users=None)
    assert numbers_of(inv.available_numbers("x", SITE_A)) == ["6"]


def test_next_available_is_the_first_candidate_then_the_next(inv):
    """NetBox's pattern: assert the first free one, take it, assert the next."""
    inv.onboard("bob", SITE_B)
    assert inv.sql("select number from numbers where used_by = 'bob'")["number"].tolist() == ["2002"]
    assert inv.next_available("carol", SITE_B) == "2003"
    inv.onboard("carol", SITE_B)
    assert inv.next_available("dave", SITE_B) is None


def test_positions_are_numbered_from_one(inv):
    assert list(inv.available_numbers("u", SITE_B)["position"]) == [1, 2, 3, 4]


def test_sql_macro_matches_the_python_api(inv):
    in_sql = inv.sql(f"select number from available_numbers('u', '{SITE_B}')")
    assert numbers_of(in_sql) == numbers_of(inv.available_numbers("u", SITE_B))


def test_unknown_node_raises(inv):
    with pytest.raises(numkit.UnknownNode, match=r"^no node '.*\.Nowhere' in the hierarchy$"):
        inv.available_numbers("u", f"{CUST1}.Nowhere")


def test_an_unknown_node_names_the_nodes_it_may_mean(inv):
    """A site's last segments, or its path in another case: the refusal names the path."""
    for typed in ("Site-B", "cust-1.site-b", SITE_B.upper()):
        with pytest.raises(numkit.UnknownNode, match=rf"; did you mean {SITE_B}\?$"):
            inv.available_numbers("u", typed)
    with pytest.raises(numkit.UnknownNode, match=r"^no node 'Site_B' in the hierarchy$"):
        inv.available_numbers("u", "Site_B")    # `_` is no wildcard


def test_an_unknown_node_of_an_empty_inventory_says_nothing_was_loaded(tmp_path):
    typo = tmp_path / "sampel.duckdb"
    with numkit.connect(typo) as empty:
        with pytest.raises(numkit.UnknownNode, match=(
                rf"no node 'Site-B': {typo} holds no hierarchy, nothing has been loaded into it "
                r"\(is it the database you meant\?\)")):
            empty.available_numbers("u", "Site-B")
