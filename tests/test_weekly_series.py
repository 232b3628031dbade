"""The weekly series (numkit demo --weeks): reproducible, every kind of change in it, the
churn asked for, one snapshot a week when the folder is loaded; the sample's weeks."""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import numkit
from numkit import demo, weekly
from numkit.cli import main
from numkit.loading.snapshots import load_folder

SAMPLE = Path(__file__).resolve().parent.parent / "numkit" / "sample_export"
SIZE = dict(numbers=3000, sites=12, seed=5)
WEEKS, CHURN = 4, 0.03
START = demo.AS_OF - dt.timedelta(weeks=WEEKS)     # the series ends on the demo's date


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """`numkit demo --weeks`: week 0 at START, the last week at the demo's date."""
    out = tmp_path_factory.mktemp("series")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--numbers", "3000",
                                       "--sites", "12", "--seed", "5", "--weeks", str(WEEKS),
                                       "--churn", str(CHURN)])
    assert result.exit_code == 0, result.output
    return out


def manifest_of(folder):
    return json.loads((folder / "manifest.json").read_text())


def snapshot_files(folder):
    """(as_of, numbers frame, users frame) of each snapshot the manifest names, oldest first."""
    manifest = manifest_of(folder)
    entries = manifest["history"] + [{"as_of": manifest["as_of"], "users": "users.csv",
                                      "numbers": "numbers.csv"}]

    def read(name):
        return pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    return [(entry["as_of"], read(entry["numbers"]), read(entry["users"])) for entry in entries]


def weeks_of(folder):
    """The weekly snapshots only: week 0 (the demo's as_of) and the weeks after it."""
    return [s for s in snapshot_files(folder) if s[0] >= START.isoformat()]


def row_changes(before, after):
    """Rows changed between two numbers files, counted as the series counts them: a row gone,
    new, or differing in any field, a row that moved to another node once."""
    key = ["Internal Number", "Located At"]
    old, new = before.set_index(key), after.set_index(key)
    gone, added = old.index.difference(new.index), new.index.difference(old.index)
    both = old.index.intersection(new.index)
    differ = (old.loc[both] != new.loc[both]).any(axis=1).sum()
    moved = set(gone.get_level_values(0)) & set(added.get_level_values(0))
    return len(gone) + len(added) + differ - len(moved), moved


def test_the_series_is_reproducible_from_its_manifest(series, tmp_path):
    recipe = manifest_of(series)["series"]
    again = weekly.write_series(tmp_path, recipe["weeks"], numbers=recipe["numbers"],
                                sites=recipe["sites"], seed=recipe["seed"], churn=recipe["churn"],
                                as_of=dt.date.fromisoformat(recipe["first_as_of"]))
    files = sorted(p.relative_to(series) for p in series.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert all((series / f).read_bytes() == (tmp_path / f).read_bytes() for f in files)
    assert again["series"] == recipe
    other = weekly.write_series(tmp_path / "other", 1, **{**SIZE, "seed": 6}, churn=CHURN,
                                as_of=START)
    assert (tmp_path / "other" / "numbers.csv").read_bytes() != (series / "history" / (
        f"numbers-{other['as_of']}.csv")).read_bytes()


def test_week_0_is_the_demo_export_byte_for_byte(series, tmp_path):
    demo.generate(tmp_path, **SIZE, as_of=START)
    day = START.isoformat()
    assert (series / f"history/numbers-{day}.csv").read_bytes() == (tmp_path / "numbers.csv").read_bytes()
    assert (series / f"history/users-{day}.csv").read_bytes() == (tmp_path / "users.csv").read_bytes()
    for earlier in manifest_of(tmp_path)["history"]:
        assert (series / earlier["users"]).read_bytes() == (tmp_path / earlier["users"]).read_bytes()


def test_each_week_changes_the_share_of_rows_asked_for(series):
    weeks = weeks_of(series)
    recorded = manifest_of(series)["series"]["changes"]
    assert [day for day, _, _ in weeks] == [
        (START + dt.timedelta(days=7 * k)).isoformat() for k in range(WEEKS + 1)]
    for (_, before, _), (_, after, _), counts in zip(weeks, weeks[1:], recorded):
        changed, _ = row_changes(before, after)
        assert changed == counts["rows_changed"] == round(CHURN * len(before))
        assert changed / len(before) == pytest.approx(CHURN, rel=0.02)
        assert counts["rows_before"] == len(before) and counts["rows_after"] == len(after)
        assert sum(counts[kind] for kind in weekly.KINDS) == changed


def test_each_kind_of_change_occurs(series):
    recorded = manifest_of(series)["series"]["changes"]
    for kind in (*weekly.KINDS, "leaving_users", "moving_users", "rows_moved", "ranges_added"):
        assert sum(week[kind] for week in recorded) > 0, kind
    weeks = weeks_of(series)
    seen = dict.fromkeys(["onboarding", "leaver", "move", "new range", "release", "return",
                          "flag cleared"], 0)
    for k, ((day, before, users_before), (_, after, users_after)) in enumerate(zip(weeks, weeks[1:])):
        new_users = set(users_after["Username"]) - set(users_before["Username"])
        gone_users = set(users_before["Username"]) - set(users_after["Username"])
        was = before.set_index(["Internal Number", "Located At"])
        now = after.set_index(["Internal Number", "Located At"])
        both = was.index.intersection(now.index)
        was, now = was.loc[both], now.loc[both]
        taken = (was["Status"] == "Available") & (now["Status"] == "Used")
        seen["onboarding"] += (taken & now["Used By"].isin(new_users)).sum()
        left = was["Used By"].isin(gone_users)
        assert not now.loc[left, "Used By"].isin(gone_users).any()   # no leaver holds a number
        seen["leaver"] += (left & ((now["Status"] == "Cooling") | (now["Reserved For"] == was["Used By"]))).sum()
        _, moved = row_changes(before, after)
        seen["move"] += len(moved)
        added = set(after["Internal Number"]) - set(before["Internal Number"])
        ever = set().union(*(set(w[1]["Internal Number"]) for w in weeks[:k + 1]))
        seen["new range"] += len(added - ever)
        seen["return"] += len(added & ever)
        next_day = (dt.date.fromisoformat(day) + dt.timedelta(days=7)).isoformat()
        due = was["Status"].isin(["Cooling", "Reserved"]) & (was["Release Date"] != "") & (
            was["Release Date"] <= next_day)
        seen["release"] += (due & (now["Status"] == "Available")).sum()
        seen["flag cleared"] += ((was["Status"] == now["Status"]) & (was["Reserved For"] != "")
                                 & (now["Reserved For"] == "")).sum()
    assert all(seen.values()), seen


def cooling_by_release_day(series):
    """{row index: release day (days from week 0)} of the dated Cooling rows present now
    (the planted rule examples, which never change, left out)."""
    rows = series.rows
    at = np.flatnonzero(series.present & (rows["status"] == demo.COOLING) & rows["dated"]
                        & ~rows["planted"])
    return dict(zip(at.tolist(), rows["days"][at].tolist()))


@pytest.mark.parametrize("churn", [0.2, 0.01])
def test_the_expiry_job_releases_the_cooling_it_reaches_each_week(churn):
    """VOSS's daily job releases every Cooling row whose date it reaches (looking back 20
    days, rules R23): the rows it reached during a week are Available in the next export, so
    stuck cooling does not pile up week after week. When the week's churn cannot hold them all
    (week 0's backlog at a low churn), those nearest to leaving the look-back go first."""
    series = weekly.Series(numbers=3000, sites=12, seed=5, churn=churn)
    stuck = []
    for _ in range(10):
        cooling = cooling_by_release_day(series)
        series.advance()
        today = series._days
        reached = {row: day for row, day in cooling.items()
                   if today - weekly.DAYS_APART - weekly.EXPIRY_LOOK_BACK_DAYS < day <= today}
        released = {row for row in reached if series.rows["status"][row] == demo.AVAILABLE}
        left = set(reached) - released
        if churn == 0.2:
            assert reached and not left
        elif left and released:
            assert max(reached[row] for row in released) <= min(reached[row] for row in left)
        stuck.append(sum(day < today - weekly.EXPIRY_LOOK_BACK_DAYS
                         for day in cooling_by_release_day(series).values()))
    assert stuck[-1] == stuck[-2] == stuck[-3]      # none added once the backlog is gone


def test_analysts_clear_the_flags_of_leavers_gone_past_the_hold_the_longest_gone_first():
    """The cleanup kind plays analysts acting on the cleanup report (rules R21 to R23): a
    leaver's Reserved For flag is cleared, the flag alone (status and notes as they were, as
    `numkit cleanup` does), once the leaver has been gone CLEANUP_HOLD_DAYS, never sooner,
    never for someone active or never onboarded, the longest gone first; the share left
    releases stuck cooling."""
    series = weekly.Series(numbers=4000, sites=12, seed=5, churn=0.05)
    rows = series.rows
    cleared_alone = stuck_released = 0
    stuck_at_first = stuck_count(series)
    for _ in range(12):
        flag_before = rows["reserved_for"].copy()
        status_before, note_before = rows["status"].copy(), rows["note"].copy()
        present_before = series.present.copy()
        changes = series.advance()
        today = series._days
        n = len(flag_before)
        cleared = np.flatnonzero(present_before & (flag_before >= 0) & (rows["reserved_for"][:n] < 0)
                                 & (rows["status"][:n] == status_before))
        who = flag_before[cleared]
        assert (rows["note"][cleared] == note_before[cleared]).all()
        assert len(cleared) == changes["flags_cleared"]
        assert not series.active[who].any()
        assert (series.left_day[who] <= today - weekly.CLEANUP_HOLD_DAYS).all()
        cleared_alone += len(cleared)
        stuck_released += changes["cleanup"] - changes["flags_cleared"]
        # anyone gone longer than a cleared leaver whose flags are all still held waited
        # only because the week's share was used up
        still = np.flatnonzero(series.present & (rows["reserved_for"] >= 0) & (rows["used_by"] < 0)
                               & ~rows["planted"] & ~series.touched)
        holder = rows["reserved_for"][still]
        due = ~series.active[holder] & ~series.fixed[holder] & (
            series.left_day[holder] <= today - weekly.CLEANUP_HOLD_DAYS)
        if len(cleared) and due.any():
            assert series.left_day[holder[due]].min() >= series.left_day[who].max()
            assert changes["flags_cleared"] == round(changes["rows_before"] * series.churn
                                                     * weekly.CHANGE_SHARES["cleanup"])
    assert cleared_alone > 0
    # with the leavers' flags done, the rest of the share releases stuck cooling
    assert stuck_released > 0 and stuck_count(series) < stuck_at_first


def stuck_count(series):
    """Cooling rows no date will release: undated, or dated before the job's look-back."""
    rows = series.rows
    return int((series.present & (rows["status"] == demo.COOLING) & (
        ~rows["dated"] | (rows["days"] < series._days - weekly.EXPIRY_LOOK_BACK_DAYS))).sum())


@pytest.mark.parametrize("numbers, sites", [(5000, 6), (100_000, 50)])
def test_people_join_every_week_while_the_expiry_job_clears_its_backlog(numbers, sites):
    """Week 0's backlog of due cooling keeps the expiry job busy for weeks at a low churn;
    the job still leaves new users their weeks: onboardings keep at least ONBOARDINGS_KEPT
    of their share of every week's changes (rules R36's series: realistic change)."""
    series = weekly.Series(numbers=numbers, sites=sites, seed=1, churn=0.01)
    for _ in range(6):
        changes = series.advance()
        budget = round(series.churn * changes["rows_before"])
        kept = weekly.kept_for_onboardings(budget)
        assert changes["onboardings"] >= kept > 0, changes
        assert changes["rows_changed"] == budget


def test_every_snapshot_s_numbers_are_used_by_its_own_users(series):
    """The snapshots before week 0 (the demo's earlier users files) have numbers of their
    own, taken back from week 0's: a number is used only by someone in that snapshot's
    users file, and the numbers change from one to the next, as the weeks' do."""
    files = snapshot_files(series)
    earlier = [f for f in files if f[0] < START.isoformat()]
    assert len(earlier) == len(demo.HISTORY_DAYS_BEFORE)
    for day, numbers, users in files:
        used_by = set(numbers["Used By"]) - {""}
        assert used_by <= set(users["Username"]), (day, sorted(used_by - set(users["Username"]))[:5])
    assert len({entry["numbers"] for entry in manifest_of(series)["history"]}) == len(
        manifest_of(series)["history"])
    for (_, before, _), (_, after, _) in zip(earlier, earlier[1:] + [weeks_of(series)[0]]):
        assert row_changes(before, after)[0] > 0


def test_moved_numbers_follow_their_user_to_another_site_of_the_customer(series):
    weeks = weeks_of(series)
    for (_, before, _), (_, after, users) in zip(weeks, weeks[1:]):
        _, moved = row_changes(before, after)
        now = after[after["Internal Number"].isin(moved)]
        sites = dict(zip(users["Username"], users["Located At"]))
        assert (now["Used By"].map(sites) == now["Located At"]).all()
        was = before[before["Internal Number"].isin(moved)].set_index("Internal Number")
        now = now.set_index("Internal Number").loc[was.index]

        def customer(paths):
            return paths.str.extract(r"(sys\.hcs\.Prov-1\.Cust-\d+)")[0]
        assert (customer(now["Located At"]) == customer(was["Located At"])).all()
        assert (now["Located At"] != was["Located At"]).all()


def test_load_dir_gives_a_snapshot_a_week(series, tmp_path):
    db = tmp_path / "series.duckdb"
    result = CliRunner().invoke(main, ["load", str(db), "--dir", str(series)])
    assert result.exit_code == 0, result.output
    files = snapshot_files(series)
    with numkit.connect(db, read_only=True) as inv:
        snapshots = inv.snapshots()
        assert snapshots["as_of"].astype(str).tolist() == [day for day, _, _ in files]
        assert snapshots["numbers"].tolist() == [len(numbers) for _, numbers, _ in files]
        assert snapshots["users"].tolist() == [len(users) for _, _, users in files]
        inv.as_of = manifest_of(series)["as_of"]
        assert inv.check().empty
        before, last = (int(load) for load in snapshots["load_id"].iloc[-2:])
        changes = inv.snapshot_changes(before, last)
        assert {"number_added", "number_removed", "status_changed", "used_by_changed",
                "user_deleted", "user_onboarded", "user_moved"} <= set(changes["change"])


def test_weeks_one_at_a_time_are_the_series_weeks(series, tmp_path):
    """The iterator a benchmark uses writes the same weeks into one folder, each replacing
    the one before."""
    folder = tmp_path / "week"
    days = []
    for changes in weekly.weeks(folder, WEEKS, **SIZE, churn=CHURN, as_of=START):
        day = changes["as_of"]
        days.append(day)
        assert json.loads((folder / "manifest.json").read_text()) == {"as_of": day, "history": []}
        name = "numbers.csv" if day == manifest_of(series)["as_of"] else f"history/numbers-{day}.csv"
        assert (folder / "numbers.csv").read_bytes() == (series / name).read_bytes()
        (folder / "numbers.csv").unlink()          # as the benchmark does, before the next week
    assert len(days) == WEEKS + 1 and days[-1] == manifest_of(series)["as_of"]


def test_a_churn_out_of_range_is_refused(tmp_path):
    for churn in (0, -0.1, 0.6):
        with pytest.raises(ValueError, match="churn must be"):
            weekly.Series(churn=churn)
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "--churn", "0.02"])
    assert result.exit_code == 2 and "give --weeks too" in result.output
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "--weeks", "2",
                                       "--churn", "0.9"])
    assert result.exit_code == 2 and "--churn" in result.output
    assert not (tmp_path / "numbers.csv").exists()


# -- the bundled sample's weeks -----------------------------------------------------------

def test_the_sample_s_snapshots_differ_in_numbers_between_weeks():
    inv = numkit.connect()
    load_folder(inv, SAMPLE)
    loads = inv.snapshots()["load_id"].tolist()
    assert len(loads) == 1 + len(manifest_of(SAMPLE)["history"])
    number_changes = {"number_added", "number_removed", "status_changed", "used_by_changed"}
    for before, after in zip(loads, loads[1:]):
        changes = set(inv.snapshot_changes(before, after)["change"])
        assert number_changes <= changes, (before, after, changes)


def test_the_sample_s_earlier_weeks_keep_its_users_history():
    """Each added week reuses the users file of the snapshot before it, so every user is
    recorded deleted on the date the sample always gave."""
    history = manifest_of(SAMPLE)["history"]
    days = [entry["as_of"] for entry in history]
    for day in weekly.SAMPLE_WEEKS:
        entry = history[days.index(day)]
        before = max((e for e in history if e["as_of"] < day and e["users"].endswith(f"{e['as_of']}.csv")),
                     key=lambda e: e["as_of"])
        assert entry["users"] == before["users"]
        assert entry["numbers"] == f"history/numbers-{day}.csv"


def test_numkit_diff_on_the_sample_shows_number_changes(tmp_path):
    from numkit.sample import build_sample
    db = build_sample(tmp_path / "sample.duckdb")
    result = CliRunner().invoke(main, ["diff", str(db), "--from", "3", "--to", "4"])
    assert result.exit_code == 0, result.output
    assert "number_added" in result.output and "status_changed" in result.output


def test_load_dir_says_the_headers_once_for_snapshots_that_share_them(tmp_path):
    """A folder of weekly exports: the headers read are listed for the first snapshot, and
    each later one with the same headers says so in one line instead."""
    from numkit.weekly import write_series
    series = tmp_path / "series"
    write_series(series, 3, numbers=400, sites=6, seed=2)
    # the latest week's numbers file gains a column: its headers are said in full
    latest = series / "numbers.csv"
    lines = latest.read_text().splitlines()
    latest.write_text("\n".join([lines[0] + ",Site Code"] + [line + ",S1" for line in lines[1:]])
                      + "\n")
    result = CliRunner().invoke(main, ["load", str(tmp_path / "inv.duckdb"), "--dir", str(series),
                                       "--allow-future-date", "--extra-column", "Site Code"])
    assert result.exit_code == 0, result.output
    loads = result.output.count("loaded snapshot ")
    assert loads >= 4
    assert result.output.count("Internal Number -> number") == 2     # the first, the latest
    assert "kept as extra: Site Code" in result.output.split("loaded snapshot ")[-1]
    assert result.output.count("headers read as for snapshot 1") == loads - 2

