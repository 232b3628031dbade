"""Broken exports (tests/bad_inputs/): each refused with exactly its problems, nothing changed.

One folder per case: the files to load (`numbers.csv` or `numbers.xlsx`, and `users.*`,
`hierarchy.*` when the case needs them), and `expected.csv` with columns
file,row,column,value,reason_contains: every problem the load must raise, none more (`row`
empty = about the whole file; `reason_contains` a fragment of the reason). A file too big or
too binary to keep is described in `generate.json` and made at run time:
`{"numbers.xlsx": {"sheets": [{"name": ..., "rows": [[cell, ...], ...]}]}}` (a sheet may also
give `"state": "hidden"` or `"veryHidden"`, `"merge": ["D2:D4", ...]`, `"cells": {"XFD9": v}`
and `"formats": {"A2": "0000"}`, the number format a cell shows with;
a text starting with `=` is written as a formula with no stored value, as a script writes it) or
`{"numbers.csv": {"lines": [text or [piece, {"repeat": "x", "times": N}, ...], ...]}}`.
A case whose expected.csv lists no problem is a control: it must load.
"""

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

import numkit
from numkit.loading.load import source_path

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
EXPECTED_COLUMNS = ["file", "row", "column", "value", "reason_contains"]
ROLE_FILES = {f"{role}.{suffix}" for role in ("numbers", "users", "hierarchy")
              for suffix in ("csv", "xlsx")}
TABLES = ("numbers", "users", "deleted_users", "nodes", "events", "loads", "load_rejects",
          "snapshot_numbers", "snapshot_users", "settings")
AS_OF = "2026-11-23"

PROV = "sys.hcs.Prov-1"
CUST1, CUST2 = f"{PROV}.Cust-1", f"{PROV}.Cust-2"
SITE_A, SITE_B, SITE_D = f"{CUST1}.Site-A", f"{CUST1}.Site-B", f"{CUST2}.Site-D"
HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def expected_of(case):
    with open(case / "expected.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == EXPECTED_COLUMNS, case.name
        return [tuple(row[c] for c in EXPECTED_COLUMNS) for row in reader]


BROKEN = [case for case in CASES if expected_of(case)]
CONTROLS = [case for case in CASES if not expected_of(case)]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A small valid inventory file: two snapshots (carol left), a rejected row, a setting."""
    folder = tmp_path_factory.mktemp("baseline")
    files = {
        "hierarchy.csv": f"Hierarchy,Type\n{PROV},Provider\n{CUST1},Customer\n{SITE_A},Site\n"
                         f"{SITE_B},Site\n{CUST2},Customer\n{SITE_D},Site\n",
        "users1.csv": f"Username,Located At\nalice,{SITE_A}\nbob,{SITE_B}\ncarol,{SITE_D}\n",
        "users2.csv": f"Username,Located At\nalice,{SITE_A}\nbob,{SITE_B}\n",
        "numbers1.csv": HEADER + f"1001,{SITE_A},Available,,,\n1001,{SITE_D},Used,,carol,\n"
                                 f"2001,{CUST1},Reserved,bob,,2026-12-31\n",
        "numbers2.csv": HEADER + f"1001,{SITE_A},Used,,alice,\n1001,{SITE_D},Available,carol,,\n"
                                 f"2001,{CUST1},Cooling,,,2026-11-30\nx9,{SITE_B},Available,,,\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    path = folder / "inventory.duckdb"
    with numkit.connect(path) as inv:
        inv.load(folder / "numbers1.csv", users=folder / "users1.csv",
                 hierarchy=folder / "hierarchy.csv", as_of="2026-11-20")
        inv.load(folder / "numbers2.csv", users=folder / "users2.csv", as_of=AS_OF, strict=False)
        inv.settings["cooling_days"] = 5
    return path


def contents(inv):
    """Every numkit table, row for row, and the names of all tables (temporary ones too)."""
    found = {table: inv.con.execute(f"select * from {table} order by all").fetchall()
             for table in TABLES}
    found["tables"] = sorted(inv.con.execute(
        "select database_name, schema_name, table_name from duckdb_tables()").fetchall())
    return found


def materialise(case, into):
    """The case's files in `into`, with the ones generate.json describes made."""
    for path in case.iterdir():
        assert path.name in ROLE_FILES | {"expected.csv", "generate.json"}, path
        if path.name in ROLE_FILES:
            shutil.copy(path, into / path.name)
    described = case / "generate.json"
    for name, spec in (json.loads(described.read_text()) if described.exists() else {}).items():
        if "sheets" in spec:
            book = openpyxl.Workbook()
            book.remove(book.active)
            for sheet in spec["sheets"]:
                page = book.create_sheet(sheet["name"])
                for row in sheet["rows"]:
                    page.append(row)
                for reference, value in sheet.get("cells", {}).items():
                    page[reference] = value
                for reference, code in sheet.get("formats", {}).items():
                    page[reference].number_format = code
                for cells in sheet.get("merge", []):
                    page.merge_cells(cells)
                page.sheet_state = sheet.get("state", "visible")
            book.save(into / name)
        else:
            lines = ["".join(p if isinstance(p, str) else p["repeat"] * p["times"]
                             for p in ([line] if isinstance(line, str) else line))
                     for line in spec["lines"]]
            (into / name).write_text("\n".join(lines) + "\n")
    return {role: source_path(into, role) for role in ("numbers", "users", "hierarchy")}


def text(value):
    return "" if value is None or value != value else str(value)


def actual_of(problems):
    assert list(problems.columns) == ["file", "row", "column", "value", "reason"]
    return [(Path(p.file).name, "" if text(p.row) == "" else str(int(p.row)), text(p.column),
             text(p.value), p.reason) for p in problems.itertuples()]


def unmatched(expected, actual):
    """(expected problems not raised, raised problems not expected)."""
    left = list(actual)
    missing = []
    for want in expected:
        hit = next((got for got in left if got[:4] == want[:4] and want[4] in got[4]), None)
        if hit is None:
            missing.append(want)
        else:
            left.remove(hit)
    return missing, left


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_broken_export_is_refused_with_its_problems(case, baseline, tmp_path):
    path = tmp_path / "inventory.duckdb"
    shutil.copy(baseline, path)
    sources = materialise(case, tmp_path)
    with numkit.connect(path) as inv:
        before = contents(inv)     # holds the file: the load runs on this same connection
        with pytest.raises(numkit.LoadError) as refused:
            inv.load(sources["numbers"], users=sources["users"], hierarchy=sources["hierarchy"],
                     as_of=AS_OF)
        missing, extra = unmatched(expected_of(case), actual_of(refused.value.problems))
        assert not missing and not extra, (
            f"{case.name}\nexpected, not raised:\n" + "\n".join(map(repr, missing))
            + "\nraised, not expected:\n" + "\n".join(map(repr, extra)))
        after = contents(inv)
    with numkit.connect(path) as inv:    # and what the file holds, opened afresh
        stored = contents(inv)
    for table in before:
        assert after[table] == before[table], f"{case.name}: {table} changed"
        assert stored[table] == before[table], f"{case.name}: {table} changed in the file"


@pytest.mark.parametrize("case", CONTROLS, ids=lambda case: case.name)
def test_control_export_loads(case, baseline, tmp_path):
    path = tmp_path / "inventory.duckdb"
    shutil.copy(baseline, path)
    sources = materialise(case, tmp_path)
    with open(sources["numbers"], newline="", encoding="utf-8-sig") as handle:
        rows = sorted((row["Internal Number"], row["Located At"]) for row in csv.DictReader(handle)
                      if row["Internal Number"])
    with numkit.connect(path) as inv:
        report = inv.load(sources["numbers"], users=sources["users"],
                          hierarchy=sources["hierarchy"], as_of=AS_OF)
        assert report.rejected == 0
        assert sorted(inv.con.execute("select number, node from numbers").fetchall()) == rows


def test_the_corpus_has_at_least_40_broken_exports_and_a_control():
    assert len(BROKEN) >= 40
    assert any("overlap-across-customers" in case.name for case in CONTROLS)
