"""`./kit start` opens JupyterLab and the app (the panels, rendered by Voilà without code) on
loopback only, behind a token, and says where, the app last: nothing of the server's log on
the terminal, before the addresses or after them (tests/test_kit_start_output.py checks each
line with stand-ins for the tools); on a port another server holds, it says so and stops
before printing an address."""

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(port):
    """Local addresses listening on `port`, from the kernel's socket tables."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def page(url, timeout=120):
    """(status, text) of a page, a redirect (to the login page) not followed."""
    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def drain(lines, quiet_for=3):
    """The lines that come until none has for `quiet_for` seconds."""
    more = []
    while True:
        try:
            more.append(lines.get(timeout=quiet_for))
        except queue.Empty:
            return more


def test_kit_start_serves_loopback_with_a_token():
    port = free_port()
    process = subprocess.Popen(["./kit", "start"], cwd=ROOT, env={**os.environ, "NUMKIT_PORT": str(port)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        url, app_url, seen = None, None, []
        deadline = time.monotonic() + 300
        while app_url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert process.poll() is None, "./kit start stopped:\n" + "".join(seen)
                continue
            seen.append(line)
            url = url or re.search(rf"http://127\.0\.0\.1:{port}/lab/tree/01-onboarding\.ipynb\?token=(\S+)", line)
            app_url = re.search(rf"http://127\.0\.0\.1:{port}/voila/render/app\.ipynb\?token=(\S+)", line)
        assert url, "./kit start printed the JupyterLab URL:\n" + "".join(seen)
        assert app_url, "./kit start printed the app's URL, after JupyterLab's:\n" + "".join(seen)
        token = url.group(1)
        assert app_url.group(1) == token
        base = f"http://127.0.0.1:{port}"
        while status(f"{base}/api/status?token={token}") != 200:
            assert time.monotonic() < deadline and process.poll() is None, "JupyterLab started"
            time.sleep(0.5)
        assert status(f"{base}/api/status") == 403
        assert status(f"{base}/api/contents?token=wrong") == 403
        assert listening_addresses(port) == ["0100007F"]
        # JupyterLab works in the analyst's copies (notebooks/): what it saves there leaves
        # the package's own notebooks as they are
        assert status(f"{base}/api/contents/01-onboarding.ipynb?token={token}") == 200
        # the app: the panels rendered on the sample, their code not shown; no token, no app
        shown, html = page(f"{base}/voila/render/app.ipynb?token={token}")
        assert shown == 200
        assert "application/vnd.jupyter.widget-view+json" in html
        assert "OnboardingPanel(database" not in html and "import ipywidgets" not in html
        assert "could not open its panels" not in html
        assert page(f"{base}/voila/render/app.ipynb")[0] in (302, 403)
        saved = ROOT / "notebooks" / "kit-start-saved.txt"
        request = urllib.request.Request(
            f"{base}/api/contents/{saved.name}?token={token}", method="PUT",
            data=b'{"type": "file", "format": "text", "content": "saved"}')
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.status in (200, 201)
            assert saved.read_text() == "saved"
        finally:
            saved.unlink(missing_ok=True)
        # the server logged each request above, and the app's kernel ran: none of it shows
        # here, so the addresses stay the last lines on the terminal
        seen += drain(lines)
        assert app_url.group(0) in seen[-1] and url.group(0) in seen[-2], "".join(seen)
        assert "starting JupyterLab (its log: out/jupyter.log)...\n" in seen
        assert [line for line in seen if re.match(r"\[[DIWEC] |wrote |WARNING|DEPRECATION", line)] == []
        assert "ServerApp" in (ROOT / "out" / "jupyter.log").read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_kit_start_refuses_a_port_in_use():
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", 0))
        other_server.listen()
        port = other_server.getsockname()[1]
        result = subprocess.run(["./kit", "start"], cwd=ROOT, env={**os.environ, "NUMKIT_PORT": str(port)},
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "NUMKIT_PORT=" in result.stderr
    assert "token=" not in result.stdout
