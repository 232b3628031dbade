"""Inventory: the Python API over the SQL rules, one DuckDB database (its file kept by
storage.Storage, the operations in their own modules)."""

import contextlib
import functools
import json

from . import handoff
from .arguments import parse_date, row_limit, whole_days
from .codes import NODE_TYPES, canonical_spelling
from .errors import InvalidOperation, UnknownNode, UnknownNumber, UnknownUser, did_you_mean
from .frames import frame, short_frame
from .loading import forget, load, preview, reconcile
from .numbering import parse_numbers, single_number
from .operations import assignment, bulk, each_move, moves, onboarding_plan, reserving, whatif
from .operations import rows as row_operations
from .operations.changes import ROW_FIELDS
from .schema import statement
from .settings import Settings
from .storage import DEFAULT_WAIT, Storage


def connect(path=":memory:", read_only=False, wait=DEFAULT_WAIT):
    """Open (creating if needed) the inventory database at `path`.

    A database file is opened only while operations run (and for LINGER seconds after, for
    the next one), so several processes (two notebooks, a scheduled report) can share it;
    one that finds it busy waits up to `wait` seconds, then raises InventoryLocked.
    """
    return Inventory(path, read_only=read_only, wait=wait)


def reads(method):
    """The method reads the database: it gets a connection for its duration."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.store.session(write=False):
            return method(self, *args, **kwargs)
    return wrapper


def writes(method):
    """The method may write: it gets a read-write connection for its duration."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.store.session(write=True):
            return method(self, *args, **kwargs)
    return wrapper


class Inventory:
    """A number inventory in a DuckDB database; every rule, as of `as_of`."""

    def __init__(self, path=":memory:", read_only=False, wait=DEFAULT_WAIT):
        # the file, its connection and the operations' transaction (storage.py)
        self.store = Storage(path, read_only=read_only, wait=wait)
        self.settings = Settings(self.store)

    @property
    def path(self):
        return self.store.path

    @property
    def read_only(self):
        return self.store.read_only

    @property
    def wait(self):
        return self.store.wait

    @property
    def con(self):
        """The DuckDB connection. Asking for it outside an operation holds the file (other
        processes wait) until `close()`; later calls open it again as needed."""
        return self.store.con

    def holding(self, write=True):
        """Keep the file open across several calls (faster; other processes wait meanwhile)."""
        return self.store.holding(write)

    def close(self):
        """Let go of the file now (a memory database ends here)."""
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<numkit.Inventory {self.path} as_of={self.as_of}>"

    # -- time ------------------------------------------------------------------------
    @property
    def as_of(self):
        return self.store.as_of

    @as_of.setter
    def as_of(self, value):
        self.store.as_of = parse_date(value, "as_of")

    # -- plumbing --------------------------------------------------------------------
    @writes
    def sql(self, query, params=None):
        """Run any query; the result as a DataFrame."""
        return self.con.execute(query, params).df() if params is not None else self.con.sql(query).df()

    @contextlib.contextmanager
    def batch(self):
        """A context in which several operations form one transaction, all or nothing."""
        with self.store.session(write=True), self.store.operation(gathering=True) as op:
            yield op

    @contextlib.contextmanager
    def rehearsal(self):
        """Operations inside run as usual, each seeing the ones before, and are all undone
        at the end: what-if runs on the inventory itself, without copying it."""
        with self.store.session(write=True), self.store.operation(rehearse=True, gathering=True):
            yield self

    @reads
    def scratch_copy(self):
        """An in-memory copy of this inventory, for what-if runs that must not touch it."""
        copy = Inventory()
        copy.store.as_of = self.store.fixed_as_of
        self.store.copy_into(copy.store)
        return copy

    def require_node(self, node):
        """The node's path; UnknownNode when the hierarchy has no such node, saying when it
        has none at all (a mistyped database path opens a new, empty file) or which nodes
        the name may mean (`Site-B` for its full path, another case)."""
        if node is not None and self.store.scalar("select count(*) from nodes where node = $n",
                                                  {"n": str(node)}):
            return str(node)
        if not self.store.scalar("select count(*) from nodes"):
            where = ("this in-memory inventory" if self.store.path == ":memory:"
                     else self.store.path)
            raise UnknownNode(f"no node {node!r}: {where} holds no hierarchy, nothing has been "
                              "loaded into it (is it the database you meant?)")
        literal = "" if node is None else str(node)
        meant = [row["node"] for row in self.store.rows(
            "select node from nodes where lower(node) = lower($n) "
            "or ends_with(lower(node), '.' || lower($n)) order by node limit 4",
            {"n": literal})] if literal else []
        hint = did_you_mean(meant)
        raise UnknownNode(f"no node {node!r} in the hierarchy" + (f"; {hint}" if hint else ""))

    @reads
    def active_user(self, username):
        """The active user's row ({username, node}) or None; case-insensitive."""
        rows = self.store.rows("select username, node from users where lower(username) = lower($u)",
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
        return self.store.rows(
            f"select {', '.join(ROW_FIELDS)} from numbers "
            f"where number in (select unnest($numbers)) {where_node}",
            {"numbers": list(numbers), **({"node": node} if node is not None else {})})

    # -- load ------------------------------------------------------------------------
    # not @writes: a load that puts scattered rows back in order compacts the file after its
    # operation, with no session open (load.row_order)
    def load(self, numbers, users=None, hierarchy=None, *, as_of=None, strict=True, progress=None,
             extra_columns=(), allow_future=False, pending="keep"):
        """Replace the inventory with a snapshot, all or nothing (README, "Loading exports").
        The changes pending before it are reconciled with the export (README, "Round trip
        with VOSS"), or dropped with `pending="discard"`.

        `progress(fraction, step)`, when given, is called as each step of the load begins.
        `extra_columns` names headers to keep as extra columns though they look like
        misspellings of known ones (which are refused otherwise). A snapshot date after
        tomorrow is refused unless `allow_future`.

        A load that finds the number rows scattered compacts the file after it, with them
        back in node order (rules R36; `LoadReport.reordered`): a connection taken from
        `con` before is closed then, as by `compact()`.
        """
        return load.load_export(self, numbers, users, hierarchy, as_of=as_of, strict=strict,
                                progress=progress, extra_columns=extra_columns,
                                allow_future=allow_future, pending=pending)

    def preview_load(self, numbers, users=None, hierarchy=None, *, as_of=None, strict=True,
                     extra_columns=(), allow_future=False, pending="keep", progress=None):
        """What `load` with the same arguments would do, and nothing changes: a LoadPlan
        with the number rows it adds, removes and changes, the users it records as deleted
        (and adds, moves or drops), and what becomes of each change pending before it
        (confirmed, overridden, still pending). The load itself is run and undone, so the
        plan is the load's; a refused export raises the load's LoadError."""
        return preview.preview_load(self, numbers, users, hierarchy, as_of=as_of, strict=strict,
                                    extra_columns=extra_columns, allow_future=allow_future,
                                    pending=pending, progress=progress)

    @reads
    def current_snapshot(self):
        """The snapshot loaded now, or None before any load: {"load_id", "as_of" (the
        snapshot date), "loaded_at", "files" (one dict per file: role, file as given, path,
        bytes and rows, those known), "numbers", "users", "nodes" (as loaded), "rejected",
        "deleted_users" (how many the load recorded)}."""
        rows = self.store.rows("select * from loads order by load_id desc limit 1")
        if not rows:
            return None
        latest = rows[0]
        files = json.loads(latest.pop("files") or "{}")
        latest["files"] = [{"role": role, "file": facts.get("file"), "path": facts.get("path"),
                            "bytes": facts.get("bytes"), "rows": facts.get("rows")}
                           for role, facts in files.items()]
        return latest

    @writes
    def forget_latest_snapshot(self):
        """Go back to the snapshot before the latest, all or nothing: its numbers, users and
        nodes, the deletions the latest load recorded taken back (logged in events). Refused
        when there is none before, or when operations were made after the latest load.
        Returns {"load_id", "as_of", "back_to": {"load_id", "as_of"}}."""
        with self.store.bulk_rewrite("forgetting the snapshot"):
            return forget.forget_latest_snapshot(self)

    def compact(self):
        """Give the database file's free blocks back (DuckDB reuses them but never shortens
        the file): the database is copied into a new file, checked, and put in the file's
        place; on any failure the file stays as it was. Returns {"before_bytes",
        "after_bytes", "free_blocks_before", "blocks_before"}."""
        return self.store.compact()

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

    # -- the whole user, before onboarding -------------------------------------------
    @reads
    def user_numbers(self, username, node=None):
        """Every row `username` holds (Used By) or that is reserved for them, anywhere, one
        line each: number, node, status, effective_status, holds, reserved, reserved_for,
        used_by, release_date, reservation_notes, visible_from_node (from `node`, else the
        active user's own node; null for a user with neither), distance, and `why` in
        words for a line out of reach from there or not given by onboarding there."""
        return onboarding_plan.user_numbers(self, username, node)

    def preview_onboard(self, username, node, number=None):
        """What `onboard(username, node, number)` would do, nothing changed: (given, the
        numbers it gives in order; stranded, the user_numbers lines it leaves reserved but
        out of reach). Found by onboarding and undoing it, so it raises what onboard
        raises (UserExists, NotAssignable, NoNumberAvailable, UnknownNode)."""
        return onboarding_plan.preview_onboard(self, username, node, number)

    @reads
    def numbers_without_rows(self, numbers):
        """The numbers among `numbers` (as numbers_named reads them) that no row holds."""
        return onboarding_plan.numbers_without_rows(self, self.numbers_named(numbers))

    @reads
    def number_rows(self, number):
        """Every row holding `number`, wherever it sits, as it stands at as_of (UnknownNumber
        when there is none): the columns of numbers_effective but `extra`, and the nodes the
        row is seen from (R8) besides its own: `nodes_below`, how many, and `below_by_type`,
        a list of {type, nodes}."""
        number = single_number(number)
        rows = self.con.execute(statement("number_rows"), {"number": number}).df()
        if rows.empty:
            # the same digits written otherwise (`+` or leading zeros): likely what was meant
            alike = [row["number"] for row in self.store.rows(
                "select distinct number from numbers where number_order = number_value($n) "
                "order by number limit 3", {"n": number})]
            hint = did_you_mean(alike)
            raise UnknownNumber(f"no row in the inventory holds number {number}"
                                + (f"; {hint}" if hint else ""))
        return rows

    @reads
    def number_versions(self, number):
        """The history of `number` over the loaded snapshots (R36): each version of each row
        holding it, by node, oldest first: node, from_load and from_as_of (the snapshot it
        appeared in), to_load and to_as_of (the first that no longer found it so; empty while
        the latest holds it), and the row's columns (`extra` as JSON text). Empty for a number
        no snapshot held."""
        return self.con.execute(statement("number_versions"),
                                {"number": single_number(number)}).df()

    @reads
    def why_not(self, number, username, node):
        """Why `number` cannot be given to `username` at `node`; None when it can."""
        number = single_number(number)
        return self.store.scalar("select why_not($number, $u, $n)",
                                 {"number": number, "u": str(username).strip(),
                                  "n": self.require_node(node)})

    @reads
    def preview_move(self, username, dest, policy="replace"):
        """What moving the user would do to each number involved; nothing changes."""
        return moves.plan_move(self, username, dest, policy).frame()

    @reads
    def stranded_by_move(self, username, dest, policy="replace"):
        """The move's stranded count (docs/rules.md#r17-move-user): the user's reservations
        the stranded_reservations report lists once the move is done. number, node, action
        (`stranded` for one the move leaves behind, `replace` for a replaced number that
        keeps its flag, empty for one the user could not see before either) and
        already_stranded (the report lists it before the move too). The move's refusals
        raise as preview_move raises them."""
        return self._strands(moves.plan_move(self, username, dest, policy))

    def _strands(self, plan):
        strands = self.con.execute(statement("move_strands"),
                                   {"user": plan.user["username"], "dest": plan.dest,
                                    "policy": plan.policy}).df()
        action = strands["action"].astype(object)
        return strands.assign(action=action.where(action.notna(), None))

    @reads
    def preview_move_with_strands(self, username, dest, policy="replace"):
        """(preview_move, stranded_by_move) of the move, planned once and read together."""
        plan = moves.plan_move(self, username, dest, policy)
        return moves.PreviewWithStrands(plan.frame(), self._strands(plan))

    @reads
    def stranded_reservations_of(self, username):
        """The rows of stranded_reservations reserved for `username`: what the report says
        of the user, as a move's stranded count is judged after it."""
        return frame(self.con.sql(
            "select * from stranded_reservations where lower(reserved_for) = lower($u)",
            params={"u": str(username).strip()}))

    def preview_moves(self, moves, policy="replace"):
        """What-if: every (username, destination) moved in order, each seeing the ones
        before, then undone (on a scratch copy when read-only); a refused move is a line with
        its `conflict` in words. A destination may be a node's full path or its last path
        segment(s) when those name one node under the user's customer
        (docs/rules.md#short-node-names)."""
        return whatif.preview_moves(self, moves, policy)

    def apply_moves(self, moves, policy="replace", only_clean=False):
        """Every move done in order, all or none, in preview_moves' columns. With
        `only_clean`, the moves refused as their turn comes are left out (conflict lines)
        and the others done, in one transaction."""
        return whatif.apply_moves(self, moves, policy, only_clean)

    @staticmethod
    def numbers_named(numbers):
        """The canonical numbers that `numbers` names, as every operation reads it: one
        number, a list, or a range ("1000-1099" or a pair), in the order given."""
        return parse_numbers(numbers)[0]

    @reads
    def rows_seen_from(self, node, numbers, username=None):
        """The rows visible from `node` holding one of `numbers` (one number, a list, or a
        range, as every operation reads them): number, node, reserved_for, used_by, and
        held_for_other (reserved for someone other than `username`)."""
        return self.con.execute(statement("rows_seen_from"),
                                {"node": self.require_node(node),
                                 "numbers": self.numbers_named(numbers),
                                 "user": None if username is None else str(username).strip()}).df()

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

    # -- data quality (docs/rules.md R37 to R39) ---------------------------------------------
    @reads
    def used_out_of_sight(self):
        """Rows used by an active user who cannot see them from their node (R37)."""
        return frame(self.con.sql("select * from used_out_of_sight"))

    @reads
    def inactive_reservations(self):
        """Inactive rows carrying a Reserved For flag: numbers nobody can be given (R38)."""
        return frame(self.con.sql("select * from inactive_reservations"))

    @reads
    def users_without_numbers(self):
        """Active users who use no number, with how many rows are reserved for them (R39)."""
        return frame(self.con.sql("select * from users_without_numbers"))

    @reads
    def node_places(self):
        """Each node with its customer and its site (the nearest Site at or above it), as
        the cleanup report's summary groups them; either empty when there is none."""
        return frame(self.con.sql("select * from node_places"))

    @reads
    def report_figures_at(self, load_id, older_than_days=0):
        """The cleanup report's headline figures at the snapshot `load_id`, judged at its own
        date (R40): {load_id, as_of, held, deleted, never_onboarded, stuck_cooling, stranded,
        nodes_below_alert}."""
        days = whole_days(older_than_days, "older_than_days")
        if load_id not in set(self.snapshots()["load_id"]):
            raise InvalidOperation(f"no snapshot {load_id!r}")
        return self.store.rows("select * from report_figures_at($load, $days)",
                               {"load": int(load_id), "days": days})[0]

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

    # -- trends over the loaded snapshots (docs/rules.md R34, R35) --------------------------
    @staticmethod
    def _node_type(level):
        """The node type `level` names, in numkit's spelling (None: every type)."""
        if level is None:
            return None
        node_type = canonical_spelling(level, NODE_TYPES)
        if node_type is None:
            raise InvalidOperation(f"unknown level {level!r}; one of {', '.join(NODE_TYPES)}")
        return node_type

    @reads
    def utilization_history(self, node=None, level=None):
        """Per snapshot (load_id, as_of) and node: total, available and share_available, as
        node_utilization counts them at that snapshot's own date. `node`: only that node (one
        the hierarchy has now or had at a snapshot); `level`: only the nodes of one type."""
        node_type = self._node_type(level)
        if node is not None and not self.store.scalar(
                "select count(*) from (select node from nodes union all "
                "select node from node_versions) where node = $n", {"n": str(node)}):
            raise UnknownNode(f"no node {node!r} in the hierarchy, now or at any snapshot")
        return frame(self.con.sql("select * from utilization_history($n, $t)",
                                  params={"n": None if node is None else str(node),
                                          "t": node_type}))

    @reads
    def run_out_forecast(self, over=8, level=None, within_weeks=None):
        """Per node of the latest snapshot: available now, net numbers taken per week over
        the last `over` snapshots (least squares), the weeks until the alert share and
        until none are left (None when not falling), and how sure the trend is (snapshots,
        r_squared, confidence). `within_weeks`: only the nodes reaching the alert within
        that many weeks."""
        if isinstance(over, bool) or not isinstance(over, int) or over < 2:
            raise InvalidOperation(f"over must be a whole number of snapshots >= 2 "
                                   f"(a trend needs two), not {over!r}")
        if within_weeks is not None and (isinstance(within_weeks, bool)
                                         or not isinstance(within_weeks, (int, float))
                                         or within_weeks < 0):
            raise InvalidOperation(f"within_weeks must be a number of weeks >= 0, not {within_weeks!r}")
        forecast = frame(self.con.sql("select * from run_out_forecast($over, $t)",
                                      params={"over": over, "t": self._node_type(level)}))
        if within_weeks is None:
            return forecast
        return forecast[forecast["weeks_to_alert"] <= within_weeks].reset_index(drop=True)

    @reads
    def check(self):
        """Invariant violations; empty when the inventory is sound."""
        return self.sql("select * from invariant_violations")

    @reads
    def events(self, number=None):
        """Every change logged, oldest first: one row per number or user an operation changed,
        with who made it (`actor`: NUMKIT_ACTOR, else the operating system's user; None for
        events logged before numkit recorded it, shown as "unknown"); with `number`, only
        the changes to the rows holding it."""
        if number is None:
            return self.sql("select * from events order by event_id")
        return self.sql("select * from events where number = $number order by event_id",
                        {"number": single_number(number)})

    @reads
    def snapshots(self):
        """Every load: load_id, loaded_at, as_of, files (with checksums), row counts."""
        return self.sql("select * from loads order by load_id")

    @reads
    def snapshot_changes(self, from_load=None, to_load=None, *, first=None):
        """What changed between two loads (default: the latest two); empty with fewer.
        `first` keeps that many changes, in the same order (the whole list between
        snapshots far apart can be millions of rows)."""
        if first is not None:
            return self.snapshot_change_summary(from_load, to_load, first=first)[1]
        pair = self._snapshot_pair(from_load, to_load)
        return self.con.execute("select * from snapshot_changes($a, $b)", pair).df()

    @reads
    def snapshot_change_counts(self, from_load=None, to_load=None):
        """How many changes of each kind `snapshot_changes` lists: {change: count}, without
        reading the changes themselves into Python."""
        return self._change_counts(self._snapshot_pair(from_load, to_load))

    def _change_counts(self, pair):
        return dict(self.con.execute(
            "select change, changes from snapshot_change_counts($a, $b)", pair).fetchall())

    @reads
    def snapshot_change_summary(self, from_load=None, to_load=None, *, first=100):
        """(snapshot_change_counts, the first `first` changes of snapshot_changes): what
        `numkit diff` shows. The changes are listed by kind first, so the counts say which
        kinds the first `first` come from, and only those are ordered: between snapshots
        far apart, ordering the millions of every kind cost more than finding them."""
        first = row_limit(first)
        pair = self._snapshot_pair(from_load, to_load)
        counts = self._change_counts(pair)
        kinds, covered = [], 0
        for kind in sorted(counts):
            if covered >= first:
                break
            kinds.append(kind)
            covered += counts[kind]
        # the kinds as literals: DuckDB then drops the other kinds' parts of the query
        # before running it (as a parameter, every part runs and is filtered after)
        listed = ", ".join("'" + kind.replace("'", "''") + "'" for kind in kinds) or "null"
        rows = self.con.execute(
            f"select * from snapshot_changes($a, $b) where change in ({listed}) limit $first",
            {**pair, "first": first}).df()
        return counts, rows

    @reads
    def snapshot_pair(self, from_load=None, to_load=None):
        """The two loads the snapshot_changes methods compare, as (from_load, to_load):
        `to_load` by default the latest, `from_load` the one before it (None when there is
        none, and there is then nothing to compare). Refused when either was never loaded."""
        loads = self.snapshots()["load_id"].tolist()
        to_load = loads[-1] if to_load is None and loads else to_load
        if from_load is None:
            earlier = [load for load in loads if to_load is not None and load < to_load]
            from_load = earlier[-1] if earlier else None
        for load_id in (from_load, to_load):
            if load_id is not None and load_id not in loads:
                raise InvalidOperation(f"no snapshot {load_id}; loaded: {loads}")
        return from_load, to_load

    def _snapshot_pair(self, from_load, to_load):
        from_load, to_load = self.snapshot_pair(from_load, to_load)
        return {"a": from_load, "b": to_load}

    @reads
    def pending_changes(self):
        """The decisions made in numkit that VOSS does not have yet: the difference between
        the inventory and the snapshot it was last loaded from, one row per changed field
        (README, "Round trip with VOSS"): kind (row_added, row_removed, row_changed,
        user_added, user_deleted, user_moved), number, node, username, field, voss_value
        (as last loaded), numkit_value (now), decided_at (the earliest event that made it),
        decided_by (who made its events: their actors, each once, in the order each first
        acted, "unknown" for events logged before numkit recorded it), event_ids."""
        return frame(self.con.sql("select * from pending_changes"))

    @reads
    def pending_summary(self):
        """How much is pending, at a glance: {"changes" (one per changed field), "rows"
        (number rows concerned), "users" (users concerned), "oldest" (the earliest
        decided_at, None when nothing is pending), "oldest_days" (its age in whole days at
        as_of)}."""
        return self.store.rows(statement("pending_summary"))[0]

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
        with export_value (what the export showed), for a conflict the reason, and
        decided_by (who made it, as in pending_changes)."""
        return frame(self.con.sql(statement("reconciliations_of_load"), params={"id": load_id}))

    @reads
    def load_rejects(self, load_id=None):
        """The rows a non-strict load (default: the latest) rejected, one line per problem:
        file, row, column, value and reason, as a refused load's LoadError lists them."""
        return frame(self.con.sql(
            "select file, row, \"column\", value, reason from load_rejects "
            "where load_id = coalesce($id, (select max(load_id) from loads)) "
            "order by file, row nulls first, \"column\"", params={"id": load_id}))

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
    def users(self, limit=None):
        """Active users: username, node (the first `limit` of them)."""
        if limit is None:
            return self.sql("select username, node from users order by lower(username)")
        return self.sql("select username, node from users order by lower(username) limit $limit",
                        {"limit": row_limit(limit)})

    @reads
    def user_status(self, username):
        """{"state": "active" | "deleted" | "new", "node", "deleted_at", "username"} of a
        username: `username` as numkit spells it (the active user's, else the latest
        deletion's; None for a new one)."""
        user = self.active_user(username)
        if user:
            return {"state": "active", "node": user["node"], "deleted_at": None,
                    "username": user["username"]}
        deleted = self.store.rows("select node, deleted_at, username from deleted_users "
                                  "where lower(username) = lower($u) order by deleted_at desc limit 1",
                                  {"u": str(username).strip()})
        if deleted:
            return {"state": "deleted", **deleted[0]}
        return {"state": "new", "node": None, "deleted_at": None, "username": None}

    @reads
    def names_like(self, username):
        """Up to three names numkit knows (active users, deleted ones, names Reserved For
        flags hold) within two letters of `username`, case aside, closest first: what a
        name nothing holds was likely meant to be."""
        return [row["name"] for row in self.store.rows(statement("names_like"),
                                                        {"u": str(username).strip()})]

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
    def reserve_next(self, username, node, count, notes=None, until=None):
        """Flag for `username` the first `count` candidates at `node` of a user with no
        reservations, in candidate order; `notes` become their reservation notes and, with
        `until` (a date), they are Reserved until then (docs/rules.md#r33-reserve-next).
        NoNumberAvailable, nothing changed, when there are fewer. Returns number, node."""
        return reserving.reserve_next(self, username, node, count, notes, until)

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
    def cleanup_deleted_reservations(self, older_than_days, dry_run=True, keep=None):
        """Clear the flag of rows reserved for users deleted at least `older_than_days`
        ago (a dry run only reports); the rows concerned, with their reservation notes.
        `keep`: rows left as they are, as (number, node) pairs or a frame with those
        columns; each must be one the cleanup would clear."""
        return row_operations.cleanup_deleted_reservations(self, older_than_days, dry_run, keep)

    def cooling_days(self, cooling_days=None):
        """The cooling period of a release: the argument, else the setting."""
        if cooling_days is None:
            try:
                return whole_days(self.settings["cooling_days"], "the cooling_days setting")
            except InvalidOperation as error:    # stored by plain SQL, or before the bound
                raise InvalidOperation(f"{error} (set inv.settings['cooling_days'] again "
                                       "to put it right)") from None
        return whole_days(cooling_days, "cooling_days")
