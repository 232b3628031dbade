"""The utilization chart of a large inventory shows the nodes with the least available share,
at most charts.UTILIZATION_BARS of them, and says how many it leaves out; a small one shows
every node that holds numbers."""

import pandas as pd
import pytest

from numkit.reports import charts


def utilization(nodes):
    """`nodes` sites, the share available falling with the site's number (ties in pairs)."""
    return pd.DataFrame({
        "node": [f"sys.hcs.Prov-1.Cust-1.Site-{k:04d}" for k in range(nodes)],
        "type": "Site",
        "total": [0 if k == 3 else 100 for k in range(nodes)],
        "share_available": [1 - (k // 2) / nodes for k in range(nodes)],
        "alert": [k > nodes * 0.8 for k in range(nodes)],
    })


def bars_of(figure):
    axes = figure.axes[0]
    return [tick.get_text() for tick in axes.get_yticklabels()], axes.get_title()


def test_a_large_inventory_s_chart_shows_the_least_available_nodes_and_says_so():
    usage = utilization(500)
    labels, title = bars_of(charts.utilization_figure(usage, 0.3))
    least = usage[usage["total"] > 0].sort_values(["share_available", "node"]).head(charts.UTILIZATION_BARS)
    assert labels == [node.rsplit(".", 1)[-1] for node in least["node"]]
    assert len(labels) == charts.UTILIZATION_BARS
    assert title == f"The {charts.UTILIZATION_BARS} nodes with the least available, of 499"
    png = charts.utilization_chart(usage, 0.3)
    height = int.from_bytes(png[20:24], "big")      # the PNG header's height, in pixels
    assert png[:4] == b"\x89PNG" and height < 90 * charts.bars_height(charts.UTILIZATION_BARS + 5)


@pytest.mark.parametrize("nodes", [5, charts.UTILIZATION_BARS + 1])
def test_a_chart_of_few_enough_nodes_shows_each_node_holding_numbers_and_no_title(nodes):
    usage = utilization(nodes)
    labels, title = bars_of(charts.utilization_figure(usage, 0.3))
    assert len(labels) == nodes - 1 and title == ""      # site 3 holds no numbers
