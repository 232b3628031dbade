"""The bundled sample inventory, and which database a notebook opens."""

import os
from pathlib import Path

from .inventory import connect
from .snapshots import load_folder

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EXPORT = PROJECT_ROOT / "data" / "sample"
SAMPLE_DATABASE = PROJECT_ROOT / "sample.duckdb"
DATABASE_VARIABLE = "NUMKIT_DATABASE"


def build_sample(path=SAMPLE_DATABASE):
    """Build the sample database at `path` from data/sample, replacing it whole."""
    path = Path(path)
    partial = path.with_name(path.name + ".tmp")
    partial.unlink(missing_ok=True)
    with connect(partial) as inv:
        load_folder(inv, SAMPLE_EXPORT)
    os.replace(partial, path)
    return path


def database_path(database=None):
    """The database to open: the argument, else $NUMKIT_DATABASE, else the sample (built
    on first use, so that a notebook opened first on a fresh clone finds it)."""
    chosen = database or os.environ.get(DATABASE_VARIABLE)
    if chosen:
        return Path(chosen)
    if not SAMPLE_DATABASE.exists():
        build_sample(SAMPLE_DATABASE)
    return SAMPLE_DATABASE
