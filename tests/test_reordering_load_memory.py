"""A load that writes every row again in node order (load.row_order: a numbers file of
another header, or scattered rows in a file that cannot be compacted then) sorts rows kept
once as a table, not rows each joined to its line's hash as the sort reads them: at
10 M numbers that join held about 540 MB of the load's 1 GB bound through the sort, and the
load was refused for memory (benchmarks/README.md, "Run of 2026-12-04 at `1e8d91d`" and
its "Fixed" paragraph). The rows it writes are those the join gives: the line hashes stay with them,
so the next weekly load still parses only the lines that changed."""

import numkit
from numkit import weekly
from numkit.loading import lines
from numkit.loading import load as loading


def test_a_reordering_load_sorts_rows_that_no_longer_join_their_lines(tmp_path, monkeypatch):
    inv = numkit.connect(tmp_path / "inventory.duckdb")
    folder = tmp_path / "week"
    sorted_plans = []
    pair = loading._pair_with_inventory

    def paired_then_planned(con):
        pair(con)
        sorted_plans.append("\n".join(
            row[-1] for row in con.execute("explain select * from load_rows order by node_id")
            .fetchall()))
    monkeypatch.setattr(loading, "_pair_with_inventory", paired_then_planned)

    reports = []
    for week, changes in enumerate(weekly.weeks(folder, 2, numbers=2_000, sites=12, seed=3,
                                                churn=0.05)):
        with monkeypatch.context() as forced:
            if week == 1:
                forced.setattr(lines, "rewrite_due", lambda con, source: True)
            reports.append(inv.load(folder / "numbers.csv", users=folder / "users.csv",
                                    hierarchy=folder / "hierarchy.csv", as_of=changes["as_of"],
                                    allow_future=True))
    assert len(sorted_plans) == 1, "week 1 alone writes every row again"
    assert "JOIN" not in sorted_plans[0].upper(), sorted_plans[0]
    # the rows written keep their lines' hashes: week 2 parses only its changed lines
    assert inv.sql("select count(*) filter (where line_hash is null) as unhashed "
                   "from numbers")["unhashed"][0] == 0
    assert reports[2].changed_lines is not None and 0 < reports[2].changed_lines < 2_000
    assert inv.check().empty
