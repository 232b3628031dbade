"""Rows read for a whole batch at once, shared by bulk onboarding and bulk move previews."""

from .numbering import number_order
from .schema import statement


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
    """node_id -> rows reserved for nobody, in number order, as a heap-ready list."""
    by_node = {}
    if free_users.empty:
        return by_node
    for row in statement_rows(inv, "bulk_free_candidates", {"bulk_free_users": free_users[["node"]]}):
        by_node.setdefault(row["node_id"], []).append(row)
    for rows in by_node.values():
        rows.sort(key=lambda r: number_order(r["number"]), reverse=True)   # pop() takes the first
    return by_node


def ancestor_ids_of(inv, nodes):
    """node -> the node ids of the node and of its ancestors."""
    ids = {}
    for node, ancestor_id in inv.con.execute(
            "select node, ancestor_id from node_ancestors where node in (select unnest($nodes))",
            {"nodes": nodes}).fetchall():
        ids.setdefault(node, []).append(ancestor_id)
    return ids
