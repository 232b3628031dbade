"""The numkit command: thin over the library, one-line errors, documented."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from numkit.cli import main

from conftest import NUMBERS, USERS, HIERARCHY, write

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name, command in main.commands.items():
        assert command.help, name
        assert run(name, "--help").exit_code == 0
        assert re.search(rf"numkit {name}\b", readme), f"numkit {name} is not in the README"


def test_numkit_help_as_a_program():
    result = subprocess.run([sys.executable, "-m", "numkit", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "load" in result.stdout


def test_load_check_report(tmp_path):
    db = tmp_path / "inv.duckdb"
    loaded = run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS), "--users",
                 write(tmp_path, "u.csv", USERS), "--hierarchy", write(tmp_path, "h.csv", HIERARCHY),
                 "--as-of", "2026-11-23")
    assert loaded.exit_code == 0, loaded.output
    assert "8 numbers" in loaded.output
    assert run("check", db).exit_code == 0
    reported = run("report", db, "--out", tmp_path / "out", "--as-of", "2026-11-23")
    assert reported.exit_code == 0, reported.output
    assert "never onboarded" in reported.output
    assert (tmp_path / "out" / "deleted_user_reservations.csv").read_text().count("never_onboarded") == 3


def test_refused_load_is_one_line_and_exit_1(tmp_path):
    db = tmp_path / "inv.duckdb"
    result = run("load", db, "--numbers", write(tmp_path, "n.csv", "number,node\nabc,x\n"),
                 "--problems", tmp_path / "problems.csv")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("Error: ") and "row 2" in result.output
    assert "abc" in (tmp_path / "problems.csv").read_text()
    assert not db.exists() and not (tmp_path / "inv.duckdb.wal").exists()


def test_a_refused_load_with_more_problems_than_listed_says_how_many_it_wrote(tmp_path):
    numbers = "number,node\n" + "".join(f"x{i},a.b\n" for i in range(10_005))
    result = run("load", tmp_path / "inv.duckdb", "--numbers", write(tmp_path, "n.csv", numbers),
                 "--problems", tmp_path / "problems.csv")
    assert result.exit_code == 1 and result.output.strip().count("\n") == 0
    assert result.output.rstrip().endswith(
        "; and 10,004 more problems; the first 10,000 are listed (the first 10,000 of 10,005 "
        f"written to {tmp_path / 'problems.csv'})")
    assert len((tmp_path / "problems.csv").read_text().splitlines()) == 1 + 10_000


def test_a_refused_load_keeps_an_existing_database_as_it_was(tmp_path):
    db = tmp_path / "inv.duckdb"
    assert run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS),
               "--users", write(tmp_path, "u.csv", USERS)).exit_code == 0
    assert run("load", db, "--numbers", write(tmp_path, "bad.csv", "number,node\nabc,x\n")).exit_code == 1
    import numkit
    with numkit.connect(db, read_only=True) as inv:
        assert len(inv.snapshots()) == 1 and len(inv.sql("select * from numbers")) == 8


def test_check_exits_1_on_violations(tmp_path):
    import numkit
    db = tmp_path / "inv.duckdb"
    with numkit.connect(db) as inv:
        inv.load(write(tmp_path, "n.csv", NUMBERS), users=write(tmp_path, "u.csv", USERS))
        inv.con.execute("update numbers set used_by = 'ghost' where number = '3001'")
    result = run("check", db)
    assert result.exit_code == 1
    assert "used_by_not_active" in result.output


def test_load_needs_numbers_or_a_folder(tmp_path):
    result = run("load", tmp_path / "inv.duckdb")
    assert result.exit_code == 2
    assert "give --numbers FILE or --dir FOLDER" in result.output


def test_load_refuses_numbers_and_a_folder_together(tmp_path):
    numbers = write(tmp_path, "n.csv", NUMBERS)
    result = run("load", tmp_path / "inv.duckdb", "--numbers", numbers, "--dir", tmp_path)
    assert result.exit_code == 2
    assert "give --numbers FILE or --dir FOLDER, not both" in result.output
    assert not (tmp_path / "inv.duckdb").exists()


def test_demo_writes_an_export_that_loads(tmp_path):
    assert run("demo", "--out", tmp_path / "demo", "--numbers", 300, "--sites", 5, "--seed", 7).exit_code == 0
    again = run("demo", "--out", tmp_path / "demo")
    assert again.exit_code == 1 and again.output.strip() == (
        f"Error: {tmp_path / 'demo'} already holds an export; add --force to overwrite it")
    loaded = run("load", tmp_path / "inv.duckdb", "--dir", tmp_path / "demo")
    assert loaded.exit_code == 0, loaded.output
    assert run("check", tmp_path / "inv.duckdb").exit_code == 0


@pytest.mark.parametrize("args, says", [
    (["report", "{tmp}/missing.duckdb", "--out", "{tmp}/x"], "no database at {tmp}/missing.duckdb"),
    (["check", "{tmp}/missing.duckdb"], "no database at {tmp}/missing.duckdb"),
    (["diff", "{tmp}/missing.duckdb"], "no database at {tmp}/missing.duckdb"),
    (["cleanup", "{tmp}/missing.duckdb", "--older-than", "30", "--apply"],
     "no database at {tmp}/missing.duckdb"),
    (["load", "{tmp}/inv.duckdb", "--numbers", "{tmp}/nope.csv"], "{tmp}/nope.csv: file not found"),
    (["load", "{tmp}/inv.duckdb", "--dir", "{tmp}/no-folder"], "no folder {tmp}/no-folder"),
])
def test_a_path_that_names_nothing_is_one_line_and_status_1(tmp_path, args, says):
    """interface.md: a user error exits 1 with a one-line message (not click's usage text)."""
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: " + says.format(tmp=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []      # nothing created


def test_report_as_a_program_keeps_stderr_clean(database, tmp_path):
    """The report's kernel talks over local sockets: no warning about unencrypted TCP on
    stderr (a scheduled job mails its stderr), and no socket files left behind."""
    sockets_before = set(Path(tempfile.gettempdir()).glob("numkit-kernel-*"))
    result = subprocess.run([sys.executable, "-m", "numkit", "report", str(database),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "cleanup-report.html").is_file()
    assert "TCP" not in result.stderr and "WARNING" not in result.stderr, result.stderr
    assert set(Path(tempfile.gettempdir()).glob("numkit-kernel-*")) == sockets_before


@pytest.mark.parametrize("manifest, says", [
    ('{"as_of": "2026-11-23",', "not valid JSON"),
    ('["2026-11-23"]', "expected an object"),
    ('{"as_of": "23/11/2026"}', "as_of '23/11/2026' is not a date"),
    ('{"history": {"as_of": "2026-11-16"}}', "history must be a list"),
    ('{"history": [{"as_of": "2026-11-16"}]}', "history entry 1 must name an as_of date and a users file"),
    ('{"history": [{"as_of": "16.11.2026", "users": "users.csv"}]}',
     "history entry 1's as_of '16.11.2026' is not a date"),
])
def test_a_broken_manifest_is_one_line_naming_it_and_loads_nothing(tmp_path, manifest, says):
    folder = tmp_path / "export"
    shutil.copytree(ROOT / "data" / "sample", folder)
    (folder / "manifest.json").write_text(manifest)
    result = run("load", tmp_path / "inv.duckdb", "--dir", folder)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {folder / 'manifest.json'}: ")
    assert says in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "inv.duckdb").exists()     # a refused load into a new file leaves none


def test_load_keeps_a_named_extra_column_and_says_how_columns_were_read(tmp_path):
    db = tmp_path / "inv.duckdb"
    numbers = write(tmp_path, "numbers.csv", NUMBERS.replace("Used By", "Used").replace(
        "Release Date", "Relase Date"))
    refused = run("load", db, "--numbers", numbers, "--users", write(tmp_path, "users.csv", USERS))
    assert refused.exit_code == 1
    assert "header 'Used' looks like a misspelling of Used By" in refused.output
    loaded = run("load", db, "--numbers", numbers, "--users", tmp_path / "users.csv",
                 "--extra-column", "Used", "--extra-column", "relase date")
    assert loaded.exit_code == 0, loaded.output
    assert ("numbers.csv: Internal Number -> number, Located At -> node, Status -> status, "
            "Reserved For -> reserved_for; kept as extra: Used, Relase Date") in loaded.output
    assert "users.csv: Username -> username, Located At -> node" in loaded.output


def test_load_dir_passes_extra_columns_on(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, "numbers.csv", NUMBERS.replace("Reserved For", "Reserverd For"))
    write(folder, "users.csv", USERS)
    assert run("load", tmp_path / "inv.duckdb", "--dir", folder).exit_code == 1
    loaded = run("load", tmp_path / "inv.duckdb", "--dir", folder, "--extra-column", "Reserverd For")
    assert loaded.exit_code == 0, loaded.output
    assert "kept as extra: Reserverd For" in loaded.output
