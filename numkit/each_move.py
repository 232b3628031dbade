"""Previewing many moves at once, each on its own against the inventory as it is: what
preview_move gives for each, read with a few queries for the whole list."""

import heapq
from itertools import islice

import pandas as pd

from .arguments import user_keys
from .batch_rows import ancestor_ids_of, free_rows_by_node, statement_rows
from .changes import ROW_FIELDS
from .codes import AVAILABLE, REPLACE
from .errors import NumkitError, UnknownNode, UnknownUser
from .moves import OneMove, plan_move
from .numbering import number_order

COLUMNS = ["username", "destination", "number", "node", "action", "new_number", "new_node",
           "refused"]


class EachMove(OneMove):
    """What planning reads, read once for all the moves (carrying still asks per move)."""

    def __init__(self, inv, moves):
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
        self.ancestor_names = {}
        for node, ancestor in inv.con.execute(
                "select node, ancestor from node_ancestors where node in (select unnest($nodes))",
                {"nodes": nodes}).fetchall():
            self.ancestor_names.setdefault(node, set()).add(ancestor)
        self.used_rows, self.reserved_rows = {}, {}
        for row in statement_rows(inv, "each_move_rows", {"movers": pd.DataFrame({"user_key": keys})}):
            if row["used_key"] in self.users:
                self.used_rows.setdefault(row["used_key"], []).append(row)
            if row["reserved_key"] in self.users and row["reserved_key"] != row["used_key"]:
                self.reserved_rows.setdefault(row["reserved_key"], []).append(row)
        self.free, self.dest_ancestor_ids = {}, {}
        self._fetch_free_rows(moves)

    def _fetch_free_rows(self, moves):
        """Rows reserved for nobody, per node, as many as the moves to below it may need."""
        wanted = []
        for username, dest in moves:
            user = self.users.get(self.key_of[str(username).strip()])
            if user is None or dest not in self.known:
                continue
            leaving = [r for r in self.used_rows.get(self.key_of[user["username"]], [])
                       if r["node"] not in self.ancestor_names.get(dest, set())]
            wanted += [dest] * len(leaving)
        if wanted:
            self.free = {node_id: rows[::-1] for node_id, rows in   # in number order
                         free_rows_by_node(self.inv, pd.DataFrame({"node": wanted})).items()}
            self.dest_ancestor_ids = ancestor_ids_of(self.inv, sorted(set(wanted)))

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

    def ancestors(self, node):
        return self.ancestor_names.get(node, set())

    def used(self, user):
        return [_row(r) for r in self.used_rows.get(self.key_of[user["username"]], [])]

    def reserved(self, user):
        return [_row(r) for r in self.reserved_rows.get(self.key_of[user["username"]], [])]

    def candidates(self, user, dest, count):
        visible = self.ancestors(dest)
        own = sorted((r for r in self.reserved_rows.get(self.key_of[user["username"]], [])
                      if r["node"] in visible and r["effective_status"] == AVAILABLE),
                     key=lambda r: number_order(r["number"]))
        free = heapq.merge(*(self.free.get(node_id, []) for node_id in self.dest_ancestor_ids.get(dest, [])),
                           key=lambda r: number_order(r["number"]))
        return [_row(r) for r in (own + list(islice(free, count)))[:count]]


def _row(row):
    return {field: row[field] for field in ROW_FIELDS}


def preview_each_move(inv, moves, policy=REPLACE):
    """preview_move for each (username, destination), each against the inventory as it is;
    a move that would be refused is one line saying why."""
    moves = [(username, str(dest)) for username, dest in moves]
    facts = EachMove(inv, moves)
    lines = []
    for username, dest in moves:
        try:
            plan = plan_move(inv, username, dest, policy, facts).frame()
        except NumkitError as refused:
            lines.append((username, dest, None, None, None, None, None,
                          f"{type(refused).__name__}: {refused}"))
            continue
        lines += [(username, dest, *entry, None) for entry in plan.itertuples(index=False)]
    return pd.DataFrame(lines, columns=COLUMNS, dtype=object)
