"""Operations on a whole range of numbers at once, on a large inventory.

An analyst adds a new DID block, reserves it, clears the flags, sets statuses, and deletes
a block that is given back: each one operation over tens of thousands of rows. This script
times them one after the other on a range at one site of an inventory numkit loaded (a
copy: the database given is not changed). Plain Python, no test runner; the last line is
one JSON object (seconds).

    .venv/bin/python benchmarks/range_operations.py /tmp/big/bench/bench-0.duckdb
"""

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numkit

from run import AS_OF

FIRST = 4477000000      # E.164 digits after "+"; the demo generator's numbers do not use them


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("database", help="an inventory numkit loaded (copied, not changed)")
    parser.add_argument("--size", type=int, default=50_000, help="numbers in the range")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="numkit-range-") as scratch:
        copy = Path(scratch) / "inventory.duckdb"
        shutil.copyfile(args.database, copy)
        inv = numkit.connect(copy)
        inv.as_of = AS_OF
        with inv.holding(write=False):
            site = inv.sql("select node from nodes where type = 'Site' order by node limit 1")["node"][0]
        block = f"+{FIRST}-+{FIRST + args.size - 1}"
        wider = f"+{FIRST}-+{FIRST + args.size + args.size // 5 - 1}"   # the block and 20% more
        steps = [
            ("add_numbers", lambda: inv.add_numbers(block, site)),
            ("reserve_for", lambda: inv.reserve_for(block, "range.owner", node=site)),
            ("clear_reserved_for", lambda: inv.clear_reserved_for(block, node=site)),
            ("set_status_reserved", lambda: inv.set_status(block, "Reserved", node=site, days=5)),
            ("set_status_available", lambda: inv.set_status(block, "Available", node=site)),
            ("reserve_for_creating", lambda: inv.reserve_for(wider, "range.owner", node=site)),
            ("clear_reserved_for_wider", lambda: inv.clear_reserved_for(wider, node=site)),
            ("delete_numbers", lambda: inv.delete_numbers(wider, site)),
        ]
        figures = {"size": args.size}
        for name, step in steps:
            started = time.perf_counter()
            report = step()
            figures[f"{name}_s"] = round(time.perf_counter() - started, 3)
            rows = len(report) if report is not None else 0
            print(f"{name:26s} {figures[f'{name}_s']:7.2f} s   {rows:,} rows reported", flush=True)
        with inv.holding(write=False):
            left = inv.sql("select count(*) as n from numbers where node = $site and number "
                           "between $low and $high", {"site": site, "low": f"+{FIRST}",
                                                       "high": f"+{FIRST + 2 * args.size}"})["n"][0]
        inv.close()
    if left:
        raise SystemExit(f"{left} rows of the range are left after delete_numbers")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
