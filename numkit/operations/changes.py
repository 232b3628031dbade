"""One operation = one transaction whose every change to a row or a user is an event."""

import datetime as dt
import json

from ..actor import current_actor
from ..schema import statement

ROW_FIELDS = ("number", "node", "status", "usage", "reserved_for", "used_by",
              "release_date", "reservation_notes", "description")


def _as_json(record):
    if record is None:
        return None
    return json.dumps(record, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))


def user_event(action, username, before=None, after=None):
    """An event the operation makes itself about a user (or a setting): no row's fields."""
    return (action, None, (after or before or {}).get("node"), username,
            _as_json(before), _as_json(after))


def _columns(events):
    """Aligned lists (action, number, node, username, before, after) of `events`."""
    return [list(column) for column in zip(*events)] if events else [[] for _ in range(6)]


class Operation:
    """The changes of one write operation, applied at once inside its transaction."""

    def __init__(self, con, operation_id, as_of, gathering=False):
        self.con = con
        self.operation_id = operation_id
        self.as_of = as_of
        self.gathering = gathering
        self.depth = 0      # how many operations run inside this one now
        self.at = dt.datetime.now()
        self.actor = current_actor()     # who made the change, logged with each event
        # statements for after the transaction ends (settings an aborted one cannot take)
        self.after_end = []
        # events the operation makes itself wait here, and are written with the next rows'
        # events, in the same statement, or when the operation commits, or when an operation
        # inside a gathering one ends (each statement costs a few milliseconds)
        self._events = []
        self.logged = 0     # events logged since the operation began, written or not
        # the refusal of an operation inside this one that had already changed rows: its
        # caller may catch it, but this operation can no longer be committed
        self.broken_by = None

    def _log(self, events):
        self._events.extend(events)
        self.logged += len(events)

    def _stamp(self):
        return {"operation_id": self.operation_id, "at": self.at, "as_of": self.as_of,
                "actor": self.actor}

    def write_events(self):
        """Write the events logged so far, in the order they were logged."""
        if not self._events:
            return
        events, self._events = self._events, []
        actions, numbers, nodes, usernames, befores, afters = _columns(events)
        self.con.execute(statement("append_events"),
                         {**self._stamp(), "actions": actions, "numbers": numbers,
                          "nodes": nodes, "usernames": usernames, "befores": befores,
                          "afters": afters})

    def write_rows(self, action, rule, keys, params=None, username=None, usernames=None,
                   lead=()):
        """Change the rows named by `keys` ((number, node) pairs, in the order their events
        are logged) as the statement `rule` says, from `chosen_rows` (those rows as they
        are), and log each change as an event. `username` names the user of every row, or
        `usernames` (aligned with `keys`) the user of each; `lead` holds (seq, event) pairs:
        events made by user_event() logged before the row at 1-based position seq. Returns
        how many rows it changed."""
        if not keys:
            return 0
        self.con.execute(statement("stage_chosen_rows"),
                         {"numbers": [number for number, _ in keys],
                          "nodes": [node for _, node in keys],
                          "usernames": usernames or [username] * len(keys)})
        return self._apply_rule(action, rule, params or {}, lead)

    def add_rows(self, action, numbers, node, reserved_for=None, username=None):
        """Add a new row for each of `numbers` at `node` (statement added_rows) and log it."""
        if not numbers:
            return 0
        return self._apply_rule(action, "added_rows", {"numbers": list(numbers), "node": node,
                                                       "reserved_for": reserved_for,
                                                       "username": username}, ())

    def _apply_rule(self, action, rule, params, lead):
        self.logged += len(lead)
        lead = [(1, event) for event in self._events] + list(lead)
        seqs = [seq for seq, _ in lead]
        actions, numbers, nodes, usernames, befores, afters = _columns([e for _, e in lead])
        try:
            self.con.execute(statement(rule), params)
            written = self.con.execute(statement("row_change_events"), {
                **self._stamp(), "action": action, "lead_seqs": seqs, "lead_actions": actions,
                "lead_numbers": numbers, "lead_nodes": nodes, "lead_usernames": usernames,
                "lead_befores": befores, "lead_afters": afters}).fetchall()[0][0]
            self._events = []
            kinds = {kind for kind, in self.con.execute(
                "select distinct change from row_changes").fetchall()}
            for kind in ("delete", "update", "insert"):
                if kind in kinds:
                    self.con.execute(statement(f"{kind}_rows"))
        finally:
            self.con.execute("drop table if exists temp.row_changes; "
                             "drop table if exists temp.chosen_rows")
        changed = written - len(lead)
        self.logged += changed
        return changed

    def log_user(self, action, username, before=None, after=None):
        self._log([user_event(action, username, before, after)])

    def log(self, action, after=None, username=None):
        self._log([(action, None, None, username, None, _as_json(after))])
