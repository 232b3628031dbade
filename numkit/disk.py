"""Failures of the disk under DuckDB (a full disk, a full spill folder), told apart from
failures of the data, and said in words."""

import os
import re

import duckdb

# DuckDB names the file it could not write; the folder is where space must be freed.
_FILE_NOT_WRITTEN = re.compile(r'Could not write (?:to )?file "([^"]+)"')
_NO_SPACE = ("no space left on device", "disk quota exceeded")
# DuckDB's words when the spill folder (temp_directory) takes no more blocks.
_SPILL_FULL = "failed to offload data block"


def storage_failure(error, database, committing=False):
    """Why the disk failed DuckDB, in words ("no space left on device at /data"), or None
    when `error` is not a failure of the disk. At commit, any DuckDB error is one."""
    if not isinstance(error, duckdb.Error):
        return None
    text = str(error)
    lowered = text.lower()
    if any(words in lowered for words in _NO_SPACE):
        written = _FILE_NOT_WRITTEN.search(text)
        where = os.path.dirname(written.group(1)) if written else os.path.dirname(database)
        return f"no space left on device at {where or '.'}"
    if _SPILL_FULL in lowered:
        return (f"no space left at {database}.tmp, the folder where DuckDB puts what does not "
                "fit in memory")
    if committing:
        return f"DuckDB could not save it ({text.strip().splitlines()[0]})"
    return None


def is_storage_failure(error):
    """Whether `error` is the disk failing DuckDB rather than a fault of what it read."""
    return storage_failure(error, "") is not None
