"""Each event records who made the change: NUMKIT_ACTOR when set, else the operating
system's user; events logged before schema 10 read as "unknown"; the panels and the
command line say it (rules R12, R28)."""

import gzip
import os
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import numkit
from numkit import actor
from numkit.cli import main
from numkit.widgets import OverviewPanel

from conftest import NUMBERS, SITE_A, SITE_B, write

ANALYST = "analyst.one"
OS_USER = "os.user"
FIXTURES = Path(__file__).parent / "fixtures"
SQL = Path(numkit.__file__).parent / "sql"
# the sample's first site, as panels and the sample's tests name it
SAMPLE_SITE_B = "sys.hcs.Prov-1.Cust-1.Site-B"
SAMPLE_AS_OF = "2026-11-23"


@pytest.fixture(autouse=True)
def os_user(monkeypatch):
    """The operating system's user, as getpass reads it first (LOGNAME), and no actor named:
    each test names one itself."""
    monkeypatch.setenv("LOGNAME", OS_USER)
    monkeypatch.delenv(actor.ACTOR_VARIABLE, raising=False)


def nothing(inv, tmp_path):
    pass


def second_load(inv, tmp_path):
    inv.load(write(tmp_path, "next.csv", NUMBERS), as_of="2026-11-30")


def onboarded_then_deleted(inv, tmp_path):
    """u (for whom 1001, 1002 and 1003 are reserved) onboarded and deleted: the flags stay."""
    inv.onboard("u", SITE_B)
    inv.delete_user("u", cooling_days=0)


def in_one_batch(inv, tmp_path):
    with inv.batch():
        inv.onboard("u", SITE_B)
        inv.reserve_for("2002", "bob")


# Every operation that changes the inventory (docs/interface.md's writing table), and what it
# needs done first: (setup, operation).
OPERATIONS = {
    "onboard": (nothing, lambda inv, _: inv.onboard("u", SITE_B)),
    "onboard_many": (nothing, lambda inv, _: inv.onboard_many([("carol", SITE_B), ("u", SITE_B)])),
    "assign": (nothing, lambda inv, _: inv.assign("2001", "alice")),
    "release": (nothing, lambda inv, _: inv.release("3001", cooling_days=2)),
    "delete_user": (nothing, lambda inv, _: inv.delete_user("alice")),
    "move_user": (nothing, lambda inv, _: inv.move_user("alice", SITE_B)),
    "move_user carrying": (nothing, lambda inv, _: inv.move_user("alice", SITE_B, policy="carry")),
    "apply_moves": (nothing, lambda inv, _: inv.apply_moves([("alice", SITE_B)])),
    "reserve_for": (nothing, lambda inv, _: inv.reserve_for("2002", "bob")),
    "reserve_for a new number": (nothing,
                                 lambda inv, _: inv.reserve_for("2099", "bob", node=SITE_B)),
    "clear_reserved_for": (nothing, lambda inv, _: inv.clear_reserved_for("1002")),
    "reserve_next": (nothing, lambda inv, _: inv.reserve_next("bob", SITE_B, 1)),
    "add_numbers": (nothing, lambda inv, _: inv.add_numbers("2010-2011", SITE_B)),
    "delete_numbers": (nothing, lambda inv, _: inv.delete_numbers("2001", node=SITE_A)),
    "set_status": (nothing, lambda inv, _: inv.set_status("2002", "Cooling", days=3)),
    "cleanup_deleted_reservations": (
        onboarded_then_deleted, lambda inv, _: inv.cleanup_deleted_reservations(0, dry_run=False)),
    "a setting": (nothing, lambda inv, _: inv.settings.__setitem__("cooling_days", 3)),
    "load": (nothing, second_load),
    "forget_latest_snapshot": (second_load, lambda inv, _: inv.forget_latest_snapshot()),
    "a batch": (nothing, in_one_batch),
}


def logged_by(inv, operation, tmp_path):
    """The events `operation` logs."""
    before = len(inv.events())
    operation(inv, tmp_path)
    return inv.events().iloc[before:]


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_records_numkit_actor(inv, tmp_path, monkeypatch, name):
    setup, operation = OPERATIONS[name]
    setup(inv, tmp_path)
    monkeypatch.setenv(actor.ACTOR_VARIABLE, ANALYST)
    logged = logged_by(inv, operation, tmp_path)
    assert len(logged), f"{name} logged nothing"
    assert set(logged["actor"]) == {ANALYST}, logged[["action", "actor"]]


@pytest.mark.parametrize("name", ["onboard", "load", "a setting", "cleanup_deleted_reservations"])
def test_without_numkit_actor_the_operating_system_s_user_is_recorded(inv, tmp_path, name):
    setup, operation = OPERATIONS[name]
    setup(inv, tmp_path)
    logged = logged_by(inv, operation, tmp_path)
    assert len(logged) and set(logged["actor"]) == {OS_USER}


def test_the_actor_is_read_as_each_operation_begins(inv, monkeypatch):
    """Two analysts taking turns in one kernel: each change is the one's who made it."""
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "first.analyst")
    inv.reserve_for("2002", "bob")
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "second.analyst")
    inv.reserve_for("2003", "bob")
    logged = inv.events().query("action == 'reserve_for'")
    assert list(zip(logged["number"], logged["actor"])) == [("2002", "first.analyst"),
                                                           ("2003", "second.analyst")]


@pytest.mark.parametrize("named, recorded", [("  jdoe ", "jdoe"), ("", OS_USER), ("  ", OS_USER)])
def test_numkit_actor_is_trimmed_and_a_blank_one_is_unset(monkeypatch, named, recorded):
    monkeypatch.setenv(actor.ACTOR_VARIABLE, named)
    assert actor.current_actor() == recorded


@pytest.mark.parametrize("failure", [OSError("No username set in the environment"),
                                     KeyError("getpwuid(): uid not found: 12345")])
def test_a_user_the_system_cannot_name_is_recorded_by_its_id(inv, monkeypatch, failure):
    """A container run as an arbitrary user id has no login name and no password entry:
    getpass.getuser raises (OSError since Python 3.13, KeyError before); the change is
    still made, and names the user id."""
    def no_name():
        raise failure
    monkeypatch.setattr("getpass.getuser", no_name)
    logged = logged_by(inv, lambda inv, _: inv.onboard("u", SITE_B), None)
    assert set(logged["actor"]) == {f"uid {os.getuid()}"}


def test_without_a_user_id_either_the_change_is_made_by_nobody_known(inv, monkeypatch):
    def no_name():
        raise OSError("No username set in the environment")
    monkeypatch.setattr("getpass.getuser", no_name)
    monkeypatch.delattr(os, "getuid")
    assert actor.current_actor() is None
    logged = logged_by(inv, lambda inv, _: inv.reserve_for("2002", "bob"), None)
    assert logged["actor"].isna().all()
    assert actor.shown_actor(None) == "unknown"
    assert inv.pending_changes()["decided_by"].tolist() == ["unknown"]


def test_every_statement_that_logs_events_records_the_actor():
    """Events are written by SQL statements alone (no Python inserts into the log), and
    each names the actor: a new way of logging cannot leave it out."""
    inserting = {path: path.read_text() for path in SQL.rglob("*.sql")
                 if re.search(r"insert\s+into\s+events\b", path.read_text(), re.IGNORECASE)}
    assert inserting
    for path, text in inserting.items():
        columns = re.search(r"insert\s+into\s+events\s*\(([^)]*)\)", text, re.IGNORECASE)
        assert columns and "actor" in columns.group(1).split(",")[-1], path.name
        assert "$actor" in text, path.name
    python = [path for path in Path(numkit.__file__).parent.rglob("*.py")
              if re.search(r"insert\s+into\s+events\b", path.read_text(), re.IGNORECASE)]
    assert python == []


# -- who decided each pending change ------------------------------------------------------------


def test_pending_changes_say_who_decided_them_in_the_order_each_first_acted(inv, monkeypatch):
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "second.analyst")
    inv.reserve_for("2003", "carol")
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "first.analyst")
    inv.reserve_for("2002", "bob")
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "second.analyst")
    inv.clear_reserved_for("2002")
    inv.reserve_for("2002", "dave")
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "first.analyst")
    inv.set_status("2002", "Cooling", days=3)
    pending = inv.pending_changes()
    decided = dict(zip(zip(pending["number"], pending["field"]), pending["decided_by"]))
    # a field's change, by who changed that field since it last held VOSS's value: bob's
    # flag was cleared, so dave's is the second analyst's alone; the status the first's
    assert decided[("2002", "reserved_for")] == "second.analyst"
    assert decided[("2002", "status")] == "first.analyst"
    assert decided[("2003", "reserved_for")] == "second.analyst"
    # a flag changed twice, never back to VOSS's value: both analysts, in the order each acted
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "second.analyst")
    inv.reserve_for("2001", "erin")
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "first.analyst")
    inv.reserve_for("2001", "frank")
    pending = inv.pending_changes()
    decided = dict(zip(zip(pending["number"], pending["field"]), pending["decided_by"]))
    assert decided[("2001", "reserved_for")] == "second.analyst, first.analyst"


def test_a_user_s_pending_change_says_who_decided_it(inv, monkeypatch):
    monkeypatch.setenv(actor.ACTOR_VARIABLE, ANALYST)
    inv.onboard("u", SITE_B)
    pending = inv.pending_changes()
    assert set(pending["decided_by"]) == {ANALYST}
    assert "user_added" in set(pending["kind"])


# -- the panels -------------------------------------------------------------------------------


def decide_in_numkit(database, monkeypatch):
    """Two analysts' decisions on the sample: one onboards u.okafor, the other flags a
    number u.okafor's onboarding did not touch."""
    with numkit.connect(database) as inv:
        inv.as_of = SAMPLE_AS_OF
        monkeypatch.setenv(actor.ACTOR_VARIABLE, "first.analyst")
        inv.onboard("u.okafor", SAMPLE_SITE_B)
        monkeypatch.setenv(actor.ACTOR_VARIABLE, "second.analyst")
        inv.reserve_for("+441134960007", "new.hire", SAMPLE_SITE_B)
        return inv.pending_changes()


def test_the_round_trip_panel_shows_who_decided_each_pending_change(database, monkeypatch):
    pending = decide_in_numkit(database, monkeypatch)
    assert len(pending[pending["username"] == "u.okafor"]) > 1     # the user and their numbers
    panel = OverviewPanel(database, as_of=SAMPLE_AS_OF)
    shown = panel.pending.changes.df
    assert list(shown.columns).index("decided_by") == list(shown.columns).index("decided_at") + 1
    assert set(shown[shown["username"] == "u.okafor"]["decided_by"]) == {"first.analyst"}
    assert set(shown[shown["number"] == "+441134960007"]["decided_by"]) == {"second.analyst"}


@pytest.fixture
def version_7(tmp_path):
    """A database file made by numkit at schema version 7 (tests/fixtures): the sample's
    snapshots, an onboarding (events 5 to 7), then next week's export, which reconciled it.
    Its `events` table is the one versions 1 to 9 made: version 7 is as old as version 9
    for the column schema 10 adds."""
    path = tmp_path / "version-7.duckdb"
    path.write_bytes(gzip.decompress((FIXTURES / "schema-7.duckdb.gz").read_bytes()))
    return path


def event_rows(con, columns):
    return con.execute(f"select {columns} from events order by event_id").fetchall()


OLD_COLUMNS = ('event_id, operation_id, "at", as_of, action, number, node, username, '
               'before::varchar, after::varchar')


def test_an_upgrade_adds_the_actor_and_keeps_every_old_event_as_by_nobody_known(
        version_7, tmp_path, monkeypatch):
    with duckdb.connect(str(version_7), read_only=True) as con:
        old = event_rows(con, OLD_COLUMNS)
        assert "actor" not in {row[0] for row in con.execute("describe events").fetchall()}
    assert len(old) == 8
    monkeypatch.setenv(actor.ACTOR_VARIABLE, ANALYST)
    with numkit.connect(version_7) as inv:
        assert event_rows(inv.con, OLD_COLUMNS) == old
        assert inv.events()["actor"].isna().all()
        # the column where a new database has it: a copy of one log into another lines up
        with numkit.connect(tmp_path / "new.duckdb") as new:
            assert list(inv.events().columns) == list(new.events().columns)
        # the reconciliation the fixture's last load made of the onboarding
        assert set(inv.reconciliations()["decided_by"]) == {"unknown"}
        inv.settings["cooling_days"] = 3
        events = inv.events()
        assert events["actor"].isna().tolist() == [True] * len(old) + [False]
        assert events["actor"].iloc[-1] == ANALYST
    with numkit.connect(version_7, read_only=True) as inv:
        assert len(inv.events()) == len(old) + 1


def test_a_panel_shows_the_last_load_s_decisions_logged_before_schema_10_as_by_unknown(version_7):
    numkit.connect(version_7).close()     # upgraded by a writer
    panel = OverviewPanel(version_7)
    shown = [panel.reconciliation.lists[outcome].df for outcome in ("applied", "conflict")]
    assert all(len(frame) for frame in shown)
    for frame in shown:
        assert set(frame["decided_by"]) == {"unknown"}


# -- the command line ----------------------------------------------------------------------------


def test_cleanup_apply_says_whom_its_events_name_and_logs_it(database):
    with numkit.connect(database, read_only=True) as inv:
        before = len(inv.events())
    result = CliRunner().invoke(main, ["cleanup", str(database), "--older-than", "30",
                                       "--as-of", SAMPLE_AS_OF, "--apply"],
                                env={actor.ACTOR_VARIABLE: ANALYST})
    assert result.exit_code == 0, result.output
    assert f"each change is logged in events as {ANALYST}" in result.output
    with numkit.connect(database, read_only=True) as inv:
        logged = inv.events().iloc[before:]
    assert len(logged) and set(logged["actor"]) == {ANALYST}


def test_forget_snapshot_says_the_operating_system_s_user_without_numkit_actor(inv_file, tmp_path):
    result = CliRunner().invoke(main, ["forget-snapshot", str(inv_file)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(f"(logged in events as {OS_USER})")
    with numkit.connect(inv_file, read_only=True) as inv:
        assert inv.events()["action"].iloc[-1] == "forget_snapshot"
        assert inv.events()["actor"].iloc[-1] == OS_USER


@pytest.fixture
def inv_file(loaded_inventory, tmp_path):
    """An inventory file with two snapshots and nothing done since the latest."""
    path = tmp_path / "two.duckdb"
    inv = loaded_inventory(path=path)
    second_load(inv, tmp_path)
    inv.close()
    return path
