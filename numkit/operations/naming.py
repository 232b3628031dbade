"""Naming rows: which rows an operation's numbers and node mean."""

from ..errors import AmbiguousNumber, UnknownNumber
from ..numbering import number_positions, parse_numbers


def name_rows(inv, numbers, node=None):
    """(rows, numbers without a row), rows in number order.

    Without `node` every number must have a single row in the whole inventory. A single
    number without a row, or a list or range of which none has a row, is UnknownNumber.
    """
    wanted, single = parse_numbers(numbers)
    if node is not None:
        node = inv.require_node(node)
    rows = inv.rows_of(wanted, node)
    by_number = {}
    for row in rows:
        by_number.setdefault(row["number"], []).append(row)
    place = number_positions(by_number)
    if node is None:
        ambiguous = sorted((n for n, found in by_number.items() if len(found) > 1), key=place.get)
        if ambiguous:
            nodes = ", ".join(row["node"] for row in by_number[ambiguous[0]])
            raise AmbiguousNumber(f"number {ambiguous[0]} has rows at several nodes ({nodes}); "
                                  "name the node")
    missing = [n for n in wanted if n not in by_number]
    where = f" at {node}" if node is not None else ""
    if single and missing:
        raise UnknownNumber(f"no row holds number {missing[0]}{where}")
    if len(missing) == len(wanted):
        raise UnknownNumber(f"none of the {len(wanted)} numbers has a row{where}")
    return sorted(rows, key=lambda r: place[r["number"]]), missing
