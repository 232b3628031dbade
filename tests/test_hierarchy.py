"""Nodes, their types and customers (rules R1)."""

import pytest

import numkit

from conftest import CUST1, CUST2, PROV, SITE_A, SITE_B, SITE_D


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


def test_every_prefix_of_a_path_is_a_node(loaded_inventory):
    inv = loaded_inventory(numbers="number,node\n1,a.b.c\n", users=None, hierarchy=None)
    nodes = inv.sql("select node, parent from nodes order by node")
    assert list(nodes["node"]) == ["a", "a.b", "a.b.c"]
    assert list(nodes["parent"].fillna("")) == ["", "a", "a.b"]


def test_node_ancestors_with_distance(inv):
    rows = inv.sql(f"select ancestor, distance from node_ancestors where node = '{SITE_A}' order by distance")
    assert list(rows["ancestor"]) == [SITE_A, CUST1, PROV, "sys.hcs", "sys"]
    assert list(rows["distance"]) == [0, 1, 2, 3, 4]


def test_types_are_case_insensitive_and_stored_in_numkit_spelling(loaded_inventory):
    inv = loaded_inventory(numbers="number,node\n1,p.c.s\n", users=None,
                           hierarchy="node,type\np,PROVIDER\np.c,customer\np.c.s,Site\n")
    assert dict(inv.sql("select node, type from nodes").values) == {
        "p": "Provider", "p.c": "Customer", "p.c.s": "Site"}


def test_customer_is_the_nearest_customer_ancestor(inv):
    customers = dict(inv.sql("select node, customer from node_customers").values)
    assert customers[SITE_B] == CUST1
    assert customers[CUST1] == CUST1
    assert customers[SITE_D] == CUST2
    assert PROV not in customers


def test_customer_of_one_node_is_node_customers(inv):
    customers = dict(inv.sql("select node, customer from node_customers").values)
    for (node,) in inv.con.execute("select node from nodes").fetchall():
        assert inv.con.execute("select customer_of($n)", {"n": node}).fetchall()[0][0] == customers.get(node)


def test_load_without_hierarchy_keeps_known_types(make_inventory, tmp_path):
    inv = make_inventory()
    (tmp_path / "more.csv").write_text(f"number,node\n5,{SITE_A}.Floor-1\n")
    inv.load(tmp_path / "more.csv")
    types = dict(inv.sql("select node, type from nodes").values)
    assert types[SITE_A] == "Site" and types[CUST1] == "Customer"
    assert f"{SITE_A}.Floor-1" in types


def test_reading_at_an_unknown_node_raises(inv):
    with pytest.raises(numkit.UnknownNode):
        inv.available_numbers("u", f"{CUST1}.Site-Z")
    with pytest.raises(numkit.UnknownNode):
        inv.next_available("u", "nowhere")
    with pytest.raises(numkit.UnknownNode):
        inv.belonging_to("u", "nowhere")
    with pytest.raises(numkit.UnknownNode):
        inv.why_not("1001", "u", "nowhere")


def test_same_path_pairs_are_proper_ancestors_by_whole_levels(inv):
    """rules R6: a node is on another's path only through whole levels of its dotted path:
    `a.bc` is not under `a.b`, and a path is not its own proper ancestor."""
    pairs = inv.sql("select node, ancestor from same_path_pairs(['a', 'a.b', 'a.bc', 'a.b.c', 'x.a'])"
                    " order by all")
    assert list(pairs.itertuples(index=False, name=None)) == [
        ("a.b", "a"), ("a.b.c", "a"), ("a.b.c", "a.b"), ("a.bc", "a")]
