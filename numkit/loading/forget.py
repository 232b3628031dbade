"""Forgetting the latest snapshot: the inventory goes back to the snapshot before it.

For a load that should not have been made (a snapshot dated 2062 by a typo blocks every
later load, which must come in date order). Refused when there is no snapshot before, when
either snapshot was loaded by a numkit that did not keep all of it, and when operations
were made after the load: their changes would be lost without a word (undo them, or load
a new snapshot instead). The changes that were pending when the forgotten load began come
back as they were, still pending.
"""

from . import reconcile
from ..errors import InvalidOperation
from ..schema import refresh_derived, statement

# Events that do not change what a snapshot holds: settings, loads forgotten since, and
# the forgetting itself.
NOT_LOST = ("load", "forget_snapshot", "set_setting", "delete_setting")


def forget_latest_snapshot(inv):
    with inv.store.operation() as op:
        con = op.con
        loads = con.execute("select load_id, as_of from loads order by load_id desc limit 2").fetchall()
        if not loads:
            raise InvalidOperation("no snapshot is loaded: there is nothing to forget")
        if len(loads) == 1:
            raise InvalidOperation(f"only one snapshot is loaded (as of {loads[0][1]}): there is "
                                   "no snapshot before it to go back to (to start again, load "
                                   "the export into a new database file)")
        (latest, latest_as_of), (previous, previous_as_of) = loads
        for load_id in (latest, previous):
            if not con.execute("select count(*) from nodes_at($id)",
                               {"id": load_id}).fetchall()[0][0]:
                raise InvalidOperation(f"snapshot {load_id} was loaded by an earlier numkit, which "
                                       "did not keep all of it: it cannot be forgotten")
        made = con.execute(statement("operations_after_load"),
                           {"latest": latest, "not_lost": list(NOT_LOST)}).fetchall()
        if made:
            kinds = ", ".join(f"{action} {events}" for action, events, _ in made)
            raise InvalidOperation(
                f"snapshot {latest} (as of {latest_as_of}) has {made[0][2]} operation(s) made "
                f"after it (their events: {kinds}); "
                "forgetting it would lose them (load a new snapshot instead)")
        con.execute("set variable numkit_latest_load = $id", {"id": latest})
        con.execute("set variable numkit_previous_load = $id", {"id": previous})
        con.execute(statement("restore_previous_snapshot"))
        refresh_derived(con)
        con.execute(statement("decisions_before_forgotten_load"))
        reconcile.apply_pending(con)
        con.execute("drop table temp.reconciled; drop table temp.numkit_rows_at_load; "
                    "drop table temp.numkit_users_at_load")
        con.execute("reset variable numkit_latest_load; reset variable numkit_previous_load")
        op.log("forget_snapshot", {"forgotten": {"load_id": latest, "as_of": latest_as_of},
                                   "back_to": {"load_id": previous, "as_of": previous_as_of}})
    return {"load_id": latest, "as_of": latest_as_of,
            "back_to": {"load_id": previous, "as_of": previous_as_of}}
