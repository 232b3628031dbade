"""The SQL layer: schema objects built layer by layer, migrations by schema version, and
named statements."""

import contextlib
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import duckdb

from .errors import IncompatibleDatabase

SQL_ROOT = resources.files("numkit") / "sql"
STATEMENT_DIRS = ("load", "statements")
MIGRATIONS = "migrations"
TABLE_LAYER = "10_tables"
INDEX_LAYER = "12_indexes"
# Lookups numkit keeps as constants (statements/fix_lookup.sql), refreshed by
# refresh_derived after each write to the tables they read (fix_lookup alone after a
# setting is written: numkit_candidate_order).
FIXED_LOOKUPS = ("numkit_snapshot_date", "numkit_latest_load", "numkit_candidate_order")

# The version of the schema files (the numbered layers under sql/ and the migrations),
# stored in each database's schema_version table. Bump it, and record the new digest below,
# whenever any schema file changes: numkit refuses a database whose version is higher than
# its own (its objects may not mean what this numkit thinks, and rewriting them would
# downgrade it), and only a writer upgrades a lower one. Whether an older numkit could still
# read a changed view is easy to get wrong, so every change counts; a test fails until both
# are updated. The digest is schema_digest() of the files of that version. What a database
# of an older version lacks in its tables is added by sql/migrations/NNNN_*.sql, NNNN being
# the version that brings it.
SCHEMA_VERSION = 16
SCHEMA_DIGESTS = {
    1: "dead0111ada1fdd033d95ae6803f3a4b120a4a9a3b49e3b9449ac35c4fa01842",
    # snapshots keep every column and their nodes, deletions name their load, and
    # snapshot_changes reports Used By changes
    2: "a476edd4d170035ef79faaaf47f078e4a5df83bca0d7bb30a14dafc2f82efa5d",
    # snapshot_changes reports a Used By set or cleared (one side empty)
    3: "974f7815e8dbaca3b9355fc5459c65977b4d9c3d02491d07412c11caafdea2e2",
    # pending_changes and reconciliations: the round trip with VOSS
    4: "2050c0c630dfe706c331e8460cecf22d23cb79dcfadbcebbe3d3af4243913f6d",
    # the statuses table; migrations out of the table files; the build order within a
    # layer from what each file reads; number_sort_key, the one number order; move_plan;
    # same_path_pairs, the one statement of a number unique along a path
    5: "b31f4f78f67f9704d201165e1288992261b03c74d48671c0b361cad596350759",
    # every list in number order sorts by number_sort_key (the reports and belonging_to
    # put 1001 before +1001)
    6: "4e2e61721c7efbdbf6fa549683e0704870f973ef3aa85103e26410ab29f04423",
    # the candidate_order setting (its default row, numkit_candidate_order() fixed as a
    # constant when the setting is written, and
    # available_numbers ordering by it)
    7: "6d3c14970927e4223d6655f4757a2fcb2e75abb85ea80d1cddfc31ad2de656c6",
    # history kept as versions (number_versions, user_versions, node_versions; the
    # snapshot_* tables become views of them), weekly loads writing only what changed
    8: "bbac661191b22d64ff887b8929744e5251c29282f78b0da47a921ac4ed65c628",
    # snapshot_changes reads the versions begun or ended between its two loads
    # (held_at_one_only); run_out_forecast says whether a node holds numbers of its own
    9: "2c0a1baa992595b55833ea9ab334dcf944ef5a83eaff7bde452748ef6df01479",
    # events record who made each change (`actor`); pending_changes and reconciliations
    # say who decided each change (`decided_by`, actors_of); the cleanup report's data
    # quality (used_out_of_sight, inactive_reservations, users_without_numbers), its
    # figures at a snapshot (report_figures_at), node_places
    10: "40297d68ece22e9ba14eebd860366ac2e75ce58915929e8ece450fdb175bbe33",
    # snapshot_change_rows: the changes unordered, which counting them reads;
    # deleted_user_reservations lowers each reserved row's user once and sorts by the
    # deletion date (the same order, cheaper)
    11: "7e59f20b3afa6a7c9e6abcd1c1432d60a52efa460b3c8b723111928a485513ae",
    # snapshot_change_counts counts each kind in one pass over the pairs
    # (snapshot_number_pairs, snapshot_user_pairs, which snapshot_change_rows reads too)
    12: "e075e2e30cb1f992d4bb3b98fc2f586001b9a1d2e5d1fadab524e1b661e4ed20",
    # the kinds of change decided once, as columns of the pairs (status_changed,
    # flag_change, used_by_changed, moved), which the list and the counts both read
    13: "03c65c18a359ab41b5f4d829a5a0550dd016a039806841b056f7620f2ade2f7a",
    # each number row keeps the hash of the line it was read from (numbers.line_hash), which
    # the views and macros that give every column of numbers (numbers_effective,
    # visible_numbers, move_plan) leave out
    14: "65fee6e080b71ebbc13c85fba5bc89b1a5911f3e623dd5a49942bf3017909c62",
    # a Reserved For flag respelled in another case is no change between snapshots
    # (snapshot_number_pairs compares the flags lowered, as it does Used By)
    15: "81a9d7ab32cc17ad06015d4f07e43135468698ca9fccd9c6c27ea8be60e3c4c3",
    # pending_changes: a field's change keeps the events that changed that field since it
    # last held the snapshot's value, not every event of its row
    16: "2597b032249788a4e2142e4de27f95dac8df8341b9e927dcf5ffcde148d85072",
}
# What opening a database needs (schema_state).
NEW, OLDER, STALE, CURRENT = "new", "older", "stale", "current"

_COMMENT = re.compile(r"--[^\n]*")


def layers():
    """The numbered layers, lowest first: a file reads only from lower layers, or from
    files of its own layer that run before it."""
    return sorted((d for d in SQL_ROOT.iterdir()
                   if d.is_dir() and d.name not in STATEMENT_DIRS and d.name[:2].isdigit()),
                  key=lambda d: d.name)


def mentioned(text, names):
    """Which of `names` the SQL `text` mentions (comments aside)."""
    code = _COMMENT.sub("", text).lower()
    return {name for name in names if re.search(rf"\b{re.escape(name)}\b", code)}


def in_dependency_order(files):
    """A layer's files, each after the files of the layer it reads (by name otherwise)."""
    by_name = {f.name.removesuffix(".sql"): f for f in files}
    needs = {name: mentioned(f.read_text(), by_name.keys() - {name})
             for name, f in by_name.items()}
    ordered = []
    while len(ordered) < len(by_name):
        placed = {f.name.removesuffix(".sql") for f in ordered}
        ready = sorted(name for name in by_name.keys() - placed if needs[name] <= placed)
        if not ready:
            stuck = sorted(by_name.keys() - placed)
            raise RuntimeError(f"SQL files that read each other: {', '.join(stuck)}")
        ordered.append(by_name[ready[0]])
    return ordered


@cache
def layer_files():
    """(layer name, its files in the order they run), lowest layer first."""
    return tuple((layer.name, tuple(in_dependency_order(
        [f for f in layer.iterdir() if f.name.endswith(".sql")]))) for layer in layers())


def object_files():
    """Every schema file, in the order it must run: layer by layer, and within a layer
    each after the files it reads."""
    return [f for _, files in layer_files() for f in files]


def object_file(name):
    return next(f for f in object_files() if f.name == f"{name}.sql")


def migration_files(after=0):
    """The migrations that bring a database of version `after` up to SCHEMA_VERSION, in
    version order."""
    files = [f for f in (SQL_ROOT / MIGRATIONS).iterdir() if f.name.endswith(".sql")]
    return sorted((f for f in files if int(f.name[:4]) > after), key=lambda f: f.name)


def index_files():
    return [f for f in object_files() if f.parent.name == INDEX_LAYER]


def index_name(index_file):
    """The name of the index an index file creates (one object per file, named after it)."""
    return index_file.name.removesuffix(".sql")


def index_names():
    return [index_name(index_file) for index_file in index_files()]


@dataclass
class BulkRewrite:
    """What a bulk rewrite leaves to its end: `rebuild_indexes` is set false by a rewrite
    whose file is compacted next, which builds the indexes in its copy (a process killed
    in between leaves them to ensure_indexes at the next open, as any rewrite does)."""
    rebuild_indexes: bool = True


@contextlib.contextmanager
def indexes_rebuilt(connection):
    """Drop the indexes for a bulk rewrite and build them again after, whatever happens
    (unless the rewrite, a BulkRewrite yielded, says a compaction builds them): DuckDB
    keeps an index up to date row by row, which makes replacing millions of rows many
    times slower. (Outside the rewrite's transaction: a failed statement inside it must
    not stop the indexes coming back. A process killed in between leaves them to
    ensure_indexes at the next open.) `connection()` gives the connection of the moment:
    a disk failure during the rewrite makes the inventory open its file afresh."""
    for index_file in index_files():
        connection().execute(f"drop index if exists {index_name(index_file)}")
    rewrite = BulkRewrite()
    try:
        yield rewrite
    except BaseException:
        # Inside a batch a failed statement leaves its transaction refusing every command
        # until rolled back; the rollback then brings back the indexes dropped inside it.
        # (a disk that failed the rewrite may take no index either: the next open builds them)
        with contextlib.suppress(duckdb.TransactionException, duckdb.IOException):
            ensure_indexes(connection())
        raise
    if rewrite.rebuild_indexes:
        ensure_indexes(connection())


def ensure_indexes(con):
    """Create the indexes that are missing in the database in use (a compaction has its
    copy attached beside it)."""
    existing = {row[0] for row in con.execute(
        "select index_name from duckdb_indexes() where database_name = current_database()").fetchall()}
    for index_file in index_files():
        if index_name(index_file) not in existing:
            con.execute(index_file.read_text())


def object_names():
    return [f.name.removesuffix(".sql") for f in object_files()]


@cache
def schema_digest():
    """A digest of every schema file and migration, names, text and order."""
    digest = hashlib.sha256()
    for sql_file in [*object_files(), *migration_files()]:
        digest.update(sql_file.name.encode() + sql_file.read_bytes())
    return digest.hexdigest()


def built_version(con):
    """(version, digest) of the schema that built the database at `con`: (None, None) when
    it holds no numkit tables; version 0 when numkit made it before versions were kept
    (schema_version without its `version` column, or without a row)."""
    try:
        rows = con.execute("select version, digest from schema_version").fetchall()
    except duckdb.CatalogException:
        tables = con.execute("select count(*) from duckdb_tables() "
                             "where table_name in ('numbers', 'events')").fetchall()[0][0]
        return (0, None) if tables else (None, None)
    except duckdb.BinderException:      # the table as numkit kept it before versions
        return 0, None
    return (rows[0][0] or 0, rows[0][1]) if rows else (0, None)


def schema_state(con, path):
    """What opening the database at `con` needs: CURRENT (nothing), STALE (rewriting the
    objects: a writer only), OLDER (an upgrade: a writer only) or NEW (creating them).
    A database made by a newer numkit is refused: rewriting its objects would downgrade
    them, and reading them may not mean what this numkit thinks."""
    version, digest = built_version(con)
    if version is None:
        return NEW
    if version > SCHEMA_VERSION:
        raise IncompatibleDatabase(
            f"{path} was made by a newer numkit (schema {version}, this numkit knows "
            f"{SCHEMA_VERSION}): upgrade numkit (pip install -U numkit)")
    if version < SCHEMA_VERSION:
        return OLDER
    # The same version built from other SQL files: a checkout whose SQL changed without
    # its version being bumped yet (a test fails until it is). Readers can use it as it is.
    return CURRENT if digest == schema_digest() else STALE


def refuse_older(path, con):
    version, _ = built_version(con)
    made = "before schema versions" if version == 0 else f"schema {version}"
    raise IncompatibleDatabase(
        f"{path} was made by an older numkit ({made}, this numkit knows {SCHEMA_VERSION}): "
        f"open it once for writing (numkit.connect(path)) or run `numkit upgrade {path}`, "
        "then read it")


def create_objects(con, path=":memory:"):
    """Create or update every schema object, unless this version built them already; a
    database made by a newer numkit is refused untouched."""
    if schema_state(con, path) is CURRENT:
        ensure_indexes(con)
        return
    version, _ = built_version(con)
    con.begin()
    for layer, files in layer_files():
        for sql_file in files:
            con.execute(sql_file.read_text())
        if layer == TABLE_LAYER and version is not None and version < SCHEMA_VERSION:
            # the tables exist, as an older numkit left them: bring them up to date
            # before anything that reads them is built
            _drop_history_views(con)
            for migration in migration_files(after=version):
                con.execute(migration.read_text())
    refresh_derived(con)
    con.execute("delete from schema_version")
    con.execute("insert into schema_version (version, digest) values ($v, $d)",
                {"v": SCHEMA_VERSION, "d": schema_digest()})
    con.commit()


# Views over the versions since version 8, tables (whole copies) before it.
HISTORY_VIEWS = ("snapshot_numbers", "snapshot_users", "snapshot_nodes")


def _drop_history_views(con):
    """A database that keeps its history as versions already, yet reads as older (its
    version row lost): the migrations of older versions expect the copies as tables, and
    find them created empty instead of these views (made again after them)."""
    views = {name for (name,) in con.execute(
        "select view_name from duckdb_views() where not internal").fetchall()}
    for name in HISTORY_VIEWS:
        if name in views:
            con.execute(f"drop view {name}")


def refresh_derived(con):
    """Bring what numkit keeps ready for the rules in step with the tables it comes from:
    the FIXED_LOOKUPS (numkit_snapshot_date(), numkit_latest_load(),
    numkit_candidate_order()) as constants, each answered first by its own file, and
    node_lineage from `nodes`. Run after every write to `loads` or `nodes` (inv.settings
    fixes numkit_candidate_order itself when it writes the setting)."""
    for name in FIXED_LOOKUPS:
        fix_lookup(con, name)
    con.execute(statement("refresh_node_lineage"))


def fix_lookup(con, name):
    """Make the lookup `name` (one of FIXED_LOOKUPS) the constant it answers now: its own
    file first (which reads the tables), then its answer fixed (statements/fix_lookup.sql)."""
    con.execute(object_file(name).read_text())
    value, kind = con.execute(f"select {name}()::varchar, typeof({name}())").fetchall()[0]
    literal = "null" if value is None else "'" + value.replace("'", "''") + "'"
    con.execute(statement("fix_lookup").format(name=name, literal=literal, type=kind))


@cache
def statement(name):
    """The text of a named statement (`load/...` or `statements/...`)."""
    folder, _, file = name.rpartition("/")
    return (SQL_ROOT / (folder or "statements") / f"{file}.sql").read_text()
