"""A process killed (SIGKILL) in the middle of a load, a bulk onboarding or a batch of moves
leaves a database that opens, is sound, and holds each operation wholly or not at all."""

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import numkit
from numkit import demo
from numkit.sample import build_sample

WORKERS = Path(__file__).resolve().parent / "workers.py"
KILLS = 18            # per kind of operation: 54 kills in all
CUST1 = "sys.hcs.Prov-1.Cust-1"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    big = folder / "big"
    demo.generate(big, numbers=150_000, sites=60, seed=3)
    return build_sample(folder / "sample.duckdb"), big


def killed_midway(database, *args, longest):
    """Start a worker, let it run a random while after it is ready, then SIGKILL it."""
    worker = subprocess.Popen([sys.executable, str(WORKERS), args[0], str(database), *map(str, args[1:])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    time.sleep(random.uniform(0, longest))
    worker.kill()
    worker.wait()
    return worker.stdout.read().splitlines()


def fresh_copy(sample_file, tmp_path, i):
    copy = tmp_path / f"crash{i}.duckdb"
    shutil.copy(sample_file, copy)
    return copy


def load_seconds(database, big):
    """How long the worker's load takes here, from ready to done."""
    worker = subprocess.Popen([sys.executable, str(WORKERS), "load", str(database), str(big)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    began = time.monotonic()
    assert worker.stdout.readline().strip() == "done", worker.stderr.read()
    took = time.monotonic() - began
    worker.wait()
    return took


def test_killed_load_is_all_or_nothing(base, tmp_path):
    sample_file, big = base
    big_count = sum(1 for _ in open(big / "numbers.csv")) - 1
    # kills spread over a little more than a load's length: most land inside it, some after
    longest = 1.3 * load_seconds(fresh_copy(sample_file, tmp_path, "timed"), big)
    outcomes = []
    for i in range(KILLS):
        database = fresh_copy(sample_file, tmp_path, i)
        said = killed_midway(database, "load", big, longest=longest)
        with numkit.connect(database, read_only=True) as inv:
            assert inv.check().empty
            numbers = inv.sql("select count(*) as n from numbers")["n"][0]
            loads = len(inv.snapshots())
            snapshot_rows = inv.sql("select count(*) as n from snapshot_numbers where load_id = 5")["n"][0]
        assert (numbers, loads, snapshot_rows) in {(400, 4, 0), (big_count, 5, big_count)}
        assert ("done" in said) <= (numbers == big_count)
        outcomes.append(numbers == big_count)
    assert not all(outcomes), "some kill landed in the middle of a load"


def test_killed_bulk_onboarding_is_all_or_nothing_per_batch(base, tmp_path):
    sample_file, _ = base
    for i in range(KILLS):
        database = fresh_copy(sample_file, tmp_path, i)
        killed_midway(database, "onboard", 5, longest=3.0)
        with numkit.connect(database, read_only=True) as inv:
            assert inv.check().empty
            users = inv.sql("select count(*) as n from users where username like 'bulk%'")["n"][0]
            held = inv.sql("select count(distinct used_by) as n from numbers where used_by like 'bulk%'")["n"][0]
            logged = inv.sql("select count(*) as n from events where action = 'onboard' "
                             "and username like 'bulk%'")["n"][0]
        assert users % 200 == 0 and held == users == logged


def test_killed_moves_are_all_or_nothing_per_batch(base, tmp_path):
    sample_file, _ = base
    with numkit.connect(sample_file, read_only=True) as inv:
        movers = {u: n for u, n in inv.users().values if n.startswith(f"{CUST1}.Site-")}
    for i in range(KILLS):
        database = fresh_copy(sample_file, tmp_path, i)
        killed_midway(database, "move", 6, longest=3.0)
        with numkit.connect(database, read_only=True) as inv:
            assert inv.check().empty
            now = {u: n for u, n in inv.users().values if u in movers}
            moved = inv.sql("select count(*) as n from events where action = 'move_user'")["n"][0]
        first_30 = list(movers)[:30]
        places = {now[u] for u in first_30}
        untouched = all(now[u] == movers[u] for u in first_30)
        assert untouched or len(places) == 1, places      # a batch moves all 30 or none
        assert moved % 30 == 0
