"""Query results as a reader should see them, in a panel or a report."""

import pandas as pd

from ..visible import UNSHOWABLE, visible


def _is_text(column):
    if column.dtype == object:     # text with gaps, or anything
        return pd.api.types.infer_dtype(column, skipna=True) == "string"
    return pd.api.types.is_string_dtype(column)


def for_display(frame):
    """`frame` as a reader should see it, in a panel or a report: an empty cell where a value
    is missing (pandas shows None, NaN, NaT or <NA> by column type), datetimes that are all
    at midnight as dates, control characters as escapes (`\\x01`: a page shows none)."""
    shown = frame.copy()
    for name, column in frame.items():
        if _is_text(column):
            unshowable = column.str.contains(UNSHOWABLE.pattern, regex=True, na=False)
            if unshowable.any():
                column = column.astype(object).where(~unshowable, column[unshowable].map(visible))
                shown[name] = column
        if pd.api.types.is_datetime64_any_dtype(column):
            present = column.dropna()
            dates_only = bool((present == present.dt.normalize()).all())
            text = column.dt.strftime("%Y-%m-%d" if dates_only else "%Y-%m-%d %H:%M:%S")
            shown[name] = text.astype(object).where(column.notna(), "")
        elif column.isna().any():
            shown[name] = column.astype(object).where(column.notna(), "")
    return shown
