"""A weekly load that parses and checks only the numbers file's changed lines (rules R36,
"Reading only the lines that changed") leaves exactly what reading the whole file leaves,
and finds every problem reading the whole file finds, named by the same rows."""

import os
import subprocess
import sys
import tempfile

import pytest

import numkit
from numkit.loading import changed_lines, lines
from numkit.schema import statement
from conftest import (CUST1, HIERARCHY, NUMBERS_HASHED_ALIKE, SITE_A, SITE_B, SITE_C, SITE_D,
                      write)

HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date,Description"
USERS = f"Username,Located At\nalice,{SITE_A}\nbob,{SITE_B}\ncarol,{SITE_C}\n"


def base_rows():
    """Week 0: forty rows over the sites and a customer, two of them used."""
    rows = [f"{5000 + i},{site},Available,,,,desk {i}"
            for i, site in enumerate([SITE_A, SITE_B, SITE_C, SITE_D, CUST1] * 8)]
    rows[0] = f"5000,{SITE_A},Used,,alice,,desk 0"
    rows[1] = f"5001,{SITE_B},Used,,bob,,desk 1"
    return rows


def numbers_text(rows, header=HEADER):
    return header + "\n" + "".join(row + "\n" for row in rows)


def loaded(path, folder, rows, users=USERS):
    inv = numkit.connect(path)
    inv.load(write(folder, "numbers.csv", numbers_text(rows)), users=write(folder, "users.csv", users),
             hierarchy=write(folder, "hierarchy.csv", HIERARCHY), as_of="2026-11-16")
    return inv


def load_week(inv, folder, numbers, users=USERS, strict=True, steps=None):
    return inv.load(write(folder, "numbers.csv", numbers), users=write(folder, "users.csv", users),
                    hierarchy=write(folder, "hierarchy.csv", HIERARCHY), as_of="2026-11-23",
                    strict=strict, progress=None if steps is None else (
                        lambda fraction, step: steps.append(step)))


def contents(inv, folder):
    """Everything a load leaves: the rows (with their lines' hashes), users, history,
    rejected rows, reconciliations, the pending changes and the diff of the two weeks (the
    files named without their folder)."""
    def rows(sql):
        return sorted(tuple(str(value).replace(str(folder), "") for value in row)
                      for row in inv.con.execute(sql).fetchall())
    return {"numbers": rows("select * exclude (node_id, number_order) from numbers"),
            "users": rows("select * from users"),
            "number_versions": rows("select * from number_versions"),
            "user_versions": rows("select * from user_versions"),
            "deleted": rows("select * from deleted_users"),
            "rejects": rows("select * from load_rejects"),
            "reconciled": rows("select load_id, kind, number, node, field, outcome "
                               "from reconciliations"),
            "pending": rows("select kind, number, node, field, voss_value, numkit_value "
                            "from pending_changes"),
            "diff": rows("select * from snapshot_changes(1, 2)")}


def both_ways(tmp_path, monkeypatch, week1, users=USERS, strict=True, before=None, week0=None):
    """Week 0 (`week0`'s rows, else base_rows()) then `week1` (numbers text) loaded into two
    databases: the one reading only the changed lines, the other the whole file. Each gives
    (LoadReport or LoadError, contents); `before(inv)` runs on each between the weeks."""
    outcomes = []
    both_ways.steps = []        # the steps the load reading only the changed lines said
    checked = []
    checking = changed_lines.check_with_kept_rows
    monkeypatch.setattr(changed_lines, "check_with_kept_rows",
                        lambda con: checked.append(True) or checking(con))
    for name, by_lines in (("by_lines", True), ("whole", False)):
        folder = tmp_path / name
        folder.mkdir()
        inv = loaded(tmp_path / f"{name}.duckdb", folder, week0 or base_rows())
        if before:
            before(inv)
        with monkeypatch.context() as patched:
            if not by_lines:
                patched.setattr(changed_lines, "usable", lambda con, facts, basis: False)
            try:
                outcome = load_week(inv, folder, week1, users, strict,
                                    both_ways.steps if by_lines else None)
            except numkit.LoadError as error:
                outcome = error
                outcome.problems["file"] = outcome.problems["file"].str.replace(str(folder), "")
        outcomes.append((outcome, contents(inv, folder)))
        inv.close()
    both_ways.checked_by_lines = bool(checked)  # the changed lines were parsed and checked
    return outcomes


def test_only_the_changed_lines_are_parsed_and_the_rows_left_are_those_of_the_whole_file(
        tmp_path, monkeypatch):
    rows = base_rows()
    rows[5] = rows[5].replace("Available", "Reserved")           # changed in place
    rows[7] = rows[7].replace(SITE_C, SITE_A)                    # moved to another node
    del rows[9]                                                  # gone
    rows.append(f"6000,{SITE_D},Available,,,,new range")         # new
    rows.reverse()                                               # any order
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows))
    # the changed line, the moved one and the new one; the 37 others are kept as they were
    assert by_lines.changed_lines == 3 and whole.changed_lines is None
    assert kept == expected
    assert all(hash_ != "None" for *_, hash_ in kept["numbers"])


def test_an_export_with_no_line_changed_writes_no_row(tmp_path, monkeypatch):
    rows = base_rows()
    rows.reverse()
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows))
    assert by_lines.changed_lines == 0
    assert kept == expected
    assert kept["diff"] == []


def test_a_problem_in_a_changed_line_is_reported_by_its_row_in_the_file(tmp_path, monkeypatch):
    rows = base_rows()
    rows[20] = rows[20].replace("Available", "Availble")
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows))
    assert isinstance(by_lines, numkit.LoadError) and both_ways.checked_by_lines
    assert by_lines.problems.values.tolist() == whole.problems.values.tolist()
    assert by_lines.problems["row"].tolist() == [22]
    assert ("numbers: reading the whole file: a problem found, which the whole file reports "
            "by row") in both_ways.steps
    assert kept == expected


def test_a_date_followed_by_other_text_in_a_changed_line_is_not_a_date(tmp_path, monkeypatch):
    """`2026-11-30 (ext to 2027-01-31)` kept its date and dropped the rest, with exit 0: a
    reservation ending months early. Only a time may follow a date."""
    rows = base_rows()
    rows[20] = rows[20].replace("Available,,,,", "Cooling,,,2026-11-30 (ext to 2027-01-31),")
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows))
    assert isinstance(by_lines, numkit.LoadError) and both_ways.checked_by_lines
    assert by_lines.problems[["row", "column", "value"]].values.tolist() == [
        [22, "Release Date", "2026-11-30 (ext to 2027-01-31)"]]
    assert kept == expected


@pytest.mark.parametrize("change", ["user left", "line twice", "same number and node",
                                    "same number on the path"])
def test_a_kept_line_that_now_clashes_is_reported_as_reading_the_whole_file_reports_it(
        change, tmp_path, monkeypatch):
    """An unchanged line is checked again when a check could fail on it now: its user
    left, or a changed line clashes with it."""
    rows, users = base_rows(), USERS
    if change == "user left":
        users = USERS.replace(f"bob,{SITE_B}\n", "")             # row 3 is used by bob
    elif change == "line twice":
        rows.append(rows[10])
    elif change == "same number and node":
        rows.append(rows[10].replace("desk 10", "desk ten"))
    else:                                                        # 5004 is at Cust-1
        rows.append(f"5004,{SITE_A},Available,,,,desk at a site below")
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows),
                                                    users=users)
    assert isinstance(whole, numkit.LoadError) and isinstance(by_lines, numkit.LoadError)
    # found by the check of the changed lines with the kept rows (a line twice, by pairing
    # the lines with the rows: two lines pair with one row); the whole file was read then,
    # and reports it by row
    assert both_ways.checked_by_lines == (change != "line twice")
    assert by_lines.problems.values.tolist() == whole.problems.values.tolist()
    assert kept == expected


# NUMBERS_HASHED_ALIKE with one of them a kept row.
@pytest.mark.parametrize("node_of_new", ["same node", "a site below"])
def test_a_changed_line_hashed_alike_with_a_kept_row_is_not_a_clash(
        node_of_new, tmp_path, monkeypatch):
    kept_number, new_number = NUMBERS_HASHED_ALIKE
    new_node = CUST1 if node_of_new == "same node" else SITE_A
    rows = base_rows() + [f"{kept_number},{CUST1},Available,,,,kept"]
    week1 = numbers_text(rows + [f"{new_number},{new_node},Available,,,,new"])
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, week1, week0=rows)
    assert not isinstance(by_lines, numkit.LoadError) and both_ways.checked_by_lines
    assert by_lines.changed_lines == 1
    assert kept == expected
    assert {(number, node) for number, node, *_ in kept["numbers"]} >= {
        (kept_number, CUST1), (new_number, new_node)}


def test_a_lenient_load_keeps_what_reading_the_whole_file_keeps(tmp_path, monkeypatch):
    rows = base_rows()
    rows[20] = rows[20].replace("Available", "Availble")
    rows[21] = rows[21].replace("Available", "Reserved")
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows),
                                                    strict=False)
    assert by_lines.rejected == whole.rejected == 1
    assert kept == expected


@pytest.mark.parametrize("value, why", [
    ('"desk\ntwelve"', "a changed line with an odd number of quotes"),
    ("desk\x1ftwelve", "an empty line, line ends of more than one kind, or the unit separator")],
    ids=["a value spanning lines", "the unit separator"])
def test_a_line_that_is_not_one_row_is_read_from_the_whole_file(value, why, tmp_path,
                                                                monkeypatch):
    rows = base_rows()
    rows[12] = rows[12].replace("desk 12", value)
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows))
    assert by_lines.changed_lines is None
    assert f"numbers: reading the whole file: {why}" in both_ways.steps
    assert kept == expected
    assert value.strip('"') in [cell for row in kept["numbers"] for cell in row]


def test_a_row_changed_in_numkit_is_read_from_its_line_and_the_change_stays_pending(
        tmp_path, monkeypatch):
    """The line of a row numkit changed since the load is unchanged in the export: the
    load takes it as changed, so that the reconciliation judges the change as before."""
    def reserve(inv):
        inv.reserve_for("5002", "dave", node=SITE_C)
    rows = base_rows()
    rows[5] = rows[5].replace("Available", "Reserved")
    (by_lines, kept), (whole, expected) = both_ways(tmp_path, monkeypatch, numbers_text(rows),
                                                    before=reserve)
    assert by_lines.changed_lines == 2 and by_lines.still_pending == 1
    assert kept == expected
    assert ("row_changed", "5002", SITE_C, "reserved_for", "None", "dave") in kept["pending"]


def test_another_header_makes_the_load_write_every_row_and_the_next_reads_only_changes(
        tmp_path, monkeypatch):
    folder = tmp_path / "export"
    folder.mkdir()
    inv = loaded(tmp_path / "inv.duckdb", folder, base_rows())
    reordered = "Located At,Internal Number,Status,Reserved For,Used By,Release Date,Description"
    swapped = [",".join([row.split(",")[1], row.split(",")[0], *row.split(",")[2:]])
               for row in base_rows()]
    report = load_week(inv, folder, numbers_text(swapped, reordered))
    # the lines mean something else under another header: none is taken as kept
    assert report.changed_lines is None
    assert inv.sql("select count(*) = count(line_hash) as all_hashed from numbers")["all_hashed"][0]
    swapped[3] = swapped[3].replace("Available", "Reserved")
    report = inv.load(write(folder, "numbers.csv", numbers_text(swapped, reordered)),
                      users=write(folder, "users.csv", USERS), as_of="2026-11-30")
    assert report.changed_lines == 1
    assert inv.sql("select status from numbers where number = '5003'")["status"][0] == "Reserved"
    inv.close()


def one_line_changed(tmp_path):
    """Week 0 loaded, then week 1 with one line changed, read by its lines: (inv, folder,
    week 1's rows)."""
    folder = tmp_path / "export"
    folder.mkdir()
    inv = loaded(tmp_path / "inv.duckdb", folder, base_rows())
    rows = base_rows()
    rows[5] = rows[5].replace("Available", "Reserved")
    assert load_week(inv, folder, numbers_text(rows)).changed_lines == 1
    return inv, folder, rows


def test_after_forgetting_a_snapshot_the_next_load_writes_every_row_with_its_line(tmp_path):
    inv, folder, rows = one_line_changed(tmp_path)
    inv.forget_latest_snapshot()
    # the history keeps no hashes: the rows brought back have none, and the next load,
    # not reading by lines, writes them all again with theirs
    assert inv.sql("select count(line_hash) as n from numbers")["n"][0] == 0
    assert lines.recorded(inv.con)["hashed"]
    assert load_week(inv, folder, numbers_text(rows)).changed_lines is None
    assert inv.sql("select count(*) = count(line_hash) as all_hashed from numbers")["all_hashed"][0]
    inv.close()


def test_a_workbook_is_read_whole_every_week(tmp_path, monkeypatch):
    folder = tmp_path / "export"
    folder.mkdir()
    inv = numkit.connect(tmp_path / "inv.duckdb")
    sheet = folder / "numbers.xlsx"
    frame = __import__("pandas").read_csv(write(folder, "n.csv", numbers_text(base_rows())),
                                          dtype=str, keep_default_na=False)
    frame.to_excel(sheet, index=False)
    inv.load(sheet, users=write(folder, "users.csv", USERS), as_of="2026-11-16")
    frame.loc[3, "Status"] = "Reserved"
    frame.to_excel(sheet, index=False)
    report = inv.load(sheet, users=write(folder, "users.csv", USERS), as_of="2026-11-23")
    assert report.changed_lines is None
    assert inv.sql("select count(line_hash) as n from numbers")["n"][0] == 0
    assert inv.sql("select status from numbers where number = '5003'")["status"][0] == "Reserved"
    inv.close()


# Two lines of a generated 10-million-line export that DuckDB's hash() gives one value: they
# first differ in the last byte of an 8-byte word (load/line_hash).
HASHED_ALIKE_BY_DUCKDB = (
    "\\+99900000897740,sys.hcs.Prov-1.Cust-9.Site-OL,Used,Device,,,,,Conference room 2",
    "\\+99900000897743,sys.hcs.Prov-1.Cust-9.Site-OL,Used,Device,,,,,Conference room 1")


def test_lines_that_duckdbs_hash_gives_one_value_keep_two_line_hashes(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    inv = loaded(tmp_path / "inv.duckdb", folder, base_rows())
    first, second = HASHED_ALIKE_BY_DUCKDB
    inv.con.execute(statement("load/line_hash"))
    same, told_apart = inv.con.execute(
        "select hash($a) = hash($b), line_hash($a, 7) <> line_hash($b, 7)",
        {"a": first, "b": second}).fetchall()[0]
    assert same, "the premise of load/line_hash: DuckDB's hash() of these two lines is one value"
    assert told_apart
    inv.close()


def test_hashes_of_another_scheme_make_the_load_write_every_row_and_the_next_reads_only_changes(
        tmp_path, monkeypatch):
    folder = tmp_path / "export"
    folder.mkdir()
    inv = loaded(tmp_path / "inv.duckdb", folder, base_rows())
    hashes_before = set(inv.sql("select line_hash from numbers")["line_hash"])
    # as a DuckDB whose hash() gives other values: the probe hashes otherwise
    monkeypatch.setattr(lines, "SCHEME_PROBE", "another DuckDB")
    rows = base_rows()
    rows[5] = rows[5].replace("Available", "Reserved")
    assert load_week(inv, folder, numbers_text(rows)).changed_lines is None
    hashes_after = inv.sql("select line_hash from numbers")["line_hash"]
    assert hashes_after.notna().all() and not hashes_before & set(hashes_after)
    rows[6] = rows[6].replace("Available", "Reserved")
    report = inv.load(write(folder, "numbers.csv", numbers_text(rows)),
                      users=write(folder, "users.csv", USERS), as_of="2026-11-30")
    assert report.changed_lines == 1
    inv.close()


# Two usernames DuckDB's hash() gives one value (they differ in the last byte of each of
# their two 8-byte words): a weekly load must not take one for the other.
USERNAMES_HASHED_ALIKE = ("j.smith0@site-00", "j.smith9@site-07")


@pytest.mark.parametrize("by_lines", [True, False], ids=["by_lines", "whole_file"])
def test_a_user_and_a_row_changed_as_duckdbs_hash_cannot_tell_are_written(
        by_lines, tmp_path, monkeypatch):
    before, after = USERNAMES_HASHED_ALIKE
    folder = tmp_path / "export"
    folder.mkdir()
    rows = base_rows()
    rows[5] = f"5005,{SITE_A},Used,,{before},,desk 5"
    inv = loaded(tmp_path / "inv.duckdb", folder, rows, users=USERS + f"{before},{SITE_A}\n")
    if not by_lines:
        monkeypatch.setattr(changed_lines, "usable", lambda con, facts, basis: False)
    rows[5] = f"5005,{SITE_A},Used,,{after},,desk 5"
    report = load_week(inv, folder, numbers_text(rows), users=USERS + f"{after},{SITE_A}\n")
    assert report.changed_lines == (1 if by_lines else None)
    assert inv.sql("select used_by from numbers where number = '5005'")["used_by"][0] == after
    usernames = set(inv.sql("select username from users")["username"])
    assert after in usernames and before not in usernames
    assert report.deleted_users == [before]
    inv.close()


def test_the_changed_lines_file_of_a_killed_load_is_deleted_by_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    left_by_gone = tmp_path / "scratch" / f"{changed_lines.SCRATCH_PREFIX}{gone.stdout.strip()}-x.csv"
    left_by_live = tmp_path / "scratch" / f"{changed_lines.SCRATCH_PREFIX}{os.getpid()}-y.csv"
    left_by_gone.write_text("a killed load's lines\n")
    left_by_live.write_text("a running load's lines\n")
    inv, _, _ = one_line_changed(tmp_path)
    assert not left_by_gone.exists() and left_by_live.exists()
    assert sorted(path.name for path in (tmp_path / "scratch").iterdir()) == [left_by_live.name]
    inv.close()


@pytest.mark.parametrize("line_end", ["lf", "crlf"])
def test_changed_lines_are_read_back_from_their_places_and_a_file_changed_since_gives_none(
        tmp_path, line_end):
    """lines.texts reads each changed line where the lines before it put it (their bytes and
    line ends), and refuses the texts when the file no longer hashes as it was read."""
    ending = "\r\n" if line_end == "crlf" else "\n"
    rows = [f"{5000 + i},{SITE_A},Available,,,,désk {'x' * i}" for i in range(12)]
    path = tmp_path / "numbers.csv"
    path.write_bytes((HEADER + ending + "".join(row + ending for row in rows)).encode("utf-8"))
    inv = numkit.connect(tmp_path / "inv.duckdb")
    con = inv.con
    basis = lines.basis(con, path)
    assert lines.read(con, path, basis) is True
    assert lines.texts(con, path, basis, [0, 5, 11], line_end) == [rows[0], rows[5], rows[11]]
    # the same length, another byte: what was read is not what the file holds now
    path.write_bytes(path.read_bytes().replace(b"5005", b"5095"))
    assert lines.texts(con, path, basis, [0, 5, 11], line_end) is None
    assert lines.texts(con, path, basis, [0, 11], line_end) == [rows[0], rows[11]]
    inv.close()
