"""What is this number: its rows, where each is seen from, who holds or is owed it, its
history across the snapshots and the changes made to it in numkit."""

from .history import event_facts, event_lines, history, history_lines
from .rows import row_lines, rows_of_number
from .words import Answer, NodeNames, People, counted, plain


def about_number(inv, number):
    """Everything numkit knows of `number` (UnknownNumber when no row holds it)."""
    names = NodeNames(inv.nodes())
    people = People(inv, names)
    number, rows = rows_of_number(inv, number, people)
    snapshots = inv.snapshots()
    changes = history(inv.number_versions(number), snapshots)
    events = event_facts(inv.events(number=number))
    facts = {"number": number, "as_of": plain(inv.as_of), "rows": rows,
             "snapshots": {"count": len(snapshots),
                           "first": plain(snapshots["as_of"].min()) if len(snapshots) else None,
                           "last": plain(snapshots["as_of"].max()) if len(snapshots) else None},
             "history": changes, "events": events}
    lines = [f"number {number}, as of {facts['as_of']}: {counted(len(rows), 'row', 'rows')}"]
    for row in rows:
        lines.append(f"row at {names(row['node'])}, {row['node']}:")
        lines.extend(f"  {line}" for line in row_lines(row, names, people))
    lines += history_lines(changes, snapshots, names)
    lines += event_lines(events, names)
    return Answer(facts, lines)
