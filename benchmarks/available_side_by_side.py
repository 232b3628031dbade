"""available_numbers on several inventories at the same moment: what one file costs the rule
beside another (a history beside one snapshot, one size beside another), apart from what
the machine of the day costs them all.

For each database, its own (user, site) pairs drawn as run.py draws them; then the pairs
are asked in turn, one call per database each time, so that every database meets the same
moments of the machine. Prints, per database, its rows, the rows a viewpoint sees (the mean
over its pairs), p50 and p95 of `inv.available_numbers(user, site, limit=50)`, and p50 of
`select 1` (DuckDB's round trip, the machine's pace). Plain Python; the last line is one
JSON object (milliseconds). Nothing is written to the files.

    .venv/bin/python benchmarks/available_side_by_side.py one.duckdb history.duckdb
"""

import argparse
import contextlib
import json
import time

import numkit

from run import percentile, sampled_pairs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("databases", nargs="+", help="inventories numkit loaded (not changed)")
    parser.add_argument("--pairs", type=int, default=200, help="(user, site) pairs per database")
    parser.add_argument("--passes", type=int, default=3, help="passes over the pairs")
    parser.add_argument("--seed", type=int, default=1, help="the seed of the sample")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        invs = [numkit.connect(path, read_only=True) for path in args.databases]
        for inv in invs:
            stack.enter_context(inv.holding(write=False))
            inv.as_of = inv.con.execute("select max(as_of) from loads").fetchall()[0][0]
        pairs = [sampled_pairs(inv, args.pairs, args.seed) for inv in invs]
        rows = [inv.con.execute("select count(*) from numbers").fetchall()[0][0] for inv in invs]
        seen = [sum(inv.con.execute("select count(*) from visible_numbers($n)", {"n": site})
                    .fetchall()[0][0] for _, site in chosen) / len(chosen)
                for inv, chosen in zip(invs, pairs)]
        calls = [[] for _ in invs]
        round_trips = [[] for _ in invs]
        for _ in range(args.passes):
            for k in range(min(len(chosen) for chosen in pairs)):
                for i, inv in enumerate(invs):
                    username, site = pairs[i][k]
                    started = time.perf_counter()
                    inv.available_numbers(username, site, limit=50)
                    calls[i].append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    inv.con.execute("select 1").fetchall()
                    round_trips[i].append((time.perf_counter() - started) * 1000)

    figures = []
    for i, path in enumerate(args.databases):
        figure = {"database": path, "rows": rows[i], "rows_seen_mean": round(seen[i]),
                  "p50_ms": round(percentile(calls[i], 0.5), 2),
                  "p95_ms": round(percentile(calls[i], 0.95), 2),
                  "select_1_p50_ms": round(percentile(round_trips[i], 0.5), 2)}
        figures.append(figure)
        print(f"{path}: {figure['rows']:,} rows, a viewpoint sees {figure['rows_seen_mean']:,}; "
              f"available_numbers p50 {figure['p50_ms']:.2f} ms, p95 {figure['p95_ms']:.2f} ms; "
              f"select 1 p50 {figure['select_1_p50_ms']:.2f} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
