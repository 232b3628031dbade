"""The SQL layer: schema objects run in path order, and named statements."""

from functools import cache
from importlib import resources

SQL_ROOT = resources.files("numkit") / "sql"
STATEMENT_DIRS = ("load", "statements")


def object_files():
    """Every schema file, in the order it must run: layer by layer, then by name."""
    files = []
    for layer in sorted(SQL_ROOT.iterdir(), key=lambda p: p.name):
        if layer.is_dir() and layer.name not in STATEMENT_DIRS and layer.name[:2].isdigit():
            files.extend(sorted((f for f in layer.iterdir() if f.name.endswith(".sql")),
                                key=lambda p: p.name))
    return files


def object_names():
    return [f.name.removesuffix(".sql") for f in object_files()]


def create_objects(con):
    for sql_file in object_files():
        con.execute(sql_file.read_text())


@cache
def statement(name):
    """The text of a named statement (`load/...` or `statements/...`)."""
    folder, _, file = name.rpartition("/")
    return (SQL_ROOT / (folder or "statements") / f"{file}.sql").read_text()
