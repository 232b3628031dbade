"""Errors numkit raises; each is a refused request, never a half-done change."""


class NumkitError(Exception):
    """Base of every error numkit raises on purpose."""


def did_you_mean(names, at_most=3):
    """What a refusal of a mistyped name adds: "did you mean A or B?" for the names it may
    mean (the first `at_most`, then "or …"); empty when there are none."""
    if not names:
        return ""
    more = " or …" if len(names) > at_most else ""
    return f"did you mean {' or '.join(names[:at_most])}{more}?"


class LoadError(NumkitError):
    """An inventory export has problems; nothing was loaded.

    `problems` lists them (file, row, column, value, reason), at most the first 10,000;
    `total` counts them all.
    """

    def __init__(self, problems, total=None):
        self.problems = problems
        self.total = len(problems) if total is None else total
        first = problems.iloc[0]
        where = f"{first['file']}"
        if first["row"] is not None and first["row"] == first["row"]:
            where += f", row {int(first['row'])}"
        if first["column"]:
            where += f", column {first['column']}"
        # a header's problem names the header as its column already
        said = first["value"] is None or first["value"] == first["column"]
        value = "" if said else f" (value {first['value']!r})"
        if self.total > len(problems):
            more = (f"; and {self.total - 1:,} more problems; the first {len(problems):,} "
                    "are listed")
        else:
            more = f"; and {self.total - 1} more problem(s)" if self.total > 1 else ""
        super().__init__(f"{where}: {first['reason']}{value}{more}")


class UnknownNode(NumkitError):
    """No such node in the hierarchy."""


class UnknownUser(NumkitError):
    """No such active user."""


class UnknownNumber(NumkitError):
    """No row holds that number."""


class UserExists(NumkitError):
    """The user is already active."""


class NotAssignable(NumkitError):
    """The number cannot be given to this user; `.reason` is the why-not code."""

    def __init__(self, number, reason, message=None):
        self.number = number
        self.reason = reason
        super().__init__(message or f"number {number} is not assignable: {reason}")


class NoNumberAvailable(NumkitError):
    """No candidate number is left for the user at the node."""


class AmbiguousNumber(NumkitError):
    """The number has rows at several nodes; name the node."""


class MoveRefused(NumkitError):
    """The move would cross customers or break the uniqueness rule."""


class InvalidOperation(NumkitError):
    """The operation is refused for another reason, given in the message."""


class InventoryLocked(NumkitError):
    """Another process holds the database longer than the wait allows."""


class IncompatibleDatabase(NumkitError):
    """The database was made by another numkit version: a newer one (upgrade numkit) or an
    older one that only a writer may bring up to date."""


class NotADatabase(InvalidOperation):
    """The file is not a DuckDB database; `.looks_like` names what it seems to be, if known."""

    def __init__(self, path, looks_like=None):
        self.path = path
        self.looks_like = looks_like
        super().__init__(f"{path} is not a numkit database "
                         + (f"(it looks like {looks_like}: an export to load, not a database)"
                            if looks_like else "(nor any DuckDB database)"))


class NotSaved(NumkitError):
    """The disk failed while a change was being saved (no space left), or DuckDB ran out of
    the memory a load may use; the message says what the database file holds now. `what`
    names the change ("the load") and `reason` says what failed, for a caller that removes
    the file to say so instead."""

    def __init__(self, message, what=None, reason=None):
        super().__init__(message)
        self.what = what
        self.reason = reason


class BadMapping(NumkitError):
    """The VOSS field mapping cannot be used: not readable, or a needed entry is missing."""
