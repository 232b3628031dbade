"""Next week's export of the demo inventory: what VOSS shows a week after the analyst made
the decisions of the README's round trip in numkit, so that loading it gives every outcome
of a reconciliation (applied, still pending, conflict).

The decisions, made on the sample's as_of:

- onboard ``U.Okafor`` at Site-B: numkit gives him the two numbers reserved for him there
  (his Site-B DID and Cust-1's extension 1002, in the sample);
- clear the flags of users deleted at least 30 days before (``numkit cleanup --apply``).

What VOSS did with them by next week:

- onboarded ``U.Okafor`` with his Site-B DID (applied), but gave the extension to Site-A's
  first user instead, clearing its flag (a conflict: VOSS decided otherwise);
- cleared the first half of those flags, in the export's row order (applied), and not yet
  the others (still pending).

Nothing else changes. The effects are computed here on the generator's arrays, as numkit's
rules give them (tests/test_sample.py checks the outcomes against numkit's load), so that an
export of millions of numbers gets its next week in seconds.
"""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import demo

ONBOARDED = "U.Okafor"                  # the seed user, as the analyst types the name
ONBOARDED_AT = f"{demo.PROVIDER}.Cust-1.Site-B"
SITE_B = 1                              # its index among the sites
CLEANUP_OLDER_THAN = 30
DECIDED_ON = demo.AS_OF
DAYS_LATER = 7


def generate(out_dir, numbers=400, sites=6, seed=1, as_of=demo.AS_OF) -> dict:
    """demo.generate's export in out_dir and, in out_dir/next-week, the export of a week
    later; under "next_week" the outcomes its load gives after the decisions it answers."""
    as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    tree, rows, people = demo.draw(numbers, sites, seed)
    result = demo._write(Path(out_dir), tree, rows, people, as_of)
    result["next_week"] = write_next_week(Path(out_dir) / "next-week", tree, rows, people, as_of)
    return result


def write_next_week(out, tree, rows, people, as_of):
    """Write numbers.csv, users.csv, hierarchy.csv and manifest.json of the export a week
    after `as_of` into `out`; return how many changes its load finds applied, still pending
    and in conflict."""
    seed, role, site = people["seed_user"], people["role"], people["site"]
    reserved_for, status = rows["reserved_for"], rows["status"]
    # onboarding: every row reserved for him, Available with no end date, visible from Site-B
    visible = (rows["site"] == SITE_B) | ((rows["site"] < 0) & (rows["customer"] == 0))
    given = np.flatnonzero((reserved_for == seed) & visible & (status == demo.AVAILABLE)
                           & ~rows["dated"])
    did, extension = given[rows["kind"][given] == demo.SITE_DID], given[rows["kind"][given] != demo.SITE_DID]
    cleared = np.flatnonzero((reserved_for >= 0) & (reserved_for != seed)
                             & _deleted_long_ago(role)[np.maximum(reserved_for, 0)])
    carried = cleared[:len(cleared) // 2]

    names = pa.concat_arrays([people["name"], pa.array([ONBOARDED])])
    onboarded = len(people["name"])
    instead = people["holder_first"][0]          # Site-A's first user sees Cust-1's numbers
    after = {key: value.copy() if isinstance(value, np.ndarray) else value
             for key, value in rows.items()}
    after["status"][given] = demo.USED
    after["used_by"][did] = onboarded
    after["used_by"][extension] = instead
    after["reserved_for"][extension] = -1
    after["reserved_for"][carried] = -1

    out.mkdir(parents=True, exist_ok=True)
    demo._write_hierarchy(tree, out / "hierarchy.csv")
    demo._write_numbers(after, tree, names, as_of, out / "numbers.csv")   # the same dates
    by_site = demo._by_site(people)
    who = np.r_[by_site[demo.PRESENCE[role[by_site], -1]], onboarded]
    where = np.r_[site[who[:-1]], SITE_B]
    order = np.argsort(where, kind="stable")
    demo._write_users(tree, names.take(who[order]), where[order], out / "users.csv")
    day = as_of + dt.timedelta(days=DAYS_LATER)
    (out / "manifest.json").write_text(json.dumps({"as_of": day.isoformat(), "history": []},
                                                  indent=2) + "\n")
    return {"applied": 1 + len(did) + len(carried),       # the user, the DID, the flags
            "still_pending": len(cleared) - len(carried),
            "conflicts": len(extension)}


def _deleted_long_ago(role):
    """Per person: deleted (present in an earlier users file, not in today's) at least
    CLEANUP_OLDER_THAN days before as_of."""
    presence = demo.PRESENCE[role]
    days_before = np.array([*demo.HISTORY_DAYS_BEFORE, 0])
    snapshots = presence.shape[1]
    # the snapshot after the last one they were in is the day they were recorded deleted
    last_seen = snapshots - 1 - np.argmax(presence[:, ::-1], axis=1)
    gone = presence.any(axis=1) & ~presence[:, -1]
    deleted_days = days_before[np.minimum(last_seen + 1, snapshots - 1)]
    return gone & (deleted_days >= CLEANUP_OLDER_THAN)
