"""Two checkouts of numkit timed on copies of one database, taking turns. Plain Python.

    .venv/bin/python benchmarks/versus.py --database /tmp/big/bench/bench-0.duckdb \\
        --checkout before=/path/to/older/checkout --checkout after=. --rounds 2

Answers "is this change slower?" where run.py cannot: run.py measures one checkout, and two
runs of it on a shared machine an hour apart differ by more than most changes do. Here each
round runs every checkout once, one after the other, each in a child process importing numkit
from its own checkout and working on a fresh copy of the same database (a newer checkout
upgrades its copy first, untimed), so the machine's mood falls on both alike. Each child
times the rule queries an analyst waits for: available_numbers (top 50) for the same
(user, site) pairs, the four cleanup reports, preview_move one at a time and
preview_each_move, onboard back to back and onboard_many; and checks that both checkouts
give the same answers (a digest of each answer is compared). The medians of the rounds are
printed side by side, with the ratio; the last line is one JSON object.
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r'''
import hashlib, json, random, statistics, sys, time
import numkit
import pandas as pd

database, seed, pairs_count, moves_count, onboards, bulk = sys.argv[1:7]
seed, pairs_count, moves_count, onboards, bulk = map(int, (seed, pairs_count, moves_count, onboards, bulk))
AS_OF = "2026-11-23"


def digest(frame):
    text = frame.astype(str).to_csv(index=False) if isinstance(frame, pd.DataFrame) else repr(frame)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ms(action):
    began = time.perf_counter()
    result = action()
    return (time.perf_counter() - began) * 1000, result


def p(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


inv = numkit.connect(database)
inv.as_of = AS_OF
inv.onboard("versus-warm-up", inv.utilization("Site")["node"].iloc[0])   # a writer upgrades
rng = random.Random(seed)
with inv.holding(write=False):
    users = sorted(inv.users()["username"].tolist())
    sites = sorted(inv.utilization("Site")["node"].tolist())
    pairs = [(rng.choice(users), rng.choice(sites)) for _ in range(pairs_count)]
    answers, out = {}, {}
    times = []
    for username, site in pairs:
        t, frame = ms(lambda: inv.available_numbers(username, site, limit=50))
        times.append(t)
        answers.setdefault("available", []).append(digest(frame[["number", "node"]]))
    out["available_p50_ms"], out["available_p95_ms"] = p(times, 0.5), p(times, 0.95)
    floor = [ms(lambda: inv.con.execute(
        "select number from numbers where node_id = (select node_id from nodes where node = $s) "
        "order by number_order limit 50", {"s": site}).fetchall())[0] for _, site in pairs]
    out["available_floor_p95_ms"] = p(floor, 0.95)
    reports = []
    for _ in range(3):
        t, tables = ms(lambda: (inv.deleted_user_reservations(), inv.stuck_cooling(),
                                inv.stranded_reservations(), inv.utilization()))
        reports.append(t / 1000)
    out["reports_s"] = statistics.median(reports)
    answers["reports"] = [digest(t.sort_values(list(t.columns)[:2]).reset_index(drop=True)) for t in tables]
    # each mover to a site of their own customer (moves across customers are refused)
    site_customers = inv.con.execute(
        "select node_customers.node, customer from node_customers join nodes using (node) "
        "where nodes.type = 'Site' order by 1").fetchall()
    by_customer, customer_of = {}, dict(site_customers)
    for node, customer in site_customers:
        by_customer.setdefault(customer, []).append(node)
    every_user = sorted(inv.users()[["username", "node"]].values.tolist())
    step = max(1, len(every_user) // moves_count)
    movers = [(username, rng.choice(by_customer[customer_of[node]]))
              for username, node in every_user[::step][:moves_count] if node in customer_of]
    times = []
    for username, destination in movers:
        try:
            t, plan = ms(lambda: inv.preview_move(username, destination))
        except numkit.NumkitError as refusal:
            t, plan = 0.0, type(refusal).__name__
        times.append(t)
    out["preview_move_each_ms"] = statistics.mean(times)
    t, plans = ms(lambda: inv.preview_each_move(movers))
    out["preview_each_move_s"] = t / 1000
    answers["preview_each_move"] = digest(plans.astype(str).sort_values(list(plans.columns)).reset_index(drop=True))
single = []
for i in range(onboards):
    t, given = ms(lambda: inv.onboard(f"versus-single-{i}", sites[i % len(sites)]))
    single.append(t)
    answers.setdefault("onboard", []).append(repr(given))
out["onboard_p50_ms"], out["onboard_p95_ms"] = p(single, 0.5), p(single, 0.95)
batch = pd.DataFrame({"username": [f"versus-bulk-{i}" for i in range(bulk)],
                      "node": [sites[(7 * i) % len(sites)] for i in range(bulk)]})
t, given = ms(lambda: inv.onboard_many(batch))
out["onboard_many_s"] = t / 1000
answers["onboard_many"] = digest(given)
out["answers"] = hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest()[:16]
out["answer_parts"] = {k: hashlib.sha256(json.dumps(v).encode()).hexdigest()[:12] for k, v in answers.items()}
print(json.dumps(out))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="a numkit database (not changed)")
    parser.add_argument("--checkout", action="append", required=True,
                        help="LABEL=PATH of a numkit checkout; give two or more")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--onboards", type=int, default=50)
    parser.add_argument("--bulk", type=int, default=2_000)
    parser.add_argument("--scratch", type=Path, default=None, help="where the copies go")
    args = parser.parse_args()
    checkouts = [entry.split("=", 1) for entry in args.checkout]
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="numkit-versus-"))
    results = {label: [] for label, _ in checkouts}
    for round_number in range(args.rounds):
        for label, path in checkouts:
            copy = scratch / f"{label}.duckdb"
            shutil.copyfile(args.database, copy)
            env = {**os.environ, "PYTHONPATH": str(Path(path).resolve())}
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(copy), str(args.seed), str(args.pairs),
                 str(args.moves), str(args.onboards), str(args.bulk)],
                env=env, capture_output=True, text=True, check=False)
            if done.returncode:
                sys.exit(f"{label} failed:\n{done.stderr}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            results[label].append(figures)
            print(f"round {round_number + 1} {label}: {json.dumps(figures)}", flush=True)
            copy.unlink()
    keys = [key for key in results[checkouts[0][0]][0] if key not in ("answers", "answer_parts")]
    summary = {label: {key: statistics.median(run[key] for run in runs) for key in keys}
               for label, runs in results.items()}
    first = checkouts[0][0]
    print(f"{'measure':<26}" + "".join(f"{label:>14}" for label, _ in checkouts) + "   ratio to " + first)
    for key in keys:
        row = "".join(f"{summary[label][key]:>14.3f}" for label, _ in checkouts)
        ratios = ", ".join(f"{summary[label][key] / summary[first][key]:.2f}"
                           for label, _ in checkouts[1:] if summary[first][key])
        print(f"{key:<26}{row}   {ratios}")
    answers = {label: {run["answers"] for run in runs} for label, runs in results.items()}
    same = len({frozenset(a) for a in answers.values()}) == 1 and all(len(a) == 1 for a in answers.values())
    print("same answers:", "yes" if same else f"NO {json.dumps({l: [r['answer_parts'] for r in runs] for l, runs in results.items()})}")
    print(json.dumps({"medians": summary, "same_answers": same}))


if __name__ == "__main__":
    main()
