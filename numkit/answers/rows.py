"""A number's rows, as facts and in words: shared by `why` and `number`."""

from .words import below_in_order, plain, record, release_words, seen_from_words, status_words

ROW_COLUMNS = ("node", "status", "effective_status", "stuck", "release_date", "reserved_for",
               "used_by", "usage", "reservation_notes", "description")


def row_facts(row, people):
    """A row of Inventory.number_rows as plain facts: its columns, who its Reserved For and
    Used By name (each {username, state, node, deleted_at}, or None), and where it is seen
    from (R8)."""
    facts = record(row, ROW_COLUMNS)
    facts["reserved_for_person"] = people(facts["reserved_for"])
    facts["used_by_person"] = people(facts["used_by"])
    facts["seen_from"] = {"node": facts["node"], "nodes_below": plain(row.nodes_below),
                          "below_by_type": below_in_order(row.below_by_type)}
    return facts


def row_lines(facts, names, people):
    """The row's facts in words, one a line: status, release date, Reserved For, Used By,
    notes, where it is seen from."""
    lines = [status_words(facts)]
    release = release_words(facts)
    if release:
        lines.append(release)
    lines.append(f"reserved for {people.words(facts['reserved_for'])}")
    lines.append(f"used by {people.words(facts['used_by'])}")
    if facts["reservation_notes"]:
        lines.append(f"reservation notes: {facts['reservation_notes']}")
    seen = facts["seen_from"]
    lines.append(seen_from_words(names(facts["node"]), seen["nodes_below"], seen["below_by_type"]))
    return lines


def rows_of_number(inv, number, people):
    """(the canonical number, the facts of every row holding it); UnknownNumber when none."""
    rows = inv.number_rows(number)
    return rows["number"].iloc[0], [row_facts(row, people) for row in rows.itertuples(index=False)]
