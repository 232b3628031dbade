"""What every answer shares: its shape, plain values, nodes and people in words, a row's
status in words."""

import datetime as dt
import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..codes import AVAILABLE, COOLING, NODE_TYPES, RESERVED
from ..errors import did_you_mean
from ..labels import node_labels


class Answer(NamedTuple):
    facts: dict     # plain values, for scripts
    lines: list     # the facts in words, one a line


def plain(value):
    """`value` as JSON holds it: None for a missing value (NaN, NaT, NA), an ISO date for a
    date, a Python int, float or bool for NumPy's."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item) for item in value]
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def record(row, columns):
    """{column: plain value} of a frame's row (a namedtuple or a Series)."""
    get = row.get if hasattr(row, "get") else lambda column: getattr(row, column)
    return {column: plain(get(column)) for column in columns}


# -- nodes -------------------------------------------------------------------------------

# How a node type is counted in a sentence: (one, several)
TYPE_WORDS = {"Provider": ("provider", "providers"), "Reseller": ("reseller", "resellers"),
              "Customer": ("customer", "customers"),
              "Intermediate": ("intermediate node", "intermediate nodes"),
              "Site": ("site", "sites"), None: ("node without a type", "nodes without a type")}


def counted(count, one, several):
    return f"{count} {one if count == 1 else several}"


class NodeNames:
    """Nodes as an analyst names them (`Site-B (Cust-1)`, numkit.labels), from the
    hierarchy `nodes` (Inventory.nodes())."""

    def __init__(self, nodes):
        self.names = node_labels(nodes)

    def __call__(self, node):
        return self.names.get(node, node)

    def exists(self, node):
        return node in self.names


def at_or_above(row_node, node):
    """Whether `row_node` is `node` or one of its ancestors: a node's ancestors are its path's
    prefixes (rules R1), so a row there is seen from `node` (R8)."""
    return node == row_node or node.startswith(f"{row_node}.")


def below_in_order(below_by_type):
    """[{type, nodes}] (number_rows' below_by_type) from the top of the hierarchy down,
    nodes without a type last."""
    rank = {node_type: place for place, node_type in enumerate(NODE_TYPES)}
    return sorted((plain(dict(kind)) for kind in below_by_type),
                  key=lambda kind: rank.get(kind["type"], len(rank)))


def seen_from_words(name, nodes_below, below_by_type):
    """Where a row at the node named `name` is seen from (R8), in words: `seen from Cust-1
    and the 3 sites under it`."""
    if not nodes_below:
        return f"seen from {name} only"
    kinds = below_in_order(below_by_type)
    if len(kinds) == 1:
        one, several = TYPE_WORDS.get(kinds[0]["type"], TYPE_WORDS[None])
        under = f"the {one}" if nodes_below == 1 else f"the {nodes_below} {several}"
        return f"seen from {name} and {under} under it"
    parts = ", ".join(counted(kind["nodes"], *TYPE_WORDS.get(kind["type"], TYPE_WORDS[None]))
                      for kind in kinds)
    return f"seen from {name} and the {nodes_below} nodes under it: {parts}"


# -- people ------------------------------------------------------------------------------

ACTIVE, DELETED, NEVER_ONBOARDED = "active", "deleted", "never_onboarded"


def person(inv, username):
    """Who `username` is: {"username" (as numkit spells it, else as given), "state"
    (active, deleted, never_onboarded), "node" (theirs, or where they were when deleted),
    "deleted_at"}."""
    status = inv.user_status(username)
    state = {"active": ACTIVE, "deleted": DELETED}.get(status["state"], NEVER_ONBOARDED)
    return {"username": status["username"] or str(username).strip(), "state": state,
            "node": status["node"], "deleted_at": plain(status["deleted_at"])}


def unknown_name_words(like):
    """What is said of a username nothing holds, with the names it may mean (names_like)."""
    hint = did_you_mean(like)
    return "no user, deletion or Reserved For flag has that name" + (f" ({hint})" if hint else "")


class People:
    """The people an answer names, each looked up once."""

    def __init__(self, inv, names):
        self.inv = inv
        self.names = names
        self.known = {}

    def __call__(self, username):
        if username is None:
            return None
        key = str(username).strip().lower()
        if key not in self.known:
            self.known[key] = person(self.inv, username)
        return self.known[key]

    def state_words(self, who):
        """`an active user at Site-B (Cust-1)`, `deleted on 2026-09-24 (was at ...)`,
        `never onboarded`."""
        if who["state"] == ACTIVE:
            return f"an active user at {self.names(who['node'])}"
        if who["state"] == DELETED:
            was = f" (was at {self.names(who['node'])})" if who["node"] else ""
            return f"deleted on {who['deleted_at']}{was}"
        return "never onboarded"

    def subject_words(self, who):
        """state_words of the user an answer is about, and for someone never onboarded
        whether any flag names them: a name nothing holds is most likely mistyped, and
        gets a new user's answer, so the names it may mean are said (`did you mean
        u.okafor?`)."""
        said = self.state_words(who)
        if who["state"] != NEVER_ONBOARDED:
            return said
        flagged = self.inv.store.scalar(
            "select count(*) from numbers where lower(reserved_for) = lower($u)",
            {"u": who["username"]})
        if flagged:
            return f"{said}, {flagged} number(s) reserved for them"
        return f"{said}, and {unknown_name_words(self.inv.names_like(who['username']))}"

    def words(self, username):
        """`u.okafor, deleted on 2026-09-24 (was at Site-B (Cust-1))`; `nobody` for none."""
        who = self(username)
        if who is None:
            return "nobody"
        # the row's own spelling: the export's, which may differ from the user's in case
        return f"{username}, {self.state_words(who)}"


# -- a row's status ----------------------------------------------------------------------

def status_words(row):
    """The row's status in VOSS and today (rules R7), and whether its cooling is stuck."""
    status, today = row["status"], row["effective_status"]
    words = f"status: {status} in VOSS, {today} today"
    if row.get("stuck"):
        words += " (stuck: VOSS will not release it by itself; release it by hand)"
    return words


def release_words(row):
    """The row's release date and what it means for its status (rules R4, R7), or None when
    it has none and its status reads none."""
    status, date, ended = row["status"], row["release_date"], row["effective_status"] == AVAILABLE
    if status == RESERVED:
        if not date:
            return "release date: none (reserved until further notice)"
        return f"release date: {date} (the reservation {'ended' if ended else 'ends'} then)"
    if status == COOLING:
        if not date:
            return "release date: none (cooling until released by hand)"
        if row.get("stuck"):
            return (f"release date: {date} (too long ago: VOSS's daily job no longer looks "
                    "back to it)")
        return f"release date: {date} (cooling {'ended' if ended else 'ends'} then)"
    return f"release date: {date} (not read: the row is {status})" if date else None
