"""When a load puts the number rows back in node order (docs/rules.md, "History and weekly
loads").

The rules read a viewpoint's rows by node id, and DuckDB skips every row group whose
smallest and largest node id leave out the viewpoint's ancestors. A first load writes the
rows in node-id order, so a viewpoint reads a few groups. A weekly load writes only the rows
that changed, appended after the others, each load's in node-id order: each of those groups
spans many nodes and is read by most viewpoints. Once the groups a viewpoint reads on
average have grown past REWRITE_WHEN times what the same rows in order would take, the next
load rewrites every row in order (and drops and rebuilds the indexes for it), about the
cost of a first load.
"""

from dataclasses import dataclass

from ..schema import statement
from ..storage import ROW_GROUP_ROWS

# Measured at 10 M rows (benchmarks/README.md, "History"): a viewpoint reads about
# three groups in order; each appended load adds about one.
REWRITE_WHEN = 1.5


@dataclass(frozen=True)
class Layout:
    now: float          # row groups a viewpoint reads, on average, as the rows lie
    in_order: float     # ... were they written again in node-id order

    @property
    def scattered(self):
        return self.now > REWRITE_WHEN * self.in_order

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
