"""Inventories built in memory from a few CSV rows; tests tweak them inline."""

import csv
import datetime as dt
import io
import json
import re
import shutil
import textwrap
import threading

import duckdb

import pytest

import numkit
import numkit.storage
from numkit.actor import current_actor
from numkit.schema import built_version, create_objects, refresh_derived, schema_digest

AS_OF = dt.date(2026, 11, 23)
PROV = "sys.hcs.Prov-1"
CUST1 = f"{PROV}.Cust-1"
CUST2 = f"{PROV}.Cust-2"
SITE_A = f"{CUST1}.Site-A"
SITE_B = f"{CUST1}.Site-B"
SITE_C = f"{CUST1}.Site-C"
SITE_D = f"{CUST2}.Site-D"


# Two numbers DuckDB's hash() gives one value (they differ in the last byte of each of their
# two 8-byte words): the checks between rows find candidates by hash(node, number) and must
# then tell them apart by their text (load/numbers_problems.sql).
NUMBERS_HASHED_ALIKE = ("1000000010000000", "1000000910000007")


def hashed_alike(node, first, second):
    """Whether hash(node, number) is one value for both numbers: a test that relies on it
    asserts it, else it would test nothing."""
    return duckdb.execute("select hash($1, $2) = hash($1, $3)", [node, first, second]).fetchone()[0]

HIERARCHY = f"""\
Hierarchy,Type
{PROV},Provider
{CUST1},Customer
{SITE_A},Site
{SITE_B},Site
{SITE_C},Site
{CUST2},Customer
{SITE_D},Site
"""

# The seed example of the visibility rule (numbers reserved for `u` at Site-A, Site-B and
# Cust-1), free numbers at each level, a user at Site-A and an extension Cust-2 shares.
NUMBERS = f"""\
Internal Number,Located At,Status,Reserved For,Used By,Release Date
1001,{SITE_A},Available,u,,
1002,{SITE_B},Available,u,,
1003,{CUST1},Available,u,,
2001,{SITE_A},Available,,,
2002,{SITE_B},Available,,,
2003,{CUST1},Available,,,
3001,{SITE_A},Used,,alice,
1001,{SITE_D},Available,,,
"""

USERS = f"""\
Username,Located At
alice,{SITE_A}
"""


# The test tiers. These files' tests take minutes, or need a browser, a kernel, a new venv or
# an idle machine, or walk through the whole sample rather than one rule: each is marked
# with its kind and `slow`. Every other test is in the fast tier (`./kit test fast`, i.e.
# -m "not slow"), unless marked with a kind or `slow` itself.
SLOW_FILES = {
    "test_model.py": "model",
    "test_properties.py": "model",
    "test_crashes.py": "crash",
    "test_atomic_loads.py": "crash",
    "test_concurrency.py": "crash",
    "test_browser_harness.py": "browser",
    "test_browser_panels.py": "browser",
    "test_notebooks.py": "notebook",
    "test_benchmark.py": "benchmark",
    "test_storage_layout.py": "benchmark",     # 600,000 numbers
    "test_kit.py": "kit",
    "test_wheel.py": "kit",
    "test_sample.py": "sample",     # the sample export loaded and walked through end to end
    "test_readme.py": "sample",     # the README's tour, on the sample
}
SLOW_KINDS = ("model", "crash", "browser", "notebook", "benchmark", "kit", "sample")


@pytest.hookimpl(tryfirst=True)     # before -m deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        kind = SLOW_FILES.get(item.path.name)
        if kind:
            item.add_marker(kind)
        if any(item.get_closest_marker(k) for k in SLOW_KINDS):
            item.add_marker("slow")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def export_folder(tmp_path, files):
    """tmp_path/export holding {name: text}: an export folder for `numkit load --dir`."""
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in files.items():
        write(folder, name, text)
    return folder


def export_folder_without(tmp_path, role, name):
    """An export folder with no file named after `role` and a file `name` beside the others."""
    files = {"numbers.csv": NUMBERS, "users.csv": USERS, "hierarchy.csv": HIERARCHY}
    files = {file: text for file, text in files.items() if not file.startswith(role)}
    return export_folder(tmp_path, files | {name: "anything\n"})


def load_texts(folder, numbers=NUMBERS, users=USERS, hierarchy=HIERARCHY, as_of=AS_OF,
               path=":memory:"):
    """An inventory loaded from CSV texts written into `folder` (for a module-scoped
    inventory that tests only read: built once, from tmp_path_factory's folder)."""
    inv = numkit.connect(path)
    inv.as_of = as_of
    inv.load(write(folder, "numbers.csv", numbers),
             users=None if users is None else write(folder, "users.csv", users),
             hierarchy=None if hierarchy is None else write(folder, "hierarchy.csv", hierarchy),
             as_of=as_of)
    return inv


@pytest.fixture
def loaded_inventory(tmp_path):
    """Build an in-memory inventory from CSV texts (numbers, users, hierarchy), loaded."""
    def make(numbers=NUMBERS, users=USERS, hierarchy=HIERARCHY, as_of=AS_OF, path=":memory:"):
        return load_texts(tmp_path, numbers, users, hierarchy, as_of, path)
    return make


@pytest.fixture
def make_inventory(loaded_inventory):
    """An inventory from CSV texts; a module whose tests are not about loading overrides it
    with built_inventory."""
    return loaded_inventory


@pytest.fixture
def inv(make_inventory):
    return make_inventory()


# -- the schema of memory inventories, copied ------------------------------------------------
# Building the schema (about 50 files) costs ~150 ms, most of what a memory inventory costs
# to open, and the fast tier opens hundreds. Each test process builds it once into a file
# and copies it into every new memory database (~40 ms): the same tables, rows, views,
# macros and indexes as create_objects makes. Files are built as numkit builds them, as is
# any database whose schema files changed since the template was made.
@pytest.fixture(scope="session", autouse=True)
def memory_schema_from_template(tmp_path_factory):
    template = tmp_path_factory.mktemp("schema") / "template.duckdb"
    numkit.connect(template).close()
    digest = schema_digest()
    copying = threading.Lock()      # one attach of the template at a time

    def create(con, path=":memory:"):
        if path != ":memory:" or schema_digest() != digest or built_version(con)[0] is not None:
            return create_objects(con, path)
        with copying:
            con.execute("attach $template as numkit_template (read_only)",
                        {"template": str(template)})
            try:
                con.execute("copy from database numkit_template to memory")
            finally:
                con.execute("detach numkit_template")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(numkit.storage, "create_objects", create)
        yield


# -- inventories written straight into the tables -------------------------------------------
# A load costs about half a second (staging, checks, reconciliation), most of a rule test's
# time. Where the loader is not what a test is about, its module overrides make_inventory
# with built_inventory: the same CSV texts, written into the tables as a load writes them.
# The builder takes only rows a load would store unchanged (numkit's headers, numbers,
# statuses and dates, no extra column, no whitespace to trim) and an inventory whose
# invariants hold; anything else raises BuilderRefused (use the loader there).
# tests/test_builder.py checks that it writes what a load writes.
BUILT_COLUMNS = {
    "numbers": {"Internal Number": "number", "Located At": "node", "Status": "status",
                "Usage": "usage", "Reserved For": "reserved_for", "Used By": "used_by",
                "Release Date": "release_date", "Reservation Notes": "reservation_notes",
                "Description": "description"},
    "users": {"Username": "username", "Located At": "node"},
    "hierarchy": {"Hierarchy": "node", "Type": "type", "Name": "name"},
}
BUILT_FORMS = {
    "number": re.compile(r"\+?[0-9]{1,30}"),
    "node": re.compile(r"[^.\s]+(\.[^.\s]+)*"),
    "status": re.compile("Available|Used|Used-Utility|Reserved|Cooling|Inactive"),
    "release_date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "type": re.compile("Provider|Reseller|Customer|Intermediate|Site"),
}


class BuilderRefused(Exception):
    """Rows the builder cannot write as a load would: load them instead."""


def built_rows(role, text):
    """The rows of a CSV text as dicts of numkit's columns, empty values as None."""
    reader = csv.DictReader(io.StringIO(textwrap.dedent(text)))
    unknown = set(reader.fieldnames or ()) - set(BUILT_COLUMNS[role])
    if unknown:
        raise BuilderRefused(f"{role}: headers the builder does not take: {sorted(unknown)}")
    rows = []
    for record in reader:
        row = {BUILT_COLUMNS[role][header]: value or None for header, value in record.items()}
        for column, value in row.items():
            form = BUILT_FORMS.get(column)
            if value is not None and (value != value.strip()
                                      or (form is not None and not form.fullmatch(value))):
                raise BuilderRefused(f"{role}: {column} {value!r} is not as a load stores it")
        rows.append(row)
    if role == "numbers":
        for row in rows:
            row.setdefault("status", "Available")    # a file without a Status column
            if row["status"] is None:
                raise BuilderRefused("numbers: an empty status")
    return rows


def insert_many(con, sql, rows):
    if rows:        # DuckDB's executemany refuses an empty list
        con.executemany(sql, rows)


def build_tables(con, numbers, users, hierarchy, as_of):
    """Write the rows into the empty tables of `con` as a first load does, in one transaction
    (`users` None: a load without a users file)."""
    users_given, users = users is not None, users or []
    node_rows = {row["node"]: row for row in hierarchy or ()}
    paths = set(node_rows) | {row["node"] for row in numbers} | {row["node"] for row in users}
    # loading a.b.c also creates a and a.b
    prefixes = {".".join(path.split(".")[:level]) for path in paths
                for level in range(1, path.count(".") + 2)}
    nodes = [(node, node.rpartition(".")[0] or None, node_rows.get(node, {}).get("type"),
              node_rows.get(node, {}).get("name")) for node in sorted(prefixes)]
    con.begin()
    load_id = con.execute(
        "insert into loads (loaded_at, as_of, files, numbers, users, nodes, rejected, deleted_users) "
        "values (current_localtimestamp(), $as_of, '{}', $numbers, $users, $nodes, 0, 0) "
        "returning load_id",
        {"as_of": as_of, "numbers": len(numbers), "users": len(users) if users_given else None,
         "nodes": len(nodes)},
    ).fetchall()[0][0]
    insert_many(con, "insert into nodes (node, parent, type, name) values (?, ?, ?, ?)", nodes)
    # node ids in path order, as a load numbers them
    con.execute("update nodes set node_id = ids.node_id from "
                "(select node, row_number() over (order by node) as node_id from nodes) as ids "
                "where nodes.node = ids.node")
    columns = list(BUILT_COLUMNS["numbers"].values())
    con.execute("create temp table built_numbers as select 0 as line, * from numbers limit 0")
    insert_many(con, 
        f"insert into built_numbers (line, {', '.join(columns)}) "
        f"values (?, {', '.join('?' for _ in columns)})",
        [(line, *(row.get(column) for column in columns)) for line, row in enumerate(numbers)])
    con.execute("insert into numbers by name "
                "select built.* exclude (line, node_id, number_order), nodes.node_id, "
                "number_value(built.number) as number_order "
                "from built_numbers as built join nodes on nodes.node = built.node "
                "order by nodes.node_id, built.line")
    con.execute("drop table built_numbers")
    insert_many(con, "insert into users (username, node) values (?, ?)",
                    [(row["username"], row["node"]) for row in users])
    for kept, source in (("number_versions", "numbers exclude (node_id, line_hash)"),
                         ("user_versions", "users"), ("node_versions", "nodes exclude (node_id)")):
        table, _, excluded = source.partition(" ")
        con.execute(f"insert into {kept} by name select $id as from_load, * {excluded} "
                    f"from {table}", {"id": load_id})
    con.execute("insert into events (operation_id, \"at\", as_of, action, after, actor) "
                "values (nextval('operation_ids'), current_localtimestamp(), $as_of, 'load', $after, "
                "$actor)",
                {"as_of": as_of, "actor": current_actor(), "after": json.dumps(
                    {"load_id": load_id, "as_of": as_of.isoformat(), "numbers": len(numbers),
                     "users": len(users), "nodes": len(nodes), "rejected": 0})})
    refresh_derived(con)
    con.commit()


@pytest.fixture
def built_inventory():
    """make_inventory's inventories without the loader: the rows written into the tables."""
    def build(numbers=NUMBERS, users=USERS, hierarchy=HIERARCHY, as_of=AS_OF, path=":memory:"):
        if path != ":memory:":
            raise BuilderRefused("the builder writes memory inventories only")
        number_rows = built_rows("numbers", numbers)
        user_rows = None if users is None else built_rows("users", users)
        hierarchy_rows = None if hierarchy is None else built_rows("hierarchy", hierarchy)
        inv = numkit.connect(path)
        inv.as_of = as_of
        build_tables(inv.con, number_rows, user_rows, hierarchy_rows, as_of)
        problems = inv.check()
        if not problems.empty:
            raise BuilderRefused(f"a load would refuse these rows:\n{problems}")
        return inv
    return build


def numbers_of(frame):
    return list(frame["number"])


def row(inv, number, node):
    """The stored row of `number` at `node` as a dict."""
    rows = inv.store.rows("select * exclude (extra) from numbers where number = $n and node = $node",
                          {"n": number, "node": node})
    return rows[0] if rows else None


def records(frame, *columns):
    """Rows of `frame` as tuples of `columns`, pandas' missing values as None."""
    picked = frame[list(columns)].astype(object)
    return [tuple(None if v is None or v != v else v for v in values) for values in picked.values]


# Timing varies on a shared 2-core machine; property tests judge behaviour, not speed.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("numkit", deadline=None)
_hypothesis_settings.load_profile("numkit")


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory):
    """The sample inventory built once per test session into a temporary file."""
    from numkit.sample import build_sample
    return build_sample(tmp_path_factory.mktemp("sample") / "sample.duckdb")


@pytest.fixture
def database(sample_file, tmp_path):
    """A copy of the sample inventory that the test may change."""
    copy = tmp_path / "inventory.duckdb"
    shutil.copy(sample_file, copy)
    return copy
