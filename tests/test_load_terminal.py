"""A long load shows its progress (its steps, and each file's rows once read) on a terminal
and in the overview panel; a script, a pipe or a log gets the command's own lines only."""

import os
import pty
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import numkit
from numkit import cli
from numkit.widgets import OverviewPanel

from conftest import AS_OF, HIERARCHY, NUMBERS, SITE_B, USERS, write

STEP = re.compile(r"^\[ *(\d+)%\] (.+)$")


def data_rows(text):
    """The data rows of a CSV text, counted here rather than by numkit."""
    return len([line for line in text.splitlines()[1:] if line.strip()])


def export(tmp_path, numbers=NUMBERS):
    return [write(tmp_path, "numbers.csv", numbers), write(tmp_path, "users.csv", USERS),
            write(tmp_path, "hierarchy.csv", HIERARCHY)]


def load_args(db, numbers, users, hierarchy, *more):
    return ["load", str(db), "--numbers", str(numbers), "--users", str(users),
            "--hierarchy", str(hierarchy), "--as-of", str(AS_OF), *map(str, more)]


def loaded_line(db):
    """The last step's words, from what the database holds after the load."""
    with numkit.connect(db, read_only=True) as inv:
        latest = inv.current_snapshot()
    return f"loaded: {latest['numbers']} numbers, {latest['users']} users, {latest['nodes']} nodes"


def steps_in(text):
    """(percent, step) of each progress line in `text`."""
    return [(int(found[1]), found[2]) for found in map(STEP.match, text.splitlines()) if found]


@pytest.fixture
def on_a_terminal(monkeypatch):
    monkeypatch.setattr(cli, "stderr_is_terminal", lambda: True)


def test_a_load_on_a_terminal_says_each_step_and_the_rows_of_each_file(tmp_path, on_a_terminal):
    db = tmp_path / "inv.duckdb"
    result = CliRunner().invoke(cli.main, load_args(db, *export(tmp_path)))
    assert result.exit_code == 0, result.output
    steps = steps_in(result.stderr)
    said = [step for _, step in steps]
    assert said == [
        "reading and checking hierarchy", f"hierarchy: {data_rows(HIERARCHY)} row(s) read and checked",
        "reading and checking users", f"users: {data_rows(USERS)} row(s) read and checked",
        "reading and checking numbers", f"numbers: {data_rows(NUMBERS)} row(s) read and checked",
        "writing the snapshot", loaded_line(db)]
    assert said[-1].startswith(f"loaded: {data_rows(NUMBERS)} numbers, {data_rows(USERS)} users")
    percents = [percent for percent, _ in steps]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    # the report goes to stdout, the progress never does
    assert "loaded snapshot 1" in result.stdout and not steps_in(result.stdout)


def test_the_problems_a_non_strict_load_finds_are_counted_as_it_reads(tmp_path, on_a_terminal):
    numbers = NUMBERS + "not-a-number,sys.hcs.Prov-1.Cust-1.Site-A,Available,,,\n"
    result = CliRunner().invoke(cli.main, load_args(tmp_path / "inv.duckdb",
                                                    *export(tmp_path, numbers), "--no-strict"))
    assert result.exit_code == 0, result.output
    assert (f"numbers: {data_rows(numbers)} row(s) read and checked, 1 problem(s) found"
            in [step for _, step in steps_in(result.stderr)])


def test_a_load_off_a_terminal_says_no_step(tmp_path):
    """CliRunner's stderr, like a pipe or a cron log, is no terminal."""
    result = CliRunner().invoke(cli.main, load_args(tmp_path / "inv.duckdb", *export(tmp_path)))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_folder_of_several_snapshots_names_each_snapshot_and_counts_the_whole(tmp_path, on_a_terminal):
    folder = tmp_path / "export"
    folder.mkdir()
    export(folder)
    write(folder, "history-users.csv", USERS + f"bob,{SITE_B}\n")
    write(folder, "manifest.json", f'{{"as_of": "{AS_OF}", "history": '
                                   '[{"as_of": "2026-11-16", "users": "history-users.csv"}]}')
    db = tmp_path / "inv.duckdb"
    result = CliRunner().invoke(cli.main, ["load", str(db), "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    steps = steps_in(result.stderr)
    firsts = [step for _, step in steps if step.startswith("snapshot 1 of 2 (as of 2026-11-16): ")]
    seconds = [step for _, step in steps if step.startswith(f"snapshot 2 of 2 (as of {AS_OF}): ")]
    assert len(firsts) == len(seconds) == 8 and len(steps) == 16
    assert f"snapshot 1 of 2 (as of 2026-11-16): users: {data_rows(USERS) + 1} row(s) read and checked" in firsts
    assert seconds[-1].endswith(loaded_line(db))
    percents = [percent for percent, _ in steps]
    assert percents == sorted(percents) and percents[-1] == 100
    assert 45 <= percents[len(firsts) - 1] <= 55      # the first of two snapshots: half the way


def run_with_stderr_on(stderr, tmp_path):
    """`numkit load` run as a program, its stderr on `stderr`; (status, stdout)."""
    done = subprocess.run([sys.executable, "-m", "numkit",
                           *load_args(tmp_path / "inv.duckdb", *export(tmp_path))],
                          stdout=subprocess.PIPE, stderr=stderr, timeout=120)
    return done.returncode, done.stdout.decode()


def test_a_real_terminal_shows_the_steps_and_the_pipe_beside_it_stays_clean(tmp_path):
    controller, terminal = pty.openpty()
    try:
        status, stdout = run_with_stderr_on(terminal, tmp_path)
        os.close(terminal)
        terminal = None
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:     # the terminal's other end is closed: all was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if terminal is not None:
            os.close(terminal)
        os.close(controller)
    assert status == 0
    said = [step for _, step in steps_in(shown.decode().replace("\r\n", "\n"))]
    assert f"numbers: {data_rows(NUMBERS)} row(s) read and checked" in said
    assert "loaded snapshot 1" in stdout and not steps_in(stdout)


def test_a_pipe_for_stderr_gets_no_step(tmp_path):
    status, stdout = run_with_stderr_on(subprocess.PIPE, tmp_path)
    assert status == 0 and "loaded snapshot 1" in stdout and not steps_in(stdout)
    done = subprocess.run([sys.executable, "-m", "numkit",
                           *load_args(tmp_path / "again.duckdb", *export(tmp_path))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""


def test_the_library_tells_the_rows_of_each_file(tmp_path):
    told = []
    with numkit.connect(":memory:") as inv:
        inv.load(*export(tmp_path)[:1], users=tmp_path / "users.csv",
                 hierarchy=tmp_path / "hierarchy.csv", as_of=AS_OF,
                 progress=lambda fraction, step: told.append((fraction, step)))
    assert (0.75, f"numbers: {data_rows(NUMBERS)} row(s) read and checked") in told
    assert told[-1][0] == 1.0


def test_the_overview_panel_shows_the_rows_read_while_it_loads(database, tmp_path):
    panel = OverviewPanel(database, as_of=str(AS_OF))
    shown = []
    showing = panel._progress

    def recording(fraction, step):
        showing(fraction, step)
        shown.append((panel.progress.value, panel.step.value))

    panel._progress = recording
    numbers = f"Internal Number,Located At,Status\n9999,{SITE_B},Available\n9998,{SITE_B},Available\n"
    panel.paths["numbers"].value = str(write(tmp_path, "more.csv", numbers))
    panel.load_button.click()          # the rehearsal reads the file too
    assert any("numbers: 2 row(s) read and checked" in step for _, step in shown)
    shown.clear()
    panel.confirmation.confirm_button.click()
    assert "loaded snapshot" in panel.load_result.value
    # the numbers file alone: the first of the (up to) three files' quarters done
    assert any(fraction == 0.25 and "numbers: 2 row(s) read and checked" in step
               for fraction, step in shown)
    assert shown[-1][0] == 1.0 and "loaded: 2 numbers" in shown[-1][1]
