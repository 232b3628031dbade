"""Does available_numbers stay fast as operations change the inventory after a load?

A load writes the rows in node order, which lets a question from one site read only the
blocks of its few nodes. Operations afterwards write rows where DuckDB puts them (an
updated `used_by`, an indexed column, is rewritten at the table's end), so this script
measures available_numbers (top 50) after the load and again after each round of bulk
onboardings. Plain Python, no test runner; the last line is one JSON object.

    .venv/bin/python benchmarks/after_operations.py --workdir /tmp/after      # 10 M numbers, 3 x 10,000

The export is generated in --workdir unless it is there already; the database is built
anew from it on every run.
"""

import argparse
import json
import random
import time

import pandas as pd

import numkit
from numkit import demo

from run import AS_OF, export_folder, export_options, load_export, new_database, percentile


def available_timings(inv, pairs):
    """Milliseconds of each available_numbers call, on a pass after a first one (the
    blocks read, as in a session that has been answering for a while)."""
    with inv.holding(write=False):
        for _ in range(2):
            timings = []
            for username, site in pairs:
                started = time.perf_counter()
                inv.available_numbers(username, site, limit=50)
                timings.append((time.perf_counter() - started) * 1000)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    export_options(parser, numbers=10_000_000, sites=5_000)
    parser.add_argument("--pairs", type=int, default=200, help="(user, site) pairs asked")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of bulk onboarding")
    parser.add_argument("--batch", type=int, default=10_000, help="users onboarded per round")
    args = parser.parse_args()

    export = export_folder(args.workdir, args.numbers, args.sites, args.seed)
    if not (export / "numbers.csv").exists():
        demo.generate(export, numbers=args.numbers, sites=args.sites, seed=args.seed)
    inv = numkit.connect(new_database(args.workdir / "after_operations.duckdb"))
    load_export(inv, export)
    inv.as_of = AS_OF

    rng = random.Random(args.seed)
    with inv.holding(write=False):
        users = inv.sql(f"select username from users using sample {args.pairs} rows "
                        f"(reservoir, {args.seed})")["username"].tolist()
        sites = inv.sql("select node from nodes where type = 'Site' order by node")["node"].tolist()
    pairs = list(zip(users, (rng.choice(sites) for _ in users)))

    stages = []

    def measure(onboarded, bulk_s=None):
        timings = available_timings(inv, pairs)
        stages.append({"onboarded": onboarded, "bulk_onboard_s": bulk_s,
                       "available_p50_ms": round(percentile(timings, 0.5), 2),
                       "available_p95_ms": round(percentile(timings, 0.95), 2)})
        stage = stages[-1]
        print(f"after {onboarded:>9,} onboardings: available_numbers p50 "
              f"{stage['available_p50_ms']:.2f} ms, p95 {stage['available_p95_ms']:.2f} ms"
              + (f" (this round's onboard_many: {bulk_s:.2f} s)" if bulk_s else ""), flush=True)

    measure(0)
    for round_number in range(args.rounds):
        newcomers = pd.DataFrame({
            "username": [f"after-{round_number}-{i}" for i in range(args.batch)],
            "node": [rng.choice(sites) for _ in range(args.batch)]})
        started = time.perf_counter()
        inv.onboard_many(newcomers)
        measure((round_number + 1) * args.batch, round(time.perf_counter() - started, 2))
    inv.close()
    print(json.dumps({"numbers": args.numbers, "batch": args.batch, "stages": stages}))


if __name__ == "__main__":
    main()
