"""Where a weekly load puts the rows it writes (rules R36): the changed rows appended in node
order in row groups of storage.CHANGE_GROUP_ROWS rows, so that a viewpoint reads only the
few that hold its nodes; once the rows have scattered past layout.REWRITE_AFTER_ROWS, the
next load puts them back in node order, in numkit's row groups: by compacting the file after
it (load.row_order), or by writing every row again where the file cannot be compacted then."""

import datetime as dt
from types import SimpleNamespace

import duckdb
import pytest

import pandas as pd

import numkit
from numkit import compaction, demo, storage
from numkit.loading import layout
from numkit.schema import index_files

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


def scattered(inv, export, tmp_path):
    """Weekly loads into `inv` until its rows have scattered; the last week loaded."""
    load(inv, week_folder(export, tmp_path / "week0", 0), 0)
    week = 0
    while not layout.measure(inv.con).scattered:
        week += 1
        assert week <= 6, layout.measure(inv.con).describe()
        load(inv, week_folder(export, tmp_path / f"week{week}", week), week)
        assert max(row_groups(inv)[-2:]) == storage.CHANGE_GROUP_ROWS
    return week


EVERY_ROW = "select * from numbers order by number, node"
INDEXES = sorted(f.name.removesuffix(".sql") for f in index_files())


def indexes(inv):
    return sorted(inv.sql("select index_name from duckdb_indexes()")["index_name"])


def test_once_the_rows_have_scattered_the_next_load_compacts_the_file_with_them_in_order(
        export, tmp_path, monkeypatch):
    # a viewpoint of this small inventory reads one more small group or so a week
    monkeypatch.setattr(layout, "REWRITE_AFTER_ROWS", 2 * storage.CHANGE_GROUP_ROWS)
    inv = numkit.connect(tmp_path / "inv.duckdb")
    week = scattered(inv, export, tmp_path) + 1
    inv.con                             # held: the load lets it go to compact all the same
    as_loaded = {}
    compact = inv.store.compact

    def compacted():
        as_loaded["indexes"] = indexes(inv)
        as_loaded["rows"] = inv.sql(EVERY_ROW)
        as_loaded["versions"] = inv.sql("select count(*) as n from number_versions")["n"][0]
        return compact()
    monkeypatch.setattr(inv.store, "compact", compacted)
    told = []
    report = load(inv, week_folder(export, tmp_path / f"week{week}", week), week,
                  progress=lambda fraction, step: told.append((fraction, step)))
    # the load's steps take the first half of the progress, the compaction the rest
    fractions = [fraction for fraction, _ in told]
    assert fractions == sorted(fractions) and fractions[-3] <= 0.5
    assert told[-2] == (0.5, "putting the rows back in node order: compacting the file")
    assert told[-1] == (1.0, report.describe_order())
    # the load wrote its changes only (its changed lines), then the file was compacted
    assert report.changed_lines is not None and report.changed_lines < NUMBERS // 2
    assert report.reordered == "compacted" and report.not_compacted is None
    assert "a viewpoint reads" in report.scattered
    assert report.compacted["after_bytes"] < report.compacted["before_bytes"]
    assert "compacted with the rows back in node order" in report.describe_order()
    # the load left the indexes to the copy, which built them
    assert as_loaded["indexes"] == []
    assert indexes(inv) == INDEXES
    # the same rows (their node ids and line hashes with them) and history, now in order
    pd.testing.assert_frame_equal(inv.sql(EVERY_ROW), as_loaded["rows"])
    assert inv.sql("select count(*) as n from number_versions")["n"][0] == as_loaded["versions"]
    measured = layout.measure(inv.con)
    assert not measured.scattered and measured.now <= measured.in_order, measured.describe()
    assert max(row_groups(inv)) == storage.ROW_GROUP_ROWS
    ids = inv.sql("select node_id from numbers order by rowid")["node_id"]
    assert ids.is_monotonic_increasing
    assert inv.sql("select free_blocks from pragma_database_size()")["free_blocks"][0] == 0
    assert inv.check().empty
    inv.close()


def test_rows_that_cannot_be_compacted_then_are_written_again_in_order(export, tmp_path,
                                                                      monkeypatch):
    """A load inside a batch (one transaction with what follows) cannot compact the file
    after it: it writes every row again in node order instead."""
    monkeypatch.setattr(layout, "REWRITE_AFTER_ROWS", 2 * storage.CHANGE_GROUP_ROWS)
    inv = numkit.connect(tmp_path / "inv.duckdb")
    week = scattered(inv, export, tmp_path) + 1
    with inv.batch():
        report = load(inv, week_folder(export, tmp_path / f"week{week}", week), week)
    assert report.reordered == "rewritten" and report.compacted is None
    assert report.changed_lines is None     # every line read and written
    assert "every row was written again in node order" in report.describe_order()
    inv.close()     # DuckDB drops the emptied groups when it checkpoints, as it lets go
    measured = layout.measure(inv.con)
    assert not measured.scattered and measured.now <= measured.in_order, measured.describe()
    assert inv.sql("select node_id from numbers order by rowid")["node_id"].is_monotonic_increasing
    assert inv.check().empty
    inv.close()


def no_room(failing):
    """No room beside the file for a copy."""
    failing.setattr(compaction.shutil, "disk_usage",
                    lambda folder: SimpleNamespace(total=2**30, used=2**30, free=0))
    return "was not compacted: no room for the copy at "


def no_rename(failing):
    """The copy made, but not put in the file's place (the folder taken read-only meanwhile)."""
    def refused(copy, target):
        raise PermissionError(13, "Permission denied", target)
    failing.setattr(compaction.os, "replace", refused)
    return "Permission denied"


@pytest.mark.parametrize("failure", [no_room, no_rename])
def test_a_compaction_that_fails_leaves_the_load_saved_and_the_next_load_tries_again(
        export, tmp_path, monkeypatch, failure):
    monkeypatch.setattr(layout, "REWRITE_AFTER_ROWS", 2 * storage.CHANGE_GROUP_ROWS)
    inv = numkit.connect(tmp_path / "inv.duckdb")
    week = scattered(inv, export, tmp_path) + 1

    with monkeypatch.context() as failing:
        said = failure(failing)
        report = load(inv, week_folder(export, tmp_path / f"week{week}", week), week)
    assert report.reordered is None and report.compacted is None
    assert said in report.not_compacted
    assert indexes(inv) == INDEXES      # built in the file, the copy having failed
    assert not (tmp_path / "inv.duckdb.compacting").exists()
    assert "the load is saved, and the next load tries again" in report.describe_order()
    assert inv.snapshots()["as_of"].max().date() == FIRST + dt.timedelta(weeks=week)
    assert layout.measure(inv.con).scattered
    report = load(inv, week_folder(export, tmp_path / f"week{week + 1}", week + 1), week + 1)
    assert report.reordered == "compacted"
    assert not layout.measure(inv.con).scattered
    assert inv.check().empty
    inv.close()
