"""Onboarding many users at once: the same outcome as onboarding them one by one, in order,
computed for the whole batch with two queries instead of several per user."""

import pandas as pd

from ..arguments import clean_username, user_keys
from .batch_rows import (ancestor_ids_of, first_by_rank, free_rows_by_node, nearest_first,
                         statement_rows)
from .assignment import onboard
from .changes import user_event
from ..errors import InvalidOperation, NoNumberAvailable, UnknownNode, UserExists


def _entries(users):
    """(username, node, number) triples from a DataFrame or an iterable of tuples."""
    if isinstance(users, pd.DataFrame):
        missing = {"username", "node"} - set(users.columns)
        if missing:
            raise InvalidOperation(f"the users frame needs columns username and node "
                                   f"(missing: {', '.join(sorted(missing))})")
        numbers = users["number"] if "number" in users.columns else [None] * len(users)
        rows = zip(users["username"], users["node"], numbers)
    else:
        rows = ((*entry, None)[:3] for entry in users)
    entries = []
    for username, node, number in rows:
        number = None if number is None or pd.isna(number) or str(number).strip() == "" else number
        entries.append((clean_username(username), str(node), number))
    return entries


def _refusal_check(inv, entries, key_of):
    """A function that raises, for one entry in batch order, what onboarding it one by one
    would refuse before looking for numbers: an unknown node, an active user (or one the
    batch onboarded already)."""
    nodes = sorted({node for _, node, _ in entries})
    known = {row[0] for row in inv.con.execute(
        "select node from nodes where node in (select unnest($nodes))", {"nodes": nodes}).fetchall()}
    active = {row[0] for row in inv.con.execute(
        "select lower(username) from users where lower(username) in (select unnest($keys))",
        {"keys": sorted(set(key_of.values()))}).fetchall()}

    def refuse(username, node):
        if node not in known:
            raise UnknownNode(f"no node {node!r} in the hierarchy")
        if key_of[username] in active:
            raise UserExists(f"{username} is already an active user")
        active.add(key_of[username])
    return refuse


def onboard_many(inv, users):
    """Onboard every (username, node[, number]) in order, all or nothing: what onboarding
    them one by one in one batch does. A DataFrame with username, node (and number)."""
    entries = _entries(users)
    assigned = []
    with inv.store.operation() as op:
        if any(number is not None for _, _, number in entries):
            # a chosen number may be one an earlier user of the batch took: one by one
            for username, node, number in entries:
                assigned += [(username, node, n) for n in onboard(inv, username, node, number)]
            return pd.DataFrame(assigned, columns=["username", "node", "number"])
        if not entries:
            return pd.DataFrame(assigned, columns=["username", "node", "number"])
        key_of = user_keys(inv.con, [username for username, _, _ in entries])
        refuse = _refusal_check(inv, entries, key_of)
        batch = pd.DataFrame({"seq": range(len(entries)),
                              "user_key": [key_of[u] for u, _, _ in entries],
                              "node": [n for _, n, _ in entries]})
        reserved = {}
        for row in statement_rows(inv, "bulk_reserved_candidates", {"bulk_users": batch}):
            reserved.setdefault(row["seq"], []).append(row)
        free_users = batch[~batch["seq"].isin(reserved)]
        taken_from = free_rows_by_node(inv, free_users)
        ancestors = ancestor_ids_of(inv, batch["node"].unique().tolist())
        nearest = nearest_first(inv)
        keys, usernames, lead = [], [], []
        for seq, (username, node, _) in enumerate(entries):
            refuse(username, node)
            if seq in reserved:
                rows = reserved[seq]     # in candidate order, as the statement gives them
            else:
                rows = [_next_free(taken_from, ancestors.get(node, []), username, node, nearest)]
            # each user's onboard event comes just before the user's first row's
            lead.append((len(keys) + 1, user_event("onboard", username,
                                                   after={"username": username, "node": node})))
            keys += [(row["number"], row["node"]) for row in rows]
            usernames += [username] * len(rows)
            assigned += [(username, node, row["number"]) for row in rows]
        inv.con.register("bulk_new_users", pd.DataFrame(
            {"username": [u for u, _, _ in entries], "node": [n for _, n, _ in entries]}))
        try:
            inv.con.execute("insert into users (username, node) select username, node from bulk_new_users")
        finally:
            inv.con.unregister("bulk_new_users")
        op.write_rows("assign", "given_rows", keys, usernames=usernames, lead=lead)
    return pd.DataFrame(assigned, columns=["username", "node", "number"])


def _next_free(by_node, ancestor_ids, username, node, nearest):
    """The next available among the ancestors' free rows, taken
    (docs/rules.md#r9-candidates-and-next-available)."""
    node_id = first_by_rank(by_node, ancestor_ids, nearest)
    if node_id is None:
        raise NoNumberAvailable(f"no number is available for {username} at {node}")
    return by_node[node_id].popleft()
