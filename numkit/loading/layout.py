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

# Each extra group is one more block a viewpoint reads, and it shows: at 10 M rows and 1 %
# churn a weekly load adds about 0.5-1 group (new ranges, moved and returning numbers), and
# with 5.5 groups against 2.4 in order available_numbers' p95 was 7.3 ms beside a floor of
# 2.9 ms (benchmarks/README.md, "History"). A load that rewrites every row costs about what
# a weekly load costs there (40 s against 38 s), so the rows are put back in order as soon
# as a viewpoint reads one group more than it would.
REWRITE_AFTER = 1


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
