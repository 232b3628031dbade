"""How a number in an XLSX cell shows, given its number format: exactly, or not at all.

A workbook stores 100 and shows it as `0100` when the cell's format is `0000`: read as stored,
the export would load a different number. Only the formats whose display numkit can write
exactly are read as they show; any other is refused, never guessed."""

import re

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

# Formats that show a whole number as its plain digits (General shows any number so, as far
# as the stored value goes; `@` is the text format, which shows a number as General does).
PLAIN = {"general", "@"}
# Literal text (`"+"` or `\+`) before zeros: the number padded with zeros to at least as many
# digits, the text in front. Exact for a whole number that is not negative (a negative one
# gets its minus sign before the text).
PADDED = re.compile(r'(?P<prefix>(?:"[^"]*"|\\.)*)(?P<zeros>0+)')
LITERAL = re.compile(r'"([^"]*)"|\\(.)')
UNSURE = ("a number shown with the number format {!r}, which may show it otherwise than "
          "{}: numkit reads a cell as it shows and cannot be sure how this one shows; "
          "store the number as text")


class Formats:
    """The number format of each style of a workbook, read from its stylesheet."""

    def __init__(self, book):
        # openpyxl keeps the stylesheet as the workbook reads it: a cell's style index points
        # into _cell_styles, whose numFmtId is built in (below 164) or custom (164 onwards,
        # rebased into _number_formats)
        self._styles = book._cell_styles
        self._custom = book._number_formats
        self._codes = {}

    def code(self, style_id):
        """The format code of a cell's style, or None when the workbook does not define it."""
        if style_id not in self._codes:
            self._codes[style_id] = self._lookup(style_id)
        return self._codes[style_id]

    def _lookup(self, style_id):
        try:
            number_format = self._styles[style_id].numFmtId
        except IndexError:
            return None
        if number_format < BUILTIN_FORMATS_MAX_SIZE:
            # the built-in ids missing from the table are the locale's own (dates, currency)
            return BUILTIN_FORMATS.get(number_format)
        try:
            return self._custom[number_format - BUILTIN_FORMATS_MAX_SIZE]
        except IndexError:
            return None


def shown(value, text, code):
    """The text a number cell shows: `text` (its plain digits) laid out by the format `code`;
    None when numkit cannot be sure of it."""
    if code is None:
        return None
    if code.lower() in PLAIN:
        return text
    whole = isinstance(value, int) or value.is_integer()
    found = PADDED.fullmatch(code)
    if found is None or not whole or value < 0:
        return None
    prefix = "".join(quoted or escaped for quoted, escaped
                     in LITERAL.findall(found["prefix"]))
    return prefix + text.zfill(len(found["zeros"]))


def unsure(text, code):
    """The reason a number cell with the format `code` is refused."""
    if code is None:
        return ("a number whose cell refers to a number format the workbook does not define: "
                "numkit cannot be sure how it shows; store the number as text")
    return UNSURE.format(code, text)
