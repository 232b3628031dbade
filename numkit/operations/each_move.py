"""Previewing many moves at once, each on its own against the inventory as it is: what
preview_move gives for each, read with a few queries for the whole list."""

import heapq
from itertools import chain, islice

import pandas as pd

from ..arguments import user_keys
from .batch_rows import ancestor_ids_of, free_rows_by_node, nearest_first, statement_rows
from .changes import ROW_FIELDS
from ..codes import REPLACE
from ..errors import NumkitError, UnknownNode, UnknownUser
from . import destinations
from .moves import OneMove, plan_move
from .whatif import conflict_text

COLUMNS = ["username", "destination", "number", "node", "action", "new_number", "new_node",
           "refused"]


class EachMove(OneMove):
    """What planning reads, read once for all the moves (carrying still asks per move)."""

    def __init__(self, inv, moves, policy):
        super().__init__(inv)
        self.key_of = user_keys(inv.con, [str(username).strip() for username, _ in moves])
        keys = sorted(set(self.key_of.values()))
        self.users = {}
        for row in inv.store.rows("select lower(username) as key, username, node from users "
                                  "where lower(username) in (select unnest($keys))", {"keys": keys}):
            self.users[row["key"]] = {"username": row["username"], "node": row["node"]}
            self.key_of[row["username"]] = row["key"]
        nodes = sorted({str(dest) for _, dest in moves} | {u["node"] for u in self.users.values()})
        self.known = {row[0] for row in inv.con.execute(
            "select node from nodes where node in (select unnest($nodes))", {"nodes": nodes}).fetchall()}
        self.customer = dict(inv.con.execute(
            "select node, customer from node_customers where node in (select unnest($nodes))",
            {"nodes": nodes}).fetchall())
        planned = sorted({(self.users[key]["username"], str(dest)) for username, dest in moves
                          if (key := self.key_of[str(username).strip()]) in self.users
                          and str(dest) in self.known})
        self.plans = {}
        if planned:
            frame = pd.DataFrame(planned, columns=["username", "dest"]).assign(policy=policy)
            for row in statement_rows(inv, "each_move_plans", {"move_list": frame}):
                self.plans.setdefault((row["mover"], row["dest"]), []).append(row)
        self.own, self.free, self.dest_ancestor_ids, self.nearest = {}, {}, {}, False
        self._fetch_candidates()

    def _fetch_candidates(self):
        """Per move that replaces rows: the rows reserved for the mover they may be given
        at the destination, in candidate order, and the rows reserved for nobody there of
        the forms the moves need, each node's in number order (the statements' order and
        rank)."""
        needing = [(username, dest, sum(row["action"] == REPLACE for row in rows))
                   for (username, dest), rows in self.plans.items()]
        needing = [move for move in needing if move[2]]
        if not needing:
            return
        batch = pd.DataFrame({"seq": range(len(needing)),
                              "user_key": [self.key_of[username] for username, _, _ in needing],
                              "node": [dest for _, dest, _ in needing]})
        for row in statement_rows(self.inv, "bulk_reserved_candidates", {"bulk_users": batch}):
            username, dest, _ = needing[row["seq"]]
            self.own.setdefault((username, dest), []).append(row)
        # one line per replaced row: its destination and its form (like for like)
        wanted = pd.DataFrame([(dest, row["number"].startswith("+"))
                               for (_, dest), rows in self.plans.items()
                               for row in rows if row["action"] == REPLACE],
                              columns=["node", "plus"])
        self.free = free_rows_by_node(self.inv, wanted)
        self.nearest = nearest_first(self.inv)
        self.dest_ancestor_ids = ancestor_ids_of(self.inv, sorted(set(wanted["node"])))

    def user(self, username):
        user = self.users.get(self.key_of.get(str(username).strip()))
        if user is None:
            raise UnknownUser(f"no active user {username!r}")
        return user

    def node(self, node):
        if node not in self.known:
            raise UnknownNode(f"no node {node!r} in the hierarchy")
        return node

    def customers(self, source, dest):
        return self.customer.get(source), self.customer.get(dest)

    def plan_rows(self, user, dest, policy):
        return self.plans.get((user["username"], dest), [])

    def candidates(self, user, dest, count, plus):
        def of_form(rows):
            return (row for row in rows if row["number"].startswith("+") == plus)
        own = list(of_form(self.own.get((user["username"], dest), [])))
        by_node = [self.free.get(node_id, []) for node_id in self.dest_ancestor_ids.get(dest, [])]
        # the ancestors come nearest first; each node's rows in rank (number) order
        free = chain(*by_node) if self.nearest else heapq.merge(*by_node, key=lambda row: row["rank"])
        return [_row(r) for r in islice(own + list(islice(of_form(free), count)), count)]


def _row(row):
    return {field: row[field] for field in ROW_FIELDS}


def preview_each_move(inv, moves, policy=REPLACE):
    """preview_move for each (username, destination), each against the inventory as it is;
    a destination may be written short (destinations.resolve); a move that would be
    refused is one line saying why."""
    resolved = destinations.resolve(inv, moves)
    facts = EachMove(inv, [(username, node) for username, node, _ in resolved], policy)
    lines = []
    for username, dest, refusal in resolved:
        try:
            if refusal is not None:
                raise refusal
            plan = plan_move(inv, username, dest, policy, facts).frame()
        except NumkitError as refused:
            lines.append((username, dest, None, None, None, None, None, conflict_text(refused)))
            continue
        lines += [(username, dest, *entry, None) for entry in plan.itertuples(index=False)]
    return pd.DataFrame(lines, columns=COLUMNS, dtype=object)
