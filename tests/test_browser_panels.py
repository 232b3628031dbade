"""End to end in a real browser: JupyterLab, the notebooks' panels, clicks; the round trip with
VOSS (decide, see it pending, export it, load next week's export, see what became of it)."""

import shutil

import pandas as pd
import pytest

import numkit
from numkit import notebook_files
from numkit.sample import DATABASE_VARIABLE, build_sample

from browser import (  # noqa: F401  (browser and page are fixtures)
    browser,
    jupyter_lab,
    need,
    open_and_run_all,
    page,
    save_screenshot,
)
from next_export import write_next_export

expect = need("playwright.sync_api").expect

NOTEBOOKS = notebook_files.FOLDER
SITE_B = "sys.hcs.Prov-1.Cust-1.Site-B"
SITE_C = "sys.hcs.Prov-1.Cust-1.Site-C"
HOSTILE = '<img src=x onerror="window.__numkit_pwned=1">'


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    database = build_sample(root / "inventory.duckdb")
    with numkit.connect(database) as inv:   # imported data that must never run as HTML
        inv.reserve_for("+441134960090", HOSTILE, node=SITE_B)
    with jupyter_lab(root, env={DATABASE_VARIABLE: str(database)}) as base_url:
        yield base_url, database


def next_week(tmp_path):
    """VOSS did the new.hire flag on 0009 and onboarded u.okafor; it reserved 0007 for
    someone else; it has not given u.okafor the numbers numkit gave."""
    return write_next_export(tmp_path / "next-week", {
        ("+441134960007", SITE_B): {"Reserved For": "other.person"},
        ("+441134960009", SITE_B): {"Reserved For": "new.hire"},
    }, users=[("u.okafor", SITE_B)])


def used_by(database, username):
    with numkit.connect(database, read_only=True) as inv:
        return sorted(inv.sql(f"select number from numbers where used_by = '{username}'")["number"])


def widget_button(page, title):
    return page.locator(f'button.jupyter-button[title="{title}"]')


def pick_node(page, filter_placeholder_index, path):
    search = page.get_by_placeholder("type to filter the nodes").nth(filter_placeholder_index)
    search.fill(path.rsplit(".", 1)[-1])
    page.locator(".widget-select select").nth(filter_placeholder_index).select_option(label=f"{path} (Site)")


def test_onboarding_in_the_browser(lab, page):
    base_url, database = lab
    open_and_run_all(page, base_url, "01-onboarding.ipynb")
    pick_node(page, 0, SITE_B)
    username = page.get_by_placeholder("e.g. jsmith")
    username.fill(HOSTILE)
    username.press("Enter")
    expect(page.get_by_text(f"{HOSTILE} is a new user.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(HOSTILE).first).to_be_visible()
    assert page.evaluate("window.__numkit_pwned") is None
    save_screenshot(page, "onboarding-hostile-username")

    username.fill("u.okafor")
    username.press("Enter")
    expect(page.get_by_text("u.okafor was deleted on")).to_be_visible(timeout=30_000)
    # the reservation at Site-A, out of sight of Site-B, is named before anything is done
    expect(page.get_by_text("out of reach (stranded): +442079460000 at Site-A")).to_be_visible()
    widget_button(page, "Onboard").click()
    expect(page.get_by_text("Onboard u.okafor at Site-B: give 1002, +441134960000")).to_be_visible()
    widget_button(page, "Confirm onboarding").click()
    expect(page.get_by_text("Onboarded u.okafor at")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("assigned 1002, +441134960000")).to_be_visible()
    save_screenshot(page, "onboarding-panel")
    assert used_by(database, "u.okafor") == ["+441134960000", "1002"]
    assert page.evaluate("window.__numkit_pwned") is None


def test_move_preview_in_the_browser(lab, page):
    base_url, database = lab
    open_and_run_all(page, base_url, "02-move-preview.ipynb")
    user = page.get_by_placeholder("type to search the users")
    pick_node(page, 0, SITE_C)
    # a name from the list, then one that is not on it: the preview is of the name shown
    user.fill("ilewis")
    user.press("Enter")
    user.fill("no.such.user")
    user.press("Enter")
    widget_button(page, "Preview move").click()
    expect(page.get_by_text("no active user 'no.such.user'")).to_be_visible(timeout=30_000)
    user.fill("k.brown")
    user.press("Enter")
    widget_button(page, "Preview move").click()
    expect(page.get_by_text("k.brown to Site-C (Cust-1): 0 keep, 3 replace")).to_be_visible(
        timeout=30_000)
    assert used_by(database, "k.brown") == ["+442079460011", "+442079460026", "+442079460034"]
    save_screenshot(page, "move-preview-panel")
    widget_button(page, "Apply move…").click()
    widget_button(page, "Confirm").click()
    expect(page.get_by_text("Moved. k.brown to Site-C (Cust-1)")).to_be_visible(timeout=30_000)
    save_screenshot(page, "move-preview-applied")
    # like for like (docs/rules.md#r17-move-user): London DIDs by numbers written with `+`
    assert used_by(database, "k.brown") == ["+12025550100", "+12025550102", "+12025550103"]


@pytest.mark.parametrize("notebook, shown", [
    ("00-overview.ipynb", "Counts by status"),
    ("03-cleanup-report.ipynb", "Numbers held for leavers"),
])
def test_other_panels_render(lab, page, notebook, shown):
    base_url, _ = lab
    open_and_run_all(page, base_url, notebook)
    expect(page.get_by_text(shown).first).to_be_visible(timeout=30_000)
    save_screenshot(page, notebook.removesuffix(".ipynb"))


@pytest.fixture(scope="module")
def round_trip_lab(tmp_path_factory):
    """A Lab of its own: the other tests' onboardings and moves would be pending here too."""
    root = tmp_path_factory.mktemp("round-trip-lab")
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    database = build_sample(root / "inventory.duckdb")
    with jupyter_lab(root, env={DATABASE_VARIABLE: str(database)}) as base_url:
        yield base_url, root, database


def test_the_round_trip_with_voss_in_the_browser(round_trip_lab, page, tmp_path):
    """Decide in the onboarding panel; see it pending in the overview, export it for VOSS,
    load next week's export and see what became of each decision."""
    base_url, root, database = round_trip_lab
    open_and_run_all(page, base_url, "01-onboarding.ipynb")
    pick_node(page, 0, SITE_B)
    username = page.get_by_placeholder("e.g. jsmith")
    username.fill("u.okafor")
    username.press("Enter")
    expect(page.get_by_text("u.okafor was deleted on")).to_be_visible(timeout=30_000)
    widget_button(page, "Onboard").click()
    widget_button(page, "Confirm onboarding").click()
    expect(page.get_by_text("Onboarded u.okafor at")).to_be_visible(timeout=30_000)
    numbers = page.get_by_placeholder("1000, 1002 or 1000-1009")
    numbers.fill("+441134960007, +441134960009")
    numbers.press("Enter")
    flag_user = page.get_by_placeholder("username", exact=True)
    flag_user.fill("new.hire")
    flag_user.press("Enter")
    widget_button(page, "Reserve for user").click()
    expect(page.get_by_text("2 number(s) reserved for new.hire")).to_be_visible(timeout=30_000)

    open_and_run_all(page, base_url, "00-overview.ipynb")
    expect(page.get_by_text("7 pending change(s): 4 number row(s), 1 user(s); the oldest decided "
                            "0 day(s) ago")).to_be_visible(timeout=30_000)
    page.get_by_text("Decided in numkit, not yet in VOSS").first.scroll_into_view_if_needed()
    save_screenshot(page, "overview-pending-changes")
    widget_button(page, "Export for VOSS").click()
    expect(page.get_by_text("Wrote 7 pending change(s)")).to_be_visible(timeout=30_000)
    written = root / "voss-changes"
    for name in ("changes.csv", "voss-bulk-load.xlsx", "users-to-action.csv"):
        assert (written / name).is_file()
        expect(page.get_by_text(str(written / name), exact=True)).to_be_visible()
    assert len(pd.read_csv(written / "changes.csv")) == 7

    paths = next_week(tmp_path)
    for role, path in paths.items():
        box = page.get_by_placeholder(f"path to {role}.csv/.xlsx")
        box.fill(str(path))
        box.press("Enter")
    widget_button(page, "Load export").click()
    # the whole plan first, the decision VOSS overrode named; nothing loaded until Confirm
    expect(page.get_by_text("1 conflict (VOSS decided otherwise)").first).to_be_visible(timeout=60_000)
    save_screenshot(page, "overview-load-plan")
    widget_button(page, "Confirm").click()
    expect(page.get_by_text("changes pending before it (a number row or a user each): 2 applied "
                            "in VOSS, 2 still pending (re-applied), 1 conflict (VOSS")).to_be_visible(
        timeout=60_000)
    expect(page.get_by_text("Conflicts: VOSS decided otherwise")).to_be_visible()
    # the reconciliation's row; the plan's table (hidden once loaded) may still hold its own
    expect(page.get_by_text("the export shows other values").filter(visible=True)).to_have_count(1)
    expect(page.get_by_text("4 pending change(s): 2 number row(s), 0 user(s)")).to_be_visible()
    page.get_by_text("The last load and the pending changes").scroll_into_view_if_needed()
    save_screenshot(page, "overview-reconciliation")
    with numkit.connect(database, read_only=True) as inv:
        outcomes = inv.reconciliations()
    conflict = outcomes[outcomes["outcome"] == "conflict"]
    assert list(conflict["number"]) == ["+441134960007"]
    assert set(outcomes[outcomes["outcome"] == "pending"]["number"]) == {"1002", "+441134960000"}
