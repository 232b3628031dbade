"""Operations on rows themselves: Reserved For flags, adding and deleting, statuses, cleanup."""

import pandas as pd

from .arguments import clean_username, days_after, user_keys, whole_days
from .changes import ROW_FIELDS
from .codes import (AVAILABLE, CONFLICT, COOLING, EXISTS, NOT_AVAILABLE, NOT_FOUND, RESERVED,
                    RESERVED_FOR_SOMEONE, SETTABLE_STATUSES, canonical_spelling)
from .errors import InvalidOperation
from .moves import path_conflicts
from .naming import name_rows
from .numbering import number_order, parse_numbers

REPORT_COLUMNS = ["number", "node", "result", "reason"]


def _report(lines):
    lines = sorted(lines, key=lambda line: (number_order(line[0]), line[1] or ""))
    return pd.DataFrame(lines, columns=REPORT_COLUMNS, dtype=object)


def _new_row(number, node, reserved_for=None):
    return {"number": number, "node": node, "status": AVAILABLE, "usage": None,
            "reserved_for": reserved_for, "used_by": None, "release_date": None,
            "reservation_notes": None, "description": None}


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
                number = min(conflicts, key=number_order)
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
        op.write_pairs("reserve_for", [(row, {**row, "reserved_for": username}) for row in changed],
                      username)
        op.write_pairs("add_number", [(None, _new_row(n, node, username)) for n in created],
                      username)
    return _report([(r["number"], r["node"], "reserved", None) for r in rows]
                   + [(n, node, "created", None) for n in created] + _skipped_missing(missing))


def clear_reserved_for(inv, numbers, node=None):
    with inv.store.operation() as op:
        rows, missing = name_rows(inv, numbers, node)
        op.write_pairs("clear_reserved_for",
                      [(row, {**row, "reserved_for": None}) for row in rows if row["reserved_for"]])
    return _report([(r["number"], r["node"], "cleared", None) for r in rows]
                   + _skipped_missing(missing))


def add_numbers(inv, numbers, node):
    wanted, _ = parse_numbers(numbers)
    with inv.store.operation() as op:
        node = inv.require_node(node)
        conflicts = path_conflicts(inv, wanted, node)
        added = [n for n in wanted if n not in conflicts]
        op.write_pairs("add_number", [(None, _new_row(n, node)) for n in added])
    skipped = [(n, node, "skipped", EXISTS if node in conflicts[n] else CONFLICT)
               for n in wanted if n in conflicts]
    return _report([(n, node, "added", None) for n in added] + skipped)


def delete_numbers(inv, numbers, node=None):
    with inv.store.operation() as op:
        rows, missing = name_rows(inv, numbers, node)
        deletable, kept = [], []
        for row in rows:
            (deletable if row["status"] == AVAILABLE and not row["reserved_for"] else kept).append(row)
        op.write_pairs("delete_number", [(row, None) for row in deletable])
    lines = [(r["number"], r["node"], "deleted", None) for r in deletable]
    lines += [(r["number"], r["node"], "skipped",
               NOT_AVAILABLE if r["status"] != AVAILABLE else RESERVED_FOR_SOMEONE)
              for r in kept]
    return _report(lines + _skipped_missing(missing))


def set_status(inv, numbers, status, node=None, days=None, notes=None):
    target = canonical_spelling(status, SETTABLE_STATUSES)
    if target is None:
        raise InvalidOperation(f"status can be set to {', '.join(SETTABLE_STATUSES)}, not {status!r}")
    if days is not None:
        if target == AVAILABLE:
            raise InvalidOperation("days apply to Reserved and Cooling, not to Available")
        days = whole_days(days)
    with inv.store.operation() as op:
        rows, missing = name_rows(inv, numbers, node)
        for row in rows:
            if row["status"] not in SETTABLE_STATUSES:
                raise InvalidOperation(f"number {row['number']} at {row['node']} is {row['status']}; "
                                       f"only {', '.join(SETTABLE_STATUSES)} numbers can be set "
                                       "(release a used number first)")
        if target == RESERVED:
            end = None if days is None else days_after(op.as_of, days)
        elif target == COOLING:
            end = days_after(op.as_of, inv.cooling_days(days), "the cooling end date")
        else:
            end = None
        changes = []
        for row in rows:
            after = {**row, "status": target, "release_date": end}
            if target == RESERVED and notes is not None:
                # blank notes clear them, as an empty cell of an export does
                after["reservation_notes"] = notes.strip() or None
            changes.append((row, after))
        op.write_pairs("set_status", changes)
    return _report([(r["number"], r["node"], "set", None) for r in rows] + _skipped_missing(missing))


def cleanup_deleted_reservations(inv, older_than_days, dry_run=True):
    days = whole_days(older_than_days, "older_than_days")
    query = ("select number, node, reserved_for, deleted_at, days_since_deleted "
             "from deleted_user_reservations "
             "where category = 'deleted' and days_since_deleted >= $days")
    if dry_run:
        return inv.con.execute(query, {"days": days}).df()
    with inv.store.operation() as op:
        concerned = inv.con.execute(query, {"days": days}).df()
        op.con.register("concerned", concerned)
        try:
            rows = inv.store.rows(f"select {', '.join(f'numbers.{c}' for c in ROW_FIELDS)} from numbers "
                                  "join concerned using (number, node)")
        finally:
            op.con.unregister("concerned")
        op.write_pairs("cleanup_deleted_reservation",
                      [(row, {**row, "reserved_for": None}) for row in rows])
    return concerned
