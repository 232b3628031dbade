"""`load --dir` reads files named as VOSS's exports name them (`Number Inventory.csv`), the
folder's manifest.json saying which file is which role."""

import json

import openpyxl
import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main
from numkit.errors import InvalidOperation
from numkit.loading.snapshots import load_folder

from conftest import AS_OF, HIERARCHY, NUMBERS, SITE_B, USERS, write

NUMBERS_FILE = "Number Inventory.csv"
USERS_FILE = "Users Export 2026-11-23.csv"
HIERARCHY_FILE = "Hierarchy Export.xlsx"


def hierarchy_workbook(path):
    book = openpyxl.Workbook()
    for line in HIERARCHY.strip().splitlines():
        book.active.append(line.split(","))
    book.save(path)


def voss_folder(tmp_path, manifest=None, history_users=None):
    folder = tmp_path / "VOSS export"
    folder.mkdir()
    write(folder, NUMBERS_FILE, NUMBERS)
    write(folder, USERS_FILE, USERS)
    hierarchy_workbook(folder / HIERARCHY_FILE)
    if history_users is not None:
        write(folder, "Users Export 2026-11-16.csv", history_users)
    if manifest is None:
        manifest = {"as_of": str(AS_OF), "numbers": NUMBERS_FILE, "users": USERS_FILE,
                    "hierarchy": HIERARCHY_FILE}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_a_folder_of_voss_named_files_loads_through_its_manifest(tmp_path):
    folder = voss_folder(tmp_path)
    with numkit.connect(":memory:") as inv:
        [report] = load_folder(inv, folder)
        files = {file["role"]: file for file in inv.current_snapshot()["files"]}
        assert sorted(inv.users()["username"]) == ["alice"]
        types = dict(zip(inv.nodes()["node"], inv.nodes()["type"]))
    assert report.as_of == AS_OF and report.numbers == len(NUMBERS.strip().splitlines()) - 1
    assert {role: file["path"] for role, file in files.items()} == {
        "numbers": str(folder / NUMBERS_FILE), "users": str(folder / USERS_FILE),
        "hierarchy": str(folder / HIERARCHY_FILE)}
    assert types[SITE_B] == "Site"      # read from the workbook
    assert [seen["file"] for seen in report.columns.values()] == [
        str(folder / NUMBERS_FILE), str(folder / USERS_FILE), str(folder / HIERARCHY_FILE)]


def test_the_command_loads_them_and_names_each_file(tmp_path):
    folder = voss_folder(tmp_path)
    result = CliRunner().invoke(main, ["load", str(tmp_path / "inv.duckdb"), "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"loaded snapshot 1 as of {AS_OF}: 8 numbers, 1 users")
    for name in (NUMBERS_FILE, USERS_FILE, HIERARCHY_FILE):
        assert any(line.startswith(f"  {name}: ") for line in lines), name


def test_earlier_snapshots_reuse_the_files_the_manifest_names(tmp_path):
    folder = voss_folder(tmp_path, history_users=USERS + f"bob,{SITE_B}\n", manifest={
        "as_of": str(AS_OF), "numbers": NUMBERS_FILE, "users": USERS_FILE,
        "hierarchy": HIERARCHY_FILE,
        "history": [{"as_of": "2026-11-16", "users": "Users Export 2026-11-16.csv"}]})
    with numkit.connect(":memory:") as inv:
        earlier, latest = load_folder(inv, folder)
        snapshots = inv.snapshots()
    assert latest.deleted_users == ["bob"]
    first_files = json.loads(snapshots["files"][0])
    assert first_files["numbers"]["path"] == str(folder / NUMBERS_FILE)
    assert first_files["hierarchy"]["path"] == str(folder / HIERARCHY_FILE)


def test_only_the_roles_named_need_naming(tmp_path):
    """A manifest may name the numbers file alone; users.csv is still found by its name."""
    folder = voss_folder(tmp_path, manifest={"numbers": NUMBERS_FILE})
    (folder / USERS_FILE).rename(folder / "users.csv")
    (folder / HIERARCHY_FILE).unlink()
    with numkit.connect(":memory:") as inv:
        [report] = load_folder(inv, folder)
    assert report.files["users"]["file"] == str(folder / "users.csv")
    assert "hierarchy" not in report.files


def refused(folder):
    with numkit.connect(":memory:") as inv, pytest.raises(InvalidOperation) as error:
        load_folder(inv, folder)
    return str(error.value)


def test_a_manifest_naming_one_file_beside_another_named_after_the_role_is_refused(tmp_path):
    folder = voss_folder(tmp_path)
    write(folder, "numbers.csv", NUMBERS)
    assert refused(folder) == (f"{folder} holds numbers.csv, and manifest.json names "
                               f"'{NUMBERS_FILE}' as the numbers file: keep the one to load")


def test_a_manifest_naming_the_role_file_itself_is_no_conflict(tmp_path):
    folder = voss_folder(tmp_path, manifest={"numbers": "numbers.csv", "users": USERS_FILE,
                                             "hierarchy": HIERARCHY_FILE})
    (folder / NUMBERS_FILE).rename(folder / "numbers.csv")
    with numkit.connect(":memory:") as inv:
        [report] = load_folder(inv, folder)
    assert report.files["numbers"]["file"] == str(folder / "numbers.csv")


@pytest.mark.parametrize("key, role", [("user", "users"), ("Numbers", "numbers"),
                                       ("hierachy", "hierarchy")])
def test_a_misspelt_role_key_is_refused_rather_than_its_file_left_unread(tmp_path, key, role):
    folder = voss_folder(tmp_path, manifest={"numbers": NUMBERS_FILE, key: USERS_FILE})
    said = refused(folder)
    assert said.startswith(f"{folder / 'manifest.json'}: {key!r} is not read")
    assert f'named by "{role}"' in said


@pytest.mark.parametrize("name, why", [
    ("Missing Inventory.csv", "is not a file in"),
    ("../Number Inventory.csv", "is not inside the folder"),
    ("", "must be a file name"),
    ("manifest.json", "is not a CSV or a workbook")])
def test_a_named_file_that_cannot_be_read_is_refused_before_anything_loads(tmp_path, name, why):
    folder = voss_folder(tmp_path, manifest={"numbers": name})
    write(tmp_path, "Number Inventory.csv", NUMBERS)     # outside the folder
    said = refused(folder)
    assert said.startswith(f"{folder / 'manifest.json'}: the numbers file it names") and why in said


def test_without_a_manifest_naming_it_the_numbers_file_is_not_found(tmp_path):
    folder = voss_folder(tmp_path, manifest={"as_of": str(AS_OF)})
    assert refused(folder).startswith(
        f"{folder} holds {HIERARCHY_FILE} (like the hierarchy file) and {NUMBERS_FILE} (like "
        f"the numbers file) and {USERS_FILE} (like the users file), and no hierarchy or "
        "numbers or users file is read")
    for k, name in enumerate((NUMBERS_FILE, USERS_FILE, HIERARCHY_FILE)):
        (folder / name).rename(folder / f"export {k}{(folder / name).suffix}")
    assert refused(folder) == (f"{folder} holds no numbers.csv or numbers.xlsx, and its "
                               "manifest.json names no numbers file")
