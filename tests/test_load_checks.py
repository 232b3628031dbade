"""The load's row checks as the fast loader does them: cells trimmed only where needed, rows
numbered from their place in the file, conflicts found by hashing then confirmed by text,
nothing left behind in the connection."""

import pytest

import numkit

from conftest import (AS_OF, CUST1, NUMBERS_HASHED_ALIKE, PROV, SITE_A, SITE_B, hashed_alike,
                      records, write)

HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def problems_of(inv, tmp_path, numbers, **kwargs):
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(write(tmp_path, "n.csv", numbers), as_of=AS_OF, **kwargs)
    return [(p.row, p.column, p.value, p.reason) for p in refused.value.problems.itertuples()]


def temporaries(inv):
    return inv.con.execute(
        "select 'table', table_name from duckdb_tables() where temporary union all "
        "select 'view', view_name from duckdb_views() where temporary and not internal union all "
        "select 'macro', function_name from duckdb_functions() where database_name = 'temp' "
        "and function_type like '%macro'").fetchall()


def test_a_number_three_times_at_one_node_is_reported_on_each_later_copy(inv, tmp_path):
    found = problems_of(inv, tmp_path, HEADER + f"7001,{SITE_A},Available,,,\n"
                                                f"7001,{SITE_A},Available,,,\n"
                                                f"7001,{SITE_A},Available,,,\n")
    assert sorted((row, reason) for row, _, _, reason in found) == [
        (3, f"duplicate number at node {SITE_A} (rows 2 and 3)"),
        (4, f"duplicate number at node {SITE_A} (rows 2 and 4)"),
    ]


def test_a_number_at_a_site_its_customer_and_its_provider_is_reported_once_a_row(inv, tmp_path):
    found = problems_of(inv, tmp_path, HEADER + f"7001,{SITE_A},Available,,,\n"
                                                f"7001,{CUST1},Available,,,\n"
                                                f"7001,{PROV},Available,,,\n")
    assert sorted((row, reason.split(",")[0]) for row, _, _, reason in found) == [
        (3, f"number also at {SITE_A} (row 2)"),
        (4, f"number also at {SITE_A} (row 2)"),
    ]


def test_copies_of_one_row_give_one_problem_per_extra_copy(inv, tmp_path):
    copies = 3_000
    found = problems_of(inv, tmp_path, HEADER + f"7001,{SITE_A},Available,,,\n" * copies)
    assert len(found) == copies - 1
    assert found[0] == (3, "Internal Number", "7001",
                        f"duplicate number at node {SITE_A} (rows 2 and 3)")
    assert found[-1][3] == f"duplicate number at node {SITE_A} (rows 2 and {copies + 1})"


def test_copies_at_a_customer_and_its_site_give_one_problem_per_later_row_and_check(inv, tmp_path):
    copies = 1_500      # rows 2..1501 at the customer, 1502..3001 at the site
    found = problems_of(inv, tmp_path, HEADER + f"7001,{CUST1},Available,,,\n" * copies
                                              + f"7001,{SITE_A},Available,,,\n" * copies)
    same_path = [(row, reason) for row, _, _, reason in found if "same path" in reason]
    duplicates = [(row, reason) for row, _, _, reason in found if "duplicate" in reason]
    assert len(found) == (copies - 1) + (copies - 1) + copies
    assert [row for row, _ in same_path] == list(range(copies + 2, 2 * copies + 2))
    assert {reason.split(",")[0] for _, reason in same_path} == {f"number also at {CUST1} (row 2)"}
    assert duplicates[-1] == (2 * copies + 1, f"duplicate number at node {SITE_A} "
                                              f"(rows {copies + 2} and {2 * copies + 1})")


def test_two_numbers_hashed_alike_at_one_node_are_not_duplicates(make_inventory):
    first, second = NUMBERS_HASHED_ALIKE
    inv = make_inventory(numbers=HEADER + f"{first},{SITE_A},Available,,,\n"
                                          f"{second},{SITE_A},Available,,,\n")
    assert hashed_alike(SITE_A, first, second)     # else this test tests nothing
    assert sorted(inv.con.execute("select number from numbers").fetchall()) == [
        (first,), (second,)]


def test_a_duplicate_beside_a_number_hashed_alike_is_reported_once(inv, tmp_path):
    first, second = NUMBERS_HASHED_ALIKE
    found = problems_of(inv, tmp_path, HEADER + f"{first},{SITE_A},Available,,,\n"
                                                f"{second},{SITE_A},Available,,,\n"
                                                f"{first},{SITE_A},Available,,,\n")
    assert hashed_alike(SITE_A, first, second)
    assert [(row, reason) for row, _, _, reason in found] == [
        (4, f"duplicate number at node {SITE_A} (rows 2 and 4)")]


def test_numbers_hashed_alike_on_one_path_are_not_the_same_number(make_inventory):
    first, second = NUMBERS_HASHED_ALIKE
    inv = make_inventory(numbers=HEADER + f"{first},{CUST1},Available,,,\n"
                                          f"{second},{SITE_A},Available,,,\n")
    assert hashed_alike(CUST1, first, second)
    assert sorted(inv.con.execute("select number, node from numbers").fetchall()) == [
        (first, CUST1), (second, SITE_A)]


def test_a_number_on_one_path_beside_one_hashed_alike_is_reported(inv, tmp_path):
    first, second = NUMBERS_HASHED_ALIKE
    found = problems_of(inv, tmp_path, HEADER + f"{first},{CUST1},Available,,,\n"
                                                f"{second},{SITE_A},Available,,,\n"
                                                f"{first},{SITE_A},Available,,,\n")
    assert [(row, reason.split(",")[0]) for row, _, _, reason in found] == [
        (4, f"number also at {CUST1} (row 2)")]


def test_copies_of_one_user_give_one_problem_per_extra_copy(inv, tmp_path):
    copies = 3_000
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(write(tmp_path, "n.csv", HEADER + f"7001,{SITE_A},Available,,,\n"),
                 users=write(tmp_path, "u.csv", "Username,Located At\n"
                             + f"alice,{SITE_A}\n" * copies), as_of=AS_OF)
    assert refused.value.total == copies - 1


def test_copies_of_one_node_with_other_types_give_one_problem_per_later_row(inv, tmp_path):
    copies = 3_000
    rows = "".join(f"{CUST1},{'Customer' if i % 2 else 'Site'}\n" for i in range(copies))
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(write(tmp_path, "n.csv", HEADER + f"7001,{SITE_A},Available,,,\n"),
                 hierarchy=write(tmp_path, "h.csv", "Hierarchy,Type\n" + rows), as_of=AS_OF)
    problems = refused.value.problems
    assert refused.value.total == copies // 2      # the rows that differ from the first
    assert set(problems["reason"]) == {f"node {CUST1} has type Site at row 2"}


def bad_rows(count, good=0):
    return HEADER + "".join(f"x{i},{SITE_A},Available,,,\n" for i in range(count)) \
        + "".join(f"{9000 + i},{SITE_A},Available,,,\n" for i in range(good))


def test_a_load_error_lists_at_most_10000_problems_and_counts_them_all(inv, tmp_path):
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(write(tmp_path, "n.csv", bad_rows(10_050)), as_of=AS_OF)
    error = refused.value
    assert len(error.problems) == 10_000 and error.total == 10_050
    assert error.problems["row"].tolist() == list(range(2, 10_002))     # the first, in order
    assert str(error).endswith("; and 10,049 more problems; the first 10,000 are listed")


def test_a_load_error_under_the_cap_lists_every_problem(inv, tmp_path):
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(write(tmp_path, "n.csv", bad_rows(3)), as_of=AS_OF)
    assert len(refused.value.problems) == refused.value.total == 3
    assert str(refused.value).endswith("; and 2 more problem(s)")


def test_a_non_strict_load_rejects_every_bad_row_beyond_the_listed_ones(inv, tmp_path):
    report = inv.load(write(tmp_path, "n.csv", bad_rows(10_050, good=5)), as_of=AS_OF,
                      strict=False)
    assert report.numbers == 5 and report.rejected == 10_050
    assert sorted(inv.sql("select number from numbers")["number"]) == [
        str(9000 + i) for i in range(5)]
    assert inv.sql("select count(*) as n, count(distinct row) as rows from load_rejects "
                   "where load_id = $id", {"id": report.load_id}).iloc[0].tolist() == [10_050] * 2
    assert inv.sql("select rejected from loads where load_id = $id",
                   {"id": report.load_id})["rejected"].tolist() == [10_050]


def test_sibling_sites_and_a_number_written_two_ways_on_them_load(make_inventory):
    inv = make_inventory(numbers=HEADER + f"\\+4420,{SITE_A},Available,,,\n"
                                          f"+4420,{SITE_B},Available,,,\n")
    assert sorted(inv.con.execute("select number, node from numbers").fetchall()) == [
        ("+4420", SITE_A), ("+4420", SITE_B)]


def test_cells_are_trimmed_of_spaces_and_unicode_spaces(make_inventory):
    nbsp, ideographic = "\u00a0", "\u3000"
    inv = make_inventory(numbers=HEADER + f" \\+44 20 ,{nbsp}{SITE_A} , used ,{ideographic}Alice ,"
                                          f"alice{nbsp},2026-12-01 \n"
                                          f"1002,{SITE_A},Available,   ,,\n")
    stored = inv.sql("select number, node, status, reserved_for, used_by, release_date::varchar "
                     "as release_date from numbers order by number")
    assert records(stored, *stored.columns) == [
        ("+4420", SITE_A, "Used", "Alice", "alice", "2026-12-01"),
        ("1002", SITE_A, "Available", None, None, None)]


def test_a_value_of_spaces_only_is_missing(inv, tmp_path):
    found = problems_of(inv, tmp_path, HEADER + f"   ,{SITE_A},Available,,,\n")
    assert found == [(2, "Internal Number", None, "missing number")]


def test_rows_are_numbered_by_their_place_in_a_large_file(inv, tmp_path):
    """Beyond one of DuckDB's row groups (122,880 rows) and its parallel reading: the rows
    after an empty line and a refused line keep their spreadsheet numbers."""
    lines = [f"{100000 + i},{SITE_A},Available,,," for i in range(300_000)]
    lines[150_000] = ""                                   # row 150,002: empty
    lines[200_000] = f"1,{SITE_A}"                        # row 200,002: two values of six
    lines[250_000] = f"bad,{SITE_A},Available,,,"         # row 250,002
    lines[299_999] = f"{100000},{SITE_A},Broken,,,"       # row 300,001: status, duplicate
    found = problems_of(inv, tmp_path, HEADER + "\n".join(lines) + "\n")
    assert [(row, column) for row, column, _, _ in found] == [
        (200_002, None), (250_002, "Internal Number"), (300_001, "Internal Number"),
        (300_001, "Status")]
    assert found[2][3] == f"duplicate number at node {SITE_A} (rows 2 and 300001)"


def test_non_strict_keeps_the_rows_around_holes(inv, tmp_path):
    numbers = write(tmp_path, "n.csv", HEADER + f"8001,{SITE_A},Available,,,\n\n"
                                                f"8002,{SITE_A}\n"
                                                f"x,{SITE_A},Available,,,\n"
                                                f"8003,{SITE_A},Available,,,\n")
    report = inv.load(numbers, as_of=AS_OF, strict=False)
    assert report.numbers == 2 and report.rejected == 2
    assert sorted(inv.sql("select row from load_rejects")["row"]) == [4, 5]
    assert sorted(inv.sql("select number from numbers")["number"]) == ["8001", "8003"]


def test_nothing_is_left_in_the_connection_after_a_load(inv, tmp_path):
    with inv.holding():
        inv.load(write(tmp_path, "n.csv", HEADER + f"8001,{SITE_A},Available,,,\n"), as_of=AS_OF)
        assert temporaries(inv) == []
        with pytest.raises(numkit.LoadError):
            inv.load(write(tmp_path, "bad.csv", HEADER + f"x,{SITE_A},Available,,,\n"), as_of=AS_OF)
        assert temporaries(inv) == []


def test_a_file_database_gets_its_memory_setting_back(tmp_path):
    inv = numkit.connect(tmp_path / "inventory.duckdb")
    with inv.holding():
        before = inv.con.execute("select current_setting('memory_limit')").fetchall()
        inv.load(write(tmp_path, "n.csv", HEADER + f"8001,{SITE_A},Available,,,\n"), as_of=AS_OF)
        assert inv.con.execute("select current_setting('memory_limit')").fetchall() == before


def test_a_file_duckdb_fails_to_read_is_a_load_error_and_changes_nothing(tmp_path, monkeypatch):
    inv = numkit.connect(tmp_path / "inventory.duckdb")
    inv.load(write(tmp_path, "n.csv", HEADER + f"8001,{SITE_A},Available,,,\n"), as_of=AS_OF)
    from numkit.loading import sources
    real = sources.statement
    monkeypatch.setattr(sources, "statement", lambda name: "select * from read_csv('/no/such/file.csv')"
                        if name == "load/read_numbers" else real(name))
    with inv.holding():
        before = inv.con.execute("select current_setting('memory_limit')").fetchall()
        with pytest.raises(numkit.LoadError, match="cannot read the file"):
            inv.load(write(tmp_path, "n2.csv", HEADER + f"8002,{SITE_A},Available,,,\n"),
                     users=write(tmp_path, "u.csv", "Username,Located At\n,x\n"), as_of=AS_OF)
        assert inv.con.execute("select current_setting('memory_limit')").fetchall() == before
        assert temporaries(inv) == []
    assert inv.sql("select number from numbers")["number"].tolist() == ["8001"]


def test_rows_keep_their_numbers_when_insertion_order_is_not_preserved(inv, tmp_path):
    with inv.holding():
        inv.con.execute("set preserve_insertion_order = false")
        lines = [f"{100000 + i},{SITE_A},Available,,," for i in range(200_000)]
        lines[199_000] = f"bad,{SITE_A},Available,,,"
        found = problems_of(inv, tmp_path, HEADER + "\n".join(lines) + "\n")
        assert [(row, column) for row, column, _, _ in found] == [(199_002, "Internal Number")]
        assert inv.con.execute("select current_setting('preserve_insertion_order')").fetchall() == [(False,)]


def test_a_non_strict_load_rejects_a_runaway_path_and_loads_the_rest(tmp_path):
    deep = SITE_A + ".a" * 2995      # 3,000 levels: expanded, it would take gigabytes
    inv = numkit.connect(tmp_path / "inventory.duckdb")
    report = inv.load(write(tmp_path, "n.csv", HEADER + f"8001,{SITE_A},Available,,,\n"
                                                        f"8002,{deep},Available,,,\n"),
                      as_of=AS_OF, strict=False)
    assert report.numbers == 1 and report.rejected == 1
    assert inv.sql("select row, value, reason from load_rejects").values.tolist() == [
        [3, deep[:100] + "… (6,018 characters)",
         "a node path has 3,000 levels; at most 32 are allowed"]]
    assert inv.sql("select max(len(string_split(node, '.'))) as levels from nodes"
                   )["levels"].tolist() == [5]
