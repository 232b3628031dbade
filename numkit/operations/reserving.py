"""Reserving the next numbers at a node for a user (docs/rules.md#r33-reserve-next)."""

from numbers import Integral

import pandas as pd

from ..arguments import MAX_DAYS, clean_username, parse_date
from ..errors import InvalidOperation, NoNumberAvailable
from .assignment import candidate_rows


def _count(count):
    if isinstance(count, bool) or not isinstance(count, Integral) or count < 1:
        raise InvalidOperation(f"count must be a whole number >= 1, not {count!r}")
    return int(count)


def reserve_next(inv, username, node, count, notes=None, until=None):
    username = clean_username(username)
    count = _count(count)
    until = parse_date(until, "until")
    with inv.store.operation() as op:
        node = inv.require_node(node)
        if until is not None and not 0 <= (until - op.as_of).days <= MAX_DAYS:
            raise InvalidOperation(f"until {until} must be from as of {op.as_of} to {MAX_DAYS} "
                                   "days after it")
        # what a user with no reservations would be offered: rows reserved for anyone,
        # the user included, are not taken again
        rows = candidate_rows(inv, None, node, limit=count)
        if len(rows) < count:
            raise NoNumberAvailable(f"{username} asked for {count} number(s) at {node}; only "
                                    f"{len(rows)} available to reserve")
        op.write_rows("reserve_next", "reserved_next_rows",
                      [(row["number"], row["node"]) for row in rows],
                      {"reserved_for": username, "until": until,
                       "set_notes": notes is not None, "notes": notes}, username)
    return pd.DataFrame([(row["number"], row["node"]) for row in rows], columns=["number", "node"],
                        dtype=object)
