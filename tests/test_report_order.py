"""The order of the leavers' report (docs/rules.md#r22-deleted-users-reservations):
deleted users' rows before never-onboarded users', the longest gone first, rows of the same
age in number order and then by node. The view sorts by the deletion date for this order;
these tests pin the order it promises, not how it gets there."""

import datetime as dt

from conftest import AS_OF, HIERARCHY, SITE_A, SITE_D

HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"

# Numbers chosen so that no simpler order gives the promised one: the user gone longest
# (bob) holds the highest numbers, the never-onboarded (ghost) the lowest, and bob's 1001
# is at two nodes.
NUMBERS = HEADER + f"""\
500,{SITE_A},Available,ghost,,
9001,{SITE_D},Available,bob,,
9001,{SITE_A},Available,bob,,
+8001,{SITE_A},Available,bob,,
8001,{SITE_A},Available,bob,,
7001,{SITE_A},Available,alice,,
0700,{SITE_A},Available,alice,,
700,{SITE_A},Available,alice,,
400,{SITE_A},Available,Ghost,,
600,{SITE_A},Available,carol,,
"""

USERS = f"""\
Username,Located At
alice,{SITE_A}
bob,{SITE_A}
carol,{SITE_A}
"""


def leavers(make_inventory):
    """bob deleted first, alice three days later; carol stays; ghost was never active."""
    inv = make_inventory(numbers=NUMBERS, users=USERS, hierarchy=HIERARCHY)
    inv.delete_user("bob")
    inv.as_of = AS_OF + dt.timedelta(days=3)
    inv.delete_user("alice")
    inv.as_of = AS_OF + dt.timedelta(days=10)
    return inv


def test_longest_gone_first_then_never_onboarded(make_inventory):
    report = leavers(make_inventory).deleted_user_reservations()
    assert list(zip(report["number"], report["node"], report["category"],
                    report["days_since_deleted"].fillna(-1).astype(int))) == [
        ("8001", SITE_A, "deleted", 10),
        ("+8001", SITE_A, "deleted", 10),
        ("9001", SITE_A, "deleted", 10),
        ("9001", SITE_D, "deleted", 10),
        ("0700", SITE_A, "deleted", 7),
        ("700", SITE_A, "deleted", 7),
        ("7001", SITE_A, "deleted", 7),
        ("400", SITE_A, "never_onboarded", -1),
        ("500", SITE_A, "never_onboarded", -1),
    ]


def test_a_second_deletion_dates_the_person(make_inventory):
    """Deleted, onboarded again and deleted again: the latest deletion says how long ago,
    and so where the person's rows come."""
    inv = leavers(make_inventory)
    inv.onboard("bob", SITE_A)
    inv.delete_user("bob")          # on AS_OF + 10: now the most recent leaver
    inv.as_of = AS_OF + dt.timedelta(days=12)
    report = inv.deleted_user_reservations()
    assert list(report["reserved_for"]) == ["alice"] * 3 + ["bob"] * 4 + ["Ghost", "ghost"]
    assert list(report["days_since_deleted"].dropna().astype(int)) == [9] * 3 + [2] * 4


def test_the_age_filter_keeps_the_order(make_inventory):
    report = leavers(make_inventory).deleted_user_reservations(older_than_days=8)
    assert list(report["number"]) == ["8001", "+8001", "9001", "9001", "400", "500"]
