"""A load bounds DuckDB's memory (loading.load.LOAD_MEMORY_LIMIT, 1 GB) from its first
statement to its commit, and puts the setting back after: at 10 M numbers the commit of a
weekly load, unbounded, took the process from 1.2 to 2.2 GB."""

import pytest

import numkit
from numkit.loading.snapshots import load_folder
from numkit.sample import SAMPLE_EXPORT as SAMPLE
from numkit.storage import Storage


def limit_of(con):
    return con.execute("select current_setting('memory_limit')").fetchall()[0][0]


def bounded(limit):
    """DuckDB says 1 GB as about 953 MiB (the last digit varies)."""
    value, unit = limit.split()
    return unit == "MiB" and float(value) <= 1024


@pytest.fixture
def limits_at_commit(monkeypatch):
    """The memory limit in force as each operation of the load ends: the last is the commit
    of the whole load (a folder's snapshots commit together)."""
    seen = []
    operation = Storage.operation

    def watched(self, *args, **kwargs):
        with operation(self, *args, **kwargs) as running:
            yield running
            seen.append(limit_of(self.con))
    monkeypatch.setattr(Storage, "operation", __import__("contextlib").contextmanager(watched))
    return seen


@pytest.mark.parametrize("how", ["files", "folder"])
def test_the_bound_holds_to_the_commit_and_is_put_back(tmp_path, how, limits_at_commit):
    inv = numkit.connect(tmp_path / "inventory.duckdb")
    with inv.holding():
        before = limit_of(inv.con)
        assert not bounded(before)
        if how == "folder":
            load_folder(inv, SAMPLE)
        else:
            inv.load(SAMPLE / "numbers.csv", users=SAMPLE / "users.csv",
                     hierarchy=SAMPLE / "hierarchy.csv", as_of="2026-11-30")
        assert limit_of(inv.con) == before
    assert limits_at_commit and all(bounded(limit) for limit in limits_at_commit)
