"""Rows read for a whole batch at once, shared by bulk onboarding and bulk move previews."""

from collections import deque

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


def free_rows_by_node(inv, free_users):
    """node_id -> a queue of the rows reserved for nobody there, in the statement's rank
    order (number order, decided in SQL): the first in the queue is the node's next."""
    by_node = {}
    if free_users.empty:
        return by_node
    for row in statement_rows(inv, "bulk_free_candidates", {"bulk_free_users": free_users[["node"]]}):
        by_node.setdefault(row["node_id"], deque()).append(row)
    return by_node


def first_by_rank(by_node, node_ids):
    """The node id, among `node_ids`, whose next row ranks first; None when all are empty."""
    heads = [(by_node[node_id][0]["rank"], node_id) for node_id in node_ids if by_node.get(node_id)]
    return min(heads)[1] if heads else None


def ancestor_ids_of(inv, nodes):
    """node -> the node ids of the node and of its ancestors."""
    ids = {}
    for node, ancestor_id in inv.con.execute(
            "select node, ancestor_id from node_ancestors where node in (select unnest($nodes))",
            {"nodes": nodes}).fetchall():
        ids.setdefault(node, []).append(ancestor_id)
    return ids
