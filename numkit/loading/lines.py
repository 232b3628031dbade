"""The numbers file's lines, each hashed: how a weekly load tells the lines that changed
without parsing the others (rules R36, "Reading only the lines that changed").

Every row a load writes from a CSV file keeps the hash of the line it was read from
(numbers.line_hash, load/line_hash), hashed together with the file's *basis*: its header
line and the spellings of the statuses, which decide what a line means, and the hash's own
scheme. A line whose hash the inventory
holds is, byte for byte, a line the inventory was loaded from under the same header and
statuses, so it gives the same row.
"""

import codecs
import hashlib
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..disk import is_storage_failure
from ..schema import statement
from .csv_dialect import duckdb_reason
from .sources import EXCEL_SUFFIXES, MAX_LINE_BYTES, Staged

# Past this share of the lines changed, parsing only those would cost about what the whole
# file does, and the rows written would scatter: the load reads the file as any load does.
MOST_CHANGED_SHARE = 0.5


def is_csv(source):
    return (not isinstance(source, pd.DataFrame) and Path(source).is_file()
            and Path(source).suffix.lower() not in EXCEL_SUFFIXES)


def _first_line(path):
    """The file's first line as its bytes are, byte order mark included, no line end."""
    with open(path, "rb") as handle:
        return re.split(rb"[\r\n]", handle.readline(MAX_LINE_BYTES + 2), maxsplit=1)[0]


def header_line(path):
    """The file's first line as written (no byte order mark, no line end), as text."""
    return _first_line(path).removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")


def texts(con, source, line_basis, indexes, line_end):
    """The text of the lines of export_lines at `indexes` (places from 0, ascending), read
    from `source` where they lie: each line's place in the file is the bytes of the lines
    before it and their line ends (`line_end`: crlf, lf or cr, the file's one kind). None
    when one of them does not hash as export_lines says: the file is not what was read.
    (The hashes are compared as arrays: pairing the texts with export_lines in DuckDB took
    0.3 s of 0.6-1.0 s for 100,000 lines of 10 M. The lines are read one by one: a mapped
    file, three times faster to slice, counts every page it touches as the process's memory,
    about 750 MB more at 10 M numbers.)"""
    ending = 2 if line_end == "crlf" else 1
    wanted = np.asarray(indexes, dtype=np.int64)
    # both columns in one pass, through Arrow: fetchnumpy, a column at a time, took 0.3-0.5 s
    # of a weekly load at 10 M numbers, Arrow 0.1-0.2 s (no column has a null)
    lines = con.sql("select line_bytes, line_hash from export_lines").to_arrow_table()
    lengths = lines.column("line_bytes").to_numpy()
    hashes = lines.column("line_hash").to_numpy()[wanted]
    del lines
    # a line starts past the header, the lines before it and their ends; one array of
    # millions at a time beside `lengths` (the process's peak is measured at 10 M numbers)
    starts = np.cumsum(lengths)[wanted] - lengths[wanted] + wanted * ending \
        + len(_first_line(source)) + ending
    wanted_lengths = lengths[wanted]
    del lengths
    found = []
    with open(source, "rb") as handle:
        for start, length in zip(starts.tolist(), wanted_lengths.tolist()):
            handle.seek(start)
            found.append(handle.read(length).decode("utf-8", "replace"))
    hashed_again = con.execute(
        "select line_hash(unnest($texts), $basis) as line_hash",
        {"texts": found or [""], "basis": basis_number(line_basis)}).fetchnumpy()["line_hash"]
    same = np.array_equal(np.asarray(hashed_again[:len(found)], dtype=np.uint64),
                          np.asarray(hashes, dtype=np.uint64))
    return found if same else None


# hashed by load/line_hash into every basis: hashes made by another DuckDB, whose hash()
# may differ, then belong to another basis, and the next load writes every row anew
SCHEME_PROBE = "numkit: each line hashed at two alignments"


def basis(con, source):
    """What the lines of `source` mean, and how they are hashed, as a digest: its header
    line, the statuses' spellings (a status is stored as `statuses` spells it) and the
    line hash's value for SCHEME_PROBE. None for a workbook or a DataFrame, whose rows have
    no lines."""
    if not is_csv(source):
        return None
    spellings = [status for (status,) in con.execute(
        "select status from statuses order by position").fetchall()]
    con.execute(statement("load/line_hash"))
    try:
        (probe,) = con.execute("select line_hash($probe, 0)", {"probe": SCHEME_PROBE}).fetchall()[0]
    finally:    # asked outside a load too (rewrite_due): nothing is left in the connection
        con.execute("drop macro if exists temp.line_hash")
    digest = hashlib.sha256(header_line(source).encode("utf-8"))
    for spelling in spellings:
        digest.update(b"\x1f" + spelling.encode("utf-8"))
    digest.update(b"\x1f" + str(probe).encode("ascii"))
    return digest.hexdigest()


def basis_number(line_basis):
    """The 64 bits of a basis that each line's hash is XORed with: lines of two bases never
    pair, but where DuckDB hashes each line once."""
    return int(line_basis[:16], 16)


def recorded(con):
    """{"basis", "hashed"} of the numbers file of the latest load, as the load recorded
    them ({} when it recorded none: a workbook, a DataFrame, a database made before)."""
    found = con.execute("select files from loads order by load_id desc limit 1").fetchall()
    if not found:
        return {}
    return json.loads(found[0][0] or "{}").get("numbers", {}).get("lines", {})


def rewrite_due(con, source):
    """Whether loading `source` into a database that holds a snapshot must write every row,
    so that the rows keep the hashes of its lines: its basis is not the latest load's
    (another header, other statuses, or a database loaded before numkit kept hashes), or
    the rows of a load that kept them have mostly lost them (forgetting a snapshot brings
    back rows without). Otherwise the rows kept would keep hashes no line can have, and
    every load would read the whole file."""
    line_basis = basis(con, source)
    if line_basis is None or not con.execute("select exists (select 1 from loads)").fetchall()[0][0]:
        return False
    kept = recorded(con)
    if kept.get("basis") != line_basis:
        return True
    return kept.get("hashed", False) and con.execute(
        "select count(line_hash) < count(*) / 2 from numbers").fetchall()[0][0]


def read(con, source, line_basis):
    """export_lines: one row per data line of `source` (in file order: the row id past the
    least, plus 2, is its row), its hash with `line_basis` and its length in bytes; empty
    when `line_basis` is None. Returns whether every line was read (none refused: a
    byte that is not UTF-8, a line too long, the delimiter numkit reads lines with), or, when
    DuckDB could not read the file at all, a Staged saying why, aborted (the transaction
    takes no more statements)."""
    if line_basis is None:
        con.execute("create or replace temp table export_lines "
                    "(line_hash ubigint, line_bytes bigint)")
        return False
    con.execute("drop table if exists temp.line_rejects; drop table if exists temp.line_scans")
    con.execute(statement("load/line_hash"))    # texts() hashes with it too
    try:
        con.execute(statement("load/export_lines"),
                    {"path": str(source), "basis": basis_number(line_basis),
                     "max_line": MAX_LINE_BYTES})
    except duckdb.Error as error:
        if is_storage_failure(error):
            raise   # the disk failed, not the file: the load is not saved
        return Staged("numbers", str(source), aborted=True, problems=[
            (None, None, None, f"cannot read the file: {duckdb_reason(error)}")])
    refused = con.execute("select exists (select 1 from line_rejects)").fetchall()[0][0]
    con.execute("drop table if exists temp.line_rejects; drop table if exists temp.line_scans")
    if refused:
        con.execute("delete from export_lines")
    return not refused


def read_for_rows(con, source, line_basis, staged, facts):
    """export_lines, for the rows a load writes to keep their lines' hashes: read only when
    the file's lines are its rows one to one (checked_numbers's `_row` r is the line of
    export_lines r - 2 past the first): no line the reader refused, no empty line, no value
    spanning lines (more lines than rows); else left empty."""
    one_line_each = (not staged.rejects and not staged.problems and facts is not None
                     and not facts.result()[1] and not facts.result()[3])
    read(con, source, line_basis if one_line_each else None)
    lines = con.execute("select count(*) from export_lines").fetchall()[0][0]
    if lines and lines != con.execute("select count(*) from checked_numbers").fetchall()[0][0]:
        con.execute("delete from export_lines")
