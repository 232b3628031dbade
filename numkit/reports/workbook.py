"""The report's workbook laid out for a reader: on every sheet the header row frozen and
filters on, each column as wide as its content (within WIDEST characters), and each cell of
the type it holds, and codes in words as the page shows them (`never_onboarded` as `Never
onboarded`; the CSV files keep the codes).

Text is written as text, with the Text format: a number or username such as `+441134960037`
or `01134960037` stays exactly as written, never turned into a number, scientific
notation or a number without its leading zero, even when the cell is edited. A text cell is
never a formula nor an error value, whatever it begins with (`=`, `#N/A`); text that would
start a formula when typed or pasted is made inert before it gets here
(exports.safe_for_spreadsheets). Counts are numbers, dates are dates, shares are
percentages.
"""

import math

import pandas as pd
import xlsxwriter

from ..labels import SHARE_COLUMNS, VALUE_WORDS, label, value_words
from ..spreadsheet_cells import as_cell

# A column is never wider than this many characters: a long note is cut off at the next
# column, as a spreadsheet shows any long text, rather than pushing the others off screen.
WIDEST = 60
# Room for the filter's button beside a header, and a margin beside a value.
FILTER_BUTTON, MARGIN = 3, 2
# The rows a sheet holds (Excel's limit, the header's row included).
SHEET_ROWS = 1_048_576

TEXT, COUNT, DECIMAL, SHARE = "@", "#,##0", "#,##0.0", "0.0%"
DATE, DATE_TIME = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
# Columns of numbers shown otherwise than their type's format.
COLUMN_FORMATS = {"r_squared": "0.00", "difference": "+#,##0;-#,##0;0"}
# How wide a value shows in each format, in characters.
SHOWN = {
    TEXT: lambda value: max(map(len, value.split("\n"))),
    COUNT: lambda value: len(f"{value:,}"),
    DECIMAL: lambda value: len(f"{value:,.1f}"),
    SHARE: lambda value: len(f"{value:.1%}"),
    DATE: lambda value: 10,
    DATE_TIME: lambda value: 16,
    "0.00": lambda value: len(f"{value:.2f}"),
    "+#,##0;-#,##0;0": lambda value: len(f"{value:+,}"),
    None: lambda value: len(str(value)),      # true and false
}
# The workbook writes each cell as what it is, never guessing from the text: a text that
# looks like a formula, a number or an address stays text.
AS_WRITTEN = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def write_workbook(path, sheets):
    """Write {sheet name: DataFrame} (columns under the API's names) as a workbook, a sheet
    each in that order, laid out as the module says; headers in words (labels.label).
    Each row is written out as soon as it is made (XlsxWriter's constant memory): a sheet of
    a million rows never sits in memory as cells."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **AS_WRITTEN})
    formats = {}

    def cell_format(number_format, bold=False):
        key = (number_format, bold)
        if key not in formats:
            formats[key] = book.add_format(
                {**({"num_format": number_format} if number_format else {}),
                 **({"bold": True} if bold else {})})
        return formats[key]
    for name, frame in sheets.items():
        write_sheet(book.add_worksheet(name[:31]), frame, cell_format)
    book.close()


def write_sheet(sheet, frame, cell_format):
    """One table on `sheet`; a table longer than a sheet holds is cut, a last line saying so.
    `cell_format(number_format, bold=False)` gives the workbook's format of each."""
    rows = len(frame)
    cut = rows > SHEET_ROWS - 1
    if cut:
        frame = frame.head(SHEET_ROWS - 2)      # the header above, the line saying so below
    columns = [column_cells(frame[name], name) for name in frame.columns]
    headers = [label(name) for name in frame.columns]
    for index, (header, (number_format, values)) in enumerate(zip(headers, columns)):
        sheet.set_column(index, index, width(header, number_format, values))
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, len(frame), len(headers) - 1)
    header_format = cell_format(TEXT, bold=True)
    for index, header in enumerate(headers):
        sheet.write_string(0, index, header, header_format)
    # the type is set, not inferred from the value: text is never a formula (`=...`) nor
    # an error value (`#N/A`)
    writers = [(getattr(sheet, WRITERS.get(number_format, "write_number")),
                cell_format(number_format)) for number_format, _ in columns]
    for row, values in enumerate(zip(*(values for _, values in columns)), 1):
        for column, (value, (write, number_format)) in enumerate(zip(values, writers)):
            if value is not None:
                write(row, column, value, number_format)
    if cut:
        sheet.write_string(len(frame) + 1, 0, f"First {len(frame):,} of {rows:,} rows: a sheet "
                           "holds no more. The CSV file of the same name holds them all.",
                           header_format)


# How a cell of each format is written: text, a date, true or false; any other is a number.
WRITERS = {TEXT: "write_string", DATE: "write_datetime", DATE_TIME: "write_datetime",
           None: "write_boolean"}


def column_cells(series, name):
    """(number format, values as cells hold them, None where empty) of one column."""
    missing = series.isna().tolist()
    if pd.api.types.is_bool_dtype(series):
        return None, [None if gone else bool(value)
                      for value, gone in zip(series.tolist(), missing)]
    if pd.api.types.is_integer_dtype(series):
        return (COLUMN_FORMATS.get(name, COUNT),
                [None if gone else int(value) for value, gone in zip(series.tolist(), missing)])
    if pd.api.types.is_float_dtype(series):
        number_format = SHARE if name in SHARE_COLUMNS else COLUMN_FORMATS.get(name, DECIMAL)
        return number_format, [value if not gone and math.isfinite(value) else None
                               for value, gone in zip(series.tolist(), missing)]
    if pd.api.types.is_datetime64_any_dtype(series):
        series = series.dt.tz_localize(None) if series.dt.tz is not None else series
        present = series.dropna()
        if (present == present.dt.normalize()).all():
            return DATE, [None if gone else value.date()
                          for value, gone in zip(series.tolist(), missing)]
        return DATE_TIME, [None if gone else value.to_pydatetime()
                           for value, gone in zip(series.tolist(), missing)]
    if name in VALUE_WORDS:     # codes in words, as the page shows them; the CSV keeps codes
        series = series.map({code: value_words(name, code) for code in series.dropna().unique()})
    return TEXT, [None if gone else as_cell(value if isinstance(value, str) else str(value))
                  for value, gone in zip(series.tolist(), missing)]


def width(header, number_format, values):
    """A column's width in characters: its header with the filter's button, or its widest
    value with a margin, whichever is wider, and at most WIDEST."""
    shown = SHOWN[number_format]
    widest = max((shown(value) for value in values if value is not None), default=0)
    return min(max(len(header) + FILTER_BUTTON, widest + MARGIN), WIDEST)
