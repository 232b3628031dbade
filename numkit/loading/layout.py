"""When a load puts the number rows back in node order (rules R36).

The rules read a viewpoint's rows by node id, and DuckDB skips every row group whose
smallest and largest node id leave out the viewpoint's ancestors. A first load writes the
rows in node-id order, so a viewpoint reads a few groups. A weekly load updates the rows that
changed where they lie, and writes the rows new to the inventory (new ranges, numbers moved
to another node, numbers back again) after the others, each load's in node-id order: each of
those groups spans many nodes and is read by many viewpoints. Once a viewpoint reads, on
average, more than REWRITE_AFTER row groups beyond what the same rows in order would take,
the next load rewrites every row in order, about the cost of a first load.
"""

from dataclasses import dataclass

from ..schema import statement
from ..storage import ROW_GROUP_ROWS

# Each extra group is one more block a viewpoint reads. Measured at 1 M rows and 1 % churn
# (weekly loads updating changed rows in place): 2.2 groups in order, 3.2 after the first
# week, still 3.2 after seven (the new rows of several weeks fill one group), 3.9 after
# eight. With rows appended rather than updated, 52 weeks reached 10 groups and
# available_numbers' p95 doubled (benchmarks/README.md, "History").
REWRITE_AFTER = 4


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
