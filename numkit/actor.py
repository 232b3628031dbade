"""Who makes a change: each event logs it (rules R12)."""

import getpass
import os

from .errors import InvalidOperation

# Set by each analyst where several share one account (a shared JupyterHub login).
ACTOR_VARIABLE = "NUMKIT_ACTOR"
# What a reader sees for an event logged before numkit recorded who made it (schema 10).
UNKNOWN_ACTOR = "unknown"
# An actor is a person's name: longer is a mistake (a file's contents pasted into the
# variable), and would be written into every event the operation logs.
LONGEST_ACTOR = 100


def current_actor():
    """NUMKIT_ACTOR when set (blank counts as unset; longer than LONGEST_ACTOR is refused),
    else the operating system's user; when neither can be told, the numeric user id
    ("uid 1000"), else None."""
    named = os.environ.get(ACTOR_VARIABLE, "").strip()
    if len(named) > LONGEST_ACTOR:
        raise InvalidOperation(f"{ACTOR_VARIABLE} is {len(named):,} characters long; who makes "
                               f"a change is named in at most {LONGEST_ACTOR}: set it to your "
                               "name, or unset it to be named as the system's user")
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
