"""`numkit load` names the users it recorded as deleted, so that a user missing from the
export by mistake is seen at once."""

from click.testing import CliRunner

from numkit.cli import main

from conftest import AS_OF, HIERARCHY, NUMBERS, SITE_A, SITE_B, write

STAYING = ["alice"]
LEAVING = [f"Leaver{i:02d}" for i in range(12)]     # more than the ten a line names


def users_text(names):
    return "Username,Located At\n" + "".join(f"{name},{SITE_A if i % 2 else SITE_B}\n"
                                             for i, name in enumerate(names))


def load(tmp_path, names, as_of):
    return CliRunner().invoke(main, [
        "load", str(tmp_path / "inv.duckdb"), "--numbers", str(write(tmp_path, "n.csv", NUMBERS)),
        "--users", str(write(tmp_path, f"users-{as_of}.csv", users_text(names))),
        "--hierarchy", str(write(tmp_path, "h.csv", HIERARCHY)), "--as-of", as_of])


def test_the_load_names_the_users_it_recorded_as_deleted(tmp_path):
    assert load(tmp_path, STAYING + LEAVING[:3], "2026-11-16").exit_code == 0
    result = load(tmp_path, STAYING, str(AS_OF))
    assert result.exit_code == 0, result.output
    assert ("  3 user(s) recorded as deleted: Leaver00, Leaver01, Leaver02"
            in result.stdout.splitlines())


def test_past_ten_leavers_the_line_says_how_many_more(tmp_path):
    assert load(tmp_path, STAYING + LEAVING, "2026-11-16").exit_code == 0
    result = load(tmp_path, STAYING, str(AS_OF))
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if "recorded as deleted:" in line)
    assert line == "  12 user(s) recorded as deleted: " + ", ".join(LEAVING[:10]) + " and 2 more"


def test_a_load_that_records_no_one_as_deleted_says_no_names(tmp_path):
    result = load(tmp_path, STAYING, str(AS_OF))
    assert result.exit_code == 0, result.output
    assert "recorded as deleted:" not in result.stdout
