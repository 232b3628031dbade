"""What-if runs: several moves previewed together, as if done in order, nothing changed."""

import pandas as pd

from . import destinations
from ..errors import (InvalidOperation, MoveRefused, NoNumberAvailable, NumkitError, UnknownNode,
                      UnknownUser)

COLUMNS = ["step", "username", "destination", "number", "node", "action", "new_number",
           "new_node", "conflict"]

# What kind of refusal a conflict is, as the analyst reading the line would say it.
CONFLICT_WORDS = {
    UnknownUser: "unknown user",
    UnknownNode: "unknown destination",
    MoveRefused: "move refused",
    NoNumberAvailable: "too few numbers at the destination",
    InvalidOperation: "refused",
}


def conflict_text(refusal):
    """A refused move in words: what kind of refusal, then the error's own message."""
    kind = next((words for error, words in CONFLICT_WORDS.items() if isinstance(refusal, error)),
                "refused")
    return f"{kind}: {refusal}"


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
    return pd.DataFrame(_moved_in_order(inv, moves, policy, skip_refused=True),
                        columns=COLUMNS, dtype=object)


def _moved_in_order(inv, moves, policy, skip_refused):
    """Each move done in turn, its destination read as the inventory stands after the moves
    before it; a refused move raises, or with `skip_refused` is a conflict line and changes
    nothing (a move refuses before it writes)."""
    lines = []
    for step, (username, destination) in enumerate(moves, start=1):
        try:
            node = destinations.resolve_one(inv, username, destination)
            plan = inv.move_user(username, node, policy)
        except NumkitError as refused:
            if not skip_refused:
                raise
            lines.append((step, username, destination, None, None, None, None, None,
                          conflict_text(refused)))
            continue
        lines += _plan_lines(step, username, node, plan)
    return lines


def _plan_lines(step, username, destination, plan):
    """A move's plan as lines of COLUMNS."""
    if plan.empty:
        return [(step, username, destination, None, None, "no numbers", None, None, None)]
    return [(step, username, destination, entry.number, entry.node, entry.action,
             entry.new_number, entry.new_node, None) for entry in plan.itertuples(index=False)]


def apply_moves(inv, moves, policy="replace", only_clean=False):
    """Do every move in order, in one transaction: all of them or none. What each did, in
    the columns of preview_moves (the conflict column empty). With `only_clean`, a move that
    is refused as its turn comes is left out, a conflict line as preview_moves gives it, and
    the others are done, still in one transaction: the lines a preview showed clean, when
    nothing changed meanwhile."""
    with inv.batch():
        lines = _moved_in_order(inv, moves, policy, skip_refused=only_clean)
    return pd.DataFrame(lines, columns=COLUMNS, dtype=object)
