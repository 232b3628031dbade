"""Compacting a database file (docs/rules.md, "Compacting the file"): the copy put in the
file's place holds every row, in the same order, every sequence where it was, and no free
block; a compaction that fails anywhere leaves the file as it was."""

import datetime as dt
import os
import re
import shutil

import duckdb
import pytest
from click.testing import CliRunner

import numkit
from numkit import compaction
from numkit.cli import main
from numkit.loading.snapshots import load_folder
from numkit.schema import index_files
from numkit.weekly import write_series
from small_disks import assert_same_tables, every_table, grow, mount_small_disks


def blocks(db):
    """(free blocks, all blocks) of the file."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select free_blocks, total_blocks from pragma_database_size()").fetchall()[0]


def stored_order(db):
    """The numbers and their versions in the order the file keeps them, and their row groups
    (the layout the rules' speed rests on: rows clustered by node, in small row groups)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: (con.execute(f"select number, node from {table} order by rowid").fetchall(),
                        con.execute(f"select count(distinct row_group_id) "
                                    f"from pragma_storage_info('{table}')").fetchall())
                for table in ("numbers", "number_versions")}


@pytest.fixture(scope="module")
def with_free_blocks(tmp_path_factory):
    """Five weekly snapshots of 40,000 numbers, the last forgotten: forgetting rewrites the
    rows, and the blocks the rows had are left free (as a weekly load that re-orders the rows
    leaves them). Blocks freed at the file's end go back to the disk, and which blocks the
    rewrite frees depends on the order parallel writes got theirs; so a table written before
    the loads and dropped after them makes sure some free blocks lie inside the file."""
    folder = tmp_path_factory.mktemp("weeks")
    write_series(folder, 4, numbers=40_000, sites=20, seed=3, churn=0.05, as_of=dt.date(2026, 1, 1))
    db = folder / "inventory.duckdb"
    numkit.connect(db).close()
    with duckdb.connect(str(db)) as con:
        con.execute("create table scratch as select range as n, md5(range::varchar) as h from range(200000)")
        con.execute("checkpoint")
    with numkit.connect(db) as inv:
        load_folder(inv, folder)
        inv.forget_latest_snapshot()
    with duckdb.connect(str(db)) as con:
        con.execute("drop table scratch")
        con.execute("checkpoint")
    free, _ = blocks(db)
    assert free > 0
    return db


@pytest.fixture
def db(with_free_blocks, tmp_path):
    copy = tmp_path / "inventory.duckdb"
    shutil.copy(with_free_blocks, copy)
    return copy


def test_compacting_keeps_every_row_puts_the_numbers_in_node_order_and_gives_the_free_blocks_back(db):
    before, order = every_table(db), stored_order(db)
    free, total = blocks(db)
    size = os.path.getsize(db)
    with numkit.connect(db) as inv:
        loads = inv.snapshots()["load_id"].tolist()
        diff = inv.snapshot_changes(loads[0], loads[-1])
        sizes = inv.compact()
        assert sizes == {"before_bytes": size, "after_bytes": os.path.getsize(db),
                         "free_blocks_before": free, "blocks_before": total}
        assert inv.snapshot_changes(loads[0], loads[-1]).equals(diff)
        assert inv.check().empty
    assert_same_tables(before, every_table(db))
    after = stored_order(db)
    assert after["number_versions"] == order["number_versions"]
    # the number rows put back in node-id order (rules R36), in numkit's row groups
    assert sorted(after["numbers"][0]) == sorted(order["numbers"][0])
    assert after["numbers"][1] <= order["numbers"][1]
    with duckdb.connect(str(db), read_only=True) as con:
        node_ids = [row[0] for row in con.execute("select node_id from numbers order by rowid").fetchall()]
    assert node_ids == sorted(node_ids)
    assert blocks(db)[0] == 0
    assert os.path.getsize(db) < size
    assert not os.path.exists(compaction.compacting_path(db))
    assert not os.path.exists(f"{db}.wal")


def test_after_compacting_the_sequences_go_on_where_they_were(db, with_free_blocks):
    """The forgotten week loaded again gets the ids it gets in the file left uncompacted."""
    kept = db.parent / "kept.duckdb"
    shutil.copy(with_free_blocks, kept)
    with numkit.connect(db) as inv:
        inv.compact()
    folder = with_free_blocks.parent
    ids = []
    for path in (db, kept):
        with numkit.connect(path) as inv:
            report = inv.load(folder / "numbers.csv", users=folder / "users.csv",
                              hierarchy=folder / "hierarchy.csv")
            ids.append((report.load_id, inv.sql("select max(event_id) as e, max(operation_id) as o "
                                               "from events").values.tolist()))
    assert ids[0] == ids[1]


def test_compacting_through_a_link_compacts_the_file_it_names(db):
    link = db.parent / "link.duckdb"
    link.symlink_to(db)
    before = every_table(db)
    with numkit.connect(link) as inv:
        inv.compact()
    assert link.is_symlink() and link.resolve() == db.resolve()
    assert blocks(db)[0] == 0
    assert_same_tables(before, every_table(link))


def test_a_copy_that_differs_is_not_put_in_place(db, monkeypatch):
    before = every_table(db)
    size = os.path.getsize(db)
    real = compaction._file_facts

    def one_row_short(con, alias):
        facts = real(con, alias)
        if alias == compaction.COPY_ALIAS:
            facts["rows"]["numbers"] -= 1
        return facts
    monkeypatch.setattr(compaction, "_file_facts", one_row_short)
    with numkit.connect(db) as inv, pytest.raises(numkit.InvalidOperation) as refused:
        inv.compact()
    assert str(refused.value) == (f"compacting {db}: the copy differs from it in its rows; "
                                  f"{db} is left as it was")
    assert os.path.getsize(db) == size
    assert not os.path.exists(compaction.compacting_path(db))
    assert_same_tables(before, every_table(db))


def test_a_file_without_its_indexes_is_compacted_with_them(db):
    # a load that compacts next leaves the indexes to the copy (schema.BulkRewrite)
    with duckdb.connect(str(db)) as con:
        for (name,) in con.execute("select index_name from duckdb_indexes()").fetchall():
            con.execute(f"drop index {name}")
    with numkit.connect(db) as inv:
        inv.compact()
    with duckdb.connect(str(db), read_only=True) as con:
        built = sorted(name for (name,) in con.execute("select index_name from duckdb_indexes()").fetchall())
    assert built == sorted(f.name.removesuffix(".sql") for f in index_files())
    with numkit.connect(db) as inv:
        assert inv.check().empty


def test_what_a_failed_compaction_left_is_cleared_by_the_next(db):
    leftover = compaction.compacting_path(db)
    with open(leftover, "wb") as file:
        file.write(b"half a copy")
    with numkit.connect(db) as inv:
        inv.compact()
    assert not os.path.exists(leftover)
    assert blocks(db)[0] == 0


def test_a_read_only_inventory_or_an_operation_refuses_to_compact(db):
    with numkit.connect(db, read_only=True) as inv, pytest.raises(numkit.InvalidOperation,
                                                                  match="open read-only"):
        inv.compact()
    with numkit.connect(db) as inv, inv.store.operation(), pytest.raises(
            numkit.InvalidOperation, match="inside an operation"):
        inv.compact()


def test_numkit_compact_says_what_it_gave_back(db):
    size = os.path.getsize(db)
    said = CliRunner().invoke(main, ["compact", str(db)])
    assert said.exit_code == 0, said.output
    after = os.path.getsize(db)
    assert said.output == (f"{db}: {size / 1e6:,.1f} MB before, {after / 1e6:,.1f} MB now "
                           f"({(size - after) / 1e6:,.1f} MB given back)\n")
    missing = CliRunner().invoke(main, ["compact", str(db.parent / "none.duckdb")])
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: ")


@pytest.fixture
def small_disk(tmp_path):
    yield from mount_small_disks(tmp_path)


@pytest.mark.crash
@pytest.mark.parametrize("asked_first", [True, False], ids=["room asked first", "disk filled"])
def test_a_copy_the_disk_cannot_hold_leaves_the_file_as_it_was(with_free_blocks, small_disk,
                                                               asked_first, monkeypatch):
    size_kb = os.path.getsize(with_free_blocks) // 1024
    disk = small_disk(size_kb + size_kb // 3)   # the file fits; a copy of it does not
    db = disk / "inventory.duckdb"
    shutil.copy(with_free_blocks, db)
    before = every_table(db)
    if not asked_first:     # the copy is tried, and the disk fills under it
        monkeypatch.setattr(compaction, "_refuse_without_room", lambda path, copy, needed: None)
    with numkit.connect(db) as inv, pytest.raises(numkit.NotSaved) as refused:
        inv.compact()
    if asked_first:
        with duckdb.connect(str(db), read_only=True) as con:
            used = con.execute("select (total_blocks - free_blocks) * block_size "
                               "from pragma_database_size()").fetchall()[0][0]
        assert re.fullmatch(
            rf"{re.escape(str(db))} was not compacted: no room for the copy at "
            rf"{re.escape(str(disk))}: [\d.,]+ MB free, and it needs at least "
            rf"{used / 1e6:,.1f} MB; it is left as it was", str(refused.value))
    else:
        assert str(refused.value) == (f"{db} was not compacted: no space left on device at "
                                      f"{disk}; it is left as it was")
    assert not os.path.exists(compaction.compacting_path(db))
    grow(disk)
    assert_same_tables(before, every_table(db))
    with numkit.connect(db) as inv:     # and it compacts once there is room
        inv.compact()
        assert inv.check().empty
    assert blocks(db)[0] == 0


def load_week_again(db, folder):
    return CliRunner().invoke(main, ["load", str(db), "--numbers", str(folder / "numbers.csv"),
                                     "--users", str(folder / "users.csv"), "--hierarchy",
                                     str(folder / "hierarchy.csv")])


def test_a_load_that_leaves_much_of_the_file_free_says_how_to_give_it_back(db, with_free_blocks,
                                                                           monkeypatch):
    monkeypatch.setattr(compaction, "SUGGEST_AT_BYTES", 0)
    said = load_week_again(db, with_free_blocks.parent)
    assert said.exit_code == 0, said.output
    free, total = blocks(db)
    assert free >= compaction.SUGGEST_AT_SHARE * total     # 16 of 52 blocks here
    block = 262_144
    assert said.output.splitlines()[-1] == (
        f"  {free * block / 1e6:,.0f} MB of {db}'s {total * block / 1e6:,.0f} MB are free "
        f"blocks: `numkit compact {db}` gives them back")


def test_a_load_that_leaves_little_free_says_nothing_of_compacting(db, with_free_blocks):
    said = load_week_again(db, with_free_blocks.parent)     # a few MB free: not worth a copy
    assert said.exit_code == 0, said.output
    assert "numkit compact" not in said.output
