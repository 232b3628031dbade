"""Snapshot dates: one after tomorrow is refused unless allowed, and the latest snapshot
can be forgotten, giving back the inventory of the one before."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main

from conftest import AS_OF, HIERARCHY, NUMBERS, SITE_A, SITE_B, USERS, write

FAR = dt.date.today().replace(year=dt.date.today().year + 36)
KEPT = ("numbers", "users", "deleted_users", "nodes", "loads", "load_rejects",
        "snapshot_numbers", "snapshot_users")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# what a table's comparison leaves out: the hash of each row's line is not kept in the
# history, so a forgotten load leaves none (the next load reads its whole file again:
# loading/lines.py)
LEFT_OUT = {"load_rejects": "load_id", "numbers": "line_hash"}


def contents(inv):
    return {table: inv.con.execute(f"select * exclude ({LEFT_OUT[table]}) from {table} order by all"
                                   if table in LEFT_OUT else
                                   f"select * from {table} order by all").fetchall()
            for table in KEPT}


def test_a_snapshot_date_after_tomorrow_is_refused_unless_allowed(inv, tmp_path):
    numbers = write(tmp_path, "n.csv", NUMBERS)
    with pytest.raises(numkit.InvalidOperation, match=f"{FAR} is after tomorrow"):
        inv.load(numbers, as_of=FAR)
    assert [r["as_of"] for r in inv.store.rows("select as_of from loads")] == [AS_OF]
    inv.load(numbers, as_of=dt.date.today() + dt.timedelta(days=1))   # tomorrow: a time zone
    inv.load(numbers, as_of=FAR, allow_future=True)
    assert inv.store.scalar("select max(as_of) from loads") == FAR


def test_the_command_line_refuses_a_future_snapshot_date_in_one_line(tmp_path):
    db = tmp_path / "inv.duckdb"
    numbers = write(tmp_path, "n.csv", NUMBERS)
    users = write(tmp_path, "u.csv", USERS)
    refused = run("load", db, "--numbers", numbers, "--users", users, "--as-of", FAR)
    assert refused.exit_code == 1 and refused.output.startswith("Error: ")
    assert "--allow-future-date" in refused.output and not db.exists()
    assert run("load", db, "--numbers", numbers, "--users", users, "--as-of", FAR,
               "--allow-future-date").exit_code == 0


def test_a_future_manifest_date_is_refused_before_anything_loads(inv, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, "numbers.csv", NUMBERS)
    write(folder, "users.csv", USERS)
    write(folder, "old-users.csv", USERS)
    (folder / "manifest.json").write_text(json.dumps(
        {"as_of": FAR.isoformat(), "history": [{"as_of": "2026-11-30", "users": "old-users.csv"}]}))
    result = run("load", tmp_path / "inv.duckdb", "--dir", folder)
    assert result.exit_code == 1 and "after tomorrow" in result.output
    assert not (tmp_path / "inv.duckdb").exists()


def two_snapshots(inv, tmp_path):
    """The fixture's snapshot, then one dated 2062 by mistake: alice left, bob came, 2002 gone."""
    before = contents(inv)
    numbers = NUMBERS.replace(f"2002,{SITE_B},Available,,,\n", "").replace(
        f"3001,{SITE_A},Used,,alice,", f"3001,{SITE_A},Used,,bob,")
    inv.load(write(tmp_path, "n2.csv", numbers + f"9001,{SITE_A}.Lab,Available,,,\n"),
             users=write(tmp_path, "u2.csv", f"Username,Located At\nbob,{SITE_B}\n"),
             as_of="2062-11-30", allow_future=True)
    return before


def test_forgetting_the_latest_snapshot_gives_back_the_one_before(inv, tmp_path):
    before = two_snapshots(inv, tmp_path)
    assert inv.user_status("alice")["state"] == "deleted"
    inv.forget_latest_snapshot()
    assert contents(inv) == before
    assert inv.store.scalar("select numkit_snapshot_date()") == AS_OF
    assert inv.check().empty
    assert inv.events()["action"].tolist()[-1] == "forget_snapshot"
    inv.load(write(tmp_path, "n3.csv", NUMBERS), as_of="2026-11-30")   # date order again


def test_forgetting_keeps_every_column_of_the_numbers(make_inventory, tmp_path):
    inv = make_inventory(numbers=f"number,node,usage,release_date,reservation_notes,description,"
                                 f"Carrier\n1,{SITE_A},Line,2026-12-01,note,desc,BT\n",
                         users=None)
    # every column but the hash of the row's line, which the history does not keep: the
    # next load reads the whole file again (loading/lines.py)
    before = inv.sql("select * exclude (line_hash) from numbers")
    inv.load(write(tmp_path, "n2.csv", f"number,node\n2,{SITE_B}\n"), as_of="2026-12-01")
    inv.forget_latest_snapshot()
    assert inv.sql("select * exclude (line_hash) from numbers").equals(before)


def test_forgetting_is_refused_with_nothing_to_go_back_to(inv):
    with pytest.raises(numkit.InvalidOperation, match="only one snapshot"):
        inv.forget_latest_snapshot()
    assert len(inv.snapshots()) == 1


def test_forgetting_is_refused_when_operations_came_after_the_load(inv, tmp_path):
    two_snapshots(inv, tmp_path)
    inv.onboard("carol", SITE_A)
    inv.onboard("dave", SITE_A)
    inv.reserve_for(["2002"], "erin", SITE_B)
    kept = contents(inv)
    # three operations (an onboarding's assignment is its own), then their events by kind
    made = (r"has 3 operation\(s\) made after it \(their events: add_number 1, assign 2, "
            r"onboard 2\);")
    with pytest.raises(numkit.InvalidOperation, match=made):
        inv.forget_latest_snapshot()
    assert contents(inv) == kept


def test_forget_snapshot_on_the_command_line(tmp_path):
    db = tmp_path / "inv.duckdb"
    with numkit.connect(db) as inv:
        inv.load(write(tmp_path, "n.csv", NUMBERS), users=write(tmp_path, "u.csv", USERS),
                 hierarchy=write(tmp_path, "h.csv", HIERARCHY), as_of=AS_OF)
        two_snapshots(inv, tmp_path)
    result = run("forget-snapshot", db)
    assert result.exit_code == 0, result.output
    assert "2062-11-30" in result.output and str(AS_OF) in result.output
    again = run("forget-snapshot", db)
    assert again.exit_code == 1 and again.output.startswith("Error: ") and "only one" in again.output
