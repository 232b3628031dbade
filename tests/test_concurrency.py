"""Several processes on one database file: writers wait for each other, readers never see
half an operation, and a writer kept waiting too long gets InventoryLocked."""

import logging
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest

import numkit

WORKERS = Path(__file__).resolve().parent / "workers.py"


def start(*args):
    return subprocess.Popen([sys.executable, str(WORKERS), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process, timeout=240):
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out.splitlines()


def test_writers_in_several_processes_all_land(database):
    with numkit.connect(database, read_only=True) as inv:
        events_before = len(inv.events())
    writers = [start("random", database, seed, 25) for seed in (1, 2, 3)]
    lines = [line for writer in writers for line in finish(writer)]
    done = {action: lines.count(f"ok {action}") for action in ("onboard", "delete", "move")}
    assert sum(done.values()) > 0
    with numkit.connect(database, read_only=True) as inv:
        assert inv.check().empty
        logged = inv.events().iloc[events_before:]["action"].value_counts()
    # every success of every process is in the log, once
    assert logged.get("onboard", 0) == done["onboard"]
    assert logged.get("delete_user", 0) == done["delete"]
    assert logged.get("move_user", 0) == done["move"]


def test_a_reader_never_sees_half_an_operation(database):
    watcher = start("watch", database, 12)
    flipper = start("flip", database, 15)
    flips = finish(flipper)
    seen = finish(watcher)
    assert len(flips) == 15
    assert not [line for line in seen if line.startswith("half-done")], seen
    assert int(seen[-1].split()[1]) > 0      # the reader did read while the writer wrote


def test_a_writer_waits_for_another(database):
    holder = start("hold", database, 2)
    assert holder.stdout.readline().strip() == "holding"
    began = time.monotonic()
    with numkit.connect(database, wait=30) as inv:     # opens once the holder lets go
        inv.as_of = "2026-11-23"
        inv.onboard("patient", "sys.hcs.Prov-1.Cust-1.Site-A")
    assert time.monotonic() - began >= 1.0
    finish(holder)


def test_waiting_is_said_once_and_the_command_prints_it(database, caplog):
    # held longer than the command takes to start (importing pandas alone can take 2 s on a
    # busy machine), so that the command finds the file held
    holder = start("hold", database, 6)
    assert holder.stdout.readline().strip() == "holding"
    result = subprocess.run([sys.executable, "-m", "numkit", "check", str(database)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{database} is in use by another process (PID {holder.pid}): waiting for it (up to 10 s)"]
    finish(holder)
    holder = start("hold", database, 2)       # a script sees it in its log
    assert holder.stdout.readline().strip() == "holding"
    with caplog.at_level(logging.WARNING, logger="numkit"), numkit.connect(database, wait=30):
        pass
    assert [record.getMessage() for record in caplog.records] == [
        f"{database} is in use by another process (PID {holder.pid}): waiting for it (up to 30 s)"]
    finish(holder)


def test_waiting_too_long_is_inventory_locked(database):
    holder = start("hold", database, 8)
    assert holder.stdout.readline().strip() == "holding"
    began = time.monotonic()
    with pytest.raises(numkit.InventoryLocked, match="stayed busy for 0.5 s"):
        numkit.connect(database, wait=0.5)
    assert time.monotonic() - began < 5
    holder.kill()
    holder.wait()


def opens_within(database, seconds):
    """Whether another process opens the file within `seconds`."""
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, numkit; numkit.connect(sys.argv[1], wait=float(sys.argv[2]))",
         str(database), str(seconds)], capture_output=True, text=True, timeout=120)
    return probe.returncode == 0


def test_the_file_stays_open_a_moment_for_the_next_operation_then_is_let_go(database):
    inv = numkit.connect(database)
    inv.available_numbers("u.okafor", "sys.hcs.Prov-1.Cust-1.Site-B")
    kept = inv.store.connection
    inv.why_not("1002", "u.okafor", "sys.hcs.Prov-1.Cust-1.Site-B")
    assert kept is not None and inv.store.connection is kept     # the second call reused the first's
    time.sleep(numkit.storage.LINGER + 0.5)
    assert inv.store.connection is None
    assert opens_within(database, 0)


def test_a_busy_inventory_lets_another_process_in(database):
    """Operations back to back keep the file at most HOLD_AT_MOST seconds at a time."""
    inv = numkit.connect(database)
    import threading
    stop = threading.Event()

    def keep_reading():
        while not stop.is_set():
            inv.next_available("someone", "sys.hcs.Prov-1.Cust-1.Site-B")
    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        time.sleep(0.3)
        assert opens_within(database, numkit.storage.HOLD_AT_MOST + 5)
    finally:
        stop.set()
        reader.join()
        inv.close()


def test_a_file_is_attached_to_one_instance_per_inventory_and_spills_beside_itself(database):
    """Opening the file again after a pause attaches it to the inventory's own instance
    (no new DuckDB instance), whose temporary files go next to the database file."""
    inv = numkit.connect(database)
    inv.next_available("someone", "sys.hcs.Prov-1.Cust-1.Site-B")
    host = inv.store.instance
    inv.close()
    assert opens_within(database, 0)            # let go: another process opens it
    assert inv.next_available("someone", "sys.hcs.Prov-1.Cust-1.Site-B") is not None
    assert inv.store.instance is host
    with inv.holding() as con:
        assert con.execute("select current_setting('temp_directory')").fetchall()[0][0] == \
            f"{database}.tmp"
    inv.close()


def test_a_connection_of_ones_own_in_the_same_process_is_named(database):
    import duckdb
    own = duckdb.connect(str(database))
    try:
        with pytest.raises(numkit.InventoryLocked, match="in this process"):
            numkit.connect(database).next_available("someone", "sys.hcs.Prov-1.Cust-1.Site-B")
    finally:
        own.close()
    assert numkit.connect(database).next_available("someone", "sys.hcs.Prov-1.Cust-1.Site-B")


def test_an_inventory_its_caller_dropped_is_freed_outside_the_timers_thread(database):
    """A lingering timer holds its inventory's store; were its thread the last to hold it, the
    store (its DuckDB instance with it) would be freed in that thread, and a process exiting
    meanwhile aborts (the next test). The timer is kept until a later one, or the exit, lets
    it go in the thread that runs the operations."""
    freed_in = []
    inv = numkit.connect(database)
    inv.sql("select count(*) from numbers")
    weakref.finalize(inv.store, lambda: freed_in.append(threading.current_thread().name))
    del inv
    time.sleep(numkit.storage.LINGER + 0.5)     # the timer has fired and its thread ended
    assert not any(thread.name == "numkit-linger" for thread in threading.enumerate())
    other = numkit.connect(database, read_only=True)
    other.sql("select count(*) from numbers")   # starts a timer, which lets the ended one go
    other.close()
    assert freed_in == [threading.main_thread().name]


EXITING_AS_THE_TIMER_ENDS = """
import sys, time
import numkit
inv = numkit.connect(sys.argv[1], read_only=True)
inv.sql("select count(*) from numbers")
del inv
time.sleep(float(sys.argv[2]))
"""


def test_a_process_exiting_as_a_lingering_timer_ends_exits_cleanly(database, tmp_path):
    """The exit that used to abort (exit 134, "FATAL: exception not rethrown") about half
    the time on this machine when it came a few milliseconds after a timer let its file go:
    the timer's thread was freeing the dropped inventory's DuckDB instance as the
    interpreter stopped it."""
    script = tmp_path / "exiting.py"
    script.write_text(EXITING_AS_THE_TIMER_ENDS)
    aborted = []
    for step in range(24):
        sleep = numkit.storage.LINGER + step * 0.0005
        run = subprocess.run([sys.executable, str(script), str(database), str(sleep)],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            aborted.append((sleep, run.returncode, run.stderr.strip()[-200:]))
    assert aborted == []
