"""A database the user may only read, as honestly as the machine allows: tests often run as
root, and root ignores file permissions, so as root the folder is seen through a read-only
bind mount (every write fails there, whoever tries); as anyone else its permissions are
taken away."""

import contextlib
import os
import subprocess
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only_view(folder):
    """`folder` as a user who may only read it sees it: the path to use inside the block."""
    folder = Path(folder)
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in [folder, *folder.iterdir()]}
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield folder
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    view = folder.with_name(folder.name + "-read-only")
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(folder), str(view)], capture_output=True)
    if mounted.returncode != 0:
        view.rmdir()
        pytest.skip(f"root here cannot make a read-only mount: {mounted.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True, capture_output=True)
        yield view
    finally:
        unmounted = subprocess.run(["umount", str(view)], capture_output=True)
        if unmounted.returncode != 0:     # a file still open there: detach it anyway, then say so
            subprocess.run(["umount", "--lazy", str(view)], check=True)
            raise AssertionError(f"{view} was still in use when the test ended: "
                                 f"{unmounted.stderr.decode().strip()}")
        view.rmdir()


def fingerprint(folder):
    """Every file of `folder` with its bytes and modification time: equal before and after
    means nothing was written (and no .wal or other file appeared)."""
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(Path(folder).iterdir())}
