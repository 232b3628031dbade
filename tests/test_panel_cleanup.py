"""The cleanup panel and report: notes seen before a clear, rows opted out of it, exports
the browser can download and that never replace an earlier one, and a report below the
panel that shows what the panel changed (rules R21, R22)."""

import html
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

import numkit
from numkit import notebook_files
from numkit.errors import InvalidOperation
from numkit.reports.exports import new_dated_folder
from numkit.reports.sections import CleanupReport
from numkit.widgets import CleanupReportPanel

from browser import browser, jupyter_lab, need, open_and_run_all, page, save_screenshot  # noqa: F401

AS_OF = "2026-11-23"
CUST1 = "sys.hcs.Prov-1.Cust-1"
# rows of the sample the cleanup of 30 days concerns, as of AS_OF
HELD_FOR_MANAGER = [("+12025550112", CUST1), ("+12025550114", CUST1)]
NO_NOTES = ("+442079460022", f"{CUST1}.Site-A")
LONG_NOTE = ("Leaver - hold for manager: J. Ng wants this DID kept for the successor who starts "
             "in March; ask before clearing <b>anything</b> " + "x" * 300 + " (end)")


def flags(database, keys):
    with numkit.connect(database, read_only=True) as inv:
        return {key: inv.sql("select reserved_for from numbers where number = $n and node = $d",
                             {"n": key[0], "d": key[1]})["reserved_for"].iloc[0] for key in keys}


def keys_of(frame):
    """(number, node path) of each row; a panel table names nodes short, its path beside."""
    paths = frame["full_path"] if "full_path" in frame.columns else frame["node"]
    return list(zip(frame["number"], paths))


@pytest.fixture
def noted(database):
    """The sample with a long note on a row the cleanup concerns."""
    with numkit.connect(database) as inv:
        inv.as_of = AS_OF
        inv.set_status(HELD_FOR_MANAGER[0][0], "Reserved", node=CUST1, notes=LONG_NOTE)
    return database


@pytest.fixture
def panel(noted, tmp_path):
    return CleanupReportPanel(noted, as_of=AS_OF, older_than_days=30,
                              notebook_folder=tmp_path / "notebooks")


# -- the notes, seen before anything is cleared ---------------------------------------------

def test_the_dry_run_lists_each_row_with_its_notes(noted):
    with numkit.connect(noted, read_only=True) as inv:
        inv.as_of = AS_OF
        plan = inv.cleanup_deleted_reservations(30).set_index("number")
    assert plan.loc[HELD_FOR_MANAGER[0][0], "reservation_notes"] == LONG_NOTE
    assert plan.loc[HELD_FOR_MANAGER[1][0], "reservation_notes"] == "Leaver - hold for manager"
    assert pd.isna(plan.loc[NO_NOTES[0], "reservation_notes"])


def test_the_panel_s_dry_run_shows_every_note_whole(panel):
    concerned = panel.dry_run()
    shown = panel.cleanup_rows.df.set_index("number")["reservation_notes"]
    assert shown[HELD_FOR_MANAGER[0][0]] == LONG_NOTE
    labels = [label for label, _ in panel.keep.options]
    assert len(labels) == len(concerned) == 6
    assert any(LONG_NOTE in label and label.startswith(HELD_FOR_MANAGER[0][0]) for label in labels)
    assert sum("notes: (none)" in label for label in labels) == 1
    assert "5 with notes" in panel.cleanup_outcome.value


def test_the_held_for_leavers_table_puts_the_notes_beside_the_number(panel):
    assert list(panel.deleted.df.columns[:4]) == ["number", "node", "reserved_for", "reservation_notes"]
    assert LONG_NOTE in set(panel.deleted.df["reservation_notes"])


# -- opting rows out ------------------------------------------------------------------------

def test_a_cleanup_with_one_row_kept_clears_the_others_and_says_so_in_events(noted):
    kept = HELD_FOR_MANAGER[0]
    with numkit.connect(noted) as inv:
        inv.as_of = AS_OF
        concerned = keys_of(inv.cleanup_deleted_reservations(30))
        before = len(inv.events())
        cleared = inv.cleanup_deleted_reservations(30, dry_run=False, keep=[kept])
        events = inv.events().iloc[before:]
    others = [key for key in concerned if key != kept]
    assert sorted(keys_of(cleared)) == sorted(others)
    assert sorted(zip(events["number"], events["node"])) == sorted(others)
    assert set(events["action"]) == {"cleanup_deleted_reservation"}
    after = flags(noted, concerned)
    assert after[kept] == "w.davies" and all(after[key] is None for key in others)


def test_a_dry_run_with_rows_kept_lists_only_those_it_would_clear(noted):
    with numkit.connect(noted, read_only=True) as inv:
        inv.as_of = AS_OF
        plan = inv.cleanup_deleted_reservations(30)
        with_notes = plan[plan["reservation_notes"].notna()]
        rest = inv.cleanup_deleted_reservations(30, keep=with_notes)
    assert keys_of(rest) == [NO_NOTES]


def test_keeping_a_row_the_cleanup_would_not_clear_is_refused_and_changes_nothing(noted):
    stray = ("+12025550107", CUST1)          # never onboarded: not the cleanup's
    with numkit.connect(noted) as inv:
        inv.as_of = AS_OF
        concerned = keys_of(inv.cleanup_deleted_reservations(30))
        with pytest.raises(InvalidOperation, match=r"\+12025550107 at sys.hcs.Prov-1.Cust-1"):
            inv.cleanup_deleted_reservations(30, dry_run=False, keep=[HELD_FOR_MANAGER[0], stray])
        with pytest.raises(InvalidOperation, match="pairs"):
            inv.cleanup_deleted_reservations(30, dry_run=False, keep="+12025550112")
    assert all(flag is not None for flag in flags(noted, concerned).values())


def test_the_panel_clears_all_but_the_rows_kept(panel, noted):
    panel.dry_run_button.click()
    concerned = keys_of(panel.cleanup_rows.df)
    panel.keep.value = (HELD_FOR_MANAGER[0],)
    panel.clear_button.click()
    question = panel.confirmation.question.value
    assert "Clear 5 Reserved For flag(s)" in question and "keep 1 as they are" in question
    panel.confirmation.confirm_button.click()
    assert "Cleared 5 Reserved For flag(s); kept 1 as they are." in panel.cleanup_outcome.value
    assert HELD_FOR_MANAGER[0] not in keys_of(panel.cleanup_rows.df)
    after = flags(noted, concerned)
    assert after[HELD_FOR_MANAGER[0]] == "w.davies"
    assert [key for key, flag in after.items() if flag is not None] == [HELD_FOR_MANAGER[0]]
    # the panel's own tables follow: only the kept row is left of the deleted users' rows
    deleted = panel.deleted.df
    assert keys_of(deleted[deleted["category"] == "Deleted"]) == [HELD_FOR_MANAGER[0]]


def test_keep_every_row_with_notes_leaves_only_the_row_without(panel, noted):
    panel.dry_run_button.click()
    panel.keep_noted_button.click()
    assert len(panel.keep.value) == 5 and NO_NOTES not in panel.keep.value
    panel.clear_button.click()
    panel.confirmation.confirm_button.click()
    assert "Cleared 1 Reserved For flag(s); kept 5" in panel.cleanup_outcome.value
    assert flags(noted, [NO_NOTES])[NO_NOTES] is None


def test_changing_the_rows_kept_withdraws_the_question(panel):
    panel.dry_run_button.click()
    panel.clear_button.click()
    assert panel.confirmation.pending
    panel.keep.value = (NO_NOTES,)
    assert not panel.confirmation.pending and "click Clear again" in panel.cleanup_outcome.value


def test_rows_changed_after_the_question_are_not_cleared_unseen(panel, noted):
    panel.dry_run_button.click()
    concerned = keys_of(panel.cleanup_rows.df)
    panel.clear_button.click()
    with numkit.connect(noted) as inv:       # someone else, meanwhile
        inv.clear_reserved_for(NO_NOTES[0], node=NO_NOTES[1])
    panel.confirmation.confirm_button.click()
    assert "changed since the dry run" in panel.cleanup_outcome.value
    assert [key for key, flag in flags(noted, concerned).items() if flag is None] == [NO_NOTES]


# -- exports: under the notebooks' folder, dated, never replaced, offered as downloads ------

def links(markup):
    """(href, download) of each link in `markup`, as the browser reads them."""
    return [(html.unescape(href), html.unescape(name)) for href, name in
            re.findall(r'<a href="([^"]*)" download="([^"]*)">', markup)]


def downloads_of(panel):
    (output,) = panel.downloads.outputs
    return output["data"]["text/html"]


def assert_links_fetch(markup, folder, written):
    """Each written file has a link whose href, resolved against `folder` (the notebook's),
    is that file, and whose download name is the file's."""
    found = links(markup)
    assert not any(href.startswith(("/", "..")) for href, _ in found)
    fetched = {(folder / unquote(href)).resolve(): name for href, name in found}
    assert len(found) == len(written) and set(fetched) == {path.resolve() for path in written}
    assert all(fetched[path.resolve()] == path.name for path in written)


def test_an_export_lands_in_a_dated_folder_under_the_notebooks_with_links(panel, tmp_path):
    notebooks = tmp_path / "notebooks"
    written = panel.export()
    first = notebooks / "exports" / "cleanup-2026-11-23"
    assert {path.parent for path in written} == {first}
    assert {path.name for path in written} >= {"numkit-report.xlsx", "deleted_user_reservations.csv"}
    assert_links_fetch(downloads_of(panel), notebooks, written)


def test_a_second_export_the_same_day_does_not_replace_the_first(panel, tmp_path):
    exports = tmp_path / "notebooks" / "exports"
    first = panel.export()
    before = {path: path.read_bytes() for path in first}
    (first[0].parent / "deleted_user_reservations.csv").write_text("the analyst's edits")
    second = panel.export()
    assert {path.parent.name for path in second} == {"cleanup-2026-11-23-2"}
    assert (exports / "cleanup-2026-11-23" / "deleted_user_reservations.csv").read_text() == "the analyst's edits"
    assert all(first[0].parent / path.name in before for path in second)
    assert_links_fetch(downloads_of(panel), tmp_path / "notebooks", second)
    assert "cleanup-2026-11-23-2" in panel.written.value


def test_a_dated_folder_passes_over_a_file_or_link_of_its_name(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "cleanup-2026-11-23").symlink_to(outside)
    (tmp_path / "exports" / "cleanup-2026-11-23-2").write_text("a file")
    folder = new_dated_folder(tmp_path / "exports", "cleanup", "2026-11-23")
    assert folder.name == "cleanup-2026-11-23-3" and folder.is_dir() and not folder.is_symlink()
    assert list(outside.iterdir()) == []


def test_a_named_folder_is_written_as_named_saying_what_it_replaced(panel, tmp_path):
    panel.out_dir.value = 'odd "<folder> #1%'     # relative to the notebook, as its links
    first = panel.export()
    assert "replacing" not in panel.written.value
    second = panel.export()
    assert first == second and first[0].parent == tmp_path / "notebooks" / 'odd "<folder> #1%'
    assert "replacing the 16 of an earlier export there" in html.unescape(panel.written.value)
    markup = downloads_of(panel)
    assert "<folder>" not in markup
    assert_links_fetch(markup, tmp_path / "notebooks", second)


def test_files_outside_the_notebooks_folder_are_named_not_linked(panel, tmp_path):
    panel.out_dir.value = str(tmp_path / "elsewhere")
    written = panel.export()
    markup = downloads_of(panel)
    assert links(markup) == [] and "where the browser cannot fetch them" in markup
    assert str(written[0]) in html.unescape(markup)


def test_the_report_s_export_is_dated_and_linked_too(noted, tmp_path):
    report = CleanupReport(noted, as_of=AS_OF, older_than_days=30)
    first = report.export(notebook_folder=tmp_path)
    second = report.export(notebook_folder=tmp_path)
    folders = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert folders == ["cleanup-2026-11-23", "cleanup-2026-11-23-2"]
    for section, folder in zip((first, second), folders):
        assert_links_fetch(section._repr_html_(), tmp_path,
                           list((tmp_path / "exports" / folder).iterdir()))


# -- the report below the panel follows it --------------------------------------------------

@pytest.fixture
def shell():
    """An IPython shell whose displays a test captures, as a notebook's kernel shows them."""
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    capture = pytest.importorskip("IPython.utils.capture")
    made = not interactiveshell.InteractiveShell.initialized()
    interactiveshell.InteractiveShell.instance()
    with capture.capture_output() as captured:
        yield captured
    if made:
        interactiveshell.InteractiveShell.clear_instance()


def test_after_a_clear_the_report_below_shows_the_new_figures(noted, tmp_path, shell):
    from IPython.display import display

    report = CleanupReport(noted, as_of=AS_OF, older_than_days=30)
    display(report.summary())
    display(report.deleted_user_reservations())
    shown = {output.transient["display_id"]: output for output in shell.outputs}
    assert len(shown) == 2 and not any(output.update for output in shell.outputs)
    assert "6 reserved for users deleted at least 30 days ago" in "".join(
        output.data["text/html"] for output in shell.outputs)

    panel = CleanupReportPanel(noted, as_of=AS_OF, older_than_days=30,
                               notebook_folder=tmp_path, report=report)
    panel.dry_run_button.click()
    panel.keep.value = (HELD_FOR_MANAGER[0],)
    panel.clear_button.click()
    panel.confirmation.confirm_button.click()

    updates = [output for output in shell.outputs if output.update]
    assert {output.transient["display_id"] for output in updates} == set(shown)
    deleted = next(output.data["text/html"] for output in updates
                   if output.transient["display_id"].endswith("deleted_user_reservations"))
    assert "1 reserved for users deleted at least 30 days ago" in deleted
    assert report.data.counts["deleted"] == 1


def test_the_panel_s_refresh_reads_the_report_again(noted, tmp_path):
    report = CleanupReport(noted, as_of=AS_OF, older_than_days=30)
    panel = CleanupReportPanel(noted, as_of=AS_OF, older_than_days=30,
                               notebook_folder=tmp_path, report=report)
    with numkit.connect(noted) as inv:       # a change made elsewhere
        inv.clear_reserved_for(NO_NOTES[0], node=NO_NOTES[1])
    assert report.data.counts["deleted"] == 6
    panel.refresh_button.click()
    assert report.data.counts["deleted"] == 5


# -- the notebook ---------------------------------------------------------------------------

@pytest.mark.notebook
def test_the_notebook_exports_beside_itself_and_links_the_files(sample_file, tmp_path):
    papermill = pytest.importorskip("papermill")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebook = next(p for p in notebook_files.paths() if "cleanup" in p.name)
    shutil.copy(notebook, folder / notebook.name)
    database = tmp_path / "inventory.duckdb"
    shutil.copy(sample_file, database)
    executed = papermill.execute_notebook(
        str(folder / notebook.name), str(tmp_path / "ran.ipynb"), kernel_name="python3",
        parameters={"database": str(database), "as_of": AS_OF}, progress_bar=False, cwd=str(folder))
    written = sorted((folder / "exports" / "cleanup-2026-11-23").iterdir())
    assert {p.name for p in written} >= {"numkit-report.xlsx", "stuck_cooling.csv"}
    files = executed.cells[-1].outputs[0]["data"]["text/html"]
    assert len(links(files)) == len(written)
    for href, _ in links(files):
        assert (folder / unquote(href)).is_file()


def test_the_scheduled_page_links_the_files_beside_it(noted, tmp_path):
    from numkit.reports.scheduled import run_report

    page = run_report(noted, tmp_path / "weekly", as_of=AS_OF, older_than_days=30)
    written = [p for p in page.parent.iterdir() if p.suffix in (".csv", ".xlsx")]
    assert_links_fetch(page.read_text(encoding="utf-8"), page.parent, written)


# -- in JupyterLab --------------------------------------------------------------------------

@pytest.mark.browser
def test_in_jupyterlab_the_links_download_and_the_report_follows_a_clear(page, sample_file, tmp_path):
    from numkit.sample import DATABASE_VARIABLE

    expect = need("playwright.sync_api").expect
    root = tmp_path / "notebooks"
    root.mkdir()
    notebook = next(p for p in notebook_files.paths() if "cleanup" in p.name)
    shutil.copy(notebook, root / notebook.name)
    database = tmp_path / "inventory.duckdb"
    shutil.copy(sample_file, database)
    with jupyter_lab(root, env={DATABASE_VARIABLE: str(database)}) as base_url:
        open_and_run_all(page, base_url, notebook.name)
        # Run All's export: the report's Files section links each file
        (folder,) = (root / "exports").iterdir()
        link = page.locator(f'a[download="stuck_cooling.csv"][href*="{folder.name}"]').first
        with page.expect_download() as download:
            link.click()
        assert Path(download.value.path()).read_bytes() == (folder / "stuck_cooling.csv").read_bytes()
        # the panel's export: a new folder, its links fetch its files
        page.locator('button.jupyter-button[title="Export CSV + XLSX"]').click()
        expect(page.get_by_text(f"{folder.name}-2", exact=False).first).to_be_visible()
        link = page.locator('.widget-output a[download="numkit-report.xlsx"]').first
        with page.expect_download() as download:
            link.click()
        second = root / "exports" / f"{folder.name}-2" / "numkit-report.xlsx"
        assert Path(download.value.path()).read_bytes() == second.read_bytes()
        # a clear in the panel: the report below shows the figures after it
        held = page.get_by_text("6 reserved for users deleted at least 30 days ago")
        expect(held).to_be_visible()
        page.get_by_role("tab", name="Cleanup", exact=True).click()
        page.locator('button.jupyter-button[title="Dry run cleanup"]').click()
        expect(page.get_by_text("The cleanup would clear 6")).to_be_visible()
        page.locator('button.jupyter-button[title="Clear these flags…"]').click()
        page.locator('button.jupyter-button[title="Confirm"]').click()
        expect(page.get_by_text("Cleared 6 Reserved For flag(s)")).to_be_visible()
        expect(page.get_by_text("0 reserved for users deleted at least 30 days ago")).to_be_visible()
        save_screenshot(page, "cleanup-after-clear")
