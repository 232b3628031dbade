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
KILLS = 18            # per kind of operation (six kinds): 108 kills in all
CUST1 = "sys.hcs.Prov-1.Cust-1"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    big = folder / "big"
    demo.generate(big, numbers=150_000, sites=60, seed=3)
    return build_sample(folder / "sample.duckdb"), big


def killed_midway(database, *args, longest, after="ready"):
    """Start a worker, let it run a random while after it says `after`, then SIGKILL it."""
    worker = subprocess.Popen([sys.executable, str(WORKERS), args[0], str(database), *map(str, args[1:])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    while after != "ready" and worker.stdout.readline().strip() not in (after, ""):
        pass
    time.sleep(random.uniform(0, longest))
    worker.kill()
    worker.wait()
    return worker.stdout.read().splitlines()


def fresh_copy(sample_file, tmp_path, i):
    copy = tmp_path / f"crash{i}.duckdb"
    shutil.copy(sample_file, copy)
    return copy


def load_seconds(database, big, kind="load", done="done"):
    """How long the worker's load (`kind`) takes here, from ready to `done`."""
    worker = subprocess.Popen([sys.executable, str(WORKERS), kind, str(database), str(big)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    began = time.monotonic()
    assert worker.stdout.readline().strip() == done, worker.stderr.read()
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
            snapshot_rows = inv.sql("select count(*) as n from numbers_at(8)")["n"][0]
        # the sample holds seven snapshots; the big export is the eighth, whole or not at all
        assert (numbers, loads, snapshot_rows) in {(400, 7, 400), (big_count, 8, big_count)}
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


LAST_STEP = "writing the snapshot"


def last_step_seconds(database, folder):
    """How long the worker's load of `folder` takes from its last step to done."""
    worker = subprocess.Popen([sys.executable, str(WORKERS), "reconcile", str(database),
                               str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    lines = iter(worker.stdout.readline, "")
    assert f"step {LAST_STEP}" in (line.strip() for line in lines), worker.stderr.read()
    began = time.monotonic()
    assert "done" in (line.strip() for line in lines), worker.stderr.read()
    took = time.monotonic() - began
    worker.wait()
    return took


def fingerprint(inv):
    """Everything a reconciling load changes: the rows and users (as sums of hashes), the
    loads, the pending changes with their dates and events, and every reconciliation."""
    rows = inv.sql("select count(*) as n, bit_xor(hash(number, node, status, usage, reserved_for, "
                   "used_by, release_date, reservation_notes, description)) as h from numbers")
    users = inv.sql("select count(*) as n, bit_xor(hash(lower(username), node)) as h from users")
    pending = inv.pending_changes()
    pending["event_ids"] = [tuple(ids) for ids in pending["event_ids"]]
    history = inv.sql("select count(*) as n, bit_xor(hash(from_load, to_load, number, node, "
                      "status, reserved_for, used_by)) as h from number_versions")
    user_history = inv.sql("select count(*) as n, bit_xor(hash(from_load, to_load, "
                           "lower(username), node)) as h from user_versions")
    return {"rows": tuple(rows.iloc[0]), "users": tuple(users.iloc[0]),
            "history": tuple(history.iloc[0]), "user_history": tuple(user_history.iloc[0]),
            "loads": len(inv.snapshots()),
            "deleted": len(inv.sql("select * from deleted_users")),
            "pending": sorted(map(tuple, pending.astype(str).values)),
            "reconciled": sorted(map(tuple, inv.sql(
                "select load_id, outcome, kind, number, node, lower(username), field, reason "
                "from reconciliations").astype(str).values))}


@pytest.fixture(scope="module")
def pending_base(base, tmp_path_factory):
    """The big export loaded, then decisions made in numkit (pending), and the next export
    in which VOSS did one of them, decided one otherwise and has not done the rest."""
    _, big = base
    folder = tmp_path_factory.mktemp("reconcile")
    database = folder / "pending.duckdb"
    with numkit.connect(database) as inv:
        inv.load(big / "numbers.csv", users=big / "users.csv", hierarchy=big / "hierarchy.csv",
                 as_of="2026-11-23")
        inv.as_of = "2026-11-23"
        site_a, site_b = f"{CUST1}.Site-A", f"{CUST1}.Site-B"
        free = inv.available_numbers("nobody", site_a)[["number", "node"]].values[:3].tolist()
        for number, node in free:
            inv.reserve_for(number, "pend.a", node=node)
        inv.onboard("pend.new", site_b)
        leaving = inv.sql(f"select used_by from numbers where node like '{CUST1}.Site-C%' "
                          "and used_by is not null limit 1")["used_by"][0]
        inv.delete_user(leaving)
        inv.add_numbers("99000-99004", site_a)
    export = folder / "next"
    shutil.copytree(big, export)
    lines = (export / "numbers.csv").read_text().splitlines()
    header = lines[0].split(",")
    number, reserved = header.index("Internal Number"), header.index("Reserved For")
    decided = {tuple(free[0]): "pend.a", tuple(free[1]): "someone.else"}  # applied, a conflict
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        if (cells[number], cells[1]) in decided:
            cells[reserved] = decided[cells[number], cells[1]]
            lines[i] = ",".join(cells)
    (export / "numbers.csv").write_text("\n".join(lines) + "\n")
    return database, export


def test_killed_reconciling_load_is_all_or_nothing(pending_base, tmp_path):
    database, export = pending_base
    with numkit.connect(database, read_only=True) as inv:
        before = fingerprint(inv)
    timed = fresh_copy(database, tmp_path, "timed")
    # the reconciliation is in the load's last step: kills spread over a little more than
    # that step, from the moment it begins
    longest = 1.3 * last_step_seconds(timed, export)
    with numkit.connect(timed, read_only=True) as inv:
        after = fingerprint(inv)
        outcomes = inv.reconciliations()
        still = inv.pending_changes()
    # the load whole: each of the three outcomes, and pending now what it says is pending
    assert {"applied", "pending", "conflict"} <= set(outcomes["outcome"])
    kept = outcomes.query("outcome == 'pending'")
    assert sorted(map(tuple, still[["kind", "number", "node", "field"]].astype(str).values)) == \
        sorted(map(tuple, kept[["kind", "number", "node", "field"]].astype(str).values))
    assert after["loads"] == before["loads"] + 1 and before["pending"]
    each_kill_lands_whole_or_not(database, export, tmp_path, before, after, "reconcile",
                                 longest, after_line=f"step {LAST_STEP}")


def each_kill_lands_whole_or_not(database, export, tmp_path, before, after, kind, longest,
                                 after_line="ready", done="done", then=None):
    """Kill a worker loading `export` into copies of `database`, KILLS times at random: each
    copy is sound and holds the load whole (`after`) or not at all (`before`), and some
    kill landed in the middle. `then(copy)` checks each copy further."""
    landed = []
    for i in range(KILLS):
        copy = fresh_copy(database, tmp_path, i)
        said = killed_midway(copy, kind, export, longest=longest, after=after_line)
        with numkit.connect(copy, read_only=True) as inv:
            assert inv.check().empty
            now = fingerprint(inv)
        assert now in (before, after), {k: (before[k], now[k], after[k]) for k in now
                                        if now[k] not in (before[k], after[k])}
        assert (done in said) <= (now == after)
        if then:
            then(copy)
        landed.append(now == after)
    assert not all(landed), "some kill landed in the middle of the load"



@pytest.fixture(scope="module")
def weekly_base(base, tmp_path_factory):
    """The big export loaded once, and next week's: about one row in a hundred changed
    or gone, and a new range."""
    _, big = base
    folder = tmp_path_factory.mktemp("weekly")
    database = folder / "weekly.duckdb"
    with numkit.connect(database) as inv:
        inv.load(big / "numbers.csv", users=big / "users.csv", hierarchy=big / "hierarchy.csv",
                 as_of="2026-11-23")
    export = folder / "next"
    shutil.copytree(big, export)
    lines = (export / "numbers.csv").read_text().splitlines()
    header = lines[0].split(",")
    description = header.index("Description")
    rng = random.Random(7)
    kept = [lines[0]]
    for line in lines[1:]:
        draw = rng.random()
        if draw < 0.003:
            continue                                   # gone
        cells = line.split(",")
        if draw < 0.01:
            cells[description] = "changed"
        kept.append(",".join(cells))
    kept += [f"9{i:06d},{CUST1}.Site-A,Available,,,,,," for i in range(500)]   # a new range
    (export / "numbers.csv").write_text("\n".join(kept) + "\n")
    return database, export


def test_killed_weekly_load_is_all_or_nothing(weekly_base, tmp_path):
    """A load into a database holding a snapshot writes only the changed rows and their
    versions, with the indexes in place: killed anywhere in it, it has landed whole or not
    at all."""
    database, export = weekly_base
    with numkit.connect(database, read_only=True) as inv:
        before = fingerprint(inv)
    timed = fresh_copy(database, tmp_path, "timed")
    longest = 1.3 * load_seconds(timed, export)
    with numkit.connect(timed, read_only=True) as inv:
        after = fingerprint(inv)
        assert len(inv.sql("select index_name from duckdb_indexes()")) == 3
        new_versions = inv.sql("select count(*) as n from number_versions where from_load = 2")["n"][0]
        # only the changed lines were parsed (rules R36, "Reading only the lines that changed")
        changed_lines = inv.sql("select (after ->> 'changed_lines')::bigint as n from events "
                                "where action = 'load' order by event_id desc limit 1")["n"][0]
    assert after["loads"] == before["loads"] + 1 and 0 < new_versions < after["rows"][0] / 20
    assert 0 < changed_lines < after["rows"][0] / 20
    each_kill_lands_whole_or_not(database, export, tmp_path, before, after, "load", longest)


def test_killed_reordering_load_is_all_or_nothing_and_keeps_its_indexes(weekly_base, tmp_path):
    """A load that finds the rows scattered writes its changes, leaving the indexes to the
    copy of the file that follows (rules R36): killed anywhere in the load, between the two
    or in the copy, the file has landed whole or not at all, and its indexes are back once
    it is opened for writing."""
    database, export = weekly_base
    with numkit.connect(database, read_only=True) as inv:
        before = fingerprint(inv)
    timed = fresh_copy(database, tmp_path, "timed")
    longest = 1.3 * load_seconds(timed, export, "reorder", done="done compacted")
    with numkit.connect(timed, read_only=True) as inv:
        after = fingerprint(inv)
        assert len(inv.sql("select index_name from duckdb_indexes()")) == 3
        assert inv.sql("select node_id from numbers order by rowid")["node_id"].is_monotonic_increasing
    assert after["loads"] == before["loads"] + 1

    def indexes_back_for_a_writer(copy):
        with numkit.connect(copy) as inv:
            assert len(inv.sql("select index_name from duckdb_indexes()")) == 3
            assert inv.check().empty
    each_kill_lands_whole_or_not(database, export, tmp_path, before, after, "reorder", longest,
                                 done="done compacted", then=indexes_back_for_a_writer)
