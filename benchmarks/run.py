"""numkit at scale, against what an analyst would otherwise use. Plain Python, no test runner.

    .venv/bin/python benchmarks/run.py                 # 10 million numbers, 5,000 sites
    .venv/bin/python benchmarks/run.py --quick         # 1 million numbers, 500 sites (under two minutes)
    .venv/bin/python benchmarks/run.py --numbers 200000 --sites 100 --pairs 50 --moves 100 --bulk 1000
    .venv/bin/python benchmarks/run.py history --weeks 52   # a year of weekly loads (history.py)

Builds a demo export (numkit.demo, deterministic for --seed), then measures in this one
process, on the same data: loading the CSV (numkit vs DuckDB's own read_csv), available_numbers,
onboarding (single calls and a bulk batch), the four cleanup reports, move
previews, the round trip with VOSS (pending changes, their export, a reconciling reload),
and the process's peak memory; each figure beside a floor measured in the same run. What pandas does (read_csv, and a plain pandas
implementation of available_numbers as the peer) runs in a child process on the same file,
so that its memory is not counted as numkit's. The last line printed is one JSON object
with the headline figures.
"""

import argparse
import json
import multiprocessing
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

import numkit
from numkit import demo

AS_OF = "2026-11-23"


def timed(action):
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def export_options(parser, numbers, sites, workdir_required=True):
    """The options naming the demo export a benchmark script generates or reuses; without
    `workdir_required`, no --workdir means a temporary folder (args.workdir None)."""
    parser.add_argument("--numbers", type=int, default=numbers, help="numbers in the export")
    parser.add_argument("--sites", type=int, default=sites, help="sites in the export")
    parser.add_argument("--seed", type=int, default=1, help="the seed of the generator and of the sample")
    if not workdir_required:
        parser.add_argument("--workdir", type=Path, default=None,
                            help="keep the export and the database here; none: a temporary folder")
        return
    parser.add_argument("--workdir", type=Path, required=True, default=argparse.SUPPRESS,
                        help="the export and the database")


def export_folder(workdir, numbers, sites, seed):
    """Where the demo export of these sizes lives: generated once, reused by later runs."""
    return workdir / f"export-{numbers}-{sites}-{seed}"


def new_database(path):
    """`path`, with any database an earlier run left there removed."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return path


def load_export(inv, export, pending="keep"):
    """Load the export's three files as of the benchmarks' date."""
    return inv.load(export / "numbers.csv", users=export / "users.csv",
                    hierarchy=export / "hierarchy.csv", as_of=AS_OF, pending=pending)


def sampled_pairs(inv, count, seed):
    """`count` (user, site) pairs drawn by DuckDB: every username as a Python list would take
    gigabytes at 100 M numbers. (A sample is drawn before `where`, so sites are filtered
    first.)"""
    users = inv.sql(f"select username from users using sample {count} rows "
                    f"(reservoir, {seed})")["username"].tolist()
    sites = inv.sql(f"select node from (select node from nodes where type = 'Site') "
                    f"using sample {count} rows (reservoir, {seed + 1})")["node"].tolist()
    return list(zip(users, sites))


def generate_in_child(export, numbers, sites, seed):
    """The demo export, written by a child process: the generator holds the whole export in
    memory, and this process's peak is meant to be numkit's alone."""
    child = multiprocessing.get_context("spawn").Process(
        target=demo.generate, args=(export,), kwargs={"numbers": numbers, "sites": sites,
                                                       "seed": seed})
    child.start()
    child.join()
    if child.exitcode:
        raise SystemExit(f"the demo generator failed (exit {child.exitcode})")


def peak_rss_mb():
    """This process's peak resident memory. Linux's VmHWM, which starts afresh in a new
    process (ru_maxrss would carry the parent's peak into a child)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PandasPeer:
    """The same rule written the way an analyst would in pandas: candidates for (user, site)."""

    def __init__(self, csv_path, snapshot, as_of):
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        frame["number"] = frame["Internal Number"].str.replace("\\+", "+", regex=False)
        frame["node"] = frame["Located At"]
        release = pd.to_datetime(frame["Release Date"].replace("", None), errors="coerce")
        stuck = (frame["Status"] == "Cooling") & (release.isna() | (release < snapshot - pd.Timedelta(days=20)))
        ended = frame["Status"].isin(["Cooling", "Reserved"]) & ~stuck & (release <= as_of)
        frame["effective"] = frame["Status"].where(~ended, "Available")
        frame["reserved_key"] = frame["Reserved For"].str.lower()
        frame["value"] = frame["number"].str.lstrip("+").astype(float)
        self.frame = frame[["number", "node", "effective", "reserved_key", "value"]]

    def available(self, username, site, limit=50):
        parts = site.split(".")
        ancestors = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        rows = self.frame[self.frame["node"].isin(ancestors) & (self.frame["effective"] == "Available")]
        user = username.lower()
        rows = rows[(rows["reserved_key"] == "") | (rows["reserved_key"] == user)]
        rows = rows.assign(own=rows["reserved_key"] == user)
        ordered = rows.sort_values(["own", "value", "number"], ascending=[False, True, True])
        return ordered.head(limit)


def pandas_side(csv_path, pairs, skip_read_csv, answer):
    """In a child process: pandas.read_csv of the file, then the peer's available numbers."""
    figures = {}
    if not skip_read_csv:
        figures["pandas_read_csv_s"], _ = timed(lambda: pd.read_csv(csv_path, dtype=str))
    figures["peer_prepare_s"], peer = timed(
        lambda: PandasPeer(csv_path, pd.Timestamp(AS_OF), pd.Timestamp(AS_OF)))
    figures["peer_ms"] = [timed(lambda: peer.available(username, site))[0] * 1000
                          for username, site in pairs]
    figures["peer_peak_rss_mb"] = peak_rss_mb()
    answer.put(figures)


def run_pandas_side(csv_path, pairs, skip_read_csv):
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=pandas_side, args=(str(csv_path), pairs, skip_read_csv, answer))
    child.start()
    figures = answer.get()
    child.join()
    return figures


def same_customer_destinations(inv, movers, rng):
    """A site of each mover's own customer (moves across customers are refused)."""
    sites = inv.sql("select node_customers.node, customer from node_customers "
                    "join nodes using (node) where nodes.type = 'Site'")
    by_customer = sites.groupby("customer")["node"].apply(list).to_dict()
    customer_of = dict(zip(sites["node"], sites["customer"]))
    return [(username, rng.choice(by_customer[customer_of[node]]))
            for username, node in movers if node in customer_of]


def main():
    if sys.argv[1:2] == ["history"]:
        # `run.py history ...`: the weekly loads of benchmarks/history.py, its options, run
        # in a process of its own (history.py reads run.py's helpers: importing it back here
        # would be a circle)
        script = Path(__file__).with_name("history.py")
        sys.exit(subprocess.run([sys.executable, str(script), *sys.argv[2:]]).returncode)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    export_options(parser, numbers=10_000_000, sites=5_000, workdir_required=False)
    parser.add_argument("--quick", action="store_true", help="1 million numbers, 500 sites")
    parser.add_argument("--pairs", type=int, default=200, help="(user, site) pairs for available_numbers")
    parser.add_argument("--onboards", type=int, default=100, help="single onboard calls to time")
    parser.add_argument("--bulk", type=int, default=10_000, help="onboardings in one bulk batch")
    parser.add_argument("--moves", type=int, default=1_000, help="move previews")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the whole-table steps")
    parser.add_argument("--pending", type=int, default=10_000,
                        help="pending changes for the round trip (flags set on free numbers)")
    parser.add_argument("--skip-pandas-load", action="store_true", help="skip pandas.read_csv (memory)")
    args = parser.parse_args()
    if args.quick:
        args.numbers, args.sites = 1_000_000, 500

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="numkit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    export = export_folder(workdir, args.numbers, args.sites, args.seed)
    if not (export / "numbers.csv").exists():
        seconds, _ = timed(lambda: generate_in_child(export, args.numbers, args.sites, args.seed))
        print(f"generated {args.numbers:,} numbers at {args.sites:,} sites in {seconds:.1f} s "
              "(in a child process: its memory is not numkit's)")
    numbers_csv = export / "numbers.csv"
    results = {"numbers": args.numbers}
    lines = []
    peaks = []     # (step, this process's peak so far): which step sets the peak

    def peak_after(step):
        peaks.append((step, peak_rss_mb()))

    # 1. load
    loads = []
    for attempt in range(args.repeat):
        database = new_database(workdir / f"bench-{attempt}.duckdb")
        inv = numkit.connect(database)
        seconds, _ = timed(lambda: load_export(inv, export))
        loads.append(seconds)
        if attempt:
            database.unlink()
    database = workdir / "bench-0.duckdb"
    bare = []
    for _ in range(args.repeat):
        con = duckdb.connect()
        seconds, _ = timed(lambda: con.execute(
            "create table t as select * from read_csv($p)", {"p": str(numbers_csv)}))
        con.close()
        bare.append(seconds)
    peak_after("load")
    # the same read_csv into a database file, as numkit writes one (closing it writes the
    # rows out): context for the figure above, which keeps the rows in memory
    to_file = []
    for _ in range(args.repeat):
        bare_file = workdir / "read_csv.duckdb"
        bare_file.unlink(missing_ok=True)

        def read_csv_into_file():
            with duckdb.connect(bare_file) as con:
                con.execute("create table t as select * from read_csv($p)", {"p": str(numbers_csv)})
        seconds, _ = timed(read_csv_into_file)
        to_file.append(seconds)
        bare_file.unlink()
    results["load_s"] = statistics.median(loads)
    results["duckdb_read_csv_s"] = statistics.median(bare)
    results["duckdb_read_csv_to_file_s"] = statistics.median(to_file)
    lines.append(("load (numkit inv.load)", f"{results['load_s']:.2f} s", f"p95 {max(loads):.2f} s"))
    lines.append(("load (DuckDB read_csv)", f"{results['duckdb_read_csv_s']:.2f} s", ""))
    lines.append(("load (DuckDB read_csv into a file)", f"{results['duckdb_read_csv_to_file_s']:.2f} s",
                  "numbers.csv only, into a new database file"))

    inv = numkit.connect(database)
    inv.as_of = AS_OF
    rng = random.Random(args.seed)
    with inv.holding():
        users = inv.users().values.tolist()
        sites = inv.utilization("Site")["node"].tolist()
    pairs = [(rng.choice(users)[0], rng.choice(sites)) for _ in range(args.pairs)]

    # 2. available_numbers (top 50) vs the pandas peer (in a child process)
    own = []
    floor = []
    with inv.holding(write=False):
        for username, site in pairs:
            seconds, _ = timed(lambda: inv.available_numbers(username, site, limit=50))
            own.append(seconds * 1000)
        # the floor: DuckDB reading the first 50 numbers of the site's own node, in number
        # order, on the same connection (one node, no rule): what any query of it costs
        for username, site in pairs:
            seconds, _ = timed(lambda: inv.con.execute(
                "select number from numbers where node_id = (select node_id from nodes "
                "where node = $site) order by number_order limit 50", {"site": site}).fetchall())
            floor.append(seconds * 1000)
    peak_after("available")
    pandas_figures = run_pandas_side(numbers_csv, pairs, args.skip_pandas_load)
    theirs = pandas_figures["peer_ms"]
    if "pandas_read_csv_s" in pandas_figures:
        results["pandas_read_csv_s"] = pandas_figures["pandas_read_csv_s"]
        lines.insert(3, ("load (pandas.read_csv, child process)",
                         f"{results['pandas_read_csv_s']:.2f} s", ""))
    results["available_p50_ms"] = percentile(own, 0.5)
    results["available_p95_ms"] = percentile(own, 0.95)
    results["available_peer_p50_ms"] = percentile(theirs, 0.5)
    results["available_floor_p95_ms"] = percentile(floor, 0.95)
    lines.append(("available_numbers top 50 (numkit)", f"p50 {results['available_p50_ms']:.1f} ms",
                  f"p95 {results['available_p95_ms']:.1f} ms (floor: one node's first 50, "
                  f"p50 {percentile(floor, 0.5):.1f} / p95 {results['available_floor_p95_ms']:.1f} ms)"))
    lines.append(("available_numbers top 50 (pandas peer)", f"p50 {results['available_peer_p50_ms']:.1f} ms",
                  f"p95 {percentile(theirs, 0.95):.1f} ms (+{pandas_figures['peer_prepare_s']:.1f} s "
                  f"to prepare; child peak {pandas_figures['peer_peak_rss_mb']:.0f} MB)"))

    # 3. onboarding: single calls back to back, each its own transaction (the file stays
    # open between them, as in a panel), then calls with a pause that lets the file go
    # first, then one bulk batch
    single = []
    for i in range(args.onboards):
        site = rng.choice(sites)
        seconds, _ = timed(lambda: inv.onboard(f"bench-single-{i}", site))
        single.append(seconds * 1000)
    results["onboard_p95_ms"] = percentile(single, 0.95)
    lines.append(("onboard, single calls back to back", f"p50 {percentile(single, 0.5):.1f} ms",
                  f"p95 {results['onboard_p95_ms']:.1f} ms"))
    isolated = []
    for i in range(max(1, args.onboards // 2)):     # enough calls that p95 is not the slowest
        time.sleep(numkit.storage.LINGER + 0.2)
        site = rng.choice(sites)
        seconds, _ = timed(lambda: inv.onboard(f"bench-isolated-{i}", site))
        isolated.append(seconds * 1000)
    results["onboard_lone_p95_ms"] = percentile(isolated, 0.95)
    lines.append(("onboard, a lone call (opens the file)", f"p50 {percentile(isolated, 0.5):.1f} ms",
                  f"p95 {results['onboard_lone_p95_ms']:.1f} ms"))

    batch = pd.DataFrame({"username": [f"bench-bulk-{i}" for i in range(args.bulk)],
                          "node": [sites[i % len(sites)] for i in range(args.bulk)]})
    seconds, _ = timed(lambda: inv.onboard_many(batch))
    peak_after("onboard")
    results["bulk_onboard_s"] = seconds
    lines.append((f"onboard_many, {args.bulk:,} users", f"{seconds:.2f} s", ""))

    # 4. the four cleanup reports, as DataFrames
    def section_6_reports():
        return (inv.deleted_user_reservations(), inv.stuck_cooling(),
                inv.stranded_reservations(), inv.utilization())
    reports = []
    with inv.holding(write=False):
        for _ in range(args.repeat):
            seconds, tables = timed(section_6_reports)
            reports.append(seconds)
        # the floor: one pass of DuckDB over the columns the reports read, nothing decided
        scans = [timed(lambda: inv.con.execute(
            "select status, count(*), count(reserved_for), count(release_date), "
            "count(distinct node_id) from numbers group by status").fetchall())[0]
            for _ in range(args.repeat)]
    peak_after("reports")
    results["reports_s"] = statistics.median(reports)
    results["reports_floor_s"] = statistics.median(scans)
    lines.append(("reports (the four cleanup reports)", f"{results['reports_s']:.2f} s",
                  f"p95 {max(reports):.2f} s (floor: one scan of their columns "
                  f"{results['reports_floor_s']:.2f} s); rows "
                  + ", ".join(f"{len(t):,}" for t in tables)))

    # 5. move previews, each to a site of the mover's own customer
    with inv.holding(write=False):
        movers = same_customer_destinations(
            inv, inv.sql(f"select username, node from users using sample {args.moves} rows "
                         f"(reservoir, {args.seed})").values.tolist(), rng)
        outcomes = {"refused": 0}

        def previews():
            for username, destination in movers:
                try:
                    inv.preview_move(username, destination)
                except numkit.NumkitError:
                    outcomes["refused"] += 1     # a refused move is a preview's outcome too
        seconds, _ = timed(previews)
    # scaled to 1,000 previews, the target's unit, when --moves differs
    results["preview_move_1000_s"] = seconds * 1000 / max(1, len(movers))
    lines.append((f"preview_move x {len(movers):,}", f"{seconds:.2f} s",
                  f"{seconds * 1000 / max(1, len(movers)):.1f} ms each, {outcomes['refused']} refused"))
    with inv.holding(write=False):
        seconds, plans = timed(lambda: inv.preview_each_move(movers))
    results["preview_each_move_1000_s"] = seconds * 1000 / max(1, len(movers))
    lines.append((f"preview_each_move, {len(movers):,} moves at once", f"{seconds:.2f} s",
                  f"{plans['refused'].notna().sum()} refused"))

    peak_after("previews")

    # 6. the round trip with VOSS: a reload that discards the onboardings above, a reload
    # with nothing pending (the floor of a reload into this database), then --pending
    # changes (flags set on free numbers, one batch), read, written for VOSS, and reconciled
    # by a reload of the same export (VOSS did none of them: all re-applied)
    load_export(inv, export, pending="discard")
    seconds, _ = timed(lambda: load_export(inv, export))
    results["reload_nothing_pending_s"] = seconds
    with inv.holding():
        free = inv.sql("select number, node from (select number, node from numbers "
                       "where status = 'Available' and reserved_for is null) "
                       f"using sample {args.pending} rows (reservoir, {args.seed})")
        with inv.batch():
            for node, rows in free.groupby("node"):
                inv.reserve_for(rows["number"].tolist(), "bench.keeper", node=node)
    with inv.holding(write=False):
        pending_runs = [timed(inv.pending_changes) for _ in range(args.repeat)]
        scan = [timed(lambda: inv.con.execute(
            "select count(*) from numbers where reserved_for is not null").fetchall())[0]
            for _ in range(args.repeat)]
    changes = len(pending_runs[0][1])
    results["pending_changes_s"] = statistics.median(seconds for seconds, _ in pending_runs)
    lines.append((f"pending_changes, {changes:,} changes", f"{results['pending_changes_s']:.2f} s",
                  f"p95 {max(seconds for seconds, _ in pending_runs):.2f} s (floor: one scan of "
                  f"reserved_for {statistics.median(scan):.2f} s)"))
    out = workdir / "voss-changes"
    seconds, _ = timed(lambda: inv.export_changes(out))
    results["export_changes_s"] = seconds
    lines.append((f"export_changes, {changes:,} changes", f"{seconds:.2f} s",
                  "changes.csv, voss-bulk-load.xlsx, users-to-action.csv"))
    seconds, report = timed(lambda: load_export(inv, export))
    results["reload_reconciling_s"] = seconds
    results["reconciliation_share"] = seconds / results["reload_nothing_pending_s"] - 1
    lines.append((f"reload reconciling {report.still_pending:,} rows", f"{seconds:.2f} s",
                  f"floor: the same reload, nothing pending, {results['reload_nothing_pending_s']:.2f} s "
                  f"(+{results['reconciliation_share']:.0%})"))
    peak_after("round trip")
    results["peak_rss_mb"] = peak_rss_mb()
    lines.append(("peak resident memory", f"{results['peak_rss_mb']:.0f} MB",
                  "after " + ", ".join(f"{step} {mb:.0f}" for step, mb in peaks)))

    print(f"\nnumkit benchmark: {args.numbers:,} numbers, {args.sites:,} sites, seed {args.seed}, "
          f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}")
    width = max(len(name) for name, *_ in lines)
    for name, median, extra in lines:
        print(f"  {name:<{width}}  {median:>14}  {extra}")
    if "pandas_read_csv_s" in results:
        print(f"  load / DuckDB read_csv = {results['load_s'] / results['duckdb_read_csv_s']:.1f}x, "
              f"load / pandas read_csv = {results['load_s'] / results['pandas_read_csv_s']:.2f}x")
    print(f"  pandas peer / numkit available_numbers (p50) = "
          f"{results['available_peer_p50_ms'] / results['available_p50_ms']:.2f}x")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}))


if __name__ == "__main__":
    main()
