"""Rows read for a whole batch at once, shared by bulk onboarding and bulk move previews."""

from collections import deque

from ..codes import NEAREST
from ..schema import statement


def statement_rows(inv, name, frames):
    """The rows of statement `name` as dicts, with `frames` registered as tables meanwhile."""
    for table, frame in frames.items():
        inv.con.register(table, frame)
    try:
        cursor = inv.con.execute(statement(name))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]
    finally:
        for table in frames:
            inv.con.unregister(table)


def nearest_first(inv):
    """Whether the candidate order is the nearest node's rows first (the setting
    candidate_order, docs/rules.md#r9-candidates-and-next-available)."""
    return inv.store.scalar("select numkit_candidate_order()") == NEAREST


def free_rows_by_node(inv, free_users):
    """node_id -> a queue of the rows reserved for nobody there, in the statement's rank
    order (number order, decided in SQL): the first in the queue is the node's next.
    `free_users` holds a node per user, and `plus` (True, False: the form of number that
    user needs; None or no column: either)."""
    by_node = {}
    if free_users.empty:
        return by_node
    wanted = free_users[["node"]].assign(
        plus=free_users["plus"] if "plus" in free_users.columns else None)
    for row in statement_rows(inv, "bulk_free_candidates", {"bulk_free_users": wanted}):
        by_node.setdefault(row["node_id"], deque()).append(row)
    return by_node


def first_by_rank(by_node, node_ids, nearest=False):
    """The node id, among `node_ids` (nearest first), whose next row is the next candidate:
    the one that ranks first, or with `nearest` the nearest node's; None when all are
    empty."""
    heads = [(by_node[node_id][0]["rank"], node_id) for node_id in node_ids if by_node.get(node_id)]
    if not heads:
        return None
    return heads[0][1] if nearest else min(heads)[1]


def ancestor_ids_of(inv, nodes):
    """node -> the node ids of the node and of its ancestors, nearest first."""
    ids = {}
    for node, ancestor_id in inv.con.execute(
            "select node, ancestor_id from node_ancestors where node in (select unnest($nodes)) "
            "order by node, distance",
            {"nodes": nodes}).fetchall():
        ids.setdefault(node, []).append(ancestor_id)
    return ids
