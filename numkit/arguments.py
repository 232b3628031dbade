"""Checking what callers pass: dates, whole days, usernames, single numbers, header names."""

import datetime as dt
from numbers import Integral

from .errors import InvalidOperation


def parse_date(value, what="date"):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        # a time after the date is dropped; anything else after it is not a date
        return (dt.date.fromisoformat(text) if len(text) <= 10
                else dt.datetime.fromisoformat(text).date())
    except ValueError:
        raise InvalidOperation(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def _whole_number(value):
    """`value` as an int when it is a whole number (NumPy's, from a DataFrame, included;
    not a bool, nor a float), else None."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        return None
    return int(value)


# A century: more than any cooling period, reservation or age of a deletion means, and
# far enough below Python's and DuckDB's date limits that a typo of a few digits is refused
# where it enters rather than overflowing in the middle of an operation.
MAX_DAYS = 36_500


def whole_days(days, what="days"):
    whole = _whole_number(days)
    if whole is None or whole < 0:
        raise InvalidOperation(f"{what} must be a whole number of days >= 0, not {days!r}")
    if whole > MAX_DAYS:
        raise InvalidOperation(f"{what} must be at most {MAX_DAYS} days (a century), not {days!r}")
    return whole


def days_after(date, days, what="the end date"):
    """`date` + `days`; refused when that would be past the last date there is (9999-12-31)."""
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        raise InvalidOperation(f"{what} would be {days} days after {date}, past the year 9999") from None


def row_limit(limit):
    whole = _whole_number(limit)
    if whole is None or whole < 0:
        raise InvalidOperation(f"limit must be a whole number >= 0, not {limit!r}")
    return whole


def clean_username(username):
    text = "" if username is None else str(username).strip()
    if not text:
        raise InvalidOperation("a username must not be empty")
    return text


def user_keys(con, usernames):
    """{username: the key usernames compare by}: DuckDB's lower(), which the SQL rules use.
    Python's str.lower() differs for some letters (`İ`, a final `Σ`), so a key made in
    Python would not find the user SQL finds."""
    names = sorted({name for name in usernames if name is not None})
    if not names:
        return {}
    return dict(con.execute("select name, lower(name) from unnest($names) as given(name)",
                            {"names": names}).fetchall())


def extra_names(names):
    """Header names to keep as extra columns, as a tuple: one name, or a list of names."""
    if names is None:
        return ()
    if isinstance(names, str):
        names = [names]
    try:
        names = tuple(names)
    except TypeError:
        raise InvalidOperation(f"extra_columns takes header names, not {names!r}") from None
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise InvalidOperation(f"extra_columns takes header names, not {name!r}")
    return names


def parse_moves(text):
    """(moves, unreadable): the (username, destination) of each `username,destination` line
    (`;` works too; a header line and blank lines are skipped), and the (line number, line)
    of each line that is not one."""
    moves, unreadable = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace(";", ",").split(",")]
        if parts[0].lower() == "username" and len(moves) + len(unreadable) == 0:
            continue
        if len(parts) != 2 or not parts[0] or not parts[1]:
            unreadable.append((number, line))
            continue
        moves.append((parts[0], parts[1]))
    return moves, unreadable
