"""May this user have this number at this node, and why not (rules R10); which numbers would
they get next there (R9)."""

from ..arguments import clean_username, row_limit
from ..codes import BY_NUMBER, REASON_WORDS
from .rows import row_lines, rows_of_number
from .words import Answer, NodeNames, People, counted, plain

CANDIDATE_ORDER_WORDS = {
    BY_NUMBER: "their own reserved numbers first, then in number order",
    "nearest": "their own reserved numbers first, then the node's own before those above it",
}


def why(inv, number, username, node):
    """Whether `username` at `node` may get `number`, the why-not code (R10) and the facts
    behind it: the row seen from the node, or where the number's rows are seen from."""
    username = clean_username(username)
    node = inv.require_node(node)
    names = NodeNames(inv.nodes())
    people = People(inv, names)
    number, rows = rows_of_number(inv, number, people)
    reason = inv.why_not(number, username, node)
    seen = set(inv.rows_seen_from(node, [number])["node"])
    seen_row = next((row for row in rows if row["node"] in seen), None)
    who = people(username)
    facts = {"number": number, "username": who["username"], "node": node,
             "as_of": plain(inv.as_of), "may_get": reason is None, "reason": reason,
             "reason_words": REASON_WORDS.get(reason), "user": who, "seen_row": seen_row,
             "rows": rows}
    verdict = "may get" if reason is None else "may not get"
    lines = [f"{'yes' if reason is None else 'no'}: {who['username']} at {names(node)} "
             f"{verdict} {number}, as of {facts['as_of']}"]
    if reason:
        lines.append(f"reason ({reason}): {REASON_WORDS[reason]}")
    lines.append(f"{who['username']}: {people.subject_words(who)}")
    if seen_row is not None:
        lines.append(f"the row seen from {names(node)} is at {names(seen_row['node'])}:")
        lines.extend(f"  {line}" for line in row_lines(seen_row, names, people))
    else:
        lines.append(f"its row, not seen from {names(node)}:" if len(rows) == 1
                     else f"its {len(rows)} rows, none seen from {names(node)}:")
        for row in rows:
            lines.append(f"  at {names(row['node'])}: {row_lines(row, names, people)[-1]}")
    return Answer(facts, lines)


def next_numbers(inv, username, node, count=5):
    """The first `count` numbers `username` at `node` would get, best first (R9)."""
    username = clean_username(username)
    count = row_limit(count)
    node = inv.require_node(node)
    names = NodeNames(inv.nodes())
    people = People(inv, names)
    who = people(username)
    order = inv.settings["candidate_order"]
    facts = {"username": who["username"], "node": node, "as_of": plain(inv.as_of),
             "user": who, **candidates(inv, username, node, count), "candidate_order": order}
    lines = [f"{who['username']}: {people.subject_words(who)}"]
    lines.extend(candidate_lines(facts, names, f"{who['username']} would get at {names(node)}, "
                                                f"as of {facts['as_of']}", order))
    return Answer(facts, lines)


def candidates(inv, username, node, count):
    """{"numbers": the first `count` candidates (position, number, node, distance,
    reserved_for_user), "more": whether there are others after them}."""
    found = inv.available_numbers(username, node, limit=count + 1)
    columns = ("position", "number", "node", "distance", "reserved_for_user")
    numbers = [{column: plain(getattr(row, column)) for column in columns}
               for row in found.head(count).itertuples(index=False)]
    return {"numbers": numbers, "more": len(found) > count}


def candidate_lines(facts, names, whose, order):
    """The candidates in words: a line saying whose they are and in which order, then one
    line each."""
    numbers = facts["numbers"]
    if not numbers:
        return [f"no number {whose}: none is available"]
    how = f" ({CANDIDATE_ORDER_WORDS.get(order, order)})" if order else ""
    if facts["more"]:
        heading = f"the next {counted(len(numbers), 'number', 'numbers')} {whose}{how}:"
    else:
        heading = (f"all {counted(len(numbers), 'number', 'numbers')} {whose}{how}:"
                   if len(numbers) > 1 else f"the only number {whose}:")
    lines = [heading]
    for candidate in numbers:
        mine = ", reserved for them" if candidate["reserved_for_user"] else ""
        lines.append(f"  {candidate['position']}. {candidate['number']} "
                     f"at {names(candidate['node'])}{mine}")
    if facts["more"]:
        lines.append("  and more after them")
    return lines
