"""Writing report tables to files an analyst opens: one CSV each, one XLSX workbook (its
Summary sheet first, the headline figures, then a sheet per other table, laid out by
workbook.py).

Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` as a formula, so free text
that came from an export (usernames, notes, descriptions, paths) is written with a leading
`'` when it begins so. Number columns keep their `+`: E.164 numbers begin with one.

The CSV files hold every value exactly. An XLSX cell cannot: it has no way to hold most
control characters, and holds at most 32,767 characters. In the workbook a control character
is written as an escape (`\\x01`) and a longer value is cut, saying so (`spreadsheet_cells`).

Files replace what is in the folder under their names, never writing through a link there.
A dated export (write_dated_tables) goes into a folder of its own, named with its date, that
no earlier export holds: Run All, or a second export the same day, never replaces one.
"""

import itertools
from pathlib import Path

import pandas as pd

from ..spreadsheet_cells import neutralised, neutralised_unless_a_number
from ..staging import Staging
from .workbook import write_workbook

WORKBOOK = "numkit-report.xlsx"
# The workbook's first sheet and the table it shows (headline.headline_figures)
SUMMARY_SHEET, SUMMARY_TABLE = "Summary", "headline_figures"
FREE_TEXT_COLUMNS = {"username", "reserved_for", "used_by", "reservation_notes", "description",
                     "node", "user_node", "new_node", "destination", "parent", "name", "before",
                     "after", "conflict", "reason", "usage", "voss_value", "numkit_value",
                     "export_value"}


def problems_for_spreadsheets(problems):
    """A copy of a load's problems (file, row, column, value, reason) safe to open in a
    spreadsheet. Every text cell came from the export, headers and file names included.
    The refused value is kept as it was when it is only a signed number (`+441134960000`
    reads as written), and given a leading `'` otherwise: the column a value was refused
    in cannot vouch for it, since the value is the one that broke that column's rule."""
    problems = problems.copy()
    for column in problems.columns:
        rule = neutralised_unless_a_number if column == "value" else neutralised
        problems[column] = problems[column].astype(object).map(rule)
    return problems


def safe_for_spreadsheets(frame):
    """A copy with free-text cells that a spreadsheet would run as formulas made inert."""
    frame = frame.copy()
    for column in frame.columns:
        if column in FREE_TEXT_COLUMNS:
            frame[column] = frame[column].astype(object).map(neutralised)
        elif str(frame[column].dtype).startswith("datetime") and getattr(frame[column].dt, "tz", None):
            frame[column] = frame[column].dt.tz_localize(None)
    return frame


def file_names(tables):
    """The names of the files write_tables writes for `tables`."""
    return [f"{name}.csv" for name in tables] + [WORKBOOK]


def write_tables(tables, out_dir):
    """Write {name: DataFrame} as name.csv files and one workbook (workbook_sheets); the
    files are put in place once all are written."""
    safe = {name: safe_for_spreadsheets(frame) for name, frame in tables.items()}
    names = file_names(tables)
    with Staging(out_dir) as staging:
        for name, frame in safe.items():
            frame.to_csv(staging.path(f"{name}.csv"), index=False)
        write_workbook(staging.path(WORKBOOK), workbook_sheets(safe))
        return [staging.place(name) for name in names]


def workbook_sheets(tables):
    """{sheet name: table} of the workbook, in order: the headline figures first, on the
    Summary sheet, when `tables` has them; then a sheet per other table, named as its CSV."""
    first = {SUMMARY_SHEET: tables[SUMMARY_TABLE]} if SUMMARY_TABLE in tables else {}
    return {**first, **{name: frame for name, frame in tables.items() if name != SUMMARY_TABLE}}


def new_dated_folder(parent, stem, day):
    """Make and return a new folder `stem-YYYY-MM-DD` in `parent` (made if needed), or
    `stem-YYYY-MM-DD-2`, `-3`, … when that day's name is taken."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    name = f"{stem}-{pd.Timestamp(day):%Y-%m-%d}"
    for count in itertools.count(1):
        folder = parent / (name if count == 1 else f"{name}-{count}")
        try:
            # made here or refused: two exports at once never choose the same folder, and a
            # file or link of that name is passed over, never written through
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


def write_dated_tables(tables, parent, stem, day):
    """Write the tables as write_tables does, into a new dated folder in `parent`
    (new_dated_folder); nothing is left behind when writing fails."""
    folder = new_dated_folder(parent, stem, day)
    try:
        return write_tables(tables, folder)
    except BaseException:
        folder.rmdir()      # empty: Staging takes away what it did not place
        raise
