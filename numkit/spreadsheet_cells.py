"""Text values as a spreadsheet may be given them.

Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` as a formula, so free text
that came from an export is written with a leading `'` when it begins so (`neutralised`);
a value that is only a signed number keeps its `+`, as E.164 numbers begin with one
(`neutralised_unless_a_number`). An XLSX cell has no way to hold most control characters
and holds at most 32,767 characters (`as_cell`). The report files, the hand-off to VOSS and
the VOSS workbook all write cells through here.
"""

import re

from .visible import visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32_767


def neutralised(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# A cell a spreadsheet reads as a number, never as a call: a sign, then digits and spaces.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 ]*")


def neutralised_unless_a_number(value):
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return value
    return neutralised(value)


def excel_length(text):
    """How long Excel counts `text`: in UTF-16 units, a character past U+FFFF (an emoji)
    counting two."""
    return len(text.encode("utf-16-le")) // 2


def as_cell(value):
    """A text value as a workbook cell can hold it: control characters as escapes, cut
    to the cell's limit (counted as Excel counts, excel_length) with a note of how long it
    was."""
    if not isinstance(value, str):
        return value
    shown = visible(value)
    # half the limit in characters is within it however counted: most cells stop here
    if len(shown) <= CELL_LIMIT // 2 or excel_length(shown) <= CELL_LIMIT:
        return shown
    cut = f" [cut: {len(value):,} characters in all; the CSV holds the whole value]"
    room = 2 * (CELL_LIMIT - len(cut))
    # a character cut in two (half of an emoji's pair) is left out whole
    return shown.encode("utf-16-le")[:room].decode("utf-16-le", errors="ignore") + cut
