"""Loading the same export twice (same files, same date) makes a second snapshot that
changes nothing, and the load says so, naming the snapshot it repeats; a new date or a
changed file is a snapshot of its own, said as usual."""

from click.testing import CliRunner

from numkit.cli import main

from conftest import NUMBERS, USERS, write

REPEAT = "the same files and date as snapshot"


def load(db, numbers, users, as_of):
    result = CliRunner().invoke(main, ["load", str(db), "--numbers", str(numbers), "--users",
                                       str(users), "--as-of", as_of])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_same_export_loaded_again_is_said_to_change_nothing(tmp_path):
    db = tmp_path / "inv.duckdb"
    numbers, users = write(tmp_path, "n.csv", NUMBERS), write(tmp_path, "u.csv", USERS)
    assert REPEAT not in load(db, numbers, users, "2026-11-23")
    again = load(db, numbers, users, "2026-11-23")
    assert "loaded snapshot 2 as of 2026-11-23" in again
    assert (f"  {REPEAT} 1, loaded again: the export changed nothing (`numkit forget-snapshot DB` "
            "takes back the latest snapshot)") in again.splitlines()


def test_a_new_date_or_a_changed_file_is_no_repeat(tmp_path):
    db = tmp_path / "inv.duckdb"
    numbers, users = write(tmp_path, "n.csv", NUMBERS), write(tmp_path, "u.csv", USERS)
    load(db, numbers, users, "2026-11-23")
    assert REPEAT not in load(db, numbers, users, "2026-11-30")
    changed = write(tmp_path, "u2.csv", USERS + "zoe,sys.hcs.Prov-1.Cust-1.Site-A\n")
    assert REPEAT not in load(db, numbers, changed, "2026-11-30")
