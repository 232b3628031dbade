"""How the numbers are stored so that a viewpoint reads only its own nodes' rows: node ids in
path order, rows kept in node-id order, and the rules joining on ids."""

import json

import pytest

import numkit
from numkit import demo
from numkit.storage import ROW_GROUP_ROWS

from conftest import SITE_B, SITE_C


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A demo inventory large enough to span many of DuckDB's row groups (122,880 rows)."""
    folder = tmp_path_factory.mktemp("large")
    demo.generate(folder, numbers=600_000, sites=60, seed=3)
    inv = numkit.connect(folder / "large.duckdb")
    inv.as_of = "2026-11-23"
    inv.load(folder / "numbers.csv", users=folder / "users.csv", hierarchy=folder / "hierarchy.csv",
             as_of="2026-11-23")
    return inv


def numbers_row_groups_read(inv, query):
    """(row groups read, row groups there are) of the numbers table in one run of `query`."""
    with inv.holding(write=False):
        con = inv.con
        profile = inv.path + ".profile.json"
        con.execute("pragma enable_profiling = 'json'")
        con.execute("pragma profiling_mode = 'detailed'")
        con.execute(f"set profiling_output = '{profile}'")
        try:
            con.execute(query).fetchall()
        finally:
            con.execute("pragma disable_profiling")
        numbers_groups = con.execute("select count(distinct row_group_id) "
                                     "from pragma_storage_info('numbers')").fetchall()[0][0]
    return sum(scan.get("row_groups_scanned", 0) for scan in _operators(json.load(open(profile)))
               if scan.get("extra_info", {}).get("Table", "").endswith("numbers")), numbers_groups


def _operators(node):
    for child in node.get("operator", node.get("children", [])):
        yield child
        yield from _operators(child)


def test_ancestors_of_is_node_ancestors_of_one_node(inv):
    for (node,) in inv.con.execute("select node from nodes").fetchall():
        one = inv.sql(f"select * from ancestors_of('{node}') order by distance")
        every = inv.sql(f"select * from node_ancestors where node = '{node}' order by distance")
        assert one.values.tolist() == every.values.tolist()
    assert inv.sql("select * from ancestors_of('no.such.node')").empty


def test_node_ids_follow_path_order_and_rows_follow_node_ids(large):
    nodes = large.sql("select node, node_id from nodes order by node")
    assert nodes["node_id"].tolist() == list(range(1, len(nodes) + 1))
    in_storage_order = large.sql("select node_id from numbers order by rowid")["node_id"]
    assert in_storage_order.is_monotonic_increasing
    assert large.check().empty


@pytest.mark.parametrize("node_order", ["path order", "reverse path order", "interleaved"])
def test_rows_follow_node_ids_whatever_the_export_order(make_inventory, tmp_path, node_order):
    # an export in path order is written as read, any other is sorted: both store node by node
    nodes = sorted(f"sys.hcs.Prov-1.Cust-{c}.Site-{s}" for c in (1, 2, 10) for s in "ABC")
    rows = [(f"{1000 + n}", node) for i, node in enumerate(nodes) for n in range(i * 10, i * 10 + 10)]
    if node_order == "reverse path order":
        rows = [r for node in reversed(nodes) for r in rows if r[1] == node]
    elif node_order == "interleaved":
        rows = rows[::2] + rows[1::2]
    inv = make_inventory()
    export = tmp_path / "export.csv"
    export.write_text("number,node\n" + "".join(f"{number},{node}\n" for number, node in rows))
    inv.load(export, as_of="2026-11-24")
    stored = inv.sql("select number, node, node_id from numbers order by rowid")
    assert stored["node_id"].is_monotonic_increasing
    assert sorted(zip(stored["number"], stored["node"])) == sorted(rows)
    assert inv.check().empty


def test_a_viewpoint_reads_only_the_row_groups_of_its_nodes(large):
    site = large.sql("select node from nodes where type = 'Site' order by node_id desc limit 1")["node"][0]
    scanned, total = numbers_row_groups_read(large, f"select * from available_numbers('x', '{site}') limit 50")
    # DuckDB skips the blocks whose node ids all lie outside the viewpoint's ancestors' ids
    # (the customer's pool and the site); it reads those in between (the customer's other
    # sites), which node ids in path order keep few
    spanned = large.sql(
        f"with held as (select node_id from numbers where node_id in "
        f"(select ancestor_id from ancestors_of($site))) "
        f"select count(distinct numbers.rowid // {ROW_GROUP_ROWS}) as n from numbers "
        f"where node_id between (select min(node_id) from held) and (select max(node_id) from held)",
        {"site": site})["n"][0]
    assert total >= 10 and spanned <= total / 2
    assert scanned <= spanned, f"read {scanned} of {total} row groups, {spanned} spanned"


def test_numkit_writes_row_groups_of_its_own_size(large):
    # DuckDB's default (122,880 rows) would make a viewpoint read several times its rows
    per_group = large.sql("select row_group_id, sum(count) as n from pragma_storage_info('numbers') "
                          "where column_name = 'node_id' and segment_type <> 'VALIDITY' "
                          "group by row_group_id")["n"]
    assert per_group.max() == ROW_GROUP_ROWS


def test_node_lineage_is_node_ancestors_after_each_load(inv, tmp_path):
    lineage = "select node, ancestor, distance, ancestor_id from {} order by all"
    kept = lineage.format("node_lineage")
    computed = lineage.format("node_ancestors where ancestor in (select node from nodes)")
    assert inv.sql(kept).values.tolist() == inv.sql(computed).values.tolist()
    export = tmp_path / "numbers.csv"
    export.write_text(f"number,node\n42,{SITE_B}\n43,sys.hcs.Prov-1.Cust-9.Site-Z\n")
    inv.load(export, as_of="2026-11-24")
    assert "sys.hcs.Prov-1.Cust-9.Site-Z" in set(inv.sql(kept)["node"])
    assert inv.sql(kept).values.tolist() == inv.sql(computed).values.tolist()
    assert inv.available_numbers("x", "sys.hcs.Prov-1.Cust-9.Site-Z")["number"].tolist() == ["43"]


def test_nodes_written_with_sql_leave_a_stale_lineage_that_check_reports(inv):
    inv.con.execute("insert into nodes (node, node_id) "
                    f"select '{SITE_B}.Floor-1', max(node_id) + 1 from nodes")
    stale = inv.check().query("invariant == 'stale_node_lineage'")
    assert set(stale["node"]) == {f"{SITE_B}.Floor-1"}
    assert inv.sql(f"select * from ancestors_of('{SITE_B}.Floor-1')").empty   # until a load


def test_nodes_deleted_with_sql_leave_lineage_rows_that_check_reports(inv):
    inv.con.execute(f"delete from nodes where node = '{SITE_C}'")
    stale = inv.check().query("invariant == 'stale_node_lineage'")
    assert set(stale["node"]) == {SITE_C}
    assert stale["detail"].str.contains("does not have").all()


def test_writes_keep_node_ids(inv):
    inv.add_numbers("7000-7004", SITE_B)
    inv.onboard("zed", SITE_B, "7002")
    inv.delete_numbers("7000")
    assert not (inv.check()["invariant"] == "stale_node_id").any()
    assert inv.sql("select count(*) as n from numbers join nodes using (node) "
                   "where numbers.node_id <> nodes.node_id")["n"][0] == 0


def test_a_row_written_with_sql_without_its_node_id_is_reported(inv):
    inv.con.execute(f"insert into numbers (number, node, status) values ('7100', '{SITE_B}', 'Available')")
    assert "stale_node_id" in set(inv.check()["invariant"])


def test_writes_keep_the_number_order(inv):
    inv.add_numbers(["\\+449000", "9001"], SITE_B)
    inv.reserve_for("9002", "zed", SITE_B)      # creates the row
    inv.onboard("zed", SITE_B, "+449000")
    stored = inv.sql("select number, number_order from numbers where number_order is distinct "
                     "from try_cast(ltrim(number, '+') as hugeint)")
    assert stored.empty
    assert inv.sql("select number_order from numbers where number = '+449000'")["number_order"][0] == 449000
    assert not (inv.check()["invariant"] == "stale_number_order").any()


def test_a_row_written_with_sql_without_its_number_order_is_reported(inv):
    inv.con.execute("insert into numbers (number, node, status, node_id) "
                    f"select '7100', '{SITE_B}', 'Available', node_id from nodes where node = '{SITE_B}'")
    violations = inv.check()
    assert violations.loc[violations["invariant"] == "stale_number_order", "number"].tolist() == ["7100"]


def test_a_database_built_before_the_stored_number_order_gets_it_at_the_next_open(database):
    inv = numkit.connect(database)
    with inv.holding():
        inv.con.execute("drop index numbers_by_reserved_for; drop index numbers_by_used_by")
        inv.con.execute("alter table numbers drop column number_order")
        inv.con.execute("delete from schema_version")     # as an older numkit left it
    inv.close()
    with pytest.raises(numkit.IncompatibleDatabase, match="older numkit"):
        numkit.connect(database, read_only=True)     # a reader never upgrades it
    numkit.connect(database).close()
    reopened = numkit.connect(database, read_only=True)
    assert reopened.sql("select count(*) as n from numbers where number_order is null "
                        "or number_order <> try_cast(ltrim(number, '+') as hugeint)")["n"][0] == 0
    assert reopened.check().empty


def test_the_indexes_are_there_after_every_load(make_inventory):
    inv = make_inventory()
    inv.load(inv.sql("select number, node, status, reserved_for, used_by from numbers"),
             as_of="2026-11-24")
    indexes = inv.sql("select index_name, expressions from duckdb_indexes() order by index_name")
    assert indexes.values.tolist() == [
        ["numbers_by_reserved_for", "['(lower(reserved_for))']"],
        ["numbers_by_used_by", "['(lower(used_by))']"],
        ["users_by_username", "['(lower(username))']"],
    ]


def test_a_refused_load_keeps_the_indexes(inv, tmp_path):
    broken = tmp_path / "numbers.csv"
    broken.write_text("number,node\nnot-a-number,sys\n")
    with pytest.raises(numkit.LoadError):
        inv.load(broken)
    assert len(inv.sql("select * from duckdb_indexes()")) == 3


def test_indexes_missing_after_a_crash_come_back_at_the_next_open(database):
    inv = numkit.connect(database)
    with inv.holding():
        inv.con.execute("drop index users_by_username")
    inv.close()
    reopened = numkit.connect(database)
    assert "users_by_username" in set(reopened.sql("select index_name from duckdb_indexes()")["index_name"])
