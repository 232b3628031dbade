"""A weekly load that parses and checks only the numbers file's changed lines (rules R36,
"Reading only the lines that changed").

The export is read as raw lines and hashed (lines.read), the hashes are paired with those
the inventory's rows keep (load/line_changes), and only the lines no row holds are parsed:
read back from the export by their byte places and checked against their hashes
(lines.texts), written to a small CSV file under the export's own header and read as any
numbers file is (sources.stage). They are checked with every kept row a check could pair them with
(load/changed_numbers_checked). Whenever this cannot give exactly what reading the whole
file gives (a line no row holds that is not one whole row, the same line twice, many lines
changed, any problem found), it gives up before anything is written, and the load reads
the whole file.
"""

import os
import tempfile
from pathlib import Path

from ..schema import statement
from . import lines
from .sources import stage

# The rows of export_lines no row of the inventory holds.
ADDED_LINES = "select line_index from line_changes where kept_row is null"

# The changed lines' small CSV file, in the temporary folder, named with the process's id.
SCRATCH_PREFIX = "numkit-changed-lines-"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # another user's process
        return True
    return True


def sweep_left_behind():
    """Delete the changed lines' files of processes gone: a load killed while it read them
    (the crash tests kill loads) leaves its file behind."""
    for path in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*.csv"):
        pid = path.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


class ReadWhole(Exception):
    """Why the whole file must be read: what reading only the changed lines could get
    wrong, or a problem found (the whole file reports it by its row)."""


def usable(con, facts, line_basis):
    """Whether the latest load's rows keep hashes of lines read under `line_basis` (its
    numbers file a CSV with the same header and statuses, read line for row)."""
    if line_basis is None or facts is None:
        return False
    kept = lines.recorded(con)
    return kept.get("basis") == line_basis and kept.get("hashed", False)


def _one_line_each(facts):
    """Whether the file's facts let its lines be its rows: no empty line (DuckDB skips
    them), lines ending one way, no unit separator (lines.read). Asked last: the facts are
    read in a thread meanwhile (sources.file_facts)."""
    _, empty_line, line_ends, unit_separator, _ = facts.result()
    return not empty_line and not unit_separator and len(line_ends) <= 1


def stage_changed(con, source, facts, extra_columns, line_basis):
    """changed_numbers: the rows of the lines of `source` that no row of the inventory holds
    (export_lines read under `line_basis`), numbered as in `source`; line_changes says which
    rows of the inventory no line holds. Returns the Staged of those lines (its label
    `source`'s, `rows_read` every line), aborted when DuckDB failed reading them (it would
    fail reading the file the same way); raises ReadWhole when the whole file must be read."""
    con.execute(statement("load/line_changes"))
    lines_read, added, matched_rows, rows = con.execute(
        "select (select count(*) from export_lines), "
        "count(*) filter (where kept_row is null), "
        "(select count(*) from numbers) - count(*) filter (where line_index is null), "
        "(select count(*) from numbers) from line_changes").fetchall()[0]
    if not lines_read:
        raise ReadWhole("a line the raw reader refused (not UTF-8, or too long)")
    # a line twice pairs with one row twice: the duplicate must be reported by row
    if lines_read - added != matched_rows:
        raise ReadWhole("the same line twice")
    if added > lines.MOST_CHANGED_SHARE * lines_read:
        raise ReadWhole(f"{added:,} of its {lines_read:,} lines changed")
    if not _one_line_each(facts):
        raise ReadWhole("an empty line, line ends of more than one kind, or the unit separator")
    places = [place for (place,) in con.execute(
        f"select line_index - (select min(rowid) from export_lines) from ({ADDED_LINES}) "
        "as added(line_index) order by line_index").fetchall()]
    # no line changed: one kept line is read for the columns it gives, and left out
    # (load/changed_numbers pairs only the changed ones)
    (line_end,) = facts.result()[2] or {"lf"}
    read = lines.texts(con, source, line_basis, places or [0], line_end)
    if read is None:
        raise ReadWhole("the file changed while it was read")
    if any(line.count('"') % 2 for line in read):
        # the line begins or ends a value spanning lines
        raise ReadWhole("a changed line with an odd number of quotes")
    sweep_left_behind()
    handle, path = tempfile.mkstemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(lines.header_line(source) + "\n")
            out.writelines(line + "\n" for line in read)
        staged = stage(con, path, "numbers", None, extra_columns)
    finally:
        os.unlink(path)
    staged.label = os.fspath(source)
    if staged.aborted:      # the transaction takes no more statements: the load says why
        return staged
    if (staged.problems or staged.rejects
            or con.execute("select count(*) from checked_numbers").fetchall()[0][0] != len(read)):
        raise ReadWhole("a changed line that is not one row")
    con.execute(statement("load/changed_numbers"))
    staged.rows_read, staged.changed_lines = lines_read, added
    return staged


def check_with_kept_rows(con):
    """checked_numbers: the changed lines' rows and the kept rows a check could pair with
    them (load/changed_numbers_checked); load_active_users must be defined."""
    con.execute(statement("load/changed_numbers_checked"))


def keep_all_rows(con):
    """valid_numbers: every row the load leaves, kept and changed."""
    con.execute(statement("load/numbers_after_changed_lines"))


def give_up(con):
    """Leave nothing of a try behind: the whole file is read next, as any load reads it."""
    con.execute("delete from load_problems where role = 'numbers'")
    checked_is_view = con.execute("select exists (select 1 from duckdb_views() where temporary "
                                  "and view_name = 'checked_numbers')").fetchall()[0][0]
    con.execute("drop table if exists temp.changed_numbers; drop table if exists temp.line_changes; "
                f"drop {'view' if checked_is_view else 'table'} if exists temp.checked_numbers; "
                "drop table if exists temp.read_numbers")
