"""A notebook numkit writes for the analyst (`numkit notebooks`, `numkit report --notebook`)
says the kernel it runs on as the kernel says it, so that opening it in JupyterLab does not
mark it changed: autosave would otherwise write the analyst's file though they changed
nothing. Checked against a real kernel's answer, and in JupyterLab in Chromium."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from numkit import notebook_files
from numkit.cli import main
from numkit.sample import DATABASE_VARIABLE, build_sample

from browser import (  # noqa: F401  (browser and page are fixtures)
    _FIND_PANEL,
    _KERNEL_READY,
    browser,
    jupyter_lab,
    page,
)


def copied(folder):
    result = CliRunner().invoke(main, ["notebooks", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_the_copies_differ_from_the_shipped_notebooks_only_in_the_kernel_they_name(tmp_path):
    folder = copied(tmp_path / "mine")
    for shipped in notebook_files.shipped():
        mine = json.loads((folder / shipped.name).read_text(encoding="utf-8"))
        theirs = json.loads(shipped.read_text(encoding="utf-8"))
        assert mine["metadata"] == notebook_files.kernel_metadata()
        assert {**mine, "metadata": None} == {**theirs, "metadata": None}


@pytest.mark.notebook
def test_the_kernel_names_itself_as_the_copies_say():
    """The language_info a started kernel answers with, and its spec's name, are the
    copies' metadata."""
    from jupyter_client.manager import start_new_kernel
    manager, client = start_new_kernel(kernel_name=notebook_files.KERNEL)
    try:
        client.kernel_info()
        reply = client.get_shell_msg(timeout=30)["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    said = notebook_files.kernel_metadata()
    assert reply["language_info"] == said["language_info"]
    assert manager.kernel_spec.display_name == said["kernelspec"]["display_name"]


DIRTY_AFTER_THE_KERNEL_STARTS = _FIND_PANEL + """
    (name) => findPanel(name).context.model.dirty
"""


def opened_dirty(page, base_url, name):
    """Whether `name` is marked changed once open in JupyterLab with its kernel ready."""
    page.goto(f"{base_url}/lab/tree/{name}?reset", wait_until="domcontentloaded")
    page.wait_for_function(_KERNEL_READY, arg=name, timeout=120_000, polling=200)
    page.wait_for_timeout(1500)     # the kernel's info reaches the model after it is idle
    return page.evaluate(DIRTY_AFTER_THE_KERNEL_STARTS, name)


@pytest.mark.browser
def test_opening_the_analyst_s_notebooks_leaves_them_unchanged(tmp_path, page):
    folder = copied(tmp_path / "lab")
    database = build_sample(folder / "inventory.duckdb")
    report = subprocess.run([sys.executable, "-m", "numkit", "report", str(database), "--out",
                             str(folder / "report"), "--notebook"], capture_output=True, text=True)
    assert report.returncode == 0, report.stderr
    # as shipped, naming the kernel otherwise: the check can fail
    (folder / "as-shipped.ipynb").write_bytes(
        (notebook_files.FOLDER / "01-onboarding.ipynb").read_bytes())
    before = {name: (folder / name).read_bytes()
              for name in ("01-onboarding.ipynb", "report/cleanup-report.ipynb")}
    with jupyter_lab(folder, env={DATABASE_VARIABLE: str(database)}) as base_url:
        assert opened_dirty(page, base_url, "as-shipped.ipynb") is True
        for name in before:
            assert opened_dirty(page, base_url, name) is False, name
    assert {name: (folder / name).read_bytes() for name in before} == before
