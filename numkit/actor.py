"""Who makes a change: each event logs it (rules R12)."""

import getpass
import os

# Set by each analyst where several share one account (a shared JupyterHub login).
ACTOR_VARIABLE = "NUMKIT_ACTOR"
# What a reader sees for an event logged before numkit recorded who made it (schema 10).
UNKNOWN_ACTOR = "unknown"


def current_actor():
    """NUMKIT_ACTOR when set (blank counts as unset), else the operating system's user; when
    neither can be told, the numeric user id ("uid 1000"), else None."""
    named = os.environ.get(ACTOR_VARIABLE, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    # no login name in the environment and no password entry for the process's user id
    # (a container run as an arbitrary id): OSError, or KeyError before Python 3.13; a
    # platform without the pwd module: ImportError
    except (OSError, KeyError, ImportError):
        uid = getattr(os, "getuid", None)
        return f"uid {uid()}" if uid else None


def shown_actor(actor):
    """The actor of an event as a reader sees it: UNKNOWN_ACTOR for none."""
    return actor or UNKNOWN_ACTOR
