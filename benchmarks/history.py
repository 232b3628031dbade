"""A year of weekly loads into one database, and what the history costs. Plain Python.

    .venv/bin/python benchmarks/history.py                                  # 10 M numbers, 52 weeks
    .venv/bin/python benchmarks/history.py --numbers 1000000 --sites 500    # a few minutes

A child process writes the weekly exports (numkit.weekly's series: week 0 is the demo
export, each week after changes --churn of the rows), one week at a time when this process
asks for it, so that the peak resident memory measured here is numkit's alone. This process
loads each week with `inv.load` into one database file and deletes the files. Per week it
prints one line: the load's seconds, DuckDB's bare `read_csv` of the same numbers file into
memory (the floor of that week), how the load left the rows (its changes only; its changes,
then the file compacted with the rows back in node order; or every row written again: the
load's report, with the layout measured before it by numkit.loading.layout), the database's size. After the
first load: the size of one snapshot and load_floor.py's floor on week 0's export. After
the last: the database size (beside the last week's export loaded alone into a database of
its own, kept in the work folder: available_numbers and the four reports are also taken
there, in turn with the history's, so that what the history costs the rules shows apart
from what the machine costs them; that database is held open by a child process, so
that the peak memory measured here is the history's alone), and again after `numkit compact` (the measures after are taken
on the compacted file), the weekly reloads, available_numbers, the four reports, diffs
between snapshots, utilization_history and run_out_forecast (when numkit has them), each
beside its floor measured in this run, and the peak resident memory. The last line printed
is one JSON object with every figure.
"""

import argparse
import contextlib
import json
import multiprocessing
import random
import statistics
import tempfile
import shutil
import time
from pathlib import Path

import duckdb

import numkit
from numkit import weekly
from numkit.loading import layout
from numkit.loading.load import LOAD_MEMORY_LIMIT

from load_floor import floor_steps, in_child
from run import new_database, peak_rss_mb, percentile, sampled_pairs, timed

EXPORT_FILES = ("numbers.csv", "users.csv", "hierarchy.csv", "manifest.json")
# the last week's export loaded alone into a database of its own: one snapshot, no history
LAST_SNAPSHOT = "last-snapshot.duckdb"


def write_weeks(folder, weeks, numbers, sites, seed, churn, asks, answers):
    """In the child: week 0, then each next week, written into `folder` when asked."""
    series = weekly.weeks(folder, weeks, numbers=numbers, sites=sites, seed=seed, churn=churn)
    for changes in series:
        answers.put(changes)
        if asks.get() is None:
            return


class AskedChild:
    """A child process that `target(*args, asks, answers)` runs: asked through one queue,
    answering through the other, until it is asked None. `what` names it when it fails."""

    def __init__(self, what, target, *args):
        context = multiprocessing.get_context("spawn")
        self.what = what
        self.asks, self.answers = context.Queue(), context.Queue()
        self.child = context.Process(target=target, args=(*args, self.asks, self.answers))
        self.child.start()

    def answer(self):
        """The child's next answer, waiting while it is alive."""
        while True:
            try:
                return self.answers.get(timeout=5)
            except Exception:
                if not self.child.is_alive():
                    raise SystemExit(f"{self.what} failed (exit {self.child.exitcode})")

    def close(self):
        self.asks.put(None)
        self.child.join(timeout=60)


class Weeks(AskedChild):
    """The weekly exports, written by a child process one at a time."""

    def __init__(self, folder, weeks, numbers, sites, seed, churn):
        super().__init__("the weekly generator", write_weeks,
                         folder, weeks, numbers, sites, seed, churn)

    def next(self):
        """The next week's changes once its files are written (week 0 first)."""
        return self.answer()

    def ask(self, more=True):
        self.asks.put(True if more else None)


def load_floor(database, folder):
    """load_floor.py's floor on this export, in a child process (its memory is not numkit's):
    its steps' seconds, or why it failed (the history's figures still count without it)."""
    try:
        steps, _, _ = in_child(floor_steps, Path(database), Path(folder), LOAD_MEMORY_LIMIT)
    except SystemExit as failed:
        steps = str(failed)
    Path(database).unlink(missing_ok=True)
    return steps


def bare_read_csv(path):
    """DuckDB's `create table t as select * from read_csv(...)` in memory, as run.py times it."""
    with duckdb.connect() as con:
        seconds, _ = timed(lambda: con.execute(
            "create table t as select * from read_csv($p)", {"p": str(path)}))
    return seconds


def database_mb(inv, path):
    """The file's size once numkit lets go of it (closing writes the log into the file)."""
    inv.close()
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + ".wal"))
               if p.exists()) / 1e6


def free_mb(path):
    """The file's free blocks: space DuckDB reuses for later writes, never gives back."""
    with duckdb.connect(str(path), read_only=True) as con:
        size, free = con.execute("select block_size, free_blocks from pragma_database_size()").fetchall()[0]
    return size * free / 1e6


REORDERED_SAID = {None: "changed rows only", "rewritten": "rewrote every row",
                  "compacted": "changes, then compacted"}


def load_week(inv, folder, as_of):
    """Load one week; its seconds and the seconds of each of the load's steps."""
    marks = []
    began = time.perf_counter()
    report = inv.load(folder / "numbers.csv", users=folder / "users.csv",
                      hierarchy=folder / "hierarchy.csv", as_of=as_of, allow_future=True,
                      progress=lambda fraction, step: marks.append((step, time.perf_counter())))
    ended = time.perf_counter()
    steps = {}
    for (step, at), (_, after) in zip(marks, marks[1:] + [("", ended)]):
        steps[step] = steps.get(step, 0) + after - at
    return ended - began, steps, report


def timed_calls(calls, repeat=1):
    return [timed(calls)[0] for _ in range(repeat)]


def load_weeks(args, workdir, folder, database, results):
    """Week 0 and the weekly loads, each timed beside its floor; the rows of every week, and the
    load-side figures written into `results`."""
    rows = []
    inv = numkit.connect(database)
    weeks = Weeks(folder, args.weeks, args.numbers, args.sites, args.seed, args.churn)
    try:
        for week in range(args.weeks + 1):
            made, changes = timed(weeks.next)
            as_of = changes["as_of"]
            if week:
                with inv.holding(write=False) as con:
                    before = layout.measure(con)
                reads = round(before.now), round(before.in_order)
            else:
                reads = None
            read_csv_s = bare_read_csv(folder / "numbers.csv")
            load_s, steps, report = load_week(inv, folder, as_of)
            # how the load put the rows back in node order: by compacting the file after
            # its changes, or by writing every row again (a first load writes every row)
            reordered = report.reordered or ("rewritten" if week == 0 else None)
            rewrite = reordered is not None
            size = database_mb(inv, database)
            if week == 0:
                results["one_snapshot_mb"] = size
                if not args.no_floor:
                    floor = load_floor(workdir / "floor.duckdb", folder)
                    if isinstance(floor, str):
                        results["first_load_floor_failed"] = floor
                        print(f"load_floor.py's floor failed: {floor}", flush=True)
                    else:
                        results["first_load_floor_s"] = sum(floor.values())
                        results["first_load_floor_steps_s"] = {k: round(v, 3) for k, v in floor.items()}
            if week == args.weeks:
                # the size is also set beside one snapshot of the export the history ends
                # with: the inventory itself grows over the weeks (new ranges, users)
                # (kept: the rules are measured on it too, beside the history)
                last = new_database(workdir / LAST_SNAPSHOT)
                single = numkit.connect(last)
                load_week(single, folder, as_of)
                results["last_snapshot_mb"] = database_mb(single, last)
            for name in EXPORT_FILES:
                (folder / name).unlink(missing_ok=True)
            if week < args.weeks:
                weeks.ask()     # the child writes the next week while this one is measured
            row = {"week": week, "as_of": as_of, "load_s": round(load_s, 3),
                   "read_csv_s": round(read_csv_s, 3), "rewrite": rewrite, "reordered": reordered,
                   "viewpoint_rows_before": reads, "db_mb": round(size, 1),
                   "rows_changed": changes.get("rows_changed"),
                   "steps_s": {k: round(v, 3) for k, v in steps.items()},
                   "generator_wait_s": round(made, 2)}
            rows.append(row)
            print(f"week {week:3d} {as_of}  load {load_s:7.2f} s  read_csv {read_csv_s:6.2f} s "
                  f"({load_s / read_csv_s:4.1f}x)  {REORDERED_SAID[reordered]:22s}"
                  f"  viewpoint rows {reads}  db {row['db_mb']:8.1f} MB  peak {peak_rss_mb():6.0f} MB", flush=True)
    finally:
        weeks.close()

    first = rows[0]
    results["first_load_s"] = first["load_s"]
    results["first_read_csv_s"] = first["read_csv_s"]
    results["first_load_steps_s"] = first["steps_s"]
    later = rows[1:]
    rewrites = [row for row in later if row["rewrite"]]
    results["rewrite_weeks"] = [row["week"] for row in rewrites]
    for label, chosen in (("weekly", later), ("weekly_no_rewrite", [r for r in later if not r["rewrite"]])):
        if not chosen:
            continue
        ratios = [row["load_s"] / row["read_csv_s"] for row in chosen]
        results[f"{label}_load_median_s"] = statistics.median(row["load_s"] for row in chosen)
        results[f"{label}_load_max_s"] = max(row["load_s"] for row in chosen)
        results[f"{label}_read_csv_median_s"] = statistics.median(row["read_csv_s"] for row in chosen)
        results[f"{label}_ratio_median"] = statistics.median(ratios)
        results[f"{label}_ratio_max"] = max(ratios)
    if rewrites:
        results["rewrite_load_median_s"] = statistics.median(row["load_s"] for row in rewrites)
        results["reordered_by"] = sorted({row["reordered"] for row in rewrites})
    results["database_mb"] = database_mb(inv, database)
    results["database_share_of_one_snapshot"] = results["database_mb"] / results["one_snapshot_mb"]
    results["database_share_of_last_snapshot"] = results["database_mb"] / results["last_snapshot_mb"]
    results["database_free_mb"] = free_mb(database)
    # the rules as the loads left the file, before it is compacted (compacting puts the
    # number rows back in node order)
    inv.as_of = rows[-1]["as_of"]
    with last_snapshot_alone(workdir, inv.as_of) as single, inv.holding(write=False):
        as_loaded = available_figures(inv, sampled_pairs(inv, args.pairs, args.seed), single)
    results.update({f"as_loaded_{key}": value for key, value in as_loaded.items()})
    # the free blocks given back, as an analyst does with `numkit compact` now and then; the
    # measures after are taken on the compacted file
    results["compact_s"], _ = timed(inv.compact)
    results["compacted_mb"] = database_mb(inv, database)
    results["compacted_share_of_one_snapshot"] = results["compacted_mb"] / results["one_snapshot_mb"]
    results["compacted_share_of_last_snapshot"] = results["compacted_mb"] / results["last_snapshot_mb"]
    return rows

def available_figures(inv, pairs, single=None):
    """available_numbers top 50 for each (user, site) of `pairs` (ms), beside DuckDB reading
    one node's first 50 rows, as run.py measures them; with `single` (LastSnapshotAlone),
    the same call on the last export alone too, pair by pair in turn: what the rule costs
    without the history, on the same rows at the same moment."""
    own, alone = [], []
    for u, s in pairs:
        own.append(timed(lambda: inv.available_numbers(u, s, limit=50))[0] * 1000)
        if single is not None:
            alone.append(single.timed("available_numbers", u, s) * 1000)
    floor = [timed(lambda: inv.con.execute(
        "select number from numbers where node_id = (select node_id from nodes "
        "where node = $site) order by number_order limit 50", {"site": s}).fetchall())[0] * 1000
        for _, s in pairs]
    figures = {"available_p50_ms": percentile(own, 0.5), "available_p95_ms": percentile(own, 0.95),
               "available_floor_p95_ms": percentile(floor, 0.95)}
    if alone:
        figures["available_one_snapshot_p95_ms"] = percentile(alone, 0.95)
    return figures


def the_four_reports(inv):
    return (inv.deleted_user_reservations(), inv.stuck_cooling(), inv.stranded_reservations(),
            inv.utilization())


def serve_last_snapshot(path, as_of, asks, answers):
    """In the child: the last export alone held open, each call asked for timed here."""
    single = numkit.connect(path, read_only=True)
    single.as_of = as_of
    calls = {"available_numbers": lambda u, s: single.available_numbers(u, s, limit=50),
             "the_four_reports": lambda: the_four_reports(single)}
    with single.holding(write=False):
        for name, args in iter(asks.get, None):
            answers.put(timed(lambda: calls[name](*args))[0])
    single.close()      # before the interpreter's exit, which DuckDB's threads do not survive


class LastSnapshotAlone(AskedChild):
    """The last export loaded alone (load_weeks keeps it), measured in a child process: its
    DuckDB's buffers are then not this process's, whose peak is the history's alone."""

    def __init__(self, path, as_of):
        super().__init__("the last export's process", serve_last_snapshot, str(path), as_of)

    def timed(self, name, *args):
        """The seconds of one call, taken in the child."""
        self.asks.put((name, args))
        return self.answer()


@contextlib.contextmanager
def last_snapshot_alone(workdir, as_of):
    """LastSnapshotAlone while the block runs; None when this work folder has none (a run
    from before it was kept)."""
    path = workdir / LAST_SNAPSHOT
    if not path.exists():
        yield None
        return
    single = LastSnapshotAlone(path, as_of)
    try:
        yield single
    finally:
        single.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--numbers", type=int, default=10_000_000, help="numbers in week 0")
    parser.add_argument("--sites", type=int, default=5_000, help="sites")
    parser.add_argument("--weeks", type=int, default=52, help="weekly loads after the first")
    parser.add_argument("--churn", type=float, default=weekly.DEFAULT_CHURN,
                        help="share of the rows changed each week")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed")
    parser.add_argument("--pairs", type=int, default=200, help="(user, site) pairs for available_numbers")
    parser.add_argument("--diffs", type=int, default=10, help="random pairs of snapshots to diff")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the whole-table steps")
    parser.add_argument("--no-floor", action="store_true", help="skip load_floor.py's floor on week 0")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="the weekly files and the database; none: a temporary folder")
    parser.add_argument("--measure-only", action="store_true",
                        help="load nothing: take the measures after the loads on the database "
                             "an earlier run left in --workdir")
    args = parser.parse_args()
    if args.measure_only and not args.workdir:
        parser.error("--measure-only reads the database of --workdir")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="numkit-history-"))
    workdir.mkdir(parents=True, exist_ok=True)
    folder = workdir / "week"
    database = (workdir / "history.duckdb" if args.measure_only
                else new_database(workdir / "history.duckdb"))
    rng = random.Random(args.seed)
    results = {"numbers": args.numbers, "sites": args.sites, "weeks": args.weeks,
               "churn": args.churn}

    print(f"history: {args.numbers:,} numbers, {args.sites:,} sites, {args.weeks} weekly loads "
          f"after the first, churn {args.churn:.1%}, duckdb {duckdb.__version__}", flush=True)
    if args.measure_only:
        with duckdb.connect(str(database), read_only=True) as con:
            last_as_of = con.execute("select max(as_of) from loads").fetchall()[0][0]
        rows = []
    else:
        rows = load_weeks(args, workdir, folder, database, results)
        last_as_of = rows[-1]["as_of"]

    inv = numkit.connect(database)
    inv.as_of = last_as_of
    with last_snapshot_alone(workdir, last_as_of) as single, inv.holding(write=False):
        results["versions"] = int(inv.con.execute("select count(*) from number_versions").fetchall()[0][0])
        # available_numbers beside DuckDB reading one node's first 50 rows, as run.py
        # measures, and beside the same calls on the last export alone
        results.update(available_figures(inv, sampled_pairs(inv, args.pairs, args.seed), single))

        # the four reports beside one scan of their columns, as run.py measures them, and
        # beside the same reports on the last export alone (taken in turn with the history's)
        reports, reports_alone = [], []
        for _ in range(args.repeat):
            reports.append(timed(lambda: the_four_reports(inv))[0])
            if single:
                reports_alone.append(single.timed("the_four_reports"))
        results["reports_s"] = statistics.median(reports)
        if reports_alone:
            results["reports_one_snapshot_s"] = statistics.median(reports_alone)
        results["reports_floor_s"] = statistics.median(timed_calls(
            lambda: inv.con.execute(
                "select status, count(*), count(reserved_for), count(release_date), "
                "count(distinct node_id) from numbers group by status").fetchall(), args.repeat))

        # diffs: random pairs of snapshots and the first against the last; the floor reads
        # the versions that began or ended between the two, what any diff must read
        loads = inv.snapshots()["load_id"].tolist()
        chosen = [tuple(sorted(rng.sample(loads, 2))) for _ in range(args.diffs)]
        chosen.append((loads[0], loads[-1]))
        # `numkit diff` reads the counts and the first 100 changes; the whole list (every
        # change as a DataFrame, what `--out` writes) is timed after, and after the peak
        # memory of everything else is taken: millions of rows are the caller's memory
        diffs, diff_floors = [], []
        for a, b in chosen:
            seconds, (counts, _) = timed(lambda: inv.snapshot_change_summary(a, b, first=100))
            diffs.append({"from": a, "to": b, "s": round(seconds, 3), "rows": sum(counts.values())})
            diff_floors.append(timed(lambda: inv.con.execute(
                "select count(*) from number_versions where from_load > $a and from_load <= $b "
                "or to_load > $a and to_load <= $b", {"a": a, "b": b}).fetchall())[0])
        results["diffs"] = diffs
        results["diff_max_s"] = max(d["s"] for d in diffs)
        results["diff_first_last_s"] = diffs[-1]["s"]
        results["diff_floor_max_s"] = max(diff_floors)

        # the trends: every site over every snapshot; the floor is one pass over the versions
        history_floor = statistics.median(timed_calls(lambda: inv.con.execute(
            "select from_load, to_load, node, status, count(*) from number_versions "
            "group by all").fetchall(), args.repeat))
        results["trends_floor_s"] = history_floor
        for name, call in (("utilization_history", lambda: inv.utilization_history(level="Site")),
                           ("run_out_forecast", lambda: inv.run_out_forecast(level="Site"))):
            if hasattr(inv, name):
                seconds = statistics.median(timed_calls(call, args.repeat))
                results[f"{name}_s"] = seconds
            else:
                results[f"{name}_s"] = None
        results["peak_rss_mb"] = peak_rss_mb()
        for diff in diffs:
            diff["whole_list_s"] = round(timed(lambda: inv.snapshot_changes(diff["from"],
                                                                            diff["to"]))[0], 3)
        results["diff_whole_list_max_s"] = max(d["whole_list_s"] for d in diffs)
    results["peak_rss_mb_with_whole_diffs"] = peak_rss_mb()

    def line(measure, own, floor, target, met):
        print(f"  {measure:44s} {own:>22s}  floor {floor:>26s}  target {target:22s} "
              f"{'met' if met else 'NOT met'}")

    if "rewrite_weeks" in results:
        print(f"\nafter {args.weeks} weekly loads: {results['versions']:,} versions, rows put back "
              f"in node order at weeks {results['rewrite_weeks']}")
    else:
        print(f"\nmeasured on {database} as left by an earlier run: {results['versions']:,} versions")
    if "first_load_floor_s" in results:
        # one pair, the load in this process: load_floor.py's median of alternating rounds,
        # each in a fresh process, is what judges the target (benchmarks/README.md)
        ratio = results["first_load_s"] / results["first_load_floor_s"]
        print(f"  {'first load (one pair; load_floor.py judges)':44s} "
              f"{results['first_load_s']:>20.2f} s  floor "
              f"{'load_floor ' + format(results['first_load_floor_s'], '.2f') + ' s':>26s}  "
              f"{ratio:.2f}x (target <= 1.3x)")
    if "database_mb" in results:
        # judged beside the same inventory held once (the last week's export alone): what
        # keeping the history costs; the inventory itself grows over the year, which week 0's
        # snapshot, shown for reference, would count as history (benchmarks/README.md)
        line("database size, as loaded", f"{results['database_mb']:.0f} MB",
             f"last export alone {results['last_snapshot_mb']:.0f} MB", "<= 1.5x one snapshot",
             results["database_share_of_last_snapshot"] <= 1.5)
        print(f"  {'... of which free blocks':44s} {results['database_free_mb']:>19.0f} MB")
        reference = "... beside week 0's snapshot, for reference"
        print(f"  {reference:44s} "
              f"{results['database_share_of_one_snapshot']:>21.2f}x  "
              f"(week 0 alone {results['one_snapshot_mb']:.0f} MB)")
        line(f"... after numkit compact ({results['compact_s']:.1f} s)", f"{results['compacted_mb']:.0f} MB",
             f"last export alone {results['last_snapshot_mb']:.0f} MB", "<= 1.5x one snapshot",
             results["compacted_share_of_last_snapshot"] <= 1.5)
    for label in ("weekly", "weekly_no_rewrite"):
        if f"{label}_ratio_max" in results:
            line(f"{label} reload median / max",
                 f"{results[f'{label}_load_median_s']:.2f} / {results[f'{label}_load_max_s']:.2f} s",
                 f"read_csv {results[f'{label}_read_csv_median_s']:.2f} s", "<= 2x read_csv (max)",
                 results[f"{label}_ratio_max"] <= 2)
    if "as_loaded_available_p95_ms" in results:
        line("available_numbers p95, as loaded", f"{results['as_loaded_available_p95_ms']:.1f} ms",
             f"{results['as_loaded_available_floor_p95_ms']:.1f} ms", "<= 5 ms",
             results["as_loaded_available_p95_ms"] <= 5)
        if "as_loaded_available_one_snapshot_p95_ms" in results:
            print(f"  {'... the same pairs on the last export alone':44s} "
                  f"{results['as_loaded_available_one_snapshot_p95_ms']:>19.1f} ms")
    line("available_numbers p95" + (", compacted" if "compact_s" in results else ""),
         f"{results['available_p95_ms']:.1f} ms",
         f"{results['available_floor_p95_ms']:.1f} ms", "<= 5 ms", results["available_p95_ms"] <= 5)
    if "available_one_snapshot_p95_ms" in results:
        print(f"  {'... the same pairs on the last export alone':44s} "
              f"{results['available_one_snapshot_p95_ms']:>19.1f} ms  (what the history costs "
              "the rule: the difference)")
    line("reports", f"{results['reports_s']:.2f} s", f"{results['reports_floor_s']:.2f} s", "<= 1 s",
         results["reports_s"] <= 1)
    if "reports_one_snapshot_s" in results:
        print(f"  {'... the same reports on the last export alone':44s} "
              f"{results['reports_one_snapshot_s']:>20.2f} s")
    line(f"numkit diff, {len(diffs)} diffs (max)", f"{results['diff_max_s']:.2f} s",
         f"{results['diff_floor_max_s']:.3f} s", "<= 1 s each", results["diff_max_s"] <= 1)
    for diff in diffs:
        print(f"    {diff['from']:>3} -> {diff['to']:<3} {diff['rows']:>10,} changes: numkit diff "
              f"{diff['s']:.2f} s, the whole list as a DataFrame {diff['whole_list_s']:.2f} s")
    for name in ("utilization_history", "run_out_forecast"):
        if results[f"{name}_s"] is None:
            print(f"  {name:44s} not measured: not built")
        else:
            line(name, f"{results[f'{name}_s']:.2f} s", f"{history_floor:.2f} s", "<= 1 s",
                 results[f"{name}_s"] <= 1)
    line("peak resident memory (this process)", f"{results['peak_rss_mb']:.0f} MB", "", "<= 2 GB",
         results["peak_rss_mb"] <= 2048)
    print(f"  {'... then with every diff as a whole DataFrame':44s} "
          f"{results['peak_rss_mb_with_whole_diffs']:>19.0f} MB")
    results["weeks_detail"] = rows
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}))


if __name__ == "__main__":
    main()
