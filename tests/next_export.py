"""A next week's export written for a test: the sample's files, a few rows changed.

VOSS writes `+44…` numbers as `\\+44…`; rows are named here as numkit shows them.
"""

import csv
import shutil
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "numkit" / "sample_export"


def _voss(number):
    return "\\" + number if number.startswith("+") else number


def write_next_export(folder, rows=None, users=()):
    """Copy the sample export into `folder`, with `rows` ({(number, node): {header: value}})
    changed and `users` ((username, node) pairs) added to the users file. Returns the paths
    by role."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {(_voss(number), node): fields for (number, node), fields in (rows or {}).items()}
    with open(SAMPLE / "numbers.csv", newline="", encoding="utf-8") as source:
        lines = list(csv.DictReader(source))
    header = list(lines[0].keys())
    found = set()
    for line in lines:
        key = (line["Internal Number"], line["Located At"])
        if key in wanted:
            line.update(wanted[key])
            found.add(key)
    missing = set(wanted) - found
    assert not missing, f"no such rows in the sample: {sorted(missing)}"
    with open(folder / "numbers.csv", "w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=header)
        writer.writeheader()
        writer.writerows(lines)
    shutil.copy(SAMPLE / "hierarchy.csv", folder / "hierarchy.csv")
    users_text = (SAMPLE / "users.csv").read_text(encoding="utf-8")
    users_text += "".join(f"{username},{node}\n" for username, node in users)
    (folder / "users.csv").write_text(users_text, encoding="utf-8")
    return {role: folder / f"{role}.csv" for role in ("numbers", "users", "hierarchy")}
