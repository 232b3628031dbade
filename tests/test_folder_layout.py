"""A load of a whole folder measures how the rows lie once, before its first snapshot
(rules R36, "When the rows are put back in order"): when due, the file is compacted with the
rows in node order after the folder's last snapshot (or, where it cannot be, the first
snapshot writes every row again), and the snapshots write only their changes."""

import numkit
import pytest
from click.testing import CliRunner

from numkit.cli import main
from numkit.loading import layout
from numkit.loading import load as loading
from numkit.loading.snapshots import load_folder, read_manifest
from numkit.schema import index_files
from numkit.sample import SAMPLE_EXPORT

SNAPSHOTS = len(read_manifest(SAMPLE_EXPORT / "manifest.json")[1]) + 1


@pytest.fixture
def watched(monkeypatch):
    """Every layout measured ({"measured": n}) and what each snapshot was told (rewrite_all)."""
    seen = {"measured": 0, "rewrite_all": []}
    measure, load_snapshot = layout.measure, loading.load_snapshot

    def counted(con):
        seen["measured"] += 1
        return measure(con)

    def told(*args, rewrite_all, **kwargs):
        seen["rewrite_all"].append(rewrite_all)
        return load_snapshot(*args, rewrite_all=rewrite_all, **kwargs)
    monkeypatch.setattr(layout, "measure", counted)
    monkeypatch.setattr(loading, "load_snapshot", told)
    return seen


def first_snapshot(inv):
    """The sample's first snapshot loaded alone: the folder then loads the later ones."""
    _, history = read_manifest(SAMPLE_EXPORT / "manifest.json")
    as_of, users, numbers, _ = history[0]
    inv.load(SAMPLE_EXPORT / numbers, users=SAMPLE_EXPORT / users,
             hierarchy=SAMPLE_EXPORT / "hierarchy.csv", as_of=as_of)


def test_a_folder_load_measures_once_before_its_first_snapshot(tmp_path, watched):
    with numkit.connect(tmp_path / "inv.duckdb") as inv:
        first_snapshot(inv)
        watched.update(measured=0, rewrite_all=[])
        reports = load_folder(inv, SAMPLE_EXPORT)
        assert len(reports) == SNAPSHOTS - 1 > 2
        assert watched["measured"] == 1
        # the rows of one snapshot lie in node order: no rewrite is due
        assert watched["rewrite_all"] == [False] * len(reports)
        assert inv.check().empty


def test_a_folder_puts_scattered_rows_back_in_order_by_compacting_after_its_last_snapshot(
        tmp_path, watched, monkeypatch):
    monkeypatch.setattr(layout.Layout, "scattered", property(lambda self: True))
    with numkit.connect(tmp_path / "inv.duckdb") as inv:
        first_snapshot(inv)
        watched.update(measured=0, rewrite_all=[])
        reports = load_folder(inv, SAMPLE_EXPORT)
        assert watched["measured"] == 1
        # every snapshot writes only its changes; the file is compacted once, after the last
        assert watched["rewrite_all"] == [False] * len(reports)
        assert [r.reordered for r in reports] == [None] * (len(reports) - 1) + ["compacted"]
        assert len(inv.sql("select index_name from duckdb_indexes()")) == len(index_files())
        assert inv.sql("select node_id from numbers order by rowid")["node_id"].is_monotonic_increasing
        assert inv.check().empty


def test_in_memory_only_the_folders_first_snapshot_puts_scattered_rows_back_in_order(
        watched, monkeypatch):
    # a memory database has no file to compact: the first snapshot writes every row again
    monkeypatch.setattr(layout.Layout, "scattered", property(lambda self: True))
    with numkit.connect() as inv:
        first_snapshot(inv)
        watched.update(measured=0, rewrite_all=[])
        reports = load_folder(inv, SAMPLE_EXPORT)
        assert watched["measured"] == 1
        assert watched["rewrite_all"] == [True] + [False] * (len(reports) - 1)
        assert [r.reordered for r in reports] == ["rewritten"] + [None] * (len(reports) - 1)
        assert inv.check().empty


def test_a_folder_into_an_empty_database_measures_nothing(tmp_path, watched):
    # the first snapshot writes every row, as a first load does; nothing to measure
    with numkit.connect(tmp_path / "inv.duckdb") as inv:
        reports = load_folder(inv, SAMPLE_EXPORT)
    assert len(reports) == SNAPSHOTS
    assert watched["measured"] == 0
    assert watched["rewrite_all"] == [True] + [False] * (SNAPSHOTS - 1)


def test_a_single_load_still_measures_before_it(tmp_path, watched):
    with numkit.connect(tmp_path / "inv.duckdb") as inv:
        first_snapshot(inv)
        assert watched["measured"] == 0      # into an empty database
        inv.load(SAMPLE_EXPORT / "numbers.csv", users=SAMPLE_EXPORT / "users.csv",
                 hierarchy=SAMPLE_EXPORT / "hierarchy.csv", as_of="2026-11-23")
    assert watched["measured"] == 1


def test_numkit_load_says_it_compacted_the_file_to_put_the_rows_back_in_order(tmp_path,
                                                                              monkeypatch):
    monkeypatch.setattr(layout.Layout, "scattered", property(lambda self: True))
    database = tmp_path / "inv.duckdb"
    with numkit.connect(database) as inv:
        first_snapshot(inv)
    said = CliRunner().invoke(main, ["load", str(database), "--dir", str(SAMPLE_EXPORT)])
    assert said.exit_code == 0, said.output
    last = said.output.rsplit("loaded snapshot", 1)[1]
    assert "the rows had scattered, a viewpoint reads" in last
    assert "the file was compacted with the rows back in node order" in last
    assert said.output.count("compacted") == 1
