"""Text from the data, made safe to print on a terminal.

A username, note or path may hold control characters: ESC starts a sequence that clears the
screen, moves the cursor or retitles the window; a newline forges an output line; C1
controls (U+0080-U+009F) act as ESC on some terminals. Every value the command echoes shows
them as escapes (`\\x1b`, `\\n`) and never sends them. A backslash itself is shown as it is, so
VOSS's `\\+44...` reads as in the export.
"""

import re

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match):
    character = match.group()
    return NAMED.get(character, f"\\x{ord(character):02x}")


def visible(value):
    """`value` as text, each control character shown as its escape: one line, always."""
    return CONTROL.sub(_escape, str(value))


def visible_lines(text):
    """`text` with its lines kept and every control character inside them shown escaped."""
    return "\n".join(visible(line) for line in str(text).split("\n"))


def visible_frame(frame):
    """A copy of a DataFrame whose text cells and column names are `visible`, for
    printing: a newline inside a cell must not read as another row."""
    shown = frame.copy()
    shown.columns = [visible(column) for column in shown.columns]
    for column in shown.columns:
        if shown[column].dtype == object or str(shown[column].dtype) in ("string", "str"):
            shown[column] = shown[column].map(lambda cell: visible(cell) if isinstance(cell, str) else cell)
    return shown
