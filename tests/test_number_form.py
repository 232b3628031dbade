"""What a number is: canonical form, order, ranges (rules R2)."""

import pytest
from hypothesis import given, settings, strategies as st

import numkit
from numkit.numbering import canonical_number, expand_range, number_positions, parse_numbers

from conftest import SITE_A, SITE_B, CUST1


@pytest.mark.parametrize("raw, canonical", [
    ("\\+442079460123", "+442079460123"),
    ("+442079460123", "+442079460123"),
    (" 1001 ", "1001"),
    ("+44 20 7946 0123", "+442079460123"),
    ("0100", "0100"),
])
def test_canonical_form(raw, canonical):
    assert canonical_number(raw) == canonical


@pytest.mark.parametrize("raw", ["", "+", "12a", "1-2", "++1", "\\\\+1", "1" * 31])
def test_not_a_number(raw):
    assert canonical_number(raw) is None


def test_number_order():
    numbers = ["1000", "+1001", "100", "999", "1001", "0100"]
    place = number_positions(numbers)
    assert sorted(numbers, key=place.get) == ["0100", "100", "999", "1000", "1001", "+1001"]


MEMORY = numkit.connect()


@settings(deadline=None)
@given(st.text(alphabet="0123456789+\\ \t", max_size=12))
def test_sql_and_python_canonical_forms_agree(raw):
    inv = MEMORY
    in_sql = inv.store.scalar("select case when regexp_full_match(canonical_number($r), '\\+?[0-9]{1,30}') "
                              "then canonical_number($r) end", {"r": raw})
    assert in_sql == canonical_number(raw)


def test_candidates_follow_number_order(make_inventory):
    rows = "".join(f"{n},{SITE_A},Available,,,\n" for n in ["1000", "+1001", "100", "999", "1001", "0100"])
    inv = make_inventory(numbers="Internal Number,Located At,Status,Reserved For,Used By,Release Date\n" + rows,
                         users=None)
    assert list(inv.available_numbers("x", SITE_A)["number"]) == ["0100", "100", "999", "1000", "1001", "+1001"]


def test_load_canonicalises_voss_e164(make_inventory):
    inv = make_inventory(numbers=f"number,node\n\\+442079460123,{SITE_B}\n", users=None)
    assert list(inv.sql("select number from numbers")["number"]) == ["+442079460123"]
    assert inv.why_not("\\+442079460123", "x", SITE_B) is None


def test_range_keeps_width_and_plus():
    assert expand_range("0098", "0101") == ["0098", "0099", "0100", "0101"]
    assert expand_range("+4420", "+4422") == ["+4420", "+4421", "+4422"]


def test_range_forms():
    assert parse_numbers("1000-1002") == (["1000", "1001", "1002"], False)
    assert parse_numbers(("1000", "1002")) == (["1000", "1001", "1002"], False)
    assert parse_numbers(["1000", "\\+1"]) == (["1000", "+1"], False)
    assert parse_numbers("1000") == (["1000"], True)


def test_range_backwards_is_refused():
    with pytest.raises(numkit.InvalidOperation):
        parse_numbers("1002-1000")


def test_not_a_number_argument_is_refused(inv):
    with pytest.raises(numkit.InvalidOperation, match="not a number"):
        inv.why_not("12ab", "u", CUST1)


@pytest.mark.parametrize("numbers", ["1000-1001", ["1000", "1001"], ("1000", "1001")])
def test_why_not_takes_one_number(inv, numbers):
    with pytest.raises(numkit.InvalidOperation, match="one number expected"):
        inv.why_not(numbers, "u", CUST1)
