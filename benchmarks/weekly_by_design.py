"""What a weekly load could cost by design, and what that design would cost the rules.

numkit's weekly load (rules R36) reads and checks the whole export, pairs it with the
inventory and updates the changed rows where they lie: DuckDB's checkpoint then rewrites
every row group an update touched, which at 1 % churn is every row group. This script
measures the other design, on numkit's own files, so that the weekly target can be judged
before the design is built:

  the floor       a weekly load that reads the export as raw lines, hashes each and
                  compares the hashes with those kept at the last load; parses only the
                  lines that changed; deletes the superseded rows where they lie (a
                  delete is a mark, not a rewrite) and appends the new ones; commits.
                  Beside DuckDB's bare read_csv of the same file into memory (the target's
                  measure: a weekly reload within 2x of it). No check of any row, no users,
                  no history: what any such load must do at least.
  the tail        available_numbers p95 on a copy of a numkit database as the design
                  would leave it: each week 1 % of the rows deleted where they lie and
                  appended at the end, sorted by node (no re-ordering between weeks).
  the side table  the same with the changed rows kept apart, sorted by node, in a table of
                  their own, and `numbers` the union of the two (what keeping the appended
                  rows in node order would take).

    .venv/bin/python benchmarks/weekly_by_design.py --before W0/numbers.csv \\
        --after W1/numbers.csv --database HISTORY.duckdb --workdir /tmp/design

W0 and W1 are two weeks of a series (`numkit.weekly.weeks`), HISTORY a database made by
benchmarks/history.py; the database is copied, never changed. The last line printed is
one JSON object.
"""

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

import duckdb

import numkit

from run import percentile, sampled_pairs, timed

# The export's lines as they are: one column, no quoting (a line is compared whole).
RAW_LINES = ("read_csv({path}, columns = {{'line': 'VARCHAR'}}, header = true, delim = chr(31), "
             "quote = '', escape = '', auto_detect = false)")


def floor(before, after, workdir, repeat):
    """{step: seconds} of the floor, and bare read_csv's median of `repeat`."""
    database = workdir / "floor.duckdb"
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    con.execute("set preserve_insertion_order = true")
    # what the last load would have kept: the rows with the hash of their line
    con.execute("create temp table lines as select row_number() over () as k, hash(line) as h "
                f"from {RAW_LINES.format(path='$p')}", {"p": str(before)})
    con.execute("create temp table parsed as select row_number() over () as k, * "
                "from read_csv($p, all_varchar = true)", {"p": str(before)})
    con.execute("create table numbers as select lines.h, parsed.* exclude (k) "
                "from parsed positional join lines")
    con.execute("drop table lines; drop table parsed; checkpoint")
    header = Path(before).read_text(encoding="utf-8").split("\n", 1)[0]

    memory = duckdb.connect()
    read_csv = statistics.median(timed(lambda: memory.execute(
        "create or replace table t as select * from read_csv($p)", {"p": str(after)}))[0]
        for _ in range(repeat))
    memory.close()

    steps = {}

    def step(name, action):
        steps[name], result = timed(action)
        return result
    con.execute("begin")
    step("lines read and hashed", lambda: con.execute(
        f"create temp table now as select hash(line) as h, line from {RAW_LINES.format(path='$p')}",
        {"p": str(after)}))
    step("lines new or changed", lambda: con.execute(
        "create temp table added as select * from now anti join numbers on numbers.h = now.h"))
    step("rows gone or changed", lambda: con.execute(
        "create temp table gone as select numbers.rowid as r from numbers "
        "anti join now on now.h = numbers.h"))
    changed = workdir / "changed.csv"

    def parse():
        con.execute(f"copy (select line from added) to '{changed}' "
                    "(header false, quote '', delimiter chr(31))")
        lines = changed.read_text(encoding="utf-8")
        changed.write_text(header + "\n" + lines, encoding="utf-8")
        con.execute("create temp table added_rows as select row_number() over () as k, * "
                    "from read_csv($p, all_varchar = true)", {"p": str(changed)})
    step("changed lines parsed", parse)
    step("rows deleted where they lie", lambda: con.execute(
        "delete from numbers where rowid in (select r from gone)"))
    step("rows appended", lambda: con.execute(
        "insert into numbers select added.h, added_rows.* exclude (k) "
        "from added_rows positional join added"))
    step("commit", lambda: con.execute("commit"))
    counts = con.execute("select (select count(*) from added), (select count(*) from gone)").fetchall()[0]
    con.close()
    return {"read_csv_s": read_csv, "steps_s": steps, "floor_s": sum(steps.values()),
            "lines_added": counts[0], "rows_gone": counts[1]}


def p95(database, pairs_count, seed):
    """available_numbers p50 and p95 (ms) on `database`, as history.py measures them."""
    # read-only: a writer would build numkit's indexes again, which a view cannot take
    inv = numkit.connect(database, read_only=True)
    inv.as_of = inv.con.execute("select max(as_of) from loads").fetchall()[0][0]
    with inv.holding(write=False):
        pairs = sampled_pairs(inv, pairs_count, seed)
        for user, site in pairs[:20]:       # the first calls of a connection plan more
            inv.available_numbers(user, site, limit=50)
        own = [timed(lambda: inv.available_numbers(user, site, limit=50))[0] * 1000
               for user, site in pairs]
    inv.close()
    return {"p50_ms": percentile(own, 0.5), "p95_ms": percentile(own, 0.95)}


def tail(database, weeks, pairs_count, seed):
    """p95 after each of `weeks` weeks of 1 % of the rows deleted and appended in node order."""
    found = {0: p95(database, pairs_count, seed)}
    for week in range(1, weeks + 1):
        inv = numkit.connect(database)
        with inv.store.session(write=True):
            con = inv.con
            con.execute("begin")
            con.execute("create or replace temp table moved as select rowid as r, * from numbers "
                        f"using sample 1 percent (bernoulli, {week})")
            con.execute("delete from numbers where rowid in (select r from moved)")
            con.execute("insert into numbers select * exclude (r) from moved "
                        "order by node_id, number_order")
            con.execute("commit")
        inv.close()
        found[week] = p95(database, pairs_count, seed)
    return found


def side_table(database, percent, pairs_count, seed):
    """p95 with `percent` of the rows in a side table sorted by node, read through a view."""
    inv = numkit.connect(database)
    with inv.store.session(write=True):
        con = inv.con
        # a rename is refused while indexes hang on the table; the rules do not read them
        for index in ("numbers_by_reserved_for", "numbers_by_used_by"):
            con.execute(f"drop index if exists {index}")
        con.execute("alter table numbers rename to numbers_base")
        con.execute(f"create table numbers_side as select * from numbers_base using sample "
                    f"{percent} percent (bernoulli, 3) order by node_id, number_order")
        con.execute("delete from numbers_base where (number, node) in "
                    "(select number, node from numbers_side)")
        con.execute("create view numbers as select * from numbers_base "
                    "union all select * from numbers_side")
        con.execute("checkpoint")
    inv.close()
    return p95(database, pairs_count, seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, type=Path, help="a week's numbers.csv")
    parser.add_argument("--after", required=True, type=Path, help="the next week's numbers.csv")
    parser.add_argument("--database", required=True, type=Path, help="a database history.py made")
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--weeks", type=int, default=5, help="weeks of appended rows")
    parser.add_argument("--side-percent", type=float, nargs="+", default=[0.1, 5.0],
                        help="shares of the rows in the side table")
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    copy = args.workdir / "copy.duckdb"

    results = {"floor": floor(args.before, args.after, args.workdir, args.repeat)}
    measured = results["floor"]
    for name, seconds in measured["steps_s"].items():
        print(f"  {name:32s} {seconds:6.2f} s", flush=True)
    print(f"floor {measured['floor_s']:.2f} s, bare read_csv {measured['read_csv_s']:.2f} s "
          f"({measured['floor_s'] / measured['read_csv_s']:.2f}x; target <= 2x)", flush=True)

    shutil.copyfile(args.database, copy)
    results["tail"] = tail(copy, args.weeks, args.pairs, args.seed)
    for week, figures in results["tail"].items():
        print(f"tail after {week} week(s): available_numbers p50 {figures['p50_ms']:.2f} ms, "
              f"p95 {figures['p95_ms']:.2f} ms", flush=True)
    results["side"] = {}
    for percent in args.side_percent:
        shutil.copyfile(args.database, copy)
        results["side"][percent] = figures = side_table(copy, percent, args.pairs, args.seed)
        print(f"side table of {percent} % of the rows: p50 {figures['p50_ms']:.2f} ms, "
              f"p95 {figures['p95_ms']:.2f} ms", flush=True)
    copy.unlink()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
