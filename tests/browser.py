"""Browser-test harness: headless Chromium (Playwright) driving a throwaway JupyterLab.

This is a plain module, not a conftest: a browser test imports what it needs::

    from browser import browser, page, jupyter_lab, open_and_run_all, save_screenshot  # noqa: F401

``browser`` and ``page`` are pytest fixtures (importing them into the test module registers
them there). ``browser`` is session-scoped and shares one ``sync_playwright()`` and one
Chromium across every module that imports it (Playwright allows only one sync driver per
process), closed when the last user is torn down.

``jupyter_lab(root_dir, env=None)`` is a context manager starting a token-less JupyterLab
on 127.0.0.1 (loopback only: for tests, never for people) and yielding its base URL;
``open_and_run_all(page, base_url, "nb.ipynb")`` opens a notebook, runs all cells and fails
with the visible errors; ``save_screenshot(page, name)`` writes ``out/test-artifacts/NAME.png``.

Needs playwright, jupyterlab and ipykernel in the interpreter running pytest and Debian's
``/usr/bin/chromium`` (``apt-get install chromium``; Playwright cannot download its own
browser here). Tests are skipped when one is missing, unless ``NUMKIT_REQUIRE_BROWSER=1``,
which turns the skip into a failure (for CI, where a silent skip would hide a broken setup).
All timeouts of this module are in seconds.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator, Mapping

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS_DIR = REPO_ROOT / "out" / "test-artifacts"

CHROMIUM = os.environ.get("NUMKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}

# User settings written to a temp JUPYTERLAB_SETTINGS_DIR: no autosave (the test's edits
# stay in the browser), no news prompt, no update check, no toasts over the notebook.
LAB_USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
}

STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


class NotebookRunError(AssertionError):
    """A notebook did not run cleanly in the browser (timeout, error output, cell not run)."""


# --------------------------------------------------------------------------- skipping


def _require() -> bool:
    return os.environ.get("NUMKIT_REQUIRE_BROWSER", "") not in ("", "0")


def need(module: str):
    """pytest.importorskip, except that NUMKIT_REQUIRE_BROWSER=1 makes a miss a failure."""
    if _require():
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            pytest.fail(f"browser tests need {module} (NUMKIT_REQUIRE_BROWSER is set): {exc}")
    return pytest.importorskip(module)


def require_browser_stack() -> None:
    """Skip (or fail under NUMKIT_REQUIRE_BROWSER=1) when the browser stack is missing."""
    missing = [m for m in ("playwright", "jupyterlab", "ipykernel") if importlib.util.find_spec(m) is None]
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(CHROMIUM)
    if missing:
        message = "browser tests need " + ", ".join(missing)
        if _require():
            pytest.fail(message + " (NUMKIT_REQUIRE_BROWSER is set)")
        pytest.skip(message)


# --------------------------------------------------------------------------- browser

_shared: dict = {"users": 0, "playwright": None, "browser": None}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (one sync_playwright() per process)."""
    require_browser_stack()
    from playwright.sync_api import sync_playwright

    if _shared["users"] == 0:
        pw = sync_playwright().start()
        try:
            _shared["browser"] = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
        except BaseException:
            pw.stop()
            raise
        _shared["playwright"] = pw
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        # Every module importing this fixture gets its own session-scoped copy of it;
        # the shared browser goes when the last copy is torn down.
        _shared["users"] -= 1
        if _shared["users"] == 0:
            try:
                _shared["browser"].close()
            finally:
                _shared["playwright"].stop()
                _shared["browser"] = _shared["playwright"] = None


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test (no cookies or storage shared)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


# --------------------------------------------------------------------------- JupyterLab


class LabServer(str):
    """The base URL (``http://127.0.0.1:PORT``), plus what a test may want to inspect."""

    proc: subprocess.Popen
    port: int
    root_dir: Path
    log_path: Path
    _final_log: str | None = None

    def log(self) -> str:
        """The server's log so far (kept after the server stopped and its temp dir went)."""
        if self._final_log is not None:
            return self._final_log
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_command(root_dir: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "jupyter", "lab",
        "--allow-root",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]


def _tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _status_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/api/status", timeout=2) as resp:
            return resp.status == 200 and "started" in json.loads(resp.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException):
        return False


def descendants(pid: int) -> list[int]:
    """PIDs of all live descendants of pid (Linux /proc), e.g. a Lab server's kernels."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, just not reaped


def _stop_server(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM (Jupyter then shuts its kernels down), wait, SIGKILL; then sweep leftovers."""
    tree = descendants(proc.pid) if sys.platform.startswith("linux") else []
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    # Kernels run in their own sessions; any that outlived the server are ours to end.
    leftovers = [p for p in tree if _alive(p)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in leftovers:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(p, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in leftovers):
            time.sleep(0.05)
        leftovers = [p for p in leftovers if _alive(p)]
        if not leftovers:
            break


@contextlib.contextmanager
def jupyter_lab(
    root_dir: str | os.PathLike,
    env: Mapping[str, str] | None = None,
    *,
    start_timeout: float = 90.0,
    args: tuple[str, ...] = (),
) -> Iterator[LabServer]:
    """Run a token-less JupyterLab on 127.0.0.1 serving root_dir; yield its base URL.

    The server is ``python -m jupyter lab`` of ``sys.executable``'s environment, with a
    private config, settings, workspaces and runtime dir (nothing of ~/.jupyter leaks in,
    no workspace is restored). ``env`` is added to the server's environment, and kernels
    inherit it; ``args`` go on the server's command line after the harness's own (e.g. the
    ``--Voila…`` options ``./kit start`` gives). On exit the server is terminated (it shuts
    its kernels down), waited for, killed if need be, and any process it left is ended.
    """
    require_browser_stack()
    root = Path(root_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="numkit-lab-") as tmp:
        tmp = Path(tmp)
        settings_dir = tmp / "user-settings"
        for plugin, values in LAB_USER_SETTINGS.items():
            target = settings_dir / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        full_env = dict(os.environ)
        for var in ("JUPYTER_TOKEN", "JUPYTER_PASSWORD"):
            full_env.pop(var, None)
        full_env.update(
            JUPYTER_CONFIG_DIR=str(tmp / "config"),
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
            JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
            PYTHONUNBUFFERED="1",
        )
        bindir = os.path.dirname(sys.executable)
        full_env["PATH"] = bindir + os.pathsep + full_env.get("PATH", "")
        full_env.update(env or {})

        log_path = tmp / "lab.log"
        for attempt in range(3):  # a free port can be taken between probe and bind
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            with open(log_path, "ab") as log:
                proc = subprocess.Popen(
                    _lab_command(root, port) + list(args), cwd=root, env=full_env,
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                )
            try:
                deadline = time.monotonic() + start_timeout
                while not _status_ok(url):
                    if proc.poll() is not None:
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"JupyterLab did not answer {url}/api/status within "
                            f"{start_timeout:.0f} s; log tail:\n{_tail(log_path)}"
                        )
                    time.sleep(0.1)
            except BaseException:
                _stop_server(proc)
                raise
            if proc.poll() is None:
                break
            if "already in use" not in _tail(log_path) or attempt == 2:
                raise RuntimeError(
                    f"JupyterLab exited with code {proc.returncode}; log tail:\n{_tail(log_path)}"
                )

        server = LabServer(url)
        server.proc, server.port, server.root_dir, server.log_path = proc, port, root, log_path
        try:
            yield server
        finally:
            _stop_server(proc)
            server._final_log = server.log()


def listening_addresses(pids: list[int]) -> set[tuple[str, int]]:
    """(address, port) of the TCP sockets the given processes listen on (Linux /proc)."""
    inodes: set[str] = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] != "0A" or fields[9] not in inodes:  # 0A = LISTEN
                    continue
                hexaddr, hexport = fields[1].split(":")
                raw = bytes.fromhex(hexaddr)
                # /proc prints each 32-bit word in host (little-endian) order
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add((socket.inet_ntop(family, raw), int(hexport, 16)))
    return found


# --------------------------------------------------------------------------- notebooks

_FIND_PANEL = """
    const findPanel = (name) => {
        const app = window.jupyterapp;
        if (!app || !app.shell) return null;
        for (const w of app.shell.widgets('main')) {
            if (w.context && w.context.path === name && w.content && w.sessionContext) return w;
        }
        return null;
    };
    const dialogText = () => [...document.querySelectorAll('.jp-Dialog-content')]
        .map(d => d.innerText.trim()).join('\\n---\\n');
"""

_KERNEL_READY = _FIND_PANEL + """
    (name) => {
        const dialog = dialogText();
        if (dialog) return {dialog};
        const panel = findPanel(name);
        if (!panel || !panel.context.isReady) return false;
        const sc = panel.sessionContext;
        const kernel = sc.session && sc.session.kernel;
        return !!(sc.isReady && kernel && kernel.status === 'idle'
                  && kernel.connectionStatus === 'connected');
    }
"""

_START_RUN_ALL = _FIND_PANEL + """
    (name) => {
        const app = window.jupyterapp;
        const panel = findPanel(name);
        app.shell.activateById(panel.id);
        window.__numkitRunAll = {done: false};
        Promise.resolve(app.commands.execute('notebook:run-all-cells'))
            .then(ok => { window.__numkitRunAll = {done: true, ok: ok}; },
                  err => { window.__numkitRunAll = {done: true, ok: false, error: String(err)}; });
    }
"""

_RUN_FINISHED = _FIND_PANEL + """
    (name) => {
        const dialog = dialogText();
        if (dialog) return {dialog};
        const panel = findPanel(name);
        const state = window.__numkitRunAll;
        if (!panel || !state || !state.done) return false;
        const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
        if (!kernel || kernel.status !== 'idle') return false;
        const prompts = panel.node.querySelectorAll('.jp-InputArea-prompt');
        return ![...prompts].some(p => p.textContent.includes('[*]'));
    }
"""

_DIAGNOSE = _FIND_PANEL + """
    ([name, stderrSelector]) => {
        const panel = findPanel(name);
        const report = {found: !!panel, errors: [], stderr: [], widgetErrors: [], unexecuted: [],
                        running: [], kernel: null, runAll: window.__numkitRunAll || null,
                        dialog: dialogText()};
        if (!panel) return report;
        const sc = panel.sessionContext;
        const kernel = sc.session && sc.session.kernel;
        report.kernel = kernel ? `${kernel.name} ${kernel.status}/${kernel.connectionStatus}`
                               : `no kernel (session ready: ${sc.isReady})`;
        panel.content.widgets.forEach((cell, i) => {
            if (cell.model.type !== 'code') return;
            for (const o of cell.model.outputs.toJSON()) {
                if (o.output_type === 'error') {
                    const tb = (o.traceback || []).join('\\n').replace(/\\x1b\\[[0-9;]*m/g, '');
                    report.errors.push(`cell ${i + 1}: ${o.ename}: ${o.evalue}\\n${tb}`);
                } else if (o.output_type === 'stream' && o.name === 'stderr') {
                    const text = Array.isArray(o.text) ? o.text.join('') : String(o.text);
                    report.stderr.push(`cell ${i + 1}: ${text.trim()}`);
                }
            }
            if (cell.model.sharedModel.getSource().trim() && cell.model.executionCount === null)
                report.unexecuted.push(i + 1);
            const prompt = cell.node.querySelector('.jp-InputArea-prompt');
            if (prompt && prompt.textContent.includes('[*]')) report.running.push(i + 1);
            // The cell's own outputs are read from its model above; the DOM adds what
            // widgets render (an ipywidgets Output's stderr and tracebacks are in no cell
            // model) and outputs that failed to render.
            for (const el of cell.node.querySelectorAll(stderrSelector)) {
                if (!el.closest('.jupyter-widgets, .widget-output')) continue;
                const text = el.innerText.trim();
                (/Traceback|Error\\b/.test(text) ? report.errors : report.stderr)
                    .push(`cell ${i + 1} (widget output): ${text}`);
            }
            for (const el of cell.node.querySelectorAll('.jp-OutputArea-output')) {
                if (el.matches(stderrSelector)) continue;
                const text = el.innerText || '';
                if (/Error displaying widget|Error rendering output|Javascript Error/.test(text))
                    report.widgetErrors.push(`cell ${i + 1}: ${text.trim()}`);
            }
        });
        return report;
    }
"""


def _diagnose(page, notebook_name: str) -> dict:
    try:
        return page.evaluate(_DIAGNOSE, [notebook_name, STDERR_OUTPUT])
    except Exception as exc:  # page gone, app not loaded...
        return {"found": False, "errors": [], "stderr": [], "widgetErrors": [],
                "unexecuted": [], "running": [], "kernel": None, "evaluate_error": str(exc)}


def _describe(report: dict, limit: int = 3000) -> str:
    lines = [f"kernel: {report.get('kernel')}", f"run-all: {report.get('runAll')}"]
    if report.get("evaluate_error"):
        lines.append(f"page not inspectable: {report['evaluate_error']}")
    if report.get("dialog"):
        lines.append("dialog shown: " + report["dialog"].replace("\n", " | "))
    if not report.get("found"):
        lines.append("notebook panel not found in the Lab shell")
    if report.get("running"):
        lines.append(f"cells still running or queued: {report['running']}")
    if report.get("unexecuted"):
        lines.append(f"code cells not executed: {report['unexecuted']}")
    for title, key in (("error outputs", "errors"), ("stderr outputs", "stderr"),
                       ("output errors", "widgetErrors")):
        if report.get(key):
            lines.append(f"{title}:")
            lines.extend("  " + text.replace("\n", "\n  ") for text in report[key])
    text = "\n".join(lines)
    return text if len(text) <= limit else text[:limit] + "\n... (cut)"


def _fail(page, base_url, notebook_name: str, message: str, report: dict | None = None):
    report = report if report is not None else _diagnose(page, notebook_name)
    extra = ""
    with contextlib.suppress(Exception):
        extra += f"\nscreenshot: {save_screenshot(page, Path(notebook_name).stem + '-failure')}"
    if isinstance(base_url, LabServer):
        with contextlib.suppress(Exception):
            tail = "\n".join(base_url.log().splitlines()[-15:])
            extra += f"\nserver log tail:\n{tail}"
    raise NotebookRunError(f"{notebook_name}: {message}\n{_describe(report)}{extra}")


def open_and_run_all(
    page, base_url: str, notebook_name: str, timeout: float = 120.0, *, allow_stderr: bool = False
) -> None:
    """Open ``/lab/tree/<notebook_name>``, run all cells, wait until done, fail on errors.

    Waits for the notebook panel and for its kernel session to be ready and idle before
    Run All (otherwise only the first cell may run), then for the run-all command to
    settle, the kernel to be idle and no prompt to show ``[*]``. Raises NotebookRunError
    (with the error outputs, and a screenshot in out/test-artifacts/) on timeout, on any
    error output or stderr output (unless allow_stderr), or if a code cell did not run.
    ``timeout`` (seconds) bounds loading + kernel start, and separately the run itself.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ms = timeout * 1000

    def wait(script: str, what: str) -> None:
        try:
            result = page.wait_for_function(script, arg=notebook_name, timeout=ms, polling=100)
        except (PlaywrightTimeout, PlaywrightError) as exc:
            _fail(page, base_url, notebook_name, f"{what} within {timeout:g} s ({exc.message.splitlines()[0]})")
        value = result.json_value()
        if isinstance(value, dict) and value.get("dialog"):  # never goes away by itself
            _fail(page, base_url, notebook_name, f"{what}: a dialog is in the way")

    # ?reset: start from an empty workspace, not from the tabs an earlier page left open
    path = urllib.parse.quote(notebook_name)
    page.goto(f"{base_url.rstrip('/')}/lab/tree/{path}?reset", wait_until="domcontentloaded", timeout=ms)
    wait(_KERNEL_READY, "notebook and its kernel not ready")
    page.evaluate(_START_RUN_ALL, notebook_name)
    wait(_RUN_FINISHED, "run all did not finish")
    report = _diagnose(page, notebook_name)
    problems = []
    if report["errors"]:
        problems.append(f"{len(report['errors'])} error output(s)")
    if report["stderr"] and not allow_stderr:
        problems.append(f"{len(report['stderr'])} stderr output(s)")
    if report["widgetErrors"]:
        problems.append("outputs failed to render")
    if report["unexecuted"]:
        problems.append("not every code cell ran")
    if problems:
        _fail(page, base_url, notebook_name, "; ".join(problems), report)


# --------------------------------------------------------------------------- artifacts


def save_screenshot(page, name: str) -> Path:
    """Save a PNG of the page as out/test-artifacts/<name>.png (repo root); return its path."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "screenshot"
    if stem.lower().endswith(".png"):
        stem = stem[:-4]
    path = ARTIFACTS_DIR / f"{stem}.png"
    page.screenshot(path=str(path))
    return path


__all__ = [
    "ARTIFACTS_DIR", "CHROMIUM", "CHROMIUM_ARGS", "LabServer", "NotebookRunError",
    "browser", "descendants", "free_port", "jupyter_lab", "listening_addresses",
    "need", "open_and_run_all", "page", "require_browser_stack", "save_screenshot",
]
