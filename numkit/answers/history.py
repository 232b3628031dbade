"""A number's past: each change across the loaded snapshots (rules R36), and each change
made to it in numkit (its events, R12)."""

import json

from .words import plain, record

# The columns a version or an event may change, in the order a change names them
FIELDS = ("status", "reserved_for", "used_by", "release_date", "usage", "reservation_notes",
          "description", "extra")
FIELD_WORDS = {"node": "node", "status": "status", "reserved_for": "reserved for",
               "used_by": "used by", "release_date": "release date", "usage": "usage",
               "reservation_notes": "reservation notes", "description": "description",
               "extra": "other columns"}
PEOPLE_FIELDS = {"reserved_for", "used_by"}

# What became of a row between two snapshots
FIRST_SEEN, APPEARED, CHANGED, GONE, BACK = "first_seen", "appeared", "changed", "gone", "back"
CHANGE_WORDS = {FIRST_SEEN: "first seen", APPEARED: "new", GONE: "gone from the export",
                BACK: "back"}


def history(versions, snapshots):
    """The changes of a number's rows over the snapshots, oldest first: {"load_id", "as_of",
    "node", "change" (first_seen in the first snapshot, appeared later, changed, gone, back
    after a gap), "row" (its columns, for a row seen anew) or "fields" ({field: {"before",
    "after"}}, for a change)}. `versions`: Inventory.number_versions; `snapshots`:
    Inventory.snapshots."""
    first_load = plain(snapshots["load_id"].min()) if len(snapshots) else None
    changes = []
    columns = ("node", "from_load", "from_as_of", "to_load", "to_as_of", *FIELDS)
    for _, versions_at_node in versions.groupby("node", sort=True):
        previous = None
        for version in versions_at_node.sort_values("from_load").itertuples(index=False):
            now = record(version, columns)
            if previous is None:
                first = now["from_load"] == first_load
                changes.append(_seen(now, FIRST_SEEN if first else APPEARED))
            elif previous["to_load"] != now["from_load"]:
                changes += [_gone(previous), _seen(now, BACK)]
            else:
                changes.append({**_when(now), "change": CHANGED,
                                "fields": differences(previous, now, FIELDS)})
            previous = now
        if previous is not None and previous["to_load"] is not None:
            changes.append(_gone(previous))
    return sorted(changes, key=lambda change: (change["load_id"], change["node"],
                                               change["change"] != GONE))


def _when(version):
    return {"load_id": version["from_load"], "as_of": version["from_as_of"],
            "node": version["node"]}


def _seen(version, change):
    return {**_when(version), "change": change,
            "row": {field: version[field] for field in FIELDS}}


def _gone(version):
    return {"load_id": version["to_load"], "as_of": version["to_as_of"],
            "node": version["node"], "change": GONE}


def differences(before, after, fields):
    """{field: {"before", "after"}} of the fields whose values differ."""
    return {field: {"before": before.get(field), "after": after.get(field)}
            for field in fields if before.get(field) != after.get(field)}


def value_words(field, value):
    if value is None or value == "":
        return "nobody" if field in PEOPLE_FIELDS else "none"
    return str(value)


def fields_words(fields):
    """`status Available → Used, used by nobody → jdoe`."""
    return ", ".join(f"{FIELD_WORDS.get(field, field)} {value_words(field, change['before'])} "
                     f"→ {value_words(field, change['after'])}"
                     for field, change in fields.items())


def row_state_words(row):
    """`Used, used by k.brown, reserved for k.brown`: the row's status and whatever of
    Used By, Reserved For and release date it has."""
    words = [row["status"]]
    for field in ("used_by", "reserved_for", "release_date"):
        if row.get(field):
            words.append(f"{FIELD_WORDS[field]} {row[field]}")
    return ", ".join(words)


def history_lines(changes, snapshots, names):
    """The history in words: a heading, then a line per change."""
    if not len(snapshots):
        return ["history: no snapshot is loaded"]
    dates = snapshots["as_of"]
    heading = (f"history over {len(snapshots)} snapshot{'s' if len(snapshots) > 1 else ''} "
               f"({plain(dates.min())} to {plain(dates.max())}):")
    if not changes:
        return [heading, "  in none of them: the number was added in numkit since"]
    lines = [heading]
    for change in changes:
        when = f"{change['as_of']} (snapshot {change['load_id']}) at {names(change['node'])}"
        if change["change"] == CHANGED:
            lines.append(f"  {when}: {fields_words(change['fields'])}")
        elif change["change"] == GONE:
            lines.append(f"  {when}: {CHANGE_WORDS[GONE]}")
        else:
            lines.append(f"  {when}: {CHANGE_WORDS[change['change']]}: "
                         f"{row_state_words(change['row'])}")
    return lines


# -- events ------------------------------------------------------------------------------

EVENT_FIELDS = ("node", *FIELDS[:-1])


def event_facts(events):
    """The events of Inventory.events(number=...) as plain facts: event_id, at, as_of,
    action, node, username, `actor` when the log records one, and the fields changed
    ({field: {"before", "after"}}; a row added has no before, a row deleted no after)."""
    facts = []
    for event in events.to_dict("records"):
        before, after = _parsed(event["before"]), _parsed(event["after"])
        fact = {column: plain(event[column])
                for column in ("event_id", "at", "as_of", "action", "node", "username")}
        if event.get("actor") is not None:
            fact["actor"] = plain(event["actor"])
        fact["row"] = "added" if before is None else "deleted" if after is None else "changed"
        fact["fields"] = differences(before or {}, after or {}, EVENT_FIELDS)
        facts.append(fact)
    return facts


def _parsed(text):
    if text is None or (isinstance(text, float) and text != text):
        return None
    value = json.loads(text) if isinstance(text, str) else text
    return {field: (None if item == "" else item) for field, item in value.items()}


def event_lines(events, names):
    if not events:
        return ["events: none (no change made in numkit has touched it)"]
    lines = [f"events: {len(events)}"]
    for event in events:
        at = str(event["at"]).replace("T", " ")[:16]
        by = f" by {event['actor']}" if event.get("actor") else ""
        user = f", user {event['username']}" if event["username"] else ""
        if event["row"] == "added":
            changed = "row added: " + row_state_words(
                {field: change["after"] for field, change in event["fields"].items()})
        elif event["row"] == "deleted":
            changed = "row deleted"
        else:
            changed = fields_words(event["fields"])
        lines.append(f"  {at} (as of {event['as_of']}){by}: {event['action'].replace('_', ' ')} "
                     f"at {names(event['node'])}{user}: {changed}")
    return lines
