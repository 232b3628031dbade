"""The numkit command: thin over the library, one-line errors, documented."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import numkit
from numkit import notebook_files
from numkit.cli import main

from conftest import HIERARCHY, NUMBERS, SITE_C, USERS, write

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


# What `numkit --help` does without: the library behind the commands takes a second to import.
HEAVY = ("pandas", "duckdb", "numpy", "pyarrow", "openpyxl", "matplotlib", "numkit.inventory")


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"], ["load", "--help"]])
def test_help_imports_none_of_the_library(args):
    shown = ("import runpy, sys\n"
             "sys.argv = ['numkit', *sys.argv[1:]]\n"
             "try:\n"
             "    runpy.run_module('numkit', run_name='__main__')\n"
             "except SystemExit:\n"
             "    pass\n"
             f"print([name for name in {HEAVY!r} if name in sys.modules])\n")
    result = subprocess.run([sys.executable, "-c", shown, *args], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(numkit.__file__).parent.parent)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_a_reader_gone_after_the_first_line_is_no_failure(tmp_path):
    """`numkit load ... | head -1`: the reader closing the pipe does not turn a load that
    landed into `Error: [Errno 32] Broken pipe` and status 1; it exits as the load did."""
    db = tmp_path / "inv.duckdb"
    load = subprocess.Popen(
        [sys.executable, "-m", "numkit", "load", str(db), "--numbers",
         str(write(tmp_path, "n.csv", NUMBERS)), "--users", str(write(tmp_path, "u.csv", USERS))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    load.stdout.close()     # the reader is gone before the first line is written
    stderr = load.stderr.read().decode()
    assert load.wait() == 0, stderr
    assert stderr == ""
    assert run("check", db).exit_code == 0


@pytest.mark.parametrize("command, target, named", [
    ("load", "{db}", "the database {db}"),
    ("load", "{db}.wal", "the database's write-ahead log {db}.wal"),
    ("load", "{numbers}", "the input file {numbers}"),
    ("load", "{users}", "the input file {users}"),
    ("diff", "{db}", "the database {db}"),
    ("diff", "{db}.wal", "the database's write-ahead log {db}.wal"),
])
def test_an_output_file_that_is_the_database_or_an_input_is_refused_first(
        database, tmp_path, command, target, named):
    """--problems or --out naming the database, its WAL or a file being read would overwrite
    it (a refused load once replaced the inventory with its problems CSV): refused before
    anything runs, whatever the spelling of the path."""
    numbers = write(tmp_path, "n.csv", NUMBERS)
    users = write(tmp_path, "u.csv", USERS.replace("Username", "Usrename"))   # refused load
    (tmp_path / "inventory.duckdb.wal").write_bytes(b"")
    spelled = {"db": tmp_path / "." / "inventory.duckdb", "numbers": numbers, "users": users}
    target = target.format(**spelled)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    args = (["load", database, "--numbers", numbers, "--users", users, "--problems", target]
            if command == "load" else ["diff", database, "--out", target])
    result = run(*args)
    option = "--problems" if command == "load" else "--out"
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: {option} {target} is "
                                     + named.format(**{**spelled, "db": database})
                                     + ": give another file")
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()} == before


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


def test_demo_refuses_sites_past_its_cap(tmp_path):
    result = run("demo", "--out", tmp_path / "demo", "--numbers", 50, "--sites", 100_000_000)
    assert result.exit_code == 2
    assert "Error: Invalid value for '--sites': 100000000 is not in the range 5<=x<=100000" \
        in result.output
    assert not (tmp_path / "demo").exists()


def test_notebooks_copies_the_four_notebooks_and_the_app_for_the_analyst(tmp_path):
    shipped = notebook_files.shipped()
    assert [p.name for p in shipped] == ["00-overview.ipynb", "01-onboarding.ipynb",
                                         "02-move-preview.ipynb", "03-cleanup-report.ipynb",
                                         "app.ipynb"]
    result = run("notebooks", tmp_path / "mine")
    assert result.exit_code == 0, result.output
    for notebook in shipped:
        assert (tmp_path / "mine" / notebook.name).read_text(encoding="utf-8") == \
            notebook_files.with_kernel_metadata(notebook.read_text(encoding="utf-8"))
        assert f"wrote {tmp_path / 'mine' / notebook.name}" in result.output
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == [p.name for p in shipped]


def test_notebooks_never_overwrites_an_analysts_notebook_without_force(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "01-onboarding.ipynb").write_text("my edits")
    line = one_error_line(run("notebooks", mine))
    assert line == (f"Error: {mine} already holds 01-onboarding.ipynb; "
                    "add --force to overwrite it")
    assert sorted(p.name for p in mine.iterdir()) == ["01-onboarding.ipynb"]
    assert (mine / "01-onboarding.ipynb").read_text() == "my edits"
    assert run("notebooks", mine, "--force").exit_code == 0
    assert (mine / "01-onboarding.ipynb").read_text(encoding="utf-8") == \
        notebook_files.with_kernel_metadata(
            (notebook_files.FOLDER / "01-onboarding.ipynb").read_text(encoding="utf-8"))


def test_notebooks_replaces_a_link_never_writes_through_it(tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not a notebook")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "00-overview.ipynb").symlink_to(elsewhere)
    assert run("notebooks", tmp_path / "mine", "--force").exit_code == 0
    assert elsewhere.read_text() == "not a notebook"
    assert not (tmp_path / "mine" / "00-overview.ipynb").is_symlink()


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
    """rules R32: a user error exits 1 with a one-line message (not click's usage text)."""
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: " + says.format(tmp=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []      # nothing created


def test_report_as_a_program_keeps_stderr_clean(database, tmp_path):
    """The report as a program: no warning on stderr (a scheduled job mails its stderr), and
    no socket files left behind."""
    # a temporary folder of its own: reports run by other processes make sockets too
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    result = subprocess.run([sys.executable, "-m", "numkit", "report", str(database),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True,
                            env={**os.environ, "TMPDIR": str(private_tmp)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "cleanup-report.html").is_file()
    assert "TCP" not in result.stderr and "WARNING" not in result.stderr, result.stderr
    assert list(private_tmp.glob("numkit-kernel-*")) == []


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
    shutil.copytree(ROOT / "numkit" / "sample_export", folder)
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
    # into an empty inventory nothing was emptied; after a load with Used By, it is, said so
    assert "column in the numbers file" not in loaded.output
    assert run("load", db, "--numbers", write(tmp_path, "full.csv", NUMBERS)).exit_code == 0
    renamed = run("load", db, "--numbers", numbers, "--extra-column", "Used",
                  "--extra-column", "relase date")
    assert renamed.exit_code == 0, renamed.output
    assert ("  no Used By column in the numbers file: 1 row(s) held a Used By before this load "
            "and hold none now (headers kept as extra: 'Used', 'Relase Date')") in renamed.output


def test_load_says_the_nodes_made_from_paths_its_hierarchy_file_lacks(tmp_path):
    typo = SITE_C.rsplit(".", 1)[0] + ".Site-Z"
    loaded = run("load", tmp_path / "inv.duckdb", "--numbers", write(tmp_path, "n.csv", NUMBERS),
                 "--users", write(tmp_path, "u.csv", USERS + f"zoe,{typo}\n"),
                 "--hierarchy", write(tmp_path, "h.csv", HIERARCHY))
    assert loaded.exit_code == 0, loaded.output
    assert (f"  1 node(s) not in the hierarchy file, made from the paths the other files name, "
            f"without a type: {typo} (users file: 1 row(s))") in loaded.output.splitlines()



def test_load_without_a_hierarchy_file_says_the_nodes_left_without_a_type(tmp_path):
    loaded = run("load", tmp_path / "inv.duckdb", "--numbers", write(tmp_path, "n.csv", NUMBERS),
                 "--users", write(tmp_path, "u.csv", USERS))
    assert loaded.exit_code == 0, loaded.output
    assert any(line.startswith("  no hierarchy file: ") and line.endswith("(--hierarchy)")
               for line in loaded.output.splitlines()), loaded.output


def test_load_dir_passes_extra_columns_on(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, "numbers.csv", NUMBERS.replace("Reserved For", "Reserverd For"))
    write(folder, "users.csv", USERS)
    assert run("load", tmp_path / "inv.duckdb", "--dir", folder).exit_code == 1
    loaded = run("load", tmp_path / "inv.duckdb", "--dir", folder, "--extra-column", "Reserverd For")
    assert loaded.exit_code == 0, loaded.output
    assert "kept as extra: Reserverd For" in loaded.output



def test_load_dir_refuses_a_file_named_almost_like_a_role_in_one_line(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, "numbers.csv", NUMBERS)
    write(folder, "Users.csv", USERS)
    write(folder, "hierachy.csv", HIERARCHY)
    refused = run("load", tmp_path / "inv.duckdb", "--dir", folder)
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    assert refused.output.startswith("Error: ") and "hierachy.csv" in refused.output
    assert "looks like the hierarchy file" in refused.output
    assert not (tmp_path / "inv.duckdb").exists()
    (folder / "hierachy.csv").rename(folder / "HIERARCHY.csv")
    loaded = run("load", tmp_path / "inv.duckdb", "--dir", folder)
    assert loaded.exit_code == 0, loaded.output
    assert "  Users.csv: Username -> username" in loaded.output     # the file read for each role
    assert "  HIERARCHY.csv: Hierarchy -> node, Type -> type" in loaded.output

# -- what the command writes and prints is safe to open and to show ----------------------

FORMULA = "=cmd|' /C calc'!A0"


def test_the_problems_file_neutralises_formulas_and_keeps_numbers_readable(tmp_path):
    """A spreadsheet opening the problems file must not run a cell; a number that is only
    a `+` and digits reads as it was written."""
    numbers = write(tmp_path, "n.csv", "Internal Number,Located At,Status\n"
                                       f"{FORMULA},sys.a,Available\n"
                                       "+441134960000,sys.a,Available\n"
                                       "+441134960000,sys.a,Available\n"
                                       "1001,sys.a,@SUM(1)\n")
    problems = tmp_path / "problems.csv"
    result = run("load", tmp_path / "inv.duckdb", "--numbers", numbers, "--problems", problems)
    assert result.exit_code == 1
    written = pd.read_csv(problems, dtype=str, keep_default_na=False).set_index("row")["value"]
    assert written["2"] == "'" + FORMULA
    assert written["4"] == "+441134960000"
    assert written["5"] == "'@SUM(1)"


ESCAPE = "\x1b[2J\x1b[31mevil"
NOTE = "line one\nline two\x07\x9b1m"        # a newline, a bell, a C1 control


def terminal_safe(text):
    """No control character but the newline between lines: no C0, no DEL, no C1."""
    return [ch for ch in text if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f] == []


@pytest.fixture(scope="module")
def hostile_database_built(tmp_path_factory):
    """Two snapshots (u deleted by the second) whose usernames and flags hold escape
    sequences, in a file whose own name holds one, and a used number whose user is gone."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    db = tmp_path / "inv\x1b[2J.duckdb"
    hierarchy = write(tmp_path, "h.csv", HIERARCHY)
    assert run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS), "--hierarchy", hierarchy,
               "--users", write(tmp_path, "u1.csv", USERS + f"u,{SITE_C}\n"),
               "--as-of", "2026-10-01").exit_code == 0
    assert run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS), "--hierarchy", hierarchy,
               "--users", write(tmp_path, "u2.csv", USERS), "--as-of", "2026-11-01").exit_code == 0
    import numkit
    with numkit.connect(db) as inv:     # the loader's view of such text is not what is tested here
        for table, column in (("numbers", "reserved_for"), ("number_versions", "reserved_for"),
                              ("deleted_users", "username"), ("user_versions", "username")):
            inv.sql(f"update {table} set {column} = $evil where {column} = 'u'", {"evil": ESCAPE})
        inv.sql("update numbers set reserved_for = $note where number = '2001'", {"note": NOTE})
        # the second snapshot's 2001 flagged with the note: its version ends, a new one begins
        inv.sql("insert into number_versions by name select 2 as from_load, null as to_load, "
                "$note as reserved_for, * exclude (from_load, to_load, reserved_for) "
                "from number_versions where number = '2001' and from_load = 1", {"note": NOTE})
        inv.sql("update number_versions set to_load = 2 where number = '2001' and from_load = 1")
        inv.sql("update numbers set used_by = $evil where number = '3001'", {"evil": ESCAPE})
        inv.settings["alert_share"] = 1.0
    return db


@pytest.fixture
def hostile_database(hostile_database_built, tmp_path):
    """A copy of it, built once per module, that the test may change."""
    return Path(shutil.copy(hostile_database_built, tmp_path / hostile_database_built.name))


@pytest.mark.parametrize("command", [
    ["check", "{db}", "--as-of", "2026-11-23"],
    ["cleanup", "{db}", "--older-than", "0", "--as-of", "2026-11-23"],
    ["diff", "{db}"],
])
def test_text_from_the_data_is_shown_escaped_never_sent_to_the_terminal(hostile_database, command):
    result = run(*[str(hostile_database) if a == "{db}" else a for a in command])
    never_a_traceback(result)
    assert terminal_safe(result.output), repr(result.output)
    assert "Traceback" not in result.output
    assert r"\x1b[2J\x1b[31mevil" in result.output


def test_diff_shows_a_newline_in_a_value_as_backslash_n(hostile_database):
    result = run("diff", hostile_database)
    assert r"line one\nline two\x07\x9b1m" in result.output, result.output


def test_the_report_shows_its_database_path_escaped(hostile_database, tmp_path):
    result = run("report", hostile_database, "--out", tmp_path / "out", "--as-of", "2026-11-23")
    assert terminal_safe(result.output), repr(result.output)
    assert r"numkit report for " in result.output and r"inv\x1b[2J.duckdb" in result.output


def test_a_load_shows_a_path_with_an_escape_escaped(tmp_path):
    result = run("load", tmp_path / "inv.duckdb", "--numbers", tmp_path / "n\x1b[2J.csv")
    assert result.exit_code == 1 and terminal_safe(result.output), repr(result.output)
    assert r"n\x1b[2J.csv: file not found" in result.output
    refused = run("load", tmp_path / "inv.duckdb",
                  "--numbers", write(tmp_path, "n\x1b[31m.csv", "number,node\nabc\x07,x\n"))
    assert refused.exit_code == 1 and terminal_safe(refused.output), repr(refused.output)
    assert r"n\x1b[31m.csv, row 2" in refused.output


# -- one clear line, never a traceback --------------------------------------------------

def never_a_traceback(result):
    """CliRunner keeps an exception that escaped the command in .exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output, result.output


def one_error_line(result):
    never_a_traceback(result)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.fixture(scope="module")
def damaged_built(tmp_path_factory):
    """A real database in which a data block of the numbers and of the snapshots is
    overwritten in the middle: its checksum no longer matches."""
    import duckdb
    tmp_path = tmp_path_factory.mktemp("damaged")
    db = tmp_path / "inv.duckdb"
    for as_of, users in (("2026-10-01", USERS + f"u,{SITE_C}\n"), ("2026-11-01", USERS)):
        assert run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS),
                   "--users", write(tmp_path, "u.csv", users),
                   "--hierarchy", write(tmp_path, "h.csv", HIERARCHY), "--as-of", as_of).exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    block_size = con.execute("select block_size from pragma_database_size()").fetchall()[0][0]
    blocks = {block for table in ("numbers", "number_versions", "users", "user_versions")
              for (block,) in con.execute(f"select distinct block_id from pragma_storage_info('{table}') "
                                          "where block_id >= 0").fetchall()}
    con.close()
    with open(db, "r+b") as file:
        for block in blocks:     # DuckDB's blocks follow its three 4 KiB headers
            file.seek(3 * 4096 + block * block_size + 100)
            file.write(b"\xff" * 64)
    return db


@pytest.fixture
def damaged(damaged_built, tmp_path):
    """A copy of it, built once per module, in the test's own folder."""
    return Path(shutil.copy(damaged_built, tmp_path / damaged_built.name))


@pytest.mark.parametrize("command", [
    ["check", "{db}"], ["report", "{db}", "--out", "{tmp}/out"], ["diff", "{db}"],
    ["cleanup", "{db}", "--older-than", "0"], ["cleanup", "{db}", "--older-than", "0", "--apply"],
])
def test_a_damaged_data_block_is_one_line(tmp_path, damaged, command):
    db = damaged
    line = one_error_line(run(*[a.format(db=db, tmp=tmp_path) for a in command]))
    assert str(db) in line and "Corrupt database file" in line


def test_a_load_into_a_damaged_database_is_never_a_traceback(tmp_path, damaged):
    db = damaged
    result = run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS))
    never_a_traceback(result)
    if result.exit_code:
        one_error_line(result)


def test_an_unwritable_problems_file_keeps_the_loads_own_error(tmp_path):
    (tmp_path / "afile").write_text("")
    result = run("load", tmp_path / "inv.duckdb", "--numbers",
                 write(tmp_path, "n.csv", "number,node\nabc,x\n"), "--problems", tmp_path / "afile" / "p.csv")
    line = one_error_line(result)
    assert "row 2" in line and "abc" in line
    assert f"the problems could not be written to {tmp_path / 'afile' / 'p.csv'}" in line


@pytest.mark.parametrize("command", [
    ["report", "{db}", "--out", "{tmp}/afile/out"],
    ["diff", "{db}", "--out", "{tmp}/afile/changes.csv"],
    ["demo", "--out", "{tmp}/afile/demo"],
    ["notebooks", "{tmp}/afile/notebooks"],
])
def test_an_unwritable_out_is_one_line_naming_it(tmp_path, command):
    """Tests run as root, whom permissions do not stop: a path under a regular file cannot
    be written by anyone."""
    db = tmp_path / "inv.duckdb"
    for as_of in ("2026-10-01", "2026-11-01"):
        assert run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS),
                   "--users", write(tmp_path, "u.csv", USERS), "--as-of", as_of).exit_code == 0
    (tmp_path / "afile").write_text("")
    line = one_error_line(run(*[a.format(db=db, tmp=tmp_path) for a in command]))
    assert f"{tmp_path / 'afile'}" in line


@pytest.mark.parametrize("command", [["check", "{csv}"], ["report", "{csv}", "--out", "{tmp}/out"],
                                     ["diff", "{csv}"], ["cleanup", "{csv}", "--older-than", "1"],
                                     ["compact", "{csv}"],
                                     ["load", "{csv}", "--numbers", "{csv}"]])
def test_a_csv_given_as_the_database_says_so(tmp_path, command):
    csv = write(tmp_path, "numbers.csv", NUMBERS)
    before = csv.read_bytes()
    line = one_error_line(run(*[a.format(csv=csv, tmp=tmp_path) for a in command]))
    # the export given in the database's place: load takes it as --numbers; any other
    # command needs a database it has been loaded into (with a users file: none lies beside)
    if command[0] == "load":
        expected = f"{csv} is not a numkit database (it looks like a CSV file: did you mean --numbers {csv}?)"
    else:
        expected = (f"{csv} is not a numkit database (it looks like a CSV file). numkit {command[0]} "
                    f"reads a database: load the export into one first, with numkit load DB "
                    f"--numbers {csv} --users USERS_FILE")
    assert line == f"Error: {expected}"
    assert csv.read_bytes() == before


def test_a_csv_beside_a_users_file_given_as_the_database_says_to_load_its_folder(tmp_path):
    csv = write(tmp_path, "numbers.csv", NUMBERS)
    write(tmp_path, "Users.csv", USERS)
    line = one_error_line(run("check", csv))
    assert line.endswith(f"load the export into one first, with numkit load DB --dir {tmp_path}")
    assert run("load", tmp_path / "inv.duckdb", "--dir", tmp_path).exit_code == 0   # as said


@pytest.mark.parametrize("command", [["cleanup", "{db}", "--older-than", str(10**20)],
                                     ["report", "{db}", "--out", "{tmp}/out", "--older-than", str(10**20)]])
def test_a_huge_older_than_is_one_line(tmp_path, command):
    db = tmp_path / "inv.duckdb"
    assert run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS),
               "--users", write(tmp_path, "u.csv", USERS)).exit_code == 0
    assert "at most 36500 days" in one_error_line(run(*[a.format(db=db, tmp=tmp_path) for a in command]))


def test_direction_overrides_are_shown_escaped_on_a_terminal_line():
    """A right-to-left override in a username would make the rest of the printed line read
    backwards; a page keeps them (Hebrew and Arabic text use them), a terminal line shows them."""
    from numkit.terminal import visible
    from numkit.visible import visible as on_a_page
    assert visible("u.\u202eevil\u2066x") == "u.\\u202eevil\\u2066x"
    assert on_a_page("u.\u202eevil") == "u.\u202eevil"


@pytest.mark.parametrize("command", [["report", "{db}", "--out", "{file}"],
                                     ["changes", "{db}", "--out", "{file}"],
                                     ["demo", "--out", "{file}"],
                                     ["notebooks", "{file}"]])
def test_an_output_folder_that_is_a_file_is_one_line_naming_it(tmp_path, command):
    """As any output that cannot be written: one Error line, status 1, the file untouched."""
    db = tmp_path / "inv.duckdb"
    assert run("load", db, "--numbers", write(tmp_path, "n.csv", NUMBERS),
               "--users", write(tmp_path, "u.csv", USERS)).exit_code == 0
    file = tmp_path / "afile.csv"
    file.write_text("mine")
    result = run(*[a.format(db=db, file=file) for a in command])
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: cannot write to {file}: it is a file, not a folder"
    assert file.read_text() == "mine"
