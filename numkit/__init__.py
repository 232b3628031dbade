"""numkit: a telephone-number inventory (VOSS Automate rules) in DuckDB, for analysts."""

import logging

from .errors import (AmbiguousNumber, IncompatibleDatabase, InvalidOperation, InventoryLocked,
                     LoadError, MoveRefused, NoNumberAvailable, NotAssignable, NotSaved,
                     NumkitError, UnknownNode, UnknownNumber, UnknownUser, UserExists)
from .inventory import Inventory, connect
from .load import LoadReport

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
