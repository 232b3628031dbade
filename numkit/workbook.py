"""Reading one sheet of an XLSX workbook as text, cell by cell: never as a grid, and never a
value the sheet does not show as it holds it (a formula never calculated, an error, a merge)."""

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
# openpyxl's own streaming sheet parser (openpyxl is pinned): its read-only worksheets give
# either a formula or its stored value, and no merged cells; the parser sees all three.
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

# A stray cell far below the data (XFD1048576 in a 5 KB file) would make a million empty
# rows to number: more empty rows than this, and than rows holding values, are refused.
FAR_EMPTY_ROWS = 1000
NO_STORED_VALUE = ("a formula with no stored value (the workbook was written by a program and "
                   "never calculated): open and save it in Excel, or write values, not formulas")
MERGED = ("merged cells {}: the value shows across the merge but is stored in its first cell "
          "only: unmerge the cells and fill each one")


@dataclass
class Sheet:
    """The cells of the sheet read: texts by column, and what cannot be read as text."""
    title: str
    note: str = ""               # which sheet was read, when it is not the one named like the role
    headers: dict = field(default_factory=dict)     # column number -> header text
    rows: list = field(default_factory=list)        # the data rows kept, in order (2, 3, ...)
    columns: dict = field(default_factory=dict)     # header text -> values of `rows`
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


def text_of(value):
    """A cell's value as the text an export means by it: 2001 not 2001.0, a date as ISO."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _cells(book, sheet):
    """(row, column, text, problem) of every cell holding something, and the merged ranges."""
    with book._archive.open(sheet._worksheet_path) as source:
        parser = _CellParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                             date_formats=book._date_formats,
                             timedelta_formats=book._timedelta_formats)
        found = []
        for _, cells in parser.parse():
            for cell in cells:
                value, formula = cell["value"], cell.get("formula")
                if value is None and formula is None:
                    continue    # a formatted empty cell
                if value is None:
                    found.append((cell["row"], cell["column"], formula, NO_STORED_VALUE))
                elif cell["data_type"] == "e":
                    found.append((cell["row"], cell["column"], value,
                                  f"the cell holds the error {value} (a formula that failed)"))
                else:
                    found.append((cell["row"], cell["column"], text_of(value), None))
        merged = parser.merged_cells.mergeCell if parser.merged_cells else []
    return found, [cells.ref for cells in merged]


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
        return first, f" in sheet {first.title!r}, the first: no sheet is named {role}"
    return first, ""


def read_sheet(path, is_named_like_the_role, role):
    """The Sheet of the workbook at `path` to read for `role`; ValueError if it is none."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ParseError,
            DefusedXmlException) as error:
        raise ValueError(f"not an XLSX workbook, or a damaged one ({error})") from None
    try:
        chosen, note = choose_sheet(book, is_named_like_the_role, role)
        if chosen is None:
            raise ValueError("the workbook has no visible sheet (hidden sheets are never read)")
        try:
            found, merged = _cells(book, chosen)
        except (ParseError, DefusedXmlException, KeyError) as error:
            raise ValueError(f"the sheet {chosen.title!r} is damaged ({error})") from None
    finally:
        book.close()
    sheet = Sheet(chosen.title, note)
    _arrange(sheet, found, merged)
    return sheet


def _far_larger(found):
    """The problem of a sheet whose used range is far larger than its rows, or None."""
    rows = {row for row, *_ in found}
    last = max(rows)
    empty = last - len(rows)
    if empty <= FAR_EMPTY_ROWS or empty <= len(rows):
        return None
    row, column, value, _ = max(found, key=lambda cell: (cell[0], cell[1]))
    used = (f"{get_column_letter(min(c for _, c, *_ in found))}{min(rows)}:"
            f"{get_column_letter(max(c for _, c, *_ in found))}{last}")
    return (row, None, value, f"the sheet's used range {used} is far larger than its rows: "
            f"{len(rows):,} rows hold values, the last of them row {last:,} (cell "
            f"{get_column_letter(column)}{row}): delete the stray cells below or beside the data")


def _arrange(sheet, found, merged):
    """Fill `sheet` from its cells: headers, data rows by column, and their problems."""
    if not found:
        sheet.problems.append((None, None, None, f"the sheet {sheet.title!r} holds no values"))
        return
    far = _far_larger(found)
    if far:
        sheet.problems.append(far)
        return
    texts = {}
    for row, column, value, problem in found:
        if row == 1:
            if problem:
                sheet.problems.append((1, None, value, f"in the header, cell "
                                       f"{get_column_letter(column)}1: {problem}"))
            elif value.strip():
                sheet.headers[column] = value
        texts[row, column] = value
    if 1 not in {row for row, *_ in found}:
        sheet.problems.append((1, None, None, "the first row is empty: the header must be on "
                               "row 1"))
        return
    seen = {}
    for column, header in sheet.headers.items():
        if header in seen:
            sheet.problems.append((1, header, header, f"a second column headed {header!r} "
                                   f"(columns {get_column_letter(seen[header])} and "
                                   f"{get_column_letter(column)})"))
        seen.setdefault(header, column)
    unnamed = set()
    refused = {}
    for row, column, value, problem in found:
        if row == 1:
            continue
        header = sheet.headers.get(column)
        if header is None and column not in unnamed and (problem or value.strip()):
            unnamed.add(column)
            sheet.problems.append((row, None, value, "a value in column "
                                   f"{get_column_letter(column)}, which has no header (cell "
                                   f"{get_column_letter(column)}{row}): give the column a header "
                                   "or delete the value"))
        if problem:
            refused.setdefault(row, []).append((header, value, problem))
    last = max(row for row, *_ in found)
    for reference in merged:
        low_column, low_row, high_column, high_row = range_boundaries(reference)
        if (low_row, low_column) not in texts:
            continue    # an empty merge hides nothing
        if low_row == 1:
            sheet.problems.append((1, None, texts[1, low_column], MERGED.format(reference)))
            continue
        for row in range(low_row, min(high_row, last) + 1):
            refused.setdefault(row, []).append((sheet.headers.get(low_column),
                                                texts.get((row, low_column)),
                                                MERGED.format(reference)))
    sheet.rejects = [(row, *problem) for row in sorted(refused) for problem in refused[row]]
    kept = sorted({row for (row, column), value in texts.items()
                   if row > 1 and row not in refused and value.strip()})
    sheet.rows = kept
    sheet.holes = set(range(2, last + 1)) - set(kept)
    position = {row: i for i, row in enumerate(kept)}
    for column, header in sheet.headers.items():
        if header in sheet.columns:
            continue
        values = sheet.columns[header] = [None] * len(kept)
        for row in kept:
            values[position[row]] = texts.get((row, column))
