"""When a load puts the number rows back in node order (rules R36).

The rules read a viewpoint's rows by node id, and DuckDB skips every row group whose
smallest and largest node id leave out the viewpoint's ancestors. A first load writes the
rows in node-id order, so a viewpoint reads a few groups. A weekly load writes only the rows
that changed, appended after the others, each load's in node-id order: each of those groups
spans many nodes and is read by many viewpoints. Once a viewpoint reads, on average, more
than REWRITE_AFTER row groups beyond what the same rows in order would take, the next load
rewrites every row in order (and drops and rebuilds the indexes for it), about the cost of a
first load.
"""

from dataclasses import dataclass

from ..schema import statement
from ..storage import ROW_GROUP_ROWS

# Each extra group costs a viewpoint one more block of node ids to read (tens of
# microseconds). At 1 % churn a weekly load adds about one to two groups per viewpoint
# (measured at 1 M rows: 2.2 in order, 3.2 after one week), so the rows are put back in
# order every few weeks, not every week.
REWRITE_AFTER = 8


@dataclass(frozen=True)
class Layout:
    now: float          # row groups a viewpoint reads, on average, as the rows lie
    in_order: float     # ... were they written again in node-id order

    @property
    def scattered(self):
        return self.now > self.in_order + REWRITE_AFTER

    def describe(self):
        return (f"a viewpoint reads {self.now:.1f} row groups on average ({self.in_order:.1f} "
                "with the rows in node order)")


def measure(con):
    now, in_order = con.execute(statement("statements/layout_reads"),
                                {"group_rows": ROW_GROUP_ROWS}).fetchall()[0]
    return Layout(float(now), float(in_order))


def rewrite_due(con):
    """Whether the next load writes every row: into a database that holds no snapshot, or
    when the rows have scattered (Layout.scattered)."""
    if not con.execute("select exists (select 1 from loads)").fetchall()[0][0]:
        return True
    return measure(con).scattered
