"""The 100-million-number run: load an export, then time available_numbers (top 50).

The two measures benchmarks/run.py takes first, without its comparisons (pandas would have
to hold every row in memory). Plain Python, no test runner; the last line is one JSON object.

    .venv/bin/python benchmarks/load_and_available.py --numbers 100000000 --sites 50000 --workdir /tmp/huge

Run the generation apart from the measure (`numkit demo`, or a first run of this script),
so that the peak memory printed is the load's, not the generator's: the export is reused
when the folder already holds it.
"""

import argparse
import json
import time

import numkit
from numkit import demo

from run import (AS_OF, export_folder, export_options, load_export, new_database, peak_rss_mb,
                 percentile, sampled_pairs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    export_options(parser, numbers=100_000_000, sites=50_000)
    parser.add_argument("--pairs", type=int, default=200, help="(user, site) pairs asked")
    args = parser.parse_args()

    export = export_folder(args.workdir, args.numbers, args.sites, args.seed)
    if not (export / "numbers.csv").exists():
        started = time.perf_counter()
        demo.generate(export, numbers=args.numbers, sites=args.sites, seed=args.seed)
        print(f"generated the export in {time.perf_counter() - started:.1f} s; run again to "
              "measure the load without the generator's memory", flush=True)
        return
    database = new_database(args.workdir / "inventory.duckdb")
    inv = numkit.connect(database)
    started = time.perf_counter()
    report = load_export(inv, export)
    load_s = time.perf_counter() - started
    load_peak = peak_rss_mb()
    print(f"{report}\nload {load_s:.1f} s, peak {load_peak:.0f} MB", flush=True)

    inv.as_of = AS_OF
    with inv.holding(write=False):
        timings = []
        for username, site in sampled_pairs(inv, args.pairs, args.seed):
            started = time.perf_counter()
            inv.available_numbers(username, site, limit=50)
            timings.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"numbers": args.numbers, "load_s": round(load_s, 1),
                      "available_p50_ms": round(percentile(timings, 0.5), 2),
                      "available_p95_ms": round(percentile(timings, 0.95), 2),
                      "load_peak_rss_mb": round(load_peak), "peak_rss_mb": round(peak_rss_mb()),
                      "database_mb": round(database.stat().st_size / 1e6, 1)}))


if __name__ == "__main__":
    main()
