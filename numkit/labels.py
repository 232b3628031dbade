"""Column names in words, and node paths as an analyst names them: one mapping for the
panels, the report page and the report's workbook.

The API's answers keep their column names (scripts, the CSV files and the VOSS round trip
read them by name); only what a person reads is labelled. A column without a label here is
shown under its own name."""

import re

import pandas as pd

from .codes import REASON_WORDS

LABELS = {
    # numbers
    "number": "Number", "node": "Node", "status": "Status in VOSS",
    "effective_status": "Status today", "usage": "Usage", "reserved_for": "Reserved for",
    "used_by": "Used by", "release_date": "Release date", "reservation_notes": "Reservation notes",
    "description": "Description", "extra": "Other columns",
    # who can have which number
    "distance": "Levels above the site", "position": "Order given", "next": "Next",
    "reserved_for_user": "Reserved for this user", "assignable": "Assignable",
    "reason": "Reason", "held_for_other": "Held for someone else",
    # users and moves
    "username": "Username", "user_node": "User's node", "destination": "Destination",
    "step": "Step", "action": "Action", "new_number": "New number", "new_node": "New node",
    "conflict": "Conflict", "state": "State", "holds": "Held by this user",
    "visible_from_node": "Seen from the site", "why": "Why",
    "seen_from_destination": "Seen from the destination", "already_stranded": "Stranded before the move",
    # the cleanup report
    "category": "Category", "deleted_at": "Deleted on", "days_since_deleted": "Days since deleted",
    "days_overdue": "Days overdue",
    "type": "Type", "total": "Total", "available": "Available", "used": "Used",
    "used_utility": "Used (utility)", "reserved": "Reserved", "cooling": "Cooling",
    "inactive": "Inactive", "share_available": "Available (%)", "alert": "Below the alert",
    "change": "Change", "before": "Before", "after": "After",
    # the round trip with VOSS
    "age_days": "Age (days)", "kind": "Kind of change", "field": "Field",
    "voss_value": "Value in VOSS", "numkit_value": "Value in numkit",
    "export_value": "Value in the export", "decided_at": "Decided at", "load_id": "Snapshot",
    "decided_by": "Decided by", "outcome": "Outcome", "event_ids": "Events",
    # the hierarchy
    "parent": "Parent", "depth": "Depth", "name": "Name",
    # a load's problems
    "file": "File", "row": "Row", "column": "Column", "value": "Value",
    # what a load would change
    "fields": "Fields changed", "status_before": "Status before", "status_after": "Status after",
    "reserved_for_before": "Reserved for before", "reserved_for_after": "Reserved for after",
    "used_by_before": "Used by before", "used_by_after": "Used by after",
    "node_before": "Node before", "node_after": "Node after",
    "recorded_as_deleted": "Recorded as deleted",
    # the files a snapshot came from
    "role": "Export", "path": "Where it was read", "bytes": "Size (bytes)", "rows": "Rows read",
    # a node shown short keeps its path beside it
    "full_path": "Full path",
}

# Trends and run-out forecasts (utilization_history, run_out_forecast).
LABELS.update({
    "as_of": "Snapshot date", "since": "Trend since", "snapshots": "Snapshots used",
    "taken_per_week": "Taken per week", "weeks_to_alert": "Weeks to the alert",
    "weeks_to_none": "Weeks until none left", "r_squared": "Fit (r²)",
    "confidence": "How sure",
})

# The cleanup report's first screen (reports/headline.py, the workbook's Summary sheet), its
# summary per customer and site, its leavers by person and its data-quality questions.
LABELS.update({
    "figure": "Figure", "now": "Now", "previous": "Then", "difference": "Difference",
    "compared_with": "Compared with", "compared_on": "On",
    "customer": "Customer", "site": "Site", "held_for_leavers": "Held for leavers",
    "stuck_cooling": "Stuck cooling", "stranded": "Stranded",
    "used_out_of_sight": "Used out of sight", "inactive_reservations": "Reserved, inactive",
    "users_without_numbers": "Users without a number",
    "numbers": "Numbers", "nodes": "Nodes", "reserved_numbers": "Numbers reserved for them",
})

# Shares (0 to 1), shown as percentages.
SHARE_COLUMNS = {"share_available"}

# Columns holding node paths, shown short with their customer.
NODE_COLUMNS = {"node", "user_node", "new_node", "destination", "parent", "node_before", "node_after",
                "customer", "site"}


# Columns of free text (notes, explanations, values of any field): they may wrap at word
# breaks. Every other column (numbers, dates, node names, usernames, codes) is kept on one
# line, so that a value is never cut in two.
FREE_TEXT_COLUMNS = {"reservation_notes", "description", "extra", "why", "conflict", "reason",
                     "before", "after", "value", "voss_value", "numkit_value", "export_value",
                     "path"}

# Columns whose values are codes, and the words a reader sees for them (the API's answers,
# the CSV files and VOSS keep the codes). A code of these columns not named here is shown
# as words too: `user_moved` as `User moved`.
VALUE_WORDS = {
    "category": {"deleted": "Deleted", "never_onboarded": "Never onboarded"},
    "action": {"keep": "Keep", "replace": "Replace", "carry": "Carry", "stranded": "Stranded"},
    "reason": {code: words[0].upper() + words[1:] for code, words in REASON_WORDS.items()},
    "change": {"reserved_for_set": "Reservation set", "reserved_for_cleared": "Reservation cleared",
               "reserved_for_changed": "Reservation changed"},
    "kind": {}, "outcome": {}, "state": {},
    "confidence": {},
    # a field is named as its column is, but for the status: the field's two values stand
    # beside it as in VOSS and in numkit, and "Status in VOSS" would name one of them
    "field": {code: words for code, words in LABELS.items()} | {"status": "Status"},
}

_CODE = re.compile(r"[a-z][a-z_]*")


def value_words(column, value):
    """`value` of `column` as a reader sees it: a code in words, anything else as it is."""
    words = VALUE_WORDS.get(column)
    if words is None or not isinstance(value, str):
        return value
    if value in words:
        return words[value]
    if _CODE.fullmatch(value):
        return value[0].upper() + value[1:].replace("_", " ")
    return value


def label(column):
    """The words for a column; its own name when it has none."""
    return LABELS.get(column, column)


def labelled(frame):
    """A copy of `frame` with its columns named in words."""
    return frame.rename(columns=label)


def node_labels(nodes):
    """{node path: short name} for the hierarchy `nodes` (columns node and type, as
    `Inventory.nodes()`): a node is named by its last part and, below a customer, that
    customer (`Site-B (Cust-1)`). Names that would be alike are made distinct: first by the
    path below the customer (`North.Site-A (Cust-1)`), then by the whole path."""
    types = dict(zip(nodes["node"], nodes["type"]))
    customers = {node: _customer(node, types) for node in types}
    names = {}
    for node, customer in customers.items():
        last = node.rsplit(".", 1)[-1]
        names[node] = last if customer in (None, node) else f"{last} ({customer.rsplit('.', 1)[-1]})"
    for node in _alike(names):
        customer = customers[node]
        if customer not in (None, node):
            below = node[len(customer) + 1:]
            names[node] = f"{below} ({customer.rsplit('.', 1)[-1]})"
    for node in _alike(names):
        names[node] = node
    return names


def _customer(node, types):
    """The nearest node of type Customer on the way up from `node` (itself included)."""
    parts = node.split(".")
    for end in range(len(parts), 0, -1):
        ancestor = ".".join(parts[:end])
        if types.get(ancestor) == "Customer":
            return ancestor
    return None


def _alike(names):
    """The nodes whose names another node shares."""
    counts = pd.Series(list(names.values())).value_counts()
    shared = set(counts[counts > 1].index)
    return [node for node, name in names.items() if name in shared]
