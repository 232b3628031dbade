"""Reading export files (CSV, XLSX, or a DataFrame) into staging tables with known columns."""

import codecs
import csv
import hashlib
import os
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from .csv_dialect import (QUOTE_OPTIONS, HeaderUnreadable, duckdb_reason, first_mixed_line_end,
                          column_names, line_end_kinds, mixed_line_ends_reason, read_header)
from .refused_users import username_of_refused_line
from ..schema import statement
from ..disk import is_storage_failure
from .workbook import read_sheet, second_column

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
# A hierarchy file's values are all read: a header not known there is refused, not ignored.
KNOWN_HIERARCHY = ", ".join(alias.capitalize() for aliases in HEADERS["hierarchy"].values()
                            for alias in aliases)
# How the headers above are written in VOSS exports, to name them in messages.
WRITTEN = {"internalnumber": "Internal Number", "locatedat": "Located At",
           "reservedfor": "Reserved For", "usedby": "Used By", "releasedate": "Release Date",
           "coolingenddate": "Cooling End Date", "reservationnotes": "Reservation Notes"}


def written(alias):
    """`Used By` for `usedby`: a header as VOSS exports write it, to name it in messages."""
    return WRITTEN.get(alias, alias.capitalize())


def written_header(role, column):
    """The header a column is read from, as VOSS exports write it."""
    return written(HEADERS[role][column][0])


# An unknown header this close to a known one (letters added, dropped, changed or swapped)
# is taken for a misspelling: read as an extra column, its data would be lost in silence.
# Two changes to a four-letter header change half of it (Role and Name are both two from
# node), so short headers allow one.
MISSPELT_WITHIN = 2
SHORT_HEADER, SHORT_WITHIN = 4, 1
REQUIRED = {"numbers": ("number", "node"), "users": ("username", "node"), "hierarchy": ("node",)}
DEFAULTS = {("numbers", "status"): "Available"}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# DuckDB's own default, said here so that the reason can name it: a longer line is refused.
MAX_LINE_BYTES = 2_000_000
# store_rejects keeps reading past a bad line (wrong number of values, bytes that are not
# UTF-8, a line too long) and says which line it was and why. The file, its delimiter and
# its columns (read from the header by csv_dialect: DuckDB is told the dialect, never left
# to guess it) are named by variables so that the staging view (a view takes no
# parameters) reads the one asked for.
READ_CSV = ("read_csv(getvariable('numkit_load_source'), header = true, auto_detect = false, "
            "columns = getvariable('numkit_load_columns'), "
            f"delim = getvariable('numkit_load_delimiter'), {QUOTE_OPTIONS}, "
            f"max_line_size = {MAX_LINE_BYTES}, store_rejects = true, "
            "rejects_table = 'csv_rejects', rejects_scan = 'csv_scans')")
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
    """A header as matched: compatibility forms folded (`Ｕｓｅｄ Ｂｙ` is Used By), invisible
    format characters (zero-width spaces) dropped, no spaces, `_` or `-`, lower case."""
    text = unicodedata.normalize("NFKC", str(header))
    text = "".join(letter for letter in text if unicodedata.category(letter) != "Cf")
    return re.sub(r"[\s_\-]+", "", text).lower()


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
    extras: list = field(default_factory=list)      # headers kept as extra columns
    # of a users file: refused row -> the username it holds, None when that is unknown
    refused_users: dict = field(default_factory=dict)
    sheet: str | None = None                          # the sheet read, of a workbook
    sheet_note: str = ""                              # which sheet was read, when it matters
    delimiter: str = ","                              # a CSV file's, as sniffed
    # DuckDB failed while reading: the load's transaction takes no more statements
    aborted: bool = False
    # when only the lines changed since the last load were staged (changed_lines): the
    # file's data rows, and how many were staged
    rows_read: int | None = None
    changed_lines: int | None = None

    def header_of(self, column):
        return self.headers.get(column, column)


def _label(source, role):
    if isinstance(source, pd.DataFrame):
        return f"<{role} DataFrame>"
    return os.fspath(source)


NUL_IN_LINE = ("a NUL byte (0x00, shown as \u2400) in the line, which no text export holds: the "
               "file is damaged or not all text; export it again")


def _nul_problem(path, delimiter):
    """The problem of the first record holding a NUL byte past the file's first bytes (which
    _head_problem reads), numbered as every row is (blank lines counted); without a row when
    Python's csv cannot read that far."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as text:
        # Python's csv refuses a NUL: each is read as the sign it is shown as
        lines = (line.replace("\x00", "\u2400") for line in text)
        try:
            for row, record in enumerate(csv.reader(lines, delimiter=delimiter, quotechar='"',
                                                    doublequote=True), 1):
                if any("\u2400" in value for value in record):
                    return row, None, delimiter.join(record), NUL_IN_LINE
        except csv.Error:   # a value longer than Python's csv allows
            pass
    return None, None, None, NUL_IN_LINE


def _head_problem(path):
    """What DuckDB would misread in the file's first bytes, as a problem, or None.

    DuckDB reads an empty file as one column, takes a header that is not UTF-8 for data and
    reads UTF-16 as text full of NUL characters: each would be reported as missing columns.
    """
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(b"PK\x03\x04"):
        return None, None, None, "this is an XLSX workbook (a ZIP file), not CSV: name it .xlsx"
    nuls = head.count(b"\x00")
    # UTF-16 holds a NUL beside every ASCII character; a text file with a few is damaged
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or nuls > len(head) // 8:
        return None, None, None, ("not UTF-8 text (UTF-16, as Excel's \"Unicode Text\" saves it, "
                                  f"or not a text file at all): {NOT_UTF8}")
    if nuls:
        at = head.index(b"\x00")
        line_start = head.rfind(b"\n", 0, at) + 1
        line_end = head.find(b"\n", at)
        line = head[line_start:line_end if line_end >= 0 else len(head)].rstrip(b"\r")
        return (head.count(b"\n", 0, at) + 1, None,
                line.decode("utf-8", "backslashreplace").replace("\x00", "\u2400"), NUL_IN_LINE)
    text = head.removeprefix(codecs.BOM_UTF8)
    if not text.strip():
        return None, None, None, "the file is empty"
    if text.startswith((b"\n", b"\r")):
        return 1, None, None, "the first line is empty: the header must be on the first line"
    header = re.split(rb"\r\n|\n|\r", text, maxsplit=1)[0]     # \r alone ends a line too
    try:
        header.decode("utf-8")
    except UnicodeDecodeError as error:
        return 1, None, header.decode("utf-8", "backslashreplace"), (
            f"the header is not UTF-8 text (byte 0x{header[error.start]:02X}): {NOT_UTF8}")
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
        elif kind == "UNQUOTED VALUE" and "unterminated" in message and _quotes_pair(text):
            # the quotes close, but text follows one before the delimiter: `"VIP" gold,`
            rejects.append((line, None, text, "a quoted value followed by more text before the "
                            "delimiter: quote the value as a whole and double the quotes inside "
                            "it (a backslash does not escape a quote)"))
        elif kind == "UNQUOTED VALUE" and "unterminated" in message:
            rejects.append((line, None, text, "a quoted value is never closed (the file ends "
                            "inside it): a truncated or broken line"))
        elif kind == "UNQUOTED VALUE":
            rejects.append((line, column, text, "a quote inside a value that is not quoted as a "
                            "whole: quote the value and double the quotes inside it"))
        else:
            rejects.append((line, column, text, message.strip().splitlines()[0]))
    return rejects


def _quotes_pair(text):
    """Whether the refused line `text` holds its quotes in pairs: each quoted value closed
    within the line (a value never closed runs to the end of the file)."""
    return text is not None and "\n" not in text and text.count('"') % 2 == 0


def _holds_empty_line(text):
    """Whether `text` (bytes) holds "\\n\\n", "\\n\\r\\n" or "\\r\\r" (an empty line, lines
    ending in \\r alone). Every line end is a candidate for bytes' own search, which makes it
    slow on CSV; comparing whole arrays is not."""
    chars = np.frombuffer(text, dtype=np.uint8)
    line_end, carriage_return = chars == 10, chars == 13
    return bool((line_end[1:] & line_end[:-1]).any()
                or (line_end[:-2] & carriage_return[1:-1] & line_end[2:]).any()
                or (carriage_return[1:] & carriage_return[:-1]).any())


FACTS_BLOCK_BYTES = 1 << 22


def _blocks(path):
    """(the file's bytes in blocks, each with the last two bytes of the block before it,
    whether it is the last): a pair of line ends may straddle two blocks."""
    previous = b""
    with open(path, "rb") as handle:
        block = handle.read(FACTS_BLOCK_BYTES)
        while block:
            following = handle.read(FACTS_BLOCK_BYTES)
            yield block, previous, not following
            previous = block[-2:]
            block = following


def _line_ends(path):
    """The kinds of line end in the file, quotes aside (csv_dialect.line_end_kinds)."""
    kinds = set()
    for block, previous, last in _blocks(path):
        kinds |= line_end_kinds(previous + block, carried=bool(previous), at_end=last)
    return kinds


def _file_facts(path, line_ends):
    """(sha256 of the file, whether it holds an empty line, the kinds of line end in it
    (the future `line_ends`), whether it holds the unit separator, the byte numkit reads
    whole lines with: loading/lines.py, whether it holds a NUL byte), in one more reading
    of the file."""
    digest = hashlib.sha256()
    empty_line = unit_separator = nul = False
    for block, previous, _ in _blocks(path):
        digest.update(block)
        empty_line = empty_line or _holds_empty_line(previous + block)
        unit_separator = unit_separator or b"\x1f" in block
        nul = nul or b"\x00" in block
    return digest.hexdigest(), empty_line, line_ends.result(), unit_separator, nul


_reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="numkit-file-facts")


class FileFacts:
    """_file_facts(source), read in a thread while DuckDB reads the files (hashing releases
    the GIL). Its line ends are read first, on their own: DuckDB must know them before it
    reads the file (`line_ends()`), and a first load of 10 M numbers waited about 2 s for
    the checksum of every byte that came with them."""

    def __init__(self, source):
        self._line_ends = _reader.submit(_line_ends, source)
        self._facts = _reader.submit(_file_facts, source, self._line_ends)

    def line_ends(self):
        return self._line_ends.result()

    def result(self):
        return self._facts.result()


def file_facts(source):
    """The FileFacts of `source`, read meanwhile; None for a DataFrame."""
    if isinstance(source, pd.DataFrame) or not Path(source).is_file():
        return None
    return FileFacts(source)


def _empty_lines(path, facts, delimiter):
    """Rows of the empty lines, which DuckDB skips without counting them; rare, so the file
    is parsed again (with the dialect DuckDB read it with) only when it holds an empty line."""
    if facts is None or not facts.result()[1]:
        return []
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as text:
        try:
            return [row for row, record in enumerate(csv.reader(
                text, delimiter=delimiter, quotechar='"', doublequote=True), 1) if not record]
        except csv.Error:   # a value longer than Python's csv allows: leave the rows as read
            return []


def _csv_headers(path, staged, facts):
    """The file's headers, or None with the problem recorded: what would stop DuckDB from
    reading it (its first bytes, mixed line endings, a header that is not CSV)."""
    problem = _head_problem(path)
    if problem:
        staged.problems.append(problem)
        return None
    if facts is None or len(facts.line_ends()) > 1:
        # DuckDB cannot read a file whose lines end in more than one way
        mixed = first_mixed_line_end(path)
        if mixed:
            row, first, kind = mixed
            staged.problems.append((row, None, None, mixed_line_ends_reason(first, kind)))
            return None
    try:
        staged.delimiter, fields = read_header(path, MAX_LINE_BYTES, LONG_LINE)
    except HeaderUnreadable as error:
        staged.problems.append((1, None, None, str(error)))
        return None
    # DuckDB would read a header written twice as `Used By_1`, a header of its own making
    repeated = _repeated_headers(fields)
    if repeated:
        staged.problems.extend(repeated)
        return None
    return column_names(fields)


def _repeated_headers(fields):
    """The problems of the header fields written more than once (whitespace around them and
    case aside, as DuckDB compares them), each named as written at its second column."""
    first_at, problems = {}, []
    for position, field_text in enumerate(fields, 1):
        name = field_text.strip()
        if not name:
            continue
        if name.lower() in first_at:
            problems.append((1, name, name, second_column(name, first_at[name.lower()], position)))
        first_at.setdefault(name.lower(), position)
    return problems


def _use_source(con, path, delimiter, columns):
    """READ_CSV reads `path`, split by `delimiter` into `columns` (text), on `con`."""
    con.execute("set variable numkit_load_source = $path", {"path": os.fspath(path)})
    con.execute("set variable numkit_load_delimiter = $delimiter", {"delimiter": delimiter})
    con.execute("set variable numkit_load_columns = $columns",
                {"columns": {column: "varchar" for column in columns}})


def _csv_holes(con, path, staged, facts, width):
    """Spreadsheet rows of the lines DuckDB left out of the file's rows: those it refused
    (which become staged.rejects) and the empty ones."""
    staged.rejects = _rejected_lines(con, path, width)
    con.execute("drop table if exists temp.csv_rejects; drop table if exists temp.csv_scans")
    return {row for row, *_ in staged.rejects} | set(_empty_lines(path, facts, staged.delimiter))


def _number_rows(con, role, holes):
    """checked_<role>: read_<role> with `_row`, the row as a spreadsheet numbers it.

    read_<role> keeps the file's order, and its rowids are consecutive (from 0, or from
    DuckDB's offset for rows written in the running transaction), so a row's rowid gives its
    number, header being row 1: numbering the rows while reading (row_number()) would read
    the file on one thread. A row moves down by the holes (rows left out) before it: hole i
    (from 0) is before every kept row numbered at least holes[i] - i.
    """
    in_file_order = (f"select rowid - (select min(rowid) from read_{role}) + 2 as {{}}, * "
                     f"from read_{role}")
    if not holes:
        con.execute(f"create or replace temp view checked_{role} as "
                    + in_file_order.format("_row"))
        return
    before = {}
    for i, row in enumerate(sorted(holes)):
        before[row - i] = i + 1
    con.execute("create or replace temp table row_holes as "
                "select unnest($starts) as start, unnest($before) as before",
                {"starts": list(before), "before": list(before.values())})
    con.execute(f"create or replace temp table checked_{role} as "
                f"with kept as ({in_file_order.format('counted')}) "
                "select counted + coalesce(row_holes.before, 0) as _row, kept.* exclude (counted) "
                "from kept asof left join row_holes on row_holes.start <= kept.counted")
    con.execute(f"drop table read_{role}; drop table row_holes")


def _frame_of(source, role, staged):
    """The rows of a DataFrame or a workbook as text, and the sheet rows left out: the empty
    ones, as DuckDB leaves out the empty lines of a CSV file, and a workbook's refused rows
    (in staged.rejects)."""
    if not isinstance(source, pd.DataFrame):
        return _frame_of_sheet(source, role, staged)
    frame = source.astype(object).where(source.notna(), None).map(
        lambda v: None if v is None else str(v))
    empty = frame.map(lambda v: not isinstance(v, str) or not v.strip()).all(axis=1)
    return frame[~empty.to_numpy()], {row for row, gone in enumerate(empty, 2) if gone}


def _frame_of_sheet(path, role, staged):
    sheet = read_sheet(path, lambda title: normalised(title) == role, role)
    staged.sheet, staged.sheet_note = sheet.title, sheet.note
    staged.problems.extend(sheet.problems)
    staged.rejects = sheet.rejects
    return pd.DataFrame({header: pd.Series(values, dtype=object)
                         for header, values in sheet.columns.items()}), sheet.holes


def edit_distance(a, b):
    """Edits (a letter added, dropped, changed, or two next to each other swapped) that
    turn `a` into `b`."""
    before, previous = None, list(range(len(b) + 1))
    for i, letter in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other))
            if i > 1 and j > 1 and letter == b[j - 2] and a[i - 2] == other:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        before, previous = previous, current
    return previous[-1]


def _resembled(role, header):
    """(column, known header) that `header` (not known itself) looks like a misspelling of,
    or None."""
    name = normalised(header)
    close = []
    for column, aliases in HEADERS[role].items():
        for alias in aliases:
            within = SHORT_WITHIN if len(alias) <= SHORT_HEADER else MISSPELT_WITHIN
            distance = edit_distance(name, alias)
            if distance <= within:
                close.append((distance, column, alias))
    if not close:
        return None
    _, column, alias = min(close, key=lambda found: found[0])
    return column, WRITTEN.get(alias, alias.capitalize())


def _map_headers(role, columns, staged, extra_columns=()):
    """Match the file's headers to the role's columns; the others are extra columns, except
    one that looks like a misspelling of a known header and is not in `extra_columns`."""
    by_alias = {alias: column for column, aliases in HEADERS[role].items() for alias in aliases}
    kept = {normalised(name) for name in extra_columns}
    resembled = set()
    for header in columns:
        column = by_alias.get(normalised(header))
        if column is None:
            misspelt = None if normalised(header) in kept else _resembled(role, header)
            if misspelt:
                resembled.add(misspelt[0])
                staged.problems.append((1, header, header, (
                    f"header {header!r} looks like a misspelling of {misspelt[1]}: correct it, "
                    f"or keep it as an extra column with extra_columns=[{header!r}] / "
                    f"--extra-column {header!r}")))
            elif role == "hierarchy" and normalised(header) not in kept:
                staged.problems.append((1, header, header, (
                    f"header {header!r} is not a hierarchy column (known: {KNOWN_HIERARCHY}): "
                    "a hierarchy file keeps no other column, so its values would be lost; "
                    f"to leave it unread, extra_columns=[{header!r}] / --extra-column {header!r}")))
            else:
                staged.extras.append(header)
        elif column in staged.headers:
            staged.problems.append((1, header, header, f"a second column for {column} "
                                    f"(already {staged.headers[column]!r})"))
        else:
            staged.headers[column] = header
    for column in REQUIRED[role]:
        # a header taken for its misspelling is named already
        if column not in staged.headers and column not in resembled:
            expected = " / ".join(map(written, HEADERS[role][column]))
            # the file's unknown headers: the column is often one of them, named otherwise
            unknown = (f"; headers not known: {', '.join(map(repr, staged.extras))}"
                       if staged.extras else "")
            staged.problems.append((1, column, None, f"missing required column {column} "
                                    f"(a header like {expected}{unknown}){staged.sheet_note}"))
    return staged.extras


def _stage_view(con, role, staged, extras, source):
    """stage_<role>: the role's columns of `source` (a relation), each cell trimmed."""
    selected = []
    for column in HEADERS[role]:
        if column in staged.headers:
            selected.append(f"trimmed({quoted(staged.headers[column])}) as {column}_raw")
        elif (role, column) in DEFAULTS:
            selected.append(f"'{DEFAULTS[role, column]}' as {column}_raw")
        else:
            selected.append(f"null::varchar as {column}_raw")
    if role in ("numbers", "users"):
        pairs = ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}', {quoted(h)}" for h in extras)
        selected.append(f"json_object({pairs})::json as extra" if extras else "null::json as extra")
    con.execute(statement("load/trimmed"))
    con.execute(f"create or replace temp view stage_{role} as "
                f"select {', '.join(selected)} from {source}")


def where_looked(source):
    """For a relative path, the absolute path looked at and the folder relative paths are
    read from (a notebook's kernel reads them from the notebook's folder, which the analyst
    may not have in mind); nothing for an absolute one."""
    path = Path(source)
    if path.is_absolute():
        return ""
    return f" at {Path.cwd() / path} (relative paths are read from {Path.cwd()})"


def stage(con, source, role, facts=None, extra_columns=()):
    """Read `source` into checked_<role> (sql/load/read_<role>.sql, in one pass, then
    numbered); header problems and refused lines are recorded in the returned Staged.

    `facts` is file_facts(source), when it was asked for; `extra_columns` names headers to
    keep as extra columns even though they look like misspellings of known ones.
    """
    staged = Staged(role, _label(source, role))
    is_frame = isinstance(source, pd.DataFrame)
    try:
        if not is_frame and not Path(source).is_file():
            staged.problems.append((None, None, None, "file not found" + where_looked(source)))
            return staged
        if is_frame or Path(source).suffix.lower() in EXCEL_SUFFIXES:
            frame, holes = _frame_of(source, role, staged)
            columns = list(frame.columns)
            if staged.problems and not columns:   # a sheet not read: no header to name
                return staged
        else:
            frame = None
            columns = _csv_headers(source, staged, facts)
            if columns is None:
                return staged
    except (duckdb.Error, ValueError, OSError) as error:
        if is_storage_failure(error):
            raise   # the disk failed, not the file: the load is not saved
        reason = duckdb_reason(error)
        staged.problems.append((None, None, None, f"cannot read the file: {reason}"))
        return staged
    extras = _map_headers(role, columns, staged, extra_columns)
    if staged.problems:
        return staged
    if frame is not None:
        con.register("raw_frame", frame)
        try:
            con.execute(f"create or replace temp table raw_{role} as select * from raw_frame")
        finally:
            con.unregister("raw_frame")
        _stage_view(con, role, staged, extras, f"raw_{role}")
        con.execute(statement(f"load/read_{role}"))
        con.execute(f"drop view stage_{role}; drop table raw_{role}")
    else:
        con.execute("drop table if exists temp.csv_rejects; drop table if exists temp.csv_scans")
        _use_source(con, source, staged.delimiter, columns)
        _stage_view(con, role, staged, extras, READ_CSV)
        try:
            con.execute(statement(f"load/read_{role}"))
        except duckdb.Error as error:   # what the headers did not show (rare)
            if is_storage_failure(error):
                raise   # the disk failed, not the file: the load is not saved
            reason = duckdb_reason(error)
            staged.problems.append((None, None, None, f"cannot read the file: {reason}"))
            staged.aborted = True
            return staged
        con.execute(f"reset variable numkit_load_source; reset variable numkit_load_delimiter; "
                    "reset variable numkit_load_columns; "
                    f"drop view stage_{role}")
        holes = _csv_holes(con, source, staged, facts, len(columns))
        if facts is not None and facts.result()[4]:
            # a NUL in the first bytes was refused before: this one lies further in
            staged.problems.append(_nul_problem(source, staged.delimiter))
            return staged
    if role == "users":     # a workbook's refused row is not read at all: its user is unknown
        staged.refused_users = {
            row: None if frame is not None else username_of_refused_line(
                text, reason, columns, staged.headers.get("username"), staged.delimiter)
            for row, _, text, reason in staged.rejects}
    _number_rows(con, role, holes)
    if not staged.rejects and not con.execute(f"select count(*) from checked_{role}").fetchall()[0][0]:
        staged.problems.append((None, None, None, NO_ROWS[role]))
    return staged
