"""Random operations against the API; the invariants of the rules after every step."""

import datetime as dt
import json

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import numkit
from numkit.schema import refresh_derived

from conftest import AS_OF, CUST1, CUST2, SITE_A, SITE_B, SITE_C, SITE_D

NODES = [CUST1, SITE_A, SITE_B, SITE_C, CUST2, SITE_D]
USERS = ["ann", "Ann", "bob", "cy", "dee"]
NUMBERS = [str(n) for n in range(1000, 1008)]
TABLES = ("numbers", "users", "deleted_users", "events")

nodes = st.sampled_from(NODES)
users = st.sampled_from(USERS)
numbers = st.sampled_from(NUMBERS)
maybe_node = st.none() | nodes
days = st.integers(min_value=0, max_value=5)


class InventoryMachine(RuleBasedStateMachine):
    @initialize(rows=st.lists(st.tuples(numbers, nodes, st.sampled_from(["Available", "Reserved", "Cooling"]),
                                        st.none() | users), max_size=14))
    def start(self, rows):
        self.inv = numkit.connect()
        self.inv.as_of = AS_OF
        self.inv.con.execute("insert into nodes (node, node_id) values "
                             + ", ".join(f"('{n}', {i})" for i, n in enumerate(
                                         ["sys", "sys.hcs", "sys.hcs.Prov-1", *NODES], 1)))
        self.inv.con.execute(f"update nodes set type = 'Customer' where node in ('{CUST1}', '{CUST2}')")
        refresh_derived(self.inv.con)     # nodes written with SQL, as a load would not
        for number, node, status, reserved_for in rows:
            if self.inv.add_numbers(number, node)["result"][0] != "added":
                continue
            if reserved_for:
                self.inv.reserve_for(number, reserved_for, node=node)
            if status != "Available":
                self.inv.set_status(number, status, node=node, days=2)

    def row_state(self):
        return {(r["number"], r["node"]): r for r in self.inv.store.rows(
            "select number, node, status, usage, reserved_for, used_by, "
            "strftime(release_date, '%Y-%m-%d') as release_date, reservation_notes, description "
            "from numbers")}

    def attempt(self, operation, *args, **kwargs):
        before = {t: self.inv.sql(f"select * from {t}") for t in TABLES}
        rows_before = self.row_state()
        try:
            operation(*args, **kwargs)
        except numkit.NumkitError:
            for table, frame in before.items():
                assert self.inv.sql(f"select * from {table}").equals(frame), table
            return
        events = self.inv.sql("select * from events")
        assert (events.iloc[:len(before["events"])].astype(str).values.tolist()
                == before["events"].astype(str).values.tolist()), "events were rewritten"
        changed = any(not self.inv.sql(f"select * from {t}").equals(before[t])
                      for t in TABLES if t != "events")
        if changed:
            assert len(self.inv.events()) > len(before["events"])
        self.replay_events(rows_before, len(before["events"]))

    def replay_events(self, rows_before, events_before):
        """The operation's events, applied to the rows before it, give the rows after it."""
        state = dict(rows_before)
        for event in self.inv.events().iloc[events_before:].itertuples():
            if isinstance(event.before, str) and isinstance(event.number, str):
                old = json.loads(event.before)
                assert state.pop((old["number"], old["node"])) == old
            if isinstance(event.after, str) and isinstance(event.number, str):
                new = json.loads(event.after)
                state[(new["number"], new["node"])] = new
        assert state == self.row_state()

    @rule(user=users, node=nodes, number=st.none() | numbers)
    def onboard(self, user, node, number):
        self.attempt(self.inv.onboard, user, node, number)

    @rule(number=numbers, user=users)
    def assign(self, number, user):
        self.attempt(self.inv.assign, number, user)

    @rule(number=numbers, node=maybe_node, cooling=days)
    def release(self, number, node, cooling):
        self.attempt(self.inv.release, number, node, cooling)

    @rule(user=users, cooling=days)
    def delete_user(self, user, cooling):
        self.attempt(self.inv.delete_user, user, cooling)

    @rule(user=users, dest=nodes, policy=st.sampled_from(["replace", "carry"]))
    def move_user(self, user, dest, policy):
        self.attempt(self.inv.move_user, user, dest, policy)

    @rule(first=numbers, count=st.integers(0, 3), user=users, node=maybe_node)
    def reserve_for(self, first, count, user, node):
        self.attempt(self.inv.reserve_for, (first, str(int(first) + count)), user, node)

    @rule(number=numbers, node=maybe_node)
    def clear_reserved_for(self, number, node):
        self.attempt(self.inv.clear_reserved_for, number, node)

    @rule(first=numbers, count=st.integers(0, 3), node=nodes)
    def add_numbers(self, first, count, node):
        self.attempt(self.inv.add_numbers, (first, str(int(first) + count)), node)

    @rule(number=numbers, node=maybe_node)
    def delete_numbers(self, number, node):
        self.attempt(self.inv.delete_numbers, number, node)

    @rule(number=numbers, status=st.sampled_from(["Available", "Reserved", "Cooling"]),
          node=maybe_node, period=st.none() | days)
    def set_status(self, number, status, node, period):
        if status == "Available":
            period = None
        self.attempt(self.inv.set_status, number, status, node, period)

    @rule(older=days, dry_run=st.booleans())
    def cleanup(self, older, dry_run):
        if dry_run:
            self.inv.cleanup_deleted_reservations(older, dry_run=True)
        else:
            self.attempt(self.inv.cleanup_deleted_reservations, older, dry_run=False)

    @rule(step=st.integers(1, 10))
    def time_passes(self, step):
        self.inv.as_of = self.inv.as_of + dt.timedelta(days=step)

    @invariant()
    def inventory_is_sound(self):
        if hasattr(self, "inv"):
            assert self.inv.check().empty, self.inv.check().to_string()

    @invariant()
    def candidates_hold_own_and_never_others_reservations(self):
        if not hasattr(self, "inv"):
            return
        for node in (SITE_A, SITE_D):
            for user in ("ann", "bob"):
                candidates = self.inv.available_numbers(user, node)
                reserved = candidates["reserved_for_user"].tolist()
                assert reserved == sorted(reserved, reverse=True)
                own = self.inv.belonging_to(user, node)
                assert set(own[own["assignable"]]["number"]) <= set(candidates["number"])
                holders = self.inv.sql(
                    f"select reserved_for from numbers join available_numbers('{user}', '{node}') "
                    "using (number, node)")["reserved_for"]
                assert all(h is None or h != h or h.lower() == user for h in holders)


TestInventoryMachine = InventoryMachine.TestCase
TestInventoryMachine.settings = settings(max_examples=30, stateful_step_count=25, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
