"""Telling a DuckDB database file from the other files a user may name in its place."""

from .errors import NotADatabase

# Every DuckDB database file holds these bytes here, in its first header.
DUCKDB_MAGIC, MAGIC_AT = b"DUCK", 8
SNIFFED_BYTES = 4096


def looks_like(head):
    """What a file that is not a database seems to be, from its first bytes, or None."""
    if head.startswith(b"PK\x03\x04"):
        return "an XLSX workbook"
    if b"\x00" in head:
        return None
    first_line = head.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    if any(delimiter in first_line for delimiter in ",;\t|"):
        return "a CSV file"
    return None


def refuse_other_files(path):
    """NotADatabase when `path` holds something other than a DuckDB database. DuckDB would
    otherwise answer with its own internals, or attach a CSV file as a database of its own.
    An empty file, or none, is left to DuckDB, which makes a new database there."""
    try:
        with open(path, "rb") as file:
            head = file.read(SNIFFED_BYTES)
    except (FileNotFoundError, IsADirectoryError):
        return
    if head and head[MAGIC_AT:MAGIC_AT + len(DUCKDB_MAGIC)] != DUCKDB_MAGIC:
        raise NotADatabase(path, looks_like(head))
