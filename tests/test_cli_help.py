"""`numkit --help` lists each command by its whole first line, and `numkit demo --help` says
every file and folder the demo writes."""

import re

import pytest
from click.testing import CliRunner

from numkit import demo as demo_export
from numkit.cli import main


def words(text):
    return " ".join(text.split())


@pytest.mark.parametrize("width", [80, 50])
def test_numkit_help_shows_each_commands_whole_first_line(width):
    result = CliRunner().invoke(main, ["--help"], terminal_width=width)
    assert result.exit_code == 0
    listed = words(result.output.split("Commands:", 1)[1])
    assert "..." not in listed
    for name, command in main.commands.items():
        first = command.help.strip().splitlines()[0].strip()
        assert f"{name} {words(first)}" in listed, name


def demo_help():
    result = CliRunner().invoke(main, ["demo", "--help"])
    assert result.exit_code == 0
    return result.output


def as_named_in_help(path, folder):
    """A written path as the help names it: a date in a file name is DATE."""
    relative = path.relative_to(folder).as_posix()
    return re.sub(r"\d{4}-\d{2}-\d{2}", "DATE", relative) + ("/" if path.is_dir() else "")


def written(folder, *args):
    result = CliRunner().invoke(main, ["demo", "--out", str(folder), *args])
    assert result.exit_code == 0, result.output
    return {as_named_in_help(path, folder) for path in folder.rglob("*")}


def test_demo_help_names_every_file_and_folder_the_demo_writes(tmp_path):
    shown = demo_help()
    paths = written(tmp_path / "demo")
    assert "next-week/" in paths and "history/users-DATE.csv" in paths
    in_next_week = {path.split("/", 1)[1] for path in paths if path.startswith("next-week/") and path != "next-week/"}
    assert in_next_week == {"numbers.csv", "users.csv", "hierarchy.csv", "manifest.json"}
    section = shown.split("With --weeks", 1)[0]
    for path in paths - {"history/"} - {f"next-week/{name}" for name in in_next_week}:
        assert path in section, path
    for name in in_next_week:
        assert name in section.split("next-week/", 1)[1], name


def test_demo_help_names_every_file_a_weekly_series_writes(tmp_path):
    section = demo_help().split("With --weeks", 1)[1]
    paths = written(tmp_path / "series", "--weeks", "2")
    assert "next-week/" not in paths
    for path in paths - {"history/"}:
        assert path in section, path


def test_demo_help_gives_the_demos_date():
    shown = demo_help()
    assert shown.count(str(demo_export.AS_OF)) == 2      # the export's, and a series' last week
