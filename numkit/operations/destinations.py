"""A move's destination written short: a node's last path segment(s), unique within the
user's customer (docs/rules.md, "Short node names")."""

import pandas as pd

from ..errors import InvalidOperation, UnknownNode, did_you_mean
from ..arguments import user_keys
from .batch_rows import statement_rows

# Nodes named in an ambiguous or mistyped destination: enough to pick from, not a list of
# a whole hierarchy.
NAMED_AT_MOST = 5


def resolve(inv, moves):
    """[(username, node, refusal)] for each (username, destination) of `moves`: the node a
    destination names, read at once for the whole list. A full path of a node is taken as
    it is; a short name must match exactly one node under the user's customer, else the
    refusal (UnknownNode, or InvalidOperation when it names several) says which it could
    be, and the name stays as written. An unknown user's destination stays as written: the
    move itself refuses the user."""
    moves = [(username, str(dest)) for username, dest in moves]
    names = sorted({dest for _, dest in moves})
    known = {row[0] for row in inv.con.execute(
        "select node from nodes where node in (select unnest($names))", {"names": names}).fetchall()}
    short = [(seq, str(username).strip(), dest) for seq, (username, dest) in enumerate(moves)
             if dest not in known]
    if not short:
        return [(username, dest, None) for username, dest in moves]
    usernames = sorted({username for _, username, _ in short})
    movers = {row["key"]: row for row in inv.store.rows(
        "select lower(users.username) as key, users.username, node_customers.customer "
        "from users left join node_customers on node_customers.node = users.node "
        "where lower(users.username) in (select lower(unnest($names)))",
        {"names": usernames})}
    key_of = user_keys(inv.con, usernames)
    matches = {}
    frame = pd.DataFrame(short, columns=["seq", "username", "name"])
    for row in statement_rows(inv, "short_node_names", {"move_names": frame}):
        matches.setdefault(row["seq"], []).append(row)
    resolved = []
    for seq, (username, dest) in enumerate(moves):
        mover = movers.get(key_of.get(str(username).strip()))
        if dest in known or mover is None:
            resolved.append((username, dest, None))
            continue
        found = matches.get(seq, [])
        taken = [row["node"] for row in found if row["exact"] and row["in_customer"]]
        if len(taken) == 1:
            resolved.append((username, taken[0], None))
        elif taken or found:
            resolved.append((username, dest, _refusal(mover, dest, taken, found)))
        else:   # nothing ends with it anywhere: the move says there is no such node
            resolved.append((username, dest, None))
    return resolved


def resolve_one(inv, username, dest):
    """The node `dest` names for `username`; raises the refusal of resolve()."""
    [(_, node, refusal)] = resolve(inv, [(username, dest)])
    if refusal is not None:
        raise refusal
    return node


def _refusal(mover, name, taken, found):
    where = (f"under {mover['customer']} (the customer of {mover['username']}'s node)"
             if mover["customer"] else "in the hierarchy")
    if taken:
        return InvalidOperation(f"{name!r} names {len(taken)} nodes {where}: "
                                f"{_listed(taken)}; write more of the path")
    near = [row["node"] for row in found if row["in_customer"]]
    elsewhere = [row["node"] for row in found if not row["in_customer"]]
    hints = ([did_you_mean(near, NAMED_AT_MOST)] if near else []) + (
        [f"{_listed(elsewhere)} {'is' if len(elsewhere) == 1 else 'are'} under another customer"]
        if elsewhere else [])
    return UnknownNode(f"no node {name!r} {where}; {'; '.join(hints)}")


def _listed(nodes):
    more = f" and {len(nodes) - NAMED_AT_MOST} more" if len(nodes) > NAMED_AT_MOST else ""
    return ", ".join(nodes[:NAMED_AT_MOST]) + more
