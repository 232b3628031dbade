"""Reading export files (CSV, XLSX, or a DataFrame) into staging tables with known columns."""

import os
import re
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
    problems: list = field(default_factory=list)     # (row, column, value, reason)

    def header_of(self, column):
        return self.headers.get(column, column)


def _label(source, role):
    if isinstance(source, pd.DataFrame):
        return f"<{role} DataFrame>"
    return os.fspath(source)


def _read_excel(path, role):
    sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
    named = [name for name in sheets if normalised(name) == role]
    return sheets[named[0] if named else next(iter(sheets))]


def _read_raw(con, source, role, staged):
    """Load the source into temp table raw_<role> (all text, `_row` = spreadsheet row)."""
    table = f"raw_{role}"
    if isinstance(source, pd.DataFrame) or Path(source).suffix.lower() in EXCEL_SUFFIXES:
        frame = source if isinstance(source, pd.DataFrame) else _read_excel(source, role)
        frame = frame.astype(object).where(frame.notna(), None).map(
            lambda v: None if v is None else str(v))
        con.register("raw_frame", frame)
        try:
            con.execute(f"create or replace temp table {table} as "
                        "select row_number() over () + 1 as _row, * from raw_frame")
        finally:
            con.unregister("raw_frame")
    else:
        if not Path(source).is_file():
            staged.problems.append((None, None, None, "file not found"))
            return None
        con.execute(f"create or replace temp table {table} as "
                    "select row_number() over () + 1 as _row, * "
                    "from read_csv($path, all_varchar = true, header = true)",
                    {"path": os.fspath(source)})
    return table


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
                                    f"(a header like {expected})"))
    if staged.problems:
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
