"""Reading one sheet of an XLSX workbook as text, cell by cell: never as a grid, and never a
value the sheet does not show as it holds it (a formula never calculated, an error, a merge)."""

import datetime as dt
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
# openpyxl's own streaming sheet parser (openpyxl is pinned): its read-only worksheets give
# either a formula or its stored value, and no merged cells; the parser sees all three.
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from .cell_format import Formats, shown, unsure
from .csv_dialect import MAX_COLUMNS, too_many_columns

# A stray cell far below the data (XFD1048576 in a 5 KB file) would make a million empty
# rows to number: more empty rows than this, and than rows holding values, are refused.
FAR_EMPTY_ROWS = 1000
NO_STORED_VALUE = ("a formula with no stored value (the workbook was written by a program and "
                   "never calculated): open and save it in Excel, or write values, not formulas")
# A spreadsheet keeps 15 significant digits of a number (a double holds every whole number
# below 2**53 exactly): a number cell of 16 digits or more may not be the number typed, and
# its digits as stored (12345678901234567890 -> 12345678901234569216) are not in the file.
EXACT_BELOW = 10 ** 15
TOO_MANY_DIGITS = ("a number of 16 digits or more stored as a number, which a spreadsheet "
                   "does not keep exactly (15 significant digits): store the number as text")
# Characters XML cannot hold are written in a workbook's text as _xHHHH_ (a carriage
# return inside a cell as _x000D_; a text holding "_x000D_" itself as _x005F_x000D_), which
# openpyxl hands on as written.
ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")
# A workbook whose compressed parts do not read back (a flipped bit), or whose cells point
# past its table of texts, is damaged: said in one line, never a traceback.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, IndexError, ParseError,
           DefusedXmlException, KeyError)
MERGED = ("merged cells {}: the value shows across the merge but is stored in its first cell "
          "only: unmerge the cells and fill each one")


@dataclass
class Sheet:
    """The cells of the sheet read: texts by column, and what cannot be read as text."""
    title: str
    note: str = ""               # which sheet was read, when it is not the one named like the role
    headers: dict = field(default_factory=dict)     # column number -> header text
    columns: dict = field(default_factory=dict)     # header text -> values of the rows kept
    holes: set = field(default_factory=set)         # data rows left out (empty or refused)
    problems: list = field(default_factory=list)    # (row, header, value, reason): the sheet
    rejects: list = field(default_factory=list)     # (row, header, value, reason): one row


class _CellParser(WorkSheetParser):
    """openpyxl's sheet parser, keeping a formula's text beside the value stored for it."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if element.find(FORMULA_TAG) is not None:
            # also for cells with a value: a shared formula is written once, on its first cell
            formula = self.parse_formula(element)
            cell["formula"] = getattr(formula, "text", None) or str(formula)
        return cell


def second_column(header, first, column):
    """The problem of a header written twice, in columns numbered from 1 (as a spreadsheet
    shows them: `first` and `column`): numkit would read one and lose the other."""
    return (f"a second column headed {header!r} (columns {get_column_letter(first)} and "
            f"{get_column_letter(column)})")


def text_of(value):
    """A cell's value as the text an export means by it: 2001 not 2001.0, a date as ISO."""
    if type(value) is str:
        return ESCAPED_CHARACTER.sub(lambda match: chr(int(match.group(1), 16)), value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


@dataclass
class _Cells:
    """A sheet's cells holding something: texts by column then row (a dict each, so that a
    sheet costs its cells, not its used range), and the cells that cannot be read as text."""
    texts: dict = field(default_factory=dict)       # column -> {row: text}
    refused: list = field(default_factory=list)     # (row, column, value, reason)
    merged: list = field(default_factory=list)      # references of the merged ranges

    def rows(self):
        found = {row for by_row in self.texts.values() for row in by_row}
        return found | {row for row, *_ in self.refused}

    def columns(self):
        return set(self.texts) | {column for _, column, *_ in self.refused}

    def text(self, row, column):
        return self.texts.get(column, {}).get(row)


def _cells(book, sheet):
    with book._archive.open(sheet._worksheet_path) as source:
        parser = _CellParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                             date_formats=book._date_formats,
                             timedelta_formats=book._timedelta_formats)
        found = _Cells()
        formats = Formats(book)
        for _, cells in parser.parse():
            for cell in cells:
                value, formula = cell["value"], cell.get("formula")
                if value is None:
                    if formula is not None:
                        found.refused.append((cell["row"], cell["column"], formula,
                                              NO_STORED_VALUE))
                elif cell["data_type"] == "e":
                    found.refused.append((cell["row"], cell["column"], value, "the cell holds "
                                          f"the error {value} (a formula that failed)"))
                elif (isinstance(value, (int, float)) and not isinstance(value, bool)
                      and abs(value) >= EXACT_BELOW):
                    # written as plain digits by some programs (an int here): a spreadsheet
                    # holds them as a double all the same
                    found.refused.append((cell["row"], cell["column"], repr(value),
                                          TOO_MANY_DIGITS))
                else:
                    text = text_of(value)
                    if cell["data_type"] == "n":    # a date's format made it a date already
                        code = formats.code(cell["style_id"])
                        if shown(value, text, code) is None:
                            found.refused.append((cell["row"], cell["column"], text,
                                                  unsure(text, code)))
                            continue
                        text = shown(value, text, code)
                    column = found.texts.get(cell["column"])
                    if column is None:
                        column = found.texts[cell["column"]] = {}
                    column[cell["row"]] = text
        if parser.merged_cells:
            found.merged = [cells.ref for cells in parser.merged_cells.mergeCell]
    return found


def choose_sheet(book, is_named_like_the_role, role):
    """The sheet to read (named like the role, else the first visible) and a note saying
    which it was; hidden sheets are never read, even when named like the role."""
    sheets = book.worksheets
    visible = [s for s in sheets if s.sheet_state == "visible"]
    named = [s for s in visible if is_named_like_the_role(s.title)]
    if named:
        return named[0], ""
    if not visible:
        return None, ""
    first = visible[0]
    hidden_named = [s.title for s in sheets if s not in visible and is_named_like_the_role(s.title)]
    if hidden_named:
        return first, (f" in sheet {first.title!r}, the first visible: sheet "
                       f"{hidden_named[0]!r} is hidden (hidden sheets are never read)")
    if first is not sheets[0]:
        return first, (f" in sheet {first.title!r}, the first visible: no sheet is named {role} "
                       "(hidden sheets are never read)")
    if len(sheets) > 1:
        others = ", ".join(repr(s.title) for s in sheets[1:])
        return first, (f" in sheet {first.title!r}, the first: no sheet is named {role}; "
                       f"not read: {others}")
    return first, ""


def read_sheet(path, is_named_like_the_role, role):
    """The Sheet of the workbook at `path` to read for `role`; ValueError if it is none."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *DAMAGED) as error:
        raise ValueError(f"not an XLSX workbook, or a damaged one ({error})") from None
    try:
        chosen, note = choose_sheet(book, is_named_like_the_role, role)
        if chosen is None:
            raise ValueError("the workbook has no visible sheet (hidden sheets are never read)")
        try:
            found = _cells(book, chosen)
        except DAMAGED as error:
            raise ValueError(f"the sheet {chosen.title!r} is damaged ({error})") from None
    finally:
        book.close()
    sheet = Sheet(chosen.title, note)
    _arrange(sheet, found)
    return sheet


def _far_larger(found, rows):
    """The problem of a sheet whose used range is far larger than its rows, or None."""
    last = max(rows)
    empty = last - len(rows)
    if empty <= FAR_EMPTY_ROWS or empty <= len(rows):
        return None
    columns = found.columns()
    column = max(c for c in columns if found.text(last, c) is not None
                 or any(r == last and k == c for r, k, *_ in found.refused))
    value = found.text(last, column)
    if value is None:
        value = next(v for r, k, v, _ in found.refused if (r, k) == (last, column))
    used = (f"{get_column_letter(min(columns))}{min(rows)}:"
            f"{get_column_letter(max(columns))}{last}")
    return (last, None, value, f"the sheet's used range {used} is far larger than its rows: "
            f"{len(rows):,} rows hold values, the last of them row {last:,} (cell "
            f"{get_column_letter(column)}{last}): delete the stray cells below or beside the data")


def _arrange(sheet, found):
    """Fill `sheet` from its cells: headers, data rows by column, and their problems."""
    rows = found.rows()
    if not rows:
        sheet.problems.append((None, None, None, f"the sheet {sheet.title!r} holds no values"))
        return
    far = _far_larger(found, rows)
    if far:
        sheet.problems.append(far)
        return
    if 1 not in rows:
        sheet.problems.append((1, None, None, "the first row is empty: the header must be on "
                               "row 1"))
        return
    for column in sorted(found.columns()):
        header = found.text(1, column)
        if header is not None and header.strip():
            sheet.headers[column] = header
    if len(sheet.headers) > MAX_COLUMNS:
        sheet.problems.append((1, None, None, too_many_columns(len(sheet.headers))))
        return
    seen = {}
    for column, header in sheet.headers.items():
        if header in seen:
            sheet.problems.append((1, header, header, second_column(header, seen[header], column)))
        seen.setdefault(header, column)
    for column in sorted(set(found.texts) - set(sheet.headers)):
        below = [(row, text) for row, text in found.texts[column].items() if row > 1 and text.strip()]
        if below:
            row, value = min(below)
            sheet.problems.append((row, None, value, "a value in column "
                                   f"{get_column_letter(column)}, which has no header (cell "
                                   f"{get_column_letter(column)}{row}): give the column a header "
                                   "or delete the value"))
    refused = {}
    for row, column, value, reason in sorted(found.refused):
        if row == 1:
            sheet.problems.append((1, None, value, f"in the header, cell "
                                   f"{get_column_letter(column)}1: {reason}"))
        else:
            refused.setdefault(row, []).append((sheet.headers.get(column), value, reason))
    last = max(rows)
    for reference in found.merged:
        low_column, low_row, high_column, high_row = range_boundaries(reference)
        if found.text(low_row, low_column) is None:
            continue    # an empty merge hides nothing
        if low_row == 1:
            sheet.problems.append((1, None, found.text(1, low_column), MERGED.format(reference)))
            continue
        for row in range(low_row, min(high_row, last) + 1):
            refused.setdefault(row, []).append((sheet.headers.get(low_column),
                                                found.text(row, low_column),
                                                MERGED.format(reference)))
    sheet.rejects = [(row, *problem) for row in sorted(refused) for problem in refused[row]]
    kept = sorted({row for by_row in found.texts.values() for row, text in by_row.items()
                   if row > 1 and row not in refused and text.strip()})
    sheet.holes = set(range(2, last + 1)) - set(kept)
    for column, header in sheet.headers.items():
        if header not in sheet.columns:
            by_row = found.texts.get(column, {})
            sheet.columns[header] = [by_row.get(row) for row in kept]
