"""`numkit load --no-strict` says how many rows it rejected and where they are; `--problems
FILE` writes them, as it writes a refused load's problems."""

import pandas as pd
from click.testing import CliRunner

import numkit
from numkit.cli import main

from conftest import AS_OF, CUST1, HIERARCHY, NUMBERS, SITE_A, USERS, write

# three bad rows (spreadsheet rows 10 to 12), four problems: row 11 has two
BAD_ROWS = (f"abc,{SITE_A},Available,,,\n"
            f"=cmd,{SITE_A},Bogus,,,\n"
            f"+44123,{CUST1},Bogus,,,\n")
EXPECTED = [(10, "Internal Number"), (11, "Internal Number"), (11, "Status"), (12, "Status")]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def export(folder, numbers=NUMBERS + BAD_ROWS):
    return ["--numbers", write(folder, "numbers.csv", numbers), "--users",
            write(folder, "users.csv", USERS), "--hierarchy", write(folder, "hierarchy.csv", HIERARCHY),
            "--as-of", AS_OF]


def test_a_non_strict_load_says_how_many_rows_went_to_load_rejects(tmp_path):
    db = tmp_path / "inv.duckdb"
    result = run("load", db, *export(tmp_path), "--no-strict")
    assert result.exit_code == 0, result.output
    assert "  3 row(s) rejected: see the load_rejects table (load_id 1)" in result.stdout.splitlines()
    with numkit.connect(db, read_only=True) as inv:
        rejects = inv.load_rejects()
    assert list(zip(rejects["row"], rejects["column"])) == EXPECTED


def test_problems_writes_the_rows_a_non_strict_load_rejected(tmp_path):
    db, problems = tmp_path / "inv.duckdb", tmp_path / "problems.csv"
    result = run("load", db, *export(tmp_path), "--no-strict", "--problems", problems)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (f"  3 row(s) rejected: written to {problems}, and kept in the load_rejects table "
            "(load_id 1)") in lines
    assert f"wrote {problems}: 4 problem(s) of the rows rejected" in lines
    written = pd.read_csv(problems, dtype=str, keep_default_na=False)
    assert list(written.columns) == ["file", "row", "column", "value", "reason"]
    assert list(zip(written["row"].astype(int), written["column"])) == EXPECTED
    assert set(written["file"]) == {str(tmp_path / "numbers.csv")}
    # as a refused load's file: a formula made inert, a signed number as written
    assert list(written["value"]) == ["abc", "'=cmd", "Bogus", "Bogus"]
    assert written["reason"].str.startswith(("not a number", "unknown status")).all()


def test_a_load_with_no_row_rejected_leaves_the_header_alone_in_the_file(tmp_path):
    """An earlier run's file must not stand for this load's."""
    db, problems = tmp_path / "inv.duckdb", tmp_path / "problems.csv"
    problems.write_text("file,row,column,value,reason\nold.csv,2,x,y,last week's\n")
    result = run("load", db, *export(tmp_path, NUMBERS), "--no-strict", "--problems", problems)
    assert result.exit_code == 0, result.output
    assert "rejected:" not in result.stdout
    assert f"wrote {problems}: 0 problem(s) of the rows rejected" in result.stdout.splitlines()
    assert problems.read_text().splitlines() == ["file,row,column,value,reason"]


def test_a_refused_load_still_writes_its_problems(tmp_path):
    db, problems = tmp_path / "inv.duckdb", tmp_path / "problems.csv"
    result = run("load", db, *export(tmp_path), "--problems", problems)
    assert result.exit_code == 1
    assert f"written to {problems}" in result.stderr
    assert len(pd.read_csv(problems)) == len(EXPECTED)


def test_a_folder_gives_each_snapshots_count_and_a_file_read_twice_once(tmp_path):
    """The folder's numbers, rejected rows and all, are read by both of its snapshots."""
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, "numbers.csv", NUMBERS + BAD_ROWS)
    write(folder, "users.csv", USERS)
    write(folder, "hierarchy.csv", HIERARCHY)
    write(folder, "users-before.csv", USERS)
    write(folder, "manifest.json", f'{{"as_of": "{AS_OF}", "history": '
                                   '[{"as_of": "2026-11-16", "users": "users-before.csv"}]}')
    problems = tmp_path / "problems.csv"
    result = run("load", tmp_path / "inv.duckdb", "--dir", folder, "--no-strict",
                 "--problems", problems)
    assert result.exit_code == 0, result.output
    said = [line for line in result.stdout.splitlines() if "row(s) rejected" in line]
    assert [line.split(" (load_id")[1] for line in said] == [" 1)", " 2)"]
    assert all(line.startswith("  3 row(s) rejected: written to") for line in said)
    written = pd.read_csv(problems, dtype=str, keep_default_na=False)
    assert list(zip(written["row"].astype(int), written["column"])) == EXPECTED


def test_a_problems_file_that_cannot_be_written_after_the_load_says_the_load_was_saved(tmp_path):
    db = tmp_path / "inv.duckdb"
    blocker = write(tmp_path, "afile", "not a folder")
    result = run("load", db, *export(tmp_path), "--no-strict", "--problems", blocker / "p.csv")
    assert result.exit_code == 1
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: the load was saved, but its rejected rows could not be "
                            f"written to {blocker / 'p.csv'}")
    assert error.endswith("they are in the load_rejects table")
    with numkit.connect(db, read_only=True) as inv:
        assert inv.current_snapshot()["rejected"] == 3


def test_load_rejects_reads_the_latest_load_unless_told(tmp_path):
    with numkit.connect(":memory:") as inv:
        inv.load(write(tmp_path, "n.csv", NUMBERS + BAD_ROWS), users=write(tmp_path, "u.csv", USERS),
                 hierarchy=write(tmp_path, "h.csv", HIERARCHY), as_of=AS_OF, strict=False)
        inv.load(write(tmp_path, "n2.csv", NUMBERS), as_of=AS_OF)
        assert inv.load_rejects().empty
        assert len(inv.load_rejects(1)) == len(EXPECTED)
