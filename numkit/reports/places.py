"""The report's summary per customer and per site: how many rows of each problem lie there.

A problem row is counted where its number sits (its node), a user without a number where
the user sits; a node is placed by its customer and its site (`Inventory.node_places`: the
nearest Site at or above it). Numbers above any site (a customer's own, an intermediate
node's) count for their customer, and on a line of their own among the sites."""

import pandas as pd

# (count column, report table): each problem the summary counts, in the page's order
PROBLEMS = (
    ("held_for_leavers", "deleted_user_reservations"),
    ("stuck_cooling", "stuck_cooling"),
    ("stranded", "stranded_reservations"),
    ("used_out_of_sight", "used_out_of_sight"),
    ("inactive_reservations", "inactive_reservations"),
    ("users_without_numbers", "users_without_numbers"),
)
COUNTS = [column for column, _ in PROBLEMS]
SHARE = ["total", "share_available", "alert"]


def problem_counts(tables, places, by):
    """{count column: Series of counts by `by` ("customer" or "site")} of the problem rows."""
    located = places.set_index("node")[by]
    counted = {}
    for column, name in PROBLEMS:
        nodes = tables[name]["node"]
        counted[column] = nodes.map(located).fillna("").value_counts()
    return counted


def _with_share(frame, key, utilization):
    """`frame` with the node `key` names' total, share available and alert."""
    usage = utilization.set_index("node")[SHARE]
    return frame.join(usage, on=key).astype({"total": "Int64"})


def by_customer(tables, places, utilization):
    """One line per customer (and one without a customer when rows lie outside every
    customer): the count of each problem, then the customer's numbers, share available and
    alert (R25)."""
    counted = problem_counts(tables, places, "customer")
    customers = sorted(set(places["customer"].dropna()))
    outside = any("" in counts.index for counts in counted.values())
    keys = customers + ([""] if outside else [])
    frame = pd.DataFrame({"customer": pd.Series(keys, dtype=object)})
    for column in COUNTS:
        frame[column] = pd.Series([int(counted[column].get(key, 0)) for key in keys], dtype="int64")
    frame = _with_share(frame, "customer", utilization)
    frame["customer"] = frame["customer"].astype(object).where(frame["customer"] != "", None)
    return frame.reset_index(drop=True)


def by_site(tables, places, utilization):
    """One line per site with something to act on (a problem row, or its share below the
    alert), in customer then site order, with its customer; numbers of a customer held
    above its sites make a line of their own, without a site."""
    counted = problem_counts(tables, places, "site")
    site_customer = places.dropna(subset=["site"]).drop_duplicates("site").set_index("site")["customer"]
    # the rows above every site, per customer: a second count by both
    above = places[places["site"].isna()].set_index("node")["customer"].fillna("")
    lines = []
    for site, customer in site_customer.items():
        lines.append({"customer": customer, "site": site,
                      **{column: int(counted[column].get(site, 0)) for column in COUNTS}})
    # each table's rows placed once: placed per customer, a million rows took half a minute
    above_counts = {column: tables[name]["node"].map(above).value_counts()
                    for column, name in PROBLEMS}
    for customer in sorted(set(above)):
        line = {"customer": customer or None, "site": None}
        for column in COUNTS:
            line[column] = int(above_counts[column].get(customer, 0))
        lines.append(line)
    frame = pd.DataFrame(lines, columns=["customer", "site", *COUNTS]).astype(
        {"customer": object, "site": object, **dict.fromkeys(COUNTS, "int64")})
    frame = _with_share(frame, "site", utilization)
    acting = (frame[COUNTS].sum(axis=1) > 0) | frame["alert"].eq(True)
    frame = frame[acting]
    order = frame.assign(_customer=frame["customer"].fillna(""),
                         _above=frame["site"].isna(), _site=frame["site"].fillna(""))
    order = order.sort_values(["_customer", "_above", "_site"], kind="stable")
    frame = frame.loc[order.index].reset_index(drop=True)
    for column in ("customer", "site"):     # no node: None, as the API answers it
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def sites_counted(places):
    """How many sites the hierarchy has."""
    return int(places["site"].dropna().nunique())
