"""numkit: a telephone-number inventory (VOSS Automate rules) in DuckDB, for analysts."""

import logging

from .errors import (AmbiguousNumber, IncompatibleDatabase, InvalidOperation, InventoryLocked,
                     LoadError, MoveRefused, NoNumberAvailable, NotAssignable, NotSaved,
                     NumkitError, UnknownNode, UnknownNumber, UnknownUser, UserExists)

# numkit says what it waits for through logging; nothing is printed unless the program
# using it shows its logs (the numkit command does).
logging.getLogger("numkit").addHandler(logging.NullHandler())

__all__ = [
    "connect", "Inventory", "LoadReport", "NumkitError", "LoadError", "UnknownNode",
    "UnknownUser", "UnknownNumber", "UserExists", "NotAssignable", "NoNumberAvailable",
    "AmbiguousNumber", "MoveRefused", "InvalidOperation", "InventoryLocked",
    "IncompatibleDatabase", "NotSaved",
]
__version__ = "0.1.0"

# The API is imported when first asked for (numkit.connect), not with the package: the
# `numkit` command imports the package too, and `numkit --help` needs neither pandas nor DuckDB.
# A module of the package (numkit.storage) is imported when first named too, as it was when
# the package imported the API with it.
_LAZY = {"connect": "inventory", "Inventory": "inventory", "LoadReport": "loading.load"}


def __getattr__(name):
    import importlib
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as missing:
            if missing.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_LAZY})
