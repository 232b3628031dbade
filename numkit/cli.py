"""The `numkit` command: a thin shell over the library."""

import functools
import logging
import sys
from pathlib import Path

import click

from . import demo as demo_data
from . import reports
from .arguments import parse_date
from .errors import InvalidOperation, LoadError, NumkitError
from .exports import safe_for_spreadsheets
from .inventory import connect
from .scheduled import run_report
from .schema import SCHEMA_VERSION
from .snapshots import load_folder


def expected_errors(command):
    """Expected errors become one line on stderr and exit status 1, never a traceback."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except LoadError as error:
            problems_file = kwargs.get("problems")
            listed = len(error.problems)
            which = "all" if error.total == listed else f"the first {listed:,} of {error.total:,}"
            if problems_file:
                error.problems.to_csv(problems_file, index=False)
                where = f" ({which} written to {problems_file})"
            else:
                where = (f" (--problems FILE writes {'them all' if which == 'all' else which})"
                         if error.total > 1 else "")
            click.echo(f"Error: {error}{where}", err=True)
            sys.exit(1)
        except NumkitError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
    return wrapper


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


@click.group()
@click.version_option(package_name="numkit")
def main():
    """numkit: a telephone-number inventory (VOSS Automate rules) in DuckDB."""
    logger = logging.getLogger("numkit")
    if not any(isinstance(handler, SaidOnStderr) for handler in logger.handlers):
        logger.addHandler(SaidOnStderr())


class SaidOnStderr(logging.Handler):
    """What numkit says while it works (waiting for a file another process holds), one
    line each on the stderr of the moment."""

    def emit(self, record):
        click.echo(record.getMessage(), err=True)


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
              help="On a refused load, write every problem to this CSV file.")
@click.option("--extra-column", "extra_columns", multiple=True, metavar="NAME",
              help="Keep this header as an extra column though it looks like a misspelling "
                   "of a known one (repeatable).")
@expected_errors
def load(db, numbers_file, users_file, hierarchy_file, folder, as_of, no_strict, problems,
         extra_columns):
    """Load an inventory export into DB as a new snapshot (all or nothing)."""
    if numbers_file and folder:
        raise click.UsageError("give --numbers FILE or --dir FOLDER, not both")
    if not numbers_file and not folder:
        raise click.UsageError("give --numbers FILE or --dir FOLDER")
    if folder and (users_file or hierarchy_file or as_of):
        raise click.UsageError("--dir takes its files and dates from the folder; "
                               "drop --users, --hierarchy and --as-of")
    new_file = not Path(db).exists()
    landed = False
    try:
        with connect(db) as inv:
            if folder:
                for report in load_folder(inv, folder, strict=not no_strict,
                                          extra_columns=extra_columns):
                    landed = True
                    say_loaded(report)
            else:
                report = inv.load(numbers_file, users=users_file, hierarchy=hierarchy_file,
                                  as_of=parse_date(as_of, "--as-of"), strict=not no_strict,
                                  extra_columns=extra_columns)
                landed = True
                say_loaded(report)
    finally:
        if new_file and not landed:     # a refused first load leaves no empty database behind
            for created in (Path(db), Path(f"{db}.wal")):
                created.unlink(missing_ok=True)


def say_loaded(report):
    click.echo(str(report))
    for line in report.describe_columns():
        click.echo(f"  {line}")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@expected_errors
def upgrade(db):
    """Bring a database made by an older numkit up to this numkit's schema."""
    with connect(existing(db)):     # a writer's open upgrades it
        pass
    click.echo(f"{db} is at schema {SCHEMA_VERSION}, as this numkit reads it")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@as_of_option
@expected_errors
def check(db, as_of):
    """List invariant violations; exit status 1 if there is any."""
    with connect(db, read_only=True) as inv:
        if as_of:
            inv.as_of = as_of
        violations = inv.check()
    if violations.empty:
        click.echo("no invariant violations")
        return
    click.echo(violations.to_string(index=False))
    click.echo(f"Error: {len(violations)} invariant violation(s)", err=True)
    sys.exit(1)


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the report: an HTML page, one CSV per table, one XLSX workbook.")
@as_of_option
@click.option("--older-than", "older_than", type=click.IntRange(min=0), default=0,
              show_default=True, help="Keep deleted users' reservations at least this many days "
                                      "old (never-onboarded users' are always listed).")
@expected_errors
def report(db, out_dir, as_of, older_than):
    """Run the cleanup report on DB: HTML, CSV and XLSX files in --out, a summary here."""
    as_of = parse_date(as_of, "--as-of")
    with connect(db, read_only=True) as inv:    # checks it is a numkit database, then lets go
        if as_of:
            inv.as_of = as_of
        tables = reports.report_tables(inv, older_than)
        click.echo(f"numkit report for {db} as of {inv.as_of}")
    for line in reports.summary(tables):
        click.echo(f"  {line}")
    page = run_report(db, out_dir, as_of=as_of, older_than_days=older_than)
    for path in sorted(page.parent.iterdir()):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--from", "from_load", type=int, help="The earlier snapshot (load id); default the one before --to.")
@click.option("--to", "to_load", type=int, help="The later snapshot (load id); default the latest.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Also write the changes to this CSV file.")
@expected_errors
def diff(db, from_load, to_load, out_file):
    """What changed between two loaded snapshots: numbers, statuses, flags, users."""
    with connect(db, read_only=True) as inv:
        snapshots = inv.snapshots().set_index("load_id")
        changes = inv.snapshot_changes(from_load, to_load)
    if len(snapshots) < 2 and from_load is None:
        click.echo("only one snapshot is loaded: nothing to compare")
        return
    click.echo(reports.describe_changes(changes))
    if len(changes):
        click.echo(changes.fillna("").to_string(index=False))
    if out_file:
        safe_for_spreadsheets(changes).to_csv(out_file, index=False)
        click.echo(f"wrote {out_file}")


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
    with connect(existing(db), read_only=not apply_changes) as inv:
        if as_of:
            inv.as_of = as_of
        rows = inv.cleanup_deleted_reservations(older_than, dry_run=not apply_changes)
    if len(rows):
        click.echo(rows.to_string(index=False, na_rep=""))
    if apply_changes:
        click.echo(f"cleared {len(rows)} Reserved For flag(s); each change is logged in events")
    else:
        click.echo(f"would clear {len(rows)} Reserved For flag(s) (dry run; --apply clears them)")


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write numbers.csv, users.csv and hierarchy.csv into.")
@click.option("--numbers", default=400, show_default=True, type=click.IntRange(min=50),
              help="How many numbers.")
@click.option("--sites", default=6, show_default=True, type=click.IntRange(min=5),
              help="How many sites.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option("--force", is_flag=True, help="Overwrite the files of an earlier export in DIR.")
@expected_errors
def demo(out_dir, numbers, sites, seed, force):
    """Generate a realistic, fake inventory export of any size."""
    if not force and (Path(out_dir) / "numbers.csv").exists():
        raise InvalidOperation(f"{out_dir} already holds an export; add --force to overwrite it")
    try:
        result = demo_data.generate(Path(out_dir), numbers=numbers, sites=sites, seed=seed)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    counts = ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in result["counts"].items()
                       if isinstance(count, int))
    click.echo(f"wrote a demo inventory to {out_dir}: {counts}")


if __name__ == "__main__":
    main()
