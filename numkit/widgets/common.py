"""What every panel shares: opening the inventory per action, tables, messages, node pickers."""

import contextlib
import datetime as dt
import html

import ipywidgets as w
import pandas as pd
from itables import JavascriptFunction
from itables.widget import ITable

from ..codes import REASON_WORDS
from ..errors import NotAssignable, NumkitError
from ..labels import FREE_TEXT_COLUMNS, labelled, node_labels
from ..reports.display import for_display, with_full_paths
from ..inventory import connect
from ..sample import database_path
from ..visible import visible

COLORS = {"ok": "#1b5e20", "error": "#b71c1c", "info": "#37474f", "warning": "#e65100"}


class Session:
    """Where a panel's inventory lives. The file is opened for one action at a time, so that
    several notebooks can work on the same database. The session knows the hierarchy's short
    node names (`Site-B (Cust-1)`), read again after every change."""

    # The session made last: a panel makes its session, then its tables, which name nodes
    # as that session's hierarchy does (see `table`).
    latest = None

    def __init__(self, database=None, as_of=None, read_only=False):
        self.database = database_path(database)
        self.inventory = connect(self.database, read_only=read_only)
        if as_of:
            self.inventory.as_of = as_of
        self.node_names = {}      # read at the first opening
        Session.latest = self

    @contextlib.contextmanager
    def open(self, read_only=False):
        with self.inventory.holding(write=not read_only):
            yield self.inventory
            # a load or a change may have brought new nodes; reading needs it only once
            if not read_only or not self.node_names:
                self.node_names = node_labels(self.inventory.nodes())

    def reading(self):
        return self.open(read_only=True)

    def writing(self):
        return self.open(read_only=False)


def note(kind, text):
    """A one-line message; the text is escaped, never live HTML, control characters shown."""
    return (f'<div class="numkit-note numkit-{kind}" style="color:{COLORS[kind]};'
            f'font-weight:600">{html.escape(visible(str(text)))}</div>')


def in_plain_words(error):
    """An error as an analyst would say it."""
    if isinstance(error, NotAssignable):
        return f"Not done: {error.number}: {REASON_WORDS.get(error.reason, error.reason)}."
    if isinstance(error, NumkitError):
        return f"Not done: {error}."
    return f"Not done: {error}"


# Buttons, uploads and check boxes as wide as their words (ipywidgets cuts longer ones off)
FITTED = {"layout": {"width": "auto"}}


def heading(text):
    return w.HTML(f"<h4 style='margin:8px 0 2px'>{html.escape(text)}</h4>")


# Captions above their tables, as headings, on one line: an empty table is as wide as its
# caption. A value is never cut in two (a date, a node, a username): only free text wraps,
# at its words. A row with a conflict stands out.
TABLE_CSS = """
table.numkit-table > caption { caption-side: top; text-align: left; font-weight: 600;
                               font-size: 1.05em; margin: 8px 0 2px; white-space: nowrap; }
table.numkit-table td.dt-empty { white-space: nowrap; }
table.numkit-table th.numkit-value, table.numkit-table td.numkit-value { white-space: nowrap; }
table.numkit-table td.numkit-text { white-space: normal; overflow-wrap: normal; min-width: 10em; }
/* numbers right, text left: DataTables would right-align text that looks numeric (a phone
   number, a username of digits) and leave a count with gaps, shown as text, to the left */
table.numkit-table.dataTable th.numkit-left, table.numkit-table.dataTable td.numkit-left,
table.numkit-table.dataTable td.numkit-text { text-align: left; }
table.numkit-table.dataTable th.numkit-number, table.numkit-table.dataTable td.numkit-number {
    text-align: right; }
/* a table wider than its panel scrolls sideways rather than being cut off */
.dt-layout-cell:has(> table.numkit-table) { overflow-x: auto; }
table.numkit-table td.numkit-conflict, table.numkit-table tr:has(td.numkit-conflict) > td {
    background: #fff3e0; color: #b71c1c; }
/* a chart is shown at the size it was drawn: a panel's boxes would stretch it to their width */
.jupyter-widgets.widget-image { align-self: flex-start; max-width: 100%; height: auto; }
"""

MARK_CONFLICT = JavascriptFunction(
    "function (td, cellData) { if (cellData) { td.classList.add('numkit-conflict'); } }")


PAGE_LENGTH = 10

# The caption first, then the rows, then what pages and searches them: DataTables would put
# the page length and the search above the caption, as if they belonged to the table before.
PAGED_LAYOUT = {"topStart": None, "topEnd": None, "bottomStart": "info", "bottomEnd": "paging",
                "bottom2Start": "pageLength", "bottom2End": "search"}
# A table that fits in one page has none of them.
ONE_PAGE_LAYOUT = {"topStart": None, "topEnd": None, "bottomStart": None, "bottomEnd": None}


class Table(ITable):
    """An interactive table (sortable, searchable, paged); cell text is shown as text, its
    caption as its heading, its columns in words, node paths short with their customer
    (and the path in a last column), conflicts marked.

    `df` is what is shown under the API's column names, as scripts and tests read it
    (`table.df["number"]`); the labelled frame the browser shows is `shown`."""

    _css = str(ITable._css) + TABLE_CSS

    def __init__(self, frame=None, caption=None, session=None):
        self.session = session
        self.frame = self._displayable(frame)
        super().__init__(**self._arguments(self.frame, _numeric(frame)), caption=caption or "",
                         allow_html=False, pageLength=PAGE_LENGTH, lengthMenu=[10, 25, 100],
                         classes="display compact numkit-table",
                         style="table-layout:auto;width:auto;margin:0")
        self.observe(self._caption_to_datatables, "caption")
        self._caption_to_datatables()

    def _caption_to_datatables(self, *_):
        # The widget's own caption is dropped when its script redraws the table; one given
        # to DataTables as an option is drawn with it, every time (in JupyterLab and Voila).
        if self._dt_args.get("caption") != html.escape(self.caption):
            self._dt_args = {**self._dt_args, "caption": html.escape(self.caption)}

    def show(self, frame):
        self.frame = self._displayable(frame)
        self.update(**self._arguments(self.frame, _numeric(frame)))

    @property
    def df(self):
        return self.frame

    @df.setter
    def df(self, frame):
        self.show(frame)

    @property
    def shown(self):
        return self._df

    def _displayable(self, frame):
        if frame is None:
            return pd.DataFrame({"": []})
        names = self.session.node_names if self.session is not None else {}
        return for_display(with_full_paths(frame, names), names)

    @staticmethod
    def _arguments(frame, numeric=frozenset()):
        """The widget's arguments for `frame` (as shown), `numeric` naming the columns that
        held numbers before they were made text to be shown."""
        columns = list(frame.columns)
        text = [at for at, name in enumerate(columns) if name in FREE_TEXT_COLUMNS]
        numbers = [at for at, name in enumerate(columns)
                   if name not in FREE_TEXT_COLUMNS and name in numeric]
        values = [at for at, name in enumerate(columns)
                  if name not in FREE_TEXT_COLUMNS and name not in numeric]
        definitions = [{"targets": targets, "className": kind}
                       for targets, kind in ((values, "numkit-value numkit-left"),
                                             (numbers, "numkit-value numkit-number"),
                                             (text, "numkit-text"))
                       if targets]
        if "conflict" in columns:
            definitions.append({"targets": [columns.index("conflict")], "createdCell": MARK_CONFLICT})
        return {"df": labelled(frame), "columnDefs": definitions,
                "layout": PAGED_LAYOUT if len(frame) > PAGE_LENGTH else ONE_PAGE_LAYOUT}


def _numeric(frame):
    """The columns of `frame` that hold numbers (a share, a count), not flags or text."""
    if frame is None:
        return frozenset()
    return frozenset(name for name, column in frame.items()
                     if pd.api.types.is_numeric_dtype(column)
                     and not pd.api.types.is_bool_dtype(column))


def table(frame=None, caption=None):
    """A Table naming nodes as the panel's session does (the session made last: panels
    make theirs before their tables)."""
    return Table(frame, caption=caption, session=Session.latest)


def show(table_widget, frame):
    table_widget.show(frame)


def tree_options(nodes, filter_text=""):
    """(label, node) pairs: the hierarchy as an indented tree, or the matching full paths."""
    wanted = filter_text.strip().lower()
    options = []
    for node, node_type, depth in nodes[["node", "type", "depth"]].itertuples(index=False):
        kind = f" ({node_type})" if isinstance(node_type, str) else ""
        if wanted:
            if wanted in node.lower():
                options.append((visible(f"{node}{kind}"), node))
        else:
            options.append((visible("\u00a0\u00a0" * depth + node.rsplit(".", 1)[-1] + kind), node))
    return options


class NodePicker(w.VBox):
    """A searchable list of node paths, shown as the hierarchy's tree."""

    def __init__(self, nodes, description="Node", value=None):
        self.nodes = nodes
        self.search = w.Text(placeholder="type to filter the nodes", description=description,
                             continuous_update=True)
        # nothing picked until the analyst picks: the first node is the hierarchy's root,
        # where nobody is onboarded or moved
        self.select = w.Select(options=tree_options(nodes), value=None, rows=8,
                               layout=w.Layout(width="480px"))
        self.search.observe(self._filter, "value")
        super().__init__([self.search, self.select])
        if value is not None:
            self.value = value

    def _filter(self, change):
        current = self.select.value
        options = tree_options(self.nodes, change["new"])
        self.select.options = options
        if current in [node for _, node in options]:
            self.select.value = current

    @property
    def value(self):
        return self.select.value

    @value.setter
    def value(self, node):
        self.search.value = ""
        self.select.value = node

    def observe_value(self, handler):
        self.select.observe(handler, "value")


class Confirmation(w.HBox):
    """Ask before changing the inventory: a question, Confirm and Cancel."""

    def __init__(self):
        self.question = w.HTML()
        self.confirm_button = w.Button(description="Confirm", button_style="danger")
        self.cancel_button = w.Button(description="Cancel")
        self._action = None
        self.confirm_button.on_click(self._confirm)
        self.cancel_button.on_click(lambda _: self.dismiss())
        super().__init__([self.question, self.confirm_button, self.cancel_button],
                         layout=w.Layout(display="none"))

    def ask(self, question, action):
        self.question.value = note("warning", question)
        self._action = action
        self.layout.display = "flex"

    def dismiss(self):
        self._action = None
        self.layout.display = "none"

    @property
    def pending(self):
        return self._action is not None

    def _confirm(self, _):
        action, self._action = self._action, None
        self.layout.display = "none"
        if action is not None:
            action()


def today_or(as_of):
    return as_of if as_of else dt.date.today()
