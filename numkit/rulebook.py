"""The rules that need no inventory (the statuses, a number's canonical form, number
order), answered by
DuckDB from the schema's own files: Python asks the SQL that defines them rather than
keeping a copy that could come to disagree."""

import threading
from functools import cache

import duckdb

from .schema import object_file

# Only the files these rules read: building the whole schema would cost every import.
_FILES = ("whitespace", "canonical_number", "number_value", "number_sort_key", "statuses")
_lock = threading.Lock()


@cache
def _connection():
    con = duckdb.connect()
    for name in _FILES:
        con.execute(object_file(name).read_text())
    return con


def _rows(query, parameters=None):
    with _lock:     # one connection, used by one thread at a time
        return _connection().execute(query, parameters).fetchall()


@cache
def statuses():
    """(status, settable) of every status, in the order numkit lists them."""
    return tuple(_rows("select status, settable from statuses order by position"))


def status_names():
    return tuple(status for status, _ in statuses())


def settable_statuses():
    """The statuses an analyst may set a row to (set_status)."""
    return tuple(status for status, settable in statuses() if settable)


def canonical_numbers(raws):
    """canonical_number() of each of `raws`: its canonical form, or None when it is not a
    number."""
    if not raws:
        return []
    return _rows("select list_transform($raws, lambda raw: canonical_number(raw))",
                 {"raws": [str(raw) for raw in raws]})[0][0]


def in_number_order(numbers):
    """`numbers` (canonical, distinct or not) sorted by number_sort_key, once each."""
    if not numbers:
        return []
    return _rows("select list(distinct_number order by number_sort_key(number_value(distinct_number), "
                 "distinct_number)) from (select distinct unnest($numbers) as distinct_number)",
                 {"numbers": [str(number) for number in numbers]})[0][0]
