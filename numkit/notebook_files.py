"""The analyst's notebooks, shipped inside the package so an installed numkit has them too."""

import functools
import json
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


# The kernel the notebooks run on (ipykernel's, in numkit's environment).
KERNEL = "python3"


@functools.cache
def kernel_metadata():
    """{"kernelspec": ..., "language_info": ...} as JupyterLab writes them into a notebook
    once its kernel has started, for the kernel of the Python numkit runs under. A notebook
    that says anything else (another Python version, "Python 3" for "Python 3 (ipykernel)")
    is marked changed as soon as it opens, and autosave then writes the analyst's file though
    they changed nothing. None when no such kernel is installed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        return None
    from ipykernel.ipkernel import IPythonKernel
    return {"kernelspec": {"display_name": spec.display_name, "language": spec.language,
                           "name": KERNEL},
            "language_info": dict(IPythonKernel.language_info)}


def with_kernel_metadata(text):
    """A notebook's JSON text saying this environment's kernel (kernel_metadata), written as
    Jupyter writes notebooks; as it was when no kernel is installed."""
    metadata = kernel_metadata()
    if metadata is None:
        return text
    notebook = json.loads(text)
    notebook["metadata"] = {**notebook.get("metadata", {}), **metadata}
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def copy_to(folder, force=False):
    """Copy the notebooks and the app into `folder` (made if needed) for the analyst to work
    in, each saying this environment's kernel (with_kernel_metadata); return the paths
    written. A notebook already there is the analyst's work: without `force` nothing is
    written and InvalidOperation names it."""
    folder = Path(folder)
    notebooks = shipped()
    held = [p.name for p in notebooks if os.path.lexists(folder / p.name)]
    if held and not force:
        them = "it" if len(held) == 1 else "them"
        raise InvalidOperation(f"{folder} already holds {', '.join(held)}; add --force to overwrite {them}")
    with Staging(folder) as staging:
        for notebook in notebooks:
            staging.path(notebook.name).write_text(
                with_kernel_metadata(notebook.read_text(encoding="utf-8")), encoding="utf-8")
        return [staging.place(notebook.name) for notebook in notebooks]
