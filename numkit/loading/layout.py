"""When a load puts the number rows back in node order (rules R36).

The rules read a viewpoint's rows by node id, and DuckDB skips every row group whose
smallest and largest node id leave out the viewpoint's ancestors. A first load writes the
rows in node-id order, so a viewpoint reads a few groups. A weekly load marks the rows that
changed deleted where they lie and appends the snapshot's changed and new rows after the
others, in node-id order and in small row groups (storage.CHANGE_GROUP_ROWS): each group
spans a few dozen sites, and every viewpoint reads a few more of them each week. Once a
viewpoint reads, on average, more than REWRITE_AFTER_ROWS rows beyond what the same rows in
order would take, the next load puts them back in order (load.row_order): it writes its
changes, then compacts the file, which copies every row in node order (numkit.compaction);
where the file cannot be compacted then (a memory database, a load inside a batch or a
rehearsal) it writes every row again in order, about the cost of a first load.
"""

from dataclasses import dataclass

from .. import storage
from ..schema import statement

# Half of one of numkit's row groups (storage.ROW_GROUP_ROWS). Each row a viewpoint reads
# more costs about the same however the groups are cut: at 10 M numbers one more group of
# 32,768 rows a week cost available_numbers about 0.5 ms of p95, and 30,000 more rows in
# groups of 2,048 (12 weeks of 1 % churn) 0.8 ms. In groups of 2,048 a viewpoint reads some
# 2,550 rows more a week, so the rows are put back in order every ninth week
# (benchmarks/README.md, "52 weeks with the changes in small row groups").
REWRITE_AFTER_ROWS = 16_384


@dataclass(frozen=True)
class Layout:
    now: float          # rows a viewpoint reads, on average, as the rows lie
    in_order: float     # ... were they written again in node-id order

    @property
    def scattered(self):
        return self.now > self.in_order + REWRITE_AFTER_ROWS

    def describe(self):
        return (f"a viewpoint reads {self.now:,.0f} rows on average ({self.in_order:,.0f} "
                "with the rows in node order)")


def measure(con):
    now, in_order = con.execute(statement("statements/layout_reads"),
                                {"group_rows": storage.ROW_GROUP_ROWS}).fetchall()[0]
    return Layout(float(now), float(in_order))
