"""A manifest's earlier snapshot may name its own numbers and hierarchy files: each snapshot
then holds its own rows; the new fields are checked before anything is loaded."""

import json
import textwrap

import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main
from numkit.loading.snapshots import load_folder, read_manifest

from conftest import CUST1

HEADER = "Internal Number,Located At,Status,Used By\n"
SITE_A, SITE_B = f"{CUST1}.Site-A", f"{CUST1}.Site-B"
HIERARCHY = textwrap.dedent(f"""\
    Hierarchy,Type
    sys,
    sys.hcs,
    sys.hcs.Prov-1,Provider
    {CUST1},Customer
    {SITE_A},Site
    """)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def folder(tmp_path):
    """Two snapshots: 2026-11-16 with its own numbers and hierarchy (Site-A only), and the
    folder's own files of 2026-11-23 (Site-B added, a number gone, one taken, two new)."""
    out = tmp_path / "export"
    write(out / "hierarchy.csv", HIERARCHY + f"{SITE_B},Site\n")
    write(out / "numbers.csv", HEADER + f"+441000,{SITE_A},Used,ann\n+441001,{SITE_A},Available,\n"
                                        f"+442000,{SITE_B},Available,\n+442001,{SITE_B},Available,\n")
    write(out / "users.csv", f"Username,Located At\nann,{SITE_A}\n")
    write(out / "history/numbers-2026-11-16.csv",
          HEADER + f"+441000,{SITE_A},Available,\n+441001,{SITE_A},Available,\n"
                   f"+441002,{SITE_A},Available,\n")
    write(out / "history/hierarchy-2026-11-16.csv", HIERARCHY)
    write(out / "history/users-2026-11-16.csv", f"Username,Located At\nann,{SITE_A}\nbob,{SITE_A}\n")
    manifest(out, [{"as_of": "2026-11-16", "users": "history/users-2026-11-16.csv",
                    "numbers": "history/numbers-2026-11-16.csv",
                    "hierarchy": "history/hierarchy-2026-11-16.csv"}])
    return out


def manifest(out, history):
    write(out / "manifest.json", json.dumps({"as_of": "2026-11-23", "history": history}))


def test_an_entry_with_its_own_numbers_loads_them_for_its_snapshot(folder):
    inv = numkit.connect()
    reports = load_folder(inv, folder)
    assert [str(report.as_of) for report in reports] == ["2026-11-16", "2026-11-23"]
    snapshots = inv.snapshots()
    assert snapshots["numbers"].tolist() == [3, 4]
    assert snapshots["nodes"].iloc[1] - snapshots["nodes"].iloc[0] == 1     # Site-B
    changes = inv.snapshot_changes(*snapshots["load_id"])
    by_kind = changes.groupby("change")["number"].apply(sorted).to_dict()
    assert by_kind["number_added"] == ["+442000", "+442001"]
    assert by_kind["number_removed"] == ["+441002"]
    assert by_kind["used_by_changed"] == ["+441000"]
    assert inv.check().empty


def test_an_entry_without_numbers_reuses_the_folder_s(folder):
    manifest(folder, [{"as_of": "2026-11-16", "users": "history/users-2026-11-16.csv"}])
    inv = numkit.connect()
    load_folder(inv, folder)
    assert inv.snapshots()["numbers"].tolist() == [4, 4]
    assert inv.snapshot_changes()["change"].tolist() == ["user_deleted"]     # bob


def test_read_manifest_gives_each_entry_s_files(folder):
    as_of, history = read_manifest(folder / "manifest.json")
    assert str(as_of) == "2026-11-23"
    assert [(str(day), *files) for day, *files in history] == [
        ("2026-11-16", "history/users-2026-11-16.csv", "history/numbers-2026-11-16.csv",
         "history/hierarchy-2026-11-16.csv")]


@pytest.mark.parametrize("field, value, says", [
    ("numbers", 12, "history entry 1's numbers must be a file name"),
    ("numbers", "", "history entry 1's numbers must be a file name"),
    ("hierarchy", ["h.csv"], "history entry 1's hierarchy must be a file name"),
    ("numbers", "history/numbers-2026-11-09.csv", "is not a file in"),
    ("hierarchy", "../outside.csv", "is not inside the folder"),
    ("numbers", "/etc/passwd", "is not inside the folder"),
    ("numbers", "history/users-2026-11-16.txt", "is not a CSV or a workbook"),
    ("number", "history/numbers-2026-11-16.csv", "has 'number', which numkit does not read"),
])
def test_a_bad_entry_file_is_refused_before_anything_loads(folder, field, value, says):
    (folder / "history/users-2026-11-16.txt").write_text("Username,Located At\n")
    (folder.parent / "outside.csv").write_text(HIERARCHY)
    entry = {"as_of": "2026-11-16", "users": "history/users-2026-11-16.csv", field: value}
    manifest(folder, [entry])
    inv = numkit.connect()
    with pytest.raises(numkit.InvalidOperation) as refused:
        load_folder(inv, folder)
    message = str(refused.value)
    assert message.startswith(f"{folder / 'manifest.json'}: ")
    assert says in message
    assert repr(field if field == "number" else value) in message
    assert inv.snapshots().empty


def test_load_dir_refuses_a_bad_entry_in_one_line(folder, tmp_path):
    manifest(folder, [{"as_of": "2026-11-16", "users": "history/users-2026-11-16.csv",
                       "numbers": "history/missing.csv"}])
    db = tmp_path / "inventory.duckdb"
    result = CliRunner().invoke(main, ["load", str(db), "--dir", str(folder)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {folder / 'manifest.json'}: history entry 1's numbers 'history/missing.csv' "
        f"is not a file in {folder}"]
    assert not db.exists()


def test_a_file_an_entry_names_is_not_taken_for_a_misnamed_role_file(folder):
    """A numbers file at the top of the folder named like `number.csv` is refused as a
    misnamed role file, unless an entry names it."""
    (folder / "history/numbers-2026-11-16.csv").rename(folder / "numbers-old.csv")
    manifest(folder, [{"as_of": "2026-11-16", "users": "history/users-2026-11-16.csv",
                       "numbers": "numbers-old.csv"}])
    inv = numkit.connect()
    load_folder(inv, folder)
    assert inv.snapshots()["numbers"].tolist() == [3, 4]
