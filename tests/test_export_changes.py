"""Carrying the pending changes to VOSS: changes.csv, the bulk-load workbook, users-to-action.csv."""

import json
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from numkit.cli import main
from numkit.errors import NumkitError

from conftest import CUST1, HIERARCHY, PROV, SITE_A, SITE_B, SITE_C, load_texts

NUMBERS = f"""\
Internal Number,Located At,Status,Reserved For,Used By,Release Date,Description
1001,{SITE_A},Available,u,,,
1002,{SITE_B},Available,u,,,
1003,{CUST1},Available,u,,,
2001,{SITE_A},Available,,,,
2002,{SITE_B},Available,,,,
2003,{CUST1},Available,,,,-2+3
3001,{SITE_A},Used,,alice,,
3002,{SITE_A},Used,,bob,,
3003,{SITE_B},Used,,carol,,
"""

USERS = f"""\
Username,Located At
alice,{SITE_A}
bob,{SITE_A}
carol,{SITE_B}
"""

ACTIONS = ("add", "modify", "delete")
KIND_OF = {"add": "row_added", "modify": "row_changed", "delete": "row_removed"}
ROW_FIELDS = ("status", "usage", "reserved_for", "used_by", "release_date", "reservation_notes",
              "description")


def shipped_mapping():
    return json.loads(resources.files("numkit").joinpath("voss_fields.json").read_text())


def decide(inv):
    """One of each operation an analyst makes, each leaving something pending."""
    inv.onboard("=cmd", SITE_B)                        # user_added, a number given
    inv.reserve_for("2001", "@bob", SITE_A)            # a flag set
    inv.clear_reserved_for("1001", SITE_A)             # a flag cleared: an empty value
    inv.add_numbers(["+442079460000"], SITE_C)         # row_added
    inv.delete_numbers("2003", CUST1)                  # row_removed
    inv.set_status("1002", "Reserved", SITE_B, days=10, notes="+notes")
    inv.release("3002", SITE_A)                        # bob's number back to Available
    inv.move_user("alice", SITE_C, policy="carry")     # user_moved, 3001 carried
    inv.delete_user("carol")                           # user_deleted, 3003 released
    return inv


@pytest.fixture(scope="module")
def decided(tmp_path_factory):
    """Built once: the tests that take it only read it (export_changes only reads)."""
    return decide(load_texts(tmp_path_factory.mktemp("decided"), numbers=NUMBERS, users=USERS,
                             hierarchy=HIERARCHY))


def cell_text(value):
    return None if value is None or value != value else value


def read_csv(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def voss_number(number, mapping):
    return mapping["e164_prefix"] + number[1:] if number.startswith("+") else number


def sheet_rows(book, action):
    """The data rows of the sheet of `action` as dicts by row-2 name."""
    sheet = book.worksheets[ACTIONS.index(action)]
    rows = list(sheet.iter_rows(values_only=True))
    names = rows[1]
    return [dict(zip(names, row)) for row in rows[4:]]


def grouped(pending, kind):
    """{(number, node): {field: numkit_value}} of the row changes of `kind`."""
    rows = {}
    for change in pending[pending["kind"] == kind].itertuples():
        rows.setdefault((change.number, change.node), {})[change.field] = cell_text(change.numkit_value)
    return rows


# --- the workbook -----------------------------------------------------------------------

def test_the_workbook_has_a_sheet_per_action_in_the_order_vosses_loads_them(decided, tmp_path):
    decided.export_changes(tmp_path)
    book = openpyxl.load_workbook(tmp_path / "voss-bulk-load.xlsx")
    model = shipped_mapping()["model_type"].rsplit("/", 1)[-1]
    assert book.sheetnames == [f"{action} {model}" for action in ACTIONS]


def test_each_sheet_opens_with_the_template_rows_entity_names_groups_titles(decided, tmp_path):
    decided.export_changes(tmp_path)
    mapping = shipped_mapping()
    book = openpyxl.load_workbook(tmp_path / "voss-bulk-load.xlsx")
    columns = mapping["columns"]
    expected = {
        "add": ["hierarchy", "action", "number", *ROW_FIELDS],
        "modify": ["hierarchy", "action", "search", "number", *ROW_FIELDS],
        "delete": ["hierarchy", "action", "search"],
    }
    pending = decided.pending_changes()
    for action, sheet in zip(ACTIONS, book.worksheets):
        rows = list(sheet.iter_rows(values_only=True, max_row=4))
        nodes = {node for _, node in grouped(pending, KIND_OF[action])}
        common = ".".join(next(iter(nodes)).split(".")[:min(len(n.split(".")) for n in nodes)])
        while any(not (n == common or n.startswith(common + ".")) for n in nodes):
            common = common.rsplit(".", 1)[0]
        assert rows[0][0] == mapping["sheet_header"].format(model_type=mapping["model_type"],
                                                           hierarchy=common)
        assert all(value is None for value in rows[0][1:])
        assert list(rows[1]) == [columns[key]["name"] for key in expected[action]]
        assert list(rows[2]) == [columns[key]["group"] or None for key in expected[action]]
        assert list(rows[3]) == [columns[key]["title"] for key in expected[action]]


def test_one_sheet_row_per_changed_number_with_the_values_numkit_has_now(decided, tmp_path):
    decided.export_changes(tmp_path)
    mapping, pending = shipped_mapping(), decided.pending_changes()
    names = {key: spec["name"] for key, spec in mapping["columns"].items()}
    book = openpyxl.load_workbook(tmp_path / "voss-bulk-load.xlsx")
    for action in ACTIONS:
        expected = grouped(pending, KIND_OF[action])
        rows = sheet_rows(book, action)
        assert len(rows) == len(expected) > 0
        keyed = {}
        for row in rows:
            assert row[names["action"]] == mapping["actions"][action]
            number = row[names["search" if action != "add" else "number"]]
            keyed[(number, row[names["hierarchy"]])] = row
        assert set(keyed) == {(voss_number(n, mapping), node) for n, node in expected}
        for (number, node), fields in expected.items():
            row = keyed[(voss_number(number, mapping), node)]
            if action == "delete":
                continue
            assert row[names["number"]] == voss_number(number, mapping)
            for field in ROW_FIELDS:
                if field not in fields:         # unchanged: left blank, VOSS keeps its value
                    assert row[names[field]] is None, (number, field)
                elif fields[field] is None:     # cleared in numkit
                    assert row[names[field]] == mapping["empty_value"], (number, field)
                else:
                    assert row[names[field]] == fields[field], (number, field)


def test_a_cleared_flag_is_written_as_vosses_empty_value(decided, tmp_path):
    decided.export_changes(tmp_path)
    mapping = shipped_mapping()
    names = {key: spec["name"] for key, spec in mapping["columns"].items()}
    book = openpyxl.load_workbook(tmp_path / "voss-bulk-load.xlsx")
    row, = [r for r in sheet_rows(book, "modify") if r[names["search"]] == "1001"]
    assert row[names["reserved_for"]] == mapping["empty_value"] == " "


def test_every_text_cell_is_text_never_a_formula(decided, tmp_path):
    decided.export_changes(tmp_path)
    book = openpyxl.load_workbook(tmp_path / "voss-bulk-load.xlsx")
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    texts.add(cell.value)
    assert {"@bob", "+notes", "=cmd", "\\+442079460000"} <= texts


def test_numbers_are_written_in_vosses_e164_form(decided, tmp_path):
    decided.export_changes(tmp_path)
    mapping = shipped_mapping()
    names = {key: spec["name"] for key, spec in mapping["columns"].items()}
    book = openpyxl.load_workbook(tmp_path / "voss-bulk-load.xlsx")
    added = [row[names["number"]] for row in sheet_rows(book, "add")]
    assert mapping["e164_prefix"] + "442079460000" in added


# --- the CSV files ----------------------------------------------------------------------

def test_changes_csv_holds_every_pending_change_formula_safe(decided, tmp_path):
    decided.export_changes(tmp_path)
    written = read_csv(tmp_path / "changes.csv")
    pending = decided.pending_changes()
    assert list(written.columns) == list(pending.columns)
    assert len(written) == len(pending)
    assert list(written["number"]) == [cell_text(n) or "" for n in pending["number"]]
    assert "+442079460000" in set(written["number"])          # a number stays a number
    assert "'@bob" in set(written["username"]) and "@bob" not in set(written["username"])
    assert "'-2+3" in set(written["voss_value"])               # the removed row's description
    assert "'+notes" in set(written["numkit_value"])
    assert "'=cmd" in set(written["username"])
    for column in written.columns:
        for value in written[column]:
            assert not value.startswith(("=", "@", "-")), (column, value)
            assert not value.startswith("+") or value[1:].isdigit(), (column, value)


def test_users_to_action_lists_each_user_change_with_the_numbers_they_hold(decided, tmp_path):
    decided.export_changes(tmp_path)
    written = read_csv(tmp_path / "users-to-action.csv")
    assert list(written.columns) == ["action", "username", "from_node", "to_node", "decided_at",
                                     "number", "number_node"]
    users = decided.pending_changes().query("kind.str.startswith('user_')")
    assert len(set(written["username"])) == len(users) == 3
    by_user = {name: rows for name, rows in written.groupby("username")}
    onboarded = by_user["'=cmd"]
    assert list(onboarded["action"]) == ["onboard"] and list(onboarded["from_node"]) == [""]
    assert list(onboarded["to_node"]) == [SITE_B]
    assert list(onboarded["number"]) == list(decided.sql(
        "select number from numbers where used_by = '=cmd'")["number"])
    moved = by_user["alice"]
    assert list(moved[["action", "from_node", "to_node", "number", "number_node"]].itertuples(
        index=False, name=None)) == [("move", SITE_A, SITE_C, "3001", SITE_C)]
    deleted = by_user["carol"]
    assert list(deleted[["action", "from_node", "to_node", "number"]].itertuples(
        index=False, name=None)) == [("delete", SITE_B, "", "")]


def test_a_number_held_under_a_formula_like_name_stays_readable(make_inventory, tmp_path):
    inv = make_inventory(numbers=NUMBERS.replace("2002,", "+442079460002,"), users=USERS)
    inv.onboard("-x", SITE_B, number="+442079460002")
    inv.export_changes(tmp_path)
    written = read_csv(tmp_path / "users-to-action.csv")
    assert list(written[["username", "number"]].itertuples(index=False, name=None)) == [
        ("'-x", "+442079460002")]


@pytest.mark.parametrize("username", ["İlker", "ΟΔΥΣΣΕΑΣ"])
def test_a_user_whose_name_python_lowers_otherwise_keeps_their_numbers(make_inventory, tmp_path,
                                                                       username):
    """Usernames compare by DuckDB's lower(), which Python's str.lower() differs from for
    some letters: the user's numbers are found all the same."""
    inv = make_inventory(numbers=NUMBERS, users=USERS)
    given = inv.onboard(username, SITE_B)
    assert given
    inv.export_changes(tmp_path)
    written = read_csv(tmp_path / "users-to-action.csv")
    assert sorted(written["number"]) == sorted(given)
    assert set(written["username"]) == {username}


# --- the mapping ------------------------------------------------------------------------

def test_a_replaced_mapping_file_changes_row_two(decided, tmp_path):
    mapping = shipped_mapping()
    mapping["columns"]["reserved_for"]["name"] = "reservedFor"
    mapping["columns"]["number"]["name"] = "dn"
    mapping["model_type"] = "data/OurNumbers"
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(mapping))
    decided.export_changes(tmp_path / "out", mapping=path)
    book = openpyxl.load_workbook(tmp_path / "out" / "voss-bulk-load.xlsx")
    assert book.sheetnames == ["add OurNumbers", "modify OurNumbers", "delete OurNumbers"]
    names = [cell.value for cell in book.worksheets[0][2]]
    assert "reservedFor" in names and "dn" in names and "reserved_for" not in names
    assert book.worksheets[0]["A1"].value.startswith("entity: data/OurNumbers;")


@pytest.mark.parametrize("missing", ["reserved_for", "hierarchy", "search"])
def test_a_mapping_without_a_needed_field_is_refused_naming_it(decided, tmp_path, missing):
    mapping = shipped_mapping()
    del mapping["columns"][missing]
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(mapping))
    with pytest.raises(NumkitError, match=rf"{path}.*{missing}"):
        decided.export_changes(tmp_path / "out", mapping=path)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_mapping_without_the_empty_value_is_refused(decided, tmp_path):
    mapping = shipped_mapping()
    del mapping["empty_value"]
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(mapping))
    with pytest.raises(NumkitError, match="empty_value"):
        decided.export_changes(tmp_path / "out", mapping=path)


def test_a_mapping_that_is_not_json_is_refused_naming_the_file(decided, tmp_path):
    path = tmp_path / "ours.json"
    path.write_text("{not json")
    with pytest.raises(NumkitError, match=str(path)):
        decided.export_changes(tmp_path / "out", mapping=path)


@pytest.mark.parametrize("key, value", [("actions", "x"), ("columns", [])])
def test_a_mapping_whose_parts_are_not_objects_is_refused_naming_them(decided, tmp_path, key, value):
    from numkit.voss_workbook import read_mapping
    mapping = read_mapping()
    mapping[key] = value
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(mapping))
    with pytest.raises(NumkitError, match=key):
        decided.export_changes(tmp_path / "out", mapping=path)


# --- nothing pending, and the files as a whole -----------------------------------------

def test_nothing_pending_still_writes_the_files_with_header_rows_only(make_inventory, tmp_path):
    inv = make_inventory(numbers=NUMBERS, users=USERS)
    written = inv.export_changes(tmp_path / "out")
    assert written.changes == 0
    assert len(read_csv(tmp_path / "out" / "changes.csv")) == 0
    assert len(read_csv(tmp_path / "out" / "users-to-action.csv")) == 0
    book = openpyxl.load_workbook(tmp_path / "out" / "voss-bulk-load.xlsx")
    assert [sheet.max_row for sheet in book.worksheets] == [4, 4, 4]


def test_the_files_replace_what_is_there_and_leave_nothing_else(decided, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "changes.csv").write_text("old")
    target = out / "elsewhere.txt"
    target.write_text("keep")
    (out / "users-to-action.csv").symlink_to(target)
    written = decided.export_changes(out)
    assert sorted(p.name for p in out.iterdir()) == [
        "changes.csv", "elsewhere.txt", "users-to-action.csv", "voss-bulk-load.xlsx"]
    assert target.read_text() == "keep"
    assert not (out / "users-to-action.csv").is_symlink()
    assert (out / "changes.csv").read_text() != "old"
    assert [Path(p).name for p in written.paths] == [
        "changes.csv", "voss-bulk-load.xlsx", "users-to-action.csv"]


# --- the command ------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_numkit_changes_writes_the_three_files_and_says_what(make_inventory, tmp_path):
    db = tmp_path / "inv.duckdb"
    inv = decide(make_inventory(numbers=NUMBERS, users=USERS, path=str(db)))
    pending = inv.pending_changes()
    inv.close()
    result = run("changes", db, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"{len(pending)} pending change(s)" in result.output
    for action in ACTIONS:
        assert f"{action}: {len(grouped(pending, KIND_OF[action]))} row(s)" in result.output
    for name in ("changes.csv", "voss-bulk-load.xlsx", "users-to-action.csv"):
        assert (tmp_path / "out" / name).is_file()
        assert f"wrote {tmp_path / 'out' / name}" in result.output


def test_numkit_changes_with_nothing_pending_says_so(make_inventory, tmp_path):
    db = tmp_path / "inv.duckdb"
    make_inventory(numbers=NUMBERS, users=USERS, path=str(db)).close()
    result = run("changes", db, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "nothing pending" in result.output
    assert (tmp_path / "out" / "voss-bulk-load.xlsx").is_file()


def test_numkit_changes_takes_a_mapping_file(make_inventory, tmp_path):
    db = tmp_path / "inv.duckdb"
    decide(make_inventory(numbers=NUMBERS, users=USERS, path=str(db))).close()
    mapping = shipped_mapping()
    del mapping["columns"]["status"]
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(mapping))
    result = run("changes", db, "--out", tmp_path / "out", "--mapping", path)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "status" in result.output


def test_numkit_changes_on_a_missing_database_is_one_error_line(tmp_path):
    result = run("changes", tmp_path / "missing.duckdb", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.output == f"Error: no database at {tmp_path / 'missing.duckdb'}\n"
    assert not (tmp_path / "missing.duckdb").exists()
