"""A small pure-Python model of the rules, to check numkit against (tests/test_model.py).

Everything here is read off the rules, not off numkit: dotted nodes, number rows, active and
deleted users, the date `as_of` and the snapshot date, effective status, visibility,
candidates, why-not, and the operations, each all-or-nothing and raising the
error class the rules name. Where the rules leave a choice open, a comment starting
"Decided:" says which way the model went.

It runs nothing by itself: tests/test_model.py drives it and numkit side by side (about
11,000 random steps, then 30 round trips with a simulated VOSS; ~10 minutes on a 2-core
machine, in the slow tier: `./kit test -m model`).
"""

import copy
import datetime as dt
import functools
from dataclasses import dataclass

from numkit.errors import (AmbiguousNumber, InvalidOperation, MoveRefused, NoNumberAvailable,
                           NotAssignable, NumkitError, UnknownNode, UnknownNumber, UnknownUser,
                           UserExists)
from numkit.numbering import canonical_number

AVAILABLE, USED, RESERVED, COOLING = "Available", "Used", "Reserved", "Cooling"


def number_order(number):
    """The model's own number order (docs/rules.md#r2-what-a-number-is): the digits' value, then
    without `+` before with it, then as text."""
    return (int(number.lstrip("+")), number.startswith("+"), number)


SETTABLE = (AVAILABLE, RESERVED, COOLING)
COOLING_JOB_LOOK_BACK = dt.timedelta(days=20)


def same_user(a, b):
    """Usernames compare case-insensitively; an empty name matches nobody."""
    return bool(a) and bool(b) and a.lower() == b.lower()


def is_ancestor_or_self(upper, node):
    return node == upper or node.startswith(upper + ".")


def on_one_path(a, b):
    """The uniqueness rule: two rows may share a number only if this is false."""
    return is_ancestor_or_self(a, b) or is_ancestor_or_self(b, a)


def whole_days(days):
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InvalidOperation(f"days must be a whole number >= 0, not {days!r}")
    return days


def clean_username(username):
    name = (username or "").strip()
    if not name:
        raise InvalidOperation("empty username")
    return name


def parse_numbers(numbers):
    """(canonical numbers, single?) for one number, a list, or a range ("a-b" or (a, b))."""
    if isinstance(numbers, str) and canonical_number(numbers) is None and "-" in numbers:
        numbers = tuple(numbers.split("-", 1))     # "1000-1099"
    if isinstance(numbers, tuple):
        start, end = (canonical_number(n) for n in numbers)
        if start is None or end is None or int(end.lstrip("+")) < int(start.lstrip("+")):
            raise InvalidOperation(f"bad range {numbers!r}")
        plus, width = ("+" if start.startswith("+") else ""), len(start.lstrip("+"))
        values = range(int(start.lstrip("+")), int(end.lstrip("+")) + 1)
        return [f"{plus}{value:0{width}d}" for value in values], False
    if isinstance(numbers, str):
        return [_one_number(numbers)], True
    return list(dict.fromkeys(_one_number(n) for n in numbers)), False


def _one_number(raw):
    number = canonical_number(raw)
    if number is None:
        raise InvalidOperation(f"not a number: {raw!r}")
    return number


FIELDS = ("status", "reserved_for", "used_by", "release_date")   # those the model keeps


def fields_of(row):
    """A row's fields (a Row or a dict) as a dict."""
    get = row.get if isinstance(row, dict) else lambda field: getattr(row, field)
    return {field: get(field) for field in FIELDS}


def same_value(field, a, b):
    """Usernames compare case-insensitively; an empty value equals only an empty one."""
    if field in ("reserved_for", "used_by"):
        return (a or "").lower() == (b or "").lower() and bool(a) == bool(b)
    return a == b


def as_text(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass(eq=False)          # rows are told apart by identity
class Row:
    number: str
    node: str
    status: str = AVAILABLE
    reserved_for: str | None = None
    used_by: str | None = None
    release_date: dt.date | None = None


def all_or_nothing(operation):
    """On any numkit error, put users, deleted users and rows back as they were."""
    @functools.wraps(operation)
    def run(self, *args, **kwargs):
        saved = copy.deepcopy((self.rows, self.users, self.deleted_users))
        try:
            return operation(self, *args, **kwargs)
        except NumkitError:
            self.rows, self.users, self.deleted_users = saved
            raise
    return run


class Inventory:
    """The inventory as the rules describe it, in plain Python objects."""

    def __init__(self, node_types, rows, users, as_of, cooling_days=0, candidate_order="number"):
        self.node_types = {}                       # path -> type or None
        for node, node_type in node_types.items():
            self.add_node(node, node_type)
        self.rows = [Row(**row) if isinstance(row, dict) else row for row in rows]
        for row in self.rows:
            self.add_node(row.node)
        self.users = {}                            # lower(name) -> (name as given, node)
        for name, node in users:
            self.add_node(node)
            self.users[name.lower()] = (name, node)
        self.deleted_users = []                    # (name, node, deleted_at), in order
        self.as_of = as_of
        self.snapshot_date = as_of                 # the as_of of the latest load
        self.cooling_days = cooling_days
        self.candidate_order = candidate_order
        # {(number, from node), (number, to node)} of each carry whose halves are still
        # pending: one event made both, so they share a conflict's fate
        self.carry_links = set()
        self.keep_snapshot()

    def keep_snapshot(self):
        """The rows and users as loaded: what the pending changes are measured against."""
        self.snapshot_rows = {(row.number, row.node): fields_of(row) for row in self.rows}
        self.snapshot_users = dict(self.users)

    def load(self, rows, users, as_of):
        """A new snapshot (docs/rules.md#r27-loading-an-export), reconciled with the changes
        pending before it (rules R29); `users` None: no users file, the users
        as last loaded. Returns {change unit: outcome} (see `pending_units`)."""
        export_rows = {(row["number"], row["node"]): fields_of(row) for row in rows}
        export_users = (dict(self.snapshot_users) if users is None
                        else {name.lower(): (name, node) for name, node in users})
        units = self.pending_units()
        outcomes = {unit: self.judge(unit, change, export_rows, export_users, units)
                    for unit, change in units.items()}
        while True:
            self.share_fate(units, outcomes, self.carry_links)
            state_rows, state_users = self.reapply(units, outcomes, export_rows, export_users)
            broken = self.broken_by(units, outcomes, state_rows, state_users)
            if not broken:
                break
            outcomes.update(dict.fromkeys(broken, "conflict"))
        onboarded_here = {unit[1] for unit, change in units.items() if change[0] == "user_added"}
        for key, (name, node) in self.users.items():
            if key not in export_users and key not in onboarded_here:
                # recorded where VOSS last had them (a move numkit made is not VOSS's)
                self.deleted_users.append((name, self.snapshot_users.get(key, (name, node))[1],
                                           as_of))
        self.rows = [Row(*key, **values) for key, values in state_rows.items()]
        self.users = state_users
        self.carry_links = {link for link in self.carry_links
                            if all(outcomes.get(("row", *key)) == "pending" for key in link)}
        self.snapshot_rows, self.snapshot_users = export_rows, export_users
        self.snapshot_date = as_of
        return outcomes

    # -- the round trip ------------------------------------------------------------------
    def pending_units(self):
        """{("row", number, node) | ("user", lower name): change}: a row's change is (kind,
        changed fields, as last loaded, now), a user's (kind, node as loaded, (name, node)
        now), kinds as rules R28 names them."""
        units = {}
        now_rows = {(row.number, row.node): fields_of(row) for row in self.rows}
        for key in self.snapshot_rows.keys() | now_rows.keys():
            was, now = self.snapshot_rows.get(key), now_rows.get(key)
            fields = [f for f in FIELDS if not same_value(f, (was or {}).get(f),
                                                          (now or {}).get(f))]
            if fields:
                kind = "row_added" if was is None else "row_removed" if now is None \
                    else "row_changed"
                units[("row", *key)] = (kind, fields, was, now)
        for key in self.snapshot_users.keys() | self.users.keys():
            was, now = self.snapshot_users.get(key), self.users.get(key)
            if was is None or now is None or was[1] != now[1]:
                kind = "user_added" if was is None else "user_deleted" if now is None \
                    else "user_moved"
                units[("user", key)] = (kind, was and was[1], now)
        return units

    def pending_changes(self):
        """{(kind, number, node, lower username or None, field, as loaded, now)}, values as
        text; for a row one per changed field, for a user one with field `node`."""
        changes = set()
        for unit, change in self.pending_units().items():
            if unit[0] == "row":
                kind, fields, was, now = change
                changes |= {(kind, unit[1], unit[2], None, field, as_text((was or {}).get(field)),
                             as_text((now or {}).get(field))) for field in fields}
            else:
                kind, was_node, now = change
                node = now[1] if now else was_node
                changes.add((kind, None, node, unit[1], "node", was_node, now and now[1]))
        return changes

    @staticmethod
    def share_fate(units, outcomes, carry_links):
        """A pending number row that leans on a conflict is a conflict too: the two halves of
        a carried row (one event removed it at one node and added it at another, whatever
        was done to either half since), and a row whose user it gives or takes leans on that
        user's change (rules R30)."""
        def user_of(change):
            _, _, was, now = change
            return {name.lower() for name in ((was or {}).get("used_by"), (now or {}).get("used_by"))
                    if name}
        changed = True
        while changed:
            changed = False
            conflicts = [unit for unit in units if outcomes[unit] == "conflict"]
            for unit, change in units.items():
                if unit[0] != "row" or outcomes[unit] != "pending":
                    continue
                leans = any(("user", user) in conflicts for user in user_of(change)
                            if "used_by" in change[1])
                leans = leans or any(
                    other[0] == "row" and frozenset({unit[1:], other[1:]}) in carry_links
                    for other in conflicts)
                if leans:
                    outcomes[unit] = "conflict"
                    changed = True

    def judge(self, unit, change, export_rows, export_users, units):
        """A pending change against the export: applied, pending or conflict (rules R29,
        R30), before re-applying it is tried against the invariants."""
        if unit[0] == "user":
            kind, was_node, now = change
            shown = export_users.get(unit[1])
            shown = shown and shown[1]
            if kind == "user_added":
                return "pending" if shown is None else "applied" if shown == now[1] \
                    else "conflict"
            if kind == "user_deleted":
                return "applied" if shown is None else "pending" if shown == was_node \
                    else "conflict"
            return "applied" if shown == now[1] else "pending" if shown == was_node \
                else "conflict"
        kind, fields, was, now = change
        shown = export_rows.get(unit[1:])
        # A row's changed fields are judged together; a row added or removed has changed
        # the fields it has (rules R28: one change per non-empty field), so a
        # field VOSS set that numkit left empty is not looked at.
        if kind == "row_removed":
            # still pending only if VOSS has the row exactly as last loaded, every field
            return "applied" if shown is None else "pending" if all(
                same_value(f, shown[f], was[f]) for f in FIELDS) else "conflict"
        if kind == "row_added":
            outcome = "pending" if shown is None else "applied" if all(
                same_value(f, shown[f], now[f]) for f in fields) else "conflict"
        elif shown is None:
            return "conflict"
        elif all(same_value(f, shown[f], now[f]) for f in fields):
            return "applied"
        else:
            outcome = "pending" if all(same_value(f, shown[f], was[f]) for f in fields) \
                else "conflict"
        if outcome == "pending" and "used_by" in fields and now["used_by"]:
            given = {key[1:] for key, other in units.items() if key[0] == "row"
                     and "used_by" in other[1] and other[3]
                     and same_user(other[3]["used_by"], now["used_by"])}
            if self.given_another(now["used_by"], unit[1:], export_rows, export_users, given):
                return "conflict"
        return outcome

    def given_another(self, username, key, export_rows, export_users, given):
        """The export shows the user active and holding a number they did not hold as last
        loaded and numkit did not give them (`given`), other than this one: VOSS gave them
        another."""
        if username.lower() not in export_users:
            return False
        return any(other != key and other not in given and same_user(values["used_by"], username)
                   and not same_user(self.snapshot_rows.get(other, {}).get("used_by"), username)
                   for other, values in export_rows.items())

    def reapply(self, units, outcomes, export_rows, export_users):
        """The export with every change still pending applied on top of it."""
        rows = {key: dict(values) for key, values in export_rows.items()}
        users = dict(export_users)
        for unit, change in units.items():
            if outcomes[unit] != "pending":
                continue
            if unit[0] == "user":
                if change[0] == "user_deleted":
                    users.pop(unit[1], None)
                else:
                    users[unit[1]] = change[2]
                continue
            kind, fields, _, now = change
            if kind == "row_removed":
                rows.pop(unit[1:], None)
            elif kind == "row_added":
                rows[unit[1:]] = dict(now)
            else:
                rows[unit[1:]].update({f: now[f] for f in fields})
        return rows, users

    def broken_by(self, units, outcomes, rows, users):
        """The pending changes that, re-applied, break an invariant (rules R26, R30)."""
        broken = set()
        for unit, change in units.items():
            if outcomes[unit] != "pending":
                continue
            if unit[0] == "user":
                if change[0] == "user_deleted" and any(
                        same_user(values["used_by"], unit[1]) for values in rows.values()):
                    broken.add(unit)
                continue
            if change[0] == "row_removed":
                continue
            values = rows[unit[1:]]
            user = values["used_by"]
            if user and (user.lower() not in users or values["status"] != USED or (
                    values["reserved_for"] and not same_user(values["reserved_for"], user))):
                broken.add(unit)
            number, node = unit[1:]
            if change[0] == "row_added" and any(
                    other[0] == number and other[1] != node and on_one_path(other[1], node)
                    for other in rows):
                broken.add(unit)
        return broken

    # -- hierarchy ---------------------------------------------------------------------
    def add_node(self, node, node_type=None):
        segments = node.split(".")
        for depth in range(1, len(segments) + 1):
            self.node_types.setdefault(".".join(segments[:depth]), None)
        if node_type is not None:
            self.node_types[node] = node_type

    def require_node(self, node):
        if node not in self.node_types:
            raise UnknownNode(node)
        return node

    def customer_of(self, node):
        segments = node.split(".")
        for depth in range(len(segments), 0, -1):
            if self.node_types.get(".".join(segments[:depth])) == "Customer":
                return ".".join(segments[:depth])
        return None

    # -- users -------------------------------------------------------------------------
    def active_user(self, username):
        return self.users.get((username or "").strip().lower())

    def require_user(self, username):
        user = self.active_user(username)
        if user is None:
            raise UnknownUser(username)
        return user

    # -- time --------------------------------------------------------------------------
    def stuck(self, row):
        return row.status == COOLING and (
            row.release_date is None
            or row.release_date < self.snapshot_date - COOLING_JOB_LOOK_BACK)

    def effective_status(self, row):
        ended = row.release_date is not None and row.release_date <= self.as_of
        if row.status == COOLING and not self.stuck(row) and ended:
            return AVAILABLE
        if row.status == RESERVED and ended:
            return AVAILABLE
        return row.status

    # -- visibility and candidates -------------------------------------------------------
    def visible_rows(self, node):
        return [row for row in self.rows if is_ancestor_or_self(row.node, node)]

    def distance(self, row, node):
        return node.count(".") - row.node.count(".")

    def assignable(self, row, username, node):
        return (is_ancestor_or_self(row.node, node)
                and self.effective_status(row) == AVAILABLE
                and (not row.reserved_for or same_user(row.reserved_for, username)))

    def candidates(self, username, node):
        """Assignable rows: U's own reservations first; with candidate_order "nearest" the
        rows of the node itself, then its parent's, and up; then number order. A username
        None is a user with no reservations: no reserved row is assignable to them."""
        self.require_node(node)
        rows = [row for row in self.visible_rows(node) if self.assignable(row, username, node)]
        near = self.candidate_order == "nearest"
        return sorted(rows, key=lambda row: (not row.reserved_for,
                                             self.distance(row, node) if near else 0,
                                             number_order(row.number)))

    available_numbers = candidates               # numkit's name for them

    def next_available(self, username, node):
        rows = self.candidates(username, node)
        return rows[0].number if rows else None

    def why_not(self, number, username, node):
        self.require_node(node)
        number = _one_number(number)
        rows = [row for row in self.rows if row.number == number]
        if not rows:
            return "unknown_number"
        visible = [row for row in rows if is_ancestor_or_self(row.node, node)]
        if not visible:
            return "not_visible"
        if any(row.reserved_for and not same_user(row.reserved_for, username) for row in visible):
            return "reserved_for_other"
        if any(self.effective_status(row) != AVAILABLE for row in visible):
            return "not_available"
        return None

    def belonging_to(self, username, node=None):
        """[(row, assignable)] of rows reserved for U (visible from node, when given).

        Decided: without a node nothing is assignable (the rules name no viewpoint)."""
        if node is not None:
            self.require_node(node)
        return [(row, node is not None and self.assignable(row, username, node))
                for row in self.rows if same_user(row.reserved_for, username)
                and (node is None or is_ancestor_or_self(row.node, node))]

    # -- naming rows ---------------------------------------------------------------------
    def name_rows(self, numbers, node=None):
        """(rows in number order, numbers without a row); the rules for naming rows."""
        wanted, single = parse_numbers(numbers)
        if node is not None:
            self.require_node(node)
        found = {n: [r for r in self.rows if r.number == n and (node is None or r.node == node)]
                 for n in wanted}
        # Decided: an ambiguous number in a list is refused even if others have no row.
        if node is None and any(len(rows) > 1 for rows in found.values()):
            raise AmbiguousNumber(numbers)
        missing = [n for n in wanted if not found[n]]
        if (single and missing) or len(missing) == len(wanted):
            raise UnknownNumber(numbers)
        rows = [row for n in wanted for row in found[n]]
        return sorted(rows, key=lambda row: number_order(row.number)), missing

    def conflicting(self, number, node, ignore=None):
        return [row for row in self.rows if row.number == number and row is not ignore
                and on_one_path(row.node, node)]

    # -- giving and taking back --------------------------------------------------------
    def give(self, row, username):
        row.status, row.used_by, row.release_date = USED, username, None

    def take_back(self, rows, days):
        for row in rows:
            if row.status != USED:
                raise InvalidOperation(f"{row.number} at {row.node} is {row.status}")
        for row in rows:
            row.used_by = None
            if days > 0:
                row.status, row.release_date = COOLING, self.as_of + dt.timedelta(days=days)
            else:
                row.status, row.release_date = AVAILABLE, None

    def cooling_period(self, days):
        return self.cooling_days if days is None else whole_days(days)

    def set_cooling_days(self, days):
        self.cooling_days = whole_days(days)

    def set_candidate_order(self, order):
        if order not in ("number", "nearest"):
            raise InvalidOperation(f"candidate_order {order!r}")
        self.candidate_order = order

    def assignable_row(self, number, username, node):
        reason = self.why_not(number, username, node)
        if reason is not None:
            raise NotAssignable(number, reason)
        return next(row for row in self.visible_rows(node) if row.number == _one_number(number))

    # -- operations ----------------------------------------------------------------------
    @all_or_nothing
    def onboard(self, username, node, number=None):
        # Decided: the node is checked before whether the user is active.
        username = clean_username(username)
        self.require_node(node)
        if self.active_user(username):
            raise UserExists(username)
        if number is not None:
            rows = [self.assignable_row(number, username, node)]
        else:
            candidates = self.candidates(username, node)
            rows = [row for row in candidates if row.reserved_for] or candidates[:1]
            if not rows:
                raise NoNumberAvailable(username)
        self.users[username.lower()] = (username, node)
        for row in rows:
            self.give(row, username)
        return [row.number for row in rows]

    @all_or_nothing
    def assign(self, number, username, node=None):
        # Decided: a `node` that is not the assignable row's own node is NotAssignable
        # (not_visible); whether the number is assignable is decided first.
        name, user_node = self.require_user(username)
        row = self.assignable_row(number, name, user_node)
        if node is not None and row.node != self.require_node(node):
            raise NotAssignable(number, "not_visible")
        self.give(row, name)

    @all_or_nothing
    def release(self, number, node=None, cooling_days=None):
        days = self.cooling_period(cooling_days)
        rows, _ = self.name_rows(number, node)
        self.take_back(rows, days)

    @all_or_nothing
    def delete_user(self, username, cooling_days=None):
        days = self.cooling_period(cooling_days)
        name, node = self.require_user(username)
        self.take_back([row for row in self.rows if same_user(row.used_by, name)], days)
        del self.users[name.lower()]
        self.deleted_users.append((name, node, self.as_of))

    def plan_move(self, username, dest, policy="replace"):
        """[(number, node, action, new_number)] and the rows each action applies to."""
        if policy not in ("replace", "carry"):
            raise InvalidOperation(f"unknown policy {policy!r}")
        name, source = self.require_user(username)
        self.require_node(dest)
        before, after = self.customer_of(source), self.customer_of(dest)
        if before and after and before != after:
            raise MoveRefused(f"{before} -> {after}")
        used = sorted((row for row in self.rows if same_user(row.used_by, name)),
                      key=lambda row: number_order(row.number))
        kept = [row for row in used if is_ancestor_or_self(row.node, dest)]
        leaving = [row for row in used if row not in kept]
        plan = [(row.number, row.node, "keep", None) for row in kept]
        replacements = []
        if policy == "replace" and leaving:
            # like for like: each form of number takes the candidates of its own form, in
            # candidate order, the released rows of that form in number order
            candidates = self.candidates(name, dest)
            for plus in (True, False):
                mine = [row for row in leaving if row.number.startswith("+") == plus]
                offered = [row for row in candidates if row.number.startswith("+") == plus]
                if len(offered) < len(mine):
                    raise NoNumberAvailable(f"{name} needs {len(mine)} at {dest} (+: {plus})")
                replacements += zip(mine, offered)
            plan += [(old.number, old.node, "replace", new.number) for old, new in replacements]
        if policy == "carry":
            carried = [row.number for row in leaving]
            for row in leaving:
                if self.conflicting(row.number, dest, ignore=row) or carried.count(row.number) > 1:
                    raise MoveRefused(f"carrying {row.number} to {dest} breaks uniqueness")
            plan += [(row.number, row.node, "carry", None) for row in leaving]
        # Decided: "not used by U" is judged before the move, so a replaced row reserved
        # for U is reported once, as `replace`, not also as `stranded`.
        plan += [(row.number, row.node, "stranded", None) for row in sorted(
            (row for row in self.rows if same_user(row.reserved_for, name)
             and not same_user(row.used_by, name) and is_ancestor_or_self(row.node, source)
             and not is_ancestor_or_self(row.node, dest)),
            key=lambda row: number_order(row.number))]
        return plan, name, replacements, (leaving if policy == "carry" else [])

    def preview_move(self, username, dest, policy="replace"):
        return self.plan_move(username, dest, policy)[0]

    @all_or_nothing
    def move_user(self, username, dest, policy="replace"):
        plan, name, replacements, carried = self.plan_move(username, dest, policy)
        self.take_back([old for old, _ in replacements], self.cooling_days)
        for _, new in replacements:
            self.give(new, name)
        for row in carried:
            self.carry_links.add(frozenset({(row.number, row.node), (row.number, dest)}))
            row.node = dest
        self.users[name.lower()] = (name, dest)
        return plan

    @all_or_nothing
    def reserve_for(self, numbers, username, node=None):
        username = clean_username(username)
        if node is None:
            rows, _ = self.name_rows(numbers)
            created = []
        else:
            self.require_node(node)
            wanted, _ = parse_numbers(numbers)
            rows = [row for row in self.rows if row.number in wanted and row.node == node]
            created = [n for n in wanted if not any(row.number == n for row in rows)]
            # Decided: "refused" for a row that cannot be created is InvalidOperation.
            if any(self.conflicting(n, node) for n in created):
                raise InvalidOperation("creating a number would break uniqueness")
        if any(row.used_by and not same_user(row.used_by, username) for row in rows):
            raise InvalidOperation("a number is used by another user")
        for row in rows:
            row.reserved_for = username
        self.rows += [Row(n, node, reserved_for=username) for n in created]

    @all_or_nothing
    def reserve_next(self, username, node, count, notes=None, until=None):
        """[(number, node)] flagged for U: the first `count` candidates of a user with no
        reservations at node. With `until` (a date from as_of on) they become Reserved
        until then, as set_status makes a row Reserved for some days.

        Decided: the count and the date are checked before the node; the model keeps no
        notes."""
        username = clean_username(username)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InvalidOperation(f"count {count!r}")
        if until is not None:
            if not isinstance(until, dt.date):
                try:
                    until = dt.date.fromisoformat(str(until))
                except ValueError:
                    raise InvalidOperation(f"until {until!r}") from None
        self.require_node(node)
        if until is not None and not 0 <= (until - self.as_of).days <= 36_500:
            raise InvalidOperation(f"until {until} before as_of {self.as_of}")
        rows = self.candidates(None, node)[:count]
        if len(rows) < count:
            raise NoNumberAvailable(f"{count} at {node}")
        for row in rows:
            row.reserved_for = username
            if until is not None:
                row.status, row.release_date = RESERVED, until
        return [(row.number, row.node) for row in rows]

    @all_or_nothing
    def clear_reserved_for(self, numbers, node=None):
        rows, _ = self.name_rows(numbers, node)
        for row in rows:
            row.reserved_for = None

    @all_or_nothing
    def add_numbers(self, numbers, node):
        """[(number, node, "added" | "skipped", reason)]; reason None: uniqueness."""
        wanted, _ = parse_numbers(numbers)
        self.require_node(node)
        report = []
        for number in wanted:
            if self.conflicting(number, node):
                report.append((number, node, "skipped", None))
            else:
                self.rows.append(Row(number, node))
                report.append((number, node, "added", None))
        return report

    @all_or_nothing
    def delete_numbers(self, numbers, node=None):
        """[(number, node, "deleted" | "skipped", reason)]; reason not_found or None."""
        rows, missing = self.name_rows(numbers, node)
        report = [(n, None, "skipped", "not_found") for n in missing]
        for row in rows:
            if row.status == AVAILABLE and not row.reserved_for:
                self.rows = [other for other in self.rows if other is not row]
                report.append((row.number, row.node, "deleted", None))
            else:
                report.append((row.number, row.node, "skipped", None))
        return report

    @all_or_nothing
    def set_status(self, numbers, status, node=None, days=None, notes=None):
        # Decided: `days` with Available is refused (the rules give days to Reserved and
        # Cooling only).
        target = {s.lower(): s for s in SETTABLE}.get(str(status).strip().lower())
        if target is None or (days is not None and target == AVAILABLE):
            raise InvalidOperation(f"cannot set status {status!r} with days {days!r}")
        if days is not None:
            whole_days(days)
        rows, _ = self.name_rows(numbers, node)
        if any(row.status not in SETTABLE for row in rows):
            raise InvalidOperation("release a used number first")
        if target == RESERVED:
            end = None if days is None else self.as_of + dt.timedelta(days=days)
        elif target == COOLING:
            end = self.as_of + dt.timedelta(days=self.cooling_period(days))
        else:
            end = None
        for row in rows:
            row.status, row.release_date = target, end

    @all_or_nothing
    def cleanup_deleted_reservations(self, older_than_days, dry_run=True):
        """[(number, node)] of rows reserved for users deleted >= N days ago, not active."""
        whole_days(older_than_days)
        latest = {}
        for name, _, deleted_at in self.deleted_users:
            latest[name.lower()] = max(deleted_at, latest.get(name.lower(), deleted_at))
        concerned = [row for row in self.rows if row.reserved_for
                     and not self.active_user(row.reserved_for)
                     and row.reserved_for.lower() in latest
                     and (self.as_of - latest[row.reserved_for.lower()]).days >= older_than_days]
        if not dry_run:
            for row in concerned:
                row.reserved_for = None
        return [(row.number, row.node) for row in concerned]
