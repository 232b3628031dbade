"""Who is this user: active, deleted (when) or never onboarded; their node; the numbers they
use and those reserved for them, and which of those their node sees; the next numbers they
would be given there."""

from ..arguments import clean_username
from ..errors import UnknownUser
from .assignable import candidate_lines, candidates
from .words import (ACTIVE, DELETED, Answer, NodeNames, People, at_or_above, counted, plain,
                    record)

# How many next numbers `numkit user` shows; `numkit next` shows any count
FEW = 3

LINE_COLUMNS = ("number", "node", "status", "effective_status", "release_date", "reserved_for",
                "used_by", "reservation_notes", "visible_from_node", "distance", "why")

# Why the next numbers are those of that node
THEIR_NODE, WHERE_THEY_WERE = "their node", "where they were"
SEES_ALL = "sees all their reservations"


def about_user(inv, username, few=FEW):
    """Everything numkit knows of `username` (compared without regard to case); UnknownUser
    when numkit knows nothing of them: not active, never deleted, named on no row."""
    username = clean_username(username)
    names = NodeNames(inv.nodes())
    people = People(inv, names)
    who = people(username)
    node = who["node"] if who["node"] and names.exists(who["node"]) else None
    lines = inv.user_numbers(username, node)
    if who["state"] not in (ACTIVE, DELETED) and lines.empty:
        raise UnknownUser(f"no user {username!r}: not active, never deleted, and no number "
                          "is reserved for or used by them")
    used = [record(line, LINE_COLUMNS) for line in lines[lines["holds"]].itertuples(index=False)]
    reserved = [record(line, LINE_COLUMNS)
                for line in lines[lines["reserved"]].itertuples(index=False)]
    spelled = who["username"] if who["state"] in (ACTIVE, DELETED) else _spelling(
        username, reserved, used)
    given_at = _given_at(who, node, reserved)
    facts = {"username": spelled, "as_of": plain(inv.as_of), "state": who["state"],
             "node": who["node"], "deleted_at": who["deleted_at"], "used": used,
             "reserved": reserved, "next": None}
    if given_at is not None:
        facts["next"] = {"node": given_at[0], "because": given_at[1],
                         **candidates(inv, username, given_at[0], few)}
    return Answer(facts, _lines(facts, who, node, names, people))


def _spelling(username, reserved, used):
    """A never-onboarded user's name as the rows spell it."""
    for line, field in [*((line, "reserved_for") for line in reserved),
                        *((line, "used_by") for line in used)]:
        if line[field] and line[field].lower() == username.lower():
            return line[field]
    return username


def _given_at(who, node, reserved):
    """(node, why that node) where the user's next numbers are judged, or None: their node,
    where they were when deleted, or, for someone never onboarded, the one node that sees
    all their reservations (R8) when there is one."""
    if node is not None:
        return node, THEIR_NODE if who["state"] == ACTIVE else WHERE_THEY_WERE
    if who["state"] in (ACTIVE, DELETED) or not reserved:
        return None
    deepest = max((line["node"] for line in reserved), key=lambda path: path.count("."))
    if all(at_or_above(line["node"], deepest) for line in reserved):
        return deepest, SEES_ALL
    return None


def _lines(facts, who, node, names, people):
    name = facts["username"]
    lines = [f"user {name}, as of {facts['as_of']}: {people.state_words(who)}"]
    if who["state"] == ACTIVE:
        lines.append(f"node: {names(node)}, {node}")
        where = "their node"
    elif who["node"]:
        gone = "" if node else ", no longer in the hierarchy"
        lines.append(f"node: none now; was at {names(who['node'])}, {who['node']}{gone}")
        where = "where they were" if node else None
    else:
        lines.append("node: none")
        where = None
    lines.append(f"uses {counted(len(facts['used']), 'number', 'numbers')}:" if facts["used"]
                 else "uses no number")
    for line in facts["used"]:
        lines.append(f"  {line['number']} at {names(line['node'])}: "
                     f"{line['effective_status']} today{_seen(line, where)}")
    reserved = facts["reserved"]
    if not reserved:
        lines.append("reserved for them: none")
    else:
        seen = sum(bool(line["visible_from_node"]) for line in reserved)
        from_there = ""
        if where and len(reserved) == 1:
            from_there = f", {'seen' if seen else 'not seen'} from {where}"
        elif where:
            from_there = f", {'all' if seen == len(reserved) else seen} of them seen from {where}"
        lines.append(f"reserved for them: {counted(len(reserved), 'number', 'numbers')}"
                     f"{from_there}:")
        for line in reserved:
            used_by = ""
            if line["used_by"]:
                used_by = (", used by them" if line["used_by"].lower() == name.lower()
                           else f", used by {line['used_by']}")
            lines.append(f"  {line['number']} at {names(line['node'])}: "
                         f"{line['effective_status']} today{used_by}{_seen(line, where)}")
    lines += _next_lines(facts, who, names, reserved)
    return lines


def _seen(line, where):
    if where is None or line["visible_from_node"] is None:
        return ""
    if line["visible_from_node"]:
        return f"; seen from {where}"
    return f"; not seen from {where} (stranded: out of their reach)"


def _next_lines(facts, who, names, reserved):
    given = facts["next"]
    if given is None:
        if who["state"] in (ACTIVE, DELETED):
            return ["next numbers: none to judge: their node is no longer in the hierarchy"]
        if reserved:
            places = ", ".join(sorted({names(line["node"]) for line in reserved}))
            return [f"no one node sees all their reservations (at {places}): "
                    "`numkit next` says what they would get at a node"]
        return ["no node to judge their next numbers from: "
                "`numkit next` says what they would get at a node"]
    where = names(given["node"])
    if given["because"] == SEES_ALL:
        lines = [f"all their reservations are seen from {where}"]
        whose = f"they would get if onboarded at {where}"
    elif given["because"] == WHERE_THEY_WERE:
        lines, whose = [], f"they would get if onboarded again at {where}"
    else:
        lines, whose = [], f"they would get at {where}"
    return lines + candidate_lines(given, names, whose, None)
