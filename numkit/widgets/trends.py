"""The overview panel's trends: a node's available share over the snapshots with its
forecast line, and the nodes running out (docs/rules.md R34, R35)."""

import ipywidgets as w

from ..reports import charts
from ..reports.trends import (FORECAST_SNAPSHOTS, RUNNING_OUT_WEEKS, holding_numbers,
                              running_out)
from .common import note, show, table


class Trends(w.VBox):
    """Pick a node: its share available at every snapshot, carried on as its trend goes;
    below, the nodes reaching the alert within RUNNING_OUT_WEEKS weeks."""

    def __init__(self, session):
        self.session = session
        self.node = w.Dropdown(description="Node", options=[], layout=w.Layout(width="480px"))
        self.summary = w.HTML()
        self.chart = w.Image(format="png")
        self.running = table(caption=f"Nodes reaching the alert within {RUNNING_OUT_WEEKS} weeks, "
                                     f"at the pace of the last {FORECAST_SNAPSHOTS} snapshots")
        self._forecast, self._alert_share, self._history, self._picked = None, None, None, None
        self._presenting = False
        self.node.observe(self._node_picked, "value")
        super().__init__([self.node, self.summary, self.chart, self.running])

    def read(self, inv):
        """Read the forecast, and the history of the node to chart, from `inv` (held by the
        caller); `show` shows them once the reading is over (the session's short node names
        are known then)."""
        self._forecast = inv.run_out_forecast(over=FORECAST_SNAPSHOTS)
        self._alert_share = inv.settings["alert_share"]
        nodes = list(self._forecast["node"])
        # the node picked stays picked while there is a forecast for it, else the node
        # holding numbers nearest the alert (the first of the list below, when one is in it)
        held = list(holding_numbers(self._forecast)["node"]) or nodes
        picked = self.node.value if self.node.value in nodes else (held[0] if held else None)
        self._history = None if picked is None else inv.utilization_history(node=picked)
        self._picked = picked

    def show(self):
        show(self.running, running_out(self._forecast))
        names = self.session.node_names
        self._presenting = True
        try:
            self.node.options = [(names.get(node, node), node) for node in self._forecast["node"]]
            self.node.value = self._picked
        finally:
            self._presenting = False
        self._draw()

    def _node_picked(self, _change):
        if self._presenting or self._forecast is None or self.node.value is None:
            return
        with self.session.reading() as inv:
            self._history = inv.utilization_history(node=self.node.value)
        self._draw()

    def _draw(self):
        node = self.node.value
        if node is None:
            self.summary.value = note("info", "Nothing loaded yet: no history to show.")
            self.chart.value = b""
            return
        row = self._forecast.set_index("node").loc[node]
        self.chart.value = charts.share_history_chart(
            self._history, self._alert_share, self._forecast[self._forecast["node"] == node])
        self.summary.value = note(*describe(self.node.label, row, self._alert_share))


def describe(name, row, alert_share):
    """(kind, words) for a node's forecast row, as the summary above its chart says it."""
    now = f"{name}: {row['available']:,} of {row['total']:,} numbers available now"
    taken = row["taken_per_week"]
    if taken != taken or taken is None:      # NaN: fewer than two snapshot dates
        return "info", f"{now}. One snapshot date only: no trend yet."
    sure = f"how sure: {row['confidence']} ({row['snapshots']} snapshots, r² {row['r_squared']:.2f})"
    if taken <= 0:
        return "ok", (f"{now}; not falling (net {-taken:,.1f} a week freed or added): "
                      f"no run-out; {sure}.")
    kind = "warning" if row["weeks_to_alert"] <= RUNNING_OUT_WEEKS else "info"
    return kind, (f"{now}; {taken:,.1f} taken a week: the {alert_share:.0%} alert in "
                  f"{row['weeks_to_alert']:,.1f} weeks, none left in {row['weeks_to_none']:,.1f}; "
                  f"{sure}.")
