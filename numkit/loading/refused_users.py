"""Who a users line the CSV reader refused is, when that can be known exactly.

A non-strict load records as deleted every active user missing from the kept rows; a user
whose own row was refused is not missing, and must stay. The reader gives the raw line, not
its values: only the first value is certain (a stray delimiter shifts those after it), so
the username is known when it is the file's first column.
"""

import csv

# A line whose quote is never closed swallows the lines after it: who they are is unknown.
# A line that is not UTF-8 is reported by its bad value, not its text.
NOT_THE_LINE = ("a quoted value is never closed", "not UTF-8")


def username_of_refused_line(text, reason, columns, username_header, delimiter):
    """The username written first on the refused line `text`, or None when it cannot be
    known exactly (its value is left to trimmed() to clean, as any cell)."""
    if not columns or columns[0] != username_header or text is None:
        return None
    if reason.startswith(NOT_THE_LINE) or "\ufffd" in text:
        return None
    try:
        first = next(csv.reader([text], delimiter=delimiter, quotechar='"', strict=True))[0]
    except (csv.Error, StopIteration, IndexError):
        return None
    return first or None
