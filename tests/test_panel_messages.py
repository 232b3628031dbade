"""What the panels say is what holds now: the cleanup's line and table follow the rows kept,
an export's links stay with the line that says what they are, the move preview keeps the
replacements apart from the stranded count, the overview shows no idle progress bar nor a
path twice, and onboarding names nodes as its tables do."""

import html
import re

import pytest

import numkit
from numkit.sample import build_sample
from numkit.widgets import CleanupReportPanel, MovePreviewPanel, OnboardingPanel, OverviewPanel

from browser import browser, need, page, save_screenshot  # noqa: F401  (fixtures)
from conftest import CUST1, SITE_C
from test_browser_app import serve_app

AS_OF = "2026-11-23"
# rows of the sample the cleanup of 30 days concerns, as of AS_OF (six in all)
KEPT = ("+12025550112", CUST1)
SITE_B = f"{CUST1}.Site-B"


def said(widget):
    return html.unescape(widget.value)


def keys_of(frame):
    return list(zip(frame["number"], frame["full_path"]))


# -- cleanup --------------------------------------------------------------------------------

def cleanup_panel(database, tmp_path):
    return CleanupReportPanel(database, as_of=AS_OF, older_than_days=30,
                              notebook_folder=tmp_path / "notebooks")


def test_the_cleanup_line_and_table_follow_the_rows_kept(database, tmp_path):
    panel = cleanup_panel(database, tmp_path)
    panel.dry_run_button.click()
    everything = keys_of(panel.cleanup_rows.df)
    assert "would clear 6 Reserved For flag(s)" in said(panel.cleanup_outcome)
    panel.keep.value = (KEPT,)
    line = said(panel.cleanup_outcome)
    assert "would clear 5 Reserved For flag(s)" in line and "keep 1 as they are" in line
    assert "would clear 6" not in line
    assert keys_of(panel.cleanup_rows.df) == [key for key in everything if key != KEPT]
    assert list(panel.cleanup_rows.shown.index) == list(range(5))      # no gap where it was
    assert "1 kept" in panel.cleanup_rows.caption
    # the question asked then and the line under it agree
    panel.clear_button.click()
    assert "Clear 5 Reserved For flag(s)" in said(panel.confirmation.question)
    assert "would clear 5" in said(panel.cleanup_outcome)
    panel.keep_none_button.click()
    assert not panel.confirmation.pending
    line = said(panel.cleanup_outcome)
    assert "would clear 6" in line and "click Clear again" in line and "keep" not in line.split(";")[0]
    assert keys_of(panel.cleanup_rows.df) == everything


def test_keeping_every_row_says_nothing_would_be_cleared(database, tmp_path):
    panel = cleanup_panel(database, tmp_path)
    panel.dry_run_button.click()
    panel.keep.value = tuple(key for _, key in panel.keep.options)
    assert "would clear 0 Reserved For flag(s)" in said(panel.cleanup_outcome)
    assert "keep 6 as they are" in said(panel.cleanup_outcome)
    assert len(panel.cleanup_rows.df) == 0


def test_the_keep_list_fits_the_panel(database, tmp_path):
    # 100% plus the list's own margin ran past the panel's right edge
    panel = cleanup_panel(database, tmp_path)
    assert panel.keep.layout.width != "100%"


def test_an_export_s_links_stay_with_the_line_that_says_what_they_are(database, tmp_path):
    panel = cleanup_panel(database, tmp_path)
    written = panel.export()
    line = said(panel.written)
    assert f"Wrote {len(written)} file(s)" in line and f"as of {AS_OF}, older than 30 days" in line
    panel.older_than.value = 90
    panel.refresh_button.click()
    assert len(panel.downloads.outputs) == 1
    assert said(panel.written) == line          # still the export's own words: 30 days
    assert "older than 30 days" in said(panel.written)


def test_a_failed_export_drops_the_earlier_links_and_says_why(database, tmp_path):
    panel = cleanup_panel(database, tmp_path)
    panel.export()
    blocker = tmp_path / "notebooks" / "a-file"
    blocker.write_text("not a folder")
    panel.out_dir.value = "a-file/reports"
    panel.export()
    assert "Not written" in said(panel.written) and panel.downloads.outputs == ()


# -- move preview ---------------------------------------------------------------------------

def previewed_kbrown(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "k.brown"
    panel.destination.value = SITE_C
    panel.preview_button.click()
    return panel


def test_the_move_summary_keeps_replacements_and_the_stranded_count_apart(database):
    panel = previewed_kbrown(database)
    line = said(panel.outcome)
    stranded = list(panel.stranded.df["number"])
    assert len(stranded) == 1
    swaps = [f"{old} → {new}" for old, new in zip(panel.plan.df["number"], panel.plan.df["new_number"])]
    sentences = re.split(r"(?<=\.) ", line)
    with_swaps = [s for s in sentences if swaps[0] in s]
    with_count = [s for s in sentences if "stranded reservation(s)" in s]
    assert len(with_swaps) == len(with_count) == 1 and with_swaps != with_count
    assert all(swap in with_swaps[0] for swap in swaps)
    assert with_count[0] == f"1 stranded reservation(s) once moved: {stranded[0]}."


def test_candidates_come_in_the_same_column_order_in_move_and_onboarding(database):
    move = previewed_kbrown(database)
    onboarding = OnboardingPanel(database, as_of=AS_OF)
    onboarding.site.value = SITE_B
    onboarding.username.value = "u.okafor"
    assert list(move.destination_candidates.df.columns)[0] == "position"
    assert list(onboarding.candidates.df.columns)[0] == "position"


# -- overview -------------------------------------------------------------------------------

def test_the_snapshot_date_placeholder_fits_with_its_hint_beside(database):
    panel = OverviewPanel(database, as_of=AS_OF)
    # the box shows some 14 characters beside its description
    assert len(panel.snapshot_date.placeholder) <= 12
    assert "as of" in panel.snapshot_hint.value


def test_the_progress_bar_shows_only_while_a_load_runs(database, tmp_path):
    panel = OverviewPanel(database, as_of=AS_OF)
    assert panel.progress_row.layout.display == "none"
    seen = []
    showing = panel._progress

    def recording(fraction, step):
        showing(fraction, step)
        seen.append(panel.progress_row.layout.display)

    panel._progress = recording
    good = tmp_path / "more.csv"
    good.write_text(f"Internal Number,Located At,Status\n9999,{SITE_B},Available\n")
    panel.paths["numbers"].value = str(good)
    panel.load_button.click()
    assert "" in seen                                  # shown during the rehearsal
    assert panel.progress_row.layout.display == "none"
    seen.clear()
    panel.confirmation.confirm_button.click()
    assert "loaded snapshot" in panel.load_result.value
    assert "" in seen                                  # and during the load
    assert panel.progress_row.layout.display == "none"
    bad = tmp_path / "bad.csv"
    bad.write_text("number,node\nnot-a-number,x.y\n")
    panel.paths["numbers"].value = str(bad)
    panel.load_button.click()
    assert "Nothing was loaded" in panel.load_result.value
    assert panel.progress_row.layout.display == "none"


def test_the_files_loaded_are_named_once(database):
    panel = OverviewPanel(database, as_of=AS_OF)
    files = panel.snapshot_files.df
    assert "file" not in files.columns
    with numkit.connect(database, read_only=True) as inv:
        given = {f["role"]: f["path"] for f in inv.current_snapshot()["files"]}
    assert dict(zip(files["role"], files["path"])) == given


# -- onboarding -----------------------------------------------------------------------------

def test_onboarding_names_the_user_s_last_node_as_its_tables_do(database):
    panel = OnboardingPanel(database, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.username.value = "u.okafor"
    line = said(panel.user_state)
    assert "was deleted" in line
    named = panel.session.node_names
    with numkit.connect(database, read_only=True) as inv:
        inv.as_of = AS_OF
        node = inv.user_status("u.okafor")["node"]
    assert f"(was at {named[node]})" in line and node not in line


# -- in the app, in Chromium ----------------------------------------------------------------

@pytest.mark.browser
def test_in_the_app_the_cleanup_and_move_say_what_holds_now(tmp_path_factory, page):
    expect = need("playwright.sync_api").expect
    root = tmp_path_factory.mktemp("app")
    database = build_sample(root / "inventory.duckdb")
    with serve_app(root, database) as base_url:
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(f"{base_url}/voila/render/app.ipynb", wait_until="commit", timeout=120_000)
        expect(page.get_by_role("tab", name="Cleanup report")).to_be_visible(timeout=120_000)
        expect(page.get_by_placeholder("optional", exact=True)).to_be_visible(timeout=60_000)
        save_screenshot(page, "messages-overview")
        page.get_by_role("tab", name="Cleanup report").click()
        page.get_by_role("tab", name="Cleanup", exact=True).click()
        page.locator('button.jupyter-button[title="Dry run cleanup"]').click()
        expect(page.get_by_text("The cleanup would clear 6")).to_be_visible(timeout=30_000)
        keep = page.locator(".widget-select-multiple select").filter(visible=True)
        keep.select_option(index=1)
        expect(page.get_by_text("The cleanup would clear 5")).to_be_visible(timeout=30_000)
        # the list's right edge inside the tab's
        box = keep.bounding_box()
        panel = page.locator(".lm-TabPanel-tab, .p-TabPanel-tab, .widget-tab-contents").filter(
            visible=True).last.bounding_box()
        assert box["x"] + box["width"] <= panel["x"] + panel["width"]
        save_screenshot(page, "messages-cleanup-keep-one")
        page.get_by_role("tab", name="Move preview").click()
        user = page.get_by_placeholder("type to search the users")
        search = page.get_by_placeholder("type to filter the nodes").filter(visible=True)
        search.fill("Site-C")
        page.locator(".widget-select select").filter(visible=True).first.select_option(
            label=f"{SITE_C} (Site)")
        user.fill("k.brown")
        user.press("Enter")
        page.locator('button.jupyter-button[title="Preview move"]').click()
        expect(page.get_by_text("1 stranded reservation(s) once moved: +442079460034.")).to_be_visible(
            timeout=30_000)
        save_screenshot(page, "messages-move-preview")
