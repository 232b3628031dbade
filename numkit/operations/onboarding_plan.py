"""The whole user before onboarding them: every number they hold or have reserved, with
whether each is in reach from a node, and what onboarding would give and leave stranded."""

from typing import NamedTuple

import pandas as pd

from ..codes import AVAILABLE
from ..schema import statement

# whom the words in `why` speak to: a user about to be onboarded at the node, an active
# user at their own node, or an active user looked at from another node
ONBOARDING, OWN_NODE, ELSEWHERE = "onboarding", "own node", "elsewhere"


class OnboardPlan(NamedTuple):
    given: list               # the numbers onboard gives, in the order it gives them
    stranded: pd.DataFrame    # user_numbers' lines left reserved but out of reach


def short(node):
    """A node as a sentence names it: its last step (the full path is in `node`)."""
    return str(node).rsplit(".", 1)[-1]


def user_numbers(inv, username, node=None):
    """Every row the user holds or that is reserved for them, with visibility from `node`
    (default: the active user's own node) and `why` in words when it is out of reach or not
    given."""
    username = str(username).strip()
    active = inv.active_user(username)
    if node is not None:
        node = inv.require_node(node)
    elif active is not None:
        node = active["node"]
    if active is None:
        context = ONBOARDING
    else:
        context = OWN_NODE if node == active["node"] else ELSEWHERE
    lines = inv.con.execute(statement("user_numbers"), {"user": username, "node": node}).df()
    return with_why(lines, node, context)


def with_why(lines, node, context):
    lines = lines.copy()
    lines["why"] = pd.Series([why(line, node, context) for line in lines.itertuples(index=False)],
                             index=lines.index, dtype=object)
    return lines


def why(line, node, context):
    """Why a line is out of reach from `node`, or not given by onboarding there; None when
    there is nothing to explain (or no node to judge from)."""
    if node is None:
        return None
    here = short(node)
    if not line.visible_from_node:
        where = f"at {short(line.node)}: not visible from {here}"
        if not line.reserved:
            return f"{where}, though the user holds it"
        if context == ONBOARDING:
            return f"{where}, onboarding here leaves it reserved but out of reach (stranded)"
        if context == OWN_NODE:
            return f"{where}, the user's own site: reserved but out of reach (stranded)"
        return f"{where}: reserved but out of reach from there (stranded)"
    if line.holds:
        return None
    if line.used_by is not None and line.used_by == line.used_by:
        return f"used by {line.used_by}: reserved for the user but not theirs to have now"
    if line.effective_status != AVAILABLE:
        status = str(line.effective_status).lower()
        if context == ONBOARDING:
            return f"{status} now: reserved for the user, but onboarding does not give it"
        return f"{status} now: reserved for the user, not assignable yet"
    return None


def stranded_lines(lines):
    """The reservations among user_numbers' lines that cannot be reached from its node."""
    out_of_reach = lines["visible_from_node"].astype("boolean").eq(False).fillna(False)
    return lines[lines["reserved"].astype(bool) & out_of_reach.astype(bool)].reset_index(drop=True)


def preview_onboard(inv, username, node, number=None):
    """What onboarding would do, found by onboarding and undoing it (on a scratch copy when
    the inventory is read-only): the same rule, the same refusals."""
    if inv.read_only:
        scratch = inv.scratch_copy()
        try:
            return _rehearse(scratch, username, node, number)
        finally:
            scratch.close()
    with inv.rehearsal():
        return _rehearse(inv, username, node, number)


def _rehearse(inv, username, node, number):
    given = inv.onboard(username, node, number)
    # the user is active at the node now: what is out of their reach is what the stranded
    # reservations report (R24) will list for them once onboarded
    user = inv.require_user(username)
    lines = inv.con.execute(statement("user_numbers"),
                            {"user": user["username"], "node": user["node"]}).df()
    return OnboardPlan(list(given), with_why(stranded_lines(lines), user["node"], ONBOARDING))


def numbers_without_rows(inv, numbers):
    """The numbers of `numbers` that no row holds anywhere, in the order given."""
    numbers = list(numbers)
    found = {row[0] for row in inv.con.execute(statement("numbers_with_rows"),
                                                  {"numbers": numbers}).fetchall()}
    return [number for number in numbers if number not in found]
