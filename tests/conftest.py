"""Inventories built in memory from a few CSV rows; tests tweak them inline."""

import datetime as dt
import shutil
import textwrap

import pytest

import numkit

AS_OF = dt.date(2026, 11, 23)
PROV = "sys.hcs.Prov-1"
CUST1 = f"{PROV}.Cust-1"
CUST2 = f"{PROV}.Cust-2"
SITE_A = f"{CUST1}.Site-A"
SITE_B = f"{CUST1}.Site-B"
SITE_C = f"{CUST1}.Site-C"
SITE_D = f"{CUST2}.Site-D"

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


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def make_inventory(tmp_path):
    """Build an in-memory inventory from CSV texts (numbers, users, hierarchy)."""
    def make(numbers=NUMBERS, users=USERS, hierarchy=HIERARCHY, as_of=AS_OF, path=":memory:"):
        inv = numkit.connect(path)
        inv.as_of = as_of
        inv.load(write(tmp_path, "numbers.csv", numbers),
                 users=None if users is None else write(tmp_path, "users.csv", users),
                 hierarchy=None if hierarchy is None else write(tmp_path, "hierarchy.csv", hierarchy),
                 as_of=as_of)
        return inv
    return make


@pytest.fixture
def inv(make_inventory):
    return make_inventory()


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
