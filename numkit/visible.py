"""Text from an export as a reader can see it.

A load keeps every character a cell holds, and the CSV exports write them back exactly.
What people look at cannot hold some of them: an XLSX cell (XML) has no way to store most
control characters, a web page or a chart shows none of them. There each is written as an
escape, `\\x01`, as the load's own messages show bytes; tabs and line breaks stay (a
terminal needs those escaped too: numkit.terminal).
"""

import re

# C0 controls but tab and line breaks, DEL, C1 controls, and the two code points XML forbids
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _escape(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value):
    """`value` with each control character written as an escape; a value that is not text
    as it is."""
    if isinstance(value, str) and UNSHOWABLE.search(value):
        return UNSHOWABLE.sub(_escape, value)
    return value
