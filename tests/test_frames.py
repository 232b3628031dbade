"""Reports come through Arrow (numkit.frames) with the very columns DuckDB's .df() gives."""

import pandas as pd
import pytest

from numkit.frames import frame, short_frame
from numkit.reports.display import for_display


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


ROWS = """select * from (values
    ('a', null::varchar, 1, null::bigint, date '2026-01-01', null::date, true, null::boolean,
     1.5, 2::integer, null::integer, timestamp '2026-01-02 03:04:05'),
    (null, null, 2, 5, null, null, false, null, null, 3, 4, null)
) as t(text, no_text, whole, gaps, day, no_day, flag, no_flag, amount, small, small_gaps, stamp)"""


@pytest.mark.parametrize("query", [ROWS, ROWS + " where false", ROWS + " where whole = 2"],
                         ids=["rows", "empty", "one row"])
def test_frame_is_what_df_gives(inv, query):
    pd.testing.assert_frame_equal(frame(inv.con.sql(query)), inv.con.execute(query).df())


@pytest.mark.parametrize("view", ["deleted_user_reservations", "stuck_cooling",
                                  "stranded_reservations", "node_utilization"])
def test_report_frames_are_what_df_gives(inv, view):
    inv.reserve_for("2002", "alice")        # a stranded reservation
    query = f"select * from {view}"
    pd.testing.assert_frame_equal(frame(inv.con.sql(query)), inv.con.execute(query).df())


@pytest.mark.parametrize("node", ["sys.hcs.Prov-1.Cust-1.Site-B", "sys.hcs.Prov-1.Cust-1",
                                  "sys.hcs.Prov-1.Cust-2.Site-D"])
def test_short_frames_of_candidates_are_what_df_gives(inv, node):
    query = "select * from available_numbers('u', $node)"
    shown = short_frame(inv.con.execute(query, {"node": node}))
    pd.testing.assert_frame_equal(shown, inv.con.execute(query, {"node": node}).df())
    assert len(shown) > 0


def test_no_candidates_is_the_empty_frame_df_gives(inv):
    query = "select * from available_numbers('u', 'sys.hcs.Prov-1.Cust-1.Site-B') where false"
    pd.testing.assert_frame_equal(short_frame(inv.con.execute(query)), inv.con.execute(query).df())


def test_a_numbered_short_frame_counts_its_rows_from_1(inv):
    query = "select * from available_numbers('u', 'sys.hcs.Prov-1.Cust-1.Site-B')"
    numbered = short_frame(inv.con.execute(query), numbered=True)
    expected = inv.con.execute(query).df()
    expected["position"] = range(1, len(expected) + 1)
    pd.testing.assert_frame_equal(numbered, expected)
    empty = short_frame(inv.con.execute(query + " where false"), numbered=True)
    assert list(empty.columns)[-1] == "position" and empty.empty


def test_for_display_shows_missing_values_as_empty_cells_and_dates_as_dates():
    frame = pd.DataFrame({
        "text": pd.Series(["a", None], dtype="str"),
        "anything": [None, "b"],
        "count": pd.array([1, None], dtype="Int64"),
        "share": [0.5, float("nan")],
        "day": pd.to_datetime(["2026-09-24", None]),
        "at": pd.to_datetime(["2026-09-24 10:30:00", "2026-09-25 00:00:00"]),
        "flag": [True, False],
    })
    shown = for_display(frame)
    assert shown.iloc[1].tolist() == ["", "b", "", "", "", "2026-09-25 00:00:00", ""]
    assert shown.iloc[0].tolist() == ["a", "", 1, 0.5, "2026-09-24", "2026-09-24 10:30:00", "Yes"]
    assert frame["text"].isna().tolist() == [False, True]        # the frame given is left as it was
