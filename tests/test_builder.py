"""built_inventory (conftest) writes what a load writes, and refuses what it cannot write so."""

import pytest

from conftest import AS_OF, CUST1, SITE_A, SITE_B, BuilderRefused

# Every column the builder takes, a hierarchy with names, paths the hierarchy leaves out.
FULL_NUMBERS = f"""\
Internal Number,Located At,Status,Usage,Reserved For,Used By,Release Date,Reservation Notes,Description
+441001,{SITE_A},Cooling,Line,,,2026-11-01,,a description
0100,{SITE_A},Reserved,,u,,,held for u,
100,{SITE_B}.Annex,Used,Device,Bob,bob,,,
999,{CUST1},Inactive,,,,,,
"""
FULL_USERS = f"""\
Username,Located At
bob,{SITE_B}.Annex
carol,{SITE_B}
"""
FULL_HIERARCHY = f"""\
Hierarchy,Type,Name
{CUST1},Customer,Customer One
{SITE_A},Site,
{SITE_B},Site,Site B
"""
NO_STATUS = f"""\
Internal Number,Located At
1001,{SITE_A}
"""
TABLES = {
    "nodes": "node",
    "numbers": "node_id, number_order, number",
    "users": "username",
    "node_lineage": "node, distance",
    "number_versions": "from_load, node, number",
    "user_versions": "from_load, username",
    "node_versions": "from_load, node",
    "loads": "load_id",
    "events": "event_id",
    "deleted_users": "username",
    "reconciliations": "load_id",
}
# what a load records about its files and its clock, and the hash of each row's line
# (loading/lines.py), which the builder has not
UNLIKE = {"loads": "files, loaded_at", "events": "\"at\", after", "numbers": "line_hash"}


def stored(inv):
    frames = {table: inv.sql(f"select * {'exclude (' + UNLIKE[table] + ')' if table in UNLIKE else ''} "
                             f"from {table} order by {order}").astype(object).values.tolist()
              for table, order in TABLES.items()}
    frames["constants"] = inv.sql("select numkit_snapshot_date(), numkit_latest_load()").values.tolist()
    frames["numbers as stored"] = inv.sql("select number, node from numbers").values.tolist()
    return frames


@pytest.mark.parametrize("texts", [
    {},
    {"numbers": FULL_NUMBERS, "users": FULL_USERS, "hierarchy": FULL_HIERARCHY},
    {"numbers": FULL_NUMBERS, "users": FULL_USERS, "hierarchy": None},
    {"numbers": NO_STATUS, "users": None},
], ids=["seed", "every column", "no hierarchy", "no users nor status"])
def test_the_builder_writes_what_a_load_writes(loaded_inventory, built_inventory, texts):
    assert stored(built_inventory(**texts)) == stored(loaded_inventory(**texts))


@pytest.mark.parametrize("numbers", [
    f"Internal Number,Located At,Status\n\\+441001,{SITE_A},Available\n",     # VOSS's \+
    f"Internal Number,Located At,Status\n1001,{SITE_A},available\n",          # a status to spell
    f"Internal Number,Located At,Status\n1001 ,{SITE_A},Available\n",         # a space to trim
    f"Internal Number,Located At,Colour\n1001,{SITE_A},red\n",                # an extra column
    f"Internal Number,Located At,Used By\n1001,{SITE_A},nobody\n",            # an unknown user
    f"Internal Number,Located At\n1001,{SITE_A}\n1001,{CUST1}\n",             # twice on a path
], ids=["voss plus", "status spelling", "space", "extra column", "unknown user", "twice on a path"])
def test_the_builder_refuses_rows_a_load_would_change_or_refuse(built_inventory, numbers):
    with pytest.raises(BuilderRefused):
        built_inventory(numbers=numbers, users=None)


def test_the_builder_is_as_of_its_date(built_inventory):
    assert built_inventory().as_of == AS_OF
