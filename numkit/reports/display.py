"""Query results as a reader should see them, in a panel or a report."""

import html

import pandas as pd

from ..labels import (FREE_TEXT_COLUMNS, NODE_COLUMNS, SHARE_COLUMNS, VALUE_WORDS, label,
                      labelled, value_words)
from ..visible import UNSHOWABLE, visible

# Marks a row a plan cannot carry out, in every table that has a `conflict` column.
CONFLICT_MARK = "⚠ "


def _is_text(column):
    if column.dtype == object:     # text with gaps, or anything
        return pd.api.types.infer_dtype(column, skipna=True) == "string"
    return pd.api.types.is_string_dtype(column)


def _is_boolean(column):
    if column.dtype == object:
        return pd.api.types.infer_dtype(column, skipna=True) == "boolean"
    return pd.api.types.is_bool_dtype(column)


def for_display(frame, nodes=None):
    """`frame` as a reader should see it, in a panel or a report, under its own column
    names: an empty cell where a value is missing (pandas shows None, NaN, NaT or <NA> by
    column type), datetimes that are all at midnight as ISO dates, control characters as
    escapes (`\\x01`: a page shows none), shares as percentages (`44.0 %`), true as Yes and
    false as an empty cell, a conflict marked ⚠, codes in words (`never_onboarded` as
    `Never onboarded`, `labels.VALUE_WORDS`). `nodes`: {node path: short name}
    (`labels.node_labels`); node paths it names are shown so, others as they are."""
    shown = frame.copy()
    for name, column in frame.items():
        if _is_text(column):
            unshowable = column.str.contains(UNSHOWABLE.pattern, regex=True, na=False)
            if unshowable.any():
                column = column.astype(object).where(~unshowable, column[unshowable].map(visible))
                shown[name] = column
            if name in VALUE_WORDS:
                column = column.map(lambda value, name=name: value_words(name, value),
                                    na_action="ignore")
                shown[name] = column
            if nodes and name in NODE_COLUMNS:
                column = column.map(lambda path: nodes.get(path, path), na_action="ignore")
                shown[name] = column
            if name == "conflict":
                marked = column.notna() & (column.astype(object) != "")
                column = column.astype(object).where(~marked, CONFLICT_MARK + column.astype(object))
                shown[name] = column
        if pd.api.types.is_datetime64_any_dtype(column):
            present = column.dropna()
            dates_only = bool((present == present.dt.normalize()).all())
            text = column.dt.strftime("%Y-%m-%d" if dates_only else "%Y-%m-%d %H:%M:%S")
            shown[name] = text.astype(object).where(column.notna(), "")
        elif name in SHARE_COLUMNS and pd.api.types.is_numeric_dtype(column):
            shown[name] = column.astype(object).map(
                lambda share: "" if pd.isna(share) else f"{float(share) * 100:.1f} %")
        elif _is_boolean(column):
            shown[name] = column.astype(object).map(
                lambda value: "Yes" if not pd.isna(value) and bool(value) else "")
        elif column.isna().any():
            shown[name] = column.astype(object).where(column.notna(), "")
    return shown


def with_full_paths(frame, nodes):
    """`frame` with a last column `full_path` (the node's path) when `nodes` names any of
    its nodes short: the path an analyst copies, into a bulk move or a search in VOSS."""
    if not nodes or "node" not in frame.columns or "full_path" in frame.columns:
        return frame
    if not frame["node"].map(lambda path: path in nodes, na_action="ignore").any():
        return frame
    return frame.assign(full_path=frame["node"])


def _is_number(column):
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


# The alignment html_table's classes ask for, for an output shown where the page's
# stylesheet is not: a notebook. JupyterLab right-aligns every cell of an output by a rule
# of two classes and a tag; these rules have two classes and two tags, so they win.
TABLE_STYLE = """
table.dataframe.numkit-table th, table.dataframe.numkit-table td { text-align: left; }
table.dataframe.numkit-table th.number, table.dataframe.numkit-table td.number { text-align: right; }
table.dataframe.numkit-table td { white-space: nowrap; }
table.dataframe.numkit-table td.text { white-space: normal; min-width: 10em; }
table.dataframe.numkit-table tr.numkit-group th { text-align: left; background: #eceff1; }
"""


def html_table(frame, nodes=None):
    """`frame` as an HTML table for a page with no scripts: columns in words, values as
    `for_display` shows them (escaped), numbers right-aligned (class `number`) and text left,
    free text that may wrap (class `text`) and every other value on one line,
    a short node name with its full path as a tooltip, a row with a conflict marked (class
    `conflict`)."""
    head, rows = _rendered(frame, nodes)
    return (f'<table class="dataframe numkit-table">\n<thead>\n<tr>{head}</tr>\n</thead>\n'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")


def html_grouped_table(frame, groups, nodes=None):
    """`frame` as html_table shows it, its rows in groups: `groups` is a list of (heading,
    the index labels of the group's rows), each group a body of its own under a heading row
    (class `numkit-group`) that spans the table."""
    head, rows = _rendered(frame, nodes)
    at = {label: position for position, label in enumerate(frame.index)}
    bodies = []
    for heading, labels in groups:
        bodies.append(f'<tbody>\n<tr class="numkit-group"><th scope="rowgroup" '
                      f'colspan="{len(frame.columns)}">{html.escape(visible(heading), quote=False)}'
                      "</th></tr>\n" + "\n".join(rows[at[label]] for label in labels)
                      + "\n</tbody>")
    return (f'<table class="dataframe numkit-table numkit-grouped">\n<thead>\n<tr>{head}</tr>\n'
            "</thead>\n" + "\n".join(bodies) + "\n</table>")


def _rendered(frame, nodes):
    """The header cells of `frame` and each row's <tr>, as html_table shows them."""
    shown = for_display(frame, nodes)
    numbers = {name for name, column in frame.items() if _is_number(column)}

    def cell(tag, name, text, title=None):
        kind = "number" if name in numbers else "text" if name in FREE_TEXT_COLUMNS else ""
        attributes = f' class="{kind}"' if kind else ""
        if title:
            attributes += f' title="{html.escape(visible(title))}"'
        return f"<{tag}{attributes}>{html.escape(str(text), quote=False)}</{tag}>"

    head = "".join(cell("th", name, label(name)) for name in frame.columns)
    rows = []
    for (_, original), (_, values) in zip(frame.iterrows(), shown.iterrows()):
        cells = []
        for name in frame.columns:
            path = original[name]
            title = path if name in NODE_COLUMNS and nodes and path in nodes else None
            cells.append(cell("td", name, values[name], title))
        conflict = "conflict" in frame.columns and values["conflict"] != ""
        rows.append(("<tr class=\"conflict\">" if conflict else "<tr>") + "".join(cells) + "</tr>")
    return head, rows


__all__ = ["for_display", "html_table", "html_grouped_table", "with_full_paths", "label",
           "labelled", "CONFLICT_MARK", "TABLE_STYLE"]
