"""What-if runs: several moves previewed together, as if done in order, nothing changed."""

import pandas as pd

from ..errors import NumkitError

COLUMNS = ["step", "username", "destination", "number", "node", "action", "new_number",
           "new_node", "conflict"]


def preview_moves(inv, moves, policy="replace"):
    """Every move done in order and then undone (on a scratch copy when the inventory is
    read-only); a refused move is a conflict line."""
    if inv.read_only:
        scratch = inv.scratch_copy()
        try:
            return _rehearse(scratch, moves, policy)
        finally:
            scratch.close()
    with inv.rehearsal():
        return _rehearse(inv, moves, policy)


def _rehearse(inv, moves, policy):
    lines = []
    for step, (username, destination) in enumerate(moves, start=1):
        try:
            plan = inv.move_user(username, destination, policy)
        except NumkitError as refused:
            lines.append((step, username, destination, None, None, None, None, None,
                          f"{type(refused).__name__}: {refused}"))
            continue
        lines += _plan_lines(step, username, destination, plan)
    return pd.DataFrame(lines, columns=COLUMNS, dtype=object)


def _plan_lines(step, username, destination, plan):
    """A move's plan as lines of COLUMNS."""
    if plan.empty:
        return [(step, username, destination, None, None, "no numbers", None, None, None)]
    return [(step, username, destination, entry.number, entry.node, entry.action,
             entry.new_number, entry.new_node, None) for entry in plan.itertuples(index=False)]


def apply_moves(inv, moves, policy="replace"):
    """Do every move in order, in one transaction: all of them or none. What each did, in
    the columns of preview_moves (the conflict column empty)."""
    lines = []
    with inv.batch():
        for step, (username, destination) in enumerate(moves, start=1):
            lines += _plan_lines(step, username, destination,
                                 inv.move_user(username, destination, policy))
    return pd.DataFrame(lines, columns=COLUMNS, dtype=object)
