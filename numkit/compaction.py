"""Giving an inventory file's free space back (`numkit compact`, `Inventory.compact`).

DuckDB reuses the blocks a rewrite frees but never shortens its file: after a year of
weekly loads at 10 M numbers about a fifth of the file is free blocks (benchmarks/README.md).
The one way DuckDB offers to shed them is copying the database into a new file (COPY FROM
DATABASE). numkit writes the copy beside the file, checks that it holds every row and
every sequence's position, and only then puts it in the file's place, in one rename: a
failure at any step leaves the file as it was, and the next compaction clears what the
failed one left.
"""

import os
import shutil

import duckdb

from .disk import storage_failure
from .errors import InvalidOperation, NotSaved
from .schema import ensure_indexes, index_names

# Where the copy is written, beside the file (a rename across file systems is no rename).
COMPACTING_SUFFIX = ".compacting"
# The copy reads and writes tables whole: bounded like a load (it spills beside the file).
COMPACT_MEMORY_LIMIT = "1GB"
COPY_ALIAS = "compacted"


def compacting_path(path):
    return f"{path}{COMPACTING_SUFFIX}"


def _let_copy_go(con):
    """Detach the copy after a failure; a full disk may refuse its checkpoint, and the copy
    is thrown away all the same."""
    try:
        con.execute(f"detach if exists {COPY_ALIAS}")
    except duckdb.Error:
        pass


def _remove_leftovers(copy):
    for leftover in (copy, f"{copy}.wal"):
        if os.path.exists(leftover):
            os.remove(leftover)


def _quoted(path):
    return "'" + path.replace("'", "''") + "'"


def _file_facts(con, alias):
    """Rows of every table and each sequence's last value: what a faithful copy keeps."""
    tables = con.execute(
        "select table_name from duckdb_tables() where database_name = $db and not temporary "
        "order by table_name", {"db": alias}).fetchall()
    rows = {name: con.execute(f'select count(*) from "{alias}".main."{name}"').fetchall()[0][0]
            for (name,) in tables}
    sequences = dict(con.execute(
        "select sequence_name, last_value from duckdb_sequences() where database_name = $db",
        {"db": alias}).fetchall())
    objects = con.execute(
        "select (select count(*) from duckdb_views() where database_name = $db and not internal), "
        "(select count(*) from duckdb_functions() where database_name = $db)",
        {"db": alias}).fetchall()[0]
    indexes = [name for (name,) in con.execute(
        "select index_name from duckdb_indexes() where database_name = $db order by index_name",
        {"db": alias}).fetchall()]
    return {"rows": rows, "sequences": sequences, "views, macros": objects, "indexes": indexes}


def _expected_in_copy(kept):
    """The facts a faithful copy of a file with facts `kept` has: the same, and numkit's
    indexes whether or not the file had them (a load that compacts next leaves them to the
    copy: schema.BulkRewrite)."""
    return kept | {"indexes": sorted(set(kept["indexes"]) | set(index_names()))}


# `numkit load` says how to give the free blocks back once they are this share of the file
# and at least this many bytes (a small file's free blocks are not worth a copy).
SUGGEST_AT_SHARE = 0.2
SUGGEST_AT_BYTES = 64 * 2**20


def free_space(con):
    """(free bytes, bytes) of the blocks of the database `con` uses."""
    free_blocks, blocks, block_size = _blocks(con)
    return free_blocks * block_size, blocks * block_size


def worth_compacting(free, total):
    return free >= SUGGEST_AT_BYTES and free >= SUGGEST_AT_SHARE * total


def _blocks(con, database=None):
    """(free blocks, blocks, block size) of `database` attached to `con` (default: the one
    in use)."""
    return con.execute("select free_blocks, total_blocks, block_size from pragma_database_size() "
                       "where database_name = coalesce($db, current_database())",
                       {"db": database}).fetchall()[0]


def _copy_tables(con, alias):
    """Copy the database attached as `alias` into COPY_ALIAS: its schema (sequences at
    their values), then each table's rows, the number rows in node-id order (rules R36: the
    small groups of the weekly loads, copied as they lie into numkit's size, would each
    span many sites), and the indexes last, built once over all the rows: the file's, and
    numkit's that it lacks (a load that compacts next leaves them to the copy)."""
    con.execute(f'copy from database "{alias}" to {COPY_ALIAS} (schema)')
    indexes = con.execute("select schema_name, index_name, sql from duckdb_indexes() "
                          "where database_name = $db order by index_name",
                          {"db": COPY_ALIAS}).fetchall()
    for schema, index, _ in indexes:
        con.execute(f'drop index {COPY_ALIAS}."{schema}"."{index}"')
    tables = con.execute("select schema_name, table_name from duckdb_tables() "
                         "where database_name = $db order by schema_name, table_name",
                         {"db": alias}).fetchall()
    for schema, table in tables:
        in_order = " order by node_id" if (schema, table) == ("main", "numbers") else ""
        con.execute(f'insert into {COPY_ALIAS}."{schema}"."{table}" '
                    f'select * from "{alias}"."{schema}"."{table}"{in_order}')
    con.execute(f"use {COPY_ALIAS}")
    try:
        for _, _, create in indexes:
            con.execute(create)
        ensure_indexes(con)
    finally:
        con.execute(f'use "{alias}"')


def _refuse_without_room(path, copy, needed):
    """Refuse, before writing anything, a copy the disk beside the file has less room for
    than the blocks the file uses: a copy written until the disk is full would fail all the
    same, and meanwhile leave every other writer of that disk without room. (A copy can
    still run out of room: DuckDB spills what does not fit in memory beside it.)"""
    folder = os.path.dirname(copy) or "."
    room = shutil.disk_usage(folder).free
    if room < needed:
        reason = (f"no room for the copy at {folder}: {room / 1e6:,.1f} MB free, and it needs "
                  f"at least {needed / 1e6:,.1f} MB")
        raise NotSaved(f"{path} was not compacted: {reason}; it is left as it was",
                       "compacting", reason)


def copy_in_place(con, alias, path, row_group_size):
    """Copy the database attached to `con` as `alias` (the file at `path`, held for writing)
    into a new file and put that in its place. Returns the sizes before and after, in bytes,
    and the free blocks before."""
    target = os.path.realpath(path)   # a link to the file stays a link to the compacted file
    copy = compacting_path(target)
    _remove_leftovers(copy)
    memory = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    con.execute(f"set memory_limit = '{COMPACT_MEMORY_LIMIT}'")
    try:
        try:
            # what the .wal holds goes into the file first: the .wal stays with the old file
            con.execute(f'checkpoint "{alias}"')
            free_blocks, total_blocks, block_size = _blocks(con, alias)
            before = os.path.getsize(target)
            _refuse_without_room(path, copy, (total_blocks - free_blocks) * block_size)
            con.execute(f"attach {_quoted(copy)} as {COPY_ALIAS} (row_group_size {row_group_size})")
            _copy_tables(con, alias)
            con.execute(f"checkpoint {COPY_ALIAS}")
            kept, copied = _expected_in_copy(_file_facts(con, alias)), _file_facts(con, COPY_ALIAS)
            con.execute(f"detach {COPY_ALIAS}")
        except duckdb.Error as error:
            _let_copy_go(con)
            reason = storage_failure(error, copy)
            if reason is None:
                raise
            raise NotSaved(f"{path} was not compacted: {reason}; it is left as it was",
                           "compacting", reason) from None
        if kept != copied:
            different = sorted(key for key in kept if kept[key] != copied[key])
            raise InvalidOperation(f"compacting {path}: the copy differs from it in its "
                                   f"{', '.join(different)}; {path} is left as it was")
        if os.path.exists(f"{copy}.wal"):
            raise InvalidOperation(f"compacting {path}: the copy was not written whole; "
                                   f"{path} is left as it was")
        shutil.copymode(target, copy)
        os.replace(copy, target)
        _sync_folder(target)
    except BaseException:
        _remove_leftovers(copy)
        raise
    finally:
        con.execute(f"set memory_limit = '{memory}'")
    return {"before_bytes": before, "after_bytes": os.path.getsize(target),
            "free_blocks_before": free_blocks, "blocks_before": total_blocks}


def _sync_folder(path):
    """The rename reaches the disk with the folder's entry (POSIX keeps renames there)."""
    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
