"""Weekly exports of the demo inventory: a series of snapshots a week apart, each changing a
given share of the number rows as a real inventory changes from week to week.

The series starts from ``demo.draw``'s inventory (week 0, the usual demo export, byte for
byte) and each week applies, to rows not changed yet that week:

- leavers: users who hold numbers leave the users file; each of their numbers goes Cooling
  with a release date a few weeks on, or back to Available keeping a Reserved For flag;
- moves: a user moves to another site of their customer; some of their site numbers move
  with them (the row leaves the old site's node for the new one), the others go Cooling;
- new ranges: a block of new numbers, Available, at a site;
- removals: Available or Inactive numbers, flagged for nobody, leave the export;
- returns: numbers removed in an earlier week come back, Available, where they were;
- cleanup: analysts acting on numkit's cleanup report (docs/rules.md R21 to R23): the
  Reserved For flags held for a leaver gone at least CLEANUP_HOLD_DAYS are cleared, up to the
  kind's share, as `numkit cleanup` clears them (the flag alone: status and notes as they
  were), the longest gone first; then stuck cooling is released, undated rows first, then
  the oldest date. Without it a year of leavers leaves hundreds of thousands of numbers held
  for nobody, as no team that reads the report would;
- releases: every Cooling row whose release date VOSS's daily expiry job reached during the
  week (it looks back 20 days, docs/rules.md R23) becomes Available, as the job makes it;
  then, up to the kind's share, other Cooling and Reserved rows whose release date has
  passed (an analyst releasing stuck cooling, a reservation ending). The job's rows may
  take the week's changes left but ONBOARDINGS_KEPT of the onboardings' share: week 0's
  backlog of due rows would otherwise leave no onboardings for weeks;
- onboardings: Available site numbers become Used by a new user, added at that site.

A row changed is a row of the week before that is gone or differs (a moved row counts once)
or a row that is new; each week changes exactly round(churn * rows) of them, the kinds
taking the shares of CHANGE_SHARES and onboardings the rest. Everything is drawn with array
operations from a generator seeded from the seed, so a series is reproducible and a week of
10 million numbers is written in seconds.

``Series`` yields the weeks one at a time (a benchmark loads each and deletes it before the
next); ``write_series`` writes a whole series as one folder that ``numkit load --dir``
replays, its ``manifest.json`` naming each week's files and recording how it was made;
``write_earlier_weeks`` gives the bundled sample weeks before its latest snapshot.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import demo

DAYS_APART = 7
DEFAULT_CHURN = 0.01
MAX_CHURN = 0.5
# A second stream of the seed: week 0 is demo.draw's, the weeks after are this one's.
SERIES_STREAM = 17
# The share of each week's changed rows taken by each kind; onboardings take what is left
# (also what a kind could not use: too few candidates in a small inventory).
# cleanup goes before releases: the expiry job may take all the week's changes but the
# onboardings' kept part, and the analysts' cleanup is not the job's to take.
CHANGE_SHARES = {"leavers": 0.20, "moves": 0.15, "new_ranges": 0.10, "removals": 0.05,
                 "returns": 0.05, "cleanup": 0.10, "releases": 0.15}
KINDS = (*CHANGE_SHARES, "onboardings")
# Of the onboardings' share (what CHANGE_SHARES leave), the part the expiry job's releases
# may not take: people join every week, whatever VOSS's job has to release.
ONBOARDINGS_KEPT = 0.5
LEAVER_COOLING_SHARE = 0.6          # of a leaver's numbers; the rest keep a flag
MOVED_WITH_USER_SHARE = 0.5         # of a mover's site numbers; the rest go Cooling
COOLING_DAYS = (14, 60)             # a leaver's or mover's number cools for this long
EXPIRY_LOOK_BACK_DAYS = 20          # VOSS's cooling-expiry job (rules R23)
CLEANUP_HOLD_DAYS = 28              # a leaver's numbers are held at least this long
NEVER_LEFT = np.iinfo(np.int64).max
RANGE_SIZE = (10, 100)
NEW_RANGE_BLOCK = 1000              # new ranges start on a whole thousand, like real DIDs
# demo.draw's arrays with a value per number row (the others are per site or customer)
ROW_ARRAYS = ("kind", "site", "customer", "node", "value", "status", "used_by",
              "reserved_for", "lower_reserved_for", "note", "days", "dated", "usage",
              "description", "planted")


def kept_for_onboardings(budget):
    """Of a week's `budget` of changed rows, how many the expiry job's releases leave to
    onboardings (ONBOARDINGS_KEPT of their share)."""
    return round(budget * (1 - sum(CHANGE_SHARES.values())) * ONBOARDINGS_KEPT)


class Series:
    """A demo inventory and its weeks. ``write(folder)`` writes the current week's numbers,
    users and hierarchy; ``advance()`` moves to the next week and returns its changes."""

    def __init__(self, numbers=400, sites=6, seed=1, churn=DEFAULT_CHURN, as_of=demo.AS_OF):
        if not 0 < churn <= MAX_CHURN:
            raise ValueError(f"churn must be more than 0 and at most {MAX_CHURN}, not {churn}")
        self.as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        self.base_as_of = self.as_of
        self.numbers, self.sites, self.seed, self.churn = numbers, sites, seed, churn
        self.tree, self.rows, self.people = demo.draw(numbers, sites, seed)
        self.week = 0
        self.rng = np.random.default_rng([seed, SERIES_STREAM])
        rows, people = self.rows, self.people
        self.present = np.ones(rows["n"], bool)
        self.active = demo.PRESENCE[people["role"], -1].copy()
        # the people of the planted rule examples never leave nor move
        self.fixed = np.zeros(len(people["role"]), bool)
        for who in (rows["used_by"][rows["planted"]], rows["reserved_for"][rows["planted"]]):
            self.fixed[who[who >= 0]] = True
        self.fixed[people["seed_user"]] = True
        self.left_day = _days_left(people["role"])
        self.new_users = 0
        self.next_value = _first_new_value(rows)

    # -- writing -----------------------------------------------------------------------

    def write_base(self, out):
        """Week 0 as `numkit demo` writes it (its earlier users snapshots and manifest too)."""
        if self.week:
            raise ValueError(f"write_base writes week 0; this series is at week {self.week}")
        return demo._write(Path(out), self.tree, self.rows, self.people, self.as_of)

    def write(self, folder, numbers="numbers.csv", users="users.csv", hierarchy="hierarchy.csv",
              manifest=True):
        """Write this week's files into `folder` (names relative to it; hierarchy=None
        leaves it out) and, unless `manifest` is false, a manifest.json dating them."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if hierarchy:
            demo._write_hierarchy(self.tree, folder / hierarchy)
        kept = np.flatnonzero(self.present)
        rows = {key: value[kept] if key in ROW_ARRAYS else value
                for key, value in self.rows.items()}
        rows["n"] = len(kept)
        (folder / numbers).parent.mkdir(parents=True, exist_ok=True)
        demo._write_numbers(rows, self.tree, self.people["name"], self.base_as_of,
                            folder / numbers)
        who = np.flatnonzero(self.active)
        who = who[np.argsort(self.people["site"][who], kind="stable")]
        (folder / users).parent.mkdir(parents=True, exist_ok=True)
        demo._write_users(self.tree, self.people["name"].take(who), self.people["site"][who],
                          folder / users)
        if manifest:
            _write_json(folder / "manifest.json", {"as_of": self.as_of.isoformat(), "history": []})
        return folder

    def recipe(self):
        """How the series was made: every argument that reproduces it."""
        return {"seed": self.seed, "numbers": self.numbers, "sites": self.sites,
                "churn": self.churn, "days_apart": DAYS_APART,
                "first_as_of": self.base_as_of.isoformat(), "change_shares": CHANGE_SHARES}

    # -- a week's changes --------------------------------------------------------------

    def advance(self):
        """Move to the next week: apply its changes; return their counts (rows per kind,
        people per kind, the rows before, the rows changed)."""
        rng, rows = self.rng, self.rows
        self.week += 1
        self.as_of += dt.timedelta(days=DAYS_APART)
        before = int(self.present.sum())
        budget = round(self.churn * before)
        self.touched = np.zeros(rows["n"], bool)
        counts = {"week": self.week, "as_of": self.as_of.isoformat(), "rows_before": before}
        left = budget
        onboardings_kept = kept_for_onboardings(budget)
        for kind, share in CHANGE_SHARES.items():
            wanted = round(budget * share)
            if kind == "releases":      # the expiry job releases all it reaches, whatever the share
                wanted = max(wanted, min(len(self._reached_by_expiry_job()),
                                         left - onboardings_kept))
            wanted = min(left, wanted)
            done = getattr(self, "_" + kind)(wanted, rng, counts)
            counts[kind] = done
            left -= done
        counts["onboardings"] = self._onboardings(left, rng, counts)
        counts["rows_changed"] = int(self.touched.sum())
        counts["rows_after"] = int(self.present.sum())
        return counts

    @property
    def _days(self):
        """This week's date in days from week 0's (release dates are kept so)."""
        return (self.as_of - self.base_as_of).days

    def _free(self):
        """Rows that may change this week: present, not a planted rule example, not yet changed."""
        return self.present & ~self.rows["planted"] & ~self.touched

    def _held_counts(self, at):
        """Per person, how many rows of `at` (a row mask) they are Used By."""
        used_by = self.rows["used_by"][at]
        return np.bincount(used_by[used_by >= 0], minlength=len(self.active))

    def _people_within(self, candidates, rows_each, wanted, rng):
        """Candidates in a random order, as many as hold at most `wanted` rows between them."""
        chosen = candidates[rng.permutation(len(candidates))]
        total = np.cumsum(rows_each[chosen])
        return chosen[:np.searchsorted(total, wanted, side="right")]

    def _cool(self, at, rng):
        rows = self.rows
        rows["status"][at] = demo.COOLING
        rows["dated"][at] = True
        rows["days"][at] = self._days + rng.integers(*COOLING_DAYS, size=len(at))
        self._clear_use(at)

    def _clear_use(self, at):
        rows = self.rows
        rows["used_by"][at] = -1
        rows["usage"][at] = demo.NO_USAGE
        rows["description"][at] = 0
        self.touched[at] = True

    def _leavers(self, wanted, rng, counts):
        rows = self.rows
        free = self._free()
        held = self._held_counts(free)
        # a leaver takes all their numbers with them: none of them may be changed already
        blocked = self._held_counts(self.present & ~free)
        candidates = np.flatnonzero(self.active & ~self.fixed & (held > 0) & (blocked == 0))
        leavers = self._people_within(candidates, held, wanted, rng)
        at = np.flatnonzero(free & np.isin(rows["used_by"], leavers))
        cooling = rng.random(len(at)) < LEAVER_COOLING_SHARE
        flagged = at[~cooling]
        rows["status"][flagged] = demo.AVAILABLE
        rows["reserved_for"][flagged] = rows["used_by"][flagged]
        rows["lower_reserved_for"][flagged] = False
        rows["note"][flagged] = demo.NOTES.index("Leaver - hold for manager")
        rows["dated"][flagged] = False
        self._clear_use(flagged)
        self._cool(at[cooling], rng)
        self.active[leavers] = False
        self.left_day[leavers] = self._days
        counts["leaving_users"] = len(leavers)
        return len(at)

    def _moves(self, wanted, rng, counts):
        rows, tree, people = self.rows, self.tree, self.people
        free = self._free()
        site_rows = free & (rows["site"] >= 0)
        held = self._held_counts(site_rows)
        blocked = self._held_counts(self.present & (rows["site"] >= 0) & ~free)
        customer = tree["site_customer"][people["site"]]
        movable = self.active & ~self.fixed & (held > 0) & (blocked == 0) & (
            tree["customer_sites_n"][customer] > 1)
        movers = self._people_within(np.flatnonzero(movable), held, wanted, rng)
        # another site of the same customer: the customer's numbers stay visible
        sites_n = tree["customer_sites_n"][customer[movers]]
        first = tree["customer_first_site"][customer[movers]]
        step = 1 + (rng.random(len(movers)) * (sites_n - 1)).astype(np.int64)
        new_site = first + (people["site"][movers] - first + step) % sites_n
        destination = np.full(len(self.active), -1)
        destination[movers] = new_site
        at = np.flatnonzero(site_rows & np.isin(rows["used_by"], movers))
        moving = rng.random(len(at)) < MOVED_WITH_USER_SHARE
        moved = at[moving]
        rows["site"][moved] = destination[rows["used_by"][moved]]
        rows["node"][moved] = rows["site"][moved]
        self.touched[moved] = True
        self._cool(at[~moving], rng)
        people["site"][movers] = new_site
        counts["moving_users"] = len(movers)
        counts["rows_moved"] = len(moved)
        return len(at)

    def _new_ranges(self, wanted, rng, counts):
        ranges = []
        while wanted > 0:
            size = min(wanted, int(rng.integers(RANGE_SIZE[0], RANGE_SIZE[1] + 1)))
            ranges.append((int(rng.integers(len(self.tree["sites"]))), size))
            wanted -= size
        added = sum(size for _, size in ranges)
        if not added:
            counts["ranges_added"] = 0
            return 0
        site = np.concatenate([np.full(size, s) for s, size in ranges])
        values = []
        for _, size in ranges:
            values.append(self.next_value + np.arange(size))
            self.next_value += -(-size // NEW_RANGE_BLOCK) * NEW_RANGE_BLOCK
        self._append_rows(site, np.concatenate(values))
        counts["ranges_added"] = len(ranges)
        return added

    def _append_rows(self, site, value):
        count = _append_site_rows(self.rows, self.tree, site, value)
        self.present = np.r_[self.present, np.ones(count, bool)]
        self.touched = np.r_[self.touched, np.ones(count, bool)]

    def _removals(self, wanted, rng, counts):
        rows = self.rows
        candidates = np.flatnonzero(
            self._free() & np.isin(rows["status"], [demo.AVAILABLE, demo.INACTIVE])
            & (rows["reserved_for"] < 0) & (rows["used_by"] < 0))
        gone = rng.choice(candidates, size=min(wanted, len(candidates)), replace=False)
        self.present[gone] = False
        self.touched[gone] = True
        return len(gone)

    def _returns(self, wanted, rng, counts):
        rows = self.rows
        candidates = np.flatnonzero(~self.present & ~self.touched)
        back = rng.choice(candidates, size=min(wanted, len(candidates)), replace=False)
        self.present[back] = True
        rows["status"][back] = demo.AVAILABLE
        rows["dated"][back] = False
        rows["note"][back] = 0
        rows["reserved_for"][back] = -1
        self._clear_use(back)
        return len(back)

    def _cleanup(self, wanted, rng, counts):
        rows = self.rows
        free = self._free()
        free[self._reached_by_expiry_job()] = False     # the job's, this week
        reserved_for = rows["reserved_for"]
        flagged = np.flatnonzero(free & (reserved_for >= 0) & (rows["used_by"] < 0))
        holder = reserved_for[flagged]
        gone = self.left_day[holder]
        # gone: NEVER_LEFT for the active and the never onboarded, so theirs stay held
        due = ~self.fixed[holder] & (gone <= self._days - CLEANUP_HOLD_DAYS)
        flagged, gone = flagged[due], gone[due]
        flagged = flagged[np.argsort(gone, kind="stable")][:wanted]
        stuck = np.flatnonzero(
            free & (rows["status"] == demo.COOLING)
            & (~rows["dated"] | (rows["days"] < self._days - EXPIRY_LOOK_BACK_DAYS)))
        stuck = np.setdiff1d(stuck, flagged, assume_unique=True)
        # undated first (no date will ever release them), then the oldest date
        stuck = stuck[np.lexsort((rows["days"][stuck], rows["dated"][stuck]))]
        released = stuck[:wanted - len(flagged)]
        rows["reserved_for"][flagged] = -1
        rows["lower_reserved_for"][flagged] = False
        self.touched[flagged] = True
        self._release(released)
        counts["flags_cleared"] = len(flagged)
        return len(flagged) + len(released)

    def _release(self, at):
        """Rows made Available, with no date, flag, note or user."""
        rows = self.rows
        rows["status"][at] = demo.AVAILABLE
        rows["dated"][at] = False
        rows["reserved_for"][at] = -1
        rows["note"][at] = 0
        self._clear_use(at)

    def _reached_by_expiry_job(self):
        """Cooling rows whose release date VOSS's daily expiry job reached during the week:
        run on each day since the last export, it releases the dates of its 20 days before."""
        rows = self.rows
        return np.flatnonzero(
            self._free() & (rows["status"] == demo.COOLING) & rows["dated"]
            & (rows["days"] <= self._days)
            & (rows["days"] > self._days - DAYS_APART - EXPIRY_LOOK_BACK_DAYS))

    def _releases(self, wanted, rng, counts):
        rows = self.rows
        reached = self._reached_by_expiry_job()
        if len(reached) >= wanted:
            # more than the week's changes allow (the backlog of week 0's due rows): those
            # nearest to leaving the job's look-back first
            released = reached[np.argsort(rows["days"][reached], kind="stable")[:wanted]]
        else:
            others = np.flatnonzero(
                self._free() & np.isin(rows["status"], [demo.COOLING, demo.RESERVED])
                & rows["dated"] & (rows["days"] <= self._days))
            others = np.setdiff1d(others, reached, assume_unique=True)
            extra = rng.choice(others, size=min(wanted - len(reached), len(others)), replace=False)
            released = np.concatenate([reached, extra])
        self._release(released)
        return len(released)

    def _onboardings(self, wanted, rng, counts):
        rows, people = self.rows, self.people
        candidates = np.flatnonzero(
            self._free() & (rows["status"] == demo.AVAILABLE) & (rows["site"] >= 0)
            & (rows["reserved_for"] < 0) & (rows["used_by"] < 0))
        given = np.sort(rng.choice(candidates, size=min(wanted, len(candidates)), replace=False))
        first = len(self.active)
        person = first + np.arange(len(given))
        rows["status"][given] = demo.USED
        rows["used_by"][given] = person
        rows["usage"][given] = demo.LINE
        rows["dated"][given] = False
        self.touched[given] = True
        people["name"] = pa.concat_arrays([people["name"], self._new_names(len(given), rng)])
        people["site"] = np.r_[people["site"], rows["site"][given]]
        people["role"] = np.r_[people["role"], np.full(len(given), demo.HOLDER)]
        self.active = np.r_[self.active, np.ones(len(given), bool)]
        self.fixed = np.r_[self.fixed, np.zeros(len(given), bool)]
        self.left_day = np.r_[self.left_day, np.full(len(given), NEVER_LEFT)]
        return len(given)

    def _new_names(self, count, rng):
        """first.last-N: the -N (a count of the series' new users) keeps them apart from
        each other and from week 0's names, which hold letters, dots and digits only."""
        first = np.array([f.lower() for f in demo.FIRST_NAMES])[
            rng.integers(len(demo.FIRST_NAMES), size=count)]
        last = np.array([s.lower() for s in demo.SURNAMES])[
            rng.integers(len(demo.SURNAMES), size=count)]
        serial = self.new_users + 1 + np.arange(count)
        self.new_users += count
        return pa.array([f"{a}.{b}-{k}" for a, b, k in zip(first, last, serial)], pa.string())


def _days_left(role):
    """Per person, the day (from week 0's) they were first missing from a users snapshot,
    NEVER_LEFT for those active at week 0 and those never onboarded."""
    presence = demo.PRESENCE[role]
    snapshot_days = np.array([-days for days in demo.HISTORY_DAYS_BEFORE] + [0])
    last_present = presence.shape[1] - 1 - np.argmax(presence[:, ::-1], axis=1)
    left = presence[:, :-1].any(axis=1) & ~presence[:, -1]
    days = np.full(len(role), NEVER_LEFT, np.int64)
    days[left] = snapshot_days[last_present[left] + 1]
    return days


def _append_site_rows(rows, tree, site, value):
    """Add Available site numbers (`value` at `site`, index into tree["sites"]) after the
    rows; how many."""
    n, count = rows["n"], len(site)
    extra = dict(kind=np.full(count, demo.SITE_DID), site=site,
                 customer=tree["site_customer"][site], node=site, value=value,
                 status=np.full(count, demo.AVAILABLE, np.int8))
    for key in ROW_ARRAYS:
        tail = extra.get(key)
        if tail is None:
            tail = np.full(count, -1 if key in ("used_by", "reserved_for") else 0)
        rows[key] = np.concatenate([rows[key], tail.astype(rows[key].dtype)])
    rows["n"] = n + count
    return count


def _first_new_value(rows):
    """Where new ranges start: past every site and pool number, on a whole thousand, in the
    unassigned country code (never a real number)."""
    highest = int(rows["value"][rows["kind"] != demo.EXTENSION].max())
    start = max(highest + 1, demo.UNASSIGNED_CC)
    return -(-start // NEW_RANGE_BLOCK) * NEW_RANGE_BLOCK


def _write_json(path, value):
    path.write_text(json.dumps(value, indent=2) + "\n")


def weeks(folder, count, numbers=400, sites=6, seed=1, churn=DEFAULT_CHURN, as_of=demo.AS_OF):
    """Week 0 then `count` weeks, one at a time: each is written into `folder` (numbers.csv,
    users.csv, hierarchy.csv and a manifest.json dating them, replacing the week before),
    then its changes are yielded ({} for week 0). The caller loads the folder, may delete
    its files, and asks for the next; only one week's arrays are ever in memory."""
    series = Series(numbers, sites, seed, churn, as_of)
    series.write(folder)
    yield {"week": 0, "as_of": series.as_of.isoformat()}
    for _ in range(count):
        changes = series.advance()
        series.write(folder)
        yield changes


def write_series(out, weeks, numbers=400, sites=6, seed=1, churn=DEFAULT_CHURN,
                 as_of=demo.AS_OF) -> dict:
    """Write into `out` the demo export (week 0) and `weeks` weeks after it as one folder:
    the latest week's numbers.csv, users.csv and hierarchy.csv at the top, every earlier
    snapshot's files under history/, and a manifest.json listing them oldest first and
    recording how the series was made ("series": the arguments and each week's changes).
    `numkit load --dir out` loads every snapshot in order. Returns the manifest."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    out = Path(out)
    series = Series(numbers, sites, seed, churn, as_of)
    base = series.write_base(out)
    # the snapshots before week 0 get numbers of their own, taken back from week 0's at
    # the series' churn: with week 0's numbers, each would hold rows used by people who
    # were not there yet
    earlier = write_earlier_weeks(out, numbers, sites, seed, churn, added=())
    day = series.as_of.isoformat()
    numbers_0, users_0 = f"history/numbers-{day}.csv", f"history/users-{day}.csv"
    os.replace(out / "numbers.csv", out / numbers_0)
    os.replace(out / "users.csv", out / users_0)
    history = earlier["history"] + [{"as_of": day, "users": users_0, "numbers": numbers_0}]
    changes = []
    for week in range(1, weeks + 1):
        changes.append(series.advance())
        day = series.as_of.isoformat()
        if week < weeks:
            entry = {"as_of": day, "users": f"history/users-{day}.csv",
                     "numbers": f"history/numbers-{day}.csv"}
            series.write(out, entry["numbers"], entry["users"], hierarchy=None, manifest=False)
            history.append(entry)
        else:
            series.write(out, manifest=False)
    manifest = {"as_of": series.as_of.isoformat(), "history": history,
                "earlier_weeks": earlier["earlier_weeks"],
                "series": {**series.recipe(), "weeks": weeks, "changes": changes}}
    _write_json(out / "manifest.json", manifest)
    return {**manifest, "counts": base["counts"]}


# -- weeks before an export: the bundled sample's history -------------------------------

SAMPLE_WEEKS = ("2026-10-23", "2026-10-30", "2026-11-06")   # a week apart, up to 2026-11-13
SAMPLE_CHURN = 0.04
# The share of each step back taken by each kind (leavers take what their numbers are);
# ported-out numbers are rows of the earlier weeks that the latest export no longer has.
EARLIER_SHARES = {"onboardings": 0.35, "releases": 0.25, "new_numbers": 0.2, "removals": 0.2}
PORTED_OUT = 6


def write_earlier_weeks(out, numbers=400, sites=6, seed=1, churn=SAMPLE_CHURN,
                        added=SAMPLE_WEEKS) -> dict:
    """Give demo.generate's export in `out` (made with these numbers, sites and seed) number
    changes between its snapshots: each earlier snapshot of its manifest gets its own
    numbers file (history/numbers-DATE.csv), and the weeks `added` are inserted with the
    users file of the snapshot before them (so every user leaves and joins on the date
    it did). The latest snapshot's files are left byte for byte.

    Built backwards from the latest numbers: going back a week undoes leavers (the numbers
    flagged for or cooling from a user who left that week were theirs), onboardings of
    existing users, releases, new numbers, and numbers ported out (rows only the earlier
    weeks have) or removed and back later. Returns the manifest."""
    out = Path(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(manifest["as_of"])
    tree, rows, people = demo.draw(numbers, sites, seed)
    entries = [dict(entry) for entry in manifest["history"]]
    for day in added:
        before = [e for e in entries if e["as_of"] < day]
        entries.append({"as_of": day, "users": max(before, key=lambda e: e["as_of"])["users"]})
    entries.sort(key=lambda entry: entry["as_of"])
    names = people["name"].to_pylist()
    index = {name: k for k, name in enumerate(names)}

    def present_in(users):
        with open(out / users, encoding="utf-8") as file:
            listed = [line.split(",", 1)[0] for line in file.read().splitlines()[1:]]
        mask = np.zeros(len(names), bool)
        mask[[index[name] for name in listed]] = True
        return mask

    state = _Earlier(tree, rows, people, seed, as_of)
    later_users = present_in("users.csv")
    later_day = as_of
    changes = []
    for entry in reversed(entries):
        day = dt.date.fromisoformat(entry["as_of"])
        users = present_in(entry["users"])
        changes.append(state.step_back(day, later_day, users, later_users, churn))
        entry["numbers"] = f"history/numbers-{entry['as_of']}.csv"
        state.write(out / entry["numbers"])
        later_users, later_day = users, day
    manifest = {"as_of": manifest["as_of"], "history": entries,
                "earlier_weeks": {"seed": seed, "numbers": numbers, "sites": sites,
                                  "churn": churn, "changes": changes[::-1]}}
    _write_json(out / "manifest.json", manifest)
    return manifest


class _Earlier:
    """The number rows of an export, taken back a snapshot at a time."""

    def __init__(self, tree, rows, people, seed, as_of):
        self.tree, self.people, self.as_of = tree, people, as_of
        self.rng = np.random.default_rng([seed, SERIES_STREAM, 0])
        self.rows = rows
        # the ported-out numbers: Inactive site numbers the latest export has dropped
        kept = rows["n"]
        sites = self.rng.integers(len(tree["sites"]), size=PORTED_OUT)
        _append_site_rows(rows, tree, sites, _first_new_value(rows) + np.arange(PORTED_OUT))
        self.present = np.arange(rows["n"]) < kept
        rows["status"][-PORTED_OUT:] = demo.INACTIVE
        rows["description"][-PORTED_OUT:] = demo.DESCRIPTIONS.index("Ported out")

    def write(self, path):
        kept = np.flatnonzero(self.present)
        rows = {key: value[kept] if key in ROW_ARRAYS else value
                for key, value in self.rows.items()}
        rows["n"] = len(kept)
        path.parent.mkdir(parents=True, exist_ok=True)
        demo._write_numbers(rows, self.tree, self.people["name"], self.as_of, path)

    def step_back(self, day, later_day, users, later_users, churn):
        """Turn the rows as of `later_day` into the rows as of `day`; the counts of each kind
        of change, as seen going forward."""
        rows, rng = self.rows, self.rng
        touched = np.zeros(rows["n"], bool)
        clean = ~rows["planted"] & (rows["used_by"] < 0) & (rows["reserved_for"] < 0) & ~rows["dated"]
        counts = {"from": day.isoformat(), "to": later_day.isoformat()}

        # who left between the two: the numbers flagged for them or cooling were theirs
        left = users & ~later_users
        reserved_for = rows["reserved_for"]
        theirs = np.flatnonzero(self.present & ~rows["planted"] & (rows["used_by"] < 0)
                                & (reserved_for >= 0) & left[np.maximum(reserved_for, 0)])
        rows["used_by"][theirs] = reserved_for[theirs]
        rows["status"][theirs] = demo.USED
        rows["usage"][theirs] = demo.LINE
        for key, empty in (("reserved_for", -1), ("note", 0), ("dated", False),
                           ("lower_reserved_for", False)):
            rows[key][theirs] = empty
        touched[theirs] = True
        counts["leavers"] = len(theirs)
        counts["leaving_users"] = len(np.unique(rows["used_by"][theirs]))

        budget = round(churn * self.present.sum())

        def pick(candidates, share):
            candidates = np.flatnonzero(candidates & ~touched)
            chosen = rng.choice(candidates, size=min(len(candidates), round(budget * share)),
                                replace=False)
            touched[chosen] = True
            return chosen

        role = self.people["role"]
        used_by = rows["used_by"]
        holder = (used_by >= 0) & (role[np.maximum(used_by, 0)] == demo.HOLDER)
        given = pick(self.present & ~rows["planted"] & holder & (rows["status"] == demo.USED),
                     EARLIER_SHARES["onboardings"])
        rows["status"][given] = demo.AVAILABLE
        rows["used_by"][given] = -1
        rows["usage"][given] = demo.NO_USAGE
        rows["description"][given] = 0
        rows["reserved_for"][given] = -1
        rows["lower_reserved_for"][given] = False
        counts["onboardings"] = len(given)

        available = self.present & clean & (rows["status"] == demo.AVAILABLE)
        released = pick(available, EARLIER_SHARES["releases"])
        rows["status"][released] = demo.COOLING
        rows["dated"][released] = True
        gap = (later_day - day).days
        rows["days"][released] = (later_day - self.as_of).days - rng.integers(0, gap,
                                                                              len(released))
        counts["releases"] = len(released)

        new = pick(available & (rows["site"] >= 0), EARLIER_SHARES["new_numbers"])
        self.present[new] = False
        counts["new_numbers"] = len(new)

        # rows absent later: ported out (or removed, and back later) between the two
        removed = pick(~self.present, EARLIER_SHARES["removals"])
        self.present[removed] = True
        counts["removals"] = len(removed)
        counts["rows_changed"] = int(touched.sum())
        return counts
