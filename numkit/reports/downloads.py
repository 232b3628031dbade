"""Links to download the files numkit wrote, for a notebook or a page to show.

JupyterLab serves only the files under the folder it was started in, and resolves a relative
link in a notebook's output against the notebook's own folder: the kernel's working
directory. A link with a `download` attribute makes the browser save the file rather than
open it in JupyterLab. A file outside that folder cannot be reached from the browser: it is
named, without a link.

The app (a notebook Voilà renders at `<base>/voila/render/<path>`) resolves nothing: the
browser would take a relative link against that address, which Voilà sends on to its own
file route, and that route serves without the server's token, so it stays closed to these
files. In the app each link goes instead to the server's `<base>/files/` route, the one
JupyterLab's links reach, which asks for the token as every other page does (the browser
holds it since the app was opened).
"""

import html
import os
import re
from pathlib import Path
from urllib.parse import quote


def relative_href(path, base):
    """The URL of `path` relative to the folder `base` (`exports/cleanup-2026-11-23/a%20b.csv`),
    or None when `path` is not under `base`."""
    try:
        relative = Path(os.path.relpath(Path(path).resolve(), Path(base).resolve()))
    except ValueError:      # on another drive
        return None
    if relative.parts[:1] == ("..",):
        return None
    return "/".join(quote(part) for part in relative.parts)


def app_files_prefix(environ=None):
    """The start of the server's file URL of the notebook's folder when the notebook runs
    in the app (`/files/` + the folder's path, as `SCRIPT_NAME` spells it), else None.
    Voilà gives its kernel the page's address as `SCRIPT_NAME`."""
    environ = os.environ if environ is None else environ
    if not environ.get("SERVER_SOFTWARE", "").startswith("voila/"):
        return None
    page = re.fullmatch(r"(.*/)voila/render/((?:[^/]+/)*)[^/]+", environ.get("SCRIPT_NAME", ""))
    return None if page is None else f"{page[1]}files/{page[2]}"


def download_links(paths, base=None):
    """HTML: a download link for each file of `paths` under `base` (default: the working
    directory, the notebook's folder), every name escaped; the files outside it named, with
    where they are. In the app, the links go to the server's file route (app_files_prefix)."""
    base = Path.cwd() if base is None else Path(base)
    prefix = app_files_prefix() or ""
    links, outside = [], []
    for path in map(Path, paths):
        href = relative_href(path, base)
        if href is None:
            outside.append(path)
        else:
            links.append(f'<a href="{html.escape(prefix + href)}" download="{html.escape(path.name)}">'
                         f"{html.escape(path.name)}</a>")
    parts = []
    if links:
        parts.append(f'<div class="numkit-downloads">Download: {" · ".join(links)}</div>')
    if outside:
        parts.append(f"<div>Outside {html.escape(str(base))}, where the browser cannot fetch "
                     f"them: {html.escape(', '.join(str(path) for path in outside))}</div>")
    return "\n".join(parts)
