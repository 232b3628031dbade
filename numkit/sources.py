"""Reading export files (CSV, XLSX, or a DataFrame) into staging tables with known columns."""

import codecs
import csv
import mmap
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

# Export headers, normalised (lower case, no spaces, `_` or `-`), by role and column.
HEADERS = {
    "numbers": {
        "number": ("number", "internalnumber"),
        "node": ("node", "locatedat", "hierarchy"),
        "status": ("status",),
        "usage": ("usage",),
        "reserved_for": ("reservedfor",),
        "used_by": ("usedby",),
        "release_date": ("releasedate", "coolingenddate"),
        "reservation_notes": ("reservationnotes",),
        "description": ("description",),
    },
    "users": {
        "username": ("username",),
        "node": ("node", "locatedat", "hierarchy"),
    },
    "hierarchy": {
        "node": ("node", "hierarchy", "path"),
        "type": ("type",),
        "name": ("name",),
    },
}
REQUIRED = {"numbers": ("number", "node"), "users": ("username", "node"), "hierarchy": ("node",)}
DEFAULTS = {("numbers", "status"): "Available"}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# DuckDB's own default, said here so that the reason can name it: a longer line is refused.
MAX_LINE_BYTES = 2_000_000
LONG_LINE = (f"the line is longer than {MAX_LINE_BYTES:,} bytes, the most a line may hold: "
             "a broken export?")
NOT_UTF8 = "save the export as CSV UTF-8"
# A file with a header and no rows would empty the role's table: refused, not loaded.
NO_ROWS = {
    "numbers": "the file has a header but no rows: loading it would empty the inventory",
    "users": "the file has a header but no rows: loading it would record every active user as "
             "deleted (to keep the users as they are, load without a users file)",
    "hierarchy": "the file has a header but no rows: loading it would drop every node's type "
                 "(to keep the hierarchy as it is, load without a hierarchy file)",
}


def normalised(header):
    return re.sub(r"[\s_\-]+", "", str(header)).lower()


def quoted(identifier):
    return '"' + str(identifier).replace('"', '""') + '"'


@dataclass
class Staged:
    """One source read into `stage_<role>`: its label, column map and header problems."""
    role: str
    label: str
    headers: dict = field(default_factory=dict)     # role column -> header in the file
    # (row, column, value, reason) that stop the file from being checked row by row
    problems: list = field(default_factory=list)
    # Lines the CSV reader refused, as (row, header, value, reason): those rows are not
    # staged, the others still are, and are checked as usual.
    rejects: list = field(default_factory=list)
    sheet_note: str = ""                              # which sheet was read, when it matters

    def header_of(self, column):
        return self.headers.get(column, column)


def _label(source, role):
    if isinstance(source, pd.DataFrame):
        return f"<{role} DataFrame>"
    return os.fspath(source)


def _read_excel(path, role, staged):
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
    except (ValueError, zipfile.BadZipFile) as error:   # pandas' words for "not a workbook"
        raise ValueError(f"not an XLSX workbook ({error})") from None
    named = [name for name in sheets if normalised(name) == role]
    if not named and len(sheets) > 1:
        staged.sheet_note = (f" in sheet {next(iter(sheets))!r}, the first: no sheet is named "
                             f"{role}")
    return sheets[named[0] if named else next(iter(sheets))]


def _head_problem(path):
    """What DuckDB would misread in the file's first bytes, as a problem, or None.

    DuckDB reads an empty file as one column, takes a header that is not UTF-8 for data and
    reads UTF-16 as text full of NUL characters: each would be reported as missing columns.
    """
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(b"PK\x03\x04"):
        return None, None, None, "this is an XLSX workbook (a ZIP file), not CSV: name it .xlsx"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        return None, None, None, ("not UTF-8 text (UTF-16, as Excel's \"Unicode Text\" saves it, "
                                  f"or not a text file at all): {NOT_UTF8}")
    text = head.removeprefix(codecs.BOM_UTF8)
    if not text.strip():
        return None, None, None, "the file is empty"
    if text.startswith((b"\n", b"\r")):
        return 1, None, None, "the first line is empty: the header must be on the first line"
    header = re.split(rb"\r?\n", text, maxsplit=1)[0]
    try:
        header.decode("utf-8")
    except UnicodeDecodeError as error:
        return 1, None, header.decode("utf-8", "backslashreplace"), (
            f"the header is not UTF-8 text (byte 0x{header[error.start]:02X}): {NOT_UTF8}")
    return None


def _first_long_line(path):
    """The number of the first line longer than MAX_LINE_BYTES (a physical line)."""
    with open(path, "rb") as handle:
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 2), b""), 1):
            if len(line.rstrip(b"\r\n")) > MAX_LINE_BYTES:
                return number
    return None


def _not_utf8(path, line_start, delimiter):
    """The value of the line at `line_start` holding its first byte that is not UTF-8 (that
    byte shown as \\xNN), and a reason naming the byte."""
    with open(path, "rb") as handle:
        handle.seek(line_start)
        line = handle.read(1 << 16)
    try:
        line.decode("utf-8")
        return None, f"not UTF-8 text: {NOT_UTF8}"
    except UnicodeDecodeError as error:
        offset = error.start
    boundary = rb"[\r\n]|" + re.escape(delimiter.encode())
    value = re.split(boundary, line[:offset])[-1] + re.split(boundary, line[offset:], maxsplit=1)[0]
    return (value.decode("utf-8", "backslashreplace"),
            f"not UTF-8 text (byte 0x{line[offset]:02X}): {NOT_UTF8}")


def _rejected_lines(con, path, width):
    """The lines DuckDB's reader refused, as (row, header, value, reason), one per line.

    DuckDB's `line` counts records the way a spreadsheet counts rows (header = 1, empty
    lines included, a quoted value over several lines is one).
    """
    found = con.execute("select line, error_type, column_name, line_byte_position, csv_line, "
                        "error_message, (select delimiter from csv_scans limit 1) "
                        "from csv_rejects order by line, column_idx").fetchall()
    by_line = {}
    for row in found:
        by_line.setdefault(row[0], []).append(row)
    rejects = []
    for line, entries in by_line.items():
        _, kind, column, line_start, text, message, delimiter = entries[0]
        if kind == "MISSING COLUMNS":   # one entry per missing column
            rejects.append((line, None, text, f"the line has {width - len(entries)} of the "
                            f"{width} values the header names: a truncated or broken line"))
        elif kind == "TOO MANY COLUMNS":   # one entry per extra column
            rejects.append((line, None, text, f"the line has {width + len(entries)} values where "
                            f"the header names {width}: a value holding the delimiter without "
                            "quotes?"))
        elif kind in ("INVALID ENCODING", "INVALID UNICODE"):
            rejects.append((line, column, *_not_utf8(path, line_start, delimiter)))
        elif kind == "LINE SIZE OVER MAXIMUM":
            rejects.append((line, None, None, LONG_LINE))
        elif kind == "UNQUOTED VALUE":
            rejects.append((line, column, text, "a quote inside a value that is not quoted as a "
                            "whole: quote the value and double the quotes inside it"))
        else:
            rejects.append((line, column, text, message.strip().splitlines()[0]))
    return rejects


def _empty_lines(con, path):
    """Rows of the empty lines, which DuckDB skips without counting them; rare, so the file
    is parsed again (with the dialect DuckDB sniffs) only when it holds an empty line."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if not re.search(rb"\n\r?\n", data):
            return []
    delimiter, quote = con.execute("select Delimiter, Quote from sniff_csv($path, ignore_errors = "
                                   "true)", {"path": os.fspath(path)}).fetchall()[0]
    quoting = {"quoting": csv.QUOTE_NONE} if quote == "(empty)" else {"quotechar": quote}
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as text:
        try:
            return [row for row, record in enumerate(csv.reader(text, delimiter=delimiter,
                                                                **quoting), 1) if not record]
        except csv.Error:   # a value longer than Python's csv allows: leave the rows as read
            return []


def _read_csv(con, path, table, staged):
    """Load a CSV file into `table`; refused lines become staged.rejects."""
    problem = _head_problem(path)
    if problem:
        staged.problems.append(problem)
        return None
    con.execute("drop table if exists temp.csv_rejects; drop table if exists temp.csv_scans")
    try:
        # store_rejects keeps reading past a bad line (wrong number of values, bytes that
        # are not UTF-8, a line too long) and says which line it was and why.
        con.execute(f"create or replace temp table {table} as "
                    "select row_number() over () + 1 as _row, * "
                    "from read_csv($path, all_varchar = true, header = true, "
                    f"max_line_size = {MAX_LINE_BYTES}, store_rejects = true, "
                    "rejects_table = 'csv_rejects', rejects_scan = 'csv_scans')",
                    {"path": os.fspath(path)})
    except duckdb.InvalidInputException as error:
        if "maximum line size" not in str(error).lower():
            raise
        # A long line among the first rows stops DuckDB's dialect sniffing, before any row.
        staged.problems.append((_first_long_line(path), None, None, LONG_LINE))
        return None
    width = len(con.execute(f"describe {table}").fetchall()) - 1
    staged.rejects = _rejected_lines(con, path, width)
    con.execute("drop table if exists temp.csv_rejects; drop table if exists temp.csv_scans")
    holes = sorted({row for row, *_ in staged.rejects} | set(_empty_lines(con, path)))
    if holes:
        # DuckDB numbered only the rows it kept: put back the rows it left out, so that
        # `_row` stays the spreadsheet row. A kept row moves down by the holes before it;
        # hole i (from 0) is before every kept row numbered at least holes[i] - i.
        con.execute(f"update {table} set _row = _row + "
                    "(select count(*) from unnest($starts) as s(start) where start <= _row)",
                    {"starts": [row - i for i, row in enumerate(holes)]})
    return table


def _read_raw(con, source, role, staged):
    """Load the source into temp table raw_<role> (all text, `_row` = spreadsheet row)."""
    table = f"raw_{role}"
    if isinstance(source, pd.DataFrame) or Path(source).suffix.lower() in EXCEL_SUFFIXES:
        frame = source if isinstance(source, pd.DataFrame) else _read_excel(source, role, staged)
        frame = frame.astype(object).where(frame.notna(), None).map(
            lambda v: None if v is None else str(v))
        # Rows are numbered as the sheet numbers them; then empty rows are skipped, as DuckDB
        # skips the empty lines of a CSV file.
        frame.insert(0, "_row", range(2, len(frame) + 2))
        empty = frame.drop(columns="_row").map(lambda v: not isinstance(v, str) or not v.strip()).all(axis=1)
        con.register("raw_frame", frame[~empty])
        try:
            con.execute(f"create or replace temp table {table} as select * from raw_frame")
        finally:
            con.unregister("raw_frame")
        return table
    if not Path(source).is_file():
        staged.problems.append((None, None, None, "file not found"))
        return None
    return _read_csv(con, source, table, staged)


def stage(con, source, role):
    """Read `source` into stage_<role> with the role's columns; header problems recorded."""
    staged = Staged(role, _label(source, role))
    try:
        table = _read_raw(con, source, role, staged)
    except (duckdb.Error, ValueError, OSError) as error:
        reason = str(error).strip().splitlines()[0]
        staged.problems.append((None, None, None, f"cannot read the file: {reason}"))
        return staged
    if table is None:
        return staged
    columns = [row[0] for row in con.execute(f"describe {table}").fetchall() if row[0] != "_row"]
    by_alias = {alias: column for column, aliases in HEADERS[role].items() for alias in aliases}
    extras = []
    for header in columns:
        column = by_alias.get(normalised(header))
        if column is None:
            extras.append(header)
        elif column in staged.headers:
            staged.problems.append((1, header, header, f"a second column for {column} "
                                    f"(already {staged.headers[column]!r})"))
        else:
            staged.headers[column] = header
    for column in REQUIRED[role]:
        if column not in staged.headers:
            expected = " / ".join(HEADERS[role][column])
            staged.problems.append((1, column, None, f"missing required column {column} "
                                    f"(a header like {expected}){staged.sheet_note}"))
    if staged.problems:
        return staged
    if not staged.rejects and not con.execute(f"select count(*) from {table}").fetchall()[0][0]:
        staged.problems.append((None, None, None, NO_ROWS[role]))
        return staged
    selected = ["_row"]
    for column in HEADERS[role]:
        if column in staged.headers:
            selected.append(f"nullif(trim({quoted(staged.headers[column])}), '') as {column}_raw")
        elif (role, column) in DEFAULTS:
            selected.append(f"'{DEFAULTS[role, column]}' as {column}_raw")
        else:
            selected.append(f"null::varchar as {column}_raw")
    if role == "numbers":
        pairs = ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}', {quoted(h)}" for h in extras)
        selected.append(f"json_object({pairs})::json as extra" if extras else "null::json as extra")
    con.execute(f"create or replace temp table stage_{role} as "
                f"select {', '.join(selected)} from {table}")
    con.execute(f"drop table {table}")
    return staged
