"""Export folders: numbers/users/hierarchy files, and a manifest replaying earlier snapshots."""

import json
import re
from pathlib import Path

from ..arguments import parse_date
from ..errors import InvalidOperation
from .load import (ROLE_SUFFIXES, load_export, memory_bounded, out_of_memory_said,
                   put_back_in_order, refuse_future_date, row_order, source_path,
                   with_compaction)
from .sources import edit_distance, where_looked

# A file named this close to a role (`hierachy.csv`, `user.csv`) is taken for a misnamed role
# file: left unread, its role would load as absent (users unchanged, no leaver recorded).
MISNAMED_WITHIN = 2
ROLES = ("numbers", "users", "hierarchy")


def load_folder(inv, directory, strict=True, extra_columns=(), allow_future=False,
                pending="keep", progress=None):
    """Load an export folder; with a manifest.json, its earlier snapshots first, in order
    (those not older than the latest snapshot already loaded). `extra_columns` is passed
    on to each load, and `pending` (keep or discard the changes pending before it) to the
    first. A manifest date after tomorrow is refused, before anything is loaded,
    unless `allow_future`. `progress(fraction, step)` is told each load's steps, the
    fraction of the whole folder, each step naming its snapshot when there are several.

    The folder's own files are those manifest.json names (`"numbers": "Number
    Inventory.csv"`), else those named after their role (`numbers.csv`, `Users.xlsx`).
    Each earlier snapshot has its own users file, so that users who left between snapshots
    are recorded as deleted on the right date, and may have its own numbers and hierarchy
    files; without them it reuses the folder's. The folder is one operation: every snapshot
    of it lands, or none does. How the rows lie is measured once, before the first
    snapshot (rules R36).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InvalidOperation(f"no folder {directory}{where_looked(directory)}")
    as_of, history = read_manifest(directory / "manifest.json")
    named = manifest_files(directory / "manifest.json")
    read_by_manifest = [name for entry in history for name in entry[1:] if name] + list(named.values())
    refuse_misnamed_files(directory, read_by_manifest)
    numbers, users, hierarchy = (role_file(directory, role, named.get(role)) for role in ROLES)
    refuse_unread_role_files(directory, read_by_manifest,
                             [role for role, file in zip(ROLES, (numbers, users, hierarchy))
                              if file is None])
    if numbers is None:
        raise InvalidOperation(f"{directory} holds no numbers.csv or numbers.xlsx, and its "
                               "manifest.json names no numbers file")
    for date, what in [(as_of, "manifest.json's as_of")] + [
            (entry[0], f"manifest.json's history date for {entry[1]}") for entry in history]:
        if date is not None:
            refuse_future_date(date, allow_future, what)
    reports = []
    # the indexes come back once, after the whole folder, outside its transaction
    store = inv.store
    compactable = store.can_compact()
    with out_of_memory_said(), store.session(write=True), \
            store.bulk_rewrite("the load") as rewrite, memory_bounded(store), \
            store.operation(what="the load"):
        latest = store.scalar("select numkit_snapshot_date()")
        # loaded before: replaying one would record the same deletions again
        history = [entry for entry in history if latest is None or entry[0] > latest]
        # measured once (rules R36): when due, the first snapshot loaded puts the rows back
        # in node order, or the file is compacted after the last; the others write only
        # their changes
        first_numbers = (directory / history[0][2] if history and history[0][2] else numbers)
        order = row_order(inv.con, first_numbers, compactable)
        rewrite.rebuild_indexes = not order.compact_after     # the copy builds them
        rewrite_all = order.rewrite_all
        folder_told, compaction_told = with_compaction(progress, order.compact_after)
        told = _each_snapshot(folder_told, [entry[0] for entry in history] + [as_of or inv.as_of])
        for earlier_as_of, earlier_users, earlier_numbers, earlier_hierarchy in history:
            reports.append(load_export(
                inv, directory / earlier_numbers if earlier_numbers else numbers,
                users=directory / earlier_users,
                hierarchy=directory / earlier_hierarchy if earlier_hierarchy else hierarchy,
                as_of=earlier_as_of, strict=strict, extra_columns=extra_columns,
                allow_future=allow_future, pending=pending, rewrite_all=rewrite_all,
                progress=told(len(reports))))
            pending = "keep"    # the first load dropped them: nothing is left to drop
            rewrite_all = False
        reports.append(load_export(inv, numbers, users=users, hierarchy=hierarchy, as_of=as_of,
                                   strict=strict, extra_columns=extra_columns,
                                   allow_future=allow_future, pending=pending,
                                   rewrite_all=rewrite_all, progress=told(len(reports))))
    # said of the snapshot that put them back in order: the first, or the last once compacted
    put_back_in_order(inv, reports[-1] if order.compact_after else reports[0], order,
                      compaction_told)
    return reports


def _each_snapshot(progress, dates):
    """told(i): the progress callback of the i-th of the snapshots dated `dates`, telling
    `progress` the fraction of the whole folder and, when there are several, which snapshot
    each step is of."""
    def told(index):
        if progress is None or len(dates) == 1:
            return progress

        def of_this_snapshot(fraction, step):
            progress((index + fraction) / len(dates),
                     f"snapshot {index + 1} of {len(dates)} (as of {dates[index]}): {step}")
        return of_this_snapshot
    return told


def role_file(directory, role, named):
    """The folder's file for `role`: the one manifest.json names (`named`, checked by
    manifest_files), else the one named after the role, else None. A manifest naming one file
    beside another named after the role is refused: which one is meant cannot be told."""
    by_role = source_path(directory, role)
    if named is None:
        return by_role
    file = directory / named
    if by_role is not None and Path(by_role).resolve() != file.resolve():
        raise InvalidOperation(f"{directory} holds {Path(by_role).name}, and manifest.json names "
                               f"{named!r} as the {role} file: keep the one to load")
    return file


# Excel marks a workbook open for editing with a small file of its own beside it
# (`~$numbers.xlsx`): no export, never read, never taken for one.
EXCEL_LOCK_PREFIX = "~$"
# A second copy of a role file, as a browser names a download made twice (`numbers (1).csv`)
# or a file manager a copy (`numbers - Copy.csv`): which one is this week's cannot be told.
COPY_OF_ROLE = re.compile(r"(?P<role>" + "|".join(ROLES) + r")\s*(\(\d+\)|-?\s*copy(\s*\d+)?)")


def _left_unread(directory, named):
    """The CSVs and workbooks at the top of the folder, in name order, that are neither named
    after a role nor by the manifest (`named`): the files a load would not read."""
    allowed = {(directory / name).resolve() for name in named}
    return [path for path in sorted(directory.iterdir())
            if path.is_file() and path.suffix.lower() in ROLE_SUFFIXES
            and not path.name.startswith(EXCEL_LOCK_PREFIX)
            and path.stem.lower() not in ROLES and path.resolve() not in allowed]



def refuse_misnamed_files(directory, named):
    """Refuse a CSV or workbook at the top of the folder named almost like a role file and
    not one (nor a file `named` by the manifest): it would be left unread in silence."""
    for path in _left_unread(directory, named):
        stem = path.stem.lower()
        copy = COPY_OF_ROLE.fullmatch(stem)
        if copy:
            raise InvalidOperation(f"{directory} holds {path.name}, a copy of the "
                                   f"{copy['role']} file by its name, which is not read: keep "
                                   f"the one to load as {copy['role']}{path.suffix.lower()} and "
                                   "move the other out of the folder")
        close = min(ROLES, key=lambda role: edit_distance(stem, role))
        if edit_distance(stem, close) <= MISNAMED_WITHIN:
            raise InvalidOperation(f"{directory} holds {path.name}, which looks like the {close} "
                                   f"file but is not read: name it {close}{path.suffix.lower()}, "
                                   "or move it out of the folder")


# A file whose name holds one of these words (`VOSS Users 2026-11-23.csv`) is taken for the
# file of that role when the folder has none: unread, the role would load as absent in silence.
ROLE_WORDS = {"numbers": "number", "users": "user", "hierarchy": "hierarch"}


def refuse_unread_role_files(directory, named, absent):
    """Refuse the CSVs and workbooks at the top of the folder, neither named after a role nor
    by the manifest (`named`), whose names say they hold a role the folder has no file for
    (`absent`): loading without users keeps the users as last loaded, and without a
    hierarchy keeps the node types, so the export's own files would be passed over unsaid.
    One message names them all, with a manifest that would read them."""
    unread = [(path, role) for path in _left_unread(directory, named)
              for role in absent if ROLE_WORDS[role] in path.stem.lower()]
    if not unread:
        return
    files = " and ".join(f"{path.name} (like the {role} file)" for path, role in unread)
    first = {}      # each role's first file: the one a manifest or a new name would read
    for path, role in unread:
        first.setdefault(role, path)
    manifest = json.dumps({role: path.name for role, path in first.items()}, ensure_ascii=False)
    named_so = ", ".join(role + path.suffix.lower() for role, path in first.items())
    one = len(unread) == 1
    raise InvalidOperation(
        f"{directory} holds {files}, and no {' or '.join(first)} file is read: name "
        f"{'it after its role' if one else 'each after its role'} ({named_so}), name "
        f"{'it' if one else 'them'} in manifest.json ({manifest}), or move "
        f"{'it' if one else 'them'} out of the folder")


ENTRY_FILES = ("users", "numbers", "hierarchy")      # users required, the others optional


def _parsed(path):
    """(the manifest's object, refuse): refuse(what) is the InvalidOperation naming the file."""
    def refuse(what):
        return InvalidOperation(f"{path}: {what}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise refuse(f"not valid JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise refuse('expected an object such as {"as_of": "2026-11-23", "history": [...]}')
    return manifest, refuse


def manifest_files(path):
    """{role: file name} of the folder's own files that manifest.json names (`"numbers":
    "Number Inventory.csv"`: the names an export was given), each checked as a history
    entry's file is; no manifest, or none named: {}. A top-level key within two letters of a
    role and not one (`"user"`, `"Numbers"`) is refused: that file would be left unread."""
    if not path.is_file():
        return {}
    manifest, refuse = _parsed(path)
    for key in manifest:
        close = min(ROLES, key=lambda role: edit_distance(str(key).lower(), role))
        if key not in ROLES and edit_distance(str(key).lower(), close) <= MISNAMED_WITHIN:
            raise refuse(f"{key!r} is not read: the folder's {close} file is named by "
                         f'"{close}", like {{"{close}": "{close.capitalize()} export.csv"}}')
    return {role: _entry_file(path, f"the {role} file it names", role, manifest[role], refuse)
            for role in ROLES if manifest.get(role) is not None}


def read_manifest(path):
    """(as_of or None, [(as_of, users, numbers or None, hierarchy or None), ...]) from a
    folder's manifest.json, file names relative to the folder; no manifest: (None, []).
    Checked whole before anything is loaded, each fault named. The folder's own files, when
    it names them, are read by manifest_files."""
    if not path.is_file():
        return None, []
    manifest, refuse = _parsed(path)

    def date_of(value, what):
        try:
            return parse_date(value, what)
        except InvalidOperation as error:
            raise refuse(str(error)) from None
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
        # a misspelt key ("number") would load the folder's numbers in silence
        unknown = sorted(set(entry) - {"as_of", *ENTRY_FILES})
        if unknown:
            raise refuse(f"history entry {position} has {', '.join(map(repr, unknown))}, which "
                         f"numkit does not read: an entry holds as_of, {', '.join(ENTRY_FILES)}")
        replayed.append((date_of(entry["as_of"], f"history entry {position}'s as_of"),
                         entry["users"],
                         *(_entry_file(path, f"history entry {position}'s {role}", role,
                                       entry.get(role), refuse)
                           for role in ("numbers", "hierarchy"))))
    return date_of(as_of, "as_of") if as_of else None, replayed


def _entry_file(path, what, role, name, refuse):
    """A file name the manifest gives for `role` (`what` says where), checked: a relative
    path to a file inside the manifest's folder; None when it names none."""
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise refuse(f"{what} must be a file name such as \"history/{role}-2026-11-16.csv\", "
                     f"not {name!r}")
    folder = path.parent.resolve()
    file = (folder / name).resolve()
    if Path(name).is_absolute() or not file.is_relative_to(folder):
        raise refuse(f"{what} {name!r} is not inside the folder {path.parent}")
    if not file.is_file():
        raise refuse(f"{what} {name!r} is not a file in {path.parent}")
    if file.suffix.lower() not in ROLE_SUFFIXES:
        raise refuse(f"{what} {name!r} is not a CSV or a workbook "
                     f"({', '.join(sorted(ROLE_SUFFIXES))})")
    return name
