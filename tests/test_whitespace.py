"""One idea of whitespace everywhere: what a load trims from cells and strips from numbers is
what the API strips from its arguments (Python's str.isspace())."""

import sys

import pytest

import numkit
from numkit.numbering import canonical_number

from conftest import SITE_A, write


def test_the_sql_class_is_pythons_whitespace(inv):
    matched = {row[0] for row in inv.con.execute(
        "select i from (select range as i from range(0, 55296) "       # not the surrogates
        "               union all select range from range(57344, $top)) "
        "where regexp_full_match(chr(i::integer), whitespace())",
        {"top": sys.maxunicode + 1}).fetchall()}
    python = {i for i in range(sys.maxunicode + 1) if chr(i).isspace()}
    assert matched == python


@pytest.mark.parametrize("raw", ["+44 20\u00a07946\t0123", "\\+44\u200320\u30007946 0123",
                                 "+4420\x0b79460123"])
def test_numbers_lose_the_same_whitespace_in_sql_and_python(inv, raw):
    assert inv.store.scalar("select canonical_number($raw)", {"raw": raw}) == canonical_number(raw) \
        == "+442079460123"


def test_a_load_trims_every_kind_of_whitespace_around_cells(make_inventory, tmp_path):
    numbers = ("Internal Number,Located At,Status,Reserved For,Used By\n"
               f"\u00a01001\t,{SITE_A},Used\t,,alice\t\n"
               f"1002,{SITE_A},\tAvailable,\u2003bob\u3000,\n"
               f"5\u00a05,{SITE_A},Available,,\n")
    inv = make_inventory(numbers=numbers, users=f"Username,Located At\n alice\t,{SITE_A}\n")
    assert inv.sql("select username from users")["username"].tolist() == ["alice"]
    rows = inv.store.rows("select number, status, reserved_for, used_by from numbers order by number")
    assert rows == [
        {"number": "1001", "status": "Used", "reserved_for": None, "used_by": "alice"},
        {"number": "1002", "status": "Available", "reserved_for": "bob", "used_by": None},
        {"number": "55", "status": "Available", "reserved_for": None, "used_by": None}]
    with pytest.raises(numkit.UserExists):     # the same user as the API sees it
        inv.onboard("alice", SITE_A)
    assert inv.onboard("bob", SITE_A) == ["1002"]    # bob's reservation, found as bob's
    assert inv.why_not("5\u00a05", "carol", SITE_A) is None
    assert inv.check().empty
