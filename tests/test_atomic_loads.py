"""All or nothing, really: an export folder lands whole or not at all, and a load that the
disk cannot hold leaves the database as it was, saying so in one line."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main
from numkit.loading.snapshots import load_folder
from small_disks import assert_same_tables, every_table, grow, mount_small_disks

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "numkit" / "sample_export"
FIRST_USERS = "history/users-2026-06-26.csv"


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
        # the sample's weekly snapshots (2026-10-23 to 2026-11-06) land between the others
        assert [str(r.as_of) for r in reports] == ["2026-09-24", "2026-10-23", "2026-10-30",
                                                   "2026-11-06", "2026-11-13", "2026-11-23"]
        assert inv.snapshots()["as_of"].astype(str).tolist() == [
            "2026-06-26", "2026-09-24", "2026-10-23", "2026-10-30", "2026-11-06",
            "2026-11-13", "2026-11-23"]
        assert inv.check().empty


# -- a disk that fills up during a load ---------------------------------------------------

BIG = dict(numbers=40_000, sites=8, seed=2)


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    from numkit import demo
    folder = tmp_path_factory.mktemp("big")
    demo.generate(folder, **BIG)
    return folder


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    """A database of a small first snapshot (about 4.7 MB), to copy onto a small disk."""
    from numkit import demo
    folder = tmp_path_factory.mktemp("small")
    demo.generate(folder, numbers=300, sites=5, seed=1)
    path = folder / "inventory.duckdb"
    with numkit.connect(path) as inv:
        inv.load(folder / "numbers.csv", users=folder / "users.csv",
                 hierarchy=folder / "hierarchy.csv", as_of="2026-01-01")
    return path


@pytest.fixture
def small_disk(tmp_path):
    """mount(size_kb, at=None) -> a folder on a tmpfs of that size; unmounted after."""
    yield from mount_small_disks(tmp_path)


def load_big(db, export):
    return CliRunner().invoke(main, ["load", str(db), "--numbers", str(export / "numbers.csv"),
                                     "--users", str(export / "users.csv"), "--hierarchy",
                                     str(export / "hierarchy.csv"), "--as-of", "2026-02-01"])


# Sizes (KB) at which DuckDB 2.0 ran out of space: writing the rows (6000), committing
# (7000), rebuilding the indexes after the commit (7500), checkpointing at the end (9000).
@pytest.mark.parametrize("size_kb", [6000, 7000, 7500, 9000])
def test_load_on_a_full_disk_says_what_the_file_holds(small_db, big_export, small_disk, size_kb):
    disk = small_disk(size_kb)
    db = disk / "inventory.duckdb"
    shutil.copy(small_db, db)
    before = every_table(db)
    result = load_big(db, big_export)
    # one line, no traceback: anything but a clean exit is an exception escaping
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    grow(disk)
    after = every_table(db)
    with numkit.connect(db, read_only=True) as inv:
        assert inv.check().empty
    if result.exit_code == 1:
        assert result.output.strip() == (f"Error: the load was not saved: no space left on "
                                          f"device at {disk}; nothing changed")
        assert_same_tables(before, after)
    else:
        assert result.exit_code == 0
        assert "loaded snapshot 2 as of 2026-02-01: 40000 numbers" in result.output
        assert after["loads"]["as_of"].astype(str).tolist() == ["2026-01-01", "2026-02-01"]
        assert len(after["numbers"]) == 40_000
        versions = after["number_versions"]
        assert versions["to_load"].isna().sum() == 40_000
        assert ((versions["from_load"] <= 1)
                & (versions["to_load"].isna() | (versions["to_load"] > 1))).sum() == 300


def test_a_load_that_does_not_fit_raises_not_saved_and_changes_nothing(small_db, big_export,
                                                                       small_disk):
    disk = small_disk(6000)
    db = disk / "inventory.duckdb"
    shutil.copy(small_db, db)
    before = every_table(db)
    with numkit.connect(db) as inv, pytest.raises(numkit.NotSaved) as refused:
        inv.load(big_export / "numbers.csv", users=big_export / "users.csv",
                 hierarchy=big_export / "hierarchy.csv", as_of="2026-02-01")
    assert str(refused.value) == (f"the load was not saved: no space left on device at {disk}; "
                                  "nothing changed")
    grow(disk)
    assert_same_tables(before, every_table(db))
    with numkit.connect(db) as inv:     # and it loads once there is room
        inv.load(big_export / "numbers.csv", users=big_export / "users.csv",
                 hierarchy=big_export / "hierarchy.csv", as_of="2026-02-01")
        assert len(inv.snapshots()) == 2


def test_a_full_spill_folder_is_not_saved_and_changes_nothing(small_db, big_export, small_disk,
                                                              tmp_path, monkeypatch):
    """A load spills what does not fit in memory to <database>.tmp; when that fills up it is
    the disk, not the export, that failed."""
    monkeypatch.setattr(numkit.loading.load, "LOAD_MEMORY_LIMIT", "10MB")
    db = tmp_path / "inventory.duckdb"
    shutil.copy(small_db, db)
    small_disk(256, at=tmp_path / "inventory.duckdb.tmp")
    before = every_table(db)
    with numkit.connect(db) as inv, pytest.raises(numkit.NotSaved) as refused:
        inv.load(big_export / "numbers.csv", users=big_export / "users.csv",
                 hierarchy=big_export / "hierarchy.csv", as_of="2026-02-01")
    assert str(refused.value) == (f"the load was not saved: no space left at {db}.tmp, the "
                                  "folder where DuckDB puts what does not fit in memory; "
                                  "nothing changed")
    assert_same_tables(before, every_table(db))


# -- a disk too small for even a first snapshot -------------------------------------------

# 1 MB takes the schema but not the load; 64 KB not even the schema
@pytest.mark.parametrize("size_kb", [1024, 64])
def test_a_first_load_on_a_full_disk_is_one_line_and_leaves_nothing(small_disk, size_kb):
    """A refused first load removes the new file: no line may speak of a .wal that is gone,
    and the Error line says that nothing is left."""
    disk = small_disk(size_kb)
    db = disk / "db.duckdb"
    result = CliRunner().invoke(main, ["load", str(db), "--dir", str(SAMPLE)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: the load was not saved: no space left on device "
                                     f"at {disk}; {db} was not created: nothing of it is left")
    assert list(disk.iterdir()) == []


def test_a_load_on_a_full_disk_into_an_existing_file_is_one_line(small_disk):
    """The file exists (its schema waiting in its .wal, for the disk cannot take a
    checkpoint): the load says one line, and the file holds what it held."""
    disk = small_disk(1024)
    db = disk / "db.duckdb"
    numkit.connect(db).close()
    kept = sorted(path.name for path in disk.iterdir())
    before = every_table(db)
    result = CliRunner().invoke(main, ["load", str(db), "--dir", str(SAMPLE)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: the load was not saved: no space left on device "
                                     f"at {disk}; nothing changed")
    assert sorted(path.name for path in disk.iterdir()) == kept
    assert_same_tables(before, every_table(db))


def test_a_first_load_that_lands_on_a_full_disk_says_once_that_its_wal_is_kept(small_disk):
    """The load is saved, in the .wal the disk had no room to take in: said once, and true."""
    disk = small_disk(2048)
    db = disk / "db.duckdb"
    result = CliRunner().invoke(main, ["load", str(db), "--dir", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        f"{db} could not be checkpointed (no space left on device at {disk}): its last changes "
        f"are kept in {db}.wal and are applied when it is next opened with space to spare")
    assert Path(f"{db}.wal").exists()
    grow(disk)
    with numkit.connect(db, read_only=True) as inv:
        assert len(inv.snapshots()) == 7     # the sample's seven snapshots


def test_a_load_that_runs_out_of_memory_says_so_and_changes_nothing(db, monkeypatch):
    """DuckDB's memory running out in a load (a bound far too small here: 1 MB) is said as
    what it means, nothing changed, instead of DuckDB's advice on its own settings; the
    command says it in one line."""
    monkeypatch.setattr("numkit.loading.load.LOAD_MEMORY_LIMIT", "1MB")
    before = every_table(db)
    with numkit.connect(db) as inv, pytest.raises(numkit.NotSaved) as refused:
        inv.load(SAMPLE / "numbers.csv", users=SAMPLE / "users.csv",
                 hierarchy=SAMPLE / "hierarchy.csv", as_of="2026-11-23")
    message = str(refused.value)
    assert message.startswith("the load was not saved: DuckDB ran out of the memory a load may "
                              "use (Out of Memory Error: ")
    assert "nothing changed. Load it again" in message and "SET memory_limit" not in message
    assert_same_tables(before, every_table(db))
    result = CliRunner().invoke(main, ["load", str(db), "--dir", str(SAMPLE)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the load was not saved: DuckDB ran out of the memory")
    assert len(result.output.strip().splitlines()) == 1
    assert_same_tables(before, every_table(db))
    # with the load's own bound, the same export loads
    monkeypatch.undo()
    with numkit.connect(db) as inv:
        inv.load(SAMPLE / "numbers.csv", users=SAMPLE / "users.csv",
                 hierarchy=SAMPLE / "hierarchy.csv", as_of="2026-11-23")
        assert inv.snapshots()["as_of"].astype(str).tolist()[-1] == "2026-11-23"
