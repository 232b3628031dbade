"""History as versions, weekly loads writing only the changes (rules R36,
"History and weekly loads").

A random series of weekly exports (rows changed, moved between nodes, removed and coming
back, users leaving, moving and returning, nodes added and dropped, decisions made in numkit
between loads) is loaded twice: week by week as numkit does (each load after the first writes
only the changes), and with every load rewriting everything. Both must leave the same
inventory, and the history must give back each week exactly as a whole copy of it would:
each snapshot the rows of its export, each diff the one a comparison of whole copies gives.
"""

import datetime as dt
import json
import random
from collections import Counter

import pandas as pd
import pytest

import numkit
from numkit import weekly as demo_weeks
from numkit.loading import changed_lines, lines
from numkit.loading import load as loading

from conftest import PROV

WEEKS = 7
SEEDS = range(3)
FIRST_WEEK = dt.date(2026, 6, 1)
STATUSES = ["Available", "Used", "Reserved", "Cooling", "Inactive"]
CUSTOMERS = ["Cust-1", "Cust-2"]
NUMBER_HEADERS = ["Internal Number", "Located At", "Status", "Usage", "Reserved For", "Used By",
                  "Release Date", "Reservation Notes", "Description"]

# What a snapshot held, compared by whole copies: the definition of snapshot_changes before
# history was kept as versions, run on two copies.
CHANGES_OF_COPIES = """
with paired as (
    select coalesce(later.number, earlier.number) as number,
           coalesce(later.node, earlier.node) as node,
           earlier.number is null as added, later.number is null as removed,
           earlier.status as status_before, later.status as status_after,
           earlier.reserved_for as flag_before, later.reserved_for as flag_after,
           earlier.used_by as used_by_before, later.used_by as used_by_after
    from earlier_rows as earlier
    full join later_rows as later on later.number = earlier.number and later.node = earlier.node
),
users_earlier as (select lower(username) as user_key, username, node from earlier_users),
users_later as (select lower(username) as user_key, username, node from later_users)
select 'number_added' as change, number, node, null as username, null as before, status_after as after
from paired where added
union all select 'number_removed', number, node, null, status_before, null from paired where removed
union all select 'status_changed', number, node, null, status_before, status_after
from paired where not added and not removed and status_before <> status_after
union all
select case when flag_before is null then 'reserved_for_set'
            when flag_after is null then 'reserved_for_cleared' else 'reserved_for_changed' end,
       number, node, coalesce(flag_after, flag_before), flag_before, flag_after
from paired where not removed and lower(flag_before) is distinct from lower(flag_after)
                  and not (added and flag_after is null)
union all
select 'used_by_changed', number, node, coalesce(used_by_after, used_by_before), used_by_before,
       used_by_after
from paired where not added and not removed
                  and lower(used_by_before) is distinct from lower(used_by_after)
union all
select 'user_onboarded', null, node, username, null, node from users_later
where user_key not in (select user_key from users_earlier)
union all
select 'user_deleted', null, node, username, node, null from users_earlier
where user_key not in (select user_key from users_later)
union all
select 'user_moved', null, users_later.node, users_later.username, users_earlier.node, users_later.node
from users_later join users_earlier on users_earlier.user_key = users_later.user_key
where users_earlier.node <> users_later.node
"""

ROW_COLUMNS = ("number, node, status, usage, reserved_for, used_by, release_date, "
               "reservation_notes, description, extra::varchar")
NODE_COLUMNS = "node, parent, type, name"


class Series:
    """A random weekly series of exports over a small hierarchy."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.sites = {f"{PROV}.{customer}.Site-{i}" for customer in CUSTOMERS for i in range(3)}
        self.rows = {}                  # (number, node) -> the other cells
        self.gone = {}                  # rows removed, some of which come back
        self.users = {}                 # lower(username) -> (username, node)
        self.left = {}
        for i in range(12):
            self.users[f"user{i}"] = (f"user{i}", self.rng.choice(sorted(self.sites)))
        for i in range(60):
            self.rows[self.new_row(i)] = self.cells()
        self.tidy()

    def new_row(self, i):
        node = self.rng.choice(sorted(self.sites | {f"{PROV}.{c}" for c in CUSTOMERS}))
        return (str(1000 + i) if i % 7 else f"+4411349{60000 + i}", node)

    def cells(self):
        status = self.rng.choice(STATUSES)
        users = sorted(self.users) or ["nobody"]
        return {"Status": status,
                "Usage": self.rng.choice(["", "Device", "Line"]),
                "Reserved For": self.rng.choice(["", "", "", self.rng.choice(users), "Leaver.X"]),
                "Used By": self.rng.choice(users) if status == "Used" else "",
                "Release Date": (self.rng.choice(["", "2026-07-01", "2026-09-15"])
                                 if status in ("Reserved", "Cooling") else ""),
                "Reservation Notes": self.rng.choice(["", "kept for a returner", "Ticket 12"]),
                "Description": self.rng.choice(["", "Reception", "Lab"])}

    def next_week(self, week):
        rng = self.rng
        keys = sorted(self.rows)
        for key in rng.sample(keys, k=len(keys) // 6):              # changed in place
            cells = dict(self.rows[key])
            column = rng.choice(["Status", "Reserved For", "Used By", "Description", "Usage",
                                 "Reservation Notes", "Release Date"])
            filled = {"Status": "Used", "Reserved For": "Leaver.X", "Used By": "user1",
                      "Description": "Front desk", "Usage": "Line",
                      "Reservation Notes": "Ticket 9", "Release Date": "2026-08-01"}
            cells[column] = self.cells()[column] if cells[column] else filled[column]
            self.rows[key] = cells
        for key in rng.sample(sorted(self.rows), k=3):                # moved to another node
            number, _ = key
            node = rng.choice(sorted(self.sites))
            if (number, node) not in self.rows:
                self.rows[(number, node)] = self.rows.pop(key)
        for key in rng.sample(sorted(self.rows), k=2):                # removed
            self.gone[key] = self.rows.pop(key)
        for key in rng.sample(sorted(self.gone), k=min(1, len(self.gone))):   # back again
            if key[1] in self.sites or "Site" not in key[1]:
                self.rows[key] = self.gone.pop(key)
        for i in range(2):                                            # a new range
            key = self.new_row(100 * week + i)
            self.rows.setdefault(key, self.cells())
        if week % 3 == 0:                                             # a new site
            site = f"{PROV}.{rng.choice(CUSTOMERS)}.Site-{week}"
            self.sites.add(site)
            self.rows[(str(7000 + week), site)] = self.cells()
        if week % 4 == 0:                                             # a site goes
            site = rng.choice(sorted(self.sites))
            self.sites.discard(site)
            self.rows = {key: cells for key, cells in self.rows.items() if key[1] != site}
            self.users = {key: (name, node) for key, (name, node) in self.users.items()
                          if node != site}
        for key in rng.sample(sorted(self.users), k=min(2, len(self.users))):   # leavers
            self.left[key] = self.users.pop(key)
        for key in rng.sample(sorted(self.left), k=min(1, len(self.left))):     # returners
            name, _ = self.left.pop(key)
            self.users[key] = (name, rng.choice(sorted(self.sites)))
        for key in rng.sample(sorted(self.users), k=min(2, len(self.users))):   # movers
            name, _ = self.users[key]
            self.users[key] = (name, rng.choice(sorted(self.sites)))
        self.users[f"new{week}"] = (f"New{week}", rng.choice(sorted(self.sites)))
        self.tidy()

    def tidy(self):
        """What VOSS would not export: a number used by no active user, or used by one and
        reserved for another."""
        for cells in self.rows.values():
            used = cells["Used By"]
            if cells["Status"] != "Used" or (used and used.lower() not in self.users):
                cells["Used By"] = used = ""
            if cells["Status"] == "Used" and not used:
                cells["Status"] = "Available"
            if used and cells["Reserved For"] and cells["Reserved For"].lower() != used.lower():
                cells["Reserved For"] = ""

    def write(self, folder, week):
        folder.mkdir(parents=True, exist_ok=True)
        numbers = pd.DataFrame([{"Internal Number": number, "Located At": node, **cells}
                                for (number, node), cells in self.rows.items()],
                               columns=NUMBER_HEADERS)
        numbers = numbers.sample(frac=1, random_state=week)   # any order an export comes in
        numbers.to_csv(folder / "numbers.csv", index=False)
        pd.DataFrame(sorted(self.users.values()), columns=["Username", "Located At"]).to_csv(
            folder / "users.csv", index=False)
        pd.DataFrame([(site, "Site") for site in sorted(self.sites)], columns=["Hierarchy", "Type"]
                     ).to_csv(folder / "hierarchy.csv", index=False)
        return folder


def load(inv, folder, week):
    return inv.load(folder / "numbers.csv", users=folder / "users.csv",
                    hierarchy=folder / "hierarchy.csv", as_of=FIRST_WEEK + dt.timedelta(weeks=week))


def recorded(write, calls, name):
    """`write` (one of the load's two ways of writing), noting in `calls` that it ran."""
    def writing(*args, **kwargs):
        calls.append(name)
        return write(*args, **kwargs)
    return writing


def decide(inv, rng):
    """Decisions made in numkit between loads (pending at the next): the same on both."""
    site = rng.choice(sorted(inv.sql("select node from nodes where node like '%Site-%'")["node"]))
    try:
        inv.onboard(f"starter{rng.randrange(99)}", site)
    except numkit.NumkitError:
        pass
    free = inv.available_numbers("someone", site)
    if len(free):
        inv.reserve_for(free["number"].iloc[0], "returner", node=free["node"].iloc[0])


def state(inv):
    """What a load leaves, node ids aside (a weekly load keeps them, a full one numbers
    them afresh): rows, users, nodes, deletions, reconciliations, pending changes."""
    def rows(sql):
        return sorted(map(tuple, inv.sql(sql).astype(str).values))
    return {"numbers": rows(f"select {ROW_COLUMNS} from numbers"),
            "users": rows("select username, node, extra::varchar from users"),
            "nodes": rows("select node, parent, type, name from nodes"),
            "deleted": rows("select username, node, deleted_at, load_id from deleted_users"),
            "reconciled": rows("select load_id, kind, number, node, lower(username), field, "
                               "outcome from reconciliations"),
            "pending": rows("select kind, number, node, field, voss_value, numkit_value "
                            "from pending_changes")}


def history(inv, loads):
    """Each snapshot's rows, users and nodes, and every diff, read from the history."""
    rows = {load: sorted(map(tuple, inv.sql(f"select {ROW_COLUMNS} from numbers_at({load})")
                             .astype(str).values)) for load in loads}
    users = {load: sorted(map(tuple, inv.sql(f"select username, node from users_at({load})")
                              .astype(str).values)) for load in loads}
    nodes = {load: sorted(map(tuple, inv.sql(f"select {NODE_COLUMNS} from nodes_at({load})")
                              .astype(str).values)) for load in loads}
    diffs = {(a, b): sorted(map(tuple, inv.sql(f"select * from snapshot_changes({a}, {b})")
                                .astype(str).values)) for a in loads for b in loads if a != b}
    return rows, users, nodes, diffs


@pytest.mark.parametrize("read", ["changed lines", "whole file"])
@pytest.mark.parametrize("seed", SEEDS)
def test_weekly_loads_leave_what_full_loads_leave_and_the_history_gives_each_week_back(
        seed, read, tmp_path, monkeypatch):
    """Both ways a weekly load reads its export: only the lines that changed (their rows
    found by their lines' hashes), or the whole file (when the lines cannot be paired with
    the rows, rules R36), each writing only the rows that changed."""
    series = Series(seed)
    weekly = numkit.connect(tmp_path / "weekly.duckdb")
    full = numkit.connect(tmp_path / "full.duckdb")
    copies = {}                 # each week's export loaded alone: a whole copy of it
    for week in range(WEEKS):
        if week:
            series.next_week(week)
        folder = series.write(tmp_path / f"week{week}", week)
        written = []
        with monkeypatch.context() as how:
            if read == "whole file":
                how.setattr(changed_lines, "usable", lambda con, facts, basis: False)
            for name in ("_write_changes", "_write_all"):
                how.setattr(loading, name, recorded(getattr(loading, name), written, name))
            report = load(weekly, folder, week)
        assert (report.changed_lines is not None) == (week > 0 and read == "changed lines"), \
            f"week {week}"
        # either way, a load into a database holding a snapshot writes only the changes
        assert written == ["_write_all" if week == 0 else "_write_changes"], f"week {week}"
        with monkeypatch.context() as forced:
            # every row written again, as when the file's header changes (load.row_order)
            forced.setattr(lines, "rewrite_due", lambda con, source: True)
            assert load(full, folder, week).load_id == report.load_id
        assert state(weekly) == state(full), f"week {week}"
        assert weekly.check().empty and full.check().empty
        copies[report.load_id] = whole_copy(tmp_path / f"copy{week}.duckdb",
                                            lambda alone: load(alone, folder, week))
        rng = random.Random(seed * 100 + week)
        decide(weekly, rng)
        decide(full, random.Random(seed * 100 + week))
    rows = history_is_the_copies(weekly, full, copies)
    # history grows with the changes: fewer versions than rows over all the snapshots
    kept = weekly.sql("select count(*) as n from number_versions")["n"][0]
    assert kept < sum(len(week_rows) for week_rows in rows.values()) / 2
    weekly.close()
    full.close()


def test_the_demo_generator_s_weeks_loaded_weekly_give_each_week_back(tmp_path, monkeypatch):
    """`numkit demo --weeks`'s series (numkit.weekly: leavers, moves, new ranges, removals,
    returns, releases, onboardings), each week loaded into one database writing only its
    changes and into one rewriting every row: the same inventory, and every snapshot and
    every diff as whole copies of the weeks give them."""
    folder = tmp_path / "week"
    weekly = numkit.connect(tmp_path / "weekly.duckdb")
    full = numkit.connect(tmp_path / "full.duckdb")
    copies, made = {}, Counter()
    for week, changes in enumerate(demo_weeks.weeks(folder, 5, numbers=600, sites=6, seed=3,
                                                    churn=0.05)):
        made.update({kind: count for kind, count in changes.items() if isinstance(count, int)})
        as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])

        def load_week(inv):
            return inv.load(folder / "numbers.csv", users=folder / "users.csv",
                            hierarchy=folder / "hierarchy.csv", as_of=as_of, allow_future=True)
        report = load_week(weekly)
        assert (report.changed_lines is not None) == (week > 0), f"week {week}"
        with monkeypatch.context() as forced:
            forced.setattr(lines, "rewrite_due", lambda con, source: True)
            assert load_week(full).load_id == report.load_id
        assert state(weekly) == state(full), f"week {week}"
        assert weekly.check().empty
        copies[report.load_id] = whole_copy(tmp_path / f"copy{week}.duckdb", load_week)
    history_is_the_copies(weekly, full, copies)
    # the series moved rows between nodes, removed numbers and brought some back
    assert made["rows_moved"] and made["removals"] and made["returns"] and made["leavers"]
    weekly.close()
    full.close()


def whole_copy(path, load_into):
    """A week's export loaded alone (`load_into` a new database at `path`): its rows, users
    and nodes as a whole copy holds them."""
    with numkit.connect(path) as alone:
        load_into(alone)
        return (alone.sql(f"select {ROW_COLUMNS} from numbers_at(1)"),
                alone.sql("select username, node from users_at(1)"),
                alone.sql(f"select {NODE_COLUMNS} from nodes_at(1)"))


def history_is_the_copies(weekly, full, copies):
    """The history of `weekly` (and of `full`, the same) gives back every snapshot as its
    whole copy (`copies`: {load_id: whole_copy}) and every diff as CHANGES_OF_COPIES run on
    two copies. Returns each snapshot's rows."""
    loads = weekly.snapshots()["load_id"].tolist()
    assert loads == sorted(copies)
    rows, users, nodes, diffs = history(weekly, loads)
    assert history(full, loads) == (rows, users, nodes, diffs)
    con = weekly.con
    for load_id, (copy_rows, copy_users, copy_nodes) in copies.items():
        assert rows[load_id] == sorted(map(tuple, copy_rows.astype(str).values)), load_id
        assert users[load_id] == sorted(map(tuple, copy_users.astype(str).values)), load_id
        assert nodes[load_id] == sorted(map(tuple, copy_nodes.astype(str).values)), load_id
    for (a, b), diff in diffs.items():
        for name, frame in (("earlier_rows", copies[a][0]), ("later_rows", copies[b][0]),
                            ("earlier_users", copies[a][1]), ("later_users", copies[b][1])):
            con.register(name, frame)
        expected = sorted(map(tuple, con.execute(CHANGES_OF_COPIES).df().astype(str).values))
        assert diff == expected, (a, b)
    return rows


def test_a_weekly_load_writes_only_the_rows_that_changed(tmp_path):
    """A weekly load writes only the rows that changed: the rows it keeps unchanged stay
    where they lie, in their order; the inventory's row of a changed one is deleted, and
    the snapshot's changed and new rows are appended after all the others, in node order; the indexes are built again."""
    series = Series(11)
    inv = numkit.connect(tmp_path / "inv.duckdb")
    load(inv, series.write(tmp_path / "week0", 0), 0)
    in_place = "select number || '@' || node as key, node_id, number_order from numbers order by rowid"
    before = inv.sql(in_place)
    series.next_week(1)
    load(inv, series.write(tmp_path / "week1", 1), 1)
    after = inv.sql(in_place)
    changed = {key for (key,) in inv.sql("select number || '@' || node from number_versions "
                                         "where from_load = 2").values}
    new = changed - set(before["key"])
    updated = changed & set(before["key"])
    assert new and updated and set(before["key"]) - changed
    kept = [key for key in before["key"] if key not in changed and key in set(after["key"])]
    assert after["key"].tolist()[:len(kept)] == kept
    appended = after.iloc[len(kept):]
    assert set(appended["key"]) == changed & set(after["key"]) and len(appended) == len(changed)
    assert appended["node_id"].is_monotonic_increasing
    assert len(inv.sql("select index_name from duckdb_indexes()")) == 3
    inv.close()


def test_forgetting_a_weekly_load_gives_back_the_week_before(tmp_path):
    series = Series(13)
    inv = numkit.connect(tmp_path / "inv.duckdb")
    load(inv, series.write(tmp_path / "week0", 0), 0)
    before = state(inv)
    versions = inv.sql("select * from number_versions order by all").astype(str).values.tolist()
    series.next_week(1)
    load(inv, series.write(tmp_path / "week1", 1), 1)
    assert state(inv) != before
    inv.forget_latest_snapshot()
    assert state(inv) == before
    assert inv.sql("select * from number_versions order by all").astype(str).values.tolist() == versions
    assert inv.check().empty
    inv.close()
