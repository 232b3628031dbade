"""DuckDB's memory: an inventory file keeps DuckDB within storage.MEMORY_LIMIT (1 GB), and a
load within loading.load.LOAD_MEMORY_LIMIT (1 GB) from its first statement to its commit,
putting the setting back after. At 10 M numbers the commit of a weekly load, unbounded,
took the process from 1.2 to 2.2 GB, and reading after 52 weekly loads to 2.0 GB."""

import contextlib

import pytest

import numkit
from numkit import storage
from numkit.loading.snapshots import load_folder
from numkit.sample import SAMPLE_EXPORT as SAMPLE
from numkit.storage import Storage


def limit_of(con):
    return con.execute("select current_setting('memory_limit')").fetchall()[0][0]


def in_mib(limit):
    value, unit = limit.split()
    return float(value) * {"MiB": 1, "GiB": 1024}[unit]


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
    monkeypatch.setattr(Storage, "operation", contextlib.contextmanager(watched))
    return seen


def test_an_inventory_file_keeps_duckdb_within_its_bound(tmp_path):
    with numkit.connect(tmp_path / "inventory.duckdb").holding() as con:
        # DuckDB says 1 GB as about 953 MiB
        assert 900 <= in_mib(limit_of(con)) <= 1024


@pytest.mark.parametrize("how", ["files", "folder"])
def test_a_load_is_bounded_to_its_commit_and_puts_the_setting_back(tmp_path, how, monkeypatch,
                                                                   limits_at_commit):
    monkeypatch.setattr(storage, "MEMORY_LIMIT", "4GB")     # the load's own bound shows
    inv = numkit.connect(tmp_path / "inventory.duckdb")
    with inv.holding():
        before = limit_of(inv.con)
        assert in_mib(before) > 3000
        if how == "folder":
            load_folder(inv, SAMPLE)
        else:
            inv.load(SAMPLE / "numbers.csv", users=SAMPLE / "users.csv",
                     hierarchy=SAMPLE / "hierarchy.csv", as_of="2026-11-30")
        assert limit_of(inv.con) == before
    assert limits_at_commit and all(in_mib(limit) <= 1024 for limit in limits_at_commit)
