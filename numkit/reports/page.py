"""The cleanup report as one self-contained HTML page: its sections' escaped HTML in a
page with its own stylesheet (the look of a notebook's output), no scripts, nothing to fetch."""

import html

# JupyterLab's light theme for rendered output, reduced to what the sections use.
STYLE = """
body { margin: 0; padding: 10px; background: white; color: rgba(0, 0, 0, 0.87);
       font-family: system-ui, -apple-system, blinkmacsystemfont, 'Segoe UI', helvetica, arial,
                    sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji', 'Segoe UI Symbol';
       font-size: 14px; line-height: 1.6; }
section { padding: 5px 20px 5px 15px; overflow-x: auto; }
h1, h2, h3 { line-height: 1.1; font-weight: 500; font-style: normal; margin: 1.2em 0 0.8em 0; }
section > :first-child { margin-top: 0.6em; }
h1 { font-size: 2.074em; }
h2 { font-size: 1.728em; }
h3 { font-size: 1.44em; }
p { text-align: left; margin: 0 0 1em 0; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; border-spacing: 0; border: none; color: rgba(0, 0, 0, 0.87);
        font-size: 13px; table-layout: fixed; margin: 0 0 1em 0; }
thead { border-bottom: 1px solid #bdbdbd; vertical-align: bottom; }
td, th, tr { vertical-align: middle; padding: 0.5em; line-height: normal; white-space: normal;
             max-width: none; border: none; text-align: left; }
td.number, th.number { text-align: right; }
/* a value is never cut in two (a date, a node, a username); free text wraps at its words */
td { white-space: nowrap; }
td.text { white-space: normal; min-width: 10em; }
th { font-weight: bold; }
tbody tr:nth-child(odd) { background: white; }
tbody tr:nth-child(even) { background: #f5f5f5; }
tbody tr:hover { background: #e1f5fe; }
tbody tr.conflict { background: #fff3e0; color: #b71c1c; }
td[title] { text-decoration: underline dotted #9e9e9e; }
/* a person's line above their rows, in a table grouped by person */
tbody tr.numkit-group, tbody tr.numkit-group:hover { background: #eceff1; }
tr.numkit-group th { text-align: left; font-weight: 600; padding-top: 0.9em; }
p.numkit-more { color: #546e7a; }
"""


def page(title, sections):
    """A page titled `title` showing `sections` (objects with `_repr_html_`), in order: the
    first is the page's first screen, under the page's own heading (h1)."""
    body = "\n".join(f"<section>\n{section._repr_html_()}\n</section>" for section in sections)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")
