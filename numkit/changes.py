"""One operation = one transaction whose every change to a row or a user is an event."""

import datetime as dt
import json

import pandas as pd

from .schema import statement

ROW_FIELDS = ("number", "node", "status", "usage", "reserved_for", "used_by",
              "release_date", "reservation_notes", "description")


def _as_json(record):
    if record is None:
        return None
    return json.dumps(record, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))


def _concerned_user(before, after):
    for record, field in ((before, "used_by"), (after, "used_by"),
                          (after, "reserved_for"), (before, "reserved_for")):
        if record and record.get(field):
            return record[field]
    return None


def row_events(action, pairs, username=None):
    return [(action, (after or before)["number"], (after or before)["node"],
             username if username is not None else _concerned_user(before, after),
             _as_json(before), _as_json(after))
            for before, after in pairs]


def user_event(action, username, before=None, after=None):
    return (action, None, (after or before or {}).get("node"), username,
            _as_json(before), _as_json(after))


class Operation:
    """The changes of one write operation, applied at once inside its transaction."""

    def __init__(self, con, operation_id, as_of, gathering=False):
        self.con = con
        self.operation_id = operation_id
        self.as_of = as_of
        self.gathering = gathering
        self.depth = 0      # how many operations run inside this one now
        self.at = dt.datetime.now()
        # statements for after the transaction ends (settings an aborted one cannot take)
        self.after_end = []
        # events wait here and are written in one statement when the operation commits, or
        # when an operation inside a gathering one ends (each write to the log costs a few
        # milliseconds; a move makes three)
        self._events = []
        self.logged = 0     # events logged since the operation began, written or not
        # the refusal of an operation inside this one that had already changed rows: its
        # caller may catch it, but this operation can no longer be committed
        self.broken_by = None

    def _log(self, events):
        self._events.extend(events)
        self.logged += len(events)

    def write_events(self):
        """Write the events logged so far, in the order they were logged."""
        if not self._events:
            return
        events, self._events = self._events, []
        frame = pd.DataFrame(events, columns=["action", "number", "node", "username",
                                               "before", "after"], dtype=object)
        self.con.register("new_events", frame)
        try:
            self.con.execute(statement("append_events"),
                             {"operation_id": self.operation_id, "at": self.at, "as_of": self.as_of})
        finally:
            self.con.unregister("new_events")

    def write_rows(self, action, rule, keys, params=None, username=None):
        """Change the rows named by `keys` ((number, node) pairs, in the order their events
        are logged) as the statement `rule` says, from `chosen_rows` (those rows as they
        are), and log each change as an event. Returns how many rows it changed."""
        if not keys:
            return 0
        self.con.execute(statement("stage_chosen_rows"),
                         {"numbers": [number for number, _ in keys],
                          "nodes": [node for _, node in keys]})
        return self._apply_rule(action, rule, params or {}, username)

    def add_rows(self, action, numbers, node, reserved_for=None, username=None):
        """Add a new row for each of `numbers` at `node` (statement added_rows) and log it."""
        if not numbers:
            return 0
        return self._apply_rule(action, "added_rows", {"numbers": list(numbers), "node": node,
                                                       "reserved_for": reserved_for}, username)

    def _apply_rule(self, action, rule, params, username):
        try:
            self.con.execute(statement(rule), params)
            events = self.con.execute(statement("row_change_events"),
                                      {"action": action, "username": username}).fetchall()
            for kind in ("delete", "update", "insert"):
                if any(event[4] == kind for event in events):
                    self.con.execute(statement(f"{kind}_rows"))
        finally:
            self.con.execute("drop table if exists temp.row_changes; "
                             "drop table if exists temp.chosen_rows")
        # the JSON is written as the events that Python makes (users, bulk onboarding) are
        width = len(ROW_FIELDS)
        self._log([(action, number, node, username,
                    None if added else _as_json(dict(zip(ROW_FIELDS, fields[:width]))),
                    None if deleted else _as_json(dict(zip(ROW_FIELDS, fields[width:]))))
                   for action, number, node, username, _, added, deleted, *fields in events])
        return len(events)

    def apply_rows(self, pairs):
        """Apply (before, after) row pairs made in Python, without logging them (the caller
        logs them, with row_events())."""
        records = []
        for before, after in pairs:
            target = after or before
            records.append({
                "change": "insert" if before is None else "delete" if after is None else "update",
                "old_number": before and before["number"],
                "old_node": before and before["node"],
                **{field: target.get(field) for field in ROW_FIELDS},
            })
        frame = pd.DataFrame(records, columns=["change", "old_number", "old_node", *ROW_FIELDS],
                             dtype=object)
        self.con.register("new_row_changes", frame)
        try:
            self.con.execute(statement("stage_row_changes"))
        finally:
            self.con.unregister("new_row_changes")
        try:
            for kind in ("delete", "update", "insert"):
                if (frame["change"] == kind).any():
                    self.con.execute(statement(f"{kind}_rows"))
        finally:
            self.con.execute("drop table temp.row_changes")

    def log_events(self, events):
        """Log events made by row_events() and user_event(), in the order given."""
        self._log(events)

    def log_user(self, action, username, before=None, after=None):
        self._log([user_event(action, username, before, after)])

    def log(self, action, after=None, username=None):
        self._log([(action, None, None, username, None, _as_json(after))])
