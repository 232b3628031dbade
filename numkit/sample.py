"""The bundled sample inventory, and which database a notebook opens.

The sample export ships inside the package (numkit/sample_export), so an installed numkit
builds the sample as a checkout does. The database built from it goes beside the checkout
(where ./kit builds it), or, for an installed numkit, into the user's cache: never into the
installed package."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EXPORT = Path(__file__).resolve().parent / "sample_export"
DATABASE_VARIABLE = "NUMKIT_DATABASE"


def in_checkout():
    """Whether numkit runs from its source folder (the kit's editable install) rather than
    from an installed package."""
    return (PROJECT_ROOT / "pyproject.toml").is_file()


def _sample_database():
    if in_checkout():
        return PROJECT_ROOT / "sample.duckdb"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "numkit" / "sample.duckdb"


# sample.duckdb in the checkout, else in the user's cache ($XDG_CACHE_HOME, or ~/.cache)
SAMPLE_DATABASE = _sample_database()


def project_folder():
    """The folder the report files go under by default: the checkout, else the folder
    numkit runs in (a notebook's own)."""
    return PROJECT_ROOT if in_checkout() else Path.cwd()


def write_sample_export(out):
    """Write the sample export into `out`, as numkit/sample_export holds it: `numkit demo`'s
    default export (next week's too) whose earlier snapshots have their own numbers files,
    with three weekly snapshots added between them (numkit.weekly.write_earlier_weeks)."""
    from . import next_week, weekly

    next_week.generate(Path(out))
    return weekly.write_earlier_weeks(Path(out))


def build_sample(path=SAMPLE_DATABASE):
    """Build the sample database at `path` from the bundled export, replacing it whole."""
    # here, not at the top: the `numkit` command reads DATABASE_VARIABLE without the API
    from .inventory import connect
    from .loading.snapshots import load_folder

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.unlink(missing_ok=True)
    with connect(partial) as inv:
        load_folder(inv, SAMPLE_EXPORT)
    os.replace(partial, path)
    return path


def database_path(database=None):
    """The database to open: the argument, else $NUMKIT_DATABASE, else the sample (built
    on first use, so that a notebook opened first on a fresh clone or install finds it)."""
    chosen = database or os.environ.get(DATABASE_VARIABLE)
    if chosen:
        return Path(chosen)
    if not SAMPLE_DATABASE.exists():
        build_sample(SAMPLE_DATABASE)
    return SAMPLE_DATABASE
