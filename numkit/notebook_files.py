"""The analyst's notebooks, shipped inside the package so an installed numkit has them too."""

import os
from pathlib import Path

from .errors import InvalidOperation
from .staging import Staging

FOLDER = Path(__file__).resolve().parent / "notebooks"
# The four panels as tabs of one page: served by Voilà (./kit start), it opens with the panels
# ready and no code shown
APP = FOLDER / "app.ipynb"


def paths():
    """The panels' notebooks numkit ships, one panel each, in their order (00-overview first)."""
    return sorted(FOLDER.glob("[0-9][0-9]-*.ipynb"))


def shipped():
    """Every notebook copied for the analyst: the panels' notebooks, then the app."""
    return paths() + [APP]


def copy_to(folder, force=False):
    """Copy the notebooks and the app into `folder` (made if needed) for the analyst to work
    in; return the paths written. A notebook already there is the analyst's work: without `force` nothing is
    written and InvalidOperation names it."""
    folder = Path(folder)
    notebooks = shipped()
    held = [p.name for p in notebooks if os.path.lexists(folder / p.name)]
    if held and not force:
        them = "it" if len(held) == 1 else "them"
        raise InvalidOperation(f"{folder} already holds {', '.join(held)}; add --force to overwrite {them}")
    with Staging(folder) as staging:
        for notebook in notebooks:
            staging.path(notebook.name).write_bytes(notebook.read_bytes())
        return [staging.place(notebook.name) for notebook in notebooks]
