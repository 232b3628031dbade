"""Where a weekly load puts the rows it writes (rules R36): the changed rows appended in node
order in row groups of storage.CHANGE_GROUP_ROWS rows, so that a viewpoint reads only the
few that hold its nodes; once the rows have scattered past layout.REWRITE_AFTER_ROWS, the
next load writes every row again in node order, in numkit's row groups."""

import datetime as dt

import duckdb
import pytest

import numkit
from numkit import demo, storage
from numkit.loading import layout

from test_storage_layout import numbers_row_groups_read

NUMBERS = 100_000
FIRST = dt.date(2026, 11, 2)


def week_folder(source, out, week, every=20):
    """The demo export of `source` with the description of every `every`-th row changed
    in week `week` (a different share of the rows each week)."""
    out.mkdir()
    for name in ("users.csv", "hierarchy.csv"):
        (out / name).write_bytes((source / name).read_bytes())
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * replace (case when (row_number() over () + {week}) % {every} = 0 "
            f"then 'changed in week {week}' else \"Description\" end as \"Description\") "
            f"from read_csv('{source / 'numbers.csv'}', all_varchar = true)) "
            f"to '{out / 'numbers.csv'}' (header)")
    return out


def load(inv, folder, week, **options):
    return inv.load(folder / "numbers.csv", users=folder / "users.csv",
                    hierarchy=folder / "hierarchy.csv", as_of=FIRST + dt.timedelta(weeks=week),
                    allow_future=True, **options)


def row_groups(inv):
    """The rows of each row group of the numbers table, in their order."""
    return inv.sql("select row_group_id, sum(count) as group_rows from pragma_storage_info('numbers') "
                   "where column_name = 'node_id' and segment_type <> 'VALIDITY' "
                   "group by row_group_id order by row_group_id")["group_rows"].tolist()


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo.generate(folder, numbers=NUMBERS, sites=40, seed=5)
    return folder


def test_a_weekly_load_appends_its_changed_rows_in_small_row_groups(export, tmp_path):
    inv = numkit.connect(tmp_path / "inv.duckdb")
    load(inv, week_folder(export, tmp_path / "week0", 0), 0)
    first = row_groups(inv)
    assert max(first) == storage.ROW_GROUP_ROWS
    in_place = "select number || '@' || node as key, node_id, number_order from numbers order by rowid"
    before = inv.sql(in_place)
    load(inv, week_folder(export, tmp_path / "week1", 1), 1)
    changed = set(inv.sql("select number || '@' || node as key from number_versions "
                          "where from_load = 2")["key"])
    assert len(changed) > 4 * storage.CHANGE_GROUP_ROWS     # the rows of both weeks' changes
    # the rows kept unchanged stay where they lie, in their groups; the changed rows follow,
    # in node order, in groups of the small size
    after = inv.sql(in_place)
    kept = [key for key in before["key"] if key not in changed]
    assert after["key"].tolist()[:len(kept)] == kept
    appended = after.iloc[len(kept):]
    assert set(appended["key"]) == changed
    assert appended["node_id"].is_monotonic_increasing
    groups = row_groups(inv)
    assert groups[:len(first) - 1] == first[:-1]
    assert max(groups[len(first):]) == storage.CHANGE_GROUP_ROWS
    assert sum(groups) <= NUMBERS + len(changed)
    # a viewpoint reads only the appended groups that hold its nodes, not every one
    site = inv.sql("select node from nodes where type = 'Site' order by node_id limit 1")["node"][0]
    scanned, total = numbers_row_groups_read(inv, f"select * from available_numbers('x', '{site}')")
    assert scanned <= len(first) // 2 + 2, f"read {scanned} of {total} row groups"
    assert total == len(groups)
    assert not layout.measure(inv.con).scattered
    assert inv.check().empty
    inv.close()


def test_a_load_writes_every_row_again_once_the_appended_rows_have_scattered(export, tmp_path,
                                                                             monkeypatch):
    # a viewpoint of this small inventory reads one more small group or so a week
    monkeypatch.setattr(layout, "REWRITE_AFTER_ROWS", 2 * storage.CHANGE_GROUP_ROWS)
    inv = numkit.connect(tmp_path / "inv.duckdb")
    load(inv, week_folder(export, tmp_path / "week0", 0), 0)
    week = 0
    while not layout.measure(inv.con).scattered:
        week += 1
        assert week <= 6, layout.measure(inv.con).describe()
        load(inv, week_folder(export, tmp_path / f"week{week}", week), week)
        assert max(row_groups(inv)[-2:]) == storage.CHANGE_GROUP_ROWS
    inv.con                             # held: the next load attaches it again all the same
    week += 1
    load(inv, week_folder(export, tmp_path / f"week{week}", week), week)
    inv.close()     # DuckDB drops the emptied groups when it checkpoints, as it lets go
    measured = layout.measure(inv.con)
    assert not measured.scattered and measured.now <= measured.in_order, measured.describe()
    assert max(row_groups(inv)) == storage.ROW_GROUP_ROWS
    ids = inv.sql("select node_id from numbers order by rowid")["node_id"]
    assert ids.is_monotonic_increasing
    assert inv.check().empty
    inv.close()
