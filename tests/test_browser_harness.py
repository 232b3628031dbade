"""Proves the browser harness (tests/browser.py): a real JupyterLab in headless Chromium.

One Lab server for the module, on a tmp dir holding two small notebooks: a widget round
trip (type a name, press Enter, click, read the greeting) and a failing one (the harness
must report the error). Skipped when playwright, jupyterlab or /usr/bin/chromium is missing.
"""

import pytest

from browser import (  # noqa: F401  (browser and page are fixtures)
    NotebookRunError,
    browser,
    descendants,
    jupyter_lab,
    listening_addresses,
    need,
    open_and_run_all,
    page,
    save_screenshot,
)

# Skipped where the browser stack is not installed (numkit's own .venv), unless
# NUMKIT_REQUIRE_BROWSER=1 (then it fails).
nbformat = need("nbformat")
need("ipywidgets")
expect = need("playwright.sync_api").expect

GREETER_CELL = """\
import html
import ipywidgets as widgets

name = widgets.Text(placeholder="Your name", description="Name")
greet = widgets.Button(description="Greet")
greeting = widgets.HTML(value="")
greeting.add_class("greeting")


def on_greet(_button):
    greeting.value = "hello, " + html.escape(name.value)


greet.on_click(on_greet)
widgets.VBox([name, greet, greeting])
"""

ENV_CELL = """\
import os
os.environ["NUMKIT_HARNESS_MARK"] + " " + str(6 * 7)
"""

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def write_notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    write_notebook(root / "greeter.ipynb", GREETER_CELL, ENV_CELL)
    write_notebook(root / "broken.ipynb", "x = 1", "1 / 0", "y = 2")
    with jupyter_lab(root, env={"NUMKIT_HARNESS_MARK": "from-harness"}) as server:
        yield server
        tree = [server.proc.pid] + descendants(server.proc.pid)
    # After the context manager: the server and everything it started are gone.
    assert server.proc.returncode is not None
    alive = [pid for pid in tree if _alive(pid)]
    assert not alive, f"processes left behind by the Lab server: {alive}"


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_widgets_round_trip(lab, page):
    open_and_run_all(page, lab, "greeter.ipynb")

    # Cell 2 ran too, in a kernel that inherited the server's extra environment.
    expect(page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")).to_have_text(
        "'from-harness 42'"
    )

    box = page.locator(".widget-text input")
    expect(box).to_be_visible()
    box.fill("Ada <Lovelace> & co")
    box.press("Enter")
    page.get_by_role("button", name="Greet").click()

    greeting = page.locator(".greeting .widget-html-content")
    expect(greeting).to_have_text("hello, Ada <Lovelace> & co")  # escaped: shown as text
    expect(greeting.locator("lovelace")).to_have_count(0)  # ... not parsed as a tag
    shot = save_screenshot(page, "browser-harness-greeter")
    assert shot.is_file() and shot.stat().st_size > 0


def test_server_listens_on_loopback_only(lab):
    pids = [lab.proc.pid] + descendants(lab.proc.pid)  # the server and its kernel(s)
    sockets = listening_addresses(pids)
    assert ("127.0.0.1", lab.port) in sockets
    assert {addr for addr, _port in sockets} == {"127.0.0.1"}, sockets


def test_run_all_reports_error_outputs(lab, page):
    with pytest.raises(NotebookRunError, match="ZeroDivisionError") as info:
        open_and_run_all(page, lab, "broken.ipynb", timeout=60)
    assert "cell 2" in str(info.value)


def test_missing_notebook_fails_fast_with_the_dialog_text(lab, page):
    with pytest.raises(NotebookRunError, match="Could not find path: missing.ipynb"):
        open_and_run_all(page, lab, "missing.ipynb", timeout=30)
