"""What `./kit start` shows on the terminal, with stand-ins for pip, numkit and JupyterLab
(no install, no server; tests/test_kit.py starts the real ones): one short line for each step,
none of the tools' own output (pip's and setuptools' go to .venv/install.log, the server's to
out/jupyter.log), and the two addresses last, printed once the server answers with the token.
A failing install or server shows the end of its log and stops with a non-zero status; Ctrl-C
stops the server."""

import json
import os
import queue
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from terminal import ctrl_c_reaches_it

ROOT = Path(__file__).resolve().parent.parent

# A stand-in answers only this long after it started: the kit must wait for it
LAB_DELAY_SECONDS = 2

FIRST_START = [
    "installing numkit and its dependencies into .venv (first time only, a minute or two)...",
    "building the sample inventory, sample.duckdb, from numkit/sample_export...",
    "checked sample.duckdb: no invariant violations",
    "writing the cleanup report to out/report/ (HTML, XLSX, a CSV per table):",
    "numkit report for sample.duckdb as of 2026-12-02",
    "  stuck cooling: 10",
    "copying the notebooks and the app into notebooks/ (yours: git ignores it)...",
    "starting JupyterLab (its log: out/jupyter.log)...",
    "JupyterLab is up (Ctrl-C stops it). Open:",
    "",
]
NEXT_START = [line for line in FIRST_START
              if not line.startswith(("installing", "building", "copying"))]
ADDRESSES = [
    r"numkit notebooks \(JupyterLab, with the code\): http://127\.0\.0\.1:{port}/lab/tree/01-onboarding\.ipynb\?token=(\S+)",
    r"numkit app \(the four panels, ready\):          http://127\.0\.0\.1:{port}/voila/render/app\.ipynb\?token=(\S+)",
]

# What the tools say that the analyst is not to see: pip's and setuptools' lines, the server's log
PIP_NOISE = [
    "Collecting duckdb==1.1.3",
    "  Building editable for numkit (pyproject.toml) ... done",
    "SetuptoolsDeprecationWarning: License classifiers are deprecated.",
    "WARNING: Location '/nowhere' is ignored: it is neither a file nor a directory.",
]
PIP_ERROR = "ERROR: No matching distribution found for duckdb==1.1.3"
LAB_NOISE = [
    "[I 2026-12-02 22:00:00.000 ServerApp] jupyter_lsp | extension was successfully linked.",
    "[W 2026-12-02 22:00:00.100 ServerApp] notebook_shim | extension was found and enabled",
]
LAB_ERROR = "[C 2026-12-02 22:00:01.000 ServerApp] Running as root is not recommended. Use --allow-root to bypass."

PYTHON3 = f"""#!/bin/sh
# python3 -m venv .venv makes the stand-in venv; anything else is Python itself
if [ "$1 $2 $3" = "-m venv .venv" ]; then
    mkdir -p .venv/bin && cp "$FAKE_VENV_BIN"/* .venv/bin/
    exit 0
fi
exec {sys.executable} "$@"
"""

PIP = """#!/bin/sh
echo "pip $*" >>"$FAKE_CALLS"
""" + "".join(f"echo \"{line}\"\n" for line in PIP_NOISE[:2]) + \
    "".join(f"echo \"{line}\" >&2\n" for line in PIP_NOISE[2:]) + f"""
if [ -n "$FAKE_PIP_FAILS" ]; then echo "{PIP_ERROR}" >&2; exit 1; fi
"""

VENV_PYTHON = f"""#!/bin/sh
case "$*" in
    *build_sample*) echo "build_sample" >>"$FAKE_CALLS"; : >sample.duckdb ;;
    *) exec {sys.executable} "$@" ;;
esac
"""

NUMKIT = """#!/bin/sh
case "$1" in
    upgrade) echo "$2 is at schema 10, as this numkit reads it" ;;
    check) echo "no invariant violations" ;;
    report) mkdir -p "$4"
            echo "numkit report for $2 as of 2026-12-02"
            echo "  stuck cooling: 10"
            echo "wrote $4/cleanup-report.html"
            echo "wrote $4/numkit-report.xlsx" ;;
    notebooks) mkdir -p "$2"
               for name in 01-onboarding.ipynb app.ipynb; do : >"$2/$name"; echo "wrote $2/$name"; done ;;
esac
"""

JUPYTER = f"""#!{sys.executable}
import http.server, os, signal, sys, time
calls = open(os.environ["FAKE_CALLS"], "a", buffering=1)
calls.write("jupyter " + " ".join(sys.argv[1:]) + "\\n")
port = int(next(a for a in sys.argv if a.startswith("--port=")).split("=", 1)[1])
print({LAB_NOISE[0]!r}, flush=True)
print({LAB_NOISE[1]!r}, file=sys.stderr, flush=True)
if os.environ.get("FAKE_LAB_FAILS"):
    print({LAB_ERROR!r}, file=sys.stderr, flush=True)
    sys.exit(1)
time.sleep({LAB_DELAY_SECONDS})
token = os.environ["JUPYTER_TOKEN"]

class Status(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ours = self.path == "/api/status" and self.headers.get("Authorization") == "token " + token
        self.send_response(200 if ours else 403)
        self.end_headers()
        self.wfile.write(b"{{}}")

    def log_message(self, form, *args):
        print("[I ServerApp] " + form % args, file=sys.stderr, flush=True)

def stop(signum, frame):
    calls.write("jupyter stopped by signal %d\\n" % signum)
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
server = http.server.HTTPServer(("127.0.0.1", port), Status)
print("[I ServerApp] http://127.0.0.1:%d/lab?token=%s" % (port, token), flush=True)
server.serve_forever()
"""


def executable(path, text):
    path.write_text(text)
    path.chmod(0o755)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def checkout(tmp_path):
    """A copy of what ./kit reads, with stand-ins for python3 -m venv, pip, numkit and jupyter."""
    folder = tmp_path / "checkout"
    folder.mkdir()
    for name in ("kit", "pyproject.toml", "constraints.txt"):
        shutil.copy2(ROOT / name, folder / name)
    shutil.copytree(ROOT / "lab-settings", folder / "lab-settings")
    (folder / "numkit" / "notebooks").mkdir(parents=True)
    (folder / "numkit" / "notebooks" / "app.ipynb").write_text("{}")
    bin_dir, venv_bin = tmp_path / "bin", tmp_path / "venv-bin"
    bin_dir.mkdir()
    venv_bin.mkdir()
    executable(bin_dir / "python3", PYTHON3)
    for name, text in (("pip", PIP), ("python", VENV_PYTHON), ("numkit", NUMKIT), ("jupyter", JUPYTER)):
        executable(venv_bin / name, text)
    return folder


class Started:
    """`./kit start` running in `checkout`: its terminal lines as they come."""

    def __init__(self, checkout, **env):
        self.checkout, self.port = checkout, free_port()
        self.calls = checkout.parent / "calls"
        self.process = subprocess.Popen(
            ["./kit", "start"], cwd=checkout, text=True, start_new_session=True,
            preexec_fn=ctrl_c_reaches_it,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env={**os.environ, **env, "NUMKIT_PORT": str(self.port),
                 "PATH": f"{checkout.parent / 'bin'}{os.pathsep}{os.environ['PATH']}",
                 "FAKE_VENV_BIN": str(checkout.parent / "venv-bin"), "FAKE_CALLS": str(self.calls)})
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line.rstrip("\n")) for line in self.process.stdout],
                         daemon=True).start()
        self.seen = []

    def read_until_addresses(self, timeout=60):
        deadline = time.monotonic() + timeout
        while not (self.seen and self.seen[-1].startswith("numkit app")):
            try:
                self.seen.append(self.lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError("./kit start printed no app address:\n" + "\n".join(self.seen)
                                     + "\nstderr:\n" + (self.process.stderr.read() if self.process.poll() is not None else ""))
        return self.seen

    def more_lines(self, within):
        """What the kit prints in the next `within` seconds."""
        more, deadline = [], time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                more.append(self.lines.get(timeout=0.1))
            except queue.Empty:
                pass
        return more

    def ctrl_c(self):
        """What a terminal does on Ctrl-C: SIGINT to the whole foreground process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=30)
        return self.more_lines(0.5)

    def finish(self, timeout=60):
        self.process.wait(timeout=timeout)
        out = self.more_lines(0.5)
        return self.seen + out, self.process.stderr.read()

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def start(checkout):
    started = []

    def run(**env):
        started.append(Started(checkout, **env))
        return started[-1]
    yield run
    for kit in started:
        kit.kill()


def answers(port, token):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                     headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def assert_progress_then_addresses(lines, expected_progress, port):
    *progress, notebooks, app = lines
    assert progress == expected_progress
    tokens = [re.fullmatch(pattern.format(port=port), line).group(1)
              for pattern, line in zip(ADDRESSES, (notebooks, app))]
    assert tokens[0] == tokens[1]
    return tokens[0]


def test_a_first_start_says_each_step_and_prints_the_addresses_last(checkout, start):
    kit = start()
    lines = kit.read_until_addresses()
    token = assert_progress_then_addresses(lines, FIRST_START, kit.port)
    # printed once the server answers (it waits LAB_DELAY_SECONDS before listening)
    assert answers(kit.port, token)
    assert kit.more_lines(within=2) == []
    assert kit.ctrl_c() == ["JupyterLab stopped."]
    assert kit.process.returncode == 0
    assert "jupyter stopped by signal 15" in kit.calls.read_text()
    assert kit.process.stderr.read() == ""
    # the tools' lines are kept, out of sight: pip's and setuptools' in the install log,
    # the server's in its log, which only the analyst can read: it keeps the two addresses,
    # token included, for a terminal closed since
    install_log = (checkout / ".venv" / "install.log").read_text()
    assert all(line in install_log for line in PIP_NOISE)
    lab_log = checkout / "out" / "jupyter.log"
    assert all(line in lab_log.read_text() for line in LAB_NOISE)
    assert all(address in lab_log.read_text() for address in lines[-2:])
    assert f"token={token}" in lab_log.read_text()
    assert stat.S_IMODE(lab_log.stat().st_mode) == 0o600
    # the token reaches the server through its environment, never its command line
    assert "jupyter lab" in kit.calls.read_text() and token not in kit.calls.read_text()


def test_a_second_start_installs_and_builds_nothing(checkout, start):
    first = start()
    first.read_until_addresses()
    first.ctrl_c()
    calls_before = first.calls.read_text()
    kit = start()
    lines = kit.read_until_addresses()
    assert_progress_then_addresses(lines, NEXT_START, kit.port)
    kit.ctrl_c()
    new_calls = kit.calls.read_text()[len(calls_before):]
    assert "pip " not in new_calls and "build_sample" not in new_calls
    assert "jupyter lab" in new_calls


def test_a_start_adds_the_app_to_notebooks_from_before_it_and_says_so(checkout, start):
    first = start()
    first.read_until_addresses()
    first.ctrl_c()
    mine = checkout / "notebooks" / "01-onboarding.ipynb"
    mine.write_text("the analyst's own")
    (checkout / "notebooks" / "app.ipynb").unlink()
    kit = start()
    lines = kit.read_until_addresses()
    kit.ctrl_c()
    said = "adding the app to your notebooks/ (app.ipynb; the rest is left as it is)..."
    assert_progress_then_addresses(
        [line for line in lines if line != said], NEXT_START, kit.port)
    assert said in lines
    assert (checkout / "notebooks" / "app.ipynb").read_text() == "{}"
    assert mine.read_text() == "the analyst's own"


def test_a_failing_install_shows_the_end_of_pips_log_and_stops(checkout, start):
    kit = start(FAKE_PIP_FAILS="1")
    lines, errors = kit.finish()
    assert kit.process.returncode == 1
    assert lines == FIRST_START[:1]
    assert "pip failed (pip install --upgrade pip); the last lines of .venv/install.log:" in errors
    assert PIP_ERROR in errors
    assert "is ignored: it is neither a file nor a directory" not in errors
    assert not (checkout / ".venv" / ".installed").exists()     # the next start tries again


def test_a_server_that_fails_to_start_shows_the_end_of_its_log_and_no_address(checkout, start):
    kit = start(FAKE_LAB_FAILS="1")
    lines, errors = kit.finish()
    assert kit.process.returncode == 1
    assert lines == FIRST_START[:-2]
    assert "JupyterLab stopped before it answered (exit status 1); the last lines of its log, " \
           "out/jupyter.log:" in errors
    assert LAB_ERROR in errors
    assert "token=" not in "\n".join(lines)


def test_the_kit_gives_jupyterlab_settings_that_turn_the_news_prompt_off(checkout, start):
    """The settings the kit's server starts from (tests/test_kit_start_browser.py sees the
    prompt gone in Chromium): names and values the installed JupyterLab's schema knows."""
    kit = start()
    kit.read_until_addresses()
    kit.ctrl_c()
    assert f"--LabApp.app_settings_dir={checkout / 'lab-settings'}" in kit.calls.read_text()
    overrides = json.loads((ROOT / "lab-settings" / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    jupyterlab = pytest.importorskip("jupyterlab")
    schema = json.loads((Path(jupyterlab.__file__).parent / "schemas" / "@jupyterlab"
                         / "apputils-extension" / "notification.json").read_text())
    assert {"const": "false", "title": "Never"} in schema["properties"]["fetchNews"]["oneOf"]
    assert schema["properties"]["checkForUpdates"]["type"] == "boolean"


def test_the_readme_shows_what_a_first_start_prints():
    """The README's copy of a first start: the kit's own lines as it prints them, in order,
    the addresses last."""
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("What the first start showed", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    *lines, notebooks, app = shown.splitlines()
    kits_own = [line for line in FIRST_START if not line.startswith(("numkit report", "  "))]
    assert [line for line in lines if line in kits_own] == kits_own
    assert [line for line in lines if not line.startswith(("numkit report", "  "))] == kits_own
    for pattern, line in zip(ADDRESSES, (notebooks, app)):
        assert re.fullmatch(pattern.format(port=r"\d+"), line)
