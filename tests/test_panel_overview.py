"""The overview panel and the API under it: what is loaded now, where a relative path was
looked for, and the whole plan of a load (preview_load) before it changes anything."""

import html
import os

import pandas as pd
import pytest

import numkit
from numkit.loading import layout
from numkit.loading.load import names_listed
from numkit.widgets import OverviewPanel

from conftest import write
from next_export import write_next_export

AS_OF = "2026-11-23"
NEXT_AS_OF = "2026-11-30"
CUST1 = "sys.hcs.Prov-1.Cust-1"
SITE_B, SITE_C = f"{CUST1}.Site-B", f"{CUST1}.Site-C"
# users of the sample who hold no number: an export may drop them without refusing a row
LEAVERS = ("c.silva", "mking")


def all_tables(inv):
    """Every table of the database, in a stable order: to compare before and after."""
    names = inv.sql("select table_name from duckdb_tables() where not temporary "
                    "order by table_name")["table_name"]
    return {name: inv.sql(f"select * from {name}") for name in names}


def decide_and_write_export(database, folder):
    """In numkit: move c.silva to Site-C, reserve two Site-B numbers for new.hire. Next
    week's export: VOSS did the 0009 flag, reserved 0007 for someone else, and no longer has
    c.silva nor mking."""
    with numkit.connect(database) as inv:
        inv.as_of = AS_OF
        inv.move_user("c.silva", SITE_C)
        inv.reserve_for(["+441134960007", "+441134960009"], "new.hire", SITE_B)
    paths = write_next_export(folder, {
        ("+441134960007", SITE_B): {"Reserved For": "other.person"},
        ("+441134960009", SITE_B): {"Reserved For": "new.hire"},
    })
    kept = [line for line in paths["users"].read_text().splitlines()
            if line.split(",")[0].lower() not in LEAVERS]
    assert len(kept) == len(paths["users"].read_text().splitlines()) - len(LEAVERS)
    paths["users"].write_text("\n".join(kept) + "\n")
    return paths


def preview(inv, paths, **options):
    return inv.preview_load(paths["numbers"], users=paths["users"], hierarchy=paths["hierarchy"],
                            as_of=NEXT_AS_OF, **options)


def load_confirmed(panel, paths):
    """Load `paths` (per role) as of NEXT_AS_OF in the panel, confirming its plan; what the
    panel said of the load."""
    for role, path in paths.items():
        panel.paths[role].value = str(path)
    panel.snapshot_date.value = NEXT_AS_OF
    panel.load_button.click()
    panel.confirmation.confirm_button.click()
    return html.unescape(panel.load_result.value)


# -- the API -------------------------------------------------------------------------------
def test_current_snapshot_names_the_load_its_date_and_its_files(tmp_path):
    with numkit.connect() as inv:
        assert inv.current_snapshot() is None
        numbers = write(tmp_path, "numbers.csv", f"number,node\n1,{SITE_B}\n2,{SITE_B}\n3,{SITE_C}\n")
        users = write(tmp_path, "users.csv", f"username,node\nann,{SITE_B}\n")
        report = inv.load(numbers, users=users, as_of=AS_OF)
        snapshot = inv.current_snapshot()
    assert (snapshot["load_id"], str(snapshot["as_of"])) == (report.load_id, AS_OF)
    assert (snapshot["numbers"], snapshot["users"]) == (3, 1)
    files = {entry["role"]: entry for entry in snapshot["files"]}
    assert set(files) == {"numbers", "users"}
    for role, path in (("numbers", numbers), ("users", users)):
        assert files[role]["path"] == str(path.resolve())
        assert files[role]["bytes"] == os.path.getsize(path)
    assert (files["numbers"]["rows"], files["users"]["rows"]) == (3, 1)


def test_a_relative_path_not_found_names_where_it_was_looked_for(inv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(numkit.LoadError) as refused:
        inv.load("exports/numbers.csv")
    said = str(refused.value)
    assert f"file not found at {tmp_path / 'exports' / 'numbers.csv'}" in said
    assert f"(relative paths are read from {tmp_path})" in said
    from numkit.loading.snapshots import load_folder
    with pytest.raises(numkit.InvalidOperation, match=f"relative paths are read from {tmp_path}"):
        load_folder(inv, "exports")


def test_names_listed_names_the_first_and_counts_the_rest():
    names = [f"user{i:02}" for i in range(13)]
    assert names_listed(names, first=10) == ", ".join(names[:10]) + " and 3 more"
    assert names_listed(names[:2], first=10) == "user00, user01"


def test_preview_load_names_the_deleted_users_and_the_overridden_decisions_and_changes_nothing(
        database, tmp_path):
    paths = decide_and_write_export(database, tmp_path / "next-week")
    with numkit.connect(database) as inv:
        inv.as_of = AS_OF
        before = all_tables(inv)
        pending_before = inv.pending_changes()
        plan = preview(inv, paths)
        after = all_tables(inv)
        assert inv.pending_changes().equals(pending_before)
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    assert sorted(plan.deleted_users, key=str.lower) == sorted(LEAVERS)
    removed = plan.user_changes[plan.user_changes["change"] == "removed"]
    assert sorted(removed["username"]) == sorted(LEAVERS) and removed["recorded_as_deleted"].all()
    overridden = plan.overridden
    assert set(overridden["outcome"]) == {"conflict"}
    assert set(zip(overridden["kind"], overridden["number"].fillna(""), overridden["username"])) == {
        ("user_moved", "", "c.silva"), ("row_changed", "+441134960007", "new.hire")}
    assert list(plan.confirmed["number"]) == ["+441134960009"]
    assert plan.row_changes[["change", "number", "fields"]].values.tolist() == [
        ["changed", "+441134960007", "reserved_for"]]
    said = "\n".join(plan.describe())
    assert "2 user(s) recorded as deleted: c.silva, mking" in said
    assert "1 applied in VOSS, 0 still pending (re-applied), 2 conflicts" in said


def test_the_load_gives_exactly_what_its_preview_said(database, tmp_path):
    paths = decide_and_write_export(database, tmp_path / "next-week")
    with numkit.connect(database) as inv:
        inv.as_of = AS_OF
        plan = preview(inv, paths)
        rows_before = inv.sql("select * exclude (node_id, number_order) from numbers")
        users_before = inv.users()
        report = inv.load(paths["numbers"], users=paths["users"], hierarchy=paths["hierarchy"],
                          as_of=NEXT_AS_OF)
        rows_after = inv.sql("select * exclude (node_id, number_order) from numbers")
        users_after = inv.users()
        outcomes = inv.reconciliations()
    assert report.deleted_users == plan.report.deleted_users
    assert (report.numbers, report.users, report.nodes) == (
        plan.report.numbers, plan.report.users, plan.report.nodes)
    # the rows that differ, found here from the tables, are the rows the plan listed
    key = ["number", "node"]
    both = rows_before.merge(rows_after, on=key, how="outer", suffixes=("_b", "_a"), indicator=True)
    differ = both[(both["_merge"] != "both") | both.apply(
        lambda row: any(str(row[f"{c}_b"]) != str(row[f"{c}_a"])
                        for c in ("status", "reserved_for", "used_by", "release_date")), axis=1)]
    assert sorted(map(tuple, differ[key].values)) == sorted(map(tuple, plan.row_changes[key].values))
    gone = set(users_before["username"]) - set(users_after["username"])
    assert gone == set(plan.user_changes[plan.user_changes["change"] == "removed"]["username"])
    columns = [c for c in outcomes.columns if c != "load_id"]
    pd.testing.assert_frame_equal(outcomes[columns].reset_index(drop=True),
                                  plan.reconciliation[columns].reset_index(drop=True))


def test_a_refused_export_raises_the_load_s_error_from_its_preview(inv, tmp_path):
    bad = write(tmp_path, "numbers.csv", f"number,node\nnot-a-number,{SITE_B}\n")
    before = all_tables(inv)
    with pytest.raises(numkit.LoadError) as previewed:
        inv.preview_load(bad)
    with pytest.raises(numkit.LoadError) as loaded:
        inv.load(bad)
    assert str(previewed.value) == str(loaded.value)
    for name, frame in all_tables(inv).items():
        pd.testing.assert_frame_equal(before[name], frame, obj=name)


def test_a_preview_told_to_discard_lists_every_decision_as_overridden(database, tmp_path):
    paths = decide_and_write_export(database, tmp_path / "next-week")
    with numkit.connect(database) as inv:
        inv.as_of = AS_OF
        pending = inv.pending_changes()
        plan = preview(inv, paths, pending="discard")
    assert set(plan.overridden["outcome"]) == {"discarded"}
    assert len(plan.overridden) == len(pending) and plan.confirmed.empty


# -- the panel -----------------------------------------------------------------------------
def shown_files(panel):
    return panel.snapshot_files.df


def test_the_panel_shows_the_snapshot_loaded_now_and_follows_a_load(database, tmp_path):
    with numkit.connect(database, read_only=True) as inv:
        latest = inv.snapshots().iloc[-1]
    panel = OverviewPanel(database, as_of=AS_OF)
    said = html.unescape(panel.snapshot.value)
    assert f"Snapshot {latest['load_id']} as of {latest['as_of']:%Y-%m-%d}" in said
    assert f"{latest['numbers']:,} numbers, {latest['users']:,} users" in said
    files = shown_files(panel)
    assert set(files["role"]) == {"numbers", "users", "hierarchy"}
    numbers = files[files["role"] == "numbers"].iloc[0]
    assert numbers["bytes"] == os.path.getsize(numbers["path"])
    paths = decide_and_write_export(database, tmp_path / "next-week")
    load_confirmed(panel, paths)
    with numkit.connect(database, read_only=True) as inv:
        loaded = inv.snapshots().iloc[-1]
    assert loaded["load_id"] != latest["load_id"]
    said = html.unescape(panel.snapshot.value)
    assert f"Snapshot {loaded['load_id']} as of {NEXT_AS_OF}" in said
    files = shown_files(panel)
    assert files[files["role"] == "numbers"].iloc[0]["path"] == str(paths["numbers"])


def test_a_relative_path_s_error_in_the_panel_names_the_folder(database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    panel = OverviewPanel(database, as_of=AS_OF)
    assert str(tmp_path) in html.unescape(panel.relative_note.value)
    panel.paths["numbers"].value = "exports/numbers.csv"
    panel.load_button.click()
    assert "Nothing was loaded" in panel.load_result.value
    reasons = " ".join(panel.problems.df["reason"])
    assert str(tmp_path / "exports" / "numbers.csv") in reasons
    assert f"relative paths are read from {tmp_path}" in reasons
    assert not panel.confirmation.pending


def test_load_shows_the_whole_plan_and_changes_nothing_until_confirmed(database, tmp_path):
    paths = decide_and_write_export(database, tmp_path / "next-week")
    panel = OverviewPanel(database, as_of=AS_OF)
    for role, path in paths.items():
        panel.paths[role].value = str(path)
    panel.snapshot_date.value = NEXT_AS_OF
    with numkit.connect(database, read_only=True) as inv:
        before = all_tables(inv)
    panel.load_button.click()
    assert panel.confirmation.pending and panel.plan_box.layout.display == ""
    said = html.unescape(panel.plan_summary.value)
    assert "2 user(s) recorded as deleted: c.silva, mking" in said
    assert "2 conflicts" in said
    assert sorted(panel.plan_users.df["username"]) == sorted(LEAVERS)
    decisions = panel.plan_decisions.df
    assert set(decisions[decisions["outcome"] == "Conflict"]["username"]) == {"c.silva", "new.hire"}
    assert list(panel.plan_rows.df["number"]) == ["+441134960007"]
    with numkit.connect(database, read_only=True) as inv:
        for name, frame in all_tables(inv).items():
            pd.testing.assert_frame_equal(before[name], frame, obj=name)
    panel.confirmation.cancel_button.click()
    assert not panel.confirmation.pending and panel.plan_box.layout.display == "none"
    assert panel.plan_users.df.empty and panel.plan_decisions.df.empty   # no stale plan left
    assert "cancelled" in panel.load_result.value
    with numkit.connect(database, read_only=True) as inv:
        assert len(inv.snapshots()) == len(before["loads"])
    panel.load_button.click()
    panel.confirmation.confirm_button.click()
    said = html.unescape(panel.load_result.value)
    assert "loaded snapshot" in said
    assert "2 user(s) recorded as deleted: c.silva, mking" in said
    with numkit.connect(database, read_only=True) as inv:
        assert len(inv.snapshots()) == len(before["loads"]) + 1
        assert {name.lower() for name in LEAVERS}.isdisjoint(
            set(inv.users()["username"].str.lower()))


def test_a_numbers_file_without_its_used_by_column_is_said_in_the_plan_and_the_result(
        database, tmp_path):
    paths = write_next_export(tmp_path / "next-week", {})
    text = paths["numbers"].read_text()
    paths["numbers"].write_text(text.replace("Used By", "Assigned User", 1))
    with numkit.connect(database, read_only=True) as inv:
        held = inv.sql("select count(used_by) as n from numbers")["n"][0]
    assert held > 0
    panel = OverviewPanel(database, as_of=AS_OF)
    for role, path in paths.items():
        panel.paths[role].value = str(path)
    panel.snapshot_date.value = NEXT_AS_OF
    panel.load_button.click()
    warning = (f"no Used By column in the numbers file: {held} row(s) held a Used By before "
               "this load and hold none now (headers kept as extra: 'Assigned User')")
    assert warning in html.unescape(panel.plan_summary.value)
    panel.confirmation.confirm_button.click()
    assert warning in html.unescape(panel.load_result.value)


def test_changing_what_to_load_withdraws_the_plan_shown(database, tmp_path):
    paths = decide_and_write_export(database, tmp_path / "next-week")
    panel = OverviewPanel(database, as_of=AS_OF)
    panel.paths["numbers"].value = str(paths["numbers"])
    panel.snapshot_date.value = NEXT_AS_OF
    panel.load_button.click()
    assert panel.confirmation.pending
    panel.paths["users"].value = str(paths["users"])
    assert not panel.confirmation.pending and panel.plan_box.layout.display == "none"


def test_the_snapshot_date_is_typed_as_an_iso_date(database):
    panel = OverviewPanel(database, as_of=AS_OF)
    assert "YYYY-MM-DD" in panel.snapshot_date.description
    panel.paths["numbers"].value = "whatever.csv"
    panel.snapshot_date.value = "30/11/2026"
    panel.load_button.click()
    said = html.unescape(panel.load_result.value)
    assert "'30/11/2026' is not a date written YYYY-MM-DD" in said
    assert not panel.confirmation.pending


def test_a_load_that_puts_scattered_rows_back_in_order_says_so(database, tmp_path, monkeypatch):
    # rules R36: the load writes its changes, then compacts the file with the rows in order
    monkeypatch.setattr(layout.Layout, "scattered", property(lambda self: True))
    panel = OverviewPanel(database, as_of=AS_OF)
    said = load_confirmed(panel, decide_and_write_export(database, tmp_path / "next-week"))
    assert "loaded snapshot" in said
    assert "the rows had scattered, a viewpoint reads" in said
    assert "the file was compacted with the rows back in node order" in said
    with numkit.connect(database, read_only=True) as inv:
        assert inv.sql("select node_id from numbers order by rowid")["node_id"].is_monotonic_increasing
        assert inv.sql("select free_blocks from pragma_database_size()")["free_blocks"][0] == 0
