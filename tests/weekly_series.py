"""Inventories loaded several times, one export per snapshot date: the history that trends
and run-out forecasts read (docs/rules.md R34, R35)."""

import datetime as dt
import random

import numkit

from conftest import CUST1, CUST2, HIERARCHY, SITE_A, SITE_B, SITE_D, write

START = dt.date(2026, 9, 7)
HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def csv_rows(rows):
    """Numbers CSV text from (number, node, status, release_date or None) tuples."""
    return HEADER + "".join(f"{number},{node},{status},,,{release or ''}\n"
                            for number, node, status, release in rows)


def load_series(folder, snapshots, hierarchy=HIERARCHY, path=":memory:"):
    """An inventory that loaded each (as_of, numbers rows) in turn, oldest first."""
    inv = numkit.connect(path)
    for week, (as_of, rows) in enumerate(snapshots):
        inv.as_of = as_of
        inv.load(write(folder, f"numbers-{week}.csv", csv_rows(rows)),
                 hierarchy=write(folder, f"hierarchy-{week}.csv", hierarchy), as_of=as_of)
    return inv


def losing_site(weeks, per_week, size=100, node=SITE_B, start=START, days=7):
    """Snapshots `days` apart in which `node` holds `size` numbers and loses exactly
    `per_week` available numbers a week (taken into use), and Site-D stays as it is."""
    snapshots = []
    for week in range(weeks):
        taken = round(per_week * week * days / 7)
        rows = [(f"5{i:03d}", node, "Used" if i < taken else "Available", None)
                for i in range(size)]
        rows += [(f"6{i:03d}", SITE_D, "Used" if i % 2 else "Available", None) for i in range(10)]
        snapshots.append((start + dt.timedelta(days=days * week), rows))
    return snapshots


# Nodes a random series spreads its numbers over: a site that appears later, one below a
# site and the customers themselves too.
SERIES_NODES = [SITE_A, SITE_B, f"{CUST1}.Site-C", CUST1, CUST2, SITE_D, f"{SITE_A}.Lab",
                f"{CUST2}.Site-E"]
STATUSES = ["Available", "Used", "Used-Utility", "Reserved", "Cooling", "Inactive"]


def random_series(seed, weeks=7, numbers=120):
    """Snapshots with the changes of real weeks: numbers taken and freed, moved between
    nodes, dropped and coming back, Reserved and Cooling rows whose release dates fall
    before, between and after the snapshot dates (some long past: stuck cooling), and one
    pair of snapshots three days apart."""
    rng = random.Random(seed)
    dates = [START + dt.timedelta(days=7 * week) for week in range(weeks)]
    dates[-1] = dates[-2] + dt.timedelta(days=3)
    current = {}
    for i in range(numbers):
        current[f"7{i:03d}"] = rng.choice(SERIES_NODES[:6])
    rows_of = {number: _random_row(rng, number, node, dates) for number, node in current.items()}
    snapshots = []
    for as_of in dates:
        for number in list(rows_of):
            roll = rng.random()
            if roll < 0.08:
                rows_of[number] = _random_row(rng, number, rng.choice(SERIES_NODES), dates)
            elif roll < 0.25:
                rows_of[number] = _random_row(rng, number, rows_of[number][1], dates)
        shown = [row for number, row in sorted(rows_of.items()) if rng.random() > 0.05]
        snapshots.append((as_of, shown))
    return snapshots


def _random_row(rng, number, node, dates):
    status = rng.choice(STATUSES)
    release = None
    if status in ("Reserved", "Cooling") and rng.random() < 0.85:
        release = rng.choice(dates) + dt.timedelta(days=rng.randint(-40, 10))
    return (number, node, status, release)


def series_hierarchy():
    """The seed hierarchy with the series' extra site."""
    return HIERARCHY + f"{CUST2}.Site-E,Site\n"

