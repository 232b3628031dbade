"""The README's tour shows real output: the same calls on the sample give the same answers."""

import re
from pathlib import Path

import duckdb
import pytest

import numkit
from numkit.loading.snapshots import load_folder

ROOT = Path(__file__).resolve().parent.parent
SITE_B = "sys.hcs.Prov-1.Cust-1.Site-B"


@pytest.fixture(scope="module")
def tour():
    inv = numkit.connect()
    load_folder(inv, ROOT / "numkit" / "sample_export")
    inv.as_of = "2026-11-23"
    return inv


def shown(call):
    """The first column of the output the README shows under the `>>> call` line."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split(f">>> {call}\n", 1)[1].split(">>>", 1)[0].split("```", 1)[0]
    lines = block.strip().splitlines()
    return [line.split()[0] for line in lines[1:]] if len(lines) > 1 else [lines[0].strip("'")]


def test_tour_outputs_match(tour):
    assert shown('inv.available_numbers("u.okafor", site_b).head(5)') == list(
        tour.available_numbers("u.okafor", SITE_B)["number"].head(5))
    assert shown('inv.next_available("jdoe", site_b)') == [tour.next_available("jdoe", SITE_B)]
    assert shown('inv.why_not("1002", "jdoe", site_b)') == [tour.why_not("1002", "jdoe", SITE_B)]
    deleted = tour.deleted_user_reservations(older_than_days=30).head(3)
    assert shown('inv.deleted_user_reservations(older_than_days=30).head(3)[["number", "reserved_for", '
                 '"category", "days_since_deleted"]]') == list(deleted["number"])
    readme = (ROOT / "README.md").read_text()
    onboarded = tour.onboard("U.Okafor", SITE_B)
    assert str(onboarded) in readme
    plan = tour.preview_move("k.brown", "sys.hcs.Prov-1.Cust-1.Site-C")
    for number, new_number in zip(plan["number"], plan["new_number"]):
        assert re.search(rf"{re.escape(number)}\s.*replace\s+{re.escape(new_number)}\s", readme)
    with pytest.raises(numkit.MoveRefused) as refused:
        tour.move_user("g.kim", "sys.hcs.Prov-1.Cust-2.Site-D")
    assert str(refused.value) in readme


def test_sql_examples_run_on_the_sample_and_show_rows(tmp_path):
    """The README's SQL block, through a plain DuckDB connection on a file numkit loaded:
    every statement runs, and every query shows the analyst something on the sample."""
    database = tmp_path / "sample.duckdb"
    with numkit.connect(database) as inv:
        load_folder(inv, ROOT / "numkit" / "sample_export")
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```sql\n", 1)[1].split("```", 1)[0]
    statements = [s.strip() for s in block.split(";") if s.strip()]
    queries = [s for s in statements if s.lower().startswith("select")]
    assert len(queries) >= 3
    with duckdb.connect(database, read_only=True) as con:
        for statement in statements:
            rows = con.execute(statement).fetchall()
            if statement in queries:
                assert rows, statement


def test_the_round_trip_tour_prints_what_the_readme_says(tmp_path, monkeypatch):
    """The README's round trip, run line by line in a folder holding the sample export: the last
    load prints the counts the README states, and the inventory is sound."""
    import contextlib
    import io
    import shlex

    from click.testing import CliRunner
    from numkit.cli import main

    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Next week's export", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    stated = re.search(r"`(pending changes: [^`]*)`", section).group(1)
    (tmp_path / "numkit").mkdir()
    (tmp_path / "numkit" / "sample_export").symlink_to(ROOT / "numkit" / "sample_export")
    monkeypatch.chdir(tmp_path)
    output = ""
    for line in block.strip().splitlines():
        words = shlex.split(line.split(" #", 1)[0])
        if words[0] == "numkit":
            result = CliRunner().invoke(main, words[1:])
            assert result.exit_code == 0, (line, result.output)
            output = result.output
        else:
            assert words[:2] == ["python", "-c"], line
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(words[2], {})
            output = printed.getvalue()
    assert stated in output
    counts = [int(n) for n in re.findall(r"\d+", stated)]
    assert len(counts) == 3 and all(counts)
    with numkit.connect(tmp_path / "week.duckdb", read_only=True) as inv:
        assert inv.check().empty
