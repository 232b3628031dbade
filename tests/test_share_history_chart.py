"""What the trend chart draws (rules R34, R35): each node's share available at each snapshot,
the alert share as a line, and for a node being used up its forecast carried on dashed for
charts.PROJECTED_WEEKS weeks from the latest snapshot, down to none left; a node not being
used up gets no forecast line."""

import pandas as pd
import pytest
from matplotlib.dates import num2date

from numkit.reports import charts

FALLING = "sys.hcs.Prov-1.Cust-1.Site-B"
FLAT = "sys.hcs.Prov-1.Cust-1.Site-D"
DATES = pd.to_datetime(["2026-10-02", "2026-10-09", "2026-10-16"])


def history():
    """Site-B: 100 numbers, 60, 50, 40 available; Site-D: 100, 70 available throughout."""
    rows = [(FALLING, date, 100, available) for date, available in zip(DATES, (60, 50, 40))]
    rows += [(FLAT, date, 100, 70) for date in DATES]
    frame = pd.DataFrame(rows, columns=["node", "as_of", "total", "available"])
    frame["type"] = "Site"
    frame["share_available"] = frame["available"] / frame["total"]
    return frame


def forecast():
    return pd.DataFrame({"node": [FALLING, FLAT], "as_of": [DATES[-1]] * 2,
                         "total": [100, 100], "available": [40, 70],
                         "taken_per_week": [10.0, 0.0]})


def lines_of(figure):
    """{(style, first date): (dates, shares)} of the figure's drawn lines."""
    drawn = {}
    for line in figure.axes[0].get_lines():
        xs, ys = line.get_xdata(), line.get_ydata()
        dates = [pd.Timestamp(num2date(x) if isinstance(x, float) else x).tz_localize(None)
                 for x in xs]
        drawn.setdefault(line.get_linestyle(), []).append((dates, [float(y) for y in ys]))
    return drawn


def test_each_node_s_shares_the_alert_and_the_falling_node_s_forecast_are_drawn():
    figure = charts.share_history_figure(history(), 0.2, forecast())
    drawn = lines_of(figure)
    solid = sorted(drawn["-"], key=lambda line: line[1][0])
    assert solid == [(list(DATES), [0.6, 0.5, 0.4]), (list(DATES), [0.7, 0.7, 0.7])]
    (alert_dates, alert_shares), = drawn[":"]
    assert alert_shares == [0.2, 0.2]
    (dates, shares), = drawn["--"]          # Site-B only: Site-D is not being used up
    weeks = range(charts.PROJECTED_WEEKS + 1)
    assert dates == [DATES[-1] + pd.Timedelta(weeks=week) for week in weeks]
    # 40 of 100 left, 10 a week: 0.4, 0.3, ... down to none, never below
    assert shares == pytest.approx([max(0.0, (40 - 10 * week) / 100) for week in weeks])
    assert shares[4:] == [0.0] * (len(shares) - 4)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == ["Site-B", "Site-D", "alert below 20%"]


def test_without_a_forecast_only_the_history_and_the_alert_are_drawn():
    drawn = lines_of(charts.share_history_figure(history(), 0.2))
    assert "--" not in drawn and len(drawn["-"]) == 2


def test_a_node_holding_no_numbers_is_not_drawn():
    empty = history().assign(total=0, available=0, share_available=0.0)
    figure = charts.share_history_figure(empty, 0.2, forecast())
    assert not figure.axes[0].get_lines()
    assert [text.get_text() for text in figure.axes[0].texts] == [
        "No numbers in the snapshots loaded."]
