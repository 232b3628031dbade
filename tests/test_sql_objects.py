"""Every SQL object is bound by a test, so a broken view fails here, not in a notebook."""

import re
from pathlib import Path

import duckdb
import pytest

import numkit
from numkit.schema import index_files, mentioned, object_files, object_names

from conftest import SITE_B


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


CALLS = {
    "whitespace": "select regexp_replace(chr(160) || 'x' || chr(9), whitespace(), '', 'g')",
    "numkit_as_of": "select numkit_as_of()",
    "canonical_number": "select canonical_number('\\+1')",
    "number_value": "select number_value('+0100')",
    "number_sort_key": "select number_sort_key(100, '+0100')",
    "numkit_setting": "select numkit_setting('cooling_days')",
    "numkit_candidate_order": "select numkit_candidate_order()",
    "numkit_snapshot_date": "select numkit_snapshot_date()",
    "numkit_latest_load": "select numkit_latest_load()",
    "actors_of": "select actors_of([1, 2])",
    "numbers_at": "select * from numbers_at(1) limit 0",
    "users_at": "select * from users_at(1) limit 0",
    "nodes_at": "select * from nodes_at(1) limit 0",
    "cooling_stuck": "select cooling_stuck('Cooling', date '2026-01-01')",
    "released_by_as_of": "select released_by_as_of('Reserved', date '2026-01-01')",
    "effective_status": "select effective_status('Reserved', date '2026-01-01')",
    "customer_of": f"select customer_of('{SITE_B}')",
    "ancestors_of": f"select * from ancestors_of('{SITE_B}')",
    "same_path_pairs": "select * from same_path_pairs(['a', 'a.b'])",
    "visible_numbers": f"select * from visible_numbers('{SITE_B}') limit 0",
    "available_numbers": f"select * from available_numbers('u', '{SITE_B}') limit 0",
    "belonging_to": f"select * from belonging_to('u', '{SITE_B}') limit 0",
    "why_not": f"select why_not('1', 'u', '{SITE_B}')",
    "move_plan": f"select * from move_plan('u', '{SITE_B}', 'replace') limit 0",
    "snapshot_change_rows": "select * from snapshot_change_rows(1, 1) limit 0",
    "snapshot_change_counts": "select * from snapshot_change_counts(1, 1) limit 0",
    "snapshot_number_pairs": "select * from snapshot_number_pairs(1, 1) limit 0",
    "snapshot_user_pairs": "select * from snapshot_user_pairs(1, 1) limit 0",
    "snapshot_changes": "select * from snapshot_changes(1, 1) limit 0",
    "held_at_one_only": "select held_at_one_only(1, null, 2, 1)",
    "utilization_history": "select * from utilization_history(null, null) limit 0",
    "run_out_forecast": "select * from run_out_forecast(8, null) limit 0",
    "report_figures_at": "select * from report_figures_at(1, 0)",
}


@pytest.mark.parametrize("name", object_names())
def test_object_is_bound(inv, name):
    if name in {f.name.removesuffix(".sql") for f in index_files()}:
        assert inv.con.execute("select count(*) from duckdb_indexes() where index_name = $name",
                               {"name": name}).fetchall() == [(1,)]
        return
    query = CALLS.get(name, f"select * from {name} limit 0")
    inv.con.execute(query).fetchall()


def test_interface_columns(inv):
    expected = {
        "nodes": {"node", "parent", "type"},
        "events": {"at", "action", "number", "node", "username", "before", "after", "actor"},
        "deleted_users": {"username", "node", "deleted_at"},
        "node_ancestors": {"node", "ancestor", "distance"},
        "numbers_effective": {"number", "node", "status", "reserved_for", "used_by",
                              "release_date", "effective_status", "stuck"},
        "deleted_user_reservations": {"number", "node", "status", "effective_status", "reserved_for",
                                      "category", "deleted_at", "days_since_deleted"},
        "stuck_cooling": {"number", "node", "release_date", "reserved_for"},
        "stranded_reservations": {"number", "node", "reserved_for", "user_node"},
        "node_utilization": {"node", "type", "total", "available", "used", "used_utility", "reserved",
                             "cooling", "inactive", "share_available", "alert"},
        "available_numbers('u', 'x')": {"number", "node", "distance", "reserved_for_user"},
        "belonging_to('u', 'x')": {"number", "node", "effective_status", "assignable"},
    }
    for name, columns in expected.items():
        assert columns <= set(inv.sql(f"select * from {name} limit 0").columns), name


def test_each_file_creates_the_object_it_is_named_after():
    for sql_file in object_files():
        text = sql_file.read_text().lower()
        name = sql_file.name.removesuffix(".sql")
        assert text.lstrip().startswith("--"), f"{sql_file.name} starts with a comment"
        assert any(f"{kind} {name}" in text for kind in (
            "create table if not exists", "create or replace view", "create or replace macro",
            "create index if not exists")), sql_file


def test_an_analyst_can_query_the_database_file_without_numkit(loaded_inventory, tmp_path):
    path = tmp_path / "inv.duckdb"
    loaded_inventory(path=str(path)).close()
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set variable numkit_as_of = date '2026-11-23'")
    rows = con.execute(f"select number from available_numbers('u', '{SITE_B}')").fetchall()
    assert [r[0] for r in rows] == ["1002", "1003", "2002", "2003"]


def test_read_only_connection(loaded_inventory, tmp_path):
    path = tmp_path / "inv.duckdb"
    loaded_inventory(path=str(path)).close()
    with numkit.connect(path, read_only=True) as inv:
        assert inv.next_available("bob", SITE_B) == "2002"


def test_a_file_reads_only_from_lower_layers_or_files_of_its_layer_built_before_it():
    names = set(object_names())
    built = set()
    for sql_file in object_files():
        name = sql_file.name.removesuffix(".sql")
        assert not mentioned(sql_file.read_text(), names - built - {name}), sql_file
        built.add(name)


def test_only_number_sort_key_spells_the_number_order():
    """Number order is written once (sql/00_functions/number_sort_key.sql): a file that
    ordered by the value, then `+`, then text on its own would not follow a change to it."""
    sql = Path(numkit.__file__).parent / "sql"
    spelled = re.compile(r"starts_with\([^)]*'\+'\)")
    spelling = sorted(str(path.relative_to(sql)) for path in sql.rglob("*.sql")
                      if spelled.search(re.sub(r"--[^\n]*", "", path.read_text())))
    assert spelling == ["00_functions/number_sort_key.sql"]


def test_lists_in_number_order_sort_by_number_sort_key():
    """An `order by` that sorts by a number's value does it through number_sort_key, so
    `1001` comes before `+1001` in every list (docs/rules.md#r2-what-a-number-is); sorting
    by number_order and then the text puts `+1001` first."""
    sql = Path(numkit.__file__).parent / "sql"
    call = re.compile(r"number_sort_key\((?:[^()]|\([^()]*\))*\)")
    clause = re.compile(r"order by([^;)]*)")
    by_value = re.compile(r"number_order|number_value\(")
    offending = sorted(str(path.relative_to(sql)) for path in sql.rglob("*.sql")
                       for text in [call.sub("", re.sub(r"--[^\n]*", "", path.read_text()))]
                       if any(by_value.search(found) for found in clause.findall(text)))
    assert offending == []
