"""numkit against the model of the rules (tests/model.py): random operations on both.

The same small inventory is loaded into numkit (CSV files, a fixed as_of) and built in the
model; then each step runs one operation on both and compares the outcome (the same result,
or the same error class, and for NotAssignable the same reason). After every step: the whole
state (rows with effective status and stuck, active users, deleted users), and what one of
the WATCHED users sees at their node (candidates in order, next available, belonging to, why
not for every number), the watched pair changing from step to step. `look` reads the same
through the API for any user at any node, an unknown one included.

What it runs (both classes are marked `model` and `slow`: `./kit test -m model` runs them,
`./kit test fast` leaves them out). Hypothesis is derandomized, so every run draws the same
examples; NUMKIT_MODEL_SCALE=0.1 runs a tenth of them:

- TestModel (ModelMachine): 130 examples of up to 100 steps (about 11,000 steps in all).
  A step is one of onboard, assign, release, delete_user, move_user (like for like: the
  numbers include some written with `+`), preview_move, reserve_for, reserve_next,
  clear_reserved_for, add_numbers, delete_numbers, set_status, cleanup_deleted_reservations,
  setting cooling_days, setting candidate_order (drawn at the start too, switched during a
  run), time passing (as_of later), a reload
  of the inventory with some users gone from the users file, or `look`. About 40 ms a step on
  a 2-core machine (~7 min), nearly all of it numkit's reads: each one is a DuckDB query over
  the views (node_ancestors, numbers_effective, visible_numbers) costing 3-7 ms on a handful
  of rows. Checking all WATCHED pairs at every step would cost ~75 ms a step.
- TestRoundTrip (RoundTripMachine) adds the round trip with VOSS: after every step numkit's
  pending changes equal the model's (computed from its state and the snapshot it last
  loaded), and now and then (voss_export, one rule under two names so that it is drawn
  twice as often) a simulated VOSS writes the next export (the last snapshot with a random
  part of the pending changes done, some decided otherwise, some changes of its own);
  numkit loads it and the model reconciles it by rules R29: the same outcome
  for every change pending before, the same counts, the same inventory after, inv.check()
  empty. 30 examples of up to 40 steps, about 2.5 minutes here.
"""

import atexit
import collections
import csv
import datetime as dt
import os
import pathlib
import shutil
import tempfile

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import numkit
from model import Inventory as Model
from model import number_order
from model import is_ancestor_or_self, on_one_path

AS_OF = dt.date(2026, 11, 23)
PROV = "sys.hcs.Prov-1"
CUST1, CUST2 = f"{PROV}.Cust-1", f"{PROV}.Cust-2"
SITE_A, SITE_B, SITE_D = f"{CUST1}.Site-A", f"{CUST1}.Site-B", f"{CUST2}.Site-D"
GHOST = f"{CUST1}.Site-Z"                      # never in the hierarchy: UnknownNode
HIERARCHY = {PROV: "Provider", CUST1: "Customer", SITE_A: "Site", SITE_B: "Site",
             CUST2: "Customer", SITE_D: "Site"}
NODES = list(HIERARCHY)
# plain numbers and numbers written with `+`: a replacing move replaces like for like
NUMBERS = ["100", "+100", "0100", "999", "+999", "1000", "+1000", "1001", "+1001", "1002", "1003",
           "+1003"]
RANGES = [("999", "1001"), ("1001", "1003"), ("0099", "0100"), "+1001-+1002", "0999-1000"]
LOOKED_AT = sorted({*NUMBERS, "0099", "+1002", "0999", "4242"}, key=number_order)
USERS = ["ann", "Ann", "bob", "BOB", "cy", "dee"]
STATUSES = ["Available", "Used", "Used-Utility", "Reserved", "Cooling", "Inactive"]
# Offsets from the snapshot date: -21 and -25 are stuck cooling, -20 is not.
RELEASE_OFFSETS = [None, -25, -21, -20, -3, 0, 2, 5]
# What a few users see at a few nodes, checked after every step.
WATCHED = [("Ann", SITE_A), ("bob", SITE_B), ("cy", SITE_D)]

nodes = st.sampled_from(NODES)
any_node = st.sampled_from(NODES + [GHOST])
maybe_node = st.none() | any_node
mostly_none = st.sampled_from([None, None, None, *NODES])   # node: the common case is none
statuses = st.sampled_from(["Available", "Available", *STATUSES])
users = st.sampled_from(USERS)
numbers = st.sampled_from(NUMBERS)
number_args = (numbers | st.lists(numbers, min_size=1, max_size=3, unique=True)
               | st.sampled_from(RANGES))
days = st.integers(min_value=0, max_value=5)
maybe_days = st.none() | days
policies = st.sampled_from(["replace", "carry"])
orders = st.sampled_from(["number", "nearest"])



def examples(full):
    """How many examples a machine runs: `full`, or that times NUMKIT_MODEL_SCALE (say 0.1
    while working on a rule; at least one)."""
    return max(1, round(full * float(os.environ.get("NUMKIT_MODEL_SCALE") or 1)))


FOLDER = pathlib.Path(tempfile.mkdtemp(prefix="numkit-model-"))   # the CSV files loaded
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)
STEPS = collections.Counter()                  # steps run, for measuring the budget


def plain(value):
    """pandas' missing values (None, NaN, NaT) as None; numpy scalars as Python ones."""
    if value is None or value != value:
        return None
    return value.item() if hasattr(value, "item") else value


def tuples(frame, *columns):
    picked = frame[list(columns)].astype(object).values
    return [tuple(plain(v) for v in values) for values in picked]


def report_lines(frame):
    """A numkit report as the model writes it: skip reasons other than not_found unnamed."""
    lines = tuples(frame, "number", "node", "result", "reason")
    return sorted((number, None if reason == "not_found" else node, result,
                   "not_found" if reason == "not_found" else None)
                  for number, node, result, reason in lines)


def belonging_lines(frame):
    return sorted(tuples(frame, "number", "node", "assignable"))


def plan_lines(frame):
    return sorted(tuples(frame, "number", "node", "action", "new_number"))


def same(what, in_numkit, in_model):
    """Assert equal collections; the message shows what only one side has."""
    assert in_numkit == in_model, (
        f"{what}: only in numkit {sorted(set(in_numkit) - set(in_model), key=str)}, "
        f"only in the model {sorted(set(in_model) - set(in_numkit), key=str)}")


def csv_file(role, header, lines):
    """`lines` written as role.csv in this session's folder (overwritten each time)."""
    path = FOLDER / f"{role}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["" if v is None else str(v) for v in line] for line in lines])
    return path


def starting_inventory(rows, people):
    """Rows, users and numbers held, made consistent with the rules on rows and the invariants."""
    active = {}
    for name, node in people:
        active.setdefault(name.lower(), (name, node))
    kept = []
    for number, node, status, reserved_for, held, offset in rows:
        if any(r["number"] == number and on_one_path(r["node"], node) for r in kept):
            continue
        used_by = None
        if status == "Used" and held:
            holders = [name for name, home in active.values() if is_ancestor_or_self(node, home)]
            used_by = holders[0] if holders else None
        if used_by and reserved_for and reserved_for.lower() != used_by.lower():
            reserved_for = None
        kept.append({"number": number, "node": node, "status": status,
                     "reserved_for": reserved_for, "used_by": used_by,
                     "release_date": None if offset is None else AS_OF + dt.timedelta(days=offset)})
    return kept, list(active.values())


class ModelMachine(RuleBasedStateMachine):
    @initialize(rows=st.lists(st.tuples(numbers, nodes, statuses, st.none() | users, st.booleans(),
                                        st.sampled_from(RELEASE_OFFSETS)),
                              min_size=3, max_size=12),
                people=st.lists(st.tuples(users, nodes), min_size=1, max_size=4),
                order=orders)
    def load(self, rows, people, order):
        rows, people = starting_inventory(rows, people)
        self.model = Model(HIERARCHY, [dict(r) for r in rows], people, AS_OF,
                           candidate_order=order)
        self.inv = numkit.connect()
        self.inv.as_of = AS_OF
        self.inv.settings["candidate_order"] = order
        numbers_file = csv_file("numbers", ["number", "node", "status", "reserved_for", "used_by",
                                            "release_date"], [r.values() for r in rows])
        self.inv.load(numbers_file,
                      users=csv_file("users", ["username", "node"], people) if people else None,
                      hierarchy=csv_file("hierarchy", ["node", "type"], HIERARCHY.items()),
                      as_of=AS_OF)

    # -- running an operation on both --------------------------------------------------
    def both(self, operation, *args, numkit_view=None, model_view=None, **kwargs):
        """Run `operation` on the model and on numkit: the same error, or the same result
        (compared through the views when given, else not compared)."""
        try:
            wanted, wanted_error = getattr(self.model, operation)(*args, **kwargs), None
        except numkit.NumkitError as error:
            wanted, wanted_error = None, error
        try:
            got, got_error = getattr(self.inv, operation)(*args, **kwargs), None
        except numkit.NumkitError as error:
            got, got_error = None, error
        call = f"{operation}{args}{kwargs or ''}"
        assert type(got_error) is type(wanted_error), \
            f"{call}: numkit {got_error!r}, model {wanted_error!r}"
        if isinstance(wanted_error, numkit.NotAssignable):
            assert got_error.reason == wanted_error.reason, f"{call}: reason"
        if wanted_error is None and numkit_view is not None:
            assert numkit_view(got) == (model_view or numkit_view)(wanted), f"{call}: result"

    # Arguments drawn from the state half of the time, so that operations also succeed.
    def pick(self, data, likely, anything, label):
        return data.draw(st.sampled_from(sorted(likely)) | anything if likely else anything, label)

    def someone(self, data):
        """Mostly an active user, as stored; else any username."""
        return self.pick(data, [name for name, _ in self.model.users.values()], users, "user")

    def newcomer(self, data):
        """Mostly a username that is not active; else any."""
        return self.pick(data, [u for u in USERS if not self.model.active_user(u)], users, "user")

    def candidate(self, data, user, node):
        """Mostly one of the user's candidates at node; else any number."""
        good = [r.number for r in self.model.candidates(user, node)] if node != GHOST else []
        return self.pick(data, good, numbers, "number")

    @rule(data=st.data(), node=any_node, with_number=st.sampled_from([False, False, True]))
    def onboard(self, data, node, with_number):
        user = self.newcomer(data)
        number = self.candidate(data, user, node) if with_number else None
        self.both("onboard", user, node, number, numkit_view=list)

    @rule(data=st.data(), node=mostly_none)
    def assign(self, data, node):
        user = self.someone(data)
        active = self.model.active_user(user)
        number = self.candidate(data, user, active[1]) if active else data.draw(numbers)
        self.both("assign", number, user, node)

    @rule(data=st.data(), node=maybe_node, cooling=maybe_days)
    def release(self, data, node, cooling):
        used = {r.number for r in self.model.rows if r.status == "Used"}
        number = self.pick(data, used, numbers | st.lists(numbers, min_size=1, max_size=2,
                                                         unique=True), "number")
        self.both("release", number, node, cooling)

    @rule(data=st.data(), cooling=maybe_days)
    def delete_user(self, data, cooling):
        self.both("delete_user", self.someone(data), cooling)

    def mover(self, data):
        """Mostly a user who uses a number written with `+` (like for like matters to
        them), else someone."""
        holders = {r.used_by for r in self.model.rows if r.used_by and r.number.startswith("+")}
        return self.pick(data, holders, st.just(self.someone(data)), "mover")

    @rule(data=st.data(), dest=any_node, policy=policies)
    def move_user(self, data, dest, policy):
        self.both("move_user", self.mover(data), dest, policy, numkit_view=plan_lines,
                  model_view=sorted)

    @rule(data=st.data(), dest=any_node, policy=policies)
    def preview_move(self, data, dest, policy):
        self.both("preview_move", self.mover(data), dest, policy, numkit_view=plan_lines,
                  model_view=sorted)

    @rule(numbers=number_args, user=users, node=maybe_node)
    def reserve_for(self, numbers, user, node):
        self.both("reserve_for", numbers, user, node)

    @rule(numbers=number_args, node=maybe_node)
    def clear_reserved_for(self, numbers, node):
        self.both("clear_reserved_for", numbers, node)

    @rule(numbers=number_args, node=any_node)
    def add_numbers(self, numbers, node):
        self.both("add_numbers", numbers, node, numkit_view=report_lines, model_view=sorted)

    @rule(numbers=number_args, node=maybe_node)
    def delete_numbers(self, numbers, node):
        self.both("delete_numbers", numbers, node, numkit_view=report_lines, model_view=sorted)

    @rule(numbers=number_args, status=st.sampled_from(["Available", "Reserved", "Cooling"]),
          node=maybe_node, period=maybe_days)
    def set_status(self, numbers, status, node, period):
        self.both("set_status", numbers, status, node, None if status == "Available" else period)

    @rule(older=st.integers(0, 8), dry_run=st.booleans())
    def cleanup_deleted_reservations(self, older, dry_run):
        self.both("cleanup_deleted_reservations", older, dry_run,
                  numkit_view=lambda frame: sorted(tuples(frame, "number", "node")),
                  model_view=sorted)

    @rule(cooling=days)
    def set_cooling_days(self, cooling):
        self.model.set_cooling_days(cooling)
        self.inv.settings["cooling_days"] = cooling

    @rule(order=orders | st.sampled_from(["Nearest", "distance"]))
    def set_candidate_order(self, order):
        """Switched during a run (docs/rules.md#r9-candidates-and-next-available); a value
        neither knows is refused by both."""
        try:
            self.model.set_candidate_order(order)
            wanted = None
        except numkit.InvalidOperation as error:
            wanted = error
        try:
            self.inv.settings["candidate_order"] = order
            got = None
        except numkit.InvalidOperation as error:
            got = error
        assert type(got) is type(wanted), \
            f"candidate_order = {order!r}: numkit {got!r}, model {wanted!r}"
        assert self.inv.settings["candidate_order"] == self.model.candidate_order

    @rule(data=st.data(), node=any_node, count=st.sampled_from([1, 1, 2, 3, 0]),
          until=st.sampled_from([None, None, 0, 3, -1]))
    def reserve_next(self, data, node, count, until):
        until = None if until is None else self.model.as_of + dt.timedelta(days=until)
        self.both("reserve_next", self.someone(data), node, count, until=until,
                  numkit_view=lambda frame: tuples(frame, "number", "node"), model_view=list)

    @rule(step=st.integers(1, 10))
    def time_passes(self, step):
        self.model.as_of += dt.timedelta(days=step)
        self.inv.as_of = self.model.as_of

    @precondition(lambda self: self.model.as_of > self.model.snapshot_date)
    @rule(leaving=st.sets(st.sampled_from(["ann", "bob", "cy", "dee"])))
    def reload(self, leaving):
        """A new snapshot as of today: the model's rows, without the users `leaving` (whose
        numbers the export shows held by no one); the snapshot date moves to as_of."""
        rows = [{"number": r.number, "node": r.node, "status": r.status,
                 "reserved_for": r.reserved_for,
                 "used_by": None if r.used_by and r.used_by.lower() in leaving else r.used_by,
                 "release_date": r.release_date} for r in self.model.rows]
        staying = [(name, node) for name, node in self.model.users.values()
                   if name.lower() not in leaving]
        if not rows or (self.model.users and not staying):
            return                                 # numkit refuses a file with no rows
        # no users file when no one stays: the users as last loaded, for numkit and the model
        self.model.load([dict(r) for r in rows], staying or None, self.model.as_of)
        self.inv.load(csv_file("numbers", list(rows[0]), [r.values() for r in rows]),
                      users=csv_file("users", ["username", "node"], staying) if staying else None,
                      hierarchy=csv_file("hierarchy", ["node", "type"], HIERARCHY.items()),
                      # the model's time runs ahead of the calendar's
                      as_of=self.model.as_of, allow_future=True)

    @rule(user=users, node=any_node, number=numbers)
    def look(self, user, node, number):
        """Every read of the API for one (user, node), an unknown node included."""
        self.both("available_numbers", user, node,
                  numkit_view=lambda frame: tuples(frame, "number", "node", "distance"),
                  model_view=lambda rows: [(r.number, r.node, self.model.distance(r, node))
                                           for r in rows])
        self.both("next_available", user, node, numkit_view=lambda number: number)
        self.both("belonging_to", user, node, numkit_view=belonging_lines,
                  model_view=lambda lines: sorted((r.number, r.node, ok) for r, ok in lines))
        self.both("belonging_to", user,
                  numkit_view=lambda frame: sorted(tuples(frame, "number", "node")),
                  model_view=lambda lines: sorted((r.number, r.node) for r, _ in lines))
        self.both("why_not", number, user, node, numkit_view=lambda reason: reason)
        if node != GHOST:
            self.same_reasons(user, node)

    # -- after every step --------------------------------------------------------------
    @invariant()
    def same_state(self):
        """Rows (with effective status and stuck), active users, deleted users."""
        if not hasattr(self, "inv"):
            return
        STEPS["steps"] += 1
        self.steps = getattr(self, "steps", 0) + 1
        model = self.model
        same("rows", self.rows_in_numkit(), {
            (r.number, r.node, r.status, r.reserved_for, r.used_by,
             r.release_date if r.status in ("Reserved", "Cooling") else None,
             model.effective_status(r), model.stuck(r)) for r in model.rows})
        same("active users", set(self.query("select lower(username), node from users")),
             {(name.lower(), node) for name, node in model.users.values()})
        same("deleted users",
             collections.Counter(self.query("select lower(username), node, deleted_at "
                                            "from deleted_users")),
             collections.Counter((name.lower(), node, at)
                                 for name, node, at in model.deleted_users))

    def query(self, sql, params=None):
        """Rows of a query as tuples (inv.sql's DataFrames cost ~1 ms more each)."""
        return self.inv.con.execute(sql, params or {}).fetchall()

    def rows_in_numkit(self):
        """(number, node, status, reserved_for, used_by, release_date, effective status,
        stuck); release_date only where it means something: Reserved, Cooling."""
        return set(self.query(
            "select number, node, status, reserved_for, used_by, case when status in "
            "('Reserved', 'Cooling') then release_date end, effective_status, stuck "
            "from numbers_effective"))

    @invariant()
    def same_view(self):
        """What one watched user sees at their node; the next pair at the next step."""
        if not hasattr(self, "inv"):
            return
        user, node = WATCHED[self.steps % len(WATCHED)]
        model = self.model
        assert tuples(self.inv.available_numbers(user, node), "number", "node", "distance") == \
            [(r.number, r.node, model.distance(r, node)) for r in model.candidates(user, node)], \
            f"available_numbers{(user, node)}"
        assert self.inv.next_available(user, node) == model.next_available(user, node), \
            f"next_available{(user, node)}"
        assert belonging_lines(self.inv.belonging_to(user, node)) == \
            sorted((r.number, r.node, ok) for r, ok in model.belonging_to(user, node)), \
            f"belonging_to{(user, node)}"
        self.same_reasons(user, node)

    def same_reasons(self, user, node):
        """why_not for every number, in one query of the macro inv.why_not runs (inv.why_not
        costs ~7 ms a call; `look` calls it)."""
        reasons = self.query("select number, why_not(number, $user, $node) "
                             "from (select unnest($numbers) as number)",
                             {"user": user, "node": node, "numbers": LOOKED_AT})
        assert dict(reasons) == {number: self.model.why_not(number, user, node)
                                 for number in LOOKED_AT}, f"why_not(*, {user}, {node})"

    def teardown(self):
        if hasattr(self, "inv"):
            self.inv.close()


TestModel = ModelMachine.TestCase
TestModel.settings = settings(max_examples=examples(130), stateful_step_count=100, deadline=None,
                              derandomize=True, database=None,
                              suppress_health_check=[HealthCheck.too_slow])


# -- the round trip with VOSS ----------------------------------------------------------------
OTHER_DATE = AS_OF + dt.timedelta(days=40)     # a release date no operation sets


def export_is_sound(rows, users):
    """What numkit's load accepts: some rows and users, and the invariants of rules R26
    within the export."""
    if not rows or not users:
        return False
    for (number, node), values in rows.items():
        user = values["used_by"]
        if user and (user.lower() not in users or values["status"] != "Used"
                     or (values["reserved_for"] and values["reserved_for"].lower() != user.lower())):
            return False
        if any(other[0] == number and other[1] != node and on_one_path(other[1], node)
               for other in rows):
            return False
    return True


class SimulatedVoss:
    """VOSS as the analyst's next export shows it: the snapshot numkit last loaded, with a
    random part of the pending changes done (row by row, user by user), some of them
    decided otherwise, and some changes of VOSS's own. Every change that would make an
    export numkit refuses is left out (VOSS keeps its data sound too)."""

    def __init__(self, model, rng):
        self.model, self.rng = model, rng
        self.rows = {key: dict(values) for key, values in model.snapshot_rows.items()}
        self.users = dict(model.snapshot_users)
        self.done = []                              # what it did, for the failure message

    def attempt(self, what, change):
        saved = ({key: dict(values) for key, values in self.rows.items()}, dict(self.users))
        try:
            change()
        except (KeyError, IndexError):              # the row or user is gone already
            self.rows, self.users = saved
            return False
        if export_is_sound(self.rows, self.users):
            self.done.append(what)
            return True
        self.rows, self.users = saved
        return False

    def run(self, units):
        rng, tried, self.units = self.rng, [], units
        for unit, change in sorted(units.items(), key=str):
            roll = rng.random()
            if roll < 0.45:
                tried.append((("apply", unit), lambda u=unit, c=change: self.apply(u, c)))
            elif roll < 0.65:
                tried.append((("contradict", unit), lambda u=unit, c=change: self.contradict(u, c)))
            elif roll < 0.75 and unit[0] == "row" and change[0] == "row_changed":
                tried.append((("other field", unit), lambda u=unit, c=change: self.other_field(u, c)))
        self.untouched = sorted(key for key in self.rows if ("row", *key) not in units)
        for _ in range(rng.randint(0, 3)):
            tried.append((("own", len(tried)), self.own_change()))
        rng.shuffle(tried)
        failed = [(what, change) for what, change in tried if not self.attempt(what, change)]
        for what, change in failed:                 # one leaning on another, now done
            self.attempt(what, change)
        return self

    def apply(self, unit, change):
        if unit[0] == "user":
            if change[0] == "user_deleted":
                del self.users[unit[1]]
            else:
                self.users[unit[1]] = change[2]
        elif change[0] == "row_removed":
            del self.rows[unit[1:]]
        elif change[0] == "row_added":
            self.rows[unit[1:]] = dict(change[3])
        else:
            self.rows[unit[1:]].update({f: change[3][f] for f in change[1]})

    def another(self, field, *not_these):
        """A value of `field` that is none of `not_these`."""
        choices = {"status": ["Available", "Reserved", "Cooling", "Inactive", "Used"],
                   "reserved_for": [None, *USERS], "used_by": [None, *USERS],
                   "release_date": [None, AS_OF, OTHER_DATE]}[field]
        from model import same_value
        return self.rng.choice([value for value in choices
                                if not any(same_value(field, value, v) for v in not_these)])

    def contradict(self, unit, change):
        rng = self.rng
        if unit[0] == "user":
            kind, was_node, now = change
            name = (now or self.users.get(unit[1]) or (unit[1], None))[0]
            if kind == "user_moved" and rng.random() < 0.3:
                del self.users[unit[1]]
            else:
                self.users[unit[1]] = (name, rng.choice(
                    [n for n in NODES if n not in (was_node, now and now[1])]))
            return
        kind, fields, was, now = change
        if kind == "row_changed" and rng.random() < 0.25:
            del self.rows[unit[1:]]
            return
        base = dict(now if kind == "row_added" else self.rows.get(unit[1:]) or was)
        field = rng.choice(fields if kind == "row_changed" else list(base))
        base[field] = self.another(field, (was or {}).get(field), (now or {}).get(field))
        if field == "used_by" and base["used_by"]:
            base["status"] = "Used"
        self.rows[unit[1:]] = base

    def other_field(self, unit, change):
        kind, fields, was, now = change
        field = self.rng.choice([f for f in ("status", "reserved_for", "release_date")
                                 if f not in fields] or ["release_date"])
        row = self.rows[unit[1:]]
        row[field] = self.another(field, row[field], now[field], was[field])

    def own_change(self):
        """A change of VOSS's own, to a row or user numkit has no change for."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            def give():              # VOSS gives an active user one more number
                name, _ = self.users[rng.choice(sorted(self.users))]
                free = [key for key in self.untouched if key in self.rows
                        and self.rows[key]["status"] == "Available"
                        and not self.rows[key]["used_by"]]
                if free:
                    self.rows[rng.choice(free)].update(status="Used", used_by=name,
                                                       reserved_for=None, release_date=None)
            return give
        if roll < 0.6:
            def flag():
                key = rng.choice(self.untouched)
                self.rows[key]["reserved_for"] = self.another("reserved_for",
                                                              self.rows[key]["reserved_for"])
            return flag
        if roll < 0.75:
            def add_row():
                key = (rng.choice(NUMBERS), rng.choice(NODES))
                if key not in self.rows and ("row", *key) not in self.units:
                    self.rows[key] = {"status": "Available", "reserved_for": None,
                                      "used_by": None, "release_date": None}
            return add_row
        if roll < 0.85:
            def drop_row():
                del self.rows[rng.choice(self.untouched)]
            return drop_row
        def add_user():
            name = rng.choice(USERS)
            if name.lower() not in self.users:
                self.users[name.lower()] = (name, rng.choice(NODES))
        return add_user


def pending_in_numkit(inv):
    frame = inv.pending_changes()
    return {(kind, number, node, username.lower() if number is None else None, field,
             voss, mine)
            for kind, number, node, username, field, voss, mine in
            tuples(frame, "kind", "number", "node", "username", "field", "voss_value",
                   "numkit_value")}


class RoundTripMachine(ModelMachine):
    """Random operations, then now and then the next export from a simulated VOSS: numkit
    reconciles it, the model reconciles it by rules R29, and both must agree on
    every outcome, on the inventory after, and on what is still pending."""

    # the reads of the API are the other machine's; this one spends its steps on the round trip
    def look(self):
        pass

    def preview_move(self):
        pass

    def same_view(self):
        pass

    @invariant()
    def same_pending(self):
        if hasattr(self, "inv"):
            same("pending changes", pending_in_numkit(self.inv), self.model.pending_changes())

    @rule(seed=st.integers(0, 2**32 - 1), later=st.integers(1, 3))
    def voss_export(self, seed, later):
        self.next_export(seed, later)

    @rule(seed=st.integers(0, 2**32 - 1), later=st.integers(1, 3))
    def another_voss_export(self, seed, later):      # a second name: exports twice as often
        self.next_export(seed, later)

    def next_export(self, seed, later):
        import random

        from hypothesis import note
        model, inv = self.model, self.inv
        model.as_of += dt.timedelta(days=later)
        inv.as_of = model.as_of
        units = model.pending_units()
        pending_before = model.pending_changes()
        voss = SimulatedVoss(model, random.Random(seed)).run(units)
        note(f"VOSS did {voss.done}")
        rows = [{"number": number, "node": node, **values}
                for (number, node), values in sorted(voss.rows.items())]
        users = sorted(voss.users.values())
        report = inv.load(csv_file("numbers", list(rows[0]), [r.values() for r in rows]),
                          users=csv_file("users", ["username", "node"], users),
                          hierarchy=csv_file("hierarchy", ["node", "type"], HIERARCHY.items()),
                          as_of=model.as_of, allow_future=True)
        outcomes = model.load(rows, users, model.as_of)
        note(f"model outcomes {outcomes}")

        def unit_of(change):
            kind, number, node, user = change[:4]
            return ("user", user) if number is None else ("row", number, node)
        wanted = {change[:5] + (outcomes[unit_of(change)],) for change in pending_before}
        got = {(kind, number, node, username.lower() if number is None else None, field,
                outcome)
               for kind, number, node, username, field, outcome in tuples(
                   inv.reconciliations(), "kind", "number", "node", "username", "field",
                   "outcome")}
        same("reconciliations", got, wanted)
        counted = collections.Counter(outcomes.values())
        STEPS.update({f"export {outcome}": n for outcome, n in counted.items()})
        STEPS.update(f"reason {reason.split(',')[0][:30]}"
                     for reason in inv.reconciliations()["reason"].dropna())
        assert (report.applied, report.still_pending, report.conflicts, report.discarded) == \
            (counted["applied"], counted["pending"], counted["conflict"], 0), "load report"
        assert inv.check().empty, inv.check()


TestRoundTrip = RoundTripMachine.TestCase
TestRoundTrip.settings = settings(max_examples=examples(30), stateful_step_count=40, deadline=None,
                                  derandomize=True, database=None,
                                  suppress_health_check=[HealthCheck.too_slow])
