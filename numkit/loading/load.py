"""Loading a snapshot: files -> staging -> checks -> tables, all or nothing."""

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import changed_lines, layout, lines, reconcile
from .. import storage
from ..arguments import extra_names, parse_date
from ..errors import InvalidOperation, LoadError, NotSaved, NumkitError
from ..schema import SQL_ROOT, ensure_indexes, refresh_derived, statement
from .sources import HEADERS, REQUIRED, Staged, file_facts, stage, written_header
from ..visible import on_one_line

log = logging.getLogger(__name__)

PROBLEM_COLUMNS = ["file", "row", "column", "value", "reason"]
# A LoadError lists this many problems at most, and says how many there are: a file of
# millions of bad rows would otherwise be millions of rows in Python. Which rows a
# non-strict load rejects is decided in DuckDB, from all of them (load_problems).
MAX_PROBLEMS_LISTED = 10_000
ROLES = ("hierarchy", "users", "numbers")   # checked in this order: numbers need the users
REPORTED_ORDER = ("numbers", "users", "hierarchy")
EXTRA_KEPT = ("numbers", "users")


# A message names this many usernames, then says how many more there are.
NAMES_SHOWN = 10


def names_listed(names, first=NAMES_SHOWN):
    """`a, b, c` or `a, b, c and 4 more`: a list in a one-line message, never cut silently."""
    names = [on_one_line(str(name)) for name in names]
    shown = ", ".join(names[:first])
    return shown + (f" and {len(names) - first} more" if len(names) > first else "")


@dataclass
class LoadReport:
    """What a load did."""
    load_id: int
    as_of: dt.date
    numbers: int
    users: int | None
    nodes: int
    rejected: int
    deleted_users: list = field(default_factory=list)
    # active users whose rows were rejected (a non-strict load): kept as they were
    kept_users: list = field(default_factory=list)
    files: dict = field(default_factory=dict)
    # per role: {"file": ..., "read": {header as written: numkit column}, "extra": [header]}
    columns: dict = field(default_factory=dict)
    # the changes pending before the load (a number row or a user each): done in VOSS,
    # re-applied and still pending, dropped because VOSS decided otherwise, or discarded
    applied: int = 0
    still_pending: int = 0
    conflicts: int = 0
    discarded: int = 0
    pending: str = "keep"      # what the load was told to do with them: keep or discard
    # the snapshot loaded just before, when this one has its date and the same files
    # (their checksums): the same export loaded twice
    repeats: int | None = None
    # the lines of the numbers file that changed since the last load, when only they were
    # parsed and checked (rules R36, "Reading only the lines that changed"); else None
    changed_lines: int | None = None
    # how the load put the number rows back in node order (rules R36, "When the rows are put
    # back in order"): "compacted" (its changes written, then the file copied with the rows
    # in node order), "rewritten" (every row written again in place), or None (not due, or
    # a first load, which writes them in order anyway); `scattered` says how they lay
    reordered: str | None = None
    scattered: str | None = None
    # the compaction's sizes ({"before_bytes", "after_bytes", ...}), or why it could not be
    # made (the load is saved all the same; the next load measures again)
    compacted: dict | None = None
    not_compacted: str | None = None
    # optional columns the numbers file lacks whose values rows held before the load, as
    # {header as VOSS writes it: rows}: the load emptied them (describe_emptied)
    emptied: dict = field(default_factory=dict)
    # paths the numbers and users files name that the hierarchy file given with them does
    # not have, as [(node, users, number rows)] at each after the load (the nodes above them
    # their paths made have none): nodes without a type
    unlisted_nodes: list = field(default_factory=list)
    # a load without a hierarchy file, after which nodes have no type: (untyped, all nodes)
    untyped_nodes: tuple | None = None

    def describe_repeat(self):
        """One line when the load repeated the snapshot before it; None otherwise."""
        if self.repeats is None:
            return None
        # the decisions pending in numkit are re-applied all the same: what the export
        # changed is nothing, not what the load did
        return (f"the same files and date as snapshot {self.repeats}, loaded again: the export "
                "changed nothing (`numkit forget-snapshot DB` takes back the latest snapshot)")

    def describe_emptied(self):
        """One line when the numbers file lacks an optional column whose values rows held
        before the load: a header renamed in the export (`Assigned User` for `Used By`)
        empties the whole column with no row at fault, which no check can find; None
        otherwise."""
        if not self.emptied:
            return None
        said = [f"every row is Available now ({rows:,} had another status before this load)"
                if header == "Status" else
                f"{rows:,} row(s) held a {header} before this load and hold none now"
                for header, rows in self.emptied.items()]
        extra = self.columns.get("numbers", {}).get("extra") or []
        kept = f" (headers kept as extra: {', '.join(map(repr, extra))})" if extra else ""
        return (f"no {' / '.join(self.emptied)} column in the numbers file: {'; '.join(said)}"
                f"{kept}. If the export has it under another name, rename that header and "
                "load again after `numkit forget-snapshot DB`")

    def describe_unlisted_nodes(self):
        """One line naming the nodes of the load that its hierarchy file does not have (most
        often a mistyped path, or a node the file no longer lists), those the files name
        first, then the nodes above them that their paths made (`SYS` and `SYS.HCS` for a path in the wrong case); None
        when it made none."""
        if not self.unlisted_nodes:
            return None
        named = [f"{node} (" + ", ".join(f"{what} file: {count} row(s)" for what, count in
                                         (("numbers", numbers), ("users", users)) if count) + ")"
                 for node, users, numbers in self.unlisted_nodes if users or numbers]
        above = [node for node, users, numbers in self.unlisted_nodes if not users and not numbers]
        return (f"{len(self.unlisted_nodes)} node(s) not in the hierarchy file, made from the "
                f"paths the other files name, without a type: {names_listed(named)}"
                + (f"; and above them, made from their paths: {names_listed(above)}"
                   if above else ""))

    def describe_untyped_nodes(self):
        """One line when a load without a hierarchy file leaves nodes without a type (every
        node, when no hierarchy file was ever loaded): their customers and sites are unknown,
        which no check faults; None otherwise."""
        if not self.untyped_nodes:
            return None
        untyped, nodes = self.untyped_nodes
        return (f"no hierarchy file: {untyped:,} of the {nodes:,} nodes have no type, so numkit "
                "knows no customer or site for them: a move from one customer to another is not "
                "refused there, utilization by level leaves them out and the report's tables by "
                "customer and by site count them under none; load the hierarchy export with the "
                "other files (--hierarchy)")

    def warnings(self):
        """The lines of what a load did that no check could fault but an analyst must see:
        describe_emptied, describe_unlisted_nodes, describe_untyped_nodes (those that
        apply)."""
        return [line for line in (self.describe_emptied(), self.describe_unlisted_nodes(),
                                  self.describe_untyped_nodes()) if line]

    def describe_reconciliation(self):
        """One line: what became of the changes pending before the load."""
        return "pending changes: " + reconcile.Outcomes(
            self.applied, self.still_pending, self.conflicts, self.discarded).describe(self.pending)

    def describe_deleted_users(self):
        """One line naming the users the load recorded as deleted; None when it recorded none."""
        if not self.deleted_users:
            return None
        return (f"{len(self.deleted_users)} user(s) recorded as deleted: "
                + names_listed(sorted(self.deleted_users, key=str.lower)))

    def describe_order(self):
        """One line when the load put the rows back in node order, or failed to; None
        otherwise."""
        if self.not_compacted:
            return (f"the rows had scattered, {self.scattered}, but the file could not be "
                    f"compacted to put them back in node order ({self.not_compacted}); the "
                    "load is saved, and the next load tries again")
        if self.reordered == "compacted":
            return (f"the rows had scattered, {self.scattered}: the file was compacted with "
                    f"the rows back in node order, {self.compacted['before_bytes'] / 1e6:,.1f} "
                    f"-> {self.compacted['after_bytes'] / 1e6:,.1f} MB")
        if self.reordered == "rewritten":
            return (f"the rows had scattered, {self.scattered}: every row was written again "
                    "in node order")
        return None

    def headers_read(self):
        """Which header was read as which column and which were kept, per role, the files'
        names aside: equal for two loads whose files have the same headers."""
        return {role: (seen["read"], seen["extra"]) for role, seen in self.columns.items()}

    def describe_columns(self):
        """One line per file: which header was read as which column, which were kept."""
        lines = []
        for role, seen in self.columns.items():
            # a workbook of several sheets: which one was read (the others never are)
            sheet = f" (read{seen['sheet_note']})" if seen.get("sheet_note") else ""
            line = f"{on_one_line(Path(seen['file']).name)}{sheet}: " + ", ".join(
                f"{on_one_line(header)} -> {column}" for header, column in seen["read"].items())
            if seen["extra"]:
                # a hierarchy file has no extra column: what else it holds is not read
                kept = "kept as extra" if role in EXTRA_KEPT else "not read"
                line += f"; {kept}: " + ", ".join(map(on_one_line, seen["extra"]))
            lines.append(line)
        return lines

    def __str__(self):
        users = "users unchanged" if self.users is None else f"{self.users} users"
        return (f"loaded snapshot {self.load_id} as of {self.as_of}: {self.numbers} numbers, "
                f"{users}, {self.nodes} nodes, {self.rejected} rejected rows, "
                f"{len(self.deleted_users)} user(s) recorded as deleted"
                + (f", {len(self.kept_users)} users kept as they were (their rows were "
                   f"rejected): {', '.join(map(on_one_line, self.kept_users))}"
                   if self.kept_users else ""))


# A file database spills to disk past this while loading, rather than growing with the
# export: the staged rows of a 10-million-row export take several gigabytes in memory.
LOAD_MEMORY_LIMIT = "1GB"


EVERY_ROW_REJECTED = {
    "numbers": "every row was rejected: loading would empty the inventory",
    "users": "every row was rejected: loading would record every active user as deleted (to "
             "keep the users as they are, load without a users file)",
    "hierarchy": "every row was rejected: loading would drop every node's type (to keep the "
                 "hierarchy as it is, load without a hierarchy file)",
}


def _keeps_no_row(con, role):
    return not con.execute(f"select exists (select 1 from valid_{role})").fetchall()[0][0]


def _check(con, role, staged):
    """The problems of a staged role: (the first MAX_PROBLEMS_LISTED as (file, row, column,
    value, reason) rows, in row order, how many there are).

    Problems of the rows (the checks of load/<role>_problems and the lines the CSV reader
    refused) are kept whole in load_problems; those that stop the file from being read
    (staged.problems) are few, and are listed from Python: the reader may have aborted
    the transaction.
    """
    if staged.problems:
        listed = [(staged.label, row, staged.header_of(column) if column else None, value, reason)
                  for row, column, value, reason in staged.problems]
        return listed[:MAX_PROBLEMS_LISTED], len(listed)
    found = {"role": role, "file": staged.label}
    if staged.rejects:   # lines the reader refused (columns already headers as written)
        rejects = pd.DataFrame(staged.rejects, columns=["row", "column", "value", "reason"],
                               dtype=object)
        con.register("refused_lines", rejects)
        try:
            con.execute("insert into load_problems select $role, $file, row, \"column\", "
                        "shortened(value), reason from refused_lines", found)
        finally:
            con.unregister("refused_lines")
    if role == "numbers":
        con.execute("set variable numkit_status_read = $read",
                    {"read": "status" in staged.headers})
    checks = statement(f"load/{role}_problems").strip().rstrip(";")
    con.execute("insert into load_problems "
                "select $role, $file, problems.row, coalesce(headers.header, problems.\"column\"), "
                "shortened(problems.value), problems.reason "
                f"from ({checks}) as problems "
                "left join (select unnest($columns) as \"column\", unnest($headers) as header) "
                "as headers on headers.\"column\" = problems.\"column\"",
                {**found, "columns": list(staged.headers), "headers": list(staged.headers.values())})
    listed = con.execute("select file, row, \"column\", value, reason from load_problems "
                         "where role = $role order by row, \"column\" limit $most",
                         {"role": role, "most": MAX_PROBLEMS_LISTED}).fetchall()
    total = con.execute("select count(*) from load_problems where role = $role",
                        {"role": role}).fetchall()[0][0]
    return listed, total


def _keep_valid(con, role, given, problems=0):
    """valid_<role>: the rows the load keeps, as a view (no copy of millions of rows): every
    row with a problem in load_problems (`problems` of them) is left out, however many a
    LoadError would list."""
    if not given:
        source = {"hierarchy": "select null::varchar as node, null::varchar as type, "
                               "null::varchar as name_raw where false",
                  "users": _last_loaded_users(con)}[role]
        # a table: the users table it may read is rewritten by the load
        kind = "table" if role == "users" else "view"
        con.execute(f"create or replace temp {kind} valid_{role} as {source}")
        return
    if not problems:
        con.execute(f"create or replace temp view valid_{role} as select * from checked_{role}")
        return
    con.execute(f"create or replace temp table rejected_{role} as "
                "select distinct row from load_problems where role = $role and row is not null",
                {"role": role})
    con.execute(f"create or replace temp view valid_{role} as select * from checked_{role} "
                f"where _row not in (select row from rejected_{role})")


def _last_loaded_users(con):
    """Without a users file, VOSS's users are taken to be as last loaded, and those onboarded,
    moved or deleted in numkit since stay pending (README, "Round trip with VOSS"). A
    database whose latest load kept no users (made by an earlier numkit) keeps the active
    users as they are."""
    con.execute("create or replace temp table last_loaded_users as "
                "select username, node, extra from users_at((select max(load_id) from loads))")
    kept = con.execute("select exists (select 1 from last_loaded_users) or exists "
                       "(select 1 from loads where load_id = (select max(load_id) from loads) "
                       "and users = 0)").fetchall()[0][0]
    return ("select username, node, extra from last_loaded_users" if kept
            else "select username, node, extra from users")


UNKNOWN_USER = ("cannot tell who this row is (its username cannot be read exactly): loading "
                "without it would record that user as deleted; fix it or load strictly")


def _keep_rejected_users(con, staged, rejected):
    """load_users: the users the load keeps. Those of the rows kept, and each user whose
    row was rejected, as last loaded: a row that could not be read is no sign that its
    user left, nor that VOSS did what numkit decided for them. Returns the rejected rows whose user cannot be known, as problems: any
    active user could be theirs."""
    known = [name for name in staged.refused_users.values() if name is not None]
    con.execute("create or replace temp table rejected_user_keys as "
                "select distinct lower(trimmed(name)) as user_key from unnest($names) as n(name) "
                "where trimmed(name) is not null", {"names": known or [None]})
    rejected_rows = ("select row from rejected_users" if rejected
                     else "select null::bigint where false")
    con.execute("insert into rejected_user_keys select distinct lower(username) from checked_users "
                f"where _row in ({rejected_rows}) and username is not null")
    # kept as VOSS had them when last loaded: a change numkit made since stays pending
    kept_as_last_loaded = (
        f"union all select username, node, extra from ({_last_loaded_users(con)}) "
        "where lower(username) in (select user_key from rejected_user_keys) "
        "and lower(username) not in (select lower(username) from valid_users)"
        if _users_kept_as_last_loaded(con) else "")
    con.execute("create or replace temp view load_users as "
                f"select username, node, extra from valid_users {kept_as_last_loaded}")
    unknown = [row for row, name in staged.refused_users.items() if name is None]
    unknown += [row for (row,) in con.execute(
        f"select _row from checked_users where _row in ({rejected_rows}) and username is null"
    ).fetchall()]
    unknown += [row for row, name in staged.refused_users.items()
                if name is not None and not con.execute(
                    "select trimmed($name) is not null", {"name": name}).fetchall()[0][0]]
    return [(staged.label, row, None, None, UNKNOWN_USER) for row in sorted(set(unknown))]


def _users_kept_as_last_loaded(con):
    """Whether the users file has rows that were rejected, whose users the load keeps as
    last loaded (rejected_user_keys, by _keep_rejected_users): most loads have none, and
    then the users are the file's alone, read without the users last loaded (2.5 million at
    10 M numbers)."""
    return (con.execute("select exists (select 1 from duckdb_tables() where temporary "
                        "and table_name = 'rejected_user_keys')").fetchall()[0][0]
            and con.execute("select exists (select 1 from rejected_user_keys)").fetchall()[0][0])


@functools.cache
def _temporary_macros():
    """The temp macros the load's statements define (sql/load/): listing them from
    duckdb_functions() would read every built-in function (about 50 ms a load)."""
    defined = re.compile(r"create or replace temp macro (\w+)", re.IGNORECASE)
    return tuple(sorted({name for path in (SQL_ROOT / "load").iterdir() if path.name.endswith(".sql")
                         for name in defined.findall(path.read_text())}))


def _drop_temporaries(con):
    # one batch: each statement sent alone costs about a millisecond, and a load leaves dozens
    drops = [f'drop view if exists temp."{name}"' for (name,) in con.execute(
        "select view_name from duckdb_views() where temporary and not internal").fetchall()]
    drops += [f'drop table if exists temp."{name}"' for (name,) in con.execute(
        "select table_name from duckdb_tables() where temporary").fetchall()]
    drops += [f'drop macro if exists temp."{name}"' for name in _temporary_macros()]
    con.execute(";\n".join(drops))


def _put_back(con, statement, enclosing):
    """Run a setting statement now, or, when a failed statement has aborted the enclosing
    transaction (a batch: it refuses every command until rolled back), once it has ended."""
    try:
        con.execute(statement)
    except duckdb.TransactionException:
        if enclosing is None:
            raise
        enclosing.after_end.append(lambda: con.execute(statement))


@contextlib.contextmanager
def _load_settings(con, enclosing):
    """DuckDB settings for a load, put back as it ends (or after `enclosing`, the operation
    it runs in, when a failed statement has aborted that one's transaction): rows kept in
    the order read (staged rows are numbered by their place). Its memory is bounded by
    load_export (memory_bounded), around its commit too."""
    order = con.execute("select current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("set preserve_insertion_order = true")
    try:
        yield
    finally:
        if not order:
            _put_back(con, "set preserve_insertion_order = false", enclosing)


@contextlib.contextmanager
def memory_bounded(store):
    """DuckDB's memory bounded (LOAD_MEMORY_LIMIT) while a file database loads, its commit
    included; a database with nowhere to spill is left unbounded (bounding would only make
    it fail). Unbounded, the commit of a weekly load at 10 M numbers took the process from
    1.2 to 2.2 GB. (The indexes built again after the commit are not bounded: bounded, they
    spill, and a disk that fills up then leaves a .wal DuckDB cannot replay.) The setting
    is put back on the connection of the moment (a disk failure makes the store open the
    file afresh), and, when a failure has aborted the batch the load runs in, once that
    batch has ended."""
    con = store.con
    if con.execute("select current_setting('temp_directory') = ''").fetchall()[0][0]:
        yield   # nowhere to spill
        return
    setting = "select current_setting('memory_limit')"
    before = con.execute(setting).fetchall()[0][0]
    con.execute("reset memory_limit")
    by_default = con.execute(setting).fetchall()[0][0] == before
    con.execute(f"set memory_limit = '{LOAD_MEMORY_LIMIT}'")
    # a batch the load runs in, whose transaction a failed statement may leave refusing
    # every command until it ends
    enclosing = store.enclosing_operation
    try:
        yield
    finally:
        _put_back(store.con, "reset memory_limit" if by_default
                  else f"set memory_limit = '{before}'", enclosing)


def _about_files_first(problems):
    """The problems about a whole file or its header (row 1) before those about its rows,
    across files: a missing or misspelt header explains the row problems it causes, so the
    error's message, which names the first problem, names it."""
    return sorted(problems, key=lambda problem: problem[1] not in (None, 1))


def refuse_future_date(as_of, allow_future, what="the snapshot date"):
    """A snapshot date after tomorrow is a typo until said otherwise: loaded, it would make
    every later load, with the right date, "out of date order"."""
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    if as_of > tomorrow and not allow_future:
        raise InvalidOperation(f"{what} {as_of} is after tomorrow: a typo? (to load a snapshot "
                               "dated in the future, allow it: allow_future=True, "
                               "--allow-future-date)")


@dataclass(frozen=True)
class RowOrder:
    """How a load leaves the number rows (rules R36, "When the rows are put back in order")."""
    rewrite_all: bool       # every row written in node order, in place
    compact_after: bool     # the changes written, then the file copied with the rows in node order
    scattered: str | None = None    # how the rows lay, when that is why


def row_order(con, numbers, compactable):
    """The RowOrder of loading `numbers` now. A first load, and a load whose rows could not
    keep their lines' hashes otherwise (lines.rewrite_due), write every row. Rows that have
    scattered (layout.Layout.scattered) are put back in order by compacting the file after
    the load, which copies every row in node order (the load's changes and the copy take
    less than writing every row again, and leave the file no free blocks), when the file
    can be compacted then (`compactable`: not a memory database, nor a load inside a batch
    or a rehearsal); otherwise by writing every row again."""
    if not con.execute("select exists (select 1 from loads)").fetchall()[0][0]:
        return RowOrder(True, False)
    measured = layout.measure(con)
    lines_due = lines.rewrite_due(con, numbers)
    if not measured.scattered:
        return RowOrder(lines_due, False)
    return RowOrder(lines_due or not compactable, compactable and not lines_due,
                    measured.describe())


def load_export(inv, numbers, users, hierarchy, *, as_of=None, strict=True, progress=None,
                extra_columns=(), allow_future=False, pending="keep", rewrite_all=None):
    """Inventory.load: the arguments checked, then load_snapshot. `rewrite_all`: whether to
    write every row in node order; None decides by row_order, measuring the rows as they
    lie now. A folder load measures once, before its first snapshot (rules R36), and tells
    each snapshot what it decided."""
    as_of = parse_date(as_of, "as_of") or inv.as_of
    refuse_future_date(as_of, allow_future)
    pending = reconcile.pending_choice(pending)
    order = RowOrder(rewrite_all, False)
    if rewrite_all is None:
        compactable = inv.store.can_compact()
        with inv.store.session(write=True):
            order = row_order(inv.con, numbers, compactable)
    # a load that writes only the changes appends them in small row groups (rules R36)
    group_rows = storage.ROW_GROUP_ROWS if order.rewrite_all else storage.CHANGE_GROUP_ROWS
    told, compaction_told = with_compaction(progress, order.compact_after)
    with out_of_memory_said(), inv.store.row_groups(group_rows), inv.store.session(write=True), \
            inv.store.bulk_rewrite("the load") as rewrite, memory_bounded(inv.store):
        # the compaction builds the indexes in its copy: built here too, they cost twice
        rewrite.rebuild_indexes = not order.compact_after
        report = load_snapshot(inv, numbers, users, hierarchy, as_of=as_of, strict=strict,
                               progress=told, extra_columns=extra_names(extra_columns),
                               pending=pending, rewrite_all=order.rewrite_all)
    put_back_in_order(inv, report, order, compaction_told)
    return report


def _indexes_back(inv):
    """The indexes the load left to the compaction that failed, built in the file; a disk
    that takes no index either leaves them to the next open, as a failed rewrite does."""
    try:
        with inv.store.session(write=True):
            ensure_indexes(inv.con)
    except (NumkitError, duckdb.Error) as error:
        log.warning("%s: its indexes could not be built (%s); they are built when it is next "
                    "opened for writing", inv.path, on_one_line(str(error)))


# The share of a load's progress its own steps take when a compaction follows (which takes
# about as long as a weekly load's steps at 10 M numbers).
LOAD_SHARE_BEFORE_COMPACTING = 0.5


def with_compaction(progress, compact_after):
    """(the load's progress, the compaction's): the load's fractions scaled to the share
    it takes before a compaction, the compaction's step after it."""
    if progress is None or not compact_after:
        return progress, progress

    def load_told(fraction, step):
        progress(fraction * LOAD_SHARE_BEFORE_COMPACTING, step)
    return load_told, progress


def put_back_in_order(inv, report, order, progress=None):
    """Say in `report` how the load left the rows (RowOrder `order`), compacting the file
    first when that puts them back in order. A compaction that fails leaves the file as
    the load left it, saved, and says why in `report`."""
    report.scattered = order.scattered
    if order.scattered is not None and order.rewrite_all:
        report.reordered = "rewritten"
    if not order.compact_after:
        return
    if progress:
        progress(LOAD_SHARE_BEFORE_COMPACTING,
                 "putting the rows back in node order: compacting the file")
    try:
        report.compacted = inv.store.compact()
    # any failure leaves the file as the load left it (compaction.copy_in_place): it must
    # not pass for a failure of the load, which is saved
    except (NumkitError, duckdb.Error, OSError) as error:
        report.not_compacted = on_one_line(str(error))
        log.warning("%s: %s", inv.path, report.describe_order())
        _indexes_back(inv)
        return
    report.reordered = "compacted"
    if progress:
        progress(1.0, report.describe_order())


@contextlib.contextmanager
def out_of_memory_said():
    """DuckDB's memory running out during a load, said as what it means for the analyst:
    the load is one transaction, rolled back by then, so nothing changed. (DuckDB's own
    message suggests settings of its own. A load refused so at 10 M numbers went through
    when run again, in the same process or another: the refused attempt leaves the file
    blocks it had written free for the next to write into, and a file with none to reuse
    had left that load short: benchmarks/README.md.)"""
    try:
        yield
    except duckdb.OutOfMemoryException as error:
        reason = (f"DuckDB ran out of the memory a load may use "
                  f"({on_one_line(str(error).splitlines()[0])})")
        raise NotSaved(f"the load was not saved: {reason}; nothing changed. Load it again: "
                       "a refused load leaves the database room that the next attempt uses",
                       "the load", reason) from None


def load_snapshot(inv, numbers, users, hierarchy, *, as_of, strict, progress=None,
                  extra_columns=(), pending="keep", rewrite_all=True):
    """Load one snapshot; `progress(fraction, step)` is told as each step begins and as
    each file has been read and checked (its rows and problems), and last what was loaded.
    `extra_columns` names headers kept as extra columns though they look misspelt.
    The changes pending before the load are reconciled with the export (`pending="keep"`)
    or dropped (`pending="discard"`). `rewrite_all` writes every row in node order;
    otherwise a load into a database that holds a snapshot writes only what changed.

    The whole load is one operation: a failure, a refusal (LoadError) or a kill leaves the
    inventory as it was, staging tables included.
    """
    con = inv.con
    report_progress = progress or (lambda fraction, step: None)
    latest = con.execute("select numkit_snapshot_date()").fetchall()[0][0]
    if latest is not None and as_of < latest:
        raise InvalidOperation(f"this snapshot is as of {as_of}, before the latest loaded snapshot "
                               f"({latest}): load snapshots in date order")
    sources = {"numbers": numbers, "users": users, "hierarchy": hierarchy}
    # checksums (and whether a file has empty lines) are read in a thread meanwhile, in the
    # order the files are read: the numbers file asked for first kept the small files
    # waiting for its facts (2 s at 10 M numbers) before DuckDB could read anything
    facts = {role: file_facts(sources[role]) for role in ROLES if sources[role] is not None}
    problems_of = {}
    staged = {}
    rows_read = {}      # per role: the data rows of its file, those the reader refused included
    unknown_users = []
    # the settings come back inside the operation: a disk failure ends it by opening the
    # file afresh, and the connection they were set on is gone then
    with inv.store.operation(what="the load") as op, _load_settings(con, op):
        con.execute(statement("load/shortened"))
        con.execute(statement("load/node_path_problem"))
        con.execute(statement("load/load_problems"))
        # a weekly load may parse only the numbers file's changed lines (changed_lines)
        weekly = latest is not None and not rewrite_all
        line_basis = lines.basis(con, numbers)
        by_lines = False
        for role in ROLES:
            source = sources[role]
            if source is None:
                _keep_valid(con, role, given=False)
                if role == "users":
                    con.execute("create or replace temp view load_users as select * from valid_users")
                continue
            report_progress(len(staged) / 4, f"reading and checking {role}")
            changed = None
            if role == "numbers" and weekly:
                changed = _stage_changed_lines(con, op, source, facts[role], extra_columns,
                                               line_basis, staged, report_progress)
            if role == "numbers":
                by_lines = changed is not None and not changed.aborted
            staged[role] = changed or stage(con, source, role, facts[role], extra_columns)
            if staged[role].aborted:    # the transaction takes no more statements
                problems_of[role] = _check(con, role, staged[role])
                break
            if by_lines and role == "numbers":
                problems_of[role] = ([], 0)     # none found: else the whole file was read
            else:
                if role == "numbers" and not staged[role].problems:
                    _define_active_users(con, staged)
                problems_of[role] = _check(con, role, staged[role])
                if role == "numbers":
                    lines.read_for_rows(con, source, line_basis, staged[role], facts[role])
            if not staged[role].problems:
                rows_read[role] = _rows_read(con, role, staged[role])
                report_progress(len(staged) / 4,
                                describe_rows_read(role, rows_read[role], problems_of[role][1],
                                                   staged[role].changed_lines))
                _keep_valid(con, role, given=True, problems=problems_of[role][1])
                if by_lines and role == "numbers":
                    changed_lines.keep_all_rows(con)
                if role == "users":
                    unknown_users = _keep_rejected_users(con, staged[role],
                                                         rejected=problems_of[role][1] > 0)
        problems = _about_files_first(
            [p for role in REPORTED_ORDER for p in problems_of.get(role, ([], 0))[0]])
        total = sum(count for _, count in problems_of.values())
        unreadable = any(s.problems for s in staged.values())
        emptied = []
        if total and not (strict or unreadable):
            # a non-strict load keeps the valid rows; keeping none of a file's would do what
            # a file with no rows does
            emptied = [(staged[role].label, None, None, None, EVERY_ROW_REJECTED[role])
                       for role in REPORTED_ORDER if role in staged and _keeps_no_row(con, role)]
            emptied += unknown_users
        if emptied or (total and (strict or unreadable)):
            listed = (emptied + problems)[:MAX_PROBLEMS_LISTED]
            # object: an empty row or column stays None (not NaN, nor a row 3.0)
            raise LoadError(pd.DataFrame(listed, columns=PROBLEM_COLUMNS, dtype=object),
                            total=len(emptied) + total)
        files = {role: {"file": staged[role].label,
                        "sha256": facts[role].result()[0] if facts[role] else None}
                 | ({"sheet": staged[role].sheet} if staged[role].sheet else {})
                 | _file_size(sources[role], rows_read[role])
                 for role in staged}
        if line_basis is not None:
            # whether every row written keeps its line's hash: what the next load pairs with
            files["numbers"]["lines"] = {"basis": line_basis, "hashed": con.execute(
                "select exists (select 1 from export_lines)").fetchall()[0][0]}
        report_progress(0.75, "writing the snapshot")
        # what is pending is read before the export replaces anything, with the events of
        # this operation so far (an earlier snapshot of the same folder) written first
        op.write_events()
        reconcile.capture(con)
        kept_users = [r[0] for r in con.execute(
            "select username from load_users where lower(username) not in "
            "(select lower(username) from valid_users) order by lower(username)").fetchall()
        ] if _users_kept_as_last_loaded(con) else []
        emptied = _values_emptied(con, staged["numbers"])
        load_id, outcomes = _write(con, as_of, files, users is not None, hierarchy is not None,
                                   pending, rewrite_all, by_lines)
        unlisted = _unlisted_nodes(con) if hierarchy is not None else []
        untyped = _untyped_nodes(con) if hierarchy is None else None
        report = LoadReport(
            load_id=load_id, as_of=as_of,
            numbers=con.execute("select count(*) from numbers").fetchall()[0][0],
            users=None if users is None else con.execute("select count(*) from users").fetchall()[0][0],
            nodes=con.execute("select count(*) from nodes").fetchall()[0][0],
            rejected=con.execute("select count(*) from (select distinct file, row "
                                 "from load_problems)").fetchall()[0][0],
            deleted_users=[r[0] for r in con.execute(
                "select username from deleted_users where deleted_at = $d and username in "
                "(select username from temp.departed)", {"d": as_of}).fetchall()],
            kept_users=kept_users,
            files=files,
            columns={role: {"file": staged[role].label,
                            "read": {header: column for column, header in staged[role].headers.items()},
                            "extra": list(staged[role].extras)}
                     | ({"sheet_note": staged[role].sheet_note} if staged[role].sheet_note else {})
                     for role in REPORTED_ORDER if role in staged},
            pending=pending, changed_lines=staged["numbers"].changed_lines, emptied=emptied,
            unlisted_nodes=unlisted, untyped_nodes=untyped,
            **outcomes.__dict__)
        con.execute(
            "update loads set numbers = $n, users = $u, nodes = $nodes, rejected = $r, "
            "deleted_users = $d where load_id = $id",
            {"n": report.numbers, "u": report.users, "nodes": report.nodes,
             "r": report.rejected, "d": len(report.deleted_users), "id": load_id})
        report.repeats = _repeated_load(con, load_id, as_of, files)
        op.log("load", {k: v for k, v in report.__dict__.items()}, None)
        _drop_temporaries(con)
    report_progress(1.0, f"loaded: {report.numbers:,} numbers, "
                         + ("users unchanged" if report.users is None else f"{report.users:,} users")
                         + f", {report.nodes:,} nodes")
    return report


def _values_emptied(con, staged):
    """{header: rows} for each optional column the numbers file lacks whose values rows of
    the inventory hold before the load (LoadReport.emptied). Read only when a column is
    missing: most exports have them all."""
    missing = [column for column in HEADERS["numbers"]
               if column not in REQUIRED["numbers"] and column not in staged.headers]
    if not missing:
        return {}
    held = con.execute(statement("load/optional_values_held")).df().iloc[0]
    return {written_header("numbers", column): int(held[column])
            for column in missing if held[column]}


def _unlisted_nodes(con):
    """LoadReport.unlisted_nodes: the nodes the files name that the hierarchy file given with
    them lacks (load/nodes_not_in_hierarchy), each with the users and number rows at it once
    the load is written."""
    if not con.execute("select exists (select 1 from unlisted_nodes)").fetchall()[0][0]:
        return []
    return con.execute(statement("load/unlisted_node_rows")).fetchall()


def _untyped_nodes(con):
    """LoadReport.untyped_nodes: (nodes without a type, all nodes) after a load without a
    hierarchy file (load/untyped_nodes), None when every node that matters has a type."""
    untyped, nodes = con.execute(statement("load/untyped_nodes")).fetchall()[0]
    return (untyped, nodes) if untyped else None


def _repeated_load(con, load_id, as_of, files):
    """The load before `load_id` when it has the date `as_of` and files of the same
    checksums for the same roles (`files`, as this load records them); else None."""
    before = con.execute("select load_id, as_of, files from loads where load_id < $id "
                         "order by load_id desc limit 1", {"id": load_id}).fetchall()
    if not before or before[0][1] != as_of:
        return None

    def checksums(recorded):
        return {role: seen.get("sha256") for role, seen in recorded.items()}
    these = checksums(files)    # a DataFrame loaded has none: no repeat can be told
    same = None not in these.values() and checksums(json.loads(before[0][2] or "{}")) == these
    return before[0][0] if same else None


def _define_active_users(con, staged):
    """load_active_users: the users a number row may be used by. An unreadable users file
    (its problems are reported) leaves nothing to check used_by against: that check waits
    until the users file reads."""
    users_unreadable = "users" in staged and staged["users"].problems
    active = ("select distinct lower(used_by) from checked_numbers"
              if users_unreadable else "select lower(username) from load_users")
    if "users" not in staged:
        # no users file: the users are taken as last loaded and numkit's changes to them
        # put back after (reconcile), so a user numkit onboarded stays active; the users
        # table is still numkit's here (its users are replaced after the checks)
        active += " union select lower(username) from users"
    con.execute("create or replace temp view load_active_users as "
                f"select * from ({active}) as active(user_key)")


def _stage_changed_lines(con, op, source, facts, extra_columns, line_basis, staged,
                         report_progress):
    """The numbers file staged by its changed lines only (changed_lines), checked, with no
    problem found; None when the whole file must be read (`report_progress` is told why
    when reading only the changed lines was tried); a Staged that says why, aborted, when
    DuckDB could not read the file's lines (the transaction takes no more statements)."""
    if any(other.problems for other in staged.values()) or not changed_lines.usable(
            con, facts, line_basis):
        return None
    # what is pending decides which rows count as unchanged: the events of this operation
    # so far (an earlier snapshot of the same folder) are written first, as for capture
    op.write_events()
    unreadable = lines.read(con, source, line_basis)
    if isinstance(unreadable, Staged):
        return unreadable
    try:
        changed = changed_lines.stage_changed(con, source, facts, extra_columns, line_basis)
        if changed.aborted:
            return changed
        _define_active_users(con, staged)
        changed_lines.check_with_kept_rows(con)
        if _check(con, "numbers", changed)[1]:
            raise changed_lines.ReadWhole("a problem found, which the whole file reports by row")
    except changed_lines.ReadWhole as why:
        changed_lines.give_up(con)
        report_progress(len(staged) / 4, f"numbers: reading the whole file: {why}")
        return None
    return changed


def _rows_read(con, role, staged):
    """The data rows of a staged file, those the reader refused included."""
    if staged.rows_read is not None:
        return staged.rows_read
    return con.execute(f"select count(*) from checked_{role}").fetchall()[0][0] + len(staged.rejects)


def describe_rows_read(role, rows, problems, changed=None):
    """The progress step said once a file is read and checked: how many rows it holds and
    how many problems they have; when only its changed lines were parsed (`changed` of
    them: changed_lines), how many."""
    if changed is not None:
        return (f"{role}: {rows:,} row(s) read, {changed:,} of them changed since the last "
                "load and checked")
    return (f"{role}: {rows:,} row(s) read and checked"
            + (f", {problems:,} problem(s) found" if problems else ""))


def _file_size(source, rows):
    """Where the file was read from (its absolute path), its size in bytes and its data rows
    (those the reader refused included): what the panel's current snapshot names, so that
    the analyst can tell which export is loaded without opening the folder."""
    if isinstance(source, pd.DataFrame):
        return {"rows": rows}
    return {"path": os.path.abspath(source), "bytes": os.path.getsize(source), "rows": rows}


def _write(con, as_of, files, users_given, hierarchy_given, pending, rewrite_all, by_lines=False):
    """Write the checked snapshot: its load, nodes, number rows and users, and their
    versions in the history. The first load into a database, or one that puts the rows
    back in node order (`rewrite_all`, decided by layout.rewrite_due), writes every row
    (_write_all); any other writes only the rows and users that differ from those the
    inventory holds (_write_changes, rules R36): those of the changed lines when only they
    were parsed (`by_lines`)."""
    load_id = _insert_load(con, as_of, files)
    first = not con.execute("select exists (select 1 from loads where load_id < $id)",
                            {"id": load_id}).fetchall()[0][0]
    con.execute("set variable numkit_kept_load = $id", {"id": load_id})
    if rewrite_all or first:
        _write_all(con, load_id, as_of, users_given, hierarchy_given, first)
    else:
        _write_changes(con, load_id, as_of, users_given, hierarchy_given, by_lines)
    if first:
        con.execute(statement("load/keep_first_user_versions"))
    else:
        con.execute("set variable numkit_every_user = $every", {"every": rewrite_all})
        con.execute(statement("load/keep_user_versions"))
        con.execute("reset variable numkit_every_user")
    con.execute(statement("load/keep_node_versions"))
    con.execute("reset variable numkit_kept_load")
    outcomes = reconcile.reconcile(con, load_id, pending)
    # load_rejects holds every rejected row, not only those a LoadError lists, each value
    # as the export gave it (past 100 characters shortened, saying how long it was), even
    # text a spreadsheet would run as a formula (`=cmd|...`): the table is data, queried by
    # SQL. numkit writes no file from it; a file written from it must go through
    # exports.problems_for_spreadsheets, as the --problems file does.
    con.execute("insert into load_rejects select $id, file, row, \"column\", value, reason "
                "from load_problems order by file, row, \"column\"", {"id": load_id})
    return load_id, outcomes


def _write_all(con, load_id, as_of, users_given, hierarchy_given, first):
    """Every row and user written afresh, the nodes numbered anew in path order and the
    rows written in node-id order: the first load into a database (whose rows all begin a
    version), or one that puts scattered rows back in order."""
    _write_nodes(con, hierarchy_given, "load/renumber_nodes")
    _stage_load_rows(con, load_id)
    if not first:
        con.execute(statement("load/load_rows_kept_once"))
        _pair_with_inventory(con)
    as_read = (con.execute(statement("load/numbers_in_node_order")).fetchall()[0][0]
               and not con.execute("select exists (select 1 from unread_kept_rows)").fetchall()[0][0])
    con.execute(statement("load/replace_numbers_as_read" if as_read else "load/replace_numbers"))
    con.execute(statement("load/keep_first_number_versions" if first
                          else "load/keep_number_versions"))
    _stage_new_users(con)
    if con.execute("select exists (select 1 from users)").fetchall()[0][0]:
        _pair_users(con)
    else:   # nobody to leave (a first load): millions of users are not hashed for nothing
        con.execute("create or replace temp table departed (username varchar)")
    _record_departed(con, as_of, load_id, users_given)
    con.execute("create or replace temp table users_differing "
                "(kept_username varchar, username varchar)")   # every user is written
    con.execute("delete from users")
    con.execute("insert into users (username, node, extra) "
                "select username, node, extra from load_users_new")


def _write_changes(con, load_id, as_of, users_given, hierarchy_given, by_lines):
    """A weekly load: the nodes keep their ids, and only the rows and users that differ
    from the inventory are written (the inventory's row marked deleted, the snapshot's
    appended after the others in node order). When only the changed lines were parsed
    (`by_lines`), their rows are those written."""
    _write_nodes(con, hierarchy_given, "load/keep_node_ids")
    if by_lines:
        con.execute(statement("load/changed_lines_to_rewrite"))
    else:
        _stage_load_rows(con, load_id)
        _pair_with_inventory(con)
    con.execute(statement("load/write_changed_numbers"))
    con.execute(statement("load/keep_number_versions"))
    _stage_new_users(con)
    _pair_users(con)
    _record_departed(con, as_of, load_id, users_given)
    con.execute(statement("load/write_changed_users"))


def _insert_load(con, as_of, files):
    """The load's row (its counts filled in once written); its id."""
    return con.execute(
        "insert into loads (loaded_at, as_of, files, numbers, users, nodes, rejected, deleted_users) "
        "values ($at, $as_of, $files, 0, null, 0, 0, 0) returning load_id",
        {"at": dt.datetime.now(), "as_of": as_of, "files": json.dumps(files)}).fetchall()[0][0]


def _write_nodes(con, hierarchy_given, written_by):
    """The hierarchy after the load (load/new_nodes), written by the statement `written_by`,
    and what is derived from it."""
    con.execute(statement("load/new_nodes"), {"hierarchy_given": hierarchy_given})
    if hierarchy_given:     # what the load reports of the nodes the file lacks
        con.execute(statement("load/nodes_not_in_hierarchy"))
    con.execute(statement(written_by))
    refresh_derived(con)


def _stage_load_rows(con, load_id):
    """load_rows: every number row the snapshot holds, with its node id."""
    con.execute(statement("load/numbers_to_write"))
    if con.execute("select exists (select 1 from duckdb_tables() "
                   "where temporary and table_name = 'rejected_numbers')").fetchall()[0][0]:
        con.execute(statement("load/unread_kept_rows"), {"load_id": load_id})
    else:
        con.execute("create or replace temp table unread_kept_rows as "
                    "select * from numbers_to_write where false")
    con.execute(statement("load/load_rows"))


def _pair_with_inventory(con):
    """rows_to_rewrite and rewritten_rows: the rows that differ from the inventory, compared
    with it before it changes."""
    con.execute(statement("load/row_hash"))
    con.execute(statement("load/rows_to_rewrite"))
    con.execute(statement("load/rewritten_rows"))


def _pair_users(con):
    """users_differing: the load's users that differ from those the inventory holds, paired
    by hash (load/users_differing); departed: the inventory's users the load does not have,
    found among them (load/departed). Both read before the users change."""
    con.execute(statement("load/user_hash"))
    con.execute(statement("load/users_differing"))
    con.execute(statement("load/departed"))


def _record_departed(con, as_of, load_id, users_given):
    """The users who left (departed) recorded as deleted when the load has a users file."""
    if users_given:
        con.execute(statement("load/record_deleted_users"), {"as_of": as_of, "load_id": load_id})


def _stage_new_users(con):
    """load_users_new: the users after the load."""
    # load_users reads the users table for those kept as they were: copied before it changes.
    # Without a users file the users are those last loaded, and the reconciliation applies
    # again what numkit changed since.
    if not _users_kept_as_last_loaded(con):
        # valid_users reads the file's rows (or, without a users file, a copy of the users)
        con.execute("create or replace temp view load_users_new as "
                    "select username, node, extra from valid_users")
        return
    con.execute("create or replace temp table load_users_new as "
                "select username, node, extra from valid_users union all "
                "select username, node, extra from load_users "
                "where lower(username) not in (select lower(username) from valid_users)")


ROLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def source_path(directory, role):
    """The file for `role` in an export folder (`numbers.csv`, `Users.xlsx`, ...: the name in
    any case), or None. Two files for one role are refused: which one is meant cannot be told."""
    found = sorted(path for path in Path(directory).iterdir()
                   if path.is_file() and path.stem.lower() == role
                   and path.suffix.lower() in ROLE_SUFFIXES)
    if len(found) > 1:
        raise InvalidOperation(f"{directory} holds more than one {role} file ("
                               + ", ".join(path.name for path in found) + "): keep the one to load")
    return os.fspath(found[0]) if found else None
