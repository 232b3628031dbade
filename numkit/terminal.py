"""Text from the data, made safe to print on a terminal (the escapes: numkit.visible)."""

from .visible import on_one_line as visible


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
