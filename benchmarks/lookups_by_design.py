"""Lookups by user that a weekly load would not have to build again, measured before anyone
builds them (benchmarks/README.md, "Lookups by user a weekly load would keep").

A weekly load drops numkit's three indexes by user and builds them again (about 2.6 s at
10 M numbers). This script measures, on copies of a loaded database, what each way of
keeping them instead would cost a weekly load and each lookup:

- today's indexes: each built again, and a lookup through each;
- an index kept through a week's changes: 1 % of its rows deleted and as many appended;
- an index kept on a table only ever appended to (the keys of the rows written, stale
  ones left until a re-ordering load builds the table again): a week's keys appended;
- no index: rows kept in the order of a stored lowered key, found through DuckDB's
  per-row-group minimum and maximum (the users; the numbers' keys in a table of their own).

    PYTHONPATH=benchmarks .venv/bin/python benchmarks/lookups_by_design.py \
        --database /tmp/w0.duckdb --workdir /tmp/lookups

`--database` is a numkit database holding one snapshot (e.g. week 0 of `numkit demo
--weeks`, 10 M numbers); it is only read.
"""
import argparse
import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import duckdb

from numkit.storage import ROW_GROUP_ROWS

INDEXES = {
    "numbers_by_used_by": ("numbers", "lower(used_by)"),
    "numbers_by_reserved_for": ("numbers", "lower(reserved_for)"),
    "users_by_username": ("users", "lower(username)"),
}


def timed(con, sql, *parameters):
    started = time.perf_counter()
    con.execute(sql, list(parameters)).fetchall()
    return time.perf_counter() - started


def percentiles(con, sql, keys):
    """p50 and p95 in ms of `sql` asked once for each key, twice over (the first pass reads
    the blocks)."""
    times = sorted(timed(con, sql, key) * 1000 for key in keys * 2)
    return round(times[len(times) // 2], 2), round(times[int(len(times) * 0.95)], 2)


def commit_after(con, statements):
    """Seconds to run `statements` in one transaction, to commit it, and to checkpoint."""
    started = time.perf_counter()
    con.execute("begin")
    for statement in statements:
        con.execute(statement)
    written = time.perf_counter()
    con.execute("commit")
    committed = time.perf_counter()
    con.execute("checkpoint")
    checkpointed = time.perf_counter()
    return (round(written - started, 2), round(committed - written, 2),
            round(checkpointed - committed, 2))


@contextlib.contextmanager
def fresh_copy(database, workdir, name):
    """A connection to a copy of `database`, let go of at the end."""
    copy = workdir / name
    for stale in (copy, Path(f"{copy}.wal")):
        stale.unlink(missing_ok=True)
    shutil.copy(database, copy)
    # attached to an instance of its own, as numkit opens a file: opened as DuckDB's main
    # database instead, the same index took 4.4 s to build against 1.3 s
    instance = duckdb.connect()
    instance.execute(f"attach '{copy}' as inventory (row_group_size {ROW_GROUP_ROWS})")
    con = instance.cursor()
    con.execute("use inventory")
    con.execute("set memory_limit = '1GB'")     # a load's bound
    try:
        yield con
    finally:
        con.close()
        instance.close()


def same_rows(con, sql, today_sql, keys):
    """Whether `sql` finds, for each key, the rows today's lookup finds (a figure of a
    lookup that answers otherwise would measure nothing)."""
    for key in keys:
        found = sorted(map(repr, con.execute(sql, [key]).fetchall()))
        if found != sorted(map(repr, con.execute(today_sql, [key, key]).fetchall())):
            raise SystemExit(f"the lookup of {key!r} answers otherwise than today's")


TODAYS_NUMBERS_OF = """
    select numbers.* from numbers
    where lower(numbers.used_by) = ? or lower(numbers.reserved_for) = ?"""

# the numbers' keys: one line per row and user it names (Used By, Reserved For), lowered
NUMBER_KEYS = """
    select lower(used_by) as user_key, node_id, number from numbers where used_by is not null
    union all
    select lower(reserved_for), node_id, number from numbers where reserved_for is not null"""

# a user's rows found through the keys, each checked against the row as it is now (a key
# left by a row changed since names it no more)
THROUGH_KEYS = """
    select distinct numbers.* from number_keys as keyed
    join numbers on numbers.node_id = keyed.node_id and numbers.number = keyed.number
    where keyed.user_key = ?
      and (lower(numbers.used_by) = keyed.user_key
           or lower(numbers.reserved_for) = keyed.user_key)"""


def numbers_through_keys(con, keys):
    """p50 and p95 of a user's rows found through `number_keys`, once they are shown to be
    today's lookup's."""
    same_rows(con, THROUGH_KEYS, TODAYS_NUMBERS_OF, keys)
    return percentiles(con, THROUGH_KEYS, keys)


def sample_keys(con, sql, count):
    return [row[0] for row in con.execute(sql + f" using sample {count} rows").fetchall()
            if row[0] is not None][:count]


def todays_indexes(database, workdir, samples):
    with fresh_copy(database, workdir, "today.duckdb") as con:
        users = sample_keys(con, "select lower(username) from users", samples)
        used = sample_keys(con, "select lower(used_by) from (select used_by from numbers "
                                "where used_by is not null)", samples)
        lookups = {
            "user": percentiles(con, "select * from users where lower(username) = ?", users),
            "numbers used by": percentiles(
                con, "select * from numbers where lower(used_by) = ?", used),
        }
        rebuilt = {}
        for name, (table, key) in INDEXES.items():
            con.execute(f"drop index if exists {name}")
            con.execute("checkpoint")
            started = time.perf_counter()
            con.execute(f"create index {name} on {table} ({key})")
            con.execute("checkpoint")
            rebuilt[name] = round(time.perf_counter() - started, 2)
    return {"rebuilt_s": rebuilt, "rebuilt_total_s": round(sum(rebuilt.values()), 2),
            "lookup_p50_p95_ms": lookups}


def index_kept_through_deletes(database, workdir, kept):
    """A week's users written, 1 % of them deleted and as many added, with
    users_by_username kept (`kept`) or with no index at all (the floor beside it)."""
    with fresh_copy(database, workdir, "kept.duckdb") as con:
        for name in INDEXES:
            if not (kept and name == "users_by_username"):
                con.execute(f"drop index if exists {name}")
        con.execute("checkpoint")
        weeks = []
        for week in range(3):
            weeks.append(commit_after(con, [
                f"delete from users where rowid in (select rowid from users "
                f"using sample 1 % (bernoulli, {week + 1}))",
                f"insert into users by name select 'added{week}-' || range as username, "
                f"'x' as node from range(26000)"]))
    return weeks


def keys_appended_only(database, workdir, samples):
    """The numbers' keys (used_by and reserved_for, lowered) in a table only appended to,
    with an index: built once, then a week's 100,000 keys appended."""
    with fresh_copy(database, workdir, "appended.duckdb") as con:
        for name in INDEXES:
            con.execute(f"drop index if exists {name}")
        con.execute(f"create table number_keys as {NUMBER_KEYS}")
        con.execute("checkpoint")
        started = time.perf_counter()
        con.execute("create index number_keys_by_key on number_keys (user_key)")
        con.execute("checkpoint")
        built = round(time.perf_counter() - started, 2)
        weeks = [commit_after(con, [
            f"insert into number_keys select user_key || '~{week}', node_id, number "
            f"from number_keys using sample 100000 rows"]) for week in range(3)]
        keys = sample_keys(con, "select user_key from number_keys", samples)
        lookups = {"keys": percentiles(con, "select * from number_keys where user_key = ?", keys),
                   "numbers through the keys": numbers_through_keys(con, keys)}
    return {"built_s": built, "week_write_commit_checkpoint_s": weeks,
            "lookup_p50_p95_ms": lookups}


def rows_in_key_order(database, workdir, samples):
    """No index: users and the numbers' keys kept in the order of a stored lowered key."""
    with fresh_copy(database, workdir, "ordered.duckdb") as con:
        for name in INDEXES:
            con.execute(f"drop index if exists {name}")
        started = time.perf_counter()
        con.execute("create table users_in_key_order as "
                    "select lower(username) as user_key, * from users order by user_key")
        users_sorted = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        con.execute(f"create table number_keys as select * from ({NUMBER_KEYS}) order by user_key")
        keys_sorted = round(time.perf_counter() - started, 2)
        con.execute("checkpoint")
        users = sample_keys(con, "select user_key from users_in_key_order", samples)
        keys = sample_keys(con, "select user_key from number_keys", samples)
        same_rows(con, "select * exclude (user_key) from users_in_key_order where user_key = ?",
                  "select * from users where lower(username) = ? and ? is not null", users)
        lookups = {
            "user": percentiles(con, "select * from users_in_key_order where user_key = ?", users),
            "numbers through the keys": numbers_through_keys(con, keys)}
    return {"users_sorted_s": users_sorted, "number_keys_sorted_s": keys_sorted,
            "lookup_p50_p95_ms": lookups}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, type=Path)
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    result = {
        "today": todays_indexes(args.database, args.workdir, args.samples),
        "users_week_write_commit_checkpoint_s": {
            "users_by_username kept": index_kept_through_deletes(args.database, args.workdir, True),
            "no index": index_kept_through_deletes(args.database, args.workdir, False)},
        "keys_appended_only": keys_appended_only(args.database, args.workdir, args.samples),
        "rows_in_key_order": rows_in_key_order(args.database, args.workdir, args.samples),
    }
    for name in ("today", "kept", "appended", "ordered"):
        for stale in (args.workdir / f"{name}.duckdb", args.workdir / f"{name}.duckdb.wal"):
            if os.path.exists(stale):
                stale.unlink()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
