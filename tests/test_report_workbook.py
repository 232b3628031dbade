"""The report's workbook (numkit-report.xlsx) read back with openpyxl: a Summary sheet
first, with the headline figures now and at the snapshot before counted here from the
sample's CSV files; on every sheet
the header frozen, filters over the data, widths that fit within a bound; numbers and
usernames as text exactly as written, counts as numbers, dates as dates, shares as
percentages, and no cell a formula."""

import datetime as dt
import shutil

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

import numkit
from numkit.labels import LABELS, VALUE_WORDS, label, value_words
from numkit.loading.snapshots import load_folder
from numkit.reports.exports import SUMMARY_SHEET, SUMMARY_TABLE, WORKBOOK, write_tables
from numkit.reports.headline import FIGURES
from numkit.reports.sections import CleanupReport
from numkit.reports.summary import report_data
from numkit.reports import workbook
from numkit.reports.workbook import WIDEST, write_workbook
from numkit.sample import SAMPLE_EXPORT

AS_OF = dt.date(2026, 11, 23)
PREVIOUS = dt.date(2026, 11, 13)        # the sample's snapshot before the latest
ALERT_SHARE = 0.43                      # high enough that nodes of the sample fall under it
SITE_A = "sys.hcs.Prov-1.Cust-1.Site-A"
HEADLINES = dict(FIGURES)               # {key: the figure in words}
NAMES = {words: name for name, words in LABELS.items()}
# No column may be wider than this many characters, about half a screen, whatever it holds.
BOUND = 80
# Excel stores a column's width with 5 pixels of padding, in characters of 7 pixels, and
# rounded to a whole pixel.
EXCEL_PADDING, PIXEL = 5 / 7, 1 / 7


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def numbers_of(path):
    numbers = read(path)
    numbers["Internal Number"] = numbers["Internal Number"].str.removeprefix("\\")
    numbers["Release Date"] = pd.to_datetime(numbers["Release Date"].replace("", None)).dt.date
    return numbers


# -- the headline figures, counted from the export's files as docs/rules.md states them ----
def active_users(users):
    return dict(zip(users["Username"].str.lower(), users["Located At"]))


def held_for_leavers(numbers, users):
    """R22, any age: rows reserved for a username no active user has."""
    reserved = numbers["Reserved For"].str.lower()
    return int(((reserved != "") & ~reserved.isin(set(active_users(users)))).sum())


def stuck(release_date, as_of):
    """R7: cooling with no end date, or one more than 20 days before the snapshot date."""
    return release_date is None or pd.isna(release_date) or (as_of - release_date).days > 20


def stuck_cooling(numbers, as_of):
    cooling = numbers[numbers["Status"] == "Cooling"]
    return sum(stuck(date, as_of) for date in cooling["Release Date"])


def stranded(numbers, users):
    """R24: reserved for an active user whose node is neither the row's node nor below it."""
    nodes = active_users(users)
    count = 0
    for node, user in zip(numbers["Located At"], numbers["Reserved For"].str.lower()):
        user_node = nodes.get(user)
        if user_node is not None and not (user_node == node or user_node.startswith(node + ".")):
            count += 1
    return count


def available(row, as_of):
    """R7's effective status is Available (the snapshot's date is its as of)."""
    status, date = row["Status"], row["Release Date"]
    if status == "Available":
        return True
    released = date is not None and not pd.isna(date) and date <= as_of
    return (status == "Reserved" and released) or (status == "Cooling" and released
                                                   and not stuck(date, as_of))


def nodes_under_the_alert(numbers, as_of, alert_share):
    """R25: nodes whose scope (the node and below) has less than `alert_share` available."""
    free = [available(row, as_of) for _, row in numbers.iterrows()]
    scopes = {}
    for node, is_free in zip(numbers["Located At"], free):
        parts = node.split(".")
        for end in range(1, len(parts) + 1):
            total, count = scopes.get(".".join(parts[:end]), (0, 0))
            scopes[".".join(parts[:end])] = (total + 1, count + is_free)
    return sum(count / total < alert_share for total, count in scopes.values())


# -- the sample, loaded, with one decision made in numkit ----------------------------------
def a_free_number_at(numbers, node):
    free = numbers[(numbers["Located At"] == node) & (numbers["Status"] == "Available")
                   & (numbers["Reserved For"] == "")]
    return free["Internal Number"].iloc[0]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    db = root / "inventory.duckdb"
    numbers, users = numbers_of(SAMPLE_EXPORT / "numbers.csv"), read(SAMPLE_EXPORT / "users.csv")
    user = users[users["Located At"] == SITE_A]["Username"].iloc[0]
    with numkit.connect(db) as inv:
        load_folder(inv, SAMPLE_EXPORT)
        inv.settings["alert_share"] = ALERT_SHARE
        inv.as_of = AS_OF
        inv.reserve_for(a_free_number_at(numbers, SITE_A), user, node=SITE_A)
    out = root / "report"
    CleanupReport(db, as_of=AS_OF, older_than_days=0).export(out, notebook_folder=out)
    return out, openpyxl.load_workbook(out / WORKBOOK)


def summary_rows(book):
    rows = book[SUMMARY_SHEET].iter_rows(values_only=True)
    header = [NAMES.get(words, words) for words in next(rows)]
    return {row[0]: dict(zip(header, row)) for row in rows}


def counted(numbers, users, as_of):
    """{key: figure} of the report's first screen, as of a snapshot, from its files."""
    return {"held": held_for_leavers(numbers, users),
            "stuck_cooling": stuck_cooling(numbers, as_of),
            "stranded": stranded(numbers, users),
            "nodes_below_alert": nodes_under_the_alert(numbers, as_of, ALERT_SHARE)}


def test_the_summary_is_the_first_sheet_and_its_figures_are_the_sample_s(sample_report):
    _, book = sample_report
    assert book.sheetnames[0] == SUMMARY_SHEET
    assert SUMMARY_TABLE not in book.sheetnames         # the Summary is that table, once
    numbers, users = numbers_of(SAMPLE_EXPORT / "numbers.csv"), read(SAMPLE_EXPORT / "users.csv")
    before = counted(numbers_of(SAMPLE_EXPORT / "history" / f"numbers-{PREVIOUS}.csv"),
                     read(SAMPLE_EXPORT / "history" / f"users-{PREVIOUS}.csv"), PREVIOUS)
    figures = summary_rows(book)
    assert list(figures) == list(HEADLINES.values())
    now = {key: figures[words]["now"] for key, words in HEADLINES.items()}
    assert now == {**counted(numbers, users, AS_OF), "pending_decisions": 1}
    assert all(now.values())        # each figure counts something: a wrong count shows
    assert before != {key: now[key] for key in before}     # the sample's weeks move them
    on_previous = dt.datetime.combine(PREVIOUS, dt.time())
    for key, then in before.items():
        row = figures[HEADLINES[key]]
        assert (row["previous"], row["difference"], row["compared_with"], row["compared_on"]) == (
            then, now[key] - then, "snapshot 6", on_previous), key
    pending = figures[HEADLINES["pending_decisions"]]
    # the latest load found nothing pending: the decision came after it
    assert (pending["previous"], pending["difference"]) == (0, 1)
    assert (pending["compared_with"], pending["compared_on"]) == (
        "the latest load", dt.datetime.combine(AS_OF, dt.time()))


def test_summary_figures_are_numbers_and_the_difference_is_signed(sample_report):
    _, book = sample_report
    for row in book[SUMMARY_SHEET].iter_rows(min_row=2):
        figure, now, previous, difference, compared_with, compared_on = row
        assert (figure.data_type, compared_with.data_type) == ("s", "s")
        assert all(cell.data_type == "n" and cell.number_format == "#,##0"
                   for cell in (now, previous))
        assert difference.number_format == "+#,##0;-#,##0;0" and difference.data_type == "n"
        assert compared_on.is_date and compared_on.number_format == "yyyy-mm-dd"


def test_every_sheet_has_its_header_frozen_and_filters_over_its_data(sample_report):
    out, book = sample_report
    for sheet in book:
        table = SUMMARY_TABLE if sheet.title == SUMMARY_SHEET else sheet.title
        rows = len(read(out / f"{table}.csv")) + 1
        assert sheet.max_row == rows, sheet.title
        assert sheet.freeze_panes == "A2", sheet.title
        last = get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{rows}", sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title


def test_every_column_is_wider_than_its_header_and_fits_its_text_within_the_bound(sample_report):
    _, book = sample_report
    for sheet in book:
        for column in sheet.iter_cols():
            header, values = column[0].value, column[1:]
            width = column_width(sheet, column[0].column) - EXCEL_PADDING
            assert len(header) < width <= min(WIDEST, BOUND) + PIXEL, (sheet.title, header, width)
            longest = max((len(line) for cell in values if cell.data_type == "s"
                           for line in cell.value.split("\n")), default=0)
            assert width >= min(longest, WIDEST) - PIXEL, (sheet.title, header, width)


def column_width(sheet, index):
    """The width of column `index` (1 for A): a workbook may give neighbouring columns of
    one width in a single range (min to max)."""
    [width] = [dimension.width for dimension in sheet.column_dimensions.values()
               if dimension.min <= index <= dimension.max]
    return width


def cells_of(book, sheet_name, column):
    sheet = book[sheet_name]
    index = [NAMES.get(cell.value, cell.value) for cell in sheet[1]].index(column)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def test_numbers_are_text_exactly_as_written(sample_report):
    _, book = sample_report
    numbers = cells_of(book, "snapshot_changes", "number")
    e164 = [cell for cell in numbers if cell.value == "+441134960037"]
    assert e164 and all(cell.data_type == "s" and cell.number_format == "@" for cell in e164)
    for sheet in ("deleted_user_reservations", "stuck_cooling", "stranded_reservations"):
        assert all(cell.data_type == "s" and cell.number_format == "@"
                   for cell in cells_of(book, sheet, "number")), sheet


def test_counts_are_numbers_dates_are_dates_and_shares_percentages(sample_report):
    out, book = sample_report
    days = [cell for cell in cells_of(book, "deleted_user_reservations", "days_since_deleted")
            if cell.value is not None]
    assert days and all(isinstance(cell.value, int) and cell.data_type == "n" for cell in days)
    deleted = [cell for cell in cells_of(book, "deleted_user_reservations", "deleted_at")
               if cell.value is not None]
    csv = read(out / "deleted_user_reservations.csv")
    assert [f"{cell.value:%Y-%m-%d}" for cell in deleted] == [
        value[:10] for value in csv["deleted_at"] if value]
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in deleted)
    shares = cells_of(book, "node_utilization", "share_available")
    assert [cell.value for cell in shares] == pytest.approx(
        read(out / "node_utilization.csv")["share_available"].astype(float).tolist())
    assert all(cell.number_format == "0.0%" for cell in shares)
    totals = cells_of(book, "node_utilization", "total")
    assert all(isinstance(cell.value, int) and cell.number_format == "#,##0" for cell in totals)


def test_codes_are_in_words_as_on_the_page_and_the_csv_keeps_them(sample_report):
    """A change, category or kind reads as the page says it (`Number added`, `Never
    onboarded`); the CSV of the same table keeps the code, for scripts and VOSS."""
    out, book = sample_report
    seen = 0
    for sheet in book:
        if sheet.title == SUMMARY_SHEET:
            continue
        codes = read(out / f"{sheet.title}.csv")
        for column in codes.columns:
            if column not in VALUE_WORDS:
                continue
            cells = [cell.value for cell in cells_of(book, sheet.title, column)]
            expected = [value_words(column, code) if code else None for code in codes[column]]
            assert cells == expected, (sheet.title, column)
            seen += sum(code != words for code, words in zip(codes[column], cells) if code)
    changes = {cell.value for cell in cells_of(book, "snapshot_changes", "change")}
    assert {"Number added", "Status changed", "Reservation set"} <= changes
    assert seen > 0


def test_no_cell_of_the_sample_s_workbook_is_a_formula(sample_report):
    _, book = sample_report
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


# -- a small inventory: a national number, a long note, values that look like formulas -----
NATIONAL = "01134960037"
E164 = "+441134960037"
FORMULA = '=HYPERLINK("http://example.invalid","click")'
LONG_NOTE = "held for the new starter; " * 80           # some 2,000 characters
SITE = "sys.hcs.Prov-1.Cust-1.Site-A"


@pytest.fixture
def small_book(loaded_inventory, tmp_path):
    notes = LONG_NOTE.strip()
    inv = loaded_inventory(numbers=f"""\
        Internal Number,Located At,Status,Reserved For,Release Date,Reservation Notes
        {NATIONAL},{SITE},Available,leaver,,"{notes}"
        \\{E164},{SITE},Reserved,"{FORMULA.replace('"', '""')}",2026-12-01,#N/A
        2001,{SITE},Available,,,
        """, users=f"""\
        Username,Located At
        alice,{SITE}
        """, hierarchy=f"""\
        Hierarchy,Type
        sys.hcs.Prov-1.Cust-1,Customer
        {SITE},Site
        """)
    data = report_data(inv)
    write_tables(data.tables, tmp_path)
    return data, openpyxl.load_workbook(tmp_path / WORKBOOK)


def test_a_number_with_a_leading_zero_and_one_with_a_plus_stay_as_written(small_book):
    _, book = small_book
    numbers = {cell.value: cell for cell in cells_of(book, "deleted_user_reservations", "number")}
    assert set(numbers) == {NATIONAL, E164}
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in numbers.values())


def test_a_formula_looking_cell_stays_inert(small_book):
    _, book = small_book
    held = {row["number"].value: row for row in (
        dict(zip(("number", "reserved_for", "notes"), cells)) for cells in zip(
            cells_of(book, "deleted_user_reservations", "number"),
            cells_of(book, "deleted_user_reservations", "reserved_for"),
            cells_of(book, "deleted_user_reservations", "reservation_notes")))}
    assert held[E164]["reserved_for"].value == "'" + FORMULA
    # an error value's spelling is text too, never Excel's #N/A
    assert (held[E164]["notes"].value, held[E164]["notes"].data_type) == ("#N/A", "s")
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_a_long_note_is_whole_in_its_cell_and_its_column_bounded(small_book):
    _, book = small_book
    notes = cells_of(book, "deleted_user_reservations", "reservation_notes")
    assert LONG_NOTE.strip() in [cell.value for cell in notes]
    width = column_width(book["deleted_user_reservations"], notes[0].column) - EXCEL_PADDING
    assert width == pytest.approx(WIDEST, abs=PIXEL) and WIDEST <= BOUND


def test_with_one_snapshot_only_the_pending_decisions_have_an_earlier_figure(small_book):
    data, book = small_book
    figures = summary_rows(book)
    for key in ("held", "stuck_cooling", "stranded", "nodes_below_alert"):
        row = figures[HEADLINES[key]]
        assert (row["previous"], row["difference"], row["compared_with"],
                row["compared_on"]) == (None, None, None, None), key
    pending = figures[HEADLINES["pending_decisions"]]
    assert (pending["previous"], pending["difference"], pending["compared_with"]) == (
        0, 0, "the latest load")
    held = figures[HEADLINES["held"]]["now"]
    assert held == 2 == len(data.tables["deleted_user_reservations"])


def test_text_is_never_a_formula_whatever_its_column(tmp_path):
    """The workbook writes text as text even where the export's protection does not reach
    (a column that is not free text): the type is set, not guessed from the value."""
    frame = pd.DataFrame({"status": ["=1+1", "#REF!", "@SUM(A1)"], "total": [1, 2, 3]})
    write_workbook(tmp_path / "book.xlsx", {"sheet": frame})
    sheet = openpyxl.load_workbook(tmp_path / "book.xlsx")["sheet"]
    assert [(cell.value, cell.data_type) for cell in next(sheet.iter_cols(min_row=2))] == [
        ("=1+1", "s"), ("#REF!", "s"), ("@SUM(A1)", "s")]
    assert [cell.value for cell in sheet[1]] == [label("status"), label("total")]


# -- the decisions pending when the latest snapshot was loaded: the round trip -------------
def unchanged_free_numbers(week1, week2, node):
    """Numbers free at `node` whose row next week's export leaves as it was."""
    rows = week1.merge(week2, how="inner")
    free = rows[(rows["Located At"] == node) & (rows["Status"] == "Available")
                & (rows["Reserved For"] == "")]
    return free["Internal Number"].tolist()


def test_pending_decisions_are_compared_with_those_pending_at_the_latest_load(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(SAMPLE_EXPORT, export)
    week1 = numbers_of(export / "numbers.csv")
    week2 = numbers_of(export / "next-week" / "numbers.csv")
    users = read(export / "next-week" / "users.csv")
    user = users[users["Located At"] == SITE_A]["Username"].iloc[0]
    first, second, third = unchanged_free_numbers(week1, week2, SITE_A)[:3]
    with numkit.connect() as inv:
        load_folder(inv, export)
        inv.as_of = AS_OF
        inv.reserve_for([first, second], user, node=SITE_A)        # two decisions
        load_folder(inv, export / "next-week")                       # VOSS has done neither yet
        inv.reserve_for(third, user, node=SITE_A)                    # and one more since
        data = report_data(inv)
    figures = data.tables["headline_figures"].set_index("figure")
    pending = figures.loc[HEADLINES["pending_decisions"]]
    assert (pending["now"], pending["previous"], pending["difference"]) == (3, 2, 1)
    assert (pending["compared_with"], pending["compared_on"]) == (
        "the latest load", pd.Timestamp("2026-11-30"))


def test_a_table_longer_than_a_sheet_is_cut_and_says_where_the_rest_is(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "SHEET_ROWS", 6)      # a sheet of 6 rows, as Excel's 1,048,576
    frame = pd.DataFrame({"number": [f"0{n}" for n in range(10)], "total": range(10)})
    write_workbook(tmp_path / "book.xlsx", {"long": frame})
    sheet = openpyxl.load_workbook(tmp_path / "book.xlsx")["long"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 6 and values[1:5] == [(f"0{n}", n) for n in range(4)]
    assert values[5][0] == ("First 4 of 10 rows: a sheet holds no more. The CSV file of the "
                            "same name holds them all.")
    assert sheet.auto_filter.ref == "A1:B5"


def test_a_cell_past_excel_s_limit_in_utf_16_units_is_cut_whole_with_its_note(tmp_path):
    """Excel counts a cell's 32,767 characters in UTF-16 units (an emoji is two): a value
    of 20,000 emoji is cut to fit so counted, never cut again mid-note by the writer."""
    from numkit.spreadsheet_cells import CELL_LIMIT, as_cell, excel_length
    value = "😀" * 20_000
    cell = as_cell(value)
    assert excel_length(cell) <= CELL_LIMIT < excel_length(value)
    assert cell.endswith("[cut: 20,000 characters in all; the CSV holds the whole value]")
    write_workbook(tmp_path / "long.xlsx", {"notes": pd.DataFrame({"reservation_notes": [value]})})
    [written] = cells_of(openpyxl.load_workbook(tmp_path / "long.xlsx"), "notes", "reservation_notes")
    assert written.value == cell
