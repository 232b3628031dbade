"""Reports come through Arrow (numkit.frames) with the very columns DuckDB's .df() gives."""

import pandas as pd
import pytest

from numkit.frames import frame

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
