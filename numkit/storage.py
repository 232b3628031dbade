"""Keeping the inventory's database file: opening it (waiting while another process holds
it), keeping it open a moment for the next operation, letting it go, and running each
operation as one all-or-nothing transaction that survives a failing disk.

`Storage` is what the operations and the loader use: `con`, `rows`, `scalar`,
`operation`, `session`, `bulk_rewrite`. It knows the file and the transaction, never the
rules' API above it.
"""

import atexit
import contextlib
import datetime as dt
import logging
import os
import re
import threading
import time
import weakref

import duckdb

from .operations.changes import Operation
from .database_files import refuse_other_files
from .disk import storage_failure
from .errors import InvalidOperation, InventoryLocked, NotSaved, NumkitError
from .schema import (NEW, OLDER, BulkRewrite, create_objects, indexes_rebuilt, refresh_derived,
                     refuse_older, schema_state)

# What a scratch copy takes; every other table is derived from these.
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
# How long the interpreter's exit waits for a lingering timer's thread to end: its longest
# work is closing the file (a checkpoint after a write).
LET_GO_AT_EXIT_WITHIN = 30.0
# Rows per row group written through numkit (DuckDB's default is 122,880): a question
# about one site reads whole row groups, and a site with its customer's pool is some
# 20,000 rows (the measured effect: benchmarks/README.md, "Row groups of 32,768 rows").
# DuckDB takes it per attach: it is not kept in the file.
ROW_GROUP_ROWS = 32_768
# Rows per row group of what a weekly load appends (its changed rows, in node-id order):
# the least DuckDB allows (one vector). A week's changes span every site; in groups of
# 32,768 each viewpoint read one more group a week (available_numbers' p95 +0.5 ms a week
# at 10 M numbers), in groups of 2,048 it rose about 0.5 ms in 9 weeks
# (benchmarks/README.md, "Weekly changes appended in small row groups").
CHANGE_GROUP_ROWS = 2_048


class _Host:
    """An in-memory DuckDB instance to which an inventory attaches its file for each
    operation, instead of opening an instance of the file: creating an instance costs
    several times what attaching a file does (benchmarks/README.md), and an inventory opens
    its file again for every operation after a pause. Detaching checkpoints the file and
    releases its lock, as closing a connection does; DuckDB refuses to open a file attached
    here a second time in this process."""

    ALIAS = "inventory"

    def __init__(self, path):
        self.path = path
        self._instance = None

    def attach(self, read_only, group_rows=ROW_GROUP_ROWS):
        if self._instance is None:
            # spill next to the file, where an instance of the file itself would
            self._instance = duckdb.connect(config={"temp_directory": f"{self.path}.tmp"})
        quoted = "'" + self.path.replace("'", "''") + "'"
        options = f"{'read_only, ' if read_only else ''}row_group_size {group_rows}"
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


def _open(path, read_only, wait=0.0, host=None, group_rows=ROW_GROUP_ROWS):
    """A DuckDB connection, waiting while another process holds the file; with a `host`,
    the file is attached to the host's instance, rows written into row groups of
    `group_rows` rows."""
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
                return host.attach(read_only, group_rows)
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


_open_stores = weakref.WeakSet()
# Every lingering timer, held here until its thread has ended and a later timer (or the
# interpreter's exit) lets it go: a timer holds its store, and were the timer's thread the
# last to hold it, the store would be freed there, its DuckDB instance with it (_let_all_go).
_linger_timers = set()
_linger_timers_lock = threading.Lock()


def _keep_linger_timer(timer):
    with _linger_timers_lock:
        ended = {kept for kept in _linger_timers if not kept.is_alive()}
        _linger_timers.difference_update(ended)
        _linger_timers.add(timer)
    del ended   # freed here, in the thread that starts timers, not in a timer's


@atexit.register
def _let_all_go():
    """Let every lingering timer's thread end and close every connection before the
    interpreter shuts down. A DuckDB connection closed or freed in another thread while the
    interpreter stops that thread aborts the process ("FATAL: exception not rethrown", exit
    134, after the command had done its work): DuckDB lets go of Python while it closes, and
    a thread that takes Python back during the shutdown is unwound inside DuckDB. So each
    timer is stopped and its thread waited for (at most the close it may be running), and
    the timers, with any inventory only they still held, are freed here."""
    with _linger_timers_lock:
        timers = list(_linger_timers)
        _linger_timers.clear()
    for timer in timers:
        timer.cancel()
    for timer in timers:
        timer.join(timeout=LET_GO_AT_EXIT_WITHIN)
    del timers
    for store in list(_open_stores):
        if store._lock.acquire(timeout=5):
            try:
                store._let_go()
            finally:
                store._lock.release()


def _others_let_go(store):
    """Other stores of this process on the same file let go of it if idle: DuckDB refuses
    to open a file twice in one process."""
    for other in list(_open_stores):
        if other is not store and other.path == store.path:
            other._let_go_if_idle()


class Storage:
    """One inventory database (a file, or memory), opened only while operations run.

    `session(write)` gives the connection for one call of the API, `operation()` one
    all-or-nothing write, `rows`/`scalar` run a query on the connection there is.
    """

    def __init__(self, path=":memory:", read_only=False, wait=DEFAULT_WAIT):
        self.path = str(path)
        self.read_only = read_only
        self.wait = wait
        self._as_of = None
        self._current = None
        self._indexes_dropped = False   # a bulk rewrite runs: its indexes come back at its end
        self._con = None
        self._con_writes = False
        self._group_rows = ROW_GROUP_ROWS       # what rows written go into (row_groups())
        self._con_group_rows = ROW_GROUP_ROWS   # ... on the connection open now
        self._held = False              # asked for by `con` or `holding()`: kept until let go
        self._session_depth = 0         # operations running on the connection
        self._opened_at = 0.0
        self._reopen_after = 0.0
        self._lingering = None          # the timer that lets an idle file go
        self._lock = threading.RLock()
        self._host = None if self.path == ":memory:" else _Host(self.path)
        _open_stores.add(self)
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

    # -- the file ----------------------------------------------------------------------
    def _open_file(self, read_only):
        self._con_group_rows = self._group_rows
        return _open(self.path, read_only, self.wait, self._host, self._group_rows)

    def _attached_as_wanted(self):
        return self._host is None or self._con_group_rows == self._group_rows

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

    @property
    def connection(self):
        """The connection open now, or None when the file is let go; never opens it (for
        tests and diagnostics: whether the file is kept)."""
        return self._con

    @property
    def instance(self):
        """The in-memory DuckDB instance the file is attached to for each operation (kept
        across openings), or None for a memory database or before the first opening."""
        return None if self._host is None else self._host._instance

    def _connect(self, write):
        """Make self._con a connection that can write if `write`, reusing a lingering one."""
        self._stop_lingering()
        if self._con is not None and (self._con_writes or not write) and self._attached_as_wanted():
            return
        self._let_go()
        _others_let_go(self)
        time.sleep(max(0.0, self._reopen_after - time.monotonic()))
        self._use(self._open_file(self.read_only or not write))
        self._con_writes = not self.read_only and write
        self._opened_at = time.monotonic()

    @contextlib.contextmanager
    def session(self, write):
        """The connection for one operation: opened for it, kept LINGER seconds after."""
        with self._lock:
            # inside another operation, or on a held file, the connection there is used
            joining = self._held or self._session_depth
            # attached again for other row groups, but never under a running operation
            if (not joining or self._con is None
                    or (self._current is None and not self._attached_as_wanted())):
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
        self._lingering.name = "numkit-linger"
        self._lingering.daemon = True
        _keep_linger_timer(self._lingering)
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
    def row_groups(self, rows):
        """Rows written meanwhile go into row groups of `rows` rows (a weekly load's
        changes: CHANGE_GROUP_ROWS). DuckDB takes the size per attach, so the next session
        attaches the file again when it is open with another (a connection taken from
        `con` before is closed then); under a running operation the size it was opened with
        stays."""
        with self._lock:
            before, self._group_rows = self._group_rows, rows
            try:
                yield
            finally:
                self._group_rows = before

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

    # -- time --------------------------------------------------------------------------
    @property
    def as_of(self):
        """The date the rules are asked as of: the one set, else today."""
        return self._as_of or dt.date.today()

    @as_of.setter
    def as_of(self, value):
        """A date, or None to follow today."""
        self._as_of = value
        if self._con is None:
            return
        if self._as_of is None:
            self._con.execute("reset variable numkit_as_of")
        else:
            self._con.execute("set variable numkit_as_of = $d", {"d": self._as_of})

    @property
    def fixed_as_of(self):
        """The date set, or None when the rules follow today."""
        return self._as_of

    # -- queries -----------------------------------------------------------------------
    def rows(self, query, params=None):
        """The query's rows, as dicts."""
        cursor = self.con.execute(query, params or {})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]

    def scalar(self, query, params=None):
        """The first column of the query's first row."""
        return self.con.execute(query, params or {}).fetchall()[0][0]

    def copy_into(self, other):
        """Copy the tables into `other` (a fresh store) and derive the rest there."""
        for table in COPIED_TABLES:
            rows = self.con.sql(f"select * from {table}").to_arrow_table()
            other.con.register("copied", rows)
            other.con.execute(f"delete from {table}")
            other.con.execute(f"insert into {table} select * from copied")
            other.con.unregister("copied")
        refresh_derived(other.con)

    # -- the file's free space ---------------------------------------------------------
    def can_compact(self):
        """Whether compact() could run now: a file held for writing, with no operation or
        batch running on it."""
        with self._lock:
            return (self._host is not None and not self.read_only and self._current is None
                    and not self._session_depth)

    def compact(self):
        """Give the file's free blocks back: copy the database into a new file and put that
        in its place (numkit.compaction). Returns the sizes before and after, in bytes."""
        from .compaction import copy_in_place

        if self.read_only:
            raise InvalidOperation(f"{self.path} is open read-only (numkit.connect(..., "
                                   "read_only=True)): connect without read_only to compact it")
        if self._host is None:
            raise InvalidOperation("a memory database has no file to compact")
        with self._lock:
            if self._current is not None or self._session_depth:
                raise InvalidOperation("compacting cannot run inside an operation or a batch")
            self._let_go()
            _others_let_go(self)
            time.sleep(max(0.0, self._reopen_after - time.monotonic()))
            con = self._open_file(False)
            try:
                return copy_in_place(con, _Host.ALIAS, self.path, ROW_GROUP_ROWS)
            finally:
                self._close_file(con)

    # -- writing -----------------------------------------------------------------------
    @property
    def enclosing_operation(self):
        """The operation running now (a batch the caller opened), or None."""
        return self._current

    @contextlib.contextmanager
    def operation(self, rehearse=False, gathering=False, what="the change"):
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
            operation_id = self.scalar("select nextval('operation_ids')")
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
    def bulk_rewrite(self, what):
        """Indexes dropped for a bulk rewrite and built again after it; a rewrite inside
        another (each snapshot of a folder) leaves that to the outer one, which builds them
        once. Yields a schema.BulkRewrite (`rebuild_indexes = False`: a compaction follows,
        which builds them). `what` names the rewrite ("the load") for a disk failure."""
        if self._indexes_dropped:
            yield BulkRewrite()     # the outer rewrite decides
            return
        self._indexes_dropped = True
        begun = rewritten = False
        try:
            with indexes_rebuilt(lambda: self.con) as rewrite:
                begun = True
                yield rewrite
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
