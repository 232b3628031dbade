"""An export folder whose users or hierarchy file is named otherwise than after its role,
and that no manifest names, is refused: loading it as absent would keep the users as last
loaded (no leaver recorded) or the node types as they were, and say nothing of the file."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main
from numkit.errors import InvalidOperation
from numkit.loading.snapshots import load_folder

from conftest import HIERARCHY, NUMBERS, SITE_B, USERS, export_folder, export_folder_without, write


def loads_in(inv):
    return inv.store.scalar("select count(*) from loads")


@pytest.mark.parametrize("name, role", [("VOSS Users 2026-11-23.csv", "users"),
                                        ("export_USERS.xlsx", "users"),
                                        ("Hierarchy Export.csv", "hierarchy"),
                                        ("Number Inventory.csv", "numbers")])
def test_a_role_s_file_under_another_name_is_refused_naming_it_and_the_ways_out(tmp_path, name, role):
    folder = export_folder_without(tmp_path, role, name)
    inv = numkit.connect()
    with pytest.raises(InvalidOperation) as refused:
        load_folder(inv, folder)
    message = str(refused.value)
    assert f"holds {name} (like the {role} file), and no {role} file is read" in message
    assert f'manifest.json ({{"{role}": "{name}"}})' in message and "move it out of the folder" in message
    assert f"name it after its role ({role}{Path(name).suffix.lower()})" in message
    assert loads_in(inv) == 0


def test_the_users_file_named_in_the_manifest_or_after_its_role_loads(tmp_path):
    named = "VOSS Users 2026-11-23.csv"
    users = USERS + f"bob,{SITE_B}\n"
    folder = export_folder(tmp_path, {"numbers.csv": NUMBERS, named: users,
                                    "manifest.json": json.dumps({"users": named})})
    inv = numkit.connect()
    report, = load_folder(inv, folder)
    assert report.users == users.count("\n") - 1
    assert report.columns["users"]["file"] == str(folder / named)


def test_a_file_with_a_role_word_beside_that_role_s_own_file_is_left_alone(tmp_path):
    """The folder's users file is read; another holding the word is an analyst's own file."""
    folder = export_folder(tmp_path, {"numbers.csv": NUMBERS, "users.csv": USERS,
                                    "hierarchy.csv": HIERARCHY, "users-notes.csv": "a\n",
                                    "numbers-to-port.xlsx": "not a workbook"})
    inv = numkit.connect()
    report, = load_folder(inv, folder)
    assert report.columns["users"]["file"] == str(folder / "users.csv")


@pytest.mark.parametrize("copy", ["numbers (1).csv", "Users - Copy.csv", "hierarchy copy 2.xlsx"])
def test_a_second_copy_of_a_role_file_beside_it_is_refused(tmp_path, copy):
    """A download made twice (`numbers (1).csv`) beside last week's `numbers.csv`: which one
    is this week's cannot be told, and the copy would be passed over unsaid."""
    folder = export_folder(tmp_path, {"numbers.csv": NUMBERS, "users.csv": USERS,
                                    "hierarchy.csv": HIERARCHY, copy: "a\n"})
    inv = numkit.connect()
    with pytest.raises(InvalidOperation) as refused:
        load_folder(inv, folder)
    role = copy.split()[0].lower()
    assert f"holds {copy}, a copy of the {role} file" in str(refused.value)
    assert loads_in(inv) == 0


def test_an_excel_lock_file_beside_the_workbook_is_no_file_of_the_export(tmp_path):
    folder = export_folder(tmp_path, {"numbers.csv": NUMBERS, "users.csv": USERS,
                                    "hierarchy.csv": HIERARCHY, "~$numbers.xlsx": "lock"})
    inv = numkit.connect()
    report, = load_folder(inv, folder)
    assert report.columns["numbers"]["file"] == str(folder / "numbers.csv")


def test_every_unread_role_file_is_named_in_one_message_with_the_manifest_that_reads_them(tmp_path):
    folder = export_folder(tmp_path, {"Number Inventory.csv": NUMBERS, "Users Export.csv": USERS,
                                    "Hierarchy Export.csv": HIERARCHY})
    with pytest.raises(InvalidOperation) as refused:
        load_folder(numkit.connect(), folder)
    assert str(refused.value) == (
        f"{folder} holds Hierarchy Export.csv (like the hierarchy file) and Number Inventory.csv "
        "(like the numbers file) and Users Export.csv (like the users file), and no hierarchy or "
        "numbers or users file is read: name each after its role (hierarchy.csv, numbers.csv, "
        'users.csv), name them in manifest.json ({"hierarchy": "Hierarchy Export.csv", '
        '"numbers": "Number Inventory.csv", "users": "Users Export.csv"}), or move them out of '
        "the folder")
    write(folder, "manifest.json", json.dumps({"hierarchy": "Hierarchy Export.csv",
                                               "numbers": "Number Inventory.csv",
                                               "users": "Users Export.csv"}))
    report, = load_folder(numkit.connect(), folder)
    assert report.users == USERS.count("\n") - 1


def test_numkit_load_dir_refuses_it_in_one_line_and_writes_nothing(tmp_path):
    folder = export_folder(tmp_path, {"numbers.csv": NUMBERS, "Users (VOSS).csv": USERS})
    database = tmp_path / "inv.duckdb"
    refused = CliRunner().invoke(main, ["load", str(database), "--dir", str(folder)])
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    assert "Users (VOSS).csv (like the users file)" in refused.output
    assert not database.exists()
