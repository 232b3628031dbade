"""Export folders: numbers/users/hierarchy files, and a manifest replaying earlier snapshots."""

import json
from pathlib import Path

from ..arguments import parse_date
from ..errors import InvalidOperation
from . import layout
from .load import ROLE_SUFFIXES, refuse_future_date, source_path
from .sources import edit_distance, where_looked

# A file named this close to a role (`hierachy.csv`, `user.csv`) is taken for a misnamed role
# file: left unread, its role would load as absent (users unchanged, no leaver recorded).
MISNAMED_WITHIN = 2
ROLES = ("numbers", "users", "hierarchy")


def load_folder(inv, directory, strict=True, extra_columns=(), allow_future=False,
                pending="keep"):
    """Load an export folder; with a manifest.json, its earlier snapshots first, in order
    (those not older than the latest snapshot already loaded). `extra_columns` is passed
    on to each load, and `pending` (keep or discard the changes pending before it) to the
    first. A manifest date after tomorrow is refused, before anything is loaded,
    unless `allow_future`.

    Earlier snapshots reuse the folder's numbers and hierarchy with their own users file, so
    that users who left between snapshots are recorded as deleted on the right date. The
    folder is one operation: every snapshot of it lands, or none does.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InvalidOperation(f"no folder {directory}{where_looked(directory)}")
    as_of, history = read_manifest(directory / "manifest.json")
    refuse_misnamed_files(directory, [users for _, users in history])
    numbers = source_path(directory, "numbers")
    hierarchy = source_path(directory, "hierarchy")
    users = source_path(directory, "users")
    if numbers is None:
        raise InvalidOperation(f"{directory} holds no numbers.csv or numbers.xlsx")
    for date, what in [(as_of, "manifest.json's as_of")] + [
            (date, f"manifest.json's history date for {users}") for date, users in history]:
        if date is not None:
            refuse_future_date(date, allow_future, what)
    reports = []
    # the indexes come back once, after the whole folder, outside its transaction
    store = inv.store
    with store.session(write=True), \
            store.bulk_rewrite("the load", drop_indexes=layout.rewrite_due(inv.con)), \
            store.operation(what="the load"):
        latest = store.scalar("select numkit_snapshot_date()")
        for earlier_as_of, earlier_users in history:
            if latest is not None and earlier_as_of <= latest:
                continue    # loaded before: replaying it would record the same deletions again
            reports.append(inv.load(numbers, users=directory / earlier_users, hierarchy=hierarchy,
                                    as_of=earlier_as_of, strict=strict,
                                    extra_columns=extra_columns, allow_future=allow_future,
                                    pending=pending))
            pending = "keep"    # the first load dropped them: nothing is left to drop
        reports.append(inv.load(numbers, users=users, hierarchy=hierarchy, as_of=as_of,
                                strict=strict, extra_columns=extra_columns,
                                allow_future=allow_future, pending=pending))
    return reports


def refuse_misnamed_files(directory, named):
    """Refuse a CSV or workbook at the top of the folder named almost like a role file and
    not one (nor a file `named` by the manifest): it would be left unread in silence."""
    allowed = {(directory / name).resolve() for name in named}
    for path in sorted(directory.iterdir()):
        stem = path.stem.lower()
        if (not path.is_file() or path.suffix.lower() not in ROLE_SUFFIXES or stem in ROLES
                or path.resolve() in allowed):
            continue
        close = min(ROLES, key=lambda role: edit_distance(stem, role))
        if edit_distance(stem, close) <= MISNAMED_WITHIN:
            raise InvalidOperation(f"{directory} holds {path.name}, which looks like the {close} "
                                   f"file but is not read: name it {close}{path.suffix.lower()}, "
                                   "or move it out of the folder")


def read_manifest(path):
    """(as_of or None, [(as_of, users file name), ...]) from a folder's manifest.json; no
    manifest: (None, []). Checked whole before anything is loaded, each fault named."""
    if not path.is_file():
        return None, []

    def refuse(what):
        return InvalidOperation(f"{path}: {what}")

    def date_of(value, what):
        try:
            return parse_date(value, what)
        except InvalidOperation as error:
            raise refuse(str(error)) from None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise refuse(f"not valid JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise refuse('expected an object such as {"as_of": "2026-11-23", "history": [...]}')
    as_of = manifest.get("as_of")
    if as_of is not None and not isinstance(as_of, str):
        raise refuse(f"as_of must be a date written YYYY-MM-DD, not {as_of!r}")
    history = manifest.get("history", [])
    if not isinstance(history, list):
        raise refuse("history must be a list of {\"as_of\": ..., \"users\": ...} entries")
    replayed = []
    for position, entry in enumerate(history, 1):
        if (not isinstance(entry, dict) or not isinstance(entry.get("as_of"), str)
                or not isinstance(entry.get("users"), str)):
            raise refuse(f"history entry {position} must name an as_of date and a users file, "
                         f'like {{"as_of": "2026-11-16", "users": "history/users-2026-11-16.csv"}}, '
                         f"not {entry!r}")
        replayed.append((date_of(entry["as_of"], f"history entry {position}'s as_of"),
                         entry["users"]))
    return date_of(as_of, "as_of") if as_of else None, replayed
