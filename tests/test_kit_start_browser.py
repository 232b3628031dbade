"""JupyterLab as `./kit start` serves it shows no "official Jupyter news?" prompt in Chromium
(lab-settings/overrides.json, given to the server as its app settings); the same JupyterLab
without those settings does, so the prompt looked for is the one JupyterLab shows. Both start
from empty user settings: what the machine's ~/.jupyter says plays no part."""

import os
import queue
import re
import signal
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest

from browser import (  # noqa: F401  (browser and page are fixtures)
    REPO_ROOT,
    browser,
    free_port,
    jupyter_lab,
    need,
    page,
    save_screenshot,
)
from terminal import ctrl_c_reaches_it
from numkit import notebook_files

pytestmark = [pytest.mark.browser, pytest.mark.kit]

NEWS_PROMPT = "Would you like to get notified about official Jupyter news?"
TOAST = ".Toastify__toast"
NOTEBOOK = "01-onboarding.ipynb"
# The prompt comes once JupyterLab has restored its layout and read its settings, well within
# this after the notebook shows (under a second in the control below)
GRACE_SECONDS = 10


@contextmanager
def kit_start(env):
    """`./kit start` at the repository's root (as tests/test_kit.py runs it); yields the
    JupyterLab address it prints."""
    port = free_port()
    process = subprocess.Popen(["./kit", "start"], cwd=REPO_ROOT, text=True, start_new_session=True,
                               preexec_fn=ctrl_c_reaches_it,
                               env={**os.environ, **env, "NUMKIT_PORT": str(port)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        seen, lab_url = [], None
        deadline = time.monotonic() + 600     # a first start installs .venv
        while lab_url is None:
            assert time.monotonic() < deadline, "./kit start printed no address:\n" + "".join(seen)
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                assert process.poll() is None, "./kit start stopped:\n" + "".join(seen)
                continue
            found = re.search(rf"http://127\.0\.0\.1:{port}/lab/tree/{NOTEBOOK}\?token=\S+", seen[-1])
            lab_url = found and found.group(0)
        yield lab_url
    finally:
        os.killpg(process.pid, signal.SIGINT)     # Ctrl-C: the kit stops its server
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def open_notebook(page, url):
    expect = need("playwright.sync_api").expect
    page.goto(url, timeout=120_000)
    expect(page.locator(".jp-NotebookPanel").first).to_be_visible(timeout=120_000)


def test_jupyterlab_without_the_kits_settings_asks_about_news(page, tmp_path):
    expect = need("playwright.sync_api").expect
    notebook_files.copy_to(tmp_path / "notebooks")
    user_settings = tmp_path / "user-settings"
    user_settings.mkdir()
    with jupyter_lab(tmp_path / "notebooks", env={"JUPYTERLAB_SETTINGS_DIR": str(user_settings)}) as base:
        open_notebook(page, f"{base}/lab/tree/{NOTEBOOK}")
        expect(page.locator(TOAST).filter(has_text=NEWS_PROMPT)).to_be_visible(timeout=GRACE_SECONDS * 1000)
        save_screenshot(page, "jupyterlab-news-prompt-without-kit-settings")


def test_jupyterlab_from_kit_start_shows_no_news_prompt(page, tmp_path):
    user_settings, workspaces = tmp_path / "user-settings", tmp_path / "workspaces"
    user_settings.mkdir()
    workspaces.mkdir()
    with kit_start({"JUPYTERLAB_SETTINGS_DIR": str(user_settings),
                    "JUPYTERLAB_WORKSPACES_DIR": str(workspaces)}) as lab_url:
        open_notebook(page, lab_url)
        time.sleep(GRACE_SECONDS)
        save_screenshot(page, "kit-start-jupyterlab-no-news-prompt")
        assert page.get_by_text(NEWS_PROMPT).count() == 0
        assert page.locator(TOAST).count() == 0
