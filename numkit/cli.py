"""The `numkit` command: a thin shell over the library."""

import functools
import logging
import os
import sys
from pathlib import Path

import click

from . import notebook_files
from .demo_sizes import MAX_SITES, MIN_SITES
from .errors import InvalidOperation, LoadError, NotADatabase, NotSaved, NumkitError
from .sample import DATABASE_VARIABLE
from .terminal import visible, visible_frame, visible_lines

# Only what every command needs is imported above: the library (pandas, DuckDB, openpyxl, the
# report's matplotlib) is imported by the commands that use it, so that `numkit --help` and
# a mistyped command answer at once.


def say(text, err=False):
    """Print `text`: its lines as they are, every control character within them escaped.
    Every line the command prints goes through here; a value from the data that may hold a
    newline is passed through `visible` (or a table through `visible_frame`) first.

    A reader that has gone (`numkit load ... | head -1`) does not stop the command: what it
    did is done, or is still to do, whether anyone reads about it; the rest of its output
    is dropped and it exits with its own status."""
    try:
        click.echo(visible_lines(text), err=err)
    except BrokenPipeError:
        _write_nowhere(sys.stderr if err else sys.stdout)


def stderr_is_terminal():
    """Whether stderr is a terminal someone watches, rather than a file, a pipe or a log."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):    # no stderr, or a closed one
        return False


def progress_on_terminal():
    """A load's `progress(fraction, step)` saying each step on stderr, one line each, when
    stderr is a terminal; None otherwise, so that a script, a pipe or a cron log reads the
    command's own lines only."""
    if not stderr_is_terminal():
        return None

    def told(fraction, step):
        say(f"[{fraction:4.0%}] {visible(step)}", err=True)
    return told


def _write_nowhere(stream):
    """Send `stream` to the null device from now on (Python's advice for a closed pipe): its
    pending bytes, flushed at exit, would raise again."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, stream.fileno())
    os.close(nowhere)


def refuse(message):
    """The one `Error: ...` line on stderr, and exit status 1."""
    say(f"Error: {visible(message)}", err=True)
    sys.exit(1)


# `numkit diff` prints this many changes; between snapshots far apart there are millions,
# which --out writes to a file
DIFF_ROWS_SHOWN = 100


def table(frame):
    return visible_frame(frame).to_string(index=False, na_rep="")


def write_csv(frame, path):
    """Write a CSV the analyst asked for; InvalidOperation naming it when it cannot be."""
    try:
        frame.to_csv(path, index=False)
    except OSError as error:
        raise InvalidOperation(f"cannot write {path}: {error.strerror or error}") from None


def out_folder(path):
    """The folder an output goes to, made if needed; InvalidOperation naming it when it
    cannot be (under a file, on a read-only disk)."""
    if Path(path).exists() and not Path(path).is_dir():
        raise InvalidOperation(f"cannot write to {path}: it is a file, not a folder")
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidOperation(f"cannot write to {path}: {error.strerror or error}") from None
    return path


def expected_errors(command):
    """Expected errors become one line on stderr and exit status 1, never a traceback.

    Besides numkit's own refusals, the command's edge catches what the disk and DuckDB may
    raise under it: a damaged database file (duckdb.Error) or a file that cannot be read or
    written (OSError), each said in one line naming the file."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            done = refused_in_one_line(command, *args, **kwargs)
        except BaseException:
            STDERR.drop_held()      # the Error line alone says what the file holds
            raise
        STDERR.say_held()
        return done
    return wrapper


def refused_in_one_line(command, *args, **kwargs):
    """Run `command`; an expected error becomes its one `Error:` line (exit status 1)."""
    try:
        return command(*args, **kwargs)
    except LoadError as error:
        refuse(f"{error}{_where_problems_went(error, kwargs.get('problems'))}")
    except NotADatabase as error:
        refuse(_not_a_database(error))
    except NumkitError as error:
        refuse(str(error))
    except _duckdb_errors() as error:
        database = kwargs.get("db")
        refuse(f"{database} could not be read or written: {str(error).splitlines()[0]}"
               if database else f"DuckDB failed: {str(error).splitlines()[0]}")
    except OSError as error:
        refuse(f"{error.filename}: {error.strerror}" if error.filename and error.strerror
               else str(error))


def _not_a_database(error):
    """A CSV or workbook given where the database goes: `load` was likely given the export in
    the database's place; any other command reads a database the export must be loaded into."""
    if not error.looks_like:
        return str(error)
    context = click.get_current_context(silent=True)
    command = context.info_name if context else None
    if command == "load":
        return (f"{error.path} is not a numkit database (it looks like {error.looks_like}: "
                f"did you mean --numbers {error.path}?)")
    return (f"{error.path} is not a numkit database (it looks like {error.looks_like}). "
            f"numkit {command or 'this command'} reads a database: load the export into one "
            f"first, with {_loading_command(Path(error.path))}")


def _loading_command(export):
    """The load that would make a database of the export file `export`: its folder when a
    users file lies beside it (a new database needs one), else the file and a users file."""
    from .loading.load import source_path
    folder = export.parent
    try:
        beside = source_path(folder, "users") if folder.is_dir() else None
    except InvalidOperation:    # two users files: which one is meant cannot be told
        beside = None
    if beside is not None:
        return f"numkit load DB --dir {folder}"
    return f"numkit load DB --numbers {export} --users USERS_FILE"


def _duckdb_errors():
    """duckdb.Error once a command has loaded DuckDB; before, nothing can raise it."""
    duckdb = sys.modules.get("duckdb")
    return duckdb.Error if duckdb else ()


def _where_problems_went(error, problems_file):
    listed = len(error.problems)
    which = "all" if error.total == listed else f"the first {listed:,} of {error.total:,}"
    if not problems_file:
        return (f" (--problems FILE writes {'them all' if which == 'all' else which})"
                if error.total > 1 else "")
    try:
        from .reports.exports import problems_for_spreadsheets
        write_csv(problems_for_spreadsheets(error.problems), problems_file)
    except InvalidOperation as failed:      # the load's own error must still be said
        return f"; the problems could not be written to {problems_file} ({failed})"
    return f" ({which} written to {problems_file})"


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:     # one is not there (yet): the paths, resolved, say it
        return Path(a).resolve() == Path(b).resolve()


def refuse_overwriting(option, output, db, inputs=()):
    """Refuse an output path that is the database, its write-ahead log or a file the command
    reads, however it is spelled: writing it would destroy what the command works on, even
    when the command itself is refused. Checked before anything runs."""
    if not output:
        return
    guarded = [(db, f"the database {db}"),
               (f"{db}.wal", f"the database's write-ahead log {db}.wal"),
               *((path, f"the input file {path}") for path in inputs if path)]
    for path, what in guarded:
        if _same_file(output, path):
            raise InvalidOperation(f"{option} {output} is {what}: give another file")


def _files_under(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()] if folder else []


def existing(db):
    """`db`, refused when no file is there. A path given on the command line that names
    nothing is a refused request like any other: one line, status 1 (click would print its
    usage text and exit 2). Read-only openings refuse it themselves; writing ones would
    create an empty database."""
    if not Path(db).is_file():
        raise InvalidOperation(f"no database at {db}")
    return db


def as_of_option(command):
    return click.option("--as-of", "as_of", metavar="DATE",
                        help="Evaluate the rules at this date (YYYY-MM-DD); default today.")(command)


def snapshot_date_option(command):
    return click.option("--as-of", "as_of", metavar="DATE",
                        help="The snapshot date: the day the export was taken (YYYY-MM-DD); "
                             "default today. With --dir, manifest.json gives the dates.")(command)


class WholeFirstLine(click.Command):
    """A command that `numkit --help` lists by the whole first line of its help: click would
    cut it at the terminal's width, mid-sentence, with "...". A long line wraps instead."""

    def get_short_help_str(self, limit=45):
        if self.short_help or not self.help:
            return super().get_short_help_str(limit)
        return first_line(self.help)


def first_line(help_text):
    return help_text.strip().splitlines()[0].strip()


class Commands(click.Group):
    """numkit's commands, each listed by its whole first line."""
    command_class = WholeFirstLine


@click.group(cls=Commands)
@click.version_option(package_name="numkit")
def main():
    """numkit: a telephone-number inventory (VOSS Automate rules) in DuckDB."""
    logger = logging.getLogger("numkit")
    if STDERR not in logger.handlers:
        logger.addHandler(STDERR)


class SaidOnStderr(logging.Handler):
    """What numkit says while it works (waiting for a file another process holds), one
    line each on the stderr of the moment.

    That a file's last changes wait in its .wal is held until the command ends: said once
    when it succeeds and the .wal is still there (a later checkpoint may have taken it in);
    dropped when it fails, for its Error line says what the file holds (and a refused first
    load removes the file the note speaks of)."""

    def __init__(self):
        super().__init__()
        self.held = {}      # line -> the database file it speaks of

    def emit(self, record):
        line = visible(record.getMessage())
        database = getattr(record, "wal_kept", None)
        if database is None:
            say(line, err=True)
        else:
            self.held[line] = database

    def say_held(self):
        held, self.held = self.held, {}
        for line, database in held.items():
            if Path(f"{database}.wal").exists():
                say(line, err=True)

    def drop_held(self):
        self.held = {}


STDERR = SaidOnStderr()


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--numbers", "numbers_file", type=click.Path(dir_okay=False),
              help="The numbers export (CSV or XLSX).")
@click.option("--users", "users_file", type=click.Path(dir_okay=False),
              help="The users export; without it the active users stay as they are.")
@click.option("--hierarchy", "hierarchy_file", type=click.Path(dir_okay=False),
              help="The hierarchy export (node paths and types).")
@click.option("--dir", "folder", type=click.Path(file_okay=False),
              help="An export folder (numbers.csv, users.csv, hierarchy.csv, manifest.json).")
@snapshot_date_option
@click.option("--no-strict", is_flag=True,
              help="Load the rows that pass and keep the others in load_rejects.")
@click.option("--problems", type=click.Path(dir_okay=False),
              help="Write the load's problems to this CSV file: every one of a refused load, "
                   "or the rows a --no-strict load rejected (the header alone when none was).")
@click.option("--extra-column", "extra_columns", multiple=True, metavar="NAME",
              help="Keep this header as an extra column though it looks like a misspelling "
                   "of a known one (repeatable).")
@click.option("--allow-future-date", "allow_future", is_flag=True,
              help="Load a snapshot dated after tomorrow (refused otherwise, as a probable typo).")
@click.option("--discard-pending", is_flag=True,
              help="Drop the changes made in numkit and not yet seen in VOSS, instead of "
                   "reconciling them with the export (the events stay).")
@expected_errors
def load(db, numbers_file, users_file, hierarchy_file, folder, as_of, no_strict, problems,
         extra_columns, allow_future, discard_pending):
    """Load an inventory export into DB as a new snapshot (all or nothing)."""
    if numbers_file and folder:
        raise click.UsageError("give --numbers FILE or --dir FOLDER, not both")
    if not numbers_file and not folder:
        raise click.UsageError("give --numbers FILE or --dir FOLDER")
    if folder and (users_file or hierarchy_file or as_of):
        raise click.UsageError("--dir takes its files and dates from the folder; "
                               "drop --users, --hierarchy and --as-of")
    import duckdb

    from .arguments import parse_date
    from .disk import storage_failure
    from .inventory import connect
    from .loading.snapshots import load_folder

    refuse_overwriting("--problems", problems, db,
                       [numbers_file, users_file, hierarchy_file, *_files_under(folder)])
    new_file = not Path(db).exists()
    landed = False
    pending = "discard" if discard_pending else "keep"
    progress = progress_on_terminal()
    try:
        with connect(db) as inv:
            if folder:
                reports = load_folder(inv, folder, strict=not no_strict,
                                      extra_columns=extra_columns, allow_future=allow_future,
                                      pending=pending, progress=progress)
            else:
                reports = [inv.load(numbers_file, users=users_file, hierarchy=hierarchy_file,
                                    as_of=parse_date(as_of, "--as-of"), strict=not no_strict,
                                    extra_columns=extra_columns, allow_future=allow_future,
                                    pending=pending, progress=progress)]
            landed = True
            listed = None       # the snapshot whose headers were last said in full
            for report in reports:
                same = listed is not None and report.headers_read() == listed.headers_read()
                say_loaded(report, problems, headers_as_in=listed if same else None)
                listed = listed if same else report
            if problems:
                write_rejects(inv, reports, problems)
        suggest_compacting(db)
    except (NotSaved, duckdb.Error) as failed:
        # a disk too small for the schema fails the opening itself, before any load
        reason = failed.reason if isinstance(failed, NotSaved) else storage_failure(failed, db)
        if not new_file or landed or reason is None:
            raise
        remove_new_file(db)
        raise NotSaved(f"the load was not saved: {reason}; {db} was not created: nothing of "
                       "it is left", "the load", reason) from None
    finally:
        if new_file and not landed:
            remove_new_file(db)


def suggest_compacting(db):
    """After a load, once the file has let it go (its blocks freed): when much of the file is
    free blocks, which DuckDB reuses but never gives back, say how to give them back."""
    from . import compaction
    from .inventory import connect

    with connect(db, read_only=True) as inv:
        free, total = compaction.free_space(inv.con)
    if compaction.worth_compacting(free, total):
        say(f"  {free / 1e6:,.0f} MB of {visible(db)}'s {total / 1e6:,.0f} MB are free blocks: "
            f"`numkit compact {visible(db)}` gives them back")


def remove_new_file(db):
    """A refused first load leaves no empty database behind, nor its .wal."""
    for created in (Path(db), Path(f"{db}.wal")):
        created.unlink(missing_ok=True)


def say_loaded(report, problems_file=None, headers_as_in=None):
    """What a load did, in lines. `headers_as_in`: an earlier snapshot of the same run whose
    files' headers were read the same way (a folder of weekly exports): said in one line."""
    say(visible(report))
    deleted = report.describe_deleted_users()     # by name: a leaver the export forgot shows
    if deleted:
        say(f"  {visible(deleted)}")
    if report.rejected:
        where = (f"written to {visible(problems_file)}, and kept in" if problems_file
                 else "see")
        say(f"  {report.rejected:,} row(s) rejected: {where} the load_rejects table "
            f"(load_id {report.load_id})")
    if headers_as_in is not None:
        say(f"  headers read as for snapshot {headers_as_in.load_id}")
    else:
        for line in report.describe_columns():      # headers as written in the export
            say(f"  {visible(line)}")
    for warning in report.warnings():
        say(f"  {visible(warning)}")
    say(f"  {report.describe_reconciliation()}")
    repeat = report.describe_repeat()
    if repeat:
        say(f"  {repeat}")
    order = report.describe_order()
    if order:
        say(f"  {visible(order)}")


def write_rejects(inv, reports, problems_file):
    """Write the rows the loads rejected to the --problems file, as a refused load's problems
    are written: a load that rejected none leaves the header alone, so that no file of an
    earlier run stands for this one. A file read by several snapshots of a folder gives its
    problems once."""
    import pandas as pd

    from .reports.exports import problems_for_spreadsheets

    rejected = pd.concat([inv.load_rejects(report.load_id) for report in reports],
                         ignore_index=True).drop_duplicates(ignore_index=True)
    try:
        write_csv(problems_for_spreadsheets(rejected.astype(object)), problems_file)
    except InvalidOperation as failed:      # the load landed: say so with the failure
        raise InvalidOperation(f"the load was saved, but its rejected rows could not be written "
                               f"to {problems_file} ({failed}): they are in the load_rejects "
                               "table") from None
    say(f"wrote {visible(problems_file)}: {len(rejected):,} problem(s) of the rows rejected")


def logged_as():
    """How the events of a change made now name who made it (rules R12)."""
    from .actor import current_actor, shown_actor

    return f"logged in events as {visible(shown_actor(current_actor()))}"


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@expected_errors
def upgrade(db):
    """Bring a database made by an older numkit up to this numkit's schema."""
    from .inventory import connect
    from .schema import SCHEMA_VERSION

    with connect(existing(db)):     # a writer's open upgrades it
        pass
    say(f"{visible(db)} is at schema {SCHEMA_VERSION}, as this numkit reads it")


@main.command("forget-snapshot")
@click.argument("db", type=click.Path(dir_okay=False))
@expected_errors
def forget_snapshot(db):
    """Forget the latest snapshot: DB goes back to the snapshot before it (all or nothing)."""
    from .inventory import connect

    with connect(existing(db)) as inv:
        forgotten = inv.forget_latest_snapshot()
    back = forgotten["back_to"]
    say(f"forgot snapshot {forgotten['load_id']} as of {forgotten['as_of']}: back to "
        f"snapshot {back['load_id']} as of {back['as_of']} ({logged_as()})")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@expected_errors
def compact(db):
    """Give back the free space in DB's file (weekly loads leave some): copy, check, swap."""
    from .inventory import connect

    with connect(existing(db)) as inv:
        sizes = inv.compact()
    before, after = sizes["before_bytes"], sizes["after_bytes"]
    say(f"{visible(db)}: {before / 1e6:,.1f} MB before, {after / 1e6:,.1f} MB now "
        f"({(before - after) / 1e6:,.1f} MB given back)")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@as_of_option
@expected_errors
def check(db, as_of):
    """List invariant violations; exit status 1 if there is any."""
    from .inventory import connect

    with connect(db, read_only=True) as inv:
        if as_of:
            inv.as_of = as_of
        violations = inv.check()
    if violations.empty:
        say("no invariant violations")
        return
    say(table(violations))
    refuse(f"{len(violations)} invariant violation(s)")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(),
              help="Folder for the report: an HTML page, one CSV per table, one XLSX workbook.")
@as_of_option
@click.option("--older-than", "older_than", type=click.IntRange(min=0), default=0,
              show_default=True, help="Keep deleted users' reservations at least this many days "
                                      "old (never-onboarded users' are always listed).")
@click.option("--notebook", is_flag=True,
              help="Also write cleanup-report.ipynb: the page's sections as a notebook, each the "
                   "output of the call that makes it.")
@expected_errors
def report(db, out_dir, as_of, older_than, notebook):
    """Run the cleanup report on DB: HTML, CSV and XLSX files in --out, a summary here."""
    from .arguments import parse_date
    from .reports.scheduled import NOTEBOOK, CleanupReport, report_files, write_report
    from .reports.summary import summary_lines

    as_of = parse_date(as_of, "--as-of")
    report = CleanupReport(db, as_of=as_of, older_than_days=older_than)   # reads it, then lets go
    out_folder(out_dir)     # before the summary: a folder that cannot be written is the one line said
    say(f"numkit report for {visible(db)} as of {report.as_of}")
    for line in summary_lines(report.data.counts, report.tables["headline_figures"]):
        say(f"  {visible(line)}")
    folder = write_report(report, out_dir, notebook=notebook).parent
    for name in sorted(report_files(report, notebook)):
        say(f"wrote {visible(folder / name)}")
    if not notebook and (folder / NOTEBOOK).exists():
        # the folder is the analyst's: the file is named, not removed
        say(f"left {visible(folder / NOTEBOOK)} as an earlier run wrote it: it shows that "
            "run's report, not this one (--notebook writes it anew)")


def describe_compared(from_load, to_load, dates):
    """`snapshot 6 (2026-11-13) → snapshot 7 (2026-11-23)`: the two snapshots a diff
    compares (`dates`: as_of by load id), and whether it runs backwards or compares one
    snapshot with itself; or why there is nothing to compare (`from_load` None: no snapshot
    before `to_load`)."""
    from .answers.words import plain

    def snapshot(load_id):
        return f"snapshot {load_id} ({plain(dates[load_id])})"
    if from_load is None:   # nothing loaded before `to_load`
        if to_load is None:
            return "no snapshot is loaded: nothing to compare"
        if len(dates) == 1:
            return f"only one snapshot is loaded, {snapshot(to_load)}: nothing to compare"
        return f"{snapshot(to_load)} is the first: no snapshot before it to compare with"
    said = ": backwards, from the later to the earlier" if from_load > to_load else ""
    if from_load == to_load:    # `--from` the latest, `--to` left to its default
        said = ": the same snapshot twice, nothing to compare (--to is the latest unless given)"
    return f"{snapshot(from_load)} → {snapshot(to_load)}{said}"


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--from", "from_load", type=int, help="The earlier snapshot (load id); default the one before --to.")
@click.option("--to", "to_load", type=int, help="The later snapshot (load id); default the latest.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Also write the changes to this CSV file.")
@expected_errors
def diff(db, from_load, to_load, out_file):
    """What changed between two loaded snapshots: numbers, statuses, flags, users."""
    from .inventory import connect
    from .reports.exports import safe_for_spreadsheets
    from .reports.summary import describe_change_counts

    refuse_overwriting("--out", out_file, db)
    with connect(db, read_only=True) as inv:
        snapshots = inv.snapshots().set_index("load_id")
        # resolved first: an id never loaded is refused however many snapshots there are
        compared = from_load, to_load = inv.snapshot_pair(from_load, to_load)
        if out_file:
            counts = inv.snapshot_change_counts(from_load, to_load)
            changes = inv.snapshot_changes(from_load, to_load)
        else:
            counts, changes = inv.snapshot_change_summary(from_load, to_load,
                                                          first=DIFF_ROWS_SHOWN)
    if out_file:    # first: a file that cannot be written is the one line said
        write_csv(safe_for_spreadsheets(changes), out_file)
    say(describe_compared(*compared, snapshots["as_of"]))
    if from_load is not None:
        say(describe_change_counts(counts))
    if len(changes):
        say(table(changes.head(DIFF_ROWS_SHOWN).fillna("")))
    more = sum(counts.values()) - min(len(changes), DIFF_ROWS_SHOWN)
    if more > 0:
        say(f"... and {more} more change(s)"
            + (f": every one is in {visible(out_file)}" if out_file
               else ": --out FILE writes every one to a CSV file"))
    if out_file:
        say(f"wrote {visible(out_file)}")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(),
              help="Folder for changes.csv, voss-bulk-load.xlsx and users-to-action.csv.")
@click.option("--mapping", "mapping", type=click.Path(dir_okay=False),
              help="A JSON file of VOSS field names for the workbook (default numkit's "
                   "voss_fields.json).")
@expected_errors
def changes(db, out_dir, mapping):
    """Write the changes decided in numkit and not yet in VOSS, for loading into VOSS."""
    from . import handoff
    from .inventory import connect
    from .voss_workbook import read_mapping

    for name in handoff.FILES:
        refuse_overwriting("--out", Path(out_dir) / name, db, [mapping])
    fields = read_mapping(mapping)    # a mapping that cannot be used is refused before DIR is made
    with connect(db, read_only=True) as inv:
        written = inv.export_changes(out_folder(out_dir), mapping=fields)
    if written.changes:
        say(f"{written.changes} pending change(s), one row each in {handoff.CHANGES}")
    else:
        say("nothing pending: the files hold their header rows only")
    say(f"{handoff.WORKBOOK}: " + ", ".join(
        f"{sheet.split(' ', 1)[0]}: {rows} row(s)" for sheet, rows in written.sheets.items()))
    say(f"{handoff.USERS}: {written.users} row(s)")
    for path in written.paths:
        say(f"wrote {visible(path)}")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--older-than", "older_than", type=click.IntRange(min=0), required=True,
              help="Clear the flags of users deleted at least this many days ago.")
@as_of_option
@click.option("--apply", "apply_changes", is_flag=True,
              help="Clear the flags (each change is logged in events); without it, a dry run.")
@expected_errors
def cleanup(db, older_than, as_of, apply_changes):
    """Clear Reserved For flags of users deleted long ago; a dry run unless --apply."""
    from .inventory import connect

    with connect(existing(db), read_only=not apply_changes) as inv:
        if as_of:
            inv.as_of = as_of
        rows = inv.cleanup_deleted_reservations(older_than, dry_run=not apply_changes)
    if len(rows):
        say(table(rows))
    if apply_changes:
        say(f"cleared {len(rows)} Reserved For flag(s); each change is {logged_as()}")
    else:
        say(f"would clear {len(rows)} Reserved For flag(s) (dry run; --apply clears them)")


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(),
              help="Folder to write numbers.csv, users.csv, hierarchy.csv (and next-week/) into.")
@click.option("--numbers", default=400, show_default=True, type=click.IntRange(min=50),
              help="How many numbers.")
@click.option("--sites", default=6, show_default=True,
              type=click.IntRange(min=MIN_SITES, max=MAX_SITES),
              help="How many sites: each takes 8 of --numbers, and each customer (one per 50 "
                   "sites, 2 at least) 9 more.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option("--force", is_flag=True, help="Overwrite the files of an earlier export in DIR.")
@click.option("--weeks", default=0, show_default=True, type=click.IntRange(min=0, max=520),
              help="Write this many weekly exports after the demo's, as one folder that "
                   "`numkit load --dir` replays week by week (instead of next-week/).")
@click.option("--churn", type=click.FloatRange(min=0, max=0.5, min_open=True),
              help="With --weeks: the share of number rows that change each week  [default: 0.01]")
@expected_errors
def demo(out_dir, numbers, sites, seed, force, weeks, churn):
    """Generate a realistic, fake inventory export of any size.

    Writes into the --out folder (made if needed), which `numkit load DB --dir` loads:

    \b
      numbers.csv, users.csv, hierarchy.csv  the export, as of 2026-11-23
      manifest.json            its date and its earlier snapshots
      history/users-DATE.csv   the users of each earlier snapshot
      next-week/               the export of a week later, for the round trip
                               (its own numbers.csv, users.csv, hierarchy.csv
                               and manifest.json)

    With --weeks W, instead of next-week/, the export and the W weeks after it, one
    folder whose last week is as of 2026-11-23:

    \b
      numbers.csv, users.csv, hierarchy.csv  the last week's export
      manifest.json            every snapshot's date and files, and how the
                               series was made (seed, sizes, churn, each
                               week's changes)
      history/numbers-DATE.csv, history/users-DATE.csv
                               each earlier snapshot's files

    A folder that holds an export already (a numbers.csv) is written over only with
    --force.
    """
    from . import next_week

    if not force and (Path(out_dir) / "numbers.csv").exists():
        raise InvalidOperation(f"{out_dir} already holds an export; add --force to overwrite it")
    if churn is not None and not weeks:
        raise click.UsageError("--churn is the weekly change of a series: give --weeks too")
    if weeks:
        demo_weeks(out_dir, numbers, sites, seed, weeks, churn)
        return
    try:
        result = next_week.generate(Path(out_folder(out_dir)), numbers=numbers, sites=sites,
                                    seed=seed)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    counts = ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in result["counts"].items()
                       if isinstance(count, int))
    say(f"wrote a demo inventory to {visible(out_dir)}: {counts}; and next week's export "
        f"to {visible(str(Path(out_dir) / 'next-week'))}")



def demo_weeks(out_dir, numbers, sites, seed, weeks, churn):
    """`numkit demo --weeks`: the demo export and the weeks after it, one folder, the last
    week dated the demo's date (so that the whole series loads without future dates)."""
    import datetime as dt

    from . import demo as demo_export, weekly

    try:
        made = weekly.write_series(Path(out_folder(out_dir)), weeks, numbers=numbers,
                                   sites=sites, seed=seed,
                                   churn=weekly.DEFAULT_CHURN if churn is None else churn,
                                   as_of=demo_export.AS_OF - dt.timedelta(weeks=weeks))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    changed = [week["rows_changed"] for week in made["series"]["changes"]]
    say(f"wrote a demo inventory and {weeks} weekly exports after it to {visible(out_dir)}: "
        f"{len(made['history']) + 1} snapshots, {made['history'][0]['as_of']} to {made['as_of']}; "
        + (f"{changed[0]} number rows changed each week" if min(changed) == max(changed)
           else f"{min(changed)} to {max(changed)} number rows changed a week")
        + f"; manifest.json records how (load it with `numkit load DB --dir {visible(out_dir)}`)")


@main.command()
@click.argument("out_dir", metavar="DIR", type=click.Path())
@click.option("--force", is_flag=True, help="Overwrite notebooks of the same names in DIR.")
@expected_errors
def notebooks(out_dir, force):
    """Copy numkit's four notebooks and its app into DIR, to open in JupyterLab and work in."""
    for path in notebook_files.copy_to(out_folder(out_dir), force=force):
        say(f"wrote {visible(str(path))}")
    say(f"open them in JupyterLab; each opens the database named in its first cell "
        f"(`database = ...`), else ${DATABASE_VARIABLE}, else the bundled sample")

# -- the questions analysts are asked by phone (numkit.answers) ----------------------------

def json_option(command):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON object, for scripts, instead of lines of words.")(command)


def ask(db, as_of, question, *args):
    """The answer of `question(inv, *args)` on DB, read only, at --as-of."""
    from .inventory import connect

    with connect(db, read_only=True) as inv:
        if as_of:
            inv.as_of = as_of
        with inv.holding(write=False):
            return question(inv, *args)


def tell(answer, as_json):
    """The answer's facts, one a line, or its one JSON object."""
    import json

    if as_json:
        say(json.dumps(answer.facts))
        return
    for line in answer.lines:
        say(visible(line))


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("number")
@click.argument("user")
@click.argument("node")
@as_of_option
@json_option
@expected_errors
def why(db, number, user, node, as_of, as_json):
    """Whether USER at NODE may get NUMBER; why not.

    Yes or no, the reason when not (rules R10), and the row NODE sees: its status, whom it is
    reserved for and who uses it (active, deleted or never onboarded)."""
    from .answers import why as may_get

    tell(ask(db, as_of, may_get, number, user, node), as_json)


@main.command("next")
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("user")
@click.argument("node")
@click.option("--count", default=5, show_default=True, type=click.IntRange(min=1),
              help="How many numbers.")
@as_of_option
@json_option
@expected_errors
def next_numbers(db, user, node, count, as_of, as_json):
    """The next numbers USER at NODE would get.

    Best first, as onboarding and next available take them (rules R9): the user's own
    reserved numbers first."""
    from .answers import next_numbers as candidates

    tell(ask(db, as_of, candidates, user, node, count), as_json)


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("number")
@as_of_option
@json_option
@expected_errors
def number(db, number, as_of, as_json):
    """A number: its rows, holders, history, events.

    Each row holding NUMBER (status in VOSS and today, Reserved For, Used By, release date,
    where it is seen from), whom it is reserved for or used by (active, deleted or never
    onboarded), its changes across the loaded snapshots and the changes made in numkit."""
    from .answers import about_number

    tell(ask(db, as_of, about_number, number), as_json)


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("username")
@as_of_option
@json_option
@expected_errors
def user(db, username, as_of, as_json):
    """A user: state, node, numbers, next numbers.

    Active, deleted (when) or never onboarded; their node; the numbers they use and those
    reserved for them, and which of those their node sees; the next numbers they would get
    there. Usernames compare without regard to case."""
    from .answers import about_user

    tell(ask(db, as_of, about_user, username), as_json)


if __name__ == "__main__":
    main()
