"""Moving a user to another node: what happens to each number, previewed or done."""

from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from .assignment import candidate_rows, give_rows, release_rows
from .changes import ROW_FIELDS
from ..codes import CARRY, KEEP, MOVE_POLICIES, REPLACE, STRANDED
from ..errors import InvalidOperation, MoveRefused, NoNumberAvailable
from ..schema import statement

PLAN_COLUMNS = ["number", "node", "action", "new_number", "new_node"]
STRANDS_COLUMNS = ["number", "node", "action"]


@dataclass
class MovePlan:
    user: dict
    dest: str
    policy: str
    kept: list = field(default_factory=list)
    replaced: list = field(default_factory=list)   # (used row, candidate row)
    carried: list = field(default_factory=list)
    stranded: list = field(default_factory=list)
    stranded_after: list = field(default_factory=list)   # (number, node, action)

    def frame(self):
        lines = [(r["number"], r["node"], KEEP, None, None) for r in self.kept]
        lines += [(old["number"], old["node"], REPLACE, new["number"], new["node"])
                  for old, new in self.replaced]
        lines += [(r["number"], r["node"], CARRY, None, self.dest) for r in self.carried]
        lines += [(r["number"], r["node"], STRANDED, None, None) for r in self.stranded]
        return pd.DataFrame(lines, columns=PLAN_COLUMNS, dtype=object)

    def strands(self):
        """The user's reservations the destination cannot see once the move is done."""
        return pd.DataFrame(self.stranded_after, columns=STRANDS_COLUMNS, dtype=object)


class PreviewWithStrands(NamedTuple):
    plan: pd.DataFrame      # MovePlan.frame
    strands: pd.DataFrame   # MovePlan.strands


class OneMove:
    """What planning one move reads, read for it alone."""

    def __init__(self, inv):
        self.inv = inv

    def user(self, username):
        return self.inv.require_user(username)

    def node(self, node):
        return self.inv.require_node(node)

    def customers(self, source, dest):
        return self.inv.con.execute("select customer_of($a), customer_of($b)",
                                    {"a": source, "b": dest}).fetchall()[0]

    def plan_rows(self, user, dest, policy):
        return self.inv.store.rows("select * from move_plan($u, $d, $p)",
                                   {"u": user["username"], "d": dest, "p": policy})

    def candidates(self, user, dest, count, plus):
        """The first `count` candidates for the user at dest written with `+` (plus True)
        or without it (plus False)."""
        return candidate_rows(self.inv, user["username"], dest, limit=count, plus=plus)


def _refuse_cross_customer(facts, user, dest):
    source_customer, dest_customer = facts.customers(user["node"], dest)
    if source_customer and dest_customer and source_customer != dest_customer:
        raise MoveRefused(f"{user['username']} belongs to customer {source_customer}; "
                          f"{dest} belongs to {dest_customer}: moves across customers are refused")


def path_conflicts(inv, numbers, node):
    """{number: [node, ...]} of rows that stop `numbers` from being placed at `node`."""
    conflicts = {}
    for row in inv.store.rows(statement("path_conflicts"), {"numbers": list(numbers), "node": node}):
        conflicts.setdefault(row["number"], []).append(row["node"])
    return conflicts


def _refuse_carry_conflicts(inv, rows, dest):
    carried_from = {}
    for row in rows:    # two rows of one number (at sibling nodes) would meet at dest
        if row["number"] in carried_from:
            raise MoveRefused(f"carrying {row['number']} from {carried_from[row['number']]} and "
                              f"from {row['node']} to {dest} would put it there twice (a number "
                              "is unique along a path)")
        carried_from[row["number"]] = row["node"]
    conflicts = path_conflicts(inv, [r["number"] for r in rows], dest)
    for row in rows:
        clashing = [node for node in conflicts.get(row["number"], []) if node != row["node"]]
        if clashing:
            raise MoveRefused(f"carrying {row['number']} to {dest} would clash with the row "
                              f"at {clashing[0]} (a number is unique along a path)")


def plan_move(inv, username, dest, policy=REPLACE, facts=None):
    """The move's plan; `facts` answers what it reads (OneMove, or a batch's EachMove)."""
    facts = facts or OneMove(inv)
    if policy not in MOVE_POLICIES:
        raise InvalidOperation(f"unknown move policy {policy!r}; one of {', '.join(MOVE_POLICIES)}")
    user = facts.user(username)
    dest = facts.node(dest)
    _refuse_cross_customer(facts, user, dest)
    plan = MovePlan(user, dest, policy)
    by_action = {KEEP: [], REPLACE: [], CARRY: [], STRANDED: []}
    for row in facts.plan_rows(user, dest, policy):    # each action's rows in number order
        by_action[row["action"]].append({field: row[field] for field in ROW_FIELDS})
        if row["stranded_after"]:
            plan.stranded_after.append((row["number"], row["node"], row["action"]))
    plan.kept, plan.stranded, leaving = by_action[KEEP], by_action[STRANDED], by_action[REPLACE]
    if leaving:
        plan.replaced = _like_for_like(facts, user, dest, leaving)
    if by_action[CARRY]:
        _refuse_carry_conflicts(inv, by_action[CARRY], dest)
        plan.carried = by_action[CARRY]
    return plan


def _like_for_like(facts, user, dest, leaving):
    """(released row, candidate) pairs, in the released rows' number order: a number
    written with `+` takes the next candidate written with `+`, any other the next candidate
    without (docs/rules.md#r17-move-user): a London DID is not replaced by an extension."""
    given = {}
    for plus, form in ((True, "written with +"), (False, "without +")):
        rows = [row for row in leaving if row["number"].startswith("+") == plus]
        if not rows:
            continue
        candidates = facts.candidates(user, dest, len(rows), plus)
        if len(candidates) < len(rows):
            raise NoNumberAvailable(f"{user['username']} needs {len(rows)} number(s) {form} at "
                                    f"{dest}; only {len(candidates)} available")
        given.update(zip((id(row) for row in rows), candidates))
    return [(row, given[id(row)]) for row in leaving]


def move_user(inv, username, dest, policy=REPLACE):
    with inv.store.operation() as op:
        plan = plan_move(inv, username, dest, policy)
        user = plan.user
        release_rows(op, [old for old, _ in plan.replaced], inv.cooling_days())
        give_rows(op, [new for _, new in plan.replaced], user["username"])
        op.write_rows("carry", "carried_rows", [(row["number"], row["node"]) for row in plan.carried],
                      {"dest": plan.dest}, user["username"])
        op.con.execute("update users set node = $d where lower(username) = lower($u)",
                       {"d": plan.dest, "u": user["username"]})
        op.log_user("move_user", user["username"], before=user,
                    after={**user, "node": plan.dest})
    return plan.frame()
