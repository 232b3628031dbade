"""The periodic cleanup reports, as one bundle of tables."""

REPORTS = ("deleted_user_reservations", "stuck_cooling", "stranded_reservations",
           "node_utilization")


def report_tables(inv, older_than_days=0):
    """{report name: DataFrame} for every report."""
    return {
        "deleted_user_reservations": inv.deleted_user_reservations(older_than_days),
        "stuck_cooling": inv.stuck_cooling(),
        "stranded_reservations": inv.stranded_reservations(),
        "node_utilization": inv.utilization(),
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
    ]
