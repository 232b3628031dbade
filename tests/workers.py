"""Processes the concurrency and crash tests start: each works on one database file.

    python workers.py random DB SEED STEPS     random operations, one line per success
    python workers.py flip DB ROUNDS           batches flipping 100 flags at once
    python workers.py watch DB SECONDS         reads the flags, prints any half-done batch
    python workers.py hold DB SECONDS          holds the file open
    python workers.py load DB FOLDER           one big load (killed mid-way by the tests)
    python workers.py reconcile DB FOLDER      the same load, saying each step as it begins
    python workers.py reorder DB FOLDER        the same load into rows taken for scattered:
                                               its changes, then the file compacted
    python workers.py onboard DB BATCHES       batches of 200 onboardings, one transaction each
    python workers.py move DB ROUNDS           users moved back and forth, one transaction each
"""

import random
import sys
import time

import numkit
from numkit.loading import layout

CUST1 = "sys.hcs.Prov-1.Cust-1"
SITES = [f"{CUST1}.Site-{s}" for s in "ABC"]
FLAGGED = ("+442079469000", "+442079469099")


def say(*words):
    print(*words, flush=True)


def random_operations(inv, seed, steps):
    rng = random.Random(seed)
    users = [f"w{seed}u{i}" for i in range(6)]
    for _ in range(steps):
        user, site = rng.choice(users), rng.choice(SITES)
        action = rng.choice(["onboard", "delete", "move", "reserve", "release"])
        try:
            if action == "onboard":
                inv.onboard(user, site)
            elif action == "delete":
                inv.delete_user(user, cooling_days=rng.randint(0, 3))
            elif action == "move":
                inv.move_user(user, site)
            elif action == "reserve":
                inv.reserve_for(inv.next_available(user, site) or "0", user)
            else:
                numbers = inv.sql(f"select number from numbers where used_by = '{user}' limit 1")
                if len(numbers):
                    inv.release(numbers["number"][0], node=None)
        except numkit.NumkitError:
            continue
        say("ok", action)


def main():
    kind, db = sys.argv[1], sys.argv[2]
    inv = numkit.connect(db, wait=60)
    inv.as_of = "2026-11-23"
    if kind == "random":
        random_operations(inv, int(sys.argv[3]), int(sys.argv[4]))
    elif kind == "flip":
        for round_ in range(int(sys.argv[3])):
            with inv.batch():
                inv.add_numbers(FLAGGED, SITES[0])
                inv.reserve_for(FLAGGED, f"flip{round_}", node=SITES[0])
            say("flipped", round_)
    elif kind == "watch":
        end = time.monotonic() + float(sys.argv[3])
        reads = 0
        while time.monotonic() < end:
            holders = inv.sql(f"select distinct reserved_for from numbers where number between "
                              f"'{FLAGGED[0]}' and '{FLAGGED[1]}' and node = '{SITES[0]}'")
            if len(holders) > 1:
                say("half-done", list(holders["reserved_for"]))
            reads += 1
        say("reads", reads)
    elif kind == "hold":
        with inv.holding():
            say("holding")
            time.sleep(float(sys.argv[3]))
    elif kind == "load":
        say("ready")
        inv.load(f"{sys.argv[3]}/numbers.csv", users=f"{sys.argv[3]}/users.csv",
                 hierarchy=f"{sys.argv[3]}/hierarchy.csv", as_of="2026-11-24")
        say("done")
    elif kind == "reorder":     # a load that finds the rows scattered: changes, then a copy
        layout.Layout.scattered = property(lambda self: True)
        say("ready")
        report = inv.load(f"{sys.argv[3]}/numbers.csv", users=f"{sys.argv[3]}/users.csv",
                          hierarchy=f"{sys.argv[3]}/hierarchy.csv", as_of="2026-11-24")
        say("done", report.reordered)
    elif kind == "reconcile":
        say("ready")
        inv.load(f"{sys.argv[3]}/numbers.csv", users=f"{sys.argv[3]}/users.csv",
                 hierarchy=f"{sys.argv[3]}/hierarchy.csv", as_of="2026-11-24",
                 progress=lambda fraction, step: say("step", step))
        say("done")
    elif kind == "onboard":
        say("ready")
        for batch in range(int(sys.argv[3])):
            with inv.batch():
                for i in range(200):
                    inv.onboard(f"bulk{batch}x{i}", SITES[i % 3])
            say("batch", batch)
    elif kind == "move":
        say("ready")
        users = [u for u, node in inv.users().values if node.startswith(f"{CUST1}.Site-")][:30]
        for round_ in range(int(sys.argv[3])):
            with inv.batch():
                for user in users:
                    inv.move_user(user, SITES[round_ % 3], policy="carry")
            say("round", round_)
    else:
        raise SystemExit(f"unknown worker {kind}")


if __name__ == "__main__":
    main()
