"""Writing files into a folder without writing through links planted there.

A report folder may be shared: someone could leave `report.xlsx -> /some/other/file` in
it. Each file is written under a private folder made inside the target folder (only its
owner may enter it), then renamed onto its name: a rename replaces a link standing there,
it never opens the link's target. The target folder itself may be a link: the user named it.
"""

import os
import shutil
import tempfile
from pathlib import Path


class Staging:
    """A private folder inside `folder` to write files in, then `place` each by name."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.private = Path(tempfile.mkdtemp(prefix=".numkit-writing-", dir=self.folder))

    def path(self, name):
        return self.private / name

    def place(self, name):
        """Move the file written as `name` into the folder, replacing whatever has that name."""
        target = self.folder / name
        os.replace(self.private / name, target)
        return target

    def __enter__(self):
        return self

    def __exit__(self, *_):
        shutil.rmtree(self.private, ignore_errors=True)   # what was not placed goes
