"""Where the time of one available_numbers call goes, on an inventory numkit loaded.

Times, on the same (user, site) pairs, one after the other for each pair:
  api         inv.available_numbers(user, site, limit=50): a DataFrame, as the panels ask;
  macro       the table macro through DuckDB alone, rows fetched as tuples;
  one query   the same rule written as one statement without macros or views (the
              planner's share of the macro: binding and optimising the layers of rules);
  select 1    DuckDB's round trip for a statement that does nothing.
The one-statement form is checked to give the macro's rows for every pair first. Plain
Python, no test runner; the last line is one JSON object (milliseconds, after a first pass).

    .venv/bin/python benchmarks/available_parts.py /tmp/big/bench/bench-0.duckdb
"""

import argparse
import json
import time

import numkit

from run import AS_OF, percentile, sampled_pairs

MACRO = "select * from available_numbers($username, $node) limit 50"

# available_numbers, visible_numbers, ancestors_of and effective_status written out in one
# statement (see numkit/sql), with the snapshot date as the constant a load fixes into
# numkit_snapshot_date(): what a planner would get with no layers.
ONE_QUERY = """
select numbers.number, lineage.ancestor as node, lineage.distance,
       numbers.reserved_for is not null as reserved_for_user
from node_lineage as lineage
join numbers on numbers.node_id = lineage.ancestor_id
where lineage.node = $node
  and (numbers.status = 'Available'
       or (numbers.status in ('Cooling', 'Reserved')
           and numbers.release_date <= getvariable('numkit_as_of')::date
           and not (numbers.status = 'Cooling'
                    and (numbers.release_date is null
                         or coalesce(numbers.release_date < $snapshot_date - 20, false)))))
  and (numbers.reserved_for is null or lower(numbers.reserved_for) = lower($username))
order by reserved_for_user desc, numbers.number_order, starts_with(numbers.number, '+'),
         numbers.number
limit 50
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("database", help="an inventory numkit loaded (not changed)")
    parser.add_argument("--pairs", type=int, default=200, help="(user, site) pairs asked")
    parser.add_argument("--seed", type=int, default=1, help="the seed of the generator and of the sample")
    args = parser.parse_args()

    inv = numkit.connect(args.database, read_only=True)
    inv.as_of = AS_OF
    with inv.holding(write=False) as con:
        pairs = sampled_pairs(inv, args.pairs, args.seed)
        snapshot_date = con.execute("select numkit_snapshot_date()").fetchall()[0][0]
        for username, site in pairs:
            params = {"username": username, "node": site}
            if (con.execute(MACRO, params).fetchall()
                    != con.execute(ONE_QUERY, {**params, "snapshot_date": snapshot_date}).fetchall()):
                raise SystemExit(f"the one-statement form differs from the macro for {params}")

        ways = {
            "api": lambda u, s: inv.available_numbers(u, s, limit=50),
            "macro": lambda u, s: con.execute(MACRO, {"username": u, "node": s}).fetchall(),
            "one_query": lambda u, s: con.execute(ONE_QUERY, {"username": u, "node": s,
                                                              "snapshot_date": snapshot_date}).fetchall(),
            "select_1": lambda u, s: con.execute("select 1").fetchall(),
        }
        timings = {way: [] for way in ways}
        for rounds in range(2):     # the first pass reads the blocks; the second is measured
            for way in timings:
                timings[way] = []
            for username, site in pairs:
                for way, call in ways.items():  # interleaved: the same moment for each way
                    started = time.perf_counter()
                    call(username, site)
                    timings[way].append((time.perf_counter() - started) * 1000)

    figures = {}
    for way, values in timings.items():
        figures[f"{way}_p50_ms"] = round(percentile(values, 0.5), 2)
        figures[f"{way}_p95_ms"] = round(percentile(values, 0.95), 2)
        print(f"{way:10s} p50 {figures[f'{way}_p50_ms']:6.2f} ms   p95 {figures[f'{way}_p95_ms']:6.2f} ms")
    print(json.dumps({"pairs": len(pairs), **figures}))


if __name__ == "__main__":
    main()
