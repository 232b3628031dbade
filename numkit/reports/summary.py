"""The periodic cleanup reports, as one bundle of tables."""

import pandas as pd

CHANGE_WORDS = {
    "number_added": "number(s) added", "number_removed": "number(s) removed",
    "status_changed": "status change(s)", "reserved_for_set": "Reserved For flag(s) set",
    "reserved_for_cleared": "Reserved For flag(s) cleared",
    "reserved_for_changed": "Reserved For flag(s) changed", "used_by_changed": "Used By change(s)",
    "user_onboarded": "user(s) onboarded",
    "user_deleted": "user(s) deleted", "user_moved": "user(s) moved",
}


def describe_changes(changes):
    """'1 number(s) added, 2 user(s) deleted' (in a fixed order), or 'no changes'."""
    counts = changes["change"].value_counts()
    return ", ".join(f"{counts[change]} {words}" for change, words in CHANGE_WORDS.items()
                     if change in counts) or "no changes"


REPORTS = ("deleted_user_reservations", "stuck_cooling", "stranded_reservations",
           "node_utilization", "snapshot_changes", "not_yet_in_voss", "last_load_conflicts")

# A decision should reach VOSS within the week it was made: older ones are overdue.
OVERDUE_AFTER_DAYS = 7
CHANGE_COLUMNS = ["kind", "number", "node", "username", "field", "voss_value", "numkit_value"]
USER_KINDS = ("user_added", "user_deleted", "user_moved")


def report_tables(inv, older_than_days=0):
    """{report name: DataFrame} for every report."""
    return {
        "deleted_user_reservations": inv.deleted_user_reservations(older_than_days),
        "stuck_cooling": inv.stuck_cooling(),
        "stranded_reservations": inv.stranded_reservations(),
        "node_utilization": inv.utilization(),
        "snapshot_changes": inv.snapshot_changes(),
        "not_yet_in_voss": not_yet_in_voss(inv.pending_changes(), inv.as_of),
        "last_load_conflicts": last_load_conflicts(inv.reconciliations()),
    }


def not_yet_in_voss(pending, as_of):
    """The pending changes decided more than OVERDUE_AFTER_DAYS before `as_of`, oldest
    first, with their age in whole days."""
    decided_on = pending["decided_at"].dt.normalize()
    age = (pd.Timestamp(as_of) - decided_on).dt.days.astype("Int64")
    overdue = pending.assign(age_days=age)[age > OVERDUE_AFTER_DAYS]
    return (overdue.sort_values("decided_at", kind="stable")
            [["age_days", *CHANGE_COLUMNS, "decided_at"]].reset_index(drop=True))


def last_load_conflicts(reconciliations):
    """The changes the last load dropped because VOSS decided otherwise, and why."""
    conflicts = reconciliations[reconciliations["outcome"] == "conflict"]
    return conflicts[[*CHANGE_COLUMNS, "export_value", "reason", "decided_at"]].reset_index(drop=True)


def decisions(changes):
    """How many decisions the change rows are: a number row's fields count once, as does
    each user (as a load's reconciliation counts them)."""
    users = changes["kind"].isin(USER_KINDS)
    return (changes[~users][["number", "node"]].drop_duplicates().shape[0]
            + changes[users]["username"].str.lower().nunique())


def summary(tables):
    """One line per report: how many rows and what stands out."""
    utilization = tables["node_utilization"]
    alerts = utilization[utilization["alert"]]
    deleted = tables["deleted_user_reservations"]
    return [
        f"deleted-user reservations: {len(deleted)} "
        f"({(deleted['category'] == 'deleted').sum()} deleted, "
        f"{(deleted['category'] == 'never_onboarded').sum()} never onboarded)",
        f"stuck cooling: {len(tables['stuck_cooling'])}",
        f"stranded reservations: {len(tables['stranded_reservations'])}",
        f"nodes below the available-share alert: {len(alerts)} of {len(utilization)}"
        + (f" ({', '.join(alerts['node'].head(5))}{', ...' if len(alerts) > 5 else ''})"
           if len(alerts) else ""),
        "since the last snapshot: " + describe_changes(tables["snapshot_changes"]),
        f"decided in numkit over a week ago, not yet in VOSS: {decisions(tables['not_yet_in_voss'])}",
        f"conflicts at the last load: {decisions(tables['last_load_conflicts'])}",
    ]
