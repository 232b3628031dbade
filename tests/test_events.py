"""Every write is one transaction and appends to events; a refused write leaves no trace
(rules R12; errors, rules R31)."""

import json

import pytest

import numkit

from conftest import SITE_A, SITE_B


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


def test_each_success_appends_its_events(inv):
    inv.onboard("u", SITE_B)
    events = inv.events()
    onboard = events[events["operation_id"] == events["operation_id"].max()]
    assert list(onboard["action"]) == ["onboard", "assign", "assign"]
    assert list(onboard["number"].iloc[1:]) == ["1002", "1003"]
    after = json.loads(onboard["after"].iloc[1])
    assert (after["status"], after["used_by"]) == ("Used", "u")
    assert json.loads(onboard["before"].iloc[1])["status"] == "Available"


def test_a_refused_operation_changes_nothing_and_logs_nothing(inv):
    tables = {t: inv.sql(f"select * from {t}") for t in ("numbers", "users", "events", "deleted_users")}
    with pytest.raises(numkit.NumkitError):
        inv.set_status(["2002", "3001"], "Reserved")
    with pytest.raises(numkit.NumkitError):
        inv.onboard("alice", SITE_A)
    with pytest.raises(numkit.NumkitError):
        inv.reserve_for(["2001", "3001"], "bob")
    for table, before in tables.items():
        assert inv.sql(f"select * from {table}").equals(before), table


def test_failure_midway_rolls_back_earlier_changes(inv, monkeypatch):
    """A failure after the first writes of an operation leaves no trace of them."""
    from numkit.operations import changes
    calls = []
    real = changes.Operation.write_rows

    def fail_on_second_write(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(changes.Operation, "write_rows", fail_on_second_write)
    inv.settings["cooling_days"] = 0
    with pytest.raises(RuntimeError):
        inv.move_user("alice", SITE_B)      # release, then assign: fails at the assign
    monkeypatch.undo()
    assert inv.sql("select used_by from numbers where number = '3001'")["used_by"][0] == "alice"
    assert inv.active_user("alice")["node"] == SITE_A


def test_events_replay_to_the_current_rows(inv):
    """Every event that reports success changed exactly what it says."""
    inv.onboard("u", SITE_B)
    inv.reserve_for("2002", "bob")
    inv.release("1002", cooling_days=2)
    inv.add_numbers("2010-2011", SITE_B)
    inv.delete_numbers("2011", node=SITE_B)
    state = {}
    for event in inv.events().itertuples():
        if not isinstance(event.number, str):
            continue
        before = json.loads(event.before) if isinstance(event.before, str) else None
        after = json.loads(event.after) if isinstance(event.after, str) else None
        if before:
            key = (before["number"], before["node"])
            assert state.get(key, before) == before
            state.pop(key, None)
        if after:
            state[(after["number"], after["node"])] = after
    current = {(r["number"], r["node"]): r for r in
               inv.store.rows("select number, node, status, usage, reserved_for, used_by, "
                              "strftime(release_date, '%Y-%m-%d') as release_date, reservation_notes, "
                              "description from numbers")}
    for key, last in state.items():
        if last is not None:
            assert current[key] == last


def test_events_logged_in_the_older_json_spelling_read_the_same(inv):
    """Older logs hold JSON as Python's json.dumps wrote it (a space after each colon and
    comma); what reads the log reads those events as it reads the ones written now."""
    inv.onboard("u", SITE_B)
    inv.move_user("alice", SITE_B, policy="carry")
    inv.release("1002", cooling_days=2)
    pending = inv.pending_changes()
    events = inv.events()
    assert '": "' not in events["after"].dropna().iloc[-1]     # written now: compact

    def older(text):
        return json.dumps(json.loads(text)) if isinstance(text, str) else None
    for event in events.itertuples():
        inv.con.execute("update events set before = $b, after = $a where event_id = $id",
                        {"b": older(event.before), "a": older(event.after), "id": event.event_id})
    assert '": "' in inv.events()["after"].dropna().iloc[-1]
    assert inv.pending_changes().equals(pending)
