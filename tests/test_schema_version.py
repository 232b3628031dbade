"""The schema version kept in the database: a reader never writes, a database from a newer
numkit is refused, an older one is brought up to date by a writer only."""

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import numkit
from numkit import schema, weekly
from numkit.cli import main
from numkit.rulebook import status_names

from conftest import AS_OF, SITE_B
from unwritable import fingerprint, read_only_view


@pytest.fixture
def stored(sample_file, tmp_path):
    """A copy of the sample inventory, alone in its folder."""
    folder = tmp_path / "store"
    folder.mkdir()
    copy = folder / "inventory.duckdb"
    shutil.copy(sample_file, copy)
    return copy


def stored_version(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select version, digest from schema_version").fetchall()


def made_by_a_newer_numkit(path):
    with duckdb.connect(str(path)) as con:
        con.execute("alter table schema_version add column if not exists version integer")
        con.execute("update schema_version set version = $v, digest = 'a newer digest'",
                    {"v": schema.SCHEMA_VERSION + 1})


def made_by_an_older_numkit(path, how):
    """`path` holding a database as an older numkit left it: one made at schema version 7
    (tests/fixtures/schema-7.duckdb.gz, the sample's snapshots, kept whole), its version
    then taken back further (`how`)."""
    path.write_bytes(gzip.decompress((FIXTURES / "schema-7.duckdb.gz").read_bytes()))
    with duckdb.connect(str(path)) as con:
        if how == "before versions":    # the table as numkit kept it before schema versions
            con.execute("drop table schema_version")
            con.execute("create table schema_version (digest varchar not null)")
            con.execute("insert into schema_version values ('an older digest')")
        else:
            con.execute("delete from schema_version")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_schema_digest_is_recorded_for_the_schema_version():
    """Changing the SQL files means bumping SCHEMA_VERSION and recording its digest (see
    numkit/schema.py): this fails until both are done."""
    assert schema.SCHEMA_DIGESTS[schema.SCHEMA_VERSION] == schema.schema_digest()
    assert max(schema.SCHEMA_DIGESTS) == schema.SCHEMA_VERSION
    assert len(set(schema.SCHEMA_DIGESTS.values())) == len(schema.SCHEMA_DIGESTS)


def test_a_new_database_records_the_schema_version(tmp_path):
    numkit.connect(tmp_path / "new.duckdb").close()
    assert stored_version(tmp_path / "new.duckdb") == [(schema.SCHEMA_VERSION, schema.schema_digest())]


def test_a_read_only_open_of_a_database_the_user_may_only_read_changes_nothing(stored):
    before = fingerprint(stored.parent)
    with read_only_view(stored.parent) as view:
        inv = numkit.connect(view / stored.name, read_only=True)
        assert inv.check().empty
        assert len(inv.users()) > 0
        inv.close()
    assert fingerprint(stored.parent) == before


def test_opening_an_up_to_date_database_for_writing_writes_nothing(stored):
    before = fingerprint(stored.parent)
    inv = numkit.connect(stored)
    assert len(inv.users()) > 0
    inv.close()
    assert fingerprint(stored.parent) == before


@pytest.mark.parametrize("read_only", [False, True])
def test_a_database_made_by_a_newer_numkit_is_refused_and_left_as_it_was(stored, read_only):
    made_by_a_newer_numkit(stored)
    before = fingerprint(stored.parent)
    newer = schema.SCHEMA_VERSION + 1
    with pytest.raises(numkit.IncompatibleDatabase,
                       match=rf"made by a newer numkit \(schema {newer}, this numkit knows "
                             rf"{schema.SCHEMA_VERSION}\): upgrade numkit \(pip install -U numkit\)"):
        numkit.connect(stored, read_only=read_only)
    assert fingerprint(stored.parent) == before


@pytest.mark.parametrize("how", ["before versions", "no version row"])
def test_an_older_database_is_refused_to_a_reader_and_left_as_it_was(stored, how):
    made_by_an_older_numkit(stored, how)
    before = fingerprint(stored.parent)
    with pytest.raises(numkit.IncompatibleDatabase, match=r"made by an older numkit .*numkit upgrade"):
        numkit.connect(stored, read_only=True)
    assert fingerprint(stored.parent) == before


@pytest.mark.parametrize("how", ["before versions", "no version row"])
def test_an_older_database_is_upgraded_by_a_writer(stored, how):
    made_by_an_older_numkit(stored, how)
    inv = numkit.connect(stored)
    assert inv.check().empty
    inv.close()
    assert stored_version(stored) == [(schema.SCHEMA_VERSION, schema.schema_digest())]
    numkit.connect(stored, read_only=True).close()


def test_a_numkit_from_before_versions_cannot_overwrite_a_versioned_database(stored):
    """Such a numkit rewrites every object and then writes its digest alone into
    schema_version: that insert fails, and its transaction with the rewrite is undone."""
    with duckdb.connect(str(stored)) as con, pytest.raises(duckdb.BinderException):
        con.execute("insert into schema_version values ('an older digest')")


def test_check_on_a_database_made_by_a_newer_numkit_is_one_line(stored):
    made_by_a_newer_numkit(stored)
    before = fingerprint(stored.parent)
    result = run("check", stored)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "newer numkit" in result.output
    assert fingerprint(stored.parent) == before


def test_check_on_an_older_database_says_to_upgrade_and_numkit_upgrade_does(stored):
    made_by_an_older_numkit(stored, "before versions")
    refused = run("check", stored)
    assert refused.exit_code == 1 and "numkit upgrade" in refused.output
    upgraded = run("upgrade", stored)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"schema {schema.SCHEMA_VERSION}" in upgraded.output
    assert run("check", stored).exit_code == 0


def test_check_on_a_database_the_user_may_only_read(stored):
    before = fingerprint(stored.parent)
    with read_only_view(stored.parent) as view:
        result = run("check", view / stored.name)
    assert result.exit_code == 0, result.output
    assert fingerprint(stored.parent) == before


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def version_4(tmp_path):
    """A database file made by numkit at schema version 4 (its schema objects and rows as
    that version wrote them), kept compressed."""
    path = tmp_path / "version-4.duckdb"
    path.write_bytes(gzip.decompress((FIXTURES / "schema-4.duckdb.gz").read_bytes()))
    return path


def candidates(con):
    con.execute("set variable numkit_as_of = $d", {"d": AS_OF})
    return con.execute(f"select number, node from available_numbers('bob', '{SITE_B}')").fetchall()


def test_a_database_of_version_4_is_upgraded_by_a_writer_and_answers_as_before(version_4):
    with duckdb.connect(str(version_4)) as con:
        before = candidates(con)
    inv = numkit.connect(version_4)
    assert inv.check().empty
    assert candidates(inv.con) == before
    assert inv.sql("select count(*) as n from snapshot_numbers "
                   "where number_order is distinct from number_value(number)")["n"][0] == 0
    assert tuple(inv.sql("select status from statuses order by position")["status"]) == status_names()
    inv.close()
    assert stored_version(version_4) == [(schema.SCHEMA_VERSION, schema.schema_digest())]


def test_each_migration_is_named_by_the_version_it_brings():
    versions = [int(f.name[:4]) for f in schema.migration_files()]
    assert versions == sorted(set(versions))
    assert set(versions) <= set(range(1, schema.SCHEMA_VERSION + 1))
    assert schema.migration_files(after=4) == [f for f in schema.migration_files()
                                               if int(f.name[:4]) > 4]


@pytest.fixture
def version_7(tmp_path):
    """A database file made by numkit at schema version 7, which kept a whole copy of every
    snapshot: the sample's four snapshots, an onboarding, then next week's export."""
    path = tmp_path / "version-7.duckdb"
    path.write_bytes(gzip.decompress((FIXTURES / "schema-7.duckdb.gz").read_bytes()))
    return path


def copies(con, table, columns):
    return sorted(con.execute(f"select load_id, {columns} from {table}").fetchall(),
                  key=lambda row: tuple("" if value is None else str(value) for value in row))


NUMBER_COLUMNS = ("number, node, status, usage, reserved_for, used_by, release_date, "
                  "reservation_notes, description, extra::varchar, number_order")


def upgraded_as_its_copies(path):
    """The database at `path` (schema 7, whole copies) opened by a writer, which upgrades it:
    each snapshot read back (through the snapshot_* views) must be its copy, every column,
    and every diff the one the copies gave (the schema-7 snapshot_changes, run before)."""
    with duckdb.connect(str(path)) as con:
        numbers_before = copies(con, "snapshot_numbers", NUMBER_COLUMNS)
        users_before = copies(con, "snapshot_users", "username, node, extra::varchar")
        nodes_before = copies(con, "snapshot_nodes", "node, parent, type, name")
        loads = [row[0] for row in con.execute("select load_id from loads order by 1").fetchall()]
        diffs_before = {(a, b): con.execute(f"select * from snapshot_changes({a}, {b})").fetchall()
                        for a in loads for b in loads if a < b}
    assert len(loads) == 5 and diffs_before[(4, 5)]
    inv = numkit.connect(path)
    assert copies(inv.con, "snapshot_numbers", NUMBER_COLUMNS) == numbers_before
    assert copies(inv.con, "snapshot_users", "username, node, extra::varchar") == users_before
    assert copies(inv.con, "snapshot_nodes", "node, parent, type, name") == nodes_before
    for (a, b), changes in diffs_before.items():
        assert inv.con.execute(f"select * from snapshot_changes({a}, {b})").fetchall() == changes, (a, b)
    return inv, numbers_before, diffs_before


def test_a_database_of_version_7_keeps_every_snapshot_as_versions(version_7):
    """The upgrade turns the whole copies into versions (upgraded_as_its_copies); a version
    is kept once, not once per snapshot; and forgetting still goes back."""
    inv, numbers_before, _ = upgraded_as_its_copies(version_7)
    versions = inv.con.execute("select count(*) from number_versions").fetchall()[0][0]
    assert versions < len(numbers_before) / 3     # five snapshots of mostly the same rows
    assert inv.check().empty
    inv.forget_latest_snapshot()
    assert copies(inv.con, "snapshot_numbers", NUMBER_COLUMNS) == [
        row for row in numbers_before if row[0] != 5]
    inv.close()


# Snapshots of version 7 as exports that come and go would have left them (the latest, 5,
# untouched: it is also the inventory): whole copies in which a row is gone for a week and
# back, a row moves to another node and back, a status goes and returns, a number is in two
# snapshots with a gap between, a user is gone for a week, a user moves and comes back, and
# a site exists for one snapshot only.
COMINGS_AND_GOINGS = [
    "delete from snapshot_numbers where load_id = 3 and number = '1000' "
    "and node = 'sys.hcs.Prov-1.Cust-1'",
    "update snapshot_numbers set node = 'sys.hcs.Prov-1.Cust-1.Site-B' "
    "where load_id in (2, 3) and number = '1004' and node = 'sys.hcs.Prov-1.Cust-1'",
    "update snapshot_numbers set status = 'Reserved' "
    "where load_id = 3 and number = '1001' and node = 'sys.hcs.Prov-1.Cust-1'",
    "insert into snapshot_numbers by name select load_id, '5550001' as number, "
    "'sys.hcs.Prov-1.Cust-1.Site-A' as node, 'Available' as status, 5550001 as number_order "
    "from (values (2), (4)) as loads(load_id)",
    "delete from snapshot_users where load_id = 2 and username = 'CJensen'",
    "update snapshot_users set node = 'sys.hcs.Prov-1.Cust-1.Site-C' "
    "where load_id = 3 and username = 'Chloe.King'",
    "insert into snapshot_nodes values (3, 'sys.hcs.Prov-1.Cust-1.Site-Z', "
    "'sys.hcs.Prov-1.Cust-1', 'Site', null)",
]


def test_a_database_of_version_7_whose_rows_and_users_come_and_go_keeps_every_snapshot(
        version_7):
    """Rows, users and nodes missing from a snapshot and back in a later one, moved and
    moved back, changed and changed back: the upgrade gives back every snapshot and every
    diff as the whole copies held them (rules R36)."""
    with duckdb.connect(str(version_7)) as con:
        for statement in COMINGS_AND_GOINGS:
            con.execute(statement)
        changed = set(con.execute(
            "select change, coalesce(number, username) from snapshot_changes(2, 3) "
            "where number in ('1000', '1001', '1004', '5550001') "
            "or username in ('CJensen', 'Chloe.King')").fetchall())
    # the edits as the copies' diff sees them (1004 is at Site-B in both 2 and 3)
    assert changed == {("number_removed", "1000"), ("status_changed", "1001"),
                       ("number_removed", "5550001"), ("user_onboarded", "CJensen"),
                       ("user_moved", "Chloe.King")}
    inv, _, _ = upgraded_as_its_copies(version_7)
    assert inv.con.execute("select count(*) from number_versions where number = '5550001'"
                           ).fetchall()[0][0] == 2          # twice, with the gap between
    assert inv.check().empty
    inv.close()


def test_the_status_names_python_uses_are_the_statuses_table_s():
    """codes.py names statuses without reading SQL (panels import it); each name must be a
    status of the seeded table, which rulebook reads."""
    from numkit import codes
    names = (codes.AVAILABLE, codes.USED, codes.USED_UTILITY, codes.RESERVED, codes.COOLING,
             codes.INACTIVE)
    assert sorted(names) == sorted(status_names())


@pytest.fixture
def version_13(tmp_path):
    """A database file made by numkit at schema version 13, before the rows kept their
    lines' hashes: week 0 of numkit.weekly's series (400 numbers, 6 sites, seed 1) loaded."""
    path = tmp_path / "version-13.duckdb"
    path.write_bytes(gzip.decompress((FIXTURES / "schema-13.duckdb.gz").read_bytes()))
    return path


def test_a_database_of_version_13_keeps_line_hashes_from_its_next_load_on(version_13, tmp_path):
    """The upgrade adds numbers.line_hash, empty; the next load writes every row with its
    line's hash (rules R36, "Reading only the lines that changed"), and the one after reads
    only the lines that changed."""
    with duckdb.connect(str(version_13)) as con:
        before = con.execute("select * from numbers order by all").fetchall()
    inv = numkit.connect(version_13)
    assert inv.con.execute("select * exclude (line_hash) from numbers order by all").fetchall() == before
    assert inv.sql("select count(line_hash) as n from numbers")["n"][0] == 0
    assert inv.check().empty
    series = weekly.weeks(tmp_path / "week", 2, numbers=400, sites=6, seed=1)
    next(series)                                          # week 0: what the file holds
    reports = []
    for _ in series:
        folder = tmp_path / "week"
        reports.append(inv.load(folder / "numbers.csv", users=folder / "users.csv",
                                hierarchy=folder / "hierarchy.csv", allow_future=True,
                                as_of=json.loads((folder / "manifest.json").read_text())["as_of"]))
        assert inv.sql("select count(*) = count(line_hash) as all_hashed from numbers")["all_hashed"][0]
    assert reports[0].changed_lines is None and reports[1].changed_lines > 0
    assert inv.check().empty
    inv.close()
