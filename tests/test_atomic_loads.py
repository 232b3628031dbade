"""All or nothing, really: an export folder lands whole or not at all, and a load that the
disk cannot hold leaves the database as it was, saying so in one line."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main
from numkit.snapshots import load_folder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FIRST_USERS = "history/users-2026-06-26.csv"


def every_table(db):
    """Every table of the database file, each sorted whole (a rollback may reorder rows)."""
    with numkit.connect(db, read_only=True) as inv:
        names = inv.sql("select table_name from duckdb_tables() where not temporary "
                        "order by table_name")["table_name"].tolist()
        return {name: inv.sql(f'select * from "{name}" order by all') for name in names}


def assert_same_tables(before, after):
    assert list(after) == list(before)
    for name, frame in after.items():
        assert frame.equals(before[name]), name


@pytest.fixture
def folder(tmp_path):
    copied = tmp_path / "export"
    shutil.copytree(SAMPLE, copied)
    return copied


@pytest.fixture
def db(tmp_path):
    """A database holding the sample's first snapshot, so that 'as before' is not empty."""
    path = tmp_path / "inventory.duckdb"
    with numkit.connect(path) as inv:
        inv.load(SAMPLE / "numbers.csv", users=SAMPLE / FIRST_USERS,
                 hierarchy=SAMPLE / "hierarchy.csv", as_of="2026-06-26")
    return path


def break_users(path):
    """An empty username on the last row: a problem in a strict load."""
    text = path.read_text()
    path.write_text(text + ",sys.hcs.Prov-1.Cust-1.Site-A\n")
    return len(text.splitlines()) + 1     # its row number, the header being row 1


@pytest.mark.parametrize("broken", ["users.csv", "history/users-2026-11-13.csv"])
def test_a_folder_with_a_refused_snapshot_changes_nothing(db, folder, broken):
    row = break_users(folder / broken)
    before = every_table(db)
    with numkit.connect(db) as inv, pytest.raises(numkit.LoadError) as refused:
        load_folder(inv, folder)
    problems = refused.value.problems
    assert problems["file"].str.endswith(broken).all()
    assert problems["row"].tolist() == [row]
    assert_same_tables(before, every_table(db))


@pytest.mark.parametrize("broken", ["users.csv", "history/users-2026-11-13.csv"])
def test_load_dir_with_a_refused_snapshot_is_one_line_and_changes_nothing(db, folder, broken):
    row = break_users(folder / broken)
    before = every_table(db)
    result = CliRunner().invoke(main, ["load", str(db), "--dir", str(folder)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {folder / broken}, row {row}, column Username: ")
    assert len(result.output.strip().splitlines()) == 1
    assert_same_tables(before, every_table(db))


def test_a_folder_that_loads_lands_every_snapshot(db, folder):
    with numkit.connect(db) as inv:
        reports = load_folder(inv, folder)
        assert [str(r.as_of) for r in reports] == ["2026-09-24", "2026-11-13", "2026-11-23"]
        assert inv.snapshots()["as_of"].astype(str).tolist() == [
            "2026-06-26", "2026-09-24", "2026-11-13", "2026-11-23"]
        assert inv.check().empty
