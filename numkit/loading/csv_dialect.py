"""The dialect of a CSV export, fixed rather than guessed: the quote is `"` (doubled inside a
quoted value), the delimiter one of four, and the lines end one way throughout.

DuckDB's sniffer guesses all of it from a sample, and guesses wrong in silence: two values
holding one `'` each (`'Softphone`, `Desk phone'`) make `'` the quote and the rows between
them one value. numkit reads the header itself and gives DuckDB the whole dialect.
"""

import codecs
import csv
import re

import duckdb
import numpy as np

QUOTE_OPTIONS = "quote = '\"', escape = '\"'"
DELIMITERS = {",": "a comma", ";": "a semicolon", "\t": "a tab", "|": "a vertical bar"}
LINE_ENDS = {"crlf": "\\r\\n (Windows)", "lf": "\\n (Unix)", "cr": "\\r alone (old Mac)"}
# Asked only when the header could be split by more than one of the delimiters.
SNIFF_DELIMITER = ("select Delimiter from sniff_csv($path, all_varchar = true, header = true, "
                   f"{QUOTE_OPTIONS}, max_line_size = $max_line, ignore_errors = true)")
BLOCK = 1 << 22
# VOSS exports have some dozens of columns; DuckDB takes seconds and gigabytes for each ten
# thousand, so a header wider than this is refused before any row is read.
MAX_COLUMNS = 1000


def too_many_columns(count):
    return (f"the header has {count:,} columns, more than the {MAX_COLUMNS:,} an export may "
            "have: a broken export?")


class HeaderUnreadable(ValueError):
    """The header line cannot be read as CSV."""


def duckdb_reason(error):
    """The first line of DuckDB's message, without its "Invalid Input Error: " prefix."""
    line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return re.sub(r"^[A-Z][A-Za-z ]* Error: ", "", line)


def read_header(path, max_line_bytes, too_long):
    """(delimiter, header fields) of a CSV file: its first line split by the delimiter that
    splits it into columns (column_names gives DuckDB's names for them). HeaderUnreadable (with
    `too_long` for a first line over `max_line_bytes`) when it cannot be read as CSV: DuckDB
    would read such a header, or all the rows after it, wrong in silence."""
    with open(path, "rb") as handle:
        line = re.split(rb"[\r\n]", handle.readline(max_line_bytes + 2), maxsplit=1)[0]
    if len(line) > max_line_bytes:
        raise HeaderUnreadable(too_long)
    header = line.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
    splits = {delimiter: _fields(header, delimiter) for delimiter in DELIMITERS}
    splitting = [d for d, fields in splits.items() if isinstance(fields, list) and len(fields) > 1]
    widest = max((len(splits[d]) for d in splitting), default=1)
    if widest > MAX_COLUMNS:    # refused before sniffing: DuckDB would read every column
        raise HeaderUnreadable(too_many_columns(widest))
    if not splitting:
        delimiter = ","     # one column: any delimiter reads it
    elif len(splitting) == 1:
        delimiter = splitting[0]
    else:   # `a;b,c`: the rows tell, as DuckDB's sniffer reads them
        delimiter = max(splitting, key=lambda d: len(splits[d]))
        with duckdb.connect() as scratch:
            try:
                sniffed = scratch.execute(SNIFF_DELIMITER, {"path": str(path),
                                                            "max_line": max_line_bytes}
                                          ).fetchall()[0][0]
            except duckdb.Error:
                sniffed = None
        if sniffed in splitting:
            delimiter = sniffed
    if isinstance(splits[delimiter], str):
        hint = (": a quoted header must be quoted whole, its quotes doubled, on one line"
                if '"' in header else "")
        raise HeaderUnreadable(f"the header cannot be read as CSV ({splits[delimiter]}){hint}")
    return delimiter, splits[delimiter]


def _fields(header, delimiter):
    """The header's fields, or what is wrong with it as CSV."""
    try:
        return next(csv.reader([header], delimiter=delimiter, quotechar='"', doublequote=True,
                               strict=True), [])
    except csv.Error as error:
        return str(error)


def column_names(fields):
    """DuckDB's names for header fields: trimmed, `column<i>` for an empty one, and a
    repeated name (compared without regard to case) numbered `_1`, `_2`, ..."""
    names, taken = [], {}
    for position, field in enumerate(fields):
        name = field.strip() or f"column{position}"
        while name.lower() in taken:
            base = name.lower()
            taken[base] += 1
            name = f"{name}_{taken[base]}"
        taken[name.lower()] = 0
        names.append(name)
    return names


def line_end_kinds(text, carried, at_end):
    """The kinds of line end in `text` (bytes), quotes aside: a quick look for whether a file
    may mix them. `carried`: text starts with bytes looked at before (its first is not
    judged again); `at_end`: nothing follows (a final `\\r` is then an end of its own).
    Found by bytes' own search: numpy arrays over each block took 9 s of the thread reading
    a 10-million-line file's facts, beside the load on the same two cores; counting, 3.8 s;
    looking for a `\\r` first, 0.01 s for a file without."""
    if not text:
        return set()
    first = 1 if carried else 0
    if b"\r" not in text:
        return {"lf"} if text.find(b"\n", first) >= 0 else set()
    last = len(text) if at_end else len(text) - 1     # the \r judged: [first, last)
    pairs = text.count(b"\r\n")
    kinds = set()
    if pairs:
        kinds.add("crlf")
    if text.count(b"\n", first) > pairs:       # every pair's \n lies past the first byte
        kinds.add("lf")
    if text.count(b"\r", first, last) > text.count(b"\r\n", first, last + 1):
        kinds.add("cr")
    return kinds


def first_mixed_line_end(path):
    """(row, first kind, kind) of the first record whose line ends otherwise than the
    first record's, line ends inside quoted values aside (Excel ends rows with \\r\\n and
    lines inside a cell with \\n); None when every record ends the same way. Rows count as a
    spreadsheet counts them: the header is row 1, an empty line is a row."""
    parity = 0      # quotes seen so far, modulo 2: odd inside a quoted value
    carry = b""
    ends = 0
    first = None
    with open(path, "rb") as handle:
        while True:
            block = handle.read(BLOCK)
            text = carry + block
            carry = b""
            if block and text.endswith(b"\r"):   # its \n may be in the next block
                text, carry = text[:-1], b"\r"
            chars = np.frombuffer(text, dtype=np.uint8)
            quotes = np.cumsum(chars == 34) + parity
            outside = quotes % 2 == 0
            cr, lf = (chars == 13) & outside, (chars == 10) & outside
            crlf = np.zeros_like(cr)
            crlf[:-1] = cr[:-1] & lf[1:]
            lone_lf = lf.copy()
            lone_lf[1:] &= ~cr[:-1]
            lone_cr = cr & ~crlf
            positions = np.concatenate([np.flatnonzero(crlf), np.flatnonzero(lone_lf),
                                        np.flatnonzero(lone_cr)])
            codes = np.concatenate([np.full(crlf.sum(), 0), np.full(lone_lf.sum(), 1),
                                    np.full(lone_cr.sum(), 2)])
            kinds = codes[np.argsort(positions, kind="stable")]
            if len(kinds):
                if first is None:
                    first = kinds[0]
                changed = np.flatnonzero(kinds != first)
                if len(changed):
                    names = list(LINE_ENDS)
                    return ends + int(changed[0]) + 1, names[first], names[kinds[changed[0]]]
                ends += len(kinds)
            if len(quotes):
                parity = int(quotes[-1]) % 2
            if not block:
                return None


def mixed_line_ends_reason(first, kind):
    return (f"mixed line endings: the lines above end with {LINE_ENDS[first]}, this one with "
            f"{LINE_ENDS[kind]}; save the file again with one kind of line ending")
