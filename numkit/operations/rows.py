"""Operations on rows themselves: Reserved For flags, adding and deleting, statuses, cleanup."""

import pandas as pd

from ..arguments import clean_username, days_after, user_keys, whole_days
from ..codes import (AVAILABLE, CONFLICT, COOLING, EXISTS, NOT_AVAILABLE, NOT_FOUND, RESERVED,
                    RESERVED_FOR_SOMEONE, canonical_spelling)
from ..errors import InvalidOperation
from .moves import path_conflicts
from .naming import name_rows
from ..numbering import number_positions, parse_numbers
from ..rulebook import settable_statuses

REPORT_COLUMNS = ["number", "node", "result", "reason"]


def _report(lines):
    place = number_positions(line[0] for line in lines)
    lines = sorted(lines, key=lambda line: (place[line[0]], line[1] or ""))
    return pd.DataFrame(lines, columns=REPORT_COLUMNS, dtype=object)


def _keys(rows):
    return [(row["number"], row["node"]) for row in rows]


def _skipped_missing(missing):
    return [(number, None, "skipped", NOT_FOUND) for number in missing]


def reserve_for(inv, numbers, username, node=None):
    username = clean_username(username)
    with inv.store.operation() as op:
        if node is None:
            rows, missing = name_rows(inv, numbers)
            created = []
        else:
            node = inv.require_node(node)
            wanted, _ = parse_numbers(numbers)
            rows = inv.rows_of(wanted, node)
            have = {row["number"] for row in rows}
            created, missing = [n for n in wanted if n not in have], []
            conflicts = path_conflicts(inv, created, node)
            if conflicts:
                number = min(conflicts, key=number_positions(conflicts).get)
                raise InvalidOperation(f"cannot create {number} at {node}: a row at "
                                       f"{conflicts[number][0]} holds it on the same path")
        users = [row["used_by"] for row in rows if row["used_by"]]
        key_of = user_keys(inv.con, [username] + users) if users else {}
        for row in rows:
            if row["used_by"] and key_of[row["used_by"]] != key_of[username]:
                raise InvalidOperation(f"number {row['number']} at {row['node']} is used by "
                                       f"{row['used_by']}; release it before reserving it for "
                                       f"{username}")
        changed = [row for row in rows if row["reserved_for"] != username]
        op.write_rows("reserve_for", "flagged_rows", _keys(changed), {"reserved_for": username},
                      username)
        op.add_rows("add_number", created, node, reserved_for=username, username=username)
    return _report([(r["number"], r["node"], "reserved", None) for r in rows]
                   + [(n, node, "created", None) for n in created] + _skipped_missing(missing))


def clear_reserved_for(inv, numbers, node=None):
    with inv.store.operation() as op:
        rows, missing = name_rows(inv, numbers, node)
        op.write_rows("clear_reserved_for", "flagged_rows",
                      _keys(row for row in rows if row["reserved_for"]), {"reserved_for": None})
    return _report([(r["number"], r["node"], "cleared", None) for r in rows]
                   + _skipped_missing(missing))


def add_numbers(inv, numbers, node):
    wanted, _ = parse_numbers(numbers)
    with inv.store.operation() as op:
        node = inv.require_node(node)
        conflicts = path_conflicts(inv, wanted, node)
        added = [n for n in wanted if n not in conflicts]
        op.add_rows("add_number", added, node)
    skipped = [(n, node, "skipped", EXISTS if node in conflicts[n] else CONFLICT)
               for n in wanted if n in conflicts]
    return _report([(n, node, "added", None) for n in added] + skipped)


def delete_numbers(inv, numbers, node=None):
    with inv.store.operation() as op:
        rows, missing = name_rows(inv, numbers, node)
        deletable, kept = [], []
        for row in rows:
            (deletable if row["status"] == AVAILABLE and not row["reserved_for"] else kept).append(row)
        op.write_rows("delete_number", "deleted_rows", _keys(deletable))
    lines = [(r["number"], r["node"], "deleted", None) for r in deletable]
    lines += [(r["number"], r["node"], "skipped",
               NOT_AVAILABLE if r["status"] != AVAILABLE else RESERVED_FOR_SOMEONE)
              for r in kept]
    return _report(lines + _skipped_missing(missing))


def set_status(inv, numbers, status, node=None, days=None, notes=None):
    settable = settable_statuses()
    target = canonical_spelling(status, settable)
    if target is None:
        raise InvalidOperation(f"status can be set to {', '.join(settable)}, not {status!r}")
    if days is not None:
        if target == AVAILABLE:
            raise InvalidOperation("days apply to Reserved and Cooling, not to Available")
        days = whole_days(days)
    with inv.store.operation() as op:
        rows, missing = name_rows(inv, numbers, node)
        for row in rows:
            if row["status"] not in settable:
                raise InvalidOperation(f"number {row['number']} at {row['node']} is {row['status']}; "
                                       f"only {', '.join(settable)} numbers can be set "
                                       "(release a used number first)")
        if target == COOLING:
            days = inv.cooling_days(days)
        elif target == AVAILABLE:
            days = None
        if days is not None:    # refused before any change when the end date cannot be
            days_after(op.as_of, days, "the cooling end date" if target == COOLING else "the end date")
        op.write_rows("set_status", "status_set_rows", _keys(rows),
                      {"status": target, "as_of": op.as_of, "days": days,
                       "set_notes": target == RESERVED and notes is not None, "notes": notes})
    return _report([(r["number"], r["node"], "set", None) for r in rows] + _skipped_missing(missing))


def cleanup_deleted_reservations(inv, older_than_days, dry_run=True, keep=None):
    days = whole_days(older_than_days, "older_than_days")
    kept = _kept_rows(keep)
    query = ("select number, node, reserved_for, reservation_notes, deleted_at, days_since_deleted "
             "from deleted_user_reservations "
             "where category = 'deleted' and days_since_deleted >= $days")
    if dry_run:
        return _leaving_kept(inv.con.execute(query, {"days": days}).df(), kept, days)
    with inv.store.operation() as op:
        concerned = _leaving_kept(inv.con.execute(query, {"days": days}).df(), kept, days)
        op.write_rows("cleanup_deleted_reservation", "flagged_rows",
                      list(zip(concerned["number"], concerned["node"])), {"reserved_for": None})
    return concerned


def _kept_rows(keep):
    """The (number, node) pairs a cleanup leaves as they are: from pairs, or from a frame
    with number and node columns (a dry run's rows)."""
    if keep is None:
        return set()
    if isinstance(keep, pd.DataFrame):
        if not {"number", "node"} <= set(keep.columns):
            raise InvalidOperation("keep names rows by their number and node columns; this table "
                                   f"has {', '.join(map(str, keep.columns)) or 'no columns'}")
        return set(zip(keep["number"], keep["node"]))
    if isinstance(keep, (str, bytes)):
        raise InvalidOperation(f"keep names rows as (number, node) pairs, not {keep!r} alone: a "
                               "number may have rows at several nodes")
    kept = set()
    for pair in keep:
        if isinstance(pair, (str, bytes)) or len(pair) != 2:
            raise InvalidOperation(f"keep names rows as (number, node) pairs, not {pair!r}")
        kept.add(tuple(pair))
    return kept


def _leaving_kept(concerned, kept, days):
    """The rows concerned but those kept; a kept row the cleanup would not clear is refused,
    as a slip that would otherwise keep nothing."""
    keys = list(zip(concerned["number"], concerned["node"]))
    strays = kept - set(keys)
    if strays:
        shown = "; ".join(f"{number} at {node}" for number, node in sorted(strays, key=str))
        raise InvalidOperation(f"keep names {len(strays)} row(s) the cleanup would not clear "
                               f"(not reserved for a user deleted {days}+ days ago): {shown}")
    leaving = pd.Series([key not in kept for key in keys], index=concerned.index, dtype=bool)
    return concerned[leaving].reset_index(drop=True)
