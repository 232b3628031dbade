"""Inventory: the Python API over the SQL rules, one DuckDB database."""

import atexit
import contextlib
import datetime as dt
import functools
import json
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import MutableMapping

import duckdb

from . import (assignment, bulk, each_move, forget, handoff, load, moves, reconcile,
               row_operations)
from .arguments import extra_names, parse_date, row_limit, single_number, whole_days
from .changes import ROW_FIELDS, Operation
from .codes import DEFAULT_SETTINGS, NODE_TYPES, canonical_spelling
from .database_files import refuse_other_files
from .errors import (InvalidOperation, InventoryLocked, NotSaved, NumkitError, UnknownNode,
                     UnknownUser)
from .reports.frames import frame, short_frame
from .schema import (NEW, OLDER, create_objects, indexes_rebuilt, refresh_derived,
                     refuse_older, schema_state, statement)
from .disk import storage_failure


COPIED_TABLES = ("settings", "loads", "nodes", "numbers", "users", "deleted_users")


DEFAULT_WAIT = 10.0
# Said once per opening that has waited this long for another process (a script's
# logging shows it; the numkit command prints it).
TELL_WAITING_AFTER = 0.5
log = logging.getLogger("numkit")
# Opening and closing a large database file costs tens of milliseconds, so a file is kept
# open for a moment after an operation for the next one (a panel refresh runs several); it
# is let go after LINGER seconds without an operation, and never kept past HOLD_AT_MOST
# seconds at a time, so another process waits at most about that long.
LINGER = 0.5
HOLD_AT_MOST = 2.0
# After holding the file that long it waits this long before opening it again: longer than a
# waiting process's pause between attempts (see _open), so that process gets its turn.
STAND_ASIDE = 0.3


def connect(path=":memory:", read_only=False, wait=DEFAULT_WAIT):
    """Open (creating if needed) the inventory database at `path`.

    A database file is opened only while operations run (and for LINGER seconds after, for
    the next one), so several processes (two notebooks, a scheduled report) can share it;
    one that finds it busy waits up to `wait` seconds, then raises InventoryLocked.
    """
    return Inventory(path, read_only=read_only, wait=wait)


class _Host:
    """An in-memory DuckDB instance to which an inventory attaches its file for each
    operation, instead of opening an instance of the file: creating an instance costs
    several times what attaching a file does (benchmarks/README.md), and an inventory opens
    its file again for every operation after a pause. Detaching checkpoints the file and
    releases its lock, as closing a connection does; DuckDB refuses to open a file attached
    here a second time in this process."""

    ALIAS = "inventory"
    # Rows per row group written through numkit (DuckDB's default is 122,880): a question
    # about one site reads whole row groups, and a site with its customer's pool is some
    # 20,000 rows (the measured effect: benchmarks/README.md, "Row groups of 32,768 rows").
    # DuckDB takes it per attach: it is not kept in the file.
    ROW_GROUP_ROWS = 32_768

    def __init__(self, path):
        self.path = path
        self._instance = None

    def attach(self, read_only):
        if self._instance is None:
            # spill next to the file, where an instance of the file itself would
            self._instance = duckdb.connect(config={"temp_directory": f"{self.path}.tmp"})
        quoted = "'" + self.path.replace("'", "''") + "'"
        options = f"{'read_only, ' if read_only else ''}row_group_size {self.ROW_GROUP_ROWS}"
        self._instance.execute(f"attach {quoted} as {self.ALIAS} ({options})")
        try:
            con = self._instance.cursor()
            con.execute(f"use {self.ALIAS}")
        except BaseException:
            self._instance.execute(f"detach {self.ALIAS}")
            raise
        return con

    def detach(self, con, quiet=False):
        """Let go of the file. A checkpoint the disk cannot take loses nothing: DuckDB
        detaches all the same and the committed changes stay in the file's .wal, applied
        at the next opening; that is said (unless `quiet`), not raised."""
        try:
            con.close()
        finally:
            try:
                self._instance.execute(f"detach if exists {self.ALIAS}")
            except duckdb.IOException as error:
                if "CHECKPOINT during DETACH failed" not in str(error):
                    raise
                if not quiet:
                    # marked: a program may hold it until it knows the file is kept
                    log.warning("%s could not be checkpointed (%s): its last changes are kept in "
                                "%s.wal and are applied when it is next opened with space to spare",
                                self.path, storage_failure(error, self.path) or "the disk failed",
                                self.path, extra={"wal_kept": self.path})


def _open(path, read_only, wait=0.0, host=None):
    """A DuckDB connection, waiting while another process holds the file; with a `host`,
    the file is attached to the host's instance."""
    if read_only and path != ":memory:" and not os.path.exists(path):
        raise InvalidOperation(f"no database at {path}")
    if path != ":memory:":
        refuse_other_files(path)
    started = time.monotonic()
    deadline = started + wait
    pause = 0.01
    told = False
    while True:
        try:
            if host is not None:
                return host.attach(read_only)
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise InvalidOperation(f"cannot open {path}: {str(error).splitlines()[0]}") from None
            holder = re.search(r"PID \d+", str(error))
            busy = f"{path} is in use by another process{f' ({holder.group(0)})' if holder else ''}"
            waited = time.monotonic() - started
            if not told and waited >= TELL_WAITING_AFTER and waited < wait:
                log.warning("%s: waiting for it (up to %g s)", busy, wait)
                told = True
            if time.monotonic() >= deadline:
                raise InventoryLocked(
                    f"{busy} and stayed busy for {wait:g} s: close the other notebook's or script's "
                    "connection (or wait for it to finish), then try again") from None
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.25)
        except (duckdb.ConnectionException, duckdb.ResourceInUseException):
            raise InventoryLocked(
                f"{path} is open in this process through another connection (another inventory "
                "or duckdb.connect): close it first, or query through this inventory") from None
        except duckdb.Error as error:
            raise InvalidOperation(f"{path} is not a DuckDB database: {str(error).splitlines()[0]}") from None


_open_inventories = weakref.WeakSet()


@atexit.register
def _let_all_go():
    """Close every connection before the interpreter shuts down: a lingering timer's thread
    closing one while the interpreter stops it would abort the process."""
    for inventory in list(_open_inventories):
        if inventory._lock.acquire(timeout=5):
            try:
                inventory._let_go()
            finally:
                inventory._lock.release()


def _others_let_go(inventory):
    """Other inventories of this process on the same file let go of it if idle: DuckDB
    refuses to open a file twice in one process."""
    for other in list(_open_inventories):
        if other is not inventory and other.path == inventory.path:
            other._let_go_if_idle()


def reads(method):
    """The method reads the database: it gets a connection for its duration."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._session(write=False):
            return method(self, *args, **kwargs)
    return wrapper


def writes(method):
    """The method may write: it gets a read-write connection for its duration."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._session(write=True):
            return method(self, *args, **kwargs)
    return wrapper


class Settings(MutableMapping):
    """Settings persisted in the database: cooling_days (0), alert_share (0.10)."""

    def __init__(self, inventory):
        self._inventory = inventory

    def _validate(self, key, value):
        if key == "cooling_days":
            return whole_days(value, "cooling_days")
        if key == "alert_share":
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise InvalidOperation(f"alert_share must be a fraction between 0 and 1, not {value!r}")
            return float(value)
        raise InvalidOperation(f"unknown setting {key!r}; numkit knows {', '.join(DEFAULT_SETTINGS)}")

    def __getitem__(self, key):
        with self._inventory._session(write=False) as con:
            rows = con.execute(
                "select value from settings where key = $key", {"key": key}).fetchall()
        if not rows:
            raise KeyError(key)
        return json.loads(rows[0][0])

    def __setitem__(self, key, value):
        value = self._validate(key, value)
        with self._inventory._session(write=True), self._inventory._operation() as op:
            before = self.get(key)
            op.con.execute("insert or replace into settings values ($key, $value)",
                           {"key": key, "value": json.dumps(value)})
            op.log_user("set_setting", None, {"key": key, "value": before}, {"key": key, "value": value})

    def __delitem__(self, key):
        if key in DEFAULT_SETTINGS:
            self[key] = DEFAULT_SETTINGS[key]
            return
        if key not in self:
            raise KeyError(key)
        with self._inventory._session(write=True), self._inventory._operation() as op:
            op.con.execute("delete from settings where key = $key", {"key": key})
            op.log_user("delete_setting", None, {"key": key})

    def __iter__(self):
        with self._inventory._session(write=False) as con:
            return iter([row[0] for row in con.execute("select key from settings order by key").fetchall()])

    def __len__(self):
        with self._inventory._session(write=False) as con:
            return con.execute("select count(*) from settings").fetchall()[0][0]

    def __repr__(self):
        return f"Settings({dict(self)!r})"


class Inventory:
    """A number inventory in a DuckDB database; every rule, as of `as_of`."""

    def __init__(self, path=":memory:", read_only=False, wait=DEFAULT_WAIT):
        self.path = str(path)
        self.read_only = read_only
        self.wait = wait
        self._as_of = None
        self._current = None
        self._indexes_dropped = False   # a bulk rewrite runs: its indexes come back at its end
        self._con = None
        self._con_writes = False
        self._held = False              # asked for by `con` or `holding()`: kept until let go
        self._session_depth = 0         # operations running on the connection
        self._opened_at = 0.0
        self._reopen_after = 0.0
        self._lingering = None          # the timer that lets an idle file go
        self._lock = threading.RLock()
        self._host = None if self.path == ":memory:" else _Host(self.path)
        _open_inventories.add(self)
        self.settings = Settings(self)
        _others_let_go(self)
        con = self._open_file(read_only)
        try:
            con = self._prepare(con)
        except BaseException:
            self._close_file(con)
            raise
        if self._host is None:     # a memory database lives in its connection
            self._use(con)
            self._con_writes = self._held = True
        else:
            self._close_file(con)

    def _open_file(self, read_only):
        return _open(self.path, read_only, self.wait, self._host)

    def _close_file(self, con, quiet=False):
        if self._host is None:
            con.close()
        else:
            self._host.detach(con, quiet)

    def _prepare(self, con):
        """Create or update the schema; a read-only open only checks that it is a numkit
        database this numkit can read as it is, and never writes."""
        if not self.read_only:
            create_objects(con, self.path)
            return con
        state = schema_state(con, self.path)
        if state is NEW:
            raise InvalidOperation(f"{self.path} is not a numkit database (load an export first)")
        if state is OLDER:
            refuse_older(self.path, con)
        return con

    def _use(self, con):
        self._con = con
        # A kernel would show (and a report run would save) DuckDB's progress bar widget.
        con.execute("set enable_progress_bar = false")
        if self._as_of is not None:
            con.execute("set variable numkit_as_of = $d", {"d": self._as_of})

    @property
    def con(self):
        """The DuckDB connection. Asking for it outside an operation holds the file (other
        processes wait) until `close()`; later calls open it again as needed."""
        with self._lock:
            if self._con is None or (self._session_depth == 0 and not self._held):
                self._connect(write=not self.read_only)
                self._held = True
            return self._con

    def _connect(self, write):
        """Make self._con a connection that can write if `write`, reusing a lingering one."""
        self._stop_lingering()
        if self._con is not None and (self._con_writes or not write):
            return
        self._let_go()
        _others_let_go(self)
        time.sleep(max(0.0, self._reopen_after - time.monotonic()))
        self._use(self._open_file(self.read_only or not write))
        self._con_writes = not self.read_only and write
        self._opened_at = time.monotonic()

    @contextlib.contextmanager
    def _session(self, write):
        """The connection for one operation: opened for it, kept LINGER seconds after."""
        with self._lock:
            # inside another operation, or on a held file, the connection there is used
            joining = self._held or self._session_depth
            if not joining or self._con is None:
                self._connect(write)
            self._session_depth += 1
            try:
                yield self._con
            finally:
                self._session_depth -= 1
                self._linger_or_let_go()

    def _linger_or_let_go(self):
        if self._con is None or self._held or self._session_depth:
            return
        if time.monotonic() - self._opened_at >= HOLD_AT_MOST:
            self._let_go()
            self._reopen_after = time.monotonic() + STAND_ASIDE
            return
        self._lingering = threading.Timer(LINGER, self._idle)
        self._lingering.daemon = True
        self._lingering.start()

    def _idle(self):
        with self._lock:
            if self._lingering is not None and not self._held and not self._session_depth:
                self._lingering = None
                self._let_go()

    def _let_go_if_idle(self):
        with self._lock:
            if not self._held and not self._session_depth:
                self._let_go()

    def _stop_lingering(self):
        if self._lingering is not None:
            self._lingering.cancel()
            self._lingering = None

    def _let_go(self, quiet=False):
        self._stop_lingering()
        if self._con is not None:
            con, self._con = self._con, None
            self._close_file(con, quiet)

    @contextlib.contextmanager
    def holding(self, write=True):
        """Keep the file open across several calls (faster; other processes wait meanwhile)."""
        with self._lock:
            was_held = self._held
            self._connect(write)
            self._held = True
            try:
                yield self._con
            finally:
                self._held = was_held
                self._linger_or_let_go()

    def close(self):
        """Let go of the file now (a memory database ends here)."""
        with self._lock:
            if self._current is None and not self._session_depth:
                self._held = False
                self._let_go()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<numkit.Inventory {self.path} as_of={self.as_of}>"

    # -- time ------------------------------------------------------------------------
    @property
    def as_of(self):
        return self._as_of or dt.date.today()

    @as_of.setter
    def as_of(self, value):
        self._as_of = parse_date(value, "as_of")
        if self._con is None:
            return
        if self._as_of is None:
            self._con.execute("reset variable numkit_as_of")
        else:
            self._con.execute("set variable numkit_as_of = $d", {"d": self._as_of})

    # -- plumbing --------------------------------------------------------------------
    @writes
    def sql(self, query, params=None):
        """Run any query; the result as a DataFrame."""
        return self.con.execute(query, params).df() if params is not None else self.con.sql(query).df()

    def _rows(self, query, params=None):
        cursor = self.con.execute(query, params or {})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]

    def _scalar(self, query, params=None):
        return self.con.execute(query, params or {}).fetchall()[0][0]

    @contextlib.contextmanager
    def _operation(self, rehearse=False, gathering=False, what="the change"):
        """One all-or-nothing write: a transaction, committed only if nothing raised (and
        never when rehearsing).

        Operations called inside another operation join its transaction, so a batch of
        operations (several moves, bulk onboarding) is all-or-nothing as a whole. A
        `gathering` operation (a batch, a rehearsal) writes the events of each operation
        run in it as that one ends, so that the log shows them before the whole ends.

        When the disk fails it (no space left), what the file holds is read back: NotSaved
        says `what` was not saved and nothing changed, or the operation ends as done when
        DuckDB, though it reported the failure, did save it.
        """
        if self.read_only:
            raise InvalidOperation(f"{self.path} is open read-only (numkit.connect(..., "
                                   "read_only=True)): connect without read_only to change it")
        if self._current is not None:
            if rehearse:
                raise InvalidOperation("a rehearsal cannot run inside a batch or an operation")
            joined = self._current
            joined.depth += 1
            logged_before = joined.logged
            try:
                yield joined
            except NumkitError as refusal:
                # Every change is logged as it is made: a refusal after a logged change left
                # rows changed in the shared transaction, which no caller may commit.
                if joined.logged > logged_before and joined.broken_by is None:
                    joined.broken_by = refusal
                raise
            finally:
                joined.depth -= 1
            if joined.gathering and joined.depth == 0:
                joined.write_events()
            return
        if self._as_of is None:  # rules use today, and so must the change, even past midnight
            self.con.execute("set variable numkit_as_of = $d", {"d": self.as_of})
        self.con.begin()
        operation_id = None
        committing = False
        disk_failed = None
        try:
            operation_id = self._scalar("select nextval('operation_ids')")
            self._current = Operation(self.con, operation_id, self.as_of, gathering)
            yield self._current
            refusal = self._current.broken_by
            if refusal is not None:
                raise InvalidOperation(
                    f"an operation in this batch was refused after it had changed rows "
                    f"({type(refusal).__name__}: {refusal}); the batch is undone: nothing "
                    "changed") from refusal
            if rehearse:
                self.con.rollback()
            else:
                self._current.write_events()
                committing = True
                self.con.commit()
        except BaseException as error:
            disk_failed = storage_failure(error, self.path, committing)
            try:
                self.con.rollback()
            except duckdb.TransactionException:
                # a commit that failed has ended the transaction already
                if disk_failed is None:
                    raise
            if disk_failed is None:
                raise
            failure = error
        finally:
            ended, self._current = self._current, None
            if self._as_of is None:
                self.con.execute("reset variable numkit_as_of")
            for put_back in ended.after_end if ended is not None else ():
                put_back()
        if disk_failed is not None:
            self._read_back(operation_id, what, disk_failed, failure, committing)

    def _read_back(self, operation_id, what, reason, failure, committed_it_all):
        """After the disk failed an operation: what the file holds, read afresh (a failed
        commit may have saved it all the same, and a failed one invalidates the attached
        file). Returns when the operation was saved whole; else NotSaved."""
        self._let_go(quiet=True)
        if self._host is None:      # a memory database has no file to read back
            raise NotSaved(f"{what} was not saved: {reason}; nothing changed", what,
                           reason) from None
        try:
            con = self._open_file(True)
        except NumkitError as error:
            raise NotSaved(f"{what} may not have been saved: {reason}, and {self.path} could "
                           f"not be read back ({error})", what, reason) from failure
        try:
            saved = con.execute("select exists (select 1 from events where operation_id = $id)",
                                {"id": operation_id}).fetchall()[0][0]
        finally:
            self._close_file(con, quiet=True)
        if saved and committed_it_all:
            log.warning("%s was saved, though DuckDB reported a failure (%s): free some space "
                        "before the next change", what[0].upper() + what[1:], reason)
            return
        if saved:   # the operation raised before it was done, yet something was saved
            raise NotSaved(f"{what} failed ({reason}) but part of it is in {self.path}: "
                           "restore it from a copy", what, reason) from failure
        raise NotSaved(f"{what} was not saved: {reason}; nothing changed", what, reason) from None

    @contextlib.contextmanager
    def batch(self):
        """A context in which several operations form one transaction, all or nothing."""
        with self._session(write=True), self._operation(gathering=True) as op:
            yield op

    @contextlib.contextmanager
    def rehearsal(self):
        """Operations inside run as usual, each seeing the ones before, and are all undone
        at the end: what-if runs on the inventory itself, without copying it."""
        with self._session(write=True), self._operation(rehearse=True, gathering=True):
            yield self

    @reads
    def scratch_copy(self):
        """An in-memory copy of this inventory, for what-if runs that must not touch it."""
        copy = Inventory()
        copy.as_of = self._as_of
        for table in COPIED_TABLES:
            frame = self.con.sql(f"select * from {table}").to_arrow_table()
            copy.con.register("copied", frame)
            copy.con.execute(f"delete from {table}")
            copy.con.execute(f"insert into {table} select * from copied")
            copy.con.unregister("copied")
        refresh_derived(copy.con)
        return copy

    def require_node(self, node):
        """The node's path; UnknownNode when the hierarchy has no such node."""
        if node is None or not self._scalar("select count(*) from nodes where node = $n",
                                            {"n": str(node)}):
            raise UnknownNode(f"no node {node!r} in the hierarchy")
        return str(node)

    @reads
    def active_user(self, username):
        """The active user's row ({username, node}) or None; case-insensitive."""
        rows = self._rows("select username, node from users where lower(username) = lower($u)",
                          {"u": str(username).strip()})
        return rows[0] if rows else None

    def require_user(self, username):
        """The active user's row ({username, node}); UnknownUser when there is none."""
        user = self.active_user(username)
        if user is None:
            raise UnknownUser(f"no active user {username!r}")
        return user

    def rows_of(self, numbers, node=None):
        """Every row holding one of `numbers` (at `node` when given), as dicts."""
        # the node's id lets DuckDB read only that node's blocks
        where_node = ("and node = $node and node_id = (select node_id from nodes where node = $node)"
                      if node is not None else "")
        return self._rows(
            f"select {', '.join(ROW_FIELDS)} from numbers "
            f"where number in (select unnest($numbers)) {where_node}",
            {"numbers": list(numbers), **({"node": node} if node is not None else {})})

    # -- load ------------------------------------------------------------------------
    @writes
    def load(self, numbers, users=None, hierarchy=None, *, as_of=None, strict=True, progress=None,
             extra_columns=(), allow_future=False, pending="keep"):
        """Replace the inventory with a snapshot, all or nothing (README, "Loading exports").
        The changes pending before it are reconciled with the export (README, "Round trip
        with VOSS"), or dropped with `pending="discard"`.

        `progress(fraction, step)`, when given, is called as each step of the load begins.
        `extra_columns` names headers to keep as extra columns though they look like
        misspellings of known ones (which are refused otherwise). A snapshot date after
        tomorrow is refused unless `allow_future`.
        """
        as_of = parse_date(as_of, "as_of") or self.as_of
        load.refuse_future_date(as_of, allow_future)
        pending = reconcile.pending_choice(pending)
        with self._bulk_rewrite("the load"):
            return load.load_snapshot(self, numbers, users, hierarchy, as_of=as_of,
                                      strict=strict, progress=progress,
                                      extra_columns=extra_names(extra_columns),
                                      pending=pending)

    @writes
    def forget_latest_snapshot(self):
        """Go back to the snapshot before the latest, all or nothing: its numbers, users and
        nodes, the deletions the latest load recorded taken back (logged in events). Refused
        when there is none before, or when operations were made after the latest load.
        Returns {"load_id", "as_of", "back_to": {"load_id", "as_of"}}."""
        with self._bulk_rewrite("forgetting the snapshot"):
            return forget.forget_latest_snapshot(self)

    @contextlib.contextmanager
    def _bulk_rewrite(self, what):
        """Indexes dropped for a bulk rewrite and built again after it; a rewrite inside
        another (each snapshot of a folder) leaves that to the outer one, which builds them
        once. `what` names the rewrite ("the load") for a disk failure."""
        if self._indexes_dropped:
            yield
            return
        self._indexes_dropped = True
        begun = rewritten = False
        try:
            with indexes_rebuilt(lambda: self.con):
                begun = True
                yield
                rewritten = True
        except duckdb.Error as error:
            reason = storage_failure(error, self.path)
            if reason is not None and not begun:
                # dropping an index is a change of its own: a full disk refuses it first
                self._let_go(quiet=True)
                raise NotSaved(f"{what} was not saved: {reason}; nothing changed", what,
                               reason) from None
            if not rewritten or reason is None:
                raise
            # the rewrite is saved; an index is only a shortcut, and the next open builds it
            self._let_go(quiet=True)
            log.warning("%s: its indexes could not be built again (%s); they are built when it "
                        "is next opened with space to spare", self.path, reason)
        finally:
            self._indexes_dropped = False

    # -- read ------------------------------------------------------------------------
    @reads
    def available_numbers(self, username, node, limit=None):
        """The candidates for `username` at `node`, best first (the first `limit` of them),
        numbered by `position` from 1."""
        query = "select * from available_numbers($u, $n)"
        params = {"u": str(username).strip(), "n": str(node)}
        if limit is not None:
            query += " limit $limit"
            params["limit"] = row_limit(limit)
        candidates = short_frame(self.con.execute(query, params), numbered=True)
        if candidates.empty:    # none, or no such node: only then is it worth asking
            self.require_node(node)
        return candidates

    @reads
    def next_available(self, username, node):
        """The first candidate, or None when there is none."""
        rows = self.con.execute("select number from available_numbers($u, $n) limit 1",
                                {"u": str(username).strip(), "n": str(node)}).fetchall()
        if not rows:
            self.require_node(node)
        return rows[0][0] if rows else None

    @reads
    def belonging_to(self, username, node=None):
        """Rows reserved for `username` (visible from `node` when given)."""
        if node is not None:
            node = self.require_node(node)
        return self.con.execute("select * from belonging_to($u, $n)",
                                {"u": str(username).strip(), "n": node}).df()

    @reads
    def why_not(self, number, username, node):
        """Why `number` cannot be given to `username` at `node`; None when it can."""
        number = single_number(number)
        return self._scalar("select why_not($number, $u, $n)",
                            {"number": number, "u": str(username).strip(),
                             "n": self.require_node(node)})

    @reads
    def preview_move(self, username, dest, policy="replace"):
        """What moving the user would do to each number involved; nothing changes."""
        return moves.plan_move(self, username, dest, policy).frame()

    @reads
    def preview_each_move(self, moves, policy="replace"):
        """preview_move for each (username, destination) in `moves`, each on its own against
        the inventory as it is, read at once for the whole list: username, destination, the
        preview's columns, and `refused` (why, for a move that would be refused)."""
        return each_move.preview_each_move(self, moves, policy)

    @reads
    def deleted_user_reservations(self, older_than_days=0):
        """Rows reserved for a username no active user has: deleted users' at least
        `older_than_days` days after their deletion, never-onboarded users' always."""
        days = whole_days(older_than_days, "older_than_days")
        return frame(self.con.sql(
            "select * from deleted_user_reservations "
            "where category = 'never_onboarded' or days_since_deleted >= $days",
            params={"days": days}))

    @reads
    def stuck_cooling(self):
        """Cooling rows that will never become Available by themselves (no end date, or
        one VOSS's daily job no longer looks back to)."""
        return frame(self.con.sql("select * from stuck_cooling"))

    @reads
    def stranded_reservations(self):
        """Rows reserved for an active user that the user cannot see from their node."""
        return frame(self.con.sql("select * from stranded_reservations"))

    @reads
    def utilization(self, level=None):
        """node_utilization, every node or only the nodes of one type."""
        if level is None:
            return frame(self.con.sql("select * from node_utilization"))
        node_type = canonical_spelling(level, NODE_TYPES)
        if node_type is None:
            raise InvalidOperation(f"unknown level {level!r}; one of {', '.join(NODE_TYPES)}")
        return frame(self.con.sql("select * from node_utilization where type = $t",
                                  params={"t": node_type}))

    @reads
    def check(self):
        """Invariant violations; empty when the inventory is sound."""
        return self.sql("select * from invariant_violations")

    @reads
    def events(self):
        """Every change logged, oldest first: one row per number or user an operation changed."""
        return self.sql("select * from events order by event_id")

    @reads
    def snapshots(self):
        """Every load: load_id, loaded_at, as_of, files (with checksums), row counts."""
        return self.sql("select * from loads order by load_id")

    @reads
    def snapshot_changes(self, from_load=None, to_load=None):
        """What changed between two loads (default: the latest two); empty with fewer."""
        loads = self.snapshots()["load_id"].tolist()
        to_load = loads[-1] if to_load is None and loads else to_load
        if from_load is None:
            earlier = [load for load in loads if to_load is not None and load < to_load]
            from_load = earlier[-1] if earlier else None
        for load_id in (from_load, to_load):
            if load_id is not None and load_id not in loads:
                raise InvalidOperation(f"no snapshot {load_id}; loaded: {loads}")
        return self.con.execute("select * from snapshot_changes($a, $b)",
                                {"a": from_load, "b": to_load}).df()

    @reads
    def pending_changes(self):
        """The decisions made in numkit that VOSS does not have yet: the difference between
        the inventory and the snapshot it was last loaded from, one row per changed field
        (README, "Round trip with VOSS"): kind (row_added, row_removed, row_changed,
        user_added, user_deleted, user_moved), number, node, username, field, voss_value
        (as last loaded), numkit_value (now), decided_at (the earliest event that made it),
        event_ids."""
        return frame(self.con.sql("select * from pending_changes"))

    @reads
    def pending_summary(self):
        """How much is pending, at a glance: {"changes" (one per changed field), "rows"
        (number rows concerned), "users" (users concerned), "oldest" (the earliest
        decided_at, None when nothing is pending), "oldest_days" (its age in whole days at
        as_of)}."""
        return self._rows(statement("pending_summary"))[0]

    @reads
    def export_changes(self, out_dir, mapping=None):
        """Write the pending changes for VOSS into `out_dir` (README, "Carrying decisions to
        VOSS"): changes.csv, voss-bulk-load.xlsx (its field names from `mapping`, a JSON
        file or dict; default numkit's voss_fields.json) and users-to-action.csv. Returns
        what was written (paths, changes, users, rows per sheet); nothing is sent."""
        return handoff.export_changes(self, out_dir, mapping)

    @reads
    def reconciliations(self, load_id=None):
        """What a load (default: the latest) did with the changes pending before it, one row
        per field: outcome (applied, pending, conflict, discarded) and the change's columns,
        with export_value (what the export showed) and, for a conflict, the reason."""
        return frame(self.con.sql(
            "select * from reconciliations "
            "where load_id = coalesce($id, (select max(load_id) from loads)) "
            "order by outcome, number is null, number_value(number), number, node, kind, field, "
            "lower(username)", params={"id": load_id}))

    @reads
    def reconciliation_counts(self, load_id=None):
        """How many changes a load (default: the latest) found applied, still pending, in
        conflict or discarded (a number row or a user each), with describe() for one line."""
        return reconcile.counted(self.con, load_id)

    @reads
    def nodes(self):
        """The hierarchy: node, parent, type, depth (0 for a root), in path order."""
        return self.sql("select node, parent, type, len(string_split(node, '.')) - 1 as depth "
                        "from nodes order by node")

    @reads
    def users(self):
        """Active users: username, node."""
        return self.sql("select username, node from users order by lower(username)")

    @reads
    def user_status(self, username):
        """{"state": "active" | "deleted" | "new", "node", "deleted_at"} of a username."""
        user = self.active_user(username)
        if user:
            return {"state": "active", "node": user["node"], "deleted_at": None}
        deleted = self._rows("select node, deleted_at from deleted_users "
                             "where lower(username) = lower($u) order by deleted_at desc limit 1",
                             {"u": str(username).strip()})
        if deleted:
            return {"state": "deleted", **deleted[0]}
        return {"state": "new", "node": None, "deleted_at": None}

    # -- write -----------------------------------------------------------------------
    @writes
    def onboard(self, username, node, number=None):
        """Create the user at `node` and give them their numbers; the numbers given."""
        return assignment.onboard(self, username, node, number)

    @writes
    def onboard_many(self, users):
        """Onboard many users at once, all or nothing: a DataFrame (or tuples) of username,
        node and optionally number, taken in order as if onboarded one by one. Returns
        username, node, number for every number given."""
        return bulk.onboard_many(self, users)

    @writes
    def assign(self, number, username, node=None):
        """Give `number` to the active user; NotAssignable (with the why-not reason) when
        the user may not have it at their node."""
        return assignment.assign(self, number, username, node)

    @writes
    def release(self, number, node=None, cooling_days=None):
        """Release a Used row: Cooling for `cooling_days` (default: the setting) when more
        than 0, else Available; the Reserved For flag stays."""
        return assignment.release(self, number, node, cooling_days)

    @writes
    def delete_user(self, username, cooling_days=None):
        """Delete the active user, releasing every row they use; rows reserved for them
        keep the flag (onboarding them again gives those back)."""
        return assignment.delete_user(self, username, cooling_days)

    @writes
    def move_user(self, username, dest, policy="replace"):
        """Move the user to `dest` and return what was done (the columns of preview_move)."""
        return moves.move_user(self, username, dest, policy)

    @writes
    def reserve_for(self, numbers, username, node=None):
        """Flag rows as reserved for `username` (existing or not); with `node`, numbers
        without a row there are created at `node` as Available and flagged."""
        return row_operations.reserve_for(self, numbers, username, node)

    @writes
    def clear_reserved_for(self, numbers, node=None):
        """Empty the Reserved For flag of the rows."""
        return row_operations.clear_reserved_for(self, numbers, node)

    @writes
    def add_numbers(self, numbers, node):
        """Add Available rows at `node`; numbers that would break uniqueness are skipped."""
        return row_operations.add_numbers(self, numbers, node)

    @writes
    def delete_numbers(self, numbers, node=None):
        """Delete rows that are stored Available and reserved for nobody; others are skipped."""
        return row_operations.delete_numbers(self, numbers, node)

    @writes
    def set_status(self, numbers, status, node=None, days=None, notes=None):
        """Set rows stored Available, Reserved or Cooling to `status` (Reserved or Cooling
        for `days`, or Available); Used rows must be released first."""
        return row_operations.set_status(self, numbers, status, node, days, notes)

    @writes
    def cleanup_deleted_reservations(self, older_than_days, dry_run=True):
        """Clear the flag of rows reserved for users deleted at least `older_than_days`
        ago (a dry run only reports); the rows concerned."""
        return row_operations.cleanup_deleted_reservations(self, older_than_days, dry_run)

    def cooling_days(self, cooling_days=None):
        """The cooling period of a release: the argument, else the setting."""
        if cooling_days is None:
            try:
                return whole_days(self.settings["cooling_days"], "the cooling_days setting")
            except InvalidOperation as error:    # stored by plain SQL, or before the bound
                raise InvalidOperation(f"{error} (set inv.settings['cooling_days'] again "
                                       "to put it right)") from None
        return whole_days(cooling_days, "cooling_days")
