"""The SQL layer: schema objects run in path order, and named statements."""

import contextlib
import hashlib
from functools import cache
from importlib import resources

import duckdb

SQL_ROOT = resources.files("numkit") / "sql"
STATEMENT_DIRS = ("load", "statements")
INDEX_LAYER = "12_indexes"


def object_files():
    """Every schema file, in the order it must run: layer by layer, then by name."""
    files = []
    for layer in sorted(SQL_ROOT.iterdir(), key=lambda p: p.name):
        if layer.is_dir() and layer.name not in STATEMENT_DIRS and layer.name[:2].isdigit():
            files.extend(sorted((f for f in layer.iterdir() if f.name.endswith(".sql")),
                                key=lambda p: p.name))
    return files


def index_files():
    return [f for f in object_files() if f.parent.name == INDEX_LAYER]


@contextlib.contextmanager
def indexes_rebuilt(con):
    """Drop the indexes for a bulk rewrite and build them again after, whatever happens:
    DuckDB keeps an index up to date row by row, which makes replacing millions of rows
    many times slower. (Outside the rewrite's transaction: a failed statement inside it
    must not stop the indexes coming back. A process killed in between leaves them to
    ensure_indexes at the next open.)"""
    for index_file in index_files():
        con.execute(f"drop index if exists {index_file.name.removesuffix('.sql')}")
    try:
        yield
    except BaseException:
        # Inside a batch a failed statement leaves its transaction refusing every command
        # until rolled back; the rollback then brings back the indexes dropped inside it.
        with contextlib.suppress(duckdb.TransactionException):
            ensure_indexes(con)
        raise
    ensure_indexes(con)


def ensure_indexes(con):
    """Create the indexes that are missing."""
    existing = {row[0] for row in con.execute("select index_name from duckdb_indexes()").fetchall()}
    for index_file in index_files():
        if index_file.name.removesuffix(".sql") not in existing:
            con.execute(index_file.read_text())


def object_names():
    return [f.name.removesuffix(".sql") for f in object_files()]


@cache
def schema_digest():
    digest = hashlib.sha256()
    for sql_file in object_files():
        digest.update(sql_file.name.encode() + sql_file.read_bytes())
    return digest.hexdigest()


def built_digest(con):
    try:
        rows = con.execute("select digest from schema_version").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def create_objects(con):
    """Create or update every schema object, unless this version built them already."""
    if built_digest(con) == schema_digest():
        ensure_indexes(con)
        return
    con.begin()
    for sql_file in object_files():
        con.execute(sql_file.read_text())
    refresh_derived(con)
    con.execute("delete from schema_version")
    con.execute("insert into schema_version values ($d)", {"d": schema_digest()})
    con.commit()


def refresh_derived(con):
    """Bring what numkit keeps ready for the rules in step with the tables it comes from:
    numkit_snapshot_date() as the latest load's date (a constant), node_lineage from
    `nodes`. Run after every write to `loads` or `nodes`."""
    latest = con.execute("select max(as_of) from loads").fetchall()[0][0]
    literal = "null" if latest is None else f"date '{latest.isoformat()}'"
    con.execute(statement("fix_snapshot_date").format(as_of=literal))
    con.execute(statement("refresh_node_lineage"))


@cache
def statement(name):
    """The text of a named statement (`load/...` or `statements/...`)."""
    folder, _, file = name.rpartition("/")
    return (SQL_ROOT / (folder or "statements") / f"{file}.sql").read_text()
