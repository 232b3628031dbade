"""Numbers held for people who left, by person: who, deleted when, how many numbers and
where, with each person's rows under them (docs/rules.md R22). Usernames group without
regard to case (R3), as the flags they come from do."""

import pandas as pd

from .display import html_grouped_table

COLUMNS = ["reserved_for", "category", "deleted_at", "days_since_deleted", "numbers", "nodes"]
# the columns of a person's rows under their line: who and when are said once, above them
ROW_COLUMNS = ["number", "node", "status", "effective_status", "reservation_notes"]
# A page shows this many people, each with at most this many rows; the CSV files hold all.
PEOPLE_SHOWN = 50
ROWS_PER_PERSON = 20


def _person(reserved_for):
    return reserved_for.str.lower()


def leavers_by_user(deleted):
    """One line per person the rows of `deleted` (deleted_user_reservations) are held for,
    in the order of their first row there (people deleted longest ago first, then those
    never onboarded): the username as first written, category, deletion date and days
    since, how many numbers, and the nodes they sit at (`; ` between paths)."""
    if deleted.empty:
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in zip(
            COLUMNS, [object, object, "datetime64[ns]", "Int64", "int64", object])})
    grouped = deleted.groupby(_person(deleted["reserved_for"]), sort=False)
    frame = grouped.agg(reserved_for=("reserved_for", "first"), category=("category", "first"),
                        deleted_at=("deleted_at", "first"),
                        days_since_deleted=("days_since_deleted", "first"),
                        numbers=("number", "size"),
                        nodes=("node", lambda nodes: "; ".join(dict.fromkeys(nodes))))
    frame["days_since_deleted"] = frame["days_since_deleted"].astype("Int64")
    return frame[COLUMNS].reset_index(drop=True)


def heading(person, where, nodes=None):
    """A person's line above their rows: `u.okafor · deleted 2026-09-24, 60 days ago · 3
    numbers at Cust-1, Site-A (Cust-1)`. `where`: the paths of their rows' nodes; `nodes`:
    {path: short name}."""
    if person["category"] == "deleted":
        when = f"deleted {pd.Timestamp(person['deleted_at']):%Y-%m-%d}"
        days = person["days_since_deleted"]
        if not pd.isna(days):
            when += f", {int(days)} day{'s' if days != 1 else ''} ago"
    else:
        when = "never onboarded"
    names = nodes or {}
    places = ", ".join(names.get(node, node) for node in dict.fromkeys(where))
    count = int(person["numbers"])
    return f"{person['reserved_for']} · {when} · {count} number{'s' if count != 1 else ''} at {places}"


def grouped_html(deleted, leavers, nodes=None, people=None, rows=None):
    """The rows of `deleted` as one table, grouped under each person of `leavers` (its
    first `people`, each with their first `rows` rows; by default PEOPLE_SHOWN and
    ROWS_PER_PERSON); returns (HTML, how many people and how many rows it leaves out)."""
    people = PEOPLE_SHOWN if people is None else people
    rows = ROWS_PER_PERSON if rows is None else rows
    key = _person(deleted["reserved_for"])
    shown = leavers.head(people)
    groups = []
    for _, person in shown.iterrows():
        labels = list(deleted.index[key == person["reserved_for"].lower()])
        groups.append((heading(person, deleted.loc[labels, "node"], nodes), labels[:rows]))
    kept = [label for _, labels in groups for label in labels]
    table = html_grouped_table(deleted.loc[kept, ROW_COLUMNS], groups, nodes)
    return table, len(leavers) - len(shown), len(deleted) - len(kept)
