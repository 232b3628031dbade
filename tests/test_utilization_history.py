"""Utilization history (docs/rules.md#r34-utilization-history): per snapshot and node, the
counts node_utilization would have given at that snapshot's date, read from the versions."""

import datetime as dt

import pandas as pd
import pytest

import numkit

from conftest import CUST1, SITE_A, SITE_B, SITE_D
from weekly_series import START, load_series, random_series, series_hierarchy


def naive_history(inv):
    """The definition, the slow way: every snapshot's rows as whole copies, each judged at
    that snapshot's own date (as of and snapshot date, R7), counted at every node above."""
    loads = inv.sql("select load_id, as_of from loads")
    rows = inv.sql("select load_id, node, status, release_date from snapshot_numbers")
    rows = rows.merge(loads, on="load_id")
    day = rows["as_of"].dt.date
    release = rows["release_date"].dt.date
    released = (rows["status"].isin(["Reserved", "Cooling"]) & rows["release_date"].notna()
                & (release <= day)
                & ~((rows["status"] == "Cooling") & (release < day - dt.timedelta(days=20))))
    rows["available"] = (rows["status"] == "Available") | released.fillna(False).astype(bool)
    counted = {}
    for (load_id, node), group in rows.groupby(["load_id", "node"]):
        parts = node.split(".")
        for level in range(1, len(parts) + 1):
            key = (load_id, ".".join(parts[:level]))
            total, available = counted.get(key, (0, 0))
            counted[key] = (total + len(group), available + int(group["available"].sum()))
    for load_id, node in inv.sql("select load_id, node from snapshot_nodes").itertuples(index=False):
        counted.setdefault((load_id, node), (0, 0))
    return counted


def as_counts(history):
    return {(row.load_id, row.node): (row.total, row.available)
            for row in history.itertuples(index=False)}


@pytest.fixture(scope="module", params=[1, 2])
def series_inventory(request, tmp_path_factory):
    return load_series(tmp_path_factory.mktemp("series"), random_series(request.param),
                       hierarchy=series_hierarchy())


def test_history_counts_what_each_snapshot_held_at_its_own_date(series_inventory):
    history = series_inventory.utilization_history()
    expected = naive_history(series_inventory)
    assert as_counts(history) == expected
    # the series exercises what the counting from versions has to get right
    versions = series_inventory.sql("select * from number_versions")
    assert versions["to_load"].notna().sum() > 20
    assert (versions["status"] == "Cooling").any() and (versions["status"] == "Reserved").any()


def test_history_shares_are_available_over_total(series_inventory):
    history = series_inventory.utilization_history()
    held = history[history["total"] > 0]
    assert (held["share_available"] == held["available"] / held["total"]).all()
    assert history[history["total"] == 0]["share_available"].isna().all()


def test_history_narrows_to_one_node_and_to_one_level(series_inventory):
    everything = series_inventory.utilization_history()
    one = series_inventory.utilization_history(node=CUST1)
    assert set(one["node"]) == {CUST1}
    assert as_counts(one) == as_counts(everything[everything["node"] == CUST1])
    sites = series_inventory.utilization_history(level="site")
    assert set(sites["type"]) == {"Site"}
    assert as_counts(sites) == as_counts(everything[everything["type"] == "Site"])


def test_history_names_each_snapshot_with_its_date(series_inventory):
    history = series_inventory.utilization_history(node=SITE_A)
    loads = series_inventory.snapshots()
    assert history["load_id"].tolist() == loads["load_id"].tolist()
    assert history["as_of"].tolist() == loads["as_of"].tolist()


def test_a_reservation_ending_between_snapshots_is_available_from_the_next(tmp_path):
    day = dt.timedelta(days=1)
    rows = [("100", SITE_B, "Reserved", START + 10 * day),
            ("101", SITE_B, "Cooling", START + 3 * day),      # stuck 21 days after it ends
            ("102", SITE_B, "Used", None)]
    inv = load_series(tmp_path, [(START + 7 * week * day, rows) for week in range(5)])
    history = inv.utilization_history(node=SITE_B)
    # 0: neither has ended; 7: the cooling has; 14: both; 28: the cooling is stuck
    assert history["available"].tolist() == [0, 1, 2, 2, 1]


def test_the_latest_snapshot_agrees_with_node_utilization_at_its_date(series_inventory):
    latest = series_inventory.snapshots()["as_of"].iloc[-1]
    series_inventory.as_of = latest
    now = series_inventory.utilization().set_index("node")
    history = series_inventory.utilization_history()
    last = history[history["load_id"] == history["load_id"].max()].set_index("node")
    assert (now.loc[last.index, ["total", "available"]].astype(int)
            == last[["total", "available"]].astype(int)).all().all()


def test_an_unknown_node_or_level_is_refused_by_name(series_inventory):
    with pytest.raises(numkit.UnknownNode, match="Site-Nowhere"):
        series_inventory.utilization_history(node=f"{CUST1}.Site-Nowhere")
    with pytest.raises(numkit.InvalidOperation, match="'Campus'"):
        series_inventory.utilization_history(level="Campus")


def test_a_node_gone_from_the_hierarchy_keeps_its_past(tmp_path):
    week = dt.timedelta(days=7)
    first = [("100", SITE_B, "Available", None), ("200", SITE_D, "Used", None)]
    inv = load_series(tmp_path, [(START, first), (START + week, first[1:])],
                      hierarchy="Hierarchy,Type\n" + f"{SITE_D},Site\n")
    history = inv.utilization_history(node=SITE_B)
    assert history[["load_id", "total", "available"]].values.tolist() == [[1, 1, 1]]


def test_history_without_snapshots_is_empty():
    inv = numkit.connect(":memory:")
    assert inv.utilization_history().empty
    assert list(inv.utilization_history().columns) == [
        "load_id", "as_of", "node", "type", "total", "available", "share_available"]


@pytest.mark.parametrize("column", ["total", "available"])
def test_history_counts_are_whole_numbers(series_inventory, column):
    assert pd.api.types.is_integer_dtype(series_inventory.utilization_history()[column])
