"""Number text: canonical form, order, and the one/list/range arguments operations take."""

import re
from functools import lru_cache

from .errors import InvalidOperation
from .rulebook import canonical_numbers, in_number_order

_RANGE = re.compile(r"(\S+?)\s*-\s*(\S+)")


def canonical_number(raw):
    """`\\+44 20 7946 0123` -> `+442079460123`; None when it is not a number (the rule is
    SQL's canonical_number(), sql/00_functions/canonical_number.sql)."""
    return _canonical(str(raw))


# Asking DuckDB costs about a millisecond a call, more than the rest of parsing an
# operation's arguments; the same few texts come back call after call (an analyst's
# numbers, a test's), and the rule holds no state, so each answer is kept.
@lru_cache(maxsize=4096)
def _canonical(text):
    return canonical_numbers([text])[0]


def number_positions(numbers):
    """number -> its place in number order among `numbers` (the order is SQL's
    number_sort_key), a key for sorting anything that names them."""
    return {number: place for place, number in enumerate(in_number_order(list(numbers)))}


def _require(raw):
    number = canonical_number(raw)
    if number is None:
        raise InvalidOperation(f"not a number: {raw!r}")
    return number


def expand_range(start, end):
    """The numbers from start to end, written with the start's width and its `+`."""
    first, last = _require(start), _require(end)
    plus = "+" if first.startswith("+") else ""
    width = len(first.lstrip("+"))
    low, high = int(first.lstrip("+")), int(last.lstrip("+"))
    if high < low:
        raise InvalidOperation(f"range {start}-{end} ends before it starts")
    if high - low >= 1_000_000:
        raise InvalidOperation(f"range {start}-{end} holds more than a million numbers")
    return [f"{plus}{value:0{width}d}" for value in range(low, high + 1)]


def parse_numbers(numbers):
    """(list of canonical numbers, whether a single number was given)."""
    if isinstance(numbers, tuple) and len(numbers) == 2:
        return expand_range(*numbers), False
    if isinstance(numbers, str):
        match = _RANGE.fullmatch(numbers.strip())
        if match and canonical_number(numbers) is None:
            return expand_range(match.group(1), match.group(2)), False
        return [_require(numbers)], True
    if isinstance(numbers, int) and not isinstance(numbers, bool):
        return [_require(str(numbers))], True
    texts = [str(n) for n in numbers]
    result = canonical_numbers(texts)
    for text, number in zip(texts, result):
        if number is None:
            raise InvalidOperation(f"not a number: {text!r}")
    if not result:
        raise InvalidOperation("no numbers given")
    return list(dict.fromkeys(result)), False


def single_number(number):
    numbers, single = parse_numbers(number)
    if not single:
        raise InvalidOperation(f"one number expected, not {number!r}")
    return numbers[0]
