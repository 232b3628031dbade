"""Loading XLSX exports: the sheet read, cell values as text, and what cannot be read exactly
(docs/interface.md#files-numkit-loads)."""

import datetime as dt
import json
import re
import tracemalloc
import zipfile

import openpyxl
import pytest

import numkit

from conftest import AS_OF, SITE_A, records

HEADER = ["Internal Number", "Located At", "Status", "Reserved For", "Release Date"]


def workbook(path, rows, title="Numbers"):
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def rewrite_sheet(path, change):
    """The workbook at `path` with its first sheet's XML passed through `change`, as another
    program than openpyxl would have written it."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode()).encode()
    with zipfile.ZipFile(path, "w") as book:
        for part, data in parts.items():
            book.writestr(part, data)
    return path


def refused(path):
    with pytest.raises(numkit.LoadError) as error:
        numkit.connect().load(path, as_of=AS_OF)
    return [tuple(p) for p in error.value.problems[["row", "column", "value", "reason"]]
            .itertuples(index=False)]


def test_xlsx_cells_read_as_the_export_means_them(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [
        HEADER,
        [2001, SITE_A, "Reserved", "bob", dt.datetime(2026, 12, 31)],
        [2002.0, SITE_A, "Cooling", None, dt.datetime(2026, 12, 30, 13, 5)],
        ["0100", SITE_A, "Available", 42, None]])
    inv = numkit.connect()
    inv.load(path, as_of=AS_OF)
    assert records(inv.sql("select number, reserved_for, release_date::varchar as release_date "
                           "from numbers order by number"),
                   "number", "reserved_for", "release_date") == [
        ("0100", "42", None), ("2001", "bob", "2026-12-31"), ("2002", None, "2026-12-30")]


def test_xlsx_formula_with_a_stored_value_reads_the_value(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Reserved", "=E9", None]])
    # as Excel saves it: the formula and the value it calculated
    rewrite_sheet(path, lambda xml: xml.replace("<f>E9</f><v />", '<f>E9</f><v>bob</v>')
                  .replace('<c r="D2">', '<c r="D2" t="str">'))
    inv = numkit.connect()
    inv.load(path, as_of=AS_OF)
    assert inv.sql("select reserved_for from numbers")["reserved_for"].tolist() == ["bob"]


def test_xlsx_shared_formula_without_stored_values_names_each_formula(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Reserved", "=E9", None],
                                          [2002, SITE_A, "Reserved", "=E10", None]])
    rewrite_sheet(path, lambda xml: xml.replace("<f>E9</f>", '<f t="shared" ref="D2:D3" si="0">E9</f>')
                  .replace("<f>E10</f>", '<f t="shared" si="0" />'))
    assert [(row, column, value) for row, column, value, _ in refused(path)] == [
        (2, "Reserved For", "=E9"), (3, "Reserved For", "=E10")]


def test_xlsx_error_cell_is_a_problem_not_a_value(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Reserved", "#N/A", None]])
    [(row, column, value, reason)] = refused(path)
    assert (row, column, value) == (2, "Reserved For", "#N/A")
    assert "error #N/A" in reason


def test_xlsx_number_of_16_digits_written_as_plain_digits_is_a_problem_too(tmp_path):
    """A program may write a long number cell as its digits (no exponent): a spreadsheet
    holds it as a double all the same, so it may not be the number typed (2**53 + 1 is
    not a double). A problem naming the cell, never a number loaded otherwise."""
    path = workbook(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Available"],
                                          [999999999999999, SITE_A, "Available"]])
    rewrite_sheet(path, lambda xml: xml.replace("<v>2001</v>", "<v>9007199254740993</v>"))
    [(row, column, value, reason)] = refused(path)
    assert (row, column, value) == (2, "Internal Number", "9007199254740993")
    assert "16 digits or more" in reason


def test_xlsx_text_escapes_read_as_the_characters_they_stand_for(tmp_path):
    """Characters XML cannot hold are written in a workbook as _xHHHH_ (a carriage return
    in a cell as _x000D_); a text holding that sequence itself, as _x005F_ first."""
    path = workbook(tmp_path / "n.xlsx", [HEADER + ["Reservation Notes", "Site Code"],
                                          [2001, SITE_A, "Available", None, None,
                                           "NOTE-1", "CODE-1"]])
    rewrite_sheet(path, lambda xml: xml.replace("NOTE-1", "held for_x000D_\nCEO office")
                  .replace("CODE-1", "A_x005F_x000B_B"))
    inv = numkit.connect()
    inv.load(path, as_of=AS_OF)
    stored = inv.store.rows("select reservation_notes, extra->>'Site Code' as code from numbers")
    assert stored == [{"reservation_notes": "held for\r\nCEO office", "code": "A_x000B_B"}]


@pytest.mark.parametrize("damage", ["a bit flipped", "a text past the table"])
def test_xlsx_damaged_is_refused_in_one_line(tmp_path, damage):
    path = workbook(tmp_path / "n.xlsx", [HEADER] + [
        [str(2000 + i), SITE_A, "Available", None, None] for i in range(300)])
    if damage == "a bit flipped":
        info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data = bytearray(path.read_bytes())
        data[start + 97] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        rewrite_sheet(path, lambda xml: re.sub(r'<c r="A2" t="inlineStr"><is><t>2000</t></is></c>',
                                               '<c r="A2" t="s"><v>99</v></c>', xml))
    with pytest.raises(numkit.LoadError) as error:
        numkit.connect().load(path, as_of=AS_OF)
    assert "damaged" in str(error.value)


def test_xlsx_value_in_a_column_without_header_is_a_problem(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [["Internal Number", "Located At"],
                                          [2001, SITE_A], [2002, SITE_A, None, "bob"]])
    [(row, column, value, reason)] = refused(path)
    assert (row, column, value) == (3, None, "bob")
    assert "column D, which has no header" in reason


def test_xlsx_stray_cell_far_away_is_refused_without_building_its_grid(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [["Internal Number", "Located At"], [2001, SITE_A]])
    book = openpyxl.load_workbook(path)
    book.active["XFD1048576"] = "x"
    book.save(path)
    # what reading it allocates (numpy reports to tracemalloc too): a grid of the used
    # range would be 16,384 x 1,048,576 cells, gigabytes; the sheet's three cells are bytes
    tracemalloc.start()
    try:
        [(row, column, value, reason)] = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20
    assert (row, value) == (1048576, "x")
    assert "used range A1:XFD1048576 is far larger than its rows" in reason


@pytest.mark.parametrize("dimension", ['<dimension ref="A1:A1" />', ""])
def test_xlsx_sheet_whose_dimension_lies_is_read_by_its_cells(tmp_path, dimension):
    path = workbook(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Reserved", "bob", None],
                                          [2002, SITE_A, "Available", None, None]])
    rewrite_sheet(path, lambda xml: re.sub(r"<dimension [^>]*/>", dimension, xml))
    inv = numkit.connect()
    inv.load(path, as_of=AS_OF)
    assert records(inv.sql("select number, reserved_for from numbers order by number"),
                   "number", "reserved_for") == [("2001", "bob"), ("2002", None)]


def test_xlsx_rows_refused_by_cell_leave_the_others_in_a_lenient_load(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Available", "=E9", None],
                                          [2002, SITE_A, "Available", None, None],
                                          [], ["20O4", SITE_A, "Available", None, None]])
    inv = numkit.connect()
    report = inv.load(path, as_of=AS_OF, strict=False)
    assert report.rejected == 2
    assert inv.sql("select number from numbers")["number"].tolist() == ["2002"]
    assert sorted(inv.sql("select row from load_rejects")["row"].tolist()) == [2, 5]


def test_xlsx_load_records_the_sheet_it_read(tmp_path):
    path = tmp_path / "n.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Numbers"
    book.active.sheet_state = "hidden"
    book.create_sheet("Export").append(["Internal Number", "Located At"])
    book["Export"].append([2001, SITE_A])
    book.save(path)
    inv = numkit.connect()
    report = inv.load(path, as_of=AS_OF)
    assert report.files["numbers"]["sheet"] == "Export"
    assert json.loads(inv.sql("select files from loads")["files"][0])["numbers"]["sheet"] == "Export"


def test_xlsx_load_of_a_workbook_of_several_sheets_says_which_it_read_and_which_it_did_not(
        tmp_path):
    """Only one sheet is read (named like the role, else the first): a second sheet of rows
    would be lost without a word, so the load's line for the file names both."""
    path = tmp_path / "n.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Number Inventory"
    book.active.append(["Internal Number", "Located At"])
    book.active.append([2001, SITE_A])
    book.create_sheet("Number Inventory (2)").append(["Internal Number", "Located At"])
    book["Number Inventory (2)"].append([2002, SITE_A])
    book.save(path)
    report = numkit.connect().load(path, as_of=AS_OF)
    assert report.numbers == 1
    assert report.describe_columns()[0] == (
        "n.xlsx (read in sheet 'Number Inventory', the first: no sheet is named numbers; "
        "not read: 'Number Inventory (2)'): Internal Number -> number, Located At -> node")


def test_xlsx_with_no_visible_sheet_is_refused(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [["Internal Number", "Located At"], [2001, SITE_A]])
    with zipfile.ZipFile(path) as book:   # openpyxl itself keeps a sheet visible
        parts = {name: book.read(name) for name in book.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b'state="visible"', b'state="hidden"')
    with zipfile.ZipFile(path, "w") as book:
        for part, data in parts.items():
            book.writestr(part, data)
    [(row, column, value, reason)] = refused(path)
    assert "no visible sheet" in reason


def formatted(path, rows, formats):
    """A workbook of `rows` whose cells named in `formats` show with that number format."""
    book = openpyxl.Workbook()
    book.active.title = "Numbers"
    for row in rows:
        book.active.append(row)
    for reference, code in formats.items():
        book.active[reference].number_format = code
    book.save(path)
    return path


def test_xlsx_number_zero_padded_or_with_a_literal_prefix_reads_as_it_shows(tmp_path):
    path = formatted(tmp_path / "n.xlsx", [
        HEADER, [100, SITE_A, "Available"], [442079460999, SITE_A, "Available"],
        [5, SITE_A, "Available"], [12345, SITE_A, "Available"], [2001, SITE_A, "Available"],
        [2002, SITE_A, "Available"], [2003.0, SITE_A, "Available"], [0, SITE_A, "Available"]],
        {"A2": "0000", "A3": '"+"0', "A4": '\\+00', "A5": "0000", "A6": "General", "A7": "@",
         "A8": "0", "A9": '"44"000'})
    inv = numkit.connect()
    inv.load(path, as_of=AS_OF)
    assert sorted(inv.sql("select number from numbers")["number"].tolist()) == sorted([
        "0100", "+442079460999", "+05", "12345", "2001", "2002", "2003", "44000"])


@pytest.mark.parametrize("value, code", [
    (2001, "#,##0"), (2001, "0.00"), (2001, "0.0E+00"), (2001, "[Red]0"), (2001, "0000;-0"),
    (-5, "0000"), (-5, '"+"0'), (100.5, "0000"), (100.5, "0"), (2001, "00 00"), (2001, "0%")])
def test_xlsx_number_with_a_format_that_may_show_it_otherwise_is_a_problem(tmp_path, value,
                                                                            code):
    path = formatted(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Available"],
                                           [value, SITE_A, "Available"]], {"A3": code})
    [(row, column, shown, reason)] = refused(path)
    assert (row, column, shown) == (3, "Internal Number", str(value))
    assert f"the number format {code!r}" in reason and "store the number as text" in reason


def test_xlsx_number_with_a_format_in_a_text_column_is_a_problem_too(tmp_path):
    path = formatted(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Reserved", 42, None]],
                     {"D2": "0.00"})
    [(row, column, shown, reason)] = refused(path)
    assert (row, column, shown) == (2, "Reserved For", "42")
    assert "'0.00'" in reason


def test_xlsx_number_whose_style_the_workbook_lacks_is_a_problem(tmp_path):
    path = workbook(tmp_path / "n.xlsx", [HEADER, [2001, SITE_A, "Available"]])
    rewrite_sheet(path, lambda xml: xml.replace('<c r="A2" t="n">', '<c r="A2" t="n" s="99">'))
    [(row, column, shown, reason)] = refused(path)
    assert (row, column, shown) == (2, "Internal Number", "2001")
    assert "a number format the workbook does not define" in reason
