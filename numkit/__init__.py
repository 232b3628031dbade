"""numkit: a telephone-number inventory (VOSS Automate rules) in DuckDB, for analysts."""

from .errors import (AmbiguousNumber, InvalidOperation, InventoryLocked, LoadError,
                     MoveRefused, NoNumberAvailable, NotAssignable, NumkitError, UnknownNode,
                     UnknownNumber, UnknownUser, UserExists)
from .inventory import Inventory, connect
from .load import LoadReport

__all__ = [
    "connect", "Inventory", "LoadReport", "NumkitError", "LoadError", "UnknownNode",
    "UnknownUser", "UnknownNumber", "UserExists", "NotAssignable", "NoNumberAvailable",
    "AmbiguousNumber", "MoveRefused", "InvalidOperation", "InventoryLocked",
]
__version__ = "0.1.0"
