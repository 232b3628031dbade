"""The periodic cleanup reports, as one bundle of tables."""

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
           "node_utilization", "snapshot_changes")


def report_tables(inv, older_than_days=0):
    """{report name: DataFrame} for every report."""
    return {
        "deleted_user_reservations": inv.deleted_user_reservations(older_than_days),
        "stuck_cooling": inv.stuck_cooling(),
        "stranded_reservations": inv.stranded_reservations(),
        "node_utilization": inv.utilization(),
        "snapshot_changes": inv.snapshot_changes(),
    }


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
    ]
