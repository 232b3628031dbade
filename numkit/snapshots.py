"""Export folders: numbers/users/hierarchy files, and a manifest replaying earlier snapshots."""

import json
from pathlib import Path

from .arguments import parse_date
from .errors import InvalidOperation
from .load import source_path


def load_folder(inv, directory, strict=True):
    """Load an export folder; with a manifest.json, its earlier snapshots first, in order
    (those not older than the latest snapshot already loaded).

    Earlier snapshots reuse the folder's numbers and hierarchy with their own users file, so
    that users who left between snapshots are recorded as deleted on the right date.
    """
    directory = Path(directory)
    numbers = source_path(directory, "numbers")
    hierarchy = source_path(directory, "hierarchy")
    users = source_path(directory, "users")
    if numbers is None:
        raise InvalidOperation(f"{directory} holds no numbers.csv or numbers.xlsx")
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    reports = []
    latest = inv._scalar("select numkit_snapshot_date()")
    for earlier in manifest.get("history", []):
        if latest is not None and parse_date(earlier["as_of"]) <= latest:
            continue    # loaded before: replaying it would record the same deletions again
        reports.append(inv.load(numbers, users=directory / earlier["users"], hierarchy=hierarchy,
                                as_of=parse_date(earlier["as_of"]), strict=strict))
    as_of = parse_date(manifest.get("as_of")) if manifest.get("as_of") else None
    reports.append(inv.load(numbers, users=users, hierarchy=hierarchy, as_of=as_of, strict=strict))
    return reports
