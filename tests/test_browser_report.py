"""The weekly report's page in Chromium (rules R40): its title names the inventory and the
date, its first screen shows the headline figures without scrolling, and the page needs
nothing from the network. The screenshot goes to out/test-artifacts/."""

import shutil

import pytest
from click.testing import CliRunner

from numkit.cli import main

from browser import browser, need, page, save_screenshot  # noqa: F401  (fixtures)

TITLE = "Cleanup report: inventory.duckdb, 2026-11-23"


@pytest.fixture
def report_page(sample_file, tmp_path):
    database = tmp_path / "inventory.duckdb"
    shutil.copy(sample_file, database)
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["report", str(database), "--out", str(out),
                                       "--as-of", "2026-11-23", "--older-than", "30"])
    assert result.exit_code == 0, result.output
    return out / "cleanup-report.html"


@pytest.mark.browser
def test_the_report_opens_on_its_title_and_headline_figures(report_page, page):
    expect = need("playwright.sync_api").expect
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report_page.as_uri())
    assert page.title() == TITLE
    heading = page.locator("h1")
    expect(heading).to_have_text(TITLE)
    boxes = page.locator(".numkit-figure")
    expect(boxes).to_have_count(5)
    first = boxes.first
    expect(first.locator(".numkit-figure-value")).to_have_text("9")
    expect(first.locator(".numkit-figure-label")).to_have_text("Numbers held for leavers")
    expect(boxes.nth(1).locator(".numkit-figure-change")).to_have_text("+1 since 2026-11-13")
    viewport = page.viewport_size
    for index in range(5):      # the first screen: every figure visible before any scrolling
        box = boxes.nth(index).bounding_box()
        assert box["y"] + box["height"] <= viewport["height"], index
    expect(page.get_by_role("heading", name="By customer and site")).to_be_visible()
    # the leavers' rows under each person's line
    expect(page.locator("tr.numkit-group").first).to_contain_text("u.okafor · deleted 2026-09-24")
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    save_screenshot(page, "cleanup-report-first-screen")


# JupyterLab's own rule for an output's tables: every cell right-aligned.
JUPYTERLAB_CELLS = (":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td, "
                    ":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon th { text-align: right; }")


@pytest.mark.browser
def test_in_a_notebook_s_output_text_stays_left_and_numbers_right(sample_file, page):
    from numkit.reports.sections import CleanupReport

    section = CleanupReport(sample_file, as_of="2026-11-23", older_than_days=30).stuck_cooling()
    page.set_content(f"<style>{JUPYTERLAB_CELLS}</style>"
                     f'<div class="jp-RenderedHTMLCommon">{section._repr_html_()}</div>')
    cells = page.locator("table.numkit-table tbody tr").last.locator("td")
    align = [cells.nth(at).evaluate("cell => getComputedStyle(cell).textAlign")
             for at in range(cells.count())]
    header = [name.strip() for name in page.locator("table.numkit-table thead th").all_inner_texts()]
    shown = dict(zip(header, align))
    assert shown["Number"] == shown["Node"] == shown["Release date"] == "left"
    assert shown["Days overdue"] == "right"
