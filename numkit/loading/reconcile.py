"""Reconciling the changes pending before a load with the export it loads (README, "Round
trip with VOSS"): each is applied (VOSS did it), still pending (re-applied on top of the
export) or a conflict (VOSS decided otherwise: the export stands), or, when the load is told
so, discarded. Part of the load's transaction: all or nothing."""

from dataclasses import dataclass

from ..errors import InvalidOperation
from ..schema import statement

PENDING_CHOICES = ("keep", "discard")
OUTCOMES = ("applied", "pending", "conflict", "discarded")
ROW_STATEMENTS = ("stage_row_changes", "delete_rows", "update_rows", "insert_rows")


def pending_choice(pending):
    if pending not in PENDING_CHOICES:
        raise InvalidOperation(f"pending must be one of {', '.join(PENDING_CHOICES)}, "
                               f"not {pending!r}")
    return pending


@dataclass
class Outcomes:
    """How many changes (a number row, or a user) a load found in each outcome."""
    applied: int = 0
    still_pending: int = 0
    conflicts: int = 0
    discarded: int = 0

    def describe(self, pending="keep"):
        """One line: what became of the changes pending before the load (told to `pending`
        them: keep or discard)."""
        if pending == "discard" or self.discarded:
            return f"{self.discarded} discarded"
        if not (self.applied or self.still_pending or self.conflicts):
            return "none"       # a first load, or one after nothing was decided in numkit
        conflicts = "1 conflict" if self.conflicts == 1 else f"{self.conflicts} conflicts"
        return (f"{self.applied} applied in VOSS, {self.still_pending} still pending "
                f"(re-applied), {conflicts} (VOSS decided otherwise)")


def counted(con, load_id=None):
    """The Outcomes of a load (default: the latest), from `reconciliations`."""
    counts = dict(con.execute(statement("reconciliation_counts"), {"load_id": load_id}).fetchall())
    return Outcomes(applied=counts.get("applied", 0), still_pending=counts.get("pending", 0),
                    conflicts=counts.get("conflict", 0), discarded=counts.get("discarded", 0))


def capture(con):
    """Before the export replaces anything: what is pending, and numkit's rows and users."""
    con.execute(statement("load/pending_at_load"))


def reconcile(con, load_id, pending):
    """Judge every change captured against the export now in the tables, re-apply those
    still pending (none when `pending` is "discard"), and record each outcome in
    `reconciliations`. Returns the Outcomes."""
    if not con.execute("select exists (select 1 from pending_at_load)").fetchall()[0][0]:
        # nothing to judge (a first load, or nothing decided in numkit since the last): the
        # statements below would find nothing, in half a second at 10 M numbers
        return Outcomes()
    # (a failure aborts the load's transaction; the variable is harmless until the next load)
    con.execute("set variable numkit_reconciled_load = $id", {"id": load_id})
    con.execute(statement("load/reconcile_outcomes"))
    if pending == "discard":
        con.execute("update reconciled set outcome = 'discarded', reason = null")
    else:
        _reapply(con)
    con.execute("insert into reconciliations by name "
                "select $id as load_id, outcome, kind, number, node, username, field, "
                "voss_value, numkit_value, export_value, decided_at, event_ids, reason "
                "from reconciled", {"id": load_id})
    con.execute("reset variable numkit_reconciled_load")
    return counted(con, load_id)


def _reapply(con):
    """Apply the pending changes on top of the export; a change that would break an
    invariant becomes a conflict, with the changes that lean on it, and the others are
    applied again without them."""
    while True:
        _share_fate(con)
        apply_pending(con)
        con.execute(statement("load/reapplied_violations"))
        if not con.execute("select count(*) from broken_changes").fetchall()[0][0]:
            return
        con.execute(statement("load/demote_broken_changes"))
        con.execute(statement("load/restore_export"))


def _share_fate(con):
    """Changes that lean on a conflict are conflicts too (README, "Round trip with VOSS"),
    until none is left leaning."""
    while con.execute(statement("load/share_fate")).fetchall()[0][0]:
        pass


def apply_pending(con):
    """Apply the changes of `reconciled` whose outcome is pending (rows, then users)."""
    con.execute(statement("load/reapplied_row_changes"))
    try:
        for name in ROW_STATEMENTS:
            con.execute(statement(name))
    finally:
        con.execute("drop table if exists temp.row_changes")
        con.execute("drop view if exists temp.new_row_changes")
    con.execute(statement("load/reapply_users"))
