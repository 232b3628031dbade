"""Text from an export as a reader can see it.

A load keeps every character a cell holds, and the CSV exports write them back exactly.
What people look at cannot hold some of them: an XLSX cell (XML) has no way to store most
control characters, a web page or a chart shows none of them, and on a terminal ESC starts
a sequence that clears the screen or retitles the window, a newline forges an output line
and C1 controls (U+0080-U+009F) act as ESC on some terminals. There each is written as an
escape, `\\x01`, as the load's own messages show bytes. A page keeps tabs and line breaks;
a terminal line escapes them too (`\\n`). A backslash itself is shown as it is, so VOSS's
`\\+44...` reads as in the export.
"""

import re

# C0 controls, DEL, C1 controls, the two code points XML forbids, and the direction
# embeddings, overrides and isolates: on a terminal line they make the rest read backwards
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# the same but for tab and line breaks, which a page or a cell shows as layout
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match):
    character = match.group()
    code = ord(character)
    return NAMED.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(value):
    """`value` with each control character written as an escape, tabs and line breaks
    kept; a value that is not text as it is."""
    if isinstance(value, str) and UNSHOWABLE.search(value):
        return UNSHOWABLE.sub(_escape, value)
    return value


def on_one_line(value):
    """`value` as text for a terminal, every control character escaped: one line, always."""
    return CONTROL.sub(_escape, str(value))
