"""The plan of a load before it is made: the real load run in a rehearsal and rolled back, so
that the plan can never disagree with the load (README, "Loading exports")."""

from dataclasses import dataclass

import pandas as pd

from ..schema import statement
from .load import LoadReport, names_listed

@dataclass
class LoadPlan:
    """What a load would do, computed by making it and undoing it.

    `report` is the LoadReport the load gave (its load_id is not the one the load will get);
    `row_changes` one line per number row added, removed or changed (change, number, node,
    fields, and status, reserved_for, used_by before and after); `user_changes` one line per
    active user added, removed or moved (change, username, node_before, node_after,
    recorded_as_deleted); `reconciliation` what the load does with each change pending
    before it, in the columns of `Inventory.reconciliations()`.
    """
    report: LoadReport
    row_changes: pd.DataFrame
    user_changes: pd.DataFrame
    reconciliation: pd.DataFrame

    def _count(self, change):
        return int((self.row_changes["change"] == change).sum())

    @property
    def added(self):
        return self._count("added")

    @property
    def removed(self):
        return self._count("removed")

    @property
    def changed(self):
        return self._count("changed")

    @property
    def deleted_users(self):
        """The usernames the load records as deleted."""
        return list(self.report.deleted_users)

    def _outcome(self, *outcomes):
        return self.reconciliation[self.reconciliation["outcome"].isin(outcomes)].reset_index(drop=True)

    @property
    def overridden(self):
        """Decisions made in numkit that the export overrides: VOSS decided otherwise
        (conflicts), or the load is told to discard them."""
        return self._outcome("conflict", "discarded")

    @property
    def confirmed(self):
        """Decisions made in numkit that the export shows done in VOSS."""
        return self._outcome("applied")

    @property
    def still_pending(self):
        """Decisions VOSS has not made yet: put back on top of the export, still pending."""
        return self._outcome("pending")

    @property
    def changes_anything(self):
        return bool(len(self.row_changes) or len(self.user_changes) or len(self.reconciliation))

    def describe(self):
        """The plan in lines an analyst reads before confirming."""
        lines = [f"as of {self.report.as_of}: {self.added} number row(s) added, {self.removed} "
                 f"removed, {self.changed} changed; {self.report.numbers} numbers, "
                 f"{self.report.nodes} nodes after it"]
        if self.deleted_users:
            lines.append(self.report.describe_deleted_users())
        lines.extend(self.report.warnings())
        dropped = self.user_changes[(self.user_changes["change"] == "removed") & ~self.user_changes["recorded_as_deleted"]]
        if len(dropped):
            lines.append(f"{len(dropped)} user(s) that existed only in numkit dropped: "
                         + names_listed(dropped["username"]))
        for change, words in (("added", "added"), ("moved", "moved")):
            these = self.user_changes[self.user_changes["change"] == change]
            if len(these):
                lines.append(f"{len(these)} user(s) {words}: " + names_listed(these["username"]))
        if len(self.reconciliation):
            lines.append(self.report.describe_reconciliation())
        return lines


def preview_load(inv, numbers, users=None, hierarchy=None, **load_options):
    """The LoadPlan of `inv.load(numbers, users, hierarchy, **load_options)`; nothing changes.
    A refused export raises what the load raises. A read-only inventory is previewed on a
    scratch copy."""
    if inv.read_only:
        inv = inv.scratch_copy()
    with inv.rehearsal():
        con = inv.con
        con.execute(statement("load/preview_before"))
        report = inv.load(numbers, users=users, hierarchy=hierarchy, **load_options)
        rows = con.execute(statement("load/preview_row_changes")).df()
        changed_users = con.execute(statement("load/preview_user_changes")).df()
        reconciliation = inv.reconciliations(report.load_id)
    deleted = {name.lower() for name in report.deleted_users}
    changed_users["recorded_as_deleted"] = [
        change == "removed" and name.lower() in deleted
        for change, name in zip(changed_users["change"], changed_users["username"])]
    return LoadPlan(report, rows, changed_users, reconciliation)
