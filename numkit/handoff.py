"""Carrying the pending changes to VOSS: three files an analyst loads or acts on there.

- `changes.csv`: every pending change, one row per changed field.
- `voss-bulk-load.xlsx`: the number-inventory row changes as a VOSS bulk-load workbook
  (voss_workbook.py): a row added in numkit is added, a changed row modified, a removed
  row deleted; one sheet row per number row, its changed fields together.
- `users-to-action.csv`: users onboarded, moved or deleted in numkit, which VOSS handles
  through its subscriber workflows, one line per number the user holds now (one line
  without a number when they hold none).

The CSV files are written for spreadsheets: a text cell that would start a formula (`=`,
`+`, `-`, `@`, tab, carriage return) gets a leading `'`; a value that is only a signed
number (`+442079460000`) is kept as written, since a spreadsheet reads it as a number, not
as a call. Each number cell holds one number, so numbers always stay readable as numbers.
The files are written in a private folder and renamed into place once all three are
written. Nothing is sent anywhere.
"""

from dataclasses import dataclass, field

import pandas as pd

from .arguments import user_keys
from .spreadsheet_cells import neutralised, neutralised_unless_a_number
from .schema import statement
from .staging import Staging
from .voss_workbook import ACTIONS, read_mapping, sheet_name, write_workbook

CHANGES = "changes.csv"
WORKBOOK = "voss-bulk-load.xlsx"
USERS = "users-to-action.csv"
FILES = (CHANGES, WORKBOOK, USERS)
ACTION_OF_ROW = {"row_added": "add", "row_changed": "modify", "row_removed": "delete"}
ACTION_OF_USER = {"user_added": "onboard", "user_deleted": "delete", "user_moved": "move"}
USER_COLUMNS = ["action", "username", "from_node", "to_node", "decided_at", "number",
                "number_node"]
# columns whose values may be a bare number (kept) or any text (made inert)
NUMBER_LIKE = {"number", "voss_value", "numkit_value"}


@dataclass
class ChangesWritten:
    """What export_changes wrote: the three paths, how many changes, the rows per sheet."""
    paths: list
    changes: int
    users: int
    sheets: dict = field(default_factory=dict)     # sheet name -> data rows


def export_changes(inv, out_dir, mapping=None):
    """Write the three files into `out_dir` (made if missing); ChangesWritten."""
    mapping = read_mapping(mapping)     # a mapping that cannot be used is refused first
    pending = _plain(inv.pending_changes())
    rows = row_changes(pending)
    users = user_actions(inv, pending)
    with Staging(out_dir) as staging:
        changes_for_csv(pending).to_csv(staging.path(CHANGES), index=False)
        write_workbook(staging.path(WORKBOOK), rows, mapping)
        safe_users(users).to_csv(staging.path(USERS), index=False)
        paths = [staging.place(name) for name in FILES]
    return ChangesWritten(paths=paths, changes=len(pending), users=len(users),
                          sheets={sheet_name(action, mapping): len(rows[action])
                                  for action in ACTIONS})


def _plain(frame):
    """Missing values as None, so that every cell is a str or None."""
    return frame.astype(object).where(frame.notna(), None)


def row_changes(pending):
    """{action: [(number, node, {field: value now or None})]}, in the order of pending."""
    rows = {action: {} for action in ACTIONS}
    for kind, number, node, field_name, value in zip(
            pending["kind"], pending["number"], pending["node"], pending["field"],
            pending["numkit_value"]):
        action = ACTION_OF_ROW.get(kind)
        if action is None:
            continue
        fields = rows[action].setdefault((number, node), {})
        if action != "delete":
            fields[field_name] = value
    return {action: [(number, node, fields) for (number, node), fields in by_row.items()]
            for action, by_row in rows.items()}


def user_actions(inv, pending):
    """One line per user change and number the user holds now (one line if none)."""
    changes = pending[pending["kind"].isin(list(ACTION_OF_USER))]
    held = {}
    if len(changes):
        found = inv.con.execute(statement("held_numbers"),
                                {"usernames": list(changes["username"])}).fetchall()
        for user_key, number, node in found:
            held.setdefault(user_key, []).append((number, node))
    # keyed as held_numbers keys them: DuckDB's lower(), not Python's (`İlker`)
    keys = user_keys(inv.con, changes["username"])
    lines = []
    for change in changes.itertuples(index=False):
        first = [ACTION_OF_USER[change.kind], change.username, change.voss_value,
                 change.numkit_value, change.decided_at]
        for number, node in held.get(keys.get(change.username), [(None, None)]):
            lines.append(first + [number, node])
    return pd.DataFrame(lines, columns=USER_COLUMNS, dtype=object)


def changes_for_csv(pending):
    pending = pending.copy()
    pending["event_ids"] = [" ".join(str(i) for i in ids) if ids is not None else ""
                            for ids in pending["event_ids"]]
    pending["decided_at"] = [_moment(value) for value in pending["decided_at"]]
    for column in pending.columns:
        rule = neutralised_unless_a_number if column in NUMBER_LIKE else neutralised
        pending[column] = pending[column].map(rule)
    return pending


def safe_users(users):
    users = users.copy()
    users["decided_at"] = [_moment(value) for value in users["decided_at"]]
    for column in users.columns:
        rule = neutralised_unless_a_number if column == "number" else neutralised
        users[column] = users[column].map(rule)
    return users


def _moment(value):
    return None if value is None else pd.Timestamp(value).isoformat(sep=" ")
