"""Giving numbers to users and taking them back: onboard, assign, release, delete user."""


from ..arguments import clean_username, days_after
from ..codes import NOT_VISIBLE, USED
from ..errors import InvalidOperation, NoNumberAvailable, NotAssignable, UserExists
from ..numbering import single_number
from .naming import name_rows


def give_rows(op, rows, username):
    """Give `rows` to `username` (statements/given_rows.sql), logged as assignments."""
    op.write_rows("assign", "given_rows", _keys(rows), username=username)


def _keys(rows):
    return [(row["number"], row["node"]) for row in rows]


def assignable_row(inv, number, username, node):
    """The row of `number` visible from `node`, if it can be given to `username`."""
    reason = inv.store.scalar("select why_not($number, $u, $n)",
                              {"number": number, "u": username, "n": node})
    if reason is not None:
        raise NotAssignable(number, reason,
                            f"number {number} cannot be given to {username} at {node}: {reason}")
    return inv.store.rows("select number, node "
                          "from visible_numbers($n) as v where v.number = $number",
                          {"n": node, "number": number})[0]


def candidate_rows(inv, username, node, limit, with_reserved=False, plus=None):
    """Full rows of the first `limit` candidates for (username, node), in candidate order,
    and with `with_reserved` every candidate reserved for the user as well. `plus` True or
    False keeps only the candidates written with `+`, or without (a move replaces like for
    like, docs/rules.md#r17-move-user). A username None is a user with no reservations."""
    # The user's reserved candidates come first: when the first `limit` are all reserved,
    # there may be more of them.
    query = "select number, node, reserved_for_user from available_numbers($u, $n)"
    params = {"u": username, "n": node}
    if plus is not None:
        query += " where starts_with(number, '+') = $plus"
        params["plus"] = plus
    picked = inv.store.rows(f"{query} limit $limit", {**params, "limit": limit})
    if with_reserved and picked and all(row["reserved_for_user"] for row in picked):
        picked = inv.store.rows(f"{query} {'and' if plus is not None else 'where'} reserved_for_user",
                                params)
    # fetched node by node: the table is kept in node order, so each lookup reads few blocks
    full = {}
    for at_node in {row["node"] for row in picked}:
        numbers = [row["number"] for row in picked if row["node"] == at_node]
        for row in inv.rows_of(numbers, at_node):
            full[row["number"], row["node"]] = row
    return [full[row["number"], row["node"]] for row in picked]


def onboard(inv, username, node, number=None):
    username = clean_username(username)
    with inv.store.operation() as op:
        node = inv.require_node(node)
        if inv.active_user(username):
            raise UserExists(f"{username} is already an active user")
        if number is not None:
            rows = [assignable_row(inv, single_number(number), username, node)]
        else:
            # the user's own reserved numbers come first among the candidates
            candidates = candidate_rows(inv, username, node, limit=1, with_reserved=True)
            rows = [row for row in candidates if row["reserved_for"]] or candidates[:1]
            if not rows:
                raise NoNumberAvailable(f"no number is available for {username} at {node}")
        op.con.execute("insert into users (username, node) values ($u, $n)",
                       {"u": username, "n": node})
        op.log_user("onboard", username, after={"username": username, "node": node})
        give_rows(op, rows, username)
    return [row["number"] for row in rows]


def assign(inv, number, username, node=None):
    number = single_number(number)
    with inv.store.operation() as op:
        user = inv.require_user(username)
        row = assignable_row(inv, number, user["username"], user["node"])
        if node is not None and row["node"] != inv.require_node(node):
            raise NotAssignable(number, NOT_VISIBLE,
                                f"number {number} has no row at {node} visible from "
                                f"{user['username']}'s node {user['node']}")
        give_rows(op, [row], user["username"])
    return row["number"]


def release_rows(op, rows, cooling_days):
    """Release `rows` (each must be Used) with `cooling_days` of cooling
    (statements/released_rows.sql), logged as releases of each row's user."""
    for row in rows:
        if row["status"] != USED:
            raise InvalidOperation(f"number {row['number']} at {row['node']} is {row['status']}; "
                                   "only a Used number can be released")
    if cooling_days > 0:    # refused before any change when the end date cannot be
        days_after(op.as_of, cooling_days, "the cooling end date")
    op.write_rows("release", "released_rows", _keys(rows),
                  {"cooling_days": cooling_days, "as_of": op.as_of})


def release(inv, number, node=None, cooling_days=None):
    days = inv.cooling_days(cooling_days)
    with inv.store.operation() as op:
        rows, _ = name_rows(inv, number, node)
        release_rows(op, rows, days)
    return [row["number"] for row in rows]


def delete_user(inv, username, cooling_days=None):
    days = inv.cooling_days(cooling_days)
    with inv.store.operation() as op:
        user = inv.require_user(username)
        rows = inv.store.rows("select number, node, status from numbers "
                              "where lower(used_by) = lower($u)", {"u": user["username"]})
        release_rows(op, rows, days)
        op.con.execute("delete from users where lower(username) = lower($u)", {"u": user["username"]})
        op.con.execute("insert into deleted_users (username, node, deleted_at) values ($u, $n, $d)",
                       {"u": user["username"], "n": user["node"], "d": op.as_of})
        op.log_user("delete_user", user["username"], before=user,
                    after={**user, "deleted_at": op.as_of})
    return [row["number"] for row in rows]
