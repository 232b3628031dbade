"""The weekly job: load the newest export, then report; twice, on two snapshots of the sample."""

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main
from numkit.labels import LABELS
from numkit.widgets import CleanupReportPanel

import hostile
from browser import browser, need, page, save_screenshot  # noqa: F401  (fixtures)
from unwritable import fingerprint, read_only_view

SAMPLE = Path(__file__).resolve().parent.parent / "numkit" / "sample_export"
SITE_A = "sys.hcs.Prov-1.Cust-1.Site-A"
SITE_B = "sys.hcs.Prov-1.Cust-1.Site-B"
HOSTILE = '=HYPERLINK("http://example.invalid","click")'


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def next_week(week1, folder):
    """The sample a week later: one number gone, one new, one retired, flags set and cleared,
    a user gone, a user new."""
    folder.mkdir()
    shutil.copy(week1 / "hierarchy.csv", folder / "hierarchy.csv")
    numbers = read(week1 / "numbers.csv")
    number = numbers["Internal Number"]
    numbers = numbers[number != "\\+442079460004"]
    numbers.loc[numbers["Internal Number"] == "\\+442079460007", "Status"] = "Inactive"
    numbers.loc[numbers["Internal Number"] == "\\+442079460008", "Reserved For"] = HOSTILE
    numbers.loc[numbers["Internal Number"] == "\\+12025550107", "Reserved For"] = ""
    added = pd.DataFrame([{**{c: "" for c in numbers.columns}, "Internal Number": "\\+442079460999",
                           "Located At": SITE_A, "Status": "Available"}])
    pd.concat([numbers, added]).to_csv(folder / "numbers.csv", index=False)
    users = read(week1 / "users.csv")
    users = users[users["Username"] != "ADavies"]
    users = pd.concat([users, pd.DataFrame([{"Username": "newstarter", "Located At": SITE_B}])])
    users.to_csv(folder / "users.csv", index=False)
    return folder


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def weekly(tmp_path_factory):
    root = tmp_path_factory.mktemp("weekly")
    week1 = root / "week1"
    shutil.copytree(SAMPLE, week1)
    week2 = next_week(week1, root / "week2")
    db = root / "inventory.duckdb"
    run("load", db, "--dir", week1)
    first = run("report", db, "--out", root / "report1", "--as-of", "2026-11-23", "--older-than", 30)
    run("load", db, "--numbers", week2 / "numbers.csv", "--users", week2 / "users.csv",
        "--hierarchy", week2 / "hierarchy.csv", "--as-of", "2026-11-30")
    second = run("report", db, "--out", root / "report2", "--as-of", "2026-11-30", "--older-than", 30)
    return root, db, first, second


def test_each_run_writes_html_csv_and_one_workbook(weekly):
    root, *_ = weekly
    for report in ("report1", "report2"):
        names = {p.name for p in (root / report).iterdir()}
        assert {"cleanup-report.html", "numkit-report.xlsx", "deleted_user_reservations.csv",
                "stuck_cooling.csv", "stranded_reservations.csv", "node_utilization.csv",
                "snapshot_changes.csv", "not_yet_in_voss.csv", "last_load_conflicts.csv"} <= names
        book = openpyxl.load_workbook(root / report / "numkit-report.xlsx")
        assert book.sheetnames == ["Summary", "deleted_user_reservations", "stuck_cooling",
                                   "stranded_reservations", "node_utilization", "snapshot_changes",
                                   "not_yet_in_voss", "last_load_conflicts", "running_out",
                                   "by_customer", "by_site", "leavers_by_user", "used_out_of_sight",
                                   "inactive_reservations", "users_without_numbers"]


def test_the_diff_between_the_two_weeks(weekly):
    root, db, _, second = weekly
    changes = read(root / "report2" / "snapshot_changes.csv")
    got = sorted(map(tuple, changes[["change", "number", "username", "before", "after"]].values.tolist()))
    assert got == sorted([
        ("number_added", "+442079460999", "", "", "Available"),
        ("number_removed", "+442079460004", "", "Available", ""),
        ("reserved_for_cleared", "+12025550107", "George.Kaur", "George.Kaur", ""),
        ("reserved_for_set", "+442079460008", "'" + HOSTILE, "", "'" + HOSTILE),
        ("status_changed", "+442079460007", "", "Available", "Inactive"),
        ("user_deleted", "", "ADavies", "sys.hcs.Prov-1.Cust-2.Site-D", ""),
        ("user_onboarded", "", "newstarter", "", SITE_B),
    ])
    assert "since the last snapshot: 1 number(s) added, 1 number(s) removed, 1 status change(s)" in second
    assert run("diff", db).splitlines()[1].startswith("1 number(s) added, 1 number(s) removed")


def test_users_gone_between_snapshots_are_deleted_at_that_snapshot(weekly):
    _, db, *_ = weekly
    with numkit.connect(db, read_only=True) as inv:
        deleted = inv.store.rows("select deleted_at from deleted_users where username = 'ADavies'")
    assert [str(row["deleted_at"]) for row in deleted] == ["2026-11-30"]


def test_report_tables_follow_the_snapshots(weekly):
    root, *_ = weekly
    first = read(root / "report1" / "deleted_user_reservations.csv")
    second = read(root / "report2" / "deleted_user_reservations.csv")
    assert "+12025550107" in set(first["number"]) and "+12025550107" not in set(second["number"])
    assert set(first["category"]) == {"deleted", "never_onboarded"}
    stuck1, stuck2 = read(root / "report1" / "stuck_cooling.csv"), read(root / "report2" / "stuck_cooling.csv")
    newly_stuck = stuck2[~stuck2["number"].isin(stuck1["number"])]
    assert set(stuck1["number"]) < set(stuck2["number"])
    # the snapshot moved on a week: cooling due before its 20-day look-back is now stuck
    assert all("2026-11-03" <= date < "2026-11-10" for date in newly_stuck["release_date"])
    usage = read(root / "report2" / "node_utilization.csv").set_index("node")
    assert usage.loc[SITE_A, "inactive"] == str(int(read(root / "report1" / "node_utilization.csv")
                                                   .set_index("node").loc[SITE_A, "inactive"]) + 1)


def test_spreadsheet_formulas_in_text_are_neutralised_and_numbers_intact(weekly):
    root, *_ = weekly
    book = openpyxl.load_workbook(root / "report2" / "numkit-report.xlsx")
    sheet = book["deleted_user_reservations"]
    rows = sheet_rows(book, "deleted_user_reservations")
    hostile = [row for row in rows if row["number"] == "+442079460008"]
    assert hostile and hostile[0]["reserved_for"] == "'" + HOSTILE
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert all(row["number"].startswith(("+", "0", "1")) for row in rows)
    assert any(row["number"] == "+442079460022" for row in rows)


def test_html_report_has_no_code_and_renders_offline(weekly, page):
    root, *_ = weekly
    html = (root / "report2" / "cleanup-report.html").read_text()
    assert "CleanupReport(" not in html and "import numkit" not in html
    assert "cdnjs" not in html and "<script type=\"module\">" not in html
    assert "Since the last snapshot" in html and "&lt;" not in HOSTILE
    # a missing value is an empty cell, whatever the column's type
    for missing in ("None", "&lt;NA&gt;", "NaN", "NaT", "nan"):
        assert f"<td>{missing}</td>" not in html, missing
    assert "<td></td>" in html
    assert "<td>2026-01-12</td>" in html     # dates without a time of day
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((root / "report2" / "cleanup-report.html").as_uri())
    need("playwright.sync_api").expect(page.get_by_text("Cleanup report: inventory.duckdb, 2026-11-30")).to_be_visible()
    assert page.locator("table.numkit-table").count() >= 4
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    save_screenshot(page, "cleanup-report-html")


def test_cleanup_command_dry_run_then_apply(weekly, tmp_path):
    _, db, *_ = weekly
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    dry = run("cleanup", copy, "--older-than", 30, "--as-of", "2026-11-30")
    would = int(dry.strip().splitlines()[-1].split()[2])
    assert would > 0 and "dry run" in dry
    with numkit.connect(copy, read_only=True) as inv:
        events_before = len(inv.events())
    applied = run("cleanup", copy, "--older-than", 30, "--as-of", "2026-11-30", "--apply")
    assert f"cleared {would} Reserved For flag(s)" in applied
    with numkit.connect(copy, read_only=True) as inv:
        events = inv.events()
        assert len(events) == events_before + would
        assert set(events["action"].iloc[-would:]) == {"cleanup_deleted_reservation"}
        assert inv.cleanup_deleted_reservations(30).empty


@pytest.fixture
def stored(sample_file, tmp_path):
    """A copy of the sample inventory, alone in its folder."""
    folder = tmp_path / "store"
    folder.mkdir()
    shutil.copy(sample_file, folder / "inventory.duckdb")
    return folder / "inventory.duckdb"


def test_report_on_a_database_the_user_may_only_read_writes_nothing_to_it(stored, tmp_path):
    before = fingerprint(stored.parent)
    with read_only_view(stored.parent) as view:
        result = CliRunner().invoke(main, ["report", str(view / stored.name), "--out",
                                           str(tmp_path / "out"), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "cleanup-report.html").is_file()
    assert fingerprint(stored.parent) == before


def test_the_report_runs_panel_only_reads(stored, tmp_path):
    """The scheduled run shows the panel read-only: it opens the file for reading only,
    and its cleanup is refused rather than opening the file for writing."""
    before = fingerprint(stored.parent)
    with read_only_view(stored.parent) as view:
        panel = CleanupReportPanel(view / stored.name, as_of="2026-11-23", older_than_days=30,
                                   out_dir=tmp_path / "out", read_only=True)
        assert panel.session.inventory.read_only
        assert len(panel.dry_run()) > 0
        assert panel.clear_button.disabled
        panel.clear(30)
        assert "read-only" in panel.cleanup_outcome.value
        panel.session.inventory.close()
    assert fingerprint(stored.parent) == before


# A control character cannot be written in an XLSX cell (XML 1.0 has no way to hold it), nor
# U+FFFE: the workbook shows each as an escape, the CSV holds the value exactly.
XLSX_CONTROLS = r"\x01\x07\x1b[2J\x85\x7f"
XLSX_ODD = hostile.ODD.replace("\ufffe", r"\ufffe")


def xlsx_shows(tag):
    return f"{tag}{XLSX_CONTROLS}{XLSX_ODD}"


# The workbook's headers are in words; the tests read them by the API's column names.
NAMES = {words: name for name, words in LABELS.items()}


def sheet_rows(book, name):
    sheet = book[name]
    header = [NAMES.get(cell.value, cell.value) for cell in sheet[1]]
    return [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)]


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    db = hostile.build(root / "export", root / "inventory.duckdb")
    output = run("report", db, "--out", root / "report", "--as-of", "2026-11-30")
    return root / "report", output


def test_a_report_of_hostile_values_is_written_whole(hostile_report):
    out, output = hostile_report
    assert {"cleanup-report.html", "numkit-report.xlsx",
            "deleted_user_reservations.csv", "stuck_cooling.csv", "stranded_reservations.csv",
            "node_utilization.csv", "snapshot_changes.csv"} <= {p.name for p in out.iterdir()}
    assert "numbers held for leavers: 4 (1 deleted, 3 never onboarded)" in output


def test_csv_files_hold_hostile_values_exactly(hostile_report):
    out, _ = hostile_report
    deleted = read(out / "deleted_user_reservations.csv").set_index("number")
    assert deleted.loc["1001", "reserved_for"] == hostile.LEAVER
    assert deleted.loc["1001", "reservation_notes"] == "'" + hostile.FORMULA_NOTE
    assert deleted.loc["1002", "reservation_notes"] == hostile.hostile("note")
    assert deleted.loc["1002", "node"] == hostile.LAB
    stuck = read(out / "stuck_cooling.csv")
    assert stuck["description"].tolist() == [hostile.LONG_DESCRIPTION]
    stranded = read(out / "stranded_reservations.csv")
    assert stranded[["reserved_for", "user_node"]].values.tolist() == [[hostile.MOVER, hostile.SITE_B]]
    assert hostile.LAB in set(read(out / "node_utilization.csv")["node"])
    changes = read(out / "snapshot_changes.csv").set_index("change")
    assert changes.loc["user_onboarded", "username"] == hostile.STARTER
    assert changes.loc["reserved_for_set", "after"] == hostile.NEWFLAG


def test_xlsx_shows_control_characters_as_escapes(hostile_report):
    out, _ = hostile_report
    book = openpyxl.load_workbook(out / "numkit-report.xlsx")
    deleted = {row["number"]: row for row in sheet_rows(book, "deleted_user_reservations")}
    assert deleted["1001"]["reserved_for"] == xlsx_shows("leaver")
    assert deleted["1002"]["reservation_notes"] == xlsx_shows("note")
    assert deleted["1001"]["reservation_notes"] == ("'=cmd|' /C calc'!A0" + XLSX_CONTROLS
                                                   + "\nsecond line")
    assert deleted["1002"]["node"] == ("sys.hcs.Prov-1.Cust$1$<i>" + XLSX_CONTROLS + ".Lab$_$1"
                                       + XLSX_CONTROLS + "😀\u202e")
    changes = {row["change"]: row for row in sheet_rows(book, "snapshot_changes")}
    assert changes["User onboarded"]["username"] == xlsx_shows("starter")     # codes in words
    # a spreadsheet cell holds 32,767 characters: a longer value is cut, and says so
    description = sheet_rows(book, "stuck_cooling")[0]["description"]
    assert len(description) <= 32_767 and description.startswith(xlsx_shows("long") + "xxx")
    assert description.endswith(f"[cut: {len(hostile.LONG_DESCRIPTION):,} characters in all; "
                                "the CSV holds the whole value]")
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_html_report_shows_hostile_values_as_escaped_text(hostile_report):
    out, _ = hostile_report
    page = (out / "cleanup-report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<i>" not in page
    assert "\x01" not in page and "\x1b" not in page and "\x7f" not in page
    assert html.escape(xlsx_shows("ghost")) in page
    assert html.escape("Lab$_$1" + XLSX_CONTROLS + "😀\u202e") in page
    assert page.count('src="data:image/png;base64,') >= 2     # both charts drawn


REPORT_FILES = ("cleanup-report.html", "numkit-report.xlsx",
                "deleted_user_reservations.csv", "stuck_cooling.csv", "stranded_reservations.csv",
                "node_utilization.csv", "snapshot_changes.csv", "not_yet_in_voss.csv",
                "last_load_conflicts.csv", "running_out.csv", "headline_figures.csv",
                "by_customer.csv", "by_site.csv", "leavers_by_user.csv", "used_out_of_sight.csv",
                "inactive_reservations.csv", "users_without_numbers.csv")


def test_report_replaces_links_planted_in_its_folder_and_never_writes_through_them(weekly, tmp_path):
    _, db, *_ = weekly
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "chosen").mkdir()
    folder = tmp_path / "reports"
    folder.symlink_to(tmp_path / "chosen")      # the folder itself may be a link the user chose
    for name in REPORT_FILES:
        (outside / name).write_text(f"precious {name}")
        (folder / name).symlink_to(outside / name)
    run("report", db, "--out", folder, "--as-of", "2026-11-30")
    for name in REPORT_FILES:
        assert (outside / name).read_text() == f"precious {name}", name
        assert not (folder / name).is_symlink() and (folder / name).is_file(), name
    assert {p.name for p in (tmp_path / "chosen").iterdir()} == set(REPORT_FILES)
    book = openpyxl.load_workbook(folder / "numkit-report.xlsx")
    assert book.sheetnames[:2] == ["Summary", "deleted_user_reservations"]


# Decided in numkit, not yet in VOSS: a decision of 8 days before the report's as_of, one of
# that day, and a decision the next export contradicted.
OLD, NEW, CONTRADICTED = "+442079460013", "+441134960007", "+442079460010"
SECTION = "Decided in numkit, not yet in VOSS"


def decided_on(inv, number, when):
    """Date the events of the decision on `number` as if it was made at `when`."""
    ids = inv.pending_changes().query("number == @number")["event_ids"].iloc[0]
    inv.sql('update events set "at" = $at where list_contains($ids, event_id)',
            {"at": when, "ids": [int(i) for i in ids]})


@pytest.fixture(scope="module")
def decided(tmp_path_factory):
    root = tmp_path_factory.mktemp("decided")
    week1 = root / "week1"
    shutil.copytree(SAMPLE, week1)
    db = root / "inventory.duckdb"
    run("load", db, "--dir", week1)
    with numkit.connect(db) as inv:
        inv.reserve_for(CONTRADICTED, "bob", node=SITE_A)
    week2 = root / "week2"
    week2.mkdir()
    numbers = read(week1 / "numbers.csv")
    numbers.loc[numbers["Internal Number"] == "\\" + CONTRADICTED, "Reserved For"] = HOSTILE
    numbers.to_csv(week2 / "numbers.csv", index=False)
    loaded = run("load", db, "--numbers", week2 / "numbers.csv", "--users", week1 / "users.csv",
                 "--hierarchy", week1 / "hierarchy.csv", "--as-of", "2026-11-30")
    assert "1 conflict (VOSS" in loaded
    with numkit.connect(db) as inv:
        inv.reserve_for(OLD, "old.decision", node=SITE_A)
        inv.reserve_for(NEW, "new.decision", node=SITE_B)
        decided_on(inv, OLD, dt.datetime(2026, 11, 22, 9))
        decided_on(inv, NEW, dt.datetime(2026, 11, 30, 9))
    output = run("report", db, "--out", root / "report", "--as-of", "2026-11-30")
    return root / "report", output


def test_the_section_lists_decisions_older_than_a_week_in_csv(decided):
    out, _ = decided
    waiting = read(out / "not_yet_in_voss.csv")
    assert waiting[["number", "field", "voss_value", "numkit_value", "age_days"]].values.tolist() == [
        [OLD, "reserved_for", "", "old.decision", "8"]]


def test_the_section_lists_the_last_load_s_conflicts_formula_safe_in_csv(decided):
    out, _ = decided
    conflicts = read(out / "last_load_conflicts.csv")
    assert conflicts[["number", "field", "voss_value", "numkit_value", "export_value"]].values.tolist() == [
        [CONTRADICTED, "reserved_for", "", "bob", "'" + HOSTILE]]
    assert conflicts["reason"].iloc[0]


def test_the_section_is_in_the_workbook(decided):
    out, _ = decided
    book = openpyxl.load_workbook(out / "numkit-report.xlsx")
    waiting = sheet_rows(book, "not_yet_in_voss")
    assert [(row["number"], row["numkit_value"], row["age_days"]) for row in waiting] == [
        (OLD, "old.decision", 8)]
    conflicts = sheet_rows(book, "last_load_conflicts")
    assert [(row["number"], row["numkit_value"], row["export_value"]) for row in conflicts] == [
        (CONTRADICTED, "bob", "'" + HOSTILE)]
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_the_section_is_on_the_page_and_counted_in_the_summaries(decided):
    out, output = decided
    page = (out / "cleanup-report.html").read_text(encoding="utf-8")
    section = page.split(SECTION, 1)[1].split("<h2", 1)[0]
    assert OLD in section and "old.decision" in section and NEW not in section
    assert CONTRADICTED in section and HOSTILE in section      # text in a cell: no HTML to escape
    assert "1 decided in numkit over a week ago and not yet in VOSS, 1 conflict(s) at the last load" in page
    assert "decided in numkit over a week ago, not yet in VOSS: 1" in output
    assert "conflicts at the last load: 1" in output


# The page's headings and charts on the sample: the first screen, the summary per customer
# and site, then the detail.
SAMPLE_HEADINGS = [
    ("h1", "Cleanup report: inventory.duckdb, 2026-11-23"),
    ("h2", "By customer and site"), ("h3", "By site"),
    ("h2", "Numbers held for people who left"), ("h2", "Stuck cooling"),
    ("h2", "Data quality"), ("h3", "Numbers used out of their user's sight"),
    ("h3", "Reserved For on inactive numbers"), ("h3", "Users without a number"),
    ("h3", "Stranded reservations"),
    ("h2", "Decided in numkit, not yet in VOSS"), ("h3", "Conflicts at the last load"),
    ("h2", "Utilization"), ("h2", "Running out"), ("h2", "Since the last snapshot"),
    ("h2", "Files")]
NO_KERNEL = ("import sys\n"
             "for name in ('papermill', 'nbclient', 'nbconvert', 'jupyter_client', 'ipykernel'):\n"
             "    sys.modules[name] = None    # importing any of them now fails\n"
             "from numkit.cli import main\n"
             "main()\n")


def test_report_renders_without_papermill_or_a_kernel(stored, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", NO_KERNEL, "report", str(stored), "--out", str(out),
                             "--as-of", "2026-11-23", "--older-than", "30"],
                            capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(Path(numkit.__file__).parent.parent)})
    assert result.returncode == 0, result.stderr
    assert "numbers held for leavers: 9 (6 deleted, 3 never onboarded)" in result.stdout
    page = (out / "cleanup-report.html").read_text(encoding="utf-8")
    assert [(tag, html.unescape(text)) for tag, text in
            re.findall(r"<(h[123])[^>]*>([^<]*)<", page)] == SAMPLE_HEADINGS
    assert re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,', page) == [
        "Numbers held for people who left", "Utilization"]
    assert page.count('<table class="dataframe numkit-table') == 8
    assert "<title>Cleanup report: inventory.duckdb, 2026-11-23</title>" in page
    assert {p.name for p in out.iterdir()} == set(REPORT_FILES)


def test_report_says_which_files_it_wrote_and_names_an_earlier_run_s_notebook(weekly, tmp_path):
    """`wrote` lines name the files this run wrote, never another file of the folder; a
    notebook an earlier run wrote with --notebook is named as left, since it shows that
    run's report."""
    _, db, *_ = weekly
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "my-notes.txt").write_text("mine")
    first = run("report", db, "--out", folder, "--as-of", "2026-11-30", "--notebook")
    wrote = [line.removeprefix("wrote ") for line in first.splitlines() if line.startswith("wrote ")]
    assert wrote == sorted(str(folder / name) for name in REPORT_FILES + ("cleanup-report.ipynb",))
    notebook = (folder / "cleanup-report.ipynb").read_bytes()
    again = run("report", db, "--out", folder, "--as-of", "2026-11-30")
    wrote = [line.removeprefix("wrote ") for line in again.splitlines() if line.startswith("wrote ")]
    assert wrote == sorted(str(folder / name) for name in REPORT_FILES)
    assert again.splitlines()[-1] == (
        f"left {folder / 'cleanup-report.ipynb'} as an earlier run wrote it: it shows that run's "
        "report, not this one (--notebook writes it anew)")
    assert (folder / "cleanup-report.ipynb").read_bytes() == notebook
    assert (folder / "my-notes.txt").read_text() == "mine"
