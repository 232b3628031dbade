"""Small-scale smoke runs of the benchmark scripts: each runs end to end and ends with its JSON."""

import json
import subprocess
import sys
from pathlib import Path

import numkit
from numkit import demo

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
KEYS = {"numbers", "load_s", "duckdb_read_csv_s", "pandas_read_csv_s", "available_p50_ms",
        "available_p95_ms", "available_peer_p50_ms", "onboard_p95_ms", "bulk_onboard_s",
        "reports_s", "preview_move_1000_s", "peak_rss_mb", "preview_each_move_1000_s",
        "duckdb_read_csv_to_file_s", "onboard_lone_p95_ms", "available_floor_p95_ms",
        "reports_floor_s", "reload_nothing_pending_s", "pending_changes_s", "export_changes_s",
        "reload_reconciling_s", "reconciliation_share"}


def test_benchmark_smoke_run(tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--numbers", "20000", "--sites", "20", "--pairs", "5",
         "--onboards", "3", "--bulk", "10", "--moves", "5", "--repeat", "1", "--pending", "40",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == KEYS and figures["numbers"] == 20000
    # the share of the reload that reconciling adds can come out below zero at this size
    assert all(value > 0 for key, value in figures.items() if key != "reconciliation_share")
    assert "pending_changes, 40 changes" in result.stdout
    assert "reload reconciling 40 rows" in result.stdout


def test_load_and_available_smoke_run(tmp_path):
    """The 100-million-number script, at 20,000: a first run writes the export, a second
    measures, ending with its JSON."""
    script = BENCHMARK.parent / "load_and_available.py"
    args = [sys.executable, str(script), "--numbers", "20000", "--sites", "20", "--pairs", "5",
            "--workdir", str(tmp_path)]
    for _ in range(2):
        result = subprocess.run(args, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["numbers"] == 20000 and figures["available_p95_ms"] > 0
    assert figures["load_s"] > 0 and figures["database_mb"] > 0


def test_after_operations_smoke_run(tmp_path):
    """available_numbers after rounds of bulk onboarding, at 20,000: one stage per round
    after the load's, each with its figures, the last line JSON."""
    script = BENCHMARK.parent / "after_operations.py"
    result = subprocess.run(
        [sys.executable, str(script), "--numbers", "20000", "--sites", "20", "--pairs", "5",
         "--rounds", "2", "--batch", "50", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert [stage["onboarded"] for stage in figures["stages"]] == [0, 50, 100]
    assert all(stage["available_p95_ms"] > 0 for stage in figures["stages"])
    assert all(stage["bulk_onboard_s"] > 0 for stage in figures["stages"][1:])


def loaded_inventory(tmp_path):
    """A database numkit loaded from a 20,000-number demo export, for the scripts that take one."""
    export = tmp_path / "export"
    demo.generate(export, numbers=20_000, sites=20, seed=1)
    database = tmp_path / "inventory.duckdb"
    with numkit.connect(database) as inv:
        inv.load(export / "numbers.csv", users=export / "users.csv",
                 hierarchy=export / "hierarchy.csv", as_of="2026-11-23")
    return database


def test_available_parts_smoke_run(tmp_path):
    """The split of one available_numbers call, on a loaded 20,000-number inventory: the
    one-statement form gives the macro's rows (else the script stops), each way is timed."""
    database = loaded_inventory(tmp_path)
    result = subprocess.run(
        [sys.executable, str(BENCHMARK.parent / "available_parts.py"), str(database),
         "--pairs", "10"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["pairs"] == 10
    assert all(figures[f"{way}_p95_ms"] > 0 for way in ("api", "macro", "one_query", "select_1"))


def test_available_side_by_side_smoke_run(tmp_path):
    """available_numbers on two inventories in turn: a line and a figure for each, and the
    rows a viewpoint sees counted from the rules."""
    database = loaded_inventory(tmp_path)
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(database.read_bytes())
    result = subprocess.run(
        [sys.executable, str(BENCHMARK.parent / "available_side_by_side.py"), str(database),
         str(copy), "--pairs", "5", "--passes", "1"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert [figure["database"] for figure in figures] == [str(database), str(copy)]
    assert all(figure["rows"] == 20000 and figure["p95_ms"] > 0 and figure["rows_seen_mean"] > 0
               for figure in figures)
    # the same file twice: the same pairs, so the same rows seen
    assert figures[0]["rows_seen_mean"] == figures[1]["rows_seen_mean"]


def test_range_operations_smoke_run(tmp_path):
    """Range operations on a copy of a loaded 20,000-number inventory: every step timed,
    the range gone after the delete (else the script stops), the database given unchanged."""
    database = loaded_inventory(tmp_path)
    before = database.read_bytes()
    result = subprocess.run(
        [sys.executable, str(BENCHMARK.parent / "range_operations.py"), str(database),
         "--size", "500"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["size"] == 500 and figures["delete_numbers_s"] > 0
    assert len(figures) == 9
    assert database.read_bytes() == before


def test_load_floor_smoke_run(tmp_path):
    """The least a load takes, at 20,000: the floor writes the rows numkit's load writes
    (else the script stops), each step is timed, the last line is JSON."""
    result = subprocess.run(
        [sys.executable, str(BENCHMARK.parent / "load_floor.py"), "--numbers", "20000",
         "--sites", "20", "--workdir", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "the same rows as numkit's" in result.stdout
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    steps = [f"floor_{step}_s" for step in
             ("nodes", "lines", "numbers", "users", "snapshot", "commit", "indexes", "close")]
    assert all(figures[step] >= 0 for step in steps) and figures["floor_numbers_s"] > 0
    assert abs(figures["floor_s"] - sum(figures[step] for step in steps)) < 0.01
    assert figures["numkit_load_s"] > 0 and figures["duckdb_read_csv_s"] > 0
    # judged on the median of rounds that alternate the two, the figures the median round's
    each_round = figures["numkit_over_floor_each_round"]
    assert len(each_round) == 3 and figures["numkit_over_floor"] == sorted(each_round)[1]
    ratio = figures["numkit_load_s"] / figures["floor_s"]    # of the figures rounded to 1 ms
    assert abs(ratio - figures["numkit_over_floor"]) < 0.03 * ratio


def test_history_smoke_run(tmp_path):
    """A few weekly loads at 20,000: a line per week, every figure in the last line's JSON,
    the weekly files deleted after their load."""
    script = BENCHMARK.parent / "history.py"
    result = subprocess.run(
        [sys.executable, str(script), "--numbers", "20000", "--sites", "20", "--weeks", "3",
         "--pairs", "5", "--diffs", "2", "--repeat", "1", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert sum(line.startswith("week ") for line in result.stdout.splitlines()) == 4
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["numbers"] == 20000 and figures["weeks"] == 3
    assert [week["week"] for week in figures["weeks_detail"]] == [0, 1, 2, 3]
    assert figures["weeks_detail"][0]["rewrite"] is True
    assert figures["first_load_floor_s"] > 0 and figures["one_snapshot_mb"] > 0
    assert all(week["load_s"] > 0 and week["read_csv_s"] > 0 for week in figures["weeks_detail"])
    assert len(figures["diffs"]) == 3 and figures["diffs"][-1]["from"] < figures["diffs"][-1]["to"]
    assert figures["versions"] > 20000 and figures["available_p95_ms"] > 0
    assert figures["as_loaded_available_p95_ms"] > 0 and figures["as_loaded_available_floor_p95_ms"] > 0
    assert 0 < figures["compacted_mb"] <= figures["database_mb"] and figures["compact_s"] > 0
    # the last export alone, kept and measured beside the history
    assert (tmp_path / "last-snapshot.duckdb").exists() and figures["last_snapshot_mb"] > 0
    assert figures["available_one_snapshot_p95_ms"] > 0 and figures["reports_one_snapshot_s"] > 0
    assert figures["as_loaded_available_one_snapshot_p95_ms"] > 0
    assert "the same pairs on the last export alone" in result.stdout
    # the size judged beside the same inventory held once, week 0's shown for reference
    assert "database size, as loaded" in result.stdout and "for reference" in result.stdout
    assert not any((tmp_path / "week").glob("*.csv"))


def test_run_hands_history_to_history_py():
    """`run.py history` is history.py with the options after it."""
    result = subprocess.run([sys.executable, str(BENCHMARK), "history", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "--weeks" in result.stdout and "--churn" in result.stdout
    assert "--pending" not in result.stdout


def test_weekly_by_design_smoke_run(tmp_path):
    """Two weeks at 20,000: the floor finds exactly the lines the second week added and the
    rows it superseded (counted here from the files), the tail and the side table give
    figures, and the database it was given is left as it was."""
    import shutil

    import numkit
    from numkit import weekly
    from numkit.loading.snapshots import load_folder

    folder, before = tmp_path / "week", tmp_path / "before.csv"
    weeks = weekly.weeks(folder, 1, numbers=20000, sites=20, seed=2, churn=0.02)
    next(weeks)
    shutil.copyfile(folder / "numbers.csv", before)
    database = tmp_path / "history.duckdb"
    with numkit.connect(database) as inv:
        load_folder(inv, folder)
        next(weeks)
        load_folder(inv, folder)
    kept = database.read_bytes()
    result = subprocess.run(
        [sys.executable, str(BENCHMARK.parent / "weekly_by_design.py"), "--before", str(before),
         "--after", str(folder / "numbers.csv"), "--database", str(database), "--workdir",
         str(tmp_path / "work"), "--weeks", "1", "--side-percent", "5", "--pairs", "5",
         "--repeat", "1"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    old = set(before.read_text(encoding="utf-8").splitlines()[1:])
    new = set((folder / "numbers.csv").read_text(encoding="utf-8").splitlines()[1:])
    assert figures["floor"]["lines_added"] == len(new - old) > 0
    assert figures["floor"]["rows_gone"] == len(old - new) > 0
    assert figures["floor"]["floor_s"] > 0 and figures["floor"]["read_csv_s"] > 0
    assert set(figures["tail"]) == {"0", "1"} and figures["side"]["5.0"]["p95_ms"] > 0
    assert database.read_bytes() == kept


def test_lookups_by_design_smoke_run(database, tmp_path):
    """On the bundled sample: every way of finding a user's rows answers as today's indexes
    do (the script stops otherwise), each gives its figures, and the database it was given
    is left as it was."""
    import shutil

    kept = database.read_bytes()
    result = subprocess.run(
        [sys.executable, str(BENCHMARK.parent / "lookups_by_design.py"), "--database",
         str(database), "--workdir", str(tmp_path / "work"), "--samples", "10"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures["today"]["rebuilt_s"]) == {
        "numbers_by_used_by", "numbers_by_reserved_for", "users_by_username"}
    assert len(figures["keys_appended_only"]["week_write_commit_checkpoint_s"]) == 3
    for way in ("today", "keys_appended_only", "rows_in_key_order"):
        assert all(p50 > 0 and p95 >= p50
                   for p50, p95 in figures[way]["lookup_p50_p95_ms"].values())
    assert database.read_bytes() == kept
    assert not list((tmp_path / "work").glob("*.duckdb*"))
    shutil.rmtree(tmp_path / "work")
