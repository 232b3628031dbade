"""The panels without a browser: set values, click buttons, check the panel and the inventory."""

import datetime as dt
import html

import openpyxl
import pandas as pd

import numkit
from numkit.reports import charts
from numkit.widgets import CleanupReportPanel, MovePreviewPanel, OnboardingPanel, OverviewPanel

import hostile
from next_export import write_next_export

AS_OF = "2026-11-23"
# k.brown's London DIDs moved to Site-C (replace): like for like, the first candidates
# written with `+` (docs/rules.md#r17-move-user)
K_BROWN_AT_SITE_C = ["+12025550100", "+12025550102", "+12025550103"]
CUST1 = "sys.hcs.Prov-1.Cust-1"
SITE_B, SITE_C = f"{CUST1}.Site-B", f"{CUST1}.Site-C"
SITE_D = "sys.hcs.Prov-1.Cust-2.Site-D"


def used_by(database, username):
    with numkit.connect(database, read_only=True) as inv:
        return sorted(inv.sql(f"select number from numbers where lower(used_by) = lower('{username}')")["number"])


def test_onboarding_shows_state_belonging_and_candidates(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.username.value = "u.okafor"
    assert "was deleted on 2026-09-24" in panel.user_state.value
    assert list(panel.belonging.df["number"]) == ["1002", "+441134960000"]
    assert panel.candidates.df["next"].iloc[0] == "next available"
    assert panel.number.options[0] == ("leave it to the rules: gives 1002, +441134960000", None)


def test_onboard_left_to_the_rules(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.username.value = "u.okafor"
    panel.onboard_button.click()
    panel.onboard_confirmation.confirm_button.click()
    assert "assigned 1002, +441134960000" in panel.result.value
    assert used_by(database, "u.okafor") == ["+441134960000", "1002"]
    assert "active user" in panel.user_state.value


def test_onboard_with_a_chosen_number(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_C
    panel.username.value = "newbie"
    chosen = panel.number.options[2][1]
    panel.number.value = chosen
    panel.onboard_button.click()
    panel.onboard_confirmation.confirm_button.click()
    assert used_by(database, "newbie") == [chosen]


def test_refused_onboarding_says_why_and_changes_nothing(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.username.value = "k.brown"          # already active
    panel.onboard_button.click()
    assert "Not done" in panel.result.value and "already an active user" in panel.result.value
    assert used_by(database, "k.brown") == ["+442079460011", "+442079460026", "+442079460034"]


def test_usernames_are_shown_escaped(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.username.value = "<script>alert(1)</script>"
    assert "<script>" not in panel.user_state.value
    assert "&lt;script&gt;" in panel.user_state.value


def test_reserve_a_range_and_clear_it(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.flag_numbers.value = "+441134960090-+441134960092"
    panel.flag_user.value = "starter"
    panel.create_missing.value = True
    panel.reserve_button.click()
    assert "Not done" not in panel.flag_result.value, panel.flag_result.value
    assert "3 number(s) reserved for starter" in panel.flag_result.value
    with numkit.connect(database, read_only=True) as inv:
        assert len(inv.belonging_to("starter", SITE_B)) == 3
    panel.clear_button.click()
    assert "Clear the Reserved For flag of 3 number(s)" in panel.confirmation.question.value
    panel.confirmation.confirm_button.click()
    with numkit.connect(database, read_only=True) as inv:
        assert inv.belonging_to("starter").empty


def test_reserving_names_rows_as_seen_from_the_site(database):
    """1004 has a row at Cust-1 and one at Cust-2: from Site-B it is Cust-1's. A number only
    another customer holds is not seen from the site and is left alone."""
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.flag_numbers.value = "1004, +441154960010"
    panel.flag_user.value = "new.hire"
    panel.reserve_button.click()
    assert "not seen from sys.hcs.Prov-1.Cust-1.Site-B: +441154960010" in panel.confirmation.question.value
    panel.confirmation.confirm_button.click()
    assert "1 number(s) reserved for new.hire: 1004" in panel.flag_result.value
    assert "not seen from sys.hcs.Prov-1.Cust-1.Site-B: +441154960010" in panel.flag_result.value
    with numkit.connect(database, read_only=True) as inv:
        flags = inv.store.rows("select node, reserved_for from numbers "
                               "where number in ('1004', '+441154960010')")
    assert {row["node"]: row["reserved_for"] for row in flags} == {
        CUST1: "new.hire", "sys.hcs.Prov-1.Cust-2": None, SITE_D: "nfischer"}


def test_taking_over_another_users_reservation_is_confirmed_first(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.flag_numbers.value = "1002"            # reserved for u.okafor
    panel.flag_user.value = "someone.else"
    panel.reserve_button.click()
    assert "held for someone else (1002 for u.okafor)" in panel.confirmation.question.value
    panel.confirmation.cancel_button.click()
    with numkit.connect(database, read_only=True) as inv:
        assert "1002" in inv.belonging_to("u.okafor")["number"].tolist()
    panel.reserve_button.click()
    panel.confirmation.confirm_button.click()
    with numkit.connect(database, read_only=True) as inv:
        assert inv.belonging_to("someone.else")["number"].tolist() == ["1002"]
        assert "1002" not in inv.belonging_to("u.okafor")["number"].tolist()


def test_nothing_is_picked_until_the_analyst_picks(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    assert panel.site.value is None
    panel.username.value = "brand.new1"
    panel.onboard_button.click()
    assert "Pick a site" in panel.result.value
    move = MovePreviewPanel(database, as_of=AS_OF)
    move.user.value = "k.brown"
    move.preview_button.click()
    assert move.destination.value is None and "Pick a user and a destination" in move.outcome.value


def test_flags_need_a_site_and_say_so(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.flag_numbers.value = "1004"
    panel.flag_user.value = "x"
    panel.reserve_button.click()
    assert "Pick a site first" in panel.flag_result.value and not panel.confirmation.pending


def test_node_picker_filters_the_tree(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.search.value = "north"
    labels = [label for label, _ in panel.site.select.options]
    assert labels and all("north" in label.lower() for label in labels)
    panel.site.search.value = ""
    assert any(label.startswith("\u00a0") for label, _ in panel.site.select.options)


def test_move_preview_changes_nothing_until_confirmed(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "k.brown"
    panel.destination.value = SITE_C
    panel.preview_button.click()
    assert set(panel.plan.df["action"]) == {"Replace"}
    assert list(panel.plan.df["new_number"]) == K_BROWN_AT_SITE_C
    assert used_by(database, "k.brown") == ["+442079460011", "+442079460026", "+442079460034"]
    panel.apply_button.click()
    assert panel.confirmation.pending
    panel.confirmation.cancel_button.click()
    assert used_by(database, "k.brown") == ["+442079460011", "+442079460026", "+442079460034"]
    panel.apply_button.click()
    panel.confirmation.confirm_button.click()
    assert "Moved" in panel.outcome.value
    assert used_by(database, "k.brown") == K_BROWN_AT_SITE_C


def test_the_move_confirmed_is_the_move_asked_about(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "k.brown"
    panel.destination.value = SITE_C
    panel.apply_button.click()
    assert "Move k.brown to" in panel.confirmation.question.value
    panel.user.value = "ilewis"            # changed while the question is asked
    panel.confirmation.confirm_button.click()
    assert used_by(database, "k.brown") == K_BROWN_AT_SITE_C
    assert used_by(database, "ilewis") != K_BROWN_AT_SITE_C


def test_any_username_can_be_typed_in_the_move_panel(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    assert not panel.user.ensure_option and "k.brown" in panel.user.options
    panel.user.value = "no.such.user"
    panel.destination.value = SITE_C
    panel.preview_button.click()
    assert "would be refused" in panel.outcome.value and "no.such.user" in panel.outcome.value


def test_refused_move_is_the_outcome_of_the_preview(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "k.brown"
    panel.destination.value = SITE_D
    panel.preview_button.click()
    assert "would be refused" in panel.outcome.value and "customer" in panel.outcome.value


def test_bulk_what_if_flags_conflicts_and_applies_in_order(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.bulk_text.value = f"username,destination\nk.brown,{SITE_C}\ng.kim,{SITE_D}\n"
    panel.bulk_preview_button.click()
    plan = panel.bulk_plan.df
    assert "moves across customers are refused" in plan[plan["username"] == "g.kim"]["conflict"].iloc[0]
    panel.bulk_apply_button.click()
    assert "Not applied" in panel.bulk_outcome.value and not panel.confirmation.pending
    panel.bulk_upload.value = ({"name": "moves.csv", "type": "text/csv", "size": 40,
                                "content": memoryview(f"k.brown,{SITE_C}\nilewis,{SITE_C}\n".encode()),
                                "last_modified": dt.datetime(2026, 11, 23)},)
    assert panel.bulk_text.value.startswith("k.brown")
    panel.bulk_apply_button.click()
    panel.confirmation.confirm_button.click()
    assert "Applied 2 move(s)" in panel.bulk_outcome.value
    assert list(panel.bulk_plan.df.columns) == ["step", "username", "destination", "number", "node",
                                                "action", "new_number", "new_node", "conflict", "full_path"]
    assert used_by(database, "k.brown") == K_BROWN_AT_SITE_C
    assert used_by(database, "ilewis") == ["+441144960000"]


def test_cleanup_report_tables_charts_and_exports(database, tmp_path):
    panel = CleanupReportPanel(database, as_of=AS_OF, older_than_days=30, out_dir=tmp_path / "out")
    deleted = panel.deleted.df
    assert set(deleted["category"]) == {"Deleted", "Never onboarded"}
    assert bytes(panel.deleted_chart.value)[:4] == b"\x89PNG" and bytes(panel.usage_chart.value)[:4] == b"\x89PNG"
    assert len(panel.stuck.df) == 10 and len(panel.stranded.df) == 3
    written = panel.export()
    assert {p.name for p in written} >= {"stuck_cooling.csv", "numkit-report.xlsx"}
    book = openpyxl.load_workbook(tmp_path / "out" / "numkit-report.xlsx")
    assert book.sheetnames == ["Summary", "deleted_user_reservations", "stuck_cooling",
                               "stranded_reservations", "node_utilization", "snapshot_changes",
                               "not_yet_in_voss", "last_load_conflicts", "running_out",
                               "by_customer", "by_site", "leavers_by_user", "used_out_of_sight",
                               "inactive_reservations", "users_without_numbers"]


def test_cleanup_action_dry_run_then_confirm(database):
    panel = CleanupReportPanel(database, as_of=AS_OF, older_than_days=30)
    panel.dry_run_button.click()
    flagged = list(panel.cleanup_rows.df["number"])
    assert flagged and not panel.clear_button.disabled
    with numkit.connect(database, read_only=True) as inv:
        assert len(inv.cleanup_deleted_reservations(30)) == len(flagged)
    panel.clear_button.click()
    assert "users deleted 30+ days ago" in panel.confirmation.question.value
    panel.older_than.value = 1000          # changed while the question is asked
    panel.confirmation.confirm_button.click()
    assert f"Cleared {len(flagged)}" in panel.cleanup_outcome.value
    assert panel.cleanup_rows.caption == "Reserved For flags the cleanup cleared"
    with numkit.connect(database, read_only=True) as inv:
        assert inv.cleanup_deleted_reservations(30).empty


def test_overview_counts_and_load(database, tmp_path):
    panel = OverviewPanel(database)
    assert panel.problems.layout.display == "none"      # no empty problems table before a load
    assert list(panel.by_customer.df["full_path"]) == [CUST1, "sys.hcs.Prov-1.Cust-2"]
    bad = tmp_path / "numbers.csv"
    bad.write_text("number,node\nnot-a-number,x.y\n")
    panel.paths["numbers"].value = str(bad)
    panel.load_button.click()
    assert "Nothing was loaded" in panel.load_result.value
    assert panel.step.value == "" and panel.progress.value == 0    # no step left showing
    assert panel.problems.layout.display == ""
    assert list(panel.problems.df["value"]) == ["not-a-number"]
    good = tmp_path / "more.csv"
    good.write_text(f"Internal Number,Located At,Status\n9999,{SITE_B},Available\n")
    panel.paths["numbers"].value = str(good)
    panel.load_button.click()
    panel.confirmation.confirm_button.click()
    assert "loaded snapshot" in panel.load_result.value
    assert panel.progress.value == 1.0 and panel.problems.layout.display == "none"
    assert panel.by_customer.df["total"].tolist() == [1, 0]


def test_an_export_folder_that_cannot_be_written_says_so(database, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    panel = CleanupReportPanel(database, as_of=AS_OF, older_than_days=30, out_dir=tmp_path / "out")
    panel.export_button.click()
    assert "Wrote" in panel.written.value
    panel.out_dir.value = str(blocker / "reports")
    panel.export_button.click()
    assert "Not written" in panel.written.value and "a-file" in panel.written.value


def test_bulk_lines_that_are_not_moves_are_named_not_dropped(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.bulk_text.value = (f"username,destination\nk.brown,{SITE_C}\nthis line is malformed\n\n"
                             f"c.silva {SITE_C}\nilewis,{SITE_C},extra\n")
    panel.bulk_preview_button.click()
    assert html.unescape(panel.bulk_outcome.value).endswith(
        "Not previewed: 3 line(s) are not username,destination (line 3: 'this line is "
        f"malformed'; line 5: 'c.silva {SITE_C}'; line 6: 'ilewis,{SITE_C},extra').</div>")
    panel.bulk_apply_button.click()
    assert not panel.confirmation.pending


def test_onboarding_result_and_number_choice_follow_the_user_typed(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.username.value = "u.okafor"
    assert panel.number.index == 0 and panel.number.value is None
    panel.onboard_button.click()
    panel.onboard_confirmation.confirm_button.click()
    assert "Onboarded u.okafor" in panel.result.value
    panel.username.value = "zz.newperson"
    assert panel.result.value == "" and panel.number.index == 0
    panel.username.value = "k.brown"
    assert "move preview" in panel.user_state.value


def test_a_replaced_number_reserved_for_the_mover_is_said_to_stay_reserved(database):
    """rules R17: a replaced row keeps its Reserved For flag; seen from the destination it is a
    stranded reservation once the move is done, though the preview's plan calls it replace."""
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "ilewis"
    panel.destination.value = SITE_C
    panel.preview_button.click()
    assert "1 replaced number(s) stay reserved for ilewis (+442079460032)" in panel.outcome.value
    panel.apply_button.click()
    panel.confirmation.confirm_button.click()
    with numkit.connect(database, read_only=True) as inv:
        inv.as_of = AS_OF
        assert "+442079460032" in set(inv.stranded_reservations()["number"])


def test_move_panel_shows_the_destination_after_a_move_and_forgets_stale_previews(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "k.brown"
    panel.destination.value = SITE_C
    panel.preview_button.click()
    assert "1004" in set(panel.destination_candidates.df["number"])
    panel.policy.value = "carry"
    assert panel.outcome.value == "" and panel.plan.df.empty      # the replace preview is gone
    panel.policy.value = "replace"
    panel.apply_button.click()
    panel.confirmation.confirm_button.click()
    assert "Moved" in panel.outcome.value
    assert not set(K_BROWN_AT_SITE_C) & set(panel.destination_candidates.df["number"])


def test_overview_says_how_columns_were_read_and_keeps_named_extra_columns(database, tmp_path):
    panel = OverviewPanel(database)
    export = tmp_path / "numbers.csv"
    export.write_text(f"Internal Number,Located At,Status,Usd By\n9999,{SITE_B},Available,\n")
    panel.paths["numbers"].value = str(export)
    panel.load_button.click()
    assert "Nothing was loaded" in panel.load_result.value
    assert "misspelling of Used By" in " ".join(panel.problems.df["reason"])
    panel.extra_columns.value = "Usd By"
    panel.load_button.click()
    panel.confirmation.confirm_button.click()
    shown = html.unescape(panel.load_result.value)
    assert "loaded snapshot" in shown
    assert "numbers.csv: Internal Number -> number, Located At -> node, Status -> status" in shown
    assert "kept as extra: Usd By" in shown


def test_cleanup_export_replaces_links_planted_in_its_folder(database, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("numkit-report.xlsx", "stuck_cooling.csv"):
        (outside / name).write_text("precious")
        (folder / name).symlink_to(outside / name)
    panel = CleanupReportPanel(database, as_of=AS_OF, older_than_days=30, out_dir=folder)
    panel.export_button.click()
    assert "Wrote" in panel.written.value
    for name in ("numkit-report.xlsx", "stuck_cooling.csv"):
        assert (outside / name).read_text() == "precious"
        assert (folder / name).is_file() and not (folder / name).is_symlink()
    assert len(pd.read_csv(folder / "stuck_cooling.csv")) == 10
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []   # nothing left over


def shown(value):
    """A value as panels and workbooks show it: control characters (and U+FFFE) as escapes."""
    return value.replace(hostile.CONTROLS, r"\x01\x07\x1b[2J\x85\x7f").replace("\ufffe", r"\ufffe")


def test_panels_show_hostile_values_as_text_and_export_them(tmp_path):
    database = hostile.build(tmp_path / "export", tmp_path / "hostile.duckdb")
    panel = CleanupReportPanel(database, as_of="2026-11-30", older_than_days=0, out_dir=tmp_path / "out")
    assert bytes(panel.usage_chart.value)[:4] == b"\x89PNG" and bytes(panel.deleted_chart.value)[:4] == b"\x89PNG"
    assert set(panel.deleted.df["reserved_for"]) >= {shown(hostile.LEAVER), shown(hostile.GHOST)}
    panel.export_button.click()
    assert "Wrote" in panel.written.value and "<script>" not in panel.written.value
    sheet = openpyxl.load_workbook(tmp_path / "out" / "numkit-report.xlsx")["stranded_reservations"]
    assert sheet["C2"].value == shown(hostile.MOVER)
    panel.dry_run_button.click()
    assert list(panel.cleanup_rows.df["number"]) == ["1001"]
    panel.clear_button.click()
    panel.confirmation.confirm_button.click()
    assert "Cleared 1" in panel.cleanup_outcome.value

    overview = OverviewPanel(database)
    assert bytes(overview.chart.value)[:4] == b"\x89PNG"
    assert shown(hostile.LAB) in set(overview.by_site.df["node"])
    onboarding = OnboardingPanel(database, as_of="2026-11-30")
    onboarding.site.search.value = "Lab$_$1"
    onboarding.site.value = hostile.LAB
    onboarding.username.value = hostile.GHOST
    assert html.escape(shown(hostile.GHOST)) in onboarding.user_state.value
    assert any(shown("Lab$_$1" + hostile.CONTROLS) in label for label, _ in onboarding.site.select.options)
    onboarding.onboard_button.click()
    onboarding.onboard_confirmation.confirm_button.click()
    assert "assigned 1002" in onboarding.result.value
    move = MovePreviewPanel(database, as_of="2026-11-30")
    move.user.value = hostile.MOVER
    move.destination.value = hostile.LAB
    move.preview_button.click()
    assert "<script>" not in move.outcome.value and "1005" in set(move.plan.df["number"])


def test_charts_draw_names_as_written():
    assert charts.label("Lab$_$1\x01") == "Lab$_$1\\x01"
    assert charts.label("x" * 500) == "x" * 39 + "…"
    nodes = ["C.Lab$_$1", "C.$\\frac{1}{0}$", "C." + "y" * 100_000, "C.\\", "C.😀\u202e"]
    counts = pd.DataFrame({"node": nodes, "type": "Site", "total": 4, "available": 1, "used": 1,
                           "used_utility": 0, "reserved": 1, "cooling": 1, "inactive": 0,
                           "share_available": 0.25, "alert": True})
    assert bytes(charts.utilization_chart(counts, 0.3))[:4] == b"\x89PNG"
    assert bytes(charts.status_chart(counts))[:4] == b"\x89PNG"


# -- the round trip with VOSS: pending changes, their export, the next load's reconciliation

NEXT_AS_OF = dt.date(2026, 11, 30)


def decide_in_numkit(database, days_ago=None):
    """Onboard u.okafor at Site-B and reserve two numbers there for new.hire, through the API;
    with `days_ago`, the decisions are dated that many days before AS_OF."""
    with numkit.connect(database) as inv:
        inv.as_of = AS_OF
        inv.onboard("u.okafor", SITE_B)
        inv.reserve_for(["+441134960007", "+441134960009"], "new.hire", SITE_B)
        if days_ago is not None:
            moment = dt.datetime.fromisoformat(AS_OF) - dt.timedelta(days=days_ago)
            inv.con.execute('update events set "at" = $at where action <> \'load\'', {"at": moment})
        return inv.pending_changes()


def next_week(tmp_path):
    """VOSS did the new.hire flag on 0009 and onboarded u.okafor; it reserved 0007 for
    someone else; it has not given u.okafor the numbers numkit gave."""
    return write_next_export(tmp_path / "next-week", {
        ("+441134960007", SITE_B): {"Reserved For": "other.person"},
        ("+441134960009", SITE_B): {"Reserved For": "new.hire"},
    }, users=[("u.okafor", SITE_B)])


def load_in_panel(panel, paths):
    for role, path in paths.items():
        panel.paths[role].value = str(path)
    panel.snapshot_date.value = NEXT_AS_OF.isoformat()
    panel.load_button.click()
    panel.confirmation.confirm_button.click()
    assert "loaded snapshot" in panel.load_result.value, panel.load_result.value


def test_panels_show_how_many_changes_are_pending_and_the_oldest(database):
    overview = OverviewPanel(database, as_of=AS_OF)
    assert "Nothing pending" in overview.pending.summary.value
    pending = decide_in_numkit(database, days_ago=9)
    rows = len(pending[pending["number"].notna()][["number", "node"]].drop_duplicates())
    assert (len(pending), rows) == (7, 4)
    for panel in (OverviewPanel(database, as_of=AS_OF),
                  CleanupReportPanel(database, as_of=AS_OF, older_than_days=30)):
        said = html.unescape(panel.pending.summary.value)
        assert "7 pending change(s): 4 number row(s), 1 user(s)" in said
        assert "the oldest decided 9 day(s) ago (2026-11-14)" in said
        shown = panel.pending.changes.df
        assert list(shown.columns) == ["kind", "number", "node", "username", "field", "voss_value",
                                       "numkit_value", "decided_at", "decided_by", "full_path"]
        assert sorted(filter(None, shown["number"])) == sorted(pending["number"].dropna())
    # an operation made in the panel's kernel is counted at the next refresh
    overview.refresh()
    assert "7 pending change(s)" in overview.pending.summary.value


def test_the_export_button_writes_the_three_files_where_the_analyst_says(database, tmp_path):
    decide_in_numkit(database)
    panel = OverviewPanel(database, as_of=AS_OF)
    assert panel.pending.out_dir.value == str(database.parent / "voss-changes")
    panel.pending.out_dir.value = str(tmp_path / "to-voss")
    panel.pending.export_button.click()
    said = html.unescape(panel.pending.outcome.value)
    assert "Wrote 7 pending change(s)" in said, said
    for name in ("changes.csv", "voss-bulk-load.xlsx", "users-to-action.csv"):
        assert (tmp_path / "to-voss" / name).is_file()
        assert str(tmp_path / "to-voss" / name) in said
    assert len(pd.read_csv(tmp_path / "to-voss" / "changes.csv")) == 7
    assert list(pd.read_csv(tmp_path / "to-voss" / "users-to-action.csv")["username"].unique()) == ["u.okafor"]
    cleanup = CleanupReportPanel(database, as_of=AS_OF, older_than_days=30)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cleanup.pending.out_dir.value = str(blocker / "to-voss")
    cleanup.pending.export_button.click()
    assert "Not written" in cleanup.pending.outcome.value and "a-file" in cleanup.pending.outcome.value


def test_a_load_in_the_overview_shows_what_became_of_the_pending_changes(database, tmp_path):
    decide_in_numkit(database)
    panel = OverviewPanel(database, as_of=AS_OF)
    assert panel.reconciliation.layout.display == "none"     # no load made since the decisions
    assert panel.discard.value is False
    load_in_panel(panel, next_week(tmp_path))
    said = html.unescape(panel.reconciliation.summary.value)
    assert "2 applied in VOSS, 2 still pending (re-applied), 1 conflict (VOSS" in said, said
    assert panel.reconciliation.layout.display == ""
    applied = panel.reconciliation.applied.df
    assert sorted(applied["kind"]) == ["Row changed", "User added"]
    assert list(filter(None, applied["number"])) == ["+441134960009"]
    assert sorted(set(panel.reconciliation.still_pending.df["number"])) == ["+441134960000", "1002"]
    conflicts = panel.reconciliation.conflicts.df
    assert list(conflicts["number"]) == ["+441134960007"]
    assert list(conflicts["export_value"]) == ["other.person"]
    assert conflicts["reason"].iloc[0] == "the export shows other values"
    # what stays pending is what was re-applied on the export
    assert "4 pending change(s): 2 number row(s), 0 user(s)" in html.unescape(panel.pending.summary.value)
    cleanup = CleanupReportPanel(database, as_of=NEXT_AS_OF, older_than_days=30)
    assert list(cleanup.reconciliation.conflicts.df["number"]) == ["+441134960007"]


def test_the_discard_checkbox_drops_the_pending_changes(database, tmp_path):
    decide_in_numkit(database)
    panel = OverviewPanel(database, as_of=AS_OF)
    panel.discard.value = True
    load_in_panel(panel, next_week(tmp_path))
    assert "5 discarded" in html.unescape(panel.reconciliation.summary.value)
    assert len(set(filter(None, panel.reconciliation.discarded.df["number"]))) == 4
    assert "Nothing pending" in panel.pending.summary.value
    assert panel.discard.value is False       # discarding is asked for one load at a time
    with numkit.connect(database, read_only=True) as inv:
        assert inv.pending_changes().empty
        assert set(inv.reconciliations()["outcome"]) == {"discarded"}
        assert inv.rows_of(["+441134960007"], SITE_B)[0]["reserved_for"] == "other.person"
        assert inv.rows_of(["1002"], CUST1)[0]["used_by"] is None
