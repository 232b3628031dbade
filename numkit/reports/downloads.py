"""Links to download the files numkit wrote, for a notebook or a page to show.

JupyterLab serves only the files under the folder it was started in, and resolves a relative
link in a notebook's output against the notebook's own folder: the kernel's working
directory. A link with a `download` attribute makes the browser save the file rather than
open it in JupyterLab. A file outside that folder cannot be reached from the browser: it is
named, without a link.
"""

import html
import os
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


def download_links(paths, base=None):
    """HTML: a download link for each file of `paths` under `base` (default: the working
    directory), every name escaped; the files outside it named, with where they are."""
    base = Path.cwd() if base is None else Path(base)
    links, outside = [], []
    for path in map(Path, paths):
        href = relative_href(path, base)
        if href is None:
            outside.append(path)
        else:
            links.append(f'<a href="{html.escape(href)}" download="{html.escape(path.name)}">'
                         f"{html.escape(path.name)}</a>")
    parts = []
    if links:
        parts.append(f'<div class="numkit-downloads">Download: {" · ".join(links)}</div>')
    if outside:
        parts.append(f"<div>Outside {html.escape(str(base))}, where the browser cannot fetch "
                     f"them: {html.escape(', '.join(str(path) for path in outside))}</div>")
    return "\n".join(parts)
