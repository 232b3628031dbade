"""check(): the invariants as data tests (rules R26; one number, one path, rules R6)."""

import pytest

from conftest import SITE_A, SITE_B, SITE_C


@pytest.fixture
def make_inventory(built_inventory):
    """The rules are under test here, not the loader: the rows go straight into the tables."""
    return built_inventory


def test_sound_inventory_has_no_violations(inv):
    assert inv.check().empty


@pytest.mark.parametrize("breakage, invariant", [
    ("update numbers set used_by = 'ghost' where number = '3001'", "used_by_not_active"),
    ("update numbers set status = 'Available' where number = '3001'", "used_by_without_used_status"),
    ("update numbers set reserved_for = 'bob' where number = '3001'", "used_and_reserved_for_other"),
    (f"insert into numbers (number, node, status) values ('2003', '{SITE_C}', 'Available')",
     "number_not_unique_on_path"),
    (f"insert into numbers (number, node, status) values ('2002', '{SITE_B}', 'Available')",
     "number_not_unique_on_path"),
    ("insert into numbers (number, node, status) values ('5', 'elsewhere', 'Available')", "unknown_node"),
    ("update numbers set status = 'Broken' where number = '2002'", "unknown_status"),
    ("update numbers set number = '\\+2002' where number = '2002'", "non_canonical_number"),
    ("insert into users (username, node) values ('zed', 'nowhere')", "user_unknown_node"),
    (f"insert into users (username, node) values ('ALICE', '{SITE_A}')", "duplicate_active_user"),
])
def test_each_invariant_is_detected(inv, breakage, invariant):
    inv.con.execute(breakage)
    assert invariant in set(inv.check()["invariant"])
