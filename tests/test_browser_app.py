"""The app: the four panels as tabs of one page, rendered by Voilà in the same server as
JupyterLab (as `./kit start` runs it), ready on opening and with no code shown; when a panel
cannot open, the page says what to do, never a traceback. Each server works in a temporary
folder on its own copy of the sample, never on the analyst's."""

import html
import json
import re
import secrets
import shutil
import time
import urllib.request
from pathlib import Path

import nbformat
import papermill
import pytest

import browser as harness
from numkit import notebook_files
from numkit.reports.downloads import app_files_prefix, download_links
from numkit.sample import DATABASE_VARIABLE, build_sample

from browser import (  # noqa: F401  (browser and page are fixtures)
    REPO_ROOT,
    browser,
    jupyter_lab,
    need,
    page,
    save_screenshot,
)

SITE_B = "sys.hcs.Prov-1.Cust-1.Site-B"
TABS = ["Overview", "Onboarding", "Move preview", "Cleanup report"]


def kit_voila_options():
    """The --Voila… options `./kit start` gives its server, read from the kit itself, so that
    the tests serve the app as the analyst gets it."""
    kit = (REPO_ROOT / "kit").read_text()
    message = re.search(r'^APP_FAILED="(.*?)"$', kit, re.S | re.M).group(1).replace("\\\n", "")
    options = re.findall(r'(--Voila\w*\.\w+)=("\$APP_FAILED"|\S+)', kit)
    assert options, "./kit start gives Voilà its options"
    return tuple(name + "=" + value.replace('"$APP_FAILED"', message) for name, value in options)


def app_code():
    """Each line of the app's code: none of it may show on the app's page."""
    book = nbformat.read(notebook_files.APP, as_version=4)
    return [line.strip() for cell in book.cells if cell.cell_type == "code"
            for line in cell.source.splitlines() if line.strip()]


def serve_app(root, database, *args):
    notebook_files.copy_to(root)
    return jupyter_lab(root, env={DATABASE_VARIABLE: str(database)}, args=kit_voila_options() + args)


def assert_no_code_shown(page):
    assert page.locator(".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0
    shown = page.inner_text("body")
    assert [line for line in app_code() if line in shown] == []


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    database = build_sample(root / "inventory.duckdb")
    with serve_app(root, database) as base_url:
        yield base_url


@pytest.mark.browser
def test_the_app_opens_the_onboarding_panel_ready_without_code(app, page):
    expect = need("playwright.sync_api").expect
    started = time.monotonic()
    page.goto(f"{app}/voila/render/app.ipynb", wait_until="commit", timeout=120_000)
    for tab in TABS:
        expect(page.get_by_role("tab", name=tab)).to_be_visible(timeout=120_000)
    print(f"the app showed its tabs {time.monotonic() - started:.1f} s after it was asked for")

    page.get_by_role("tab", name="Onboarding").click()
    expect(page.locator('button.jupyter-button[title="Onboard"]')).to_be_visible()
    site_filter = page.get_by_placeholder("type to filter the nodes").filter(visible=True)
    expect(site_filter).to_have_count(1)
    site_filter.fill("Site-B")
    page.locator(".widget-select select").filter(visible=True).select_option(label=f"{SITE_B} (Site)")
    # the panel is live (its kernel answers), not a picture of one
    username = page.get_by_placeholder("e.g. jsmith")
    username.fill("u.okafor")
    username.press("Enter")
    expect(page.get_by_text("u.okafor was deleted on")).to_be_visible(timeout=30_000)
    save_screenshot(page, "app-onboarding")
    assert_no_code_shown(page)


@pytest.mark.browser
def test_every_table_of_the_overview_shows_its_title_on_top(app, page):
    """A table's caption is its title (common.Table): the browser must draw it, once."""
    expect = need("playwright.sync_api").expect
    page.goto(f"{app}/voila/render/app.ipynb", wait_until="commit", timeout=120_000)
    expect(page.get_by_role("tab", name="Overview")).to_be_visible(timeout=120_000)
    for title in ("Numbers by effective status, per customer",
                  "Numbers by effective status, per site"):
        caption = page.locator("table.numkit-table caption", has_text=title)
        expect(caption).to_have_count(1, timeout=30_000)
        expect(caption).to_be_visible()


@pytest.mark.browser
def test_the_app_says_what_to_do_rather_than_a_traceback_when_it_cannot_open(tmp_path, page):
    expect = need("playwright.sync_api").expect
    broken = tmp_path / "inventory.duckdb"
    broken.write_text("not a database")
    with serve_app(tmp_path / "app", broken) as base_url:
        page.goto(f"{base_url}/voila/render/app.ipynb", wait_until="commit", timeout=120_000)
        expect(page.get_by_text("numkit could not open its panels")).to_be_visible(timeout=120_000)
        expect(page.get_by_text("open app.ipynb in JupyterLab")).to_be_visible()
        shown = page.inner_text("body")
        save_screenshot(page, "app-cannot-open")
    for fragment in ("Traceback", "NotADatabase", "show_tracebacks", "File \"", "Error:"):
        assert fragment not in shown
    assert page.get_by_role("tab", name="Onboarding").count() == 0
    assert_no_code_shown(page)


@pytest.mark.notebook
def test_the_app_runs_top_to_bottom_and_shows_the_four_panels_as_tabs(sample_file, tmp_path):
    database = tmp_path / "inventory.duckdb"
    shutil.copy(sample_file, database)
    executed = papermill.execute_notebook(
        str(notebook_files.APP), str(tmp_path / "app.ipynb"),
        parameters={"database": str(database), "as_of": "2026-11-23"}, kernel_name="python3",
        progress_bar=False, cwd=str(tmp_path))
    outputs = [o for c in executed.cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.get("output_type") == "error"] == []
    shown = [o["data"] for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(shown) == 1, "one widget: the tabs"
    assert "Tab(" in shown[0]["text/plain"]


def test_the_app_is_committed_thin_without_outputs_and_is_copied_with_the_notebooks(tmp_path):
    book = nbformat.read(notebook_files.APP, as_version=4)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    source = "\n".join(cell.source for cell in code)
    assert "def " not in source and "select " not in source.lower()
    assert [name for name in ("OverviewPanel", "OnboardingPanel", "MovePreviewPanel",
                              "CleanupReportPanel") if f"{name}(database" not in source] == []
    written = notebook_files.copy_to(tmp_path)
    assert (tmp_path / "app.ipynb").read_text(encoding="utf-8") == \
        notebook_files.with_kernel_metadata(notebook_files.APP.read_text(encoding="utf-8"))
    assert [p.name for p in written] == [p.name for p in notebook_files.paths()] + ["app.ipynb"]


@pytest.mark.parametrize("notebook", notebook_files.paths(), ids=lambda p: p.stem)
def test_each_notebook_says_first_that_its_panel_shows_after_run_all_or_in_the_app(notebook):
    first = nbformat.read(notebook, as_version=4).cells[0]
    assert first.cell_type == "markdown"
    assert "Run All" in first.source and "/voila/render/app.ipynb" in first.source
    tab = {"00": "Overview", "01": "Onboarding", "02": "Move preview", "03": "Cleanup report"}
    assert f"the {tab[notebook.name[:2]]} tab" in first.source


# -- downloads: the cleanup's exports, through the server's token-protected file route ------

def voila_kernel(page_path):
    """The variables Voilà gives the kernel of the page at `page_path`."""
    return {"SERVER_SOFTWARE": "voila/0.5.13", "SCRIPT_NAME": page_path}


@pytest.mark.parametrize("page_path, prefix", [
    ("/voila/render/app.ipynb", "/files/"),
    ("/voila/render/team/my%20notebooks/app.ipynb", "/files/team/my%20notebooks/"),
    ("/numkit/voila/render/app.ipynb", "/numkit/files/"),
])
def test_in_the_app_links_go_to_the_server_s_file_route_of_the_notebook_s_folder(page_path, prefix):
    assert app_files_prefix(voila_kernel(page_path)) == prefix


@pytest.mark.parametrize("environ", [
    {}, {"SCRIPT_NAME": "/voila/render/app.ipynb"}, voila_kernel(""), voila_kernel("/lab/tree/app.ipynb"),
], ids=["jupyterlab", "not-voila", "no-page", "not-a-rendered-page"])
def test_outside_the_app_links_stay_relative_to_the_notebook(environ):
    assert app_files_prefix(environ) is None


def test_the_app_s_links_name_each_file_under_the_notebook_s_folder(tmp_path, monkeypatch):
    written = tmp_path / "exports" / "cleanup-2026-11-23" / "a <b> #1.csv"
    monkeypatch.setattr("os.environ", voila_kernel("/voila/render/app.ipynb"))
    markup = download_links([written, tmp_path.parent / "elsewhere.csv"], tmp_path)
    hrefs = [html.unescape(href) for href in re.findall(r'<a href="([^"]*)" download=', markup)]
    assert hrefs == ["/files/exports/cleanup-2026-11-23/a%20%3Cb%3E%20%231.csv"]
    assert "where the browser cannot fetch them" in markup


def status_with_token(token, url):
    """The harness's readiness check, on a server that asks for a token."""
    try:
        with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as response:
            return response.status == 200 and "started" in json.loads(response.read() or b"{}")
    except OSError:
        return False


def fetch_without_token(url):
    """(status, body) of `url` asked for without the token and without following a redirect."""
    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    try:
        with urllib.request.build_opener(Stay).open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.browser
def test_in_the_app_the_cleanup_exports_download_and_only_with_the_token(tmp_path, page, monkeypatch):
    """As ./kit start serves it: a token, which the analyst's browser holds from opening the app."""
    expect = need("playwright.sync_api").expect
    token = secrets.token_urlsafe(16)
    monkeypatch.setattr(harness, "_status_ok", lambda url: status_with_token(token, url))
    root = tmp_path / "app"
    database = build_sample(tmp_path / "inventory.duckdb")
    # the harness's server is open; this one asks for the token (the subclass's setting wins)
    with serve_app(root, database, f"--PasswordIdentityProvider.token={token}") as base_url:
        assert fetch_without_token(f"{base_url}/api/status")[0] == 403
        page.goto(f"{base_url}/voila/render/app.ipynb?token={token}", wait_until="commit",
                  timeout=120_000)
        page.get_by_role("tab", name="Cleanup report").click(timeout=120_000)
        page.locator('button.jupyter-button[title="Export CSV + XLSX"]').click()
        fetched = {}
        for name in ("numkit-report.xlsx", "stuck_cooling.csv"):
            link = page.locator(f'.widget-output a[download="{name}"]')
            expect(link).to_be_visible()
            with page.expect_download() as download:
                link.click()
            fetched[name] = (Path(download.value.path()).read_bytes(), link.evaluate("a => a.href"))
        save_screenshot(page, "app-cleanup-downloads")
        (folder,) = (root / "exports").iterdir()
        for name, (downloaded, url) in fetched.items():
            written = (folder / name).read_bytes()
            assert downloaded == written
            # the same file, asked for without the token: from neither the link's route nor
            # Voilà's own file route
            relative = f"exports/{folder.name}/{name}"
            for route in (url, f"{base_url}/voila/files/{relative}", f"{base_url}/voila/render/{relative}"):
                status, body = fetch_without_token(route)
                assert status in (302, 403) and written not in body, route


@pytest.mark.browser
def test_tables_show_their_caption_first_and_on_one_line_even_when_empty(app, page):
    """An empty table is as wide as its caption (not a narrow column of one word a line);
    what pages and searches a table comes after its caption, not before it, where it would
    seem to belong to the table above."""
    expect = need("playwright.sync_api").expect
    page.goto(f"{app}/voila/render/app.ipynb", wait_until="commit", timeout=120_000)
    page.get_by_role("tab", name="Move preview").click(timeout=120_000)
    empty = page.locator("table.numkit-table", has=page.locator(
        "caption", has_text="All moves, applied in order as if for real"))
    expect(empty.locator("td.dt-empty")).to_be_visible(timeout=60_000)
    for part in (empty.locator("caption"), empty.locator("td.dt-empty")):
        line = part.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
        assert part.bounding_box()["height"] < 2 * line, part.inner_text()

    destination = page.get_by_role("textbox", name="Destination")
    destination.fill("Site-C")
    picker = page.locator(".widget-vbox", has=destination).last
    picker.locator("select").select_option(label=f"{SITE_B[:-1]}C (Site)")
    page.locator("input:visible[placeholder='type to search the users']").fill("k.brown")
    page.get_by_role("button", name="Preview move").click()
    candidates = page.locator(".dt-container", has=page.locator(
        "caption", has_text="Candidate numbers at the destination"))
    expect(candidates.locator(".dt-length")).to_be_visible(timeout=60_000)
    save_screenshot(page, "app-move-preview-caption-first")
    # in document order: the caption, the rows, then the page length and the search
    order = candidates.evaluate("""container => ['caption', 'tbody', '.dt-length', '.dt-search']
        .map(selector => container.querySelector(selector))
        .map((element, at, all) => at === 0 || Boolean(
            all[at - 1].compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING))""")
    assert order == [True, True, True, True]
