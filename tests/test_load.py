"""Loading exports: headers, checks, all-or-nothing, snapshots (rules R4, R27)."""

import datetime as dt
import json

import pandas as pd
import pytest

import numkit
from numkit.loading.sources import HEADERS, REQUIRED
from numkit.schema import index_files, statement

from conftest import (AS_OF, CUST1, CUST2, HIERARCHY, NUMBERS, SITE_A, SITE_B, SITE_D, USERS, export_folder,
                      export_folder_without, records, write)


def tables(inv):
    return {t: inv.sql(f"select * from {t}") for t in
            ("numbers", "users", "deleted_users", "nodes", "loads", "events", "load_rejects")}


def assert_unchanged(inv, before):
    for name, frame in tables(inv).items():
        assert frame.equals(before[name]), name


def test_voss_headers_in_any_case_and_spacing(make_inventory):
    inv = make_inventory(numbers=f"INTERNAL_NUMBER;located-at;STATUS;Cooling End Date\n"
                                 f"\\+4420;{SITE_A};cooling;2026-12-01 00:00:00\n", users=None)
    stored = inv.store.rows("select number, node, status, release_date from numbers")
    assert stored == [{"number": "+4420", "node": SITE_A, "status": "Cooling",
                       "release_date": dt.date(2026, 12, 1)}]


def test_a_snapshot_date_followed_by_other_text_is_not_a_date(inv, tmp_path):
    """A time after the date is dropped, anything else refused (it was cut off unread)."""
    numbers = write(tmp_path, "n.csv", NUMBERS)
    with pytest.raises(numkit.InvalidOperation, match="'2026-11-23 garbage' is not a date"):
        inv.load(numbers, as_of="2026-11-23 garbage")
    assert inv.load(numbers, as_of="2026-11-23 08:00:00").as_of == AS_OF


def test_missing_status_column_means_available(make_inventory):
    inv = make_inventory(numbers=f"number,node\n1,{SITE_A}\n", users=None)
    assert inv.sql("select status from numbers")["status"].tolist() == ["Available"]


def test_unknown_columns_are_kept(make_inventory):
    inv = make_inventory(numbers=f"number,node,Carrier,E164 Mask\n1,{SITE_A},BT,+44\n", users=None)
    assert json.loads(inv.sql("select extra from numbers")["extra"][0]) == {"Carrier": "BT", "E164 Mask": "+44"}


def test_unknown_user_columns_are_kept(make_inventory):
    inv = make_inventory(numbers=f"number,node\n1,{SITE_A}\n",
                         users=f"Username,Located At,Email,Department\nbob,{SITE_A},bob@example.com,Sales\n"
                               f"carol,{SITE_B},,\n")
    kept = {row["username"]: row["extra"] for row in inv.store.rows("select username, extra from users")}
    assert json.loads(kept["bob"]) == {"Email": "bob@example.com", "Department": "Sales"}
    assert json.loads(kept["carol"]) == {"Email": None, "Department": None}
    inv.onboard("dave", SITE_A)       # a user numkit adds has none
    assert inv.store.scalar("select extra from users where username = 'dave'") is None
    inv.move_user("bob", SITE_B)
    assert json.loads(inv.store.scalar("select extra from users where username = 'bob'"))["Email"] == "bob@example.com"


def test_every_problem_of_every_file_is_reported_and_nothing_changes(inv, tmp_path):
    before = tables(inv)
    numbers = write(tmp_path, "bad-numbers.csv", f"""\
Internal Number,Located At,Status,Reserved For,Used By,Release Date
12x,{SITE_A},Available,,,
2,{SITE_A},,,,
3,{SITE_A},Broken,,,
4,{SITE_A},Cooling,,,31/12/2026
5,{SITE_A},Available,,alice,
6,{SITE_A},Used,,nobody,
7,{SITE_A},Used,bob,alice,
8,{SITE_A}..x,Available,,,
9,{SITE_A},Available,,,
9,{CUST1},Available,,,
""")
    users = write(tmp_path, "bad-users.csv", f"Username,Located At\nalice,{SITE_A}\nALICE,{SITE_B}\n,{SITE_B}\n")
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, users=users)
    problems = refused.value.problems
    assert list(problems.columns) == ["file", "row", "column", "value", "reason"]
    found = {(p.file.rsplit("/", 1)[-1], p.row, p.column) for p in problems.itertuples()}
    assert found == {
        ("bad-numbers.csv", 2, "Internal Number"), ("bad-numbers.csv", 3, "Status"),
        ("bad-numbers.csv", 4, "Status"), ("bad-numbers.csv", 5, "Release Date"),
        ("bad-numbers.csv", 6, "Used By"), ("bad-numbers.csv", 7, "Used By"),
        ("bad-numbers.csv", 8, "Reserved For"), ("bad-numbers.csv", 9, "Located At"),
        ("bad-numbers.csv", 11, "Internal Number"),
        ("bad-users.csv", 3, "Username"), ("bad-users.csv", 4, "Username"),
    }
    value_of = {(p.row, p.column): p.value for p in problems.itertuples()}
    assert value_of[2, "Internal Number"] == "12x" and value_of[5, "Release Date"] == "31/12/2026"
    assert "bad-numbers.csv, row 2, column Internal Number" in str(refused.value)
    assert_unchanged(inv, before)


def test_overlap_across_customers_is_legal(inv):
    assert len(inv.sql("select * from numbers where number = '1001'")) == 2


def test_missing_required_column(inv, tmp_path):
    before = tables(inv)
    with pytest.raises(numkit.LoadError, match="missing required column node"):
        inv.load(write(tmp_path, "n.csv", "number,status\n1,Available\n"))
    assert_unchanged(inv, before)


def test_missing_file_is_a_load_error(inv, tmp_path):
    with pytest.raises(numkit.LoadError, match="file not found"):
        inv.load(tmp_path / "nope.csv")


def test_non_strict_keeps_rejects(inv, tmp_path):
    numbers = write(tmp_path, "n.csv", f"number,node,status\n1,{SITE_A},Available\nx,{SITE_A},Available\n"
                                       f"1,{SITE_A},Used\n")
    report = inv.load(numbers, strict=False)
    assert report.rejected == 2 and report.numbers == 1
    rejects = inv.sql("select row, \"column\", value, reason from load_rejects")
    assert sorted(rejects["row"]) == [3, 4]
    assert inv.sql("select status from numbers")["status"].tolist() == ["Available"]


@pytest.mark.parametrize("files, first_problem", [
    ({"numbers": "number,node\nabc,{a}\nxyz,{a}\n"},
     ("n.csv", None, "every row was rejected: loading would empty the inventory")),
    ({"numbers": "number,node\n42,{a}\n", "users": "Username,Located At\nbob,\n,{a}\n"},
     ("u.csv", None, "every row was rejected: loading would record every active user as deleted")),
    ({"numbers": "number,node\n42,{a}\n", "hierarchy": "Hierarchy,Type\n{a},Town\n"},
     ("h.csv", None, "every row was rejected: loading would drop every node's type")),
])
def test_non_strict_refuses_a_file_of_which_it_would_keep_no_row(inv, tmp_path, files, first_problem):
    """As a file with no rows is refused: a snapshot from it would empty the inventory (or
    delete every user, or forget every node's type)."""
    before = tables(inv)
    paths = {role: write(tmp_path, f"{role[0]}.csv", text.format(a=SITE_A))
             for role, text in files.items()}
    with pytest.raises(numkit.LoadError, match="every row was rejected") as refused:
        inv.load(paths["numbers"], users=paths.get("users"), hierarchy=paths.get("hierarchy"),
                 strict=False)
    problems = refused.value.problems
    first = problems.iloc[0]
    assert (first["file"].endswith(first_problem[0]), first["row"]) == (True, first_problem[1])
    assert first["reason"].startswith(first_problem[2])
    assert len(problems) > 1       # and every row's own problem
    assert_unchanged(inv, before)


def test_snapshot_replaces_the_inventory(inv, tmp_path):
    inv.load(write(tmp_path, "n2.csv", f"number,node\n42,{SITE_B}\n"))
    assert inv.sql("select number from numbers")["number"].tolist() == ["42"]


def test_users_missing_from_a_new_snapshot_are_recorded_as_deleted(inv, tmp_path):
    numbers = write(tmp_path, "n2.csv", f"number,node\n42,{SITE_B}\n")
    report = inv.load(numbers, users=write(tmp_path, "u2.csv", f"Username,Located At\nbob,{SITE_B}\n"),
                      as_of="2026-12-01")
    assert report.deleted_users == ["alice"]
    assert inv.store.rows("select username, deleted_at from deleted_users") == [
        {"username": "alice", "deleted_at": dt.date(2026, 12, 1)}]
    assert inv.sql("select username from users")["username"].tolist() == ["bob"]


@pytest.mark.parametrize("rewrite_all", [False, True], ids=["changes only", "every row"])
def test_a_user_whose_row_changed_did_not_leave(inv, tmp_path, monkeypatch, rewrite_all):
    """A user moved in VOSS, written in another case, or with another column changed is
    the same user, active: only the one missing from the users file left. A weekly load
    tells them among the users whose rows changed; one that writes every row as well."""
    from numkit.loading import load
    written = []
    for way in ("_write_all", "_write_changes"):
        monkeypatch.setattr(load, way, lambda *args, way=way, wrapped=getattr(load, way): (
            written.append(way), wrapped(*args))[1])
    week0 = USERS + f"bob,{SITE_A},desk\ncarol,{SITE_A},desk\ndave,{SITE_A},desk\n"
    week0 = week0.replace("Username,Located At", "Username,Located At,Desk").replace(
        f"alice,{SITE_A}\n", f"alice,{SITE_A},desk\n")
    week1 = week0.replace(f"bob,{SITE_A}", f"bob,{SITE_B}").replace("carol", "CAROL").replace(
        f"dave,{SITE_A},desk", f"dave,{SITE_A},window").replace(f"alice,{SITE_A},desk\n", "")
    numbers = write(tmp_path, "n.csv", NUMBERS.replace("alice", "bob"))
    inv.load(numbers, users=write(tmp_path, "u0.csv", week0), as_of="2026-11-30",
             extra_columns=["Desk"])
    report = load.load_export(inv, numbers, write(tmp_path, "u1.csv", week1), None,
                              as_of="2026-12-01", extra_columns=["Desk"], rewrite_all=rewrite_all)
    assert written[-1] == ("_write_all" if rewrite_all else "_write_changes")
    assert report.deleted_users == ["alice"]
    assert inv.store.rows("select username from deleted_users") == [{"username": "alice"}]
    assert records(inv.sql("select username, node from users order by lower(username)"),
                   "username", "node") == [("bob", SITE_B), ("CAROL", SITE_A), ("dave", SITE_A)]


# `zI` and a combining dot above, and `zi` with the same dot: one name to DuckDB's lower()
LOWERED_ALIKE = ("zI\u0307", "zi\u0307")


@pytest.mark.parametrize("leaving", [[LOWERED_ALIKE[1]], list(LOWERED_ALIKE)], ids=["one", "both"])
def test_a_database_holding_two_users_alike_when_lowered_loads_on(inv, tmp_path, leaving):
    """A database loaded before such usernames were refused (bad input 99) may hold both. A
    load without one keeps the user numkit takes them for; without both, both are recorded
    as deleted, each at the node it was last loaded at."""
    staying = [name for name in LOWERED_ALIKE if name not in leaving]
    inv.load(write(tmp_path, "n.csv", NUMBERS), users=write(
        tmp_path, "u0.csv", USERS + f"{LOWERED_ALIKE[0]},{SITE_A}\n"), as_of="2026-11-30")
    with inv.store.operation(what="a database made before") as op:
        op.con.execute("insert into users values ($u, $n, null)",
                       {"u": LOWERED_ALIKE[1], "n": SITE_B})
        op.con.execute("insert into user_versions values (1, null, $u, $n, null)",
                       {"u": LOWERED_ALIKE[1], "n": SITE_B})
    week1 = USERS + "".join(f"{name},{SITE_A}\n" for name in staying)
    report = inv.load(write(tmp_path, "n.csv", NUMBERS), users=write(tmp_path, "u1.csv", week1),
                      as_of="2026-12-01")
    if staying:     # the other is the same user to numkit, still active
        assert report.deleted_users == []
    else:
        assert sorted(report.deleted_users) == sorted(LOWERED_ALIKE)
        assert sorted(inv.store.rows("select username, node from deleted_users"),
                      key=lambda row: row["username"]) == [
            {"username": LOWERED_ALIKE[0], "node": SITE_A},
            {"username": LOWERED_ALIKE[1], "node": SITE_B}]


def test_without_users_file_active_users_stay(inv, tmp_path):
    inv.load(write(tmp_path, "n2.csv", f"number,node,status,used by\n42,{SITE_A},Used,alice\n"))
    assert inv.active_user("alice") == {"username": "alice", "node": SITE_A}


def test_load_as_of_becomes_the_snapshot_date_not_inv_as_of(inv, tmp_path):
    inv.load(write(tmp_path, "n2.csv", f"number,node\n42,{SITE_B}\n"), as_of="2026-11-28")
    assert inv.store.scalar("select numkit_snapshot_date()") == dt.date(2026, 11, 28)
    assert inv.as_of == AS_OF
    loads = inv.sql("select as_of, files from loads order by load_id")
    assert len(loads) == 2 and len(json.loads(loads["files"].iloc[-1])["numbers"]["sha256"]) == 64


def test_the_snapshot_date_is_a_constant_that_follows_each_load(inv, tmp_path):
    # fixed into the macro at each load: no rule pays for looking it up
    definition = inv.store.scalar("select macro_definition from duckdb_functions() "
                                  "where function_name = 'numkit_snapshot_date'")
    assert str(AS_OF) in definition and "loads" not in definition
    refused = write(tmp_path, "bad.csv", "number,node\nnot-a-number,sys\n")
    with pytest.raises(numkit.LoadError):
        inv.load(refused, as_of="2026-11-29")
    assert inv.store.scalar("select numkit_snapshot_date()") == AS_OF
    with inv.rehearsal():
        inv.load(write(tmp_path, "n2.csv", f"number,node\n42,{SITE_B}\n"), as_of="2026-11-27")
        assert inv.store.scalar("select numkit_snapshot_date()") == dt.date(2026, 11, 27)
    assert inv.store.scalar("select numkit_snapshot_date()") == AS_OF
    assert inv.scratch_copy().store.scalar("select numkit_snapshot_date()") == AS_OF


def test_loads_written_with_sql_leave_a_stale_snapshot_date_that_check_reports(inv):
    assert inv.check().empty
    inv.con.execute("update loads set as_of = as_of + 1")
    assert inv.check()["invariant"].tolist() == ["stale_snapshot_date"]


def test_dataframe_sources(tmp_path):
    inv = numkit.connect()
    report = inv.load(pd.DataFrame({"Internal Number": ["0100", "\\+1"], "Hierarchy": [SITE_A, SITE_B]}),
                      as_of=AS_OF)
    assert report.numbers == 2
    assert sorted(inv.sql("select number from numbers")["number"]) == ["+1", "0100"]


def test_xlsx_sheet_named_after_the_role(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"notes": ["not this one"]}).to_excel(book, sheet_name="Cover", index=False)
        pd.DataFrame({"Internal Number": ["0100", "1001"], "Located At": [SITE_A, SITE_A],
                      "Status": ["Available", "Reserved"]}).to_excel(book, sheet_name="Numbers", index=False)
    inv = numkit.connect()
    inv.load(path, as_of=AS_OF)
    assert records(inv.sql("select number, status from numbers order by number"), "number", "status") == [
        ("0100", "Available"), ("1001", "Reserved")]


def test_xlsx_problem_rows_are_sheet_rows(tmp_path):
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"Internal Number": ["1", "bad"], "Located At": [SITE_A, SITE_A]}).to_excel(path, index=False)
    with pytest.raises(numkit.LoadError) as refused:
        numkit.connect().load(path)
    assert refused.value.problems["row"].tolist() == [3]


def test_hierarchy_type_conflict(inv, tmp_path):
    with pytest.raises(numkit.LoadError, match="has type"):
        inv.load(write(tmp_path, "n.csv", NUMBERS), hierarchy=write(tmp_path, "h.csv",
                 HIERARCHY + f"{CUST2},Site\n"))


def test_unknown_node_type(inv, tmp_path):
    with pytest.raises(numkit.LoadError, match="unknown node type"):
        inv.load(write(tmp_path, "n.csv", NUMBERS), hierarchy=write(tmp_path, "h.csv", "node,type\nx,Planet\n"))


def test_load_is_recorded_as_an_event(inv):
    assert inv.events()["action"].tolist() == ["load"]


def test_utf8_bom_and_crlf(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(f"\ufeffInternal Number,Located At\r\n0100,{SITE_A}\r\n".encode("utf-8"))
    inv = numkit.connect()
    inv.load(path)
    assert inv.store.rows("select number, node from numbers") == [{"number": "0100", "node": SITE_A}]


def test_xlsx_without_a_sheet_named_after_the_role_uses_the_first(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"Internal Number": ["1"], "Located At": [SITE_A]}).to_excel(book, sheet_name="Export", index=False)
        pd.DataFrame({"other": ["x"]}).to_excel(book, sheet_name="Notes", index=False)
    inv = numkit.connect()
    inv.load(path)
    assert inv.sql("select number from numbers")["number"].tolist() == ["1"]


def test_snapshots_load_in_date_order(inv, tmp_path):
    before = tables(inv)
    with pytest.raises(numkit.InvalidOperation, match="date order"):
        inv.load(write(tmp_path, "old.csv", f"number,node\n42,{SITE_B}\n"), as_of="2026-01-01")
    assert_unchanged(inv, before)


def test_a_database_in_use_elsewhere_is_inventory_locked(tmp_path):
    import subprocess, sys, textwrap
    path = tmp_path / "held.duckdb"
    numkit.connect(path).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("holding", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(numkit.InventoryLocked, match="in use by another process"):
            numkit.connect(path)
    finally:
        holder.kill()


def test_a_file_that_is_not_a_numkit_database(tmp_path):
    path = tmp_path / "other.duckdb"
    import duckdb
    duckdb.connect(str(path)).close()
    with pytest.raises(numkit.InvalidOperation, match="not a numkit database"):
        numkit.connect(path, read_only=True)
    (tmp_path / "text.duckdb").write_text("hello")
    with pytest.raises(numkit.InvalidOperation, match="DuckDB"):
        numkit.connect(tmp_path / "text.duckdb")


def test_snapshot_changes_between_two_loads(inv, tmp_path):
    numbers = NUMBERS.replace("2002,", "2099,").replace(f"1003,{CUST1},Available,u,,", f"1003,{CUST1},Available,v,,")
    moved = USERS.replace(f"alice,{SITE_A}", f"alice,{CUST1}") + f"bob,{SITE_B}\n"
    inv.load(write(tmp_path, "n2.csv", numbers), users=write(tmp_path, "u2.csv", moved), as_of="2026-11-30")
    changes = inv.snapshot_changes()
    assert records(changes, "change", "number", "username", "before", "after") == [
        ("number_added", "2099", None, None, "Available"),
        ("number_removed", "2002", None, "Available", None),
        ("reserved_for_changed", "1003", "v", "u", "v"),
        ("user_moved", None, "alice", SITE_A, CUST1),
        ("user_onboarded", None, "bob", None, SITE_B),
    ]
    assert inv.snapshot_changes(1, 1).empty
    with pytest.raises(numkit.InvalidOperation, match="no snapshot 9"):
        inv.snapshot_changes(9)


def test_a_username_respelled_in_another_case_is_no_change_between_snapshots(inv, tmp_path):
    """Rules R3: usernames compare without regard to case everywhere, so a flag, a Used By
    or a user the next export spells `U` for `u` is the same; a flag given to another
    user is a change."""
    respelled = (NUMBERS.replace(f"1002,{SITE_B},Available,u,,", f"1002,{SITE_B},Available,U,,")
                 .replace(f"3001,{SITE_A},Used,,alice,", f"3001,{SITE_A},Used,,ALICE,")
                 .replace(f"1003,{CUST1},Available,u,,", f"1003,{CUST1},Available,v,,"))
    inv.load(write(tmp_path, "n2.csv", respelled),
             users=write(tmp_path, "u2.csv", USERS.replace("alice", "Alice")), as_of="2026-11-30")
    assert records(inv.snapshot_changes(), "change", "number", "before", "after") == [
        ("reserved_for_changed", "1003", "u", "v")]
    assert inv.snapshot_change_counts() == {"reserved_for_changed": 1}
    # the respelling is kept: the snapshot holds the export as it was written
    assert inv.sql("select reserved_for from numbers where number = '1002'")["reserved_for"].tolist() == ["U"]


def test_snapshot_changes_report_a_number_passing_from_one_user_to_another(inv, tmp_path):
    from numkit.reports.summary import describe_changes
    users = USERS + f"bob,{SITE_A}\n"
    inv.load(write(tmp_path, "n1.csv", NUMBERS), users=write(tmp_path, "u1.csv", users),
             as_of="2026-11-30")
    handed_over = NUMBERS.replace(f"3001,{SITE_A},Used,,alice,", f"3001,{SITE_A},Used,,bob,")
    inv.load(write(tmp_path, "n2.csv", handed_over), users=write(tmp_path, "u2.csv", users),
             as_of="2026-12-01")
    changes = inv.snapshot_changes()
    assert records(changes, "change", "number", "node", "username", "before", "after") == [
        ("used_by_changed", "3001", SITE_A, "bob", "alice", "bob")]
    assert describe_changes(changes) == "1 Used By change(s)"


def test_snapshot_changes_report_used_by_set_and_cleared(inv, tmp_path):
    """A number taken into use (Used By empty before) and one let go (empty after) are Used By
    changes too: one side being empty must not hide them."""
    inv.load(write(tmp_path, "n1.csv", NUMBERS), users=write(tmp_path, "u1.csv", USERS),
             as_of="2026-11-30")
    swapped = (NUMBERS.replace(f"3001,{SITE_A},Used,,alice,", f"3001,{SITE_A},Available,,,")
               .replace(f"2001,{SITE_A},Available,,,", f"2001,{SITE_A},Used,,alice,"))
    inv.load(write(tmp_path, "n2.csv", swapped), users=write(tmp_path, "u2.csv", USERS),
             as_of="2026-12-01")
    changes = inv.snapshot_changes()
    changes = changes[changes["change"] == "used_by_changed"]
    assert records(changes, "change", "number", "username", "before", "after") == [
        ("used_by_changed", "2001", "alice", None, "alice"),
        ("used_by_changed", "3001", "alice", "alice", None)]


def test_dataframe_with_empty_cells():
    inv = numkit.connect()
    report = inv.load(pd.DataFrame({"number": ["1000", "1001"], "node": ["a.b", "a.b"],
                                    "reserved_for": [None, "ann"]}), as_of=AS_OF)
    assert report.numbers == 2


def test_a_load_failing_inside_a_batch_puts_its_settings_back_after_the_batch(tmp_path,
                                                                              monkeypatch):
    """A statement failing midway aborts the batch's transaction, which then refuses to put
    the load's memory cap and row-order setting back; they come back once it has ended."""
    inv = numkit.connect(tmp_path / "inventory.duckdb")
    numbers, users, hierarchy = (write(tmp_path, name, text) for name, text in
                                 [("numbers.csv", NUMBERS), ("users.csv", USERS),
                                  ("hierarchy.csv", HIERARCHY)])
    settings = ("select current_setting('memory_limit'), "
                "current_setting('preserve_insertion_order')")

    def failing_write(con, *args):
        con.execute("select error('the disk is full')").fetchall()
    monkeypatch.setattr(numkit.loading.load, "_write", failing_write)
    with inv.holding():
        inv.con.execute("set preserve_insertion_order = false")
        before = inv.con.execute(settings).fetchall()
        with pytest.raises(Exception, match="the disk is full"):
            with inv.batch():
                inv.load(numbers, users=users, hierarchy=hierarchy, as_of=AS_OF)
        assert inv.con.execute(settings).fetchall() == before
        indexes = {name for (name,) in
                   inv.con.execute("select index_name from duckdb_indexes()").fetchall()}
    assert indexes == {f.name.removesuffix(".sql") for f in index_files()}
    assert inv.sql("select count(*) as n from numbers")["n"][0] == 0


def test_a_misspelt_header_is_kept_as_an_extra_column_when_asked(tmp_path):
    numbers = write(tmp_path, "n.csv", f"Internal Number,Located At,Reserverd For\n1,{SITE_A},bob\n")
    inv = numkit.connect()
    with pytest.raises(numkit.LoadError, match="'Reserverd For' looks like a misspelling of Reserved For"):
        inv.load(numbers, as_of=AS_OF)
    report = inv.load(numbers, as_of=AS_OF, extra_columns=["reserverd_for"])
    assert json.loads(inv.store.scalar("select extra from numbers")) == {"Reserverd For": "bob"}
    assert inv.store.scalar("select reserved_for from numbers") is None
    assert report.columns["numbers"]["extra"] == ["Reserverd For"]


def test_header_problems_come_first_in_the_load_error(inv, tmp_path):
    # a row problem in the numbers file, a header problem in the users file
    numbers = write(tmp_path, "n.csv", f"number,node,status\n1,{SITE_A},Sold\n")
    users = write(tmp_path, "u.csv", f"Usrname,Located At\nalice,{SITE_A}\n")
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, users=users)
    problems = refused.value.problems
    assert problems["row"].tolist()[:2] == [1, 2]
    assert str(refused.value).startswith(f"{users}, row 1, column Usrname: header 'Usrname'")
    # the header is the column named: not said again as the value; a row's value is said
    assert "(value 'Usrname')" not in str(refused.value)
    with pytest.raises(numkit.LoadError, match=r"row 2, column status: .*\(value 'Sold'\)"):
        inv.load(numbers)


def test_a_misspelt_status_is_named_before_the_rows_it_would_break(inv, tmp_path):
    numbers = write(tmp_path, "n.csv", f"number,node,Stauts,Used By\n1,{SITE_A},Used,alice\n")
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers)
    assert str(refused.value).startswith(f"{numbers}, row 1, column Stauts: header 'Stauts' looks "
                                         "like a misspelling of Status")


def test_the_load_report_says_how_each_header_was_read(tmp_path):
    inv = numkit.connect()
    report = inv.load(write(tmp_path, "n.csv", f"Internal Number,Located At,Site Code\n1,{SITE_A},X\n"),
                      users=write(tmp_path, "u.csv", f"Username,Hierarchy\nbob,{SITE_A}\n"), as_of=AS_OF)
    assert report.columns == {
        "numbers": {"file": str(tmp_path / "n.csv"),
                    "read": {"Internal Number": "number", "Located At": "node"},
                    "extra": ["Site Code"]},
        "users": {"file": str(tmp_path / "u.csv"),
                  "read": {"Username": "username", "Hierarchy": "node"}, "extra": []}}
    assert report.describe_columns() == [
        "n.csv: Internal Number -> number, Located At -> node; kept as extra: Site Code",
        "u.csv: Username -> username, Hierarchy -> node"]


def test_a_load_says_which_column_its_numbers_file_lacks_and_the_values_it_emptied(inv, tmp_path):
    """An optional column renamed in the export (`Assigned User` for `Used By`) is kept as an
    extra column and the column itself is emptied, every row alike, so no check can fault a
    row: the report says so, with the rows that held a value and the headers kept."""
    inv.load(write(tmp_path, "n1.csv", NUMBERS), users=write(tmp_path, "u1.csv", USERS),
             as_of=AS_OF)
    assert inv.load(write(tmp_path, "n2.csv", NUMBERS), as_of="2026-11-30").emptied == {}
    renamed = NUMBERS.replace("Reserved For,Used By", "Reserved For,Assigned User")
    report = inv.load(write(tmp_path, "n3.csv", renamed), as_of="2026-12-01")
    assert report.emptied == {"Used By": 1}
    assert report.describe_emptied() == (
        "no Used By column in the numbers file: 1 row(s) held a Used By before this load and "
        "hold none now (headers kept as extra: 'Assigned User'). If the export has it under "
        "another name, rename that header and load again after `numkit forget-snapshot DB`")
    assert inv.sql("select count(used_by) as n from numbers")["n"][0] == 0
    # a numbers file without Status makes every row Available: said with the rows it changed
    before = inv.sql("select count(*) as n from numbers where status <> 'Available'")["n"][0]
    bare = "\n".join(",".join(line.split(",")[:2]) for line in NUMBERS.splitlines()) + "\n"
    report = inv.load(write(tmp_path, "n4.csv", bare), as_of="2026-12-02")
    assert report.emptied == {"Status": before, "Reserved For": 3}
    assert report.describe_emptied().startswith(
        f"no Status / Reserved For column in the numbers file: every row is Available now "
        f"({before:,} had another status before this load); 3 row(s) held a Reserved For")
    # into an empty inventory nothing is emptied, whatever the file lacks
    assert numkit.connect().load(write(tmp_path, "n5.csv", bare), as_of=AS_OF).emptied == {}


def test_every_optional_column_of_the_numbers_file_is_counted_before_a_load_that_lacks_it(inv):
    """What a load says it emptied is counted by load/optional_values_held, one column per
    optional header of the numbers file: a header added to one and not the other would go
    unsaid, or fail the load that lacks it."""
    held = inv.con.execute(statement("load/optional_values_held")).df()
    optional = [column for column in HEADERS["numbers"] if column not in REQUIRED["numbers"]]
    assert sorted(held.columns) == sorted(optional)


def test_a_load_names_the_nodes_its_hierarchy_file_lacks_that_the_other_files_name(inv, tmp_path):
    """Every path a file names is a node, so a site mistyped in the users file (`Site-Z`)
    becomes a node without a type, which no check faults: said when a hierarchy file is
    given, which should have had it; a load without one makes nodes from paths as usual."""
    typo = SITE_A.rsplit(".", 1)[0] + ".Site-Z"
    hierarchy = write(tmp_path, "h.csv", HIERARCHY)
    report = inv.load(write(tmp_path, "n.csv", NUMBERS + f"5001,{typo},Available,,,\n"),
                      users=write(tmp_path, "u.csv", USERS + f"zoe,{typo}\nzak,{typo}\n"),
                      hierarchy=hierarchy, as_of=AS_OF)
    assert report.unlisted_nodes == [(typo, 2, 1)]
    assert report.describe_unlisted_nodes() == (
        "1 node(s) not in the hierarchy file, made from the paths the other files name, "
        f"without a type: {typo} (numbers file: 1 row(s), users file: 2 row(s))")
    assert inv.sql(f"select type from nodes where node = '{typo}'")["type"].tolist() == [None]
    # the next load of the same files names it again, as a load into an empty database
    # would (the file still lacks it); a load without a hierarchy file does not: its new
    # paths are nodes by design
    again = inv.load(tmp_path / "n.csv", users=tmp_path / "u.csv", hierarchy=hierarchy,
                     as_of="2026-11-30")
    assert again.unlisted_nodes == [(typo, 2, 1)]
    other = SITE_A.rsplit(".", 1)[0] + ".Site-Y"
    without = inv.load(write(tmp_path, "n2.csv", NUMBERS + f"5002,{other},Available,,,\n"),
                       as_of="2026-12-01")
    assert without.unlisted_nodes == []
    # ... but it says that nodes have no type: the one made before and the one it made
    nodes = inv.sql("select count(*) as n from nodes")["n"][0]
    assert without.untyped_nodes == (2, nodes)
    # a path in the wrong case makes every node down it: those above are named too
    shouting = SITE_B.upper()
    upper = inv.load(tmp_path / "n.csv", users=write(tmp_path, "u2.csv", USERS + f"ann,{shouting}\n"),
                     hierarchy=hierarchy, as_of="2026-12-02")
    made_above = ["SYS", "SYS.HCS", "SYS.HCS.PROV-1", "SYS.HCS.PROV-1.CUST-1"]
    assert upper.unlisted_nodes == ([(node, 0, 0) for node in made_above]
                                    + [(shouting, 1, 0), (typo, 0, 1)])
    assert upper.describe_unlisted_nodes() == (
        "6 node(s) not in the hierarchy file, made from the paths the other files name, without "
        f"a type: {shouting} (users file: 1 row(s)), {typo} (numbers file: 1 row(s)); and above "
        "them, made from their paths: " + ", ".join(made_above))


def test_a_weekly_load_takes_the_types_and_names_of_its_hierarchy_file_as_a_first_load_does(
        tmp_path):
    """A node the hierarchy file no longer types, or no longer lists, has no type after the
    load (it kept the type it had, in silence, where a load into an empty database of the
    same files has none, and said the node was missing): customers come from the file."""
    numbers, users = write(tmp_path, "n.csv", NUMBERS), write(tmp_path, "u.csv", USERS)
    lines = HIERARCHY.splitlines()
    named = "\n".join([lines[0] + ",Name"] + [line + ("," if not line.startswith(SITE_B + ",")
                                                      else ",Leeds office") for line in lines[1:]]) + "\n"
    untyped = HIERARCHY.replace(f"{SITE_B},Site\n", f"{SITE_B},\n")
    unlisted = HIERARCHY.replace(f"{SITE_B},Site\n", "")
    weekly = numkit.connect()
    weekly.load(numbers, users=users, hierarchy=write(tmp_path, "h0.csv", named), as_of=AS_OF)
    for day, text in ((24, untyped), (25, unlisted), (26, HIERARCHY)):
        hierarchy = write(tmp_path, f"h{day}.csv", text)
        report = weekly.load(numbers, users=users, hierarchy=hierarchy, as_of=f"2026-11-{day}")
        fresh = numkit.connect()
        fresh_report = fresh.load(numbers, users=users, hierarchy=hierarchy, as_of=f"2026-11-{day}")
        nodes = "select node, type, name from nodes order by node"
        assert weekly.sql(nodes).equals(fresh.sql(nodes)), text
        assert report.unlisted_nodes == fresh_report.unlisted_nodes
    assert weekly.sql(f"select type, name from nodes where node = '{SITE_B}'").values.tolist() == [
        ["Site", None]]


def test_a_load_without_a_hierarchy_file_says_the_nodes_it_leaves_without_a_type(tmp_path):
    """A first load without the hierarchy export makes every node from the paths, without a
    type: numkit then knows no customer, so a move between customers is not refused (as the
    rules say for a customer unknown), which no check faults: the load says it."""
    inv = numkit.connect()
    report = inv.load(write(tmp_path, "n.csv", NUMBERS), users=write(tmp_path, "u.csv", USERS),
                      as_of=AS_OF)
    nodes = inv.sql("select count(*) as n from nodes")["n"][0]
    assert report.untyped_nodes == (nodes, nodes)
    assert report.describe_untyped_nodes() in report.warnings()
    assert report.describe_untyped_nodes().startswith(
        f"no hierarchy file: {nodes} of the {nodes} nodes have no type, so numkit knows no "
        "customer or site for them: a move from one customer to another is not refused there")
    mover = inv.sql(f"select username from users where node = '{SITE_A}' limit 1")["username"][0]
    assert inv.preview_moves([(mover, SITE_D)])["conflict"].isna().all()
    # the hierarchy loaded, every node has a type: nothing said, and the move is refused
    typed = inv.load(tmp_path / "n.csv", users=tmp_path / "u.csv",
                     hierarchy=write(tmp_path, "h.csv", HIERARCHY), as_of="2026-11-30")
    assert typed.untyped_nodes is None and typed.describe_untyped_nodes() is None
    assert inv.load(tmp_path / "n.csv", as_of="2026-12-01").untyped_nodes is None
    assert inv.preview_moves([(mover, SITE_D)])["conflict"].notna().any()


def test_a_folder_role_file_is_found_whatever_the_case_of_its_name(tmp_path):
    from numkit.loading.snapshots import load_folder
    folder = export_folder(tmp_path, {"Numbers.CSV": NUMBERS, "USERS.csv": USERS,
                                       "Hierarchy.csv": HIERARCHY})
    inv = numkit.connect()
    report, = load_folder(inv, folder)
    assert report.users == 1 and set(report.columns) == {"numbers", "users", "hierarchy"}
    assert report.columns["users"]["file"] == str(folder / "USERS.csv")


def test_a_folder_with_two_files_for_one_role_is_refused_naming_both(tmp_path):
    from numkit.loading.snapshots import load_folder
    folder = export_folder(tmp_path, {"numbers.csv": NUMBERS, "USERS.csv": USERS})
    pd.DataFrame({"Internal Number": ["1"], "Located At": [SITE_A]}).to_excel(
        folder / "numbers.xlsx", index=False, sheet_name="numbers")
    inv = numkit.connect()
    with pytest.raises(numkit.InvalidOperation, match="more than one numbers file") as refused:
        load_folder(inv, folder)
    assert "numbers.csv" in str(refused.value) and "numbers.xlsx" in str(refused.value)
    assert inv.store.scalar("select count(*) from loads") == 0


@pytest.mark.parametrize("misnamed, role", [("hierachy.csv", "hierarchy"), ("user.xlsx", "users"),
                                            ("Numbrs.csv", "numbers")])
def test_a_folder_file_named_almost_like_a_role_is_refused(tmp_path, misnamed, role):
    from numkit.loading.snapshots import load_folder
    folder = export_folder_without(tmp_path, role, misnamed)
    inv = numkit.connect()
    with pytest.raises(numkit.InvalidOperation, match=f"{misnamed}.*{role}") as refused:
        load_folder(inv, folder)
    assert "README" not in str(refused.value)
    assert inv.store.scalar("select count(*) from loads") == 0


def test_a_folder_may_hold_other_files_and_the_history_files_its_manifest_names(tmp_path):
    from numkit.loading.snapshots import load_folder
    folder = export_folder(tmp_path, {
        "numbers.csv": NUMBERS, "users.csv": USERS, "hierarchy.csv": HIERARCHY,
        "README.txt": "notes\n", "notes.csv": "a\n", "user1.csv": USERS + f"bob,{SITE_B}\n",
        "manifest.json": json.dumps({"as_of": AS_OF.isoformat(),
                                     "history": [{"as_of": "2026-11-16", "users": "user1.csv"}]})})
    inv = numkit.connect()
    first, last = load_folder(inv, folder)
    assert last.deleted_users == ["bob"]


def test_a_hierarchy_column_not_known_is_refused_unless_named_as_extra(tmp_path):
    numbers = write(tmp_path, "n.csv", f"number,node\n1,{SITE_A}\n")
    hierarchy = write(tmp_path, "h.csv", "\n".join(
        line + ",Owner" if line.startswith("Hierarchy") else line + ",x"
        for line in HIERARCHY.strip().splitlines()) + "\n")
    inv = numkit.connect()
    with pytest.raises(numkit.LoadError, match="header 'Owner' is not a hierarchy column "
                                               r"\(known: Node, Hierarchy, Path, Type, Name\)"):
        inv.load(numbers, hierarchy=hierarchy, as_of=AS_OF)
    report = inv.load(numbers, hierarchy=hierarchy, as_of=AS_OF, extra_columns=["Owner"])
    assert report.describe_columns()[-1] == "h.csv: Hierarchy -> node, Type -> type; not read: Owner"
    assert inv.store.scalar("select type from nodes where node = $n", {"n": SITE_A}) == "Site"


def test_fullwidth_and_zero_width_letters_in_a_header_read_as_the_header(tmp_path):
    numbers = write(tmp_path, "n.csv", "Internal Number,Located\u200bAt,Status,"
                    "\uff35\uff53\uff45\uff44 \uff22\uff59\n"
                    f"1,{SITE_A},Used,alice\n")
    inv = numkit.connect()
    report = inv.load(numbers, users=write(tmp_path, "u.csv", USERS), as_of=AS_OF)
    assert report.columns["numbers"]["read"] == {
        "Internal Number": "number", "Located\u200bAt": "node", "Status": "status",
        "\uff35\uff53\uff45\uff44 \uff22\uff59": "used_by"}
    assert inv.store.scalar("select used_by from numbers") == "alice"


TWO_USERS = USERS + f"bob,{SITE_A}\n"


@pytest.mark.parametrize("alice", [f"alice,{SITE_A},extra",      # refused by the CSV reader
                                   "alice,",                      # its node is missing
                                   f"ALICE,{SITE_B},extra"])     # named in another case
def test_a_non_strict_load_keeps_a_user_whose_row_is_rejected(inv, tmp_path, alice):
    """A user whose row could not be read is not a user who left: they stay active at their
    node, their numbers stay, and the report says so."""
    inv.load(write(tmp_path, "n1.csv", NUMBERS), users=write(tmp_path, "u1.csv", TWO_USERS),
             as_of="2026-11-30")
    broken = TWO_USERS.replace(f"alice,{SITE_A}", alice)
    report = inv.load(write(tmp_path, "n2.csv", NUMBERS), users=write(tmp_path, "u2.csv", broken),
                      as_of="2026-12-01", strict=False)
    assert report.deleted_users == [] and inv.sql("select * from deleted_users").empty
    assert report.kept_users == ["alice"]
    assert "1 users kept as they were (their rows were rejected)" in str(report)
    assert records(inv.sql("select username, node from users order by username"),
                   "username", "node") == [("alice", SITE_A), ("bob", SITE_A)]
    assert report.numbers == len(NUMBERS.splitlines()) - 1


@pytest.mark.parametrize("users, row", [
    (f"Username,Located At\n,{SITE_A}\nbob,{SITE_A}\n", 2),                 # no username
    (f"Located At,Username\n{SITE_A},alice,x\n{SITE_A},bob\n", 2),          # not first
    (f'Username,Located At\nbob,{SITE_A}\n"alice,{SITE_A}\ncarol,{SITE_A}\n', 3),  # never closed
])
def test_a_non_strict_load_refuses_a_users_row_whose_user_is_unknown(inv, tmp_path, users, row):
    """A rejected users row whose username cannot be known might be any active user's:
    loading without it would record that user as deleted, so the load is refused."""
    inv.load(write(tmp_path, "n1.csv", NUMBERS), users=write(tmp_path, "u1.csv", TWO_USERS),
             as_of="2026-11-30")
    before = tables(inv)
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(write(tmp_path, "n2.csv", NUMBERS), users=write(tmp_path, "u2.csv", users),
                 as_of="2026-12-01", strict=False)
    unknown = refused.value.problems
    unknown = unknown[unknown["reason"].str.startswith("cannot tell who this row is")]
    assert unknown["row"].tolist() == [row]
    assert_unchanged(inv, before)
