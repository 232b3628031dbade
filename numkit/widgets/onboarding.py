"""Onboarding panel: pick a site, type a username, see their numbers, onboard them."""

import re

import ipywidgets as w
import pandas as pd

from ..errors import InvalidOperation, NumkitError
from ..inventory import Inventory
from .common import (FITTED, Confirmation, NodePicker, Session, heading, in_plain_words, note,
                     show, table)

LEAVE_TO_RULES = "leave it to the rules"
CANDIDATES_SHOWN = 1000


class OnboardingPanel(w.VBox):
    """Who is this user, which numbers are theirs, which could they get; then onboard."""

    def __init__(self, database=None, as_of=None):
        self.session = Session(database, as_of)
        with self.session.reading() as inv:
            nodes = inv.nodes()
        self.site = NodePicker(nodes, description="Site")
        self.username = w.Text(description="Username", placeholder="e.g. jsmith",
                               continuous_update=False)
        self.user_state = w.HTML()
        self.belonging = table(caption="Numbers belonging to this subscriber")
        self.candidates = table(caption="Candidate numbers, in the order they are given")
        self.number = w.Dropdown(description="Number", options=[(LEAVE_TO_RULES, None)],
                                 layout=w.Layout(width="420px"))
        self.onboard_button = w.Button(description="Onboard", button_style="primary",
                                       icon="user-plus")
        self.result = w.HTML()

        self.flag_numbers = w.Text(description="Numbers", placeholder="1000, 1002 or 1000-1009")
        self.flag_user = w.Text(description="For user", placeholder="username")
        self.create_missing = w.Checkbox(description="create missing numbers at the selected site",
                                         indent=False, **FITTED)
        self.reserve_button = w.Button(description="Reserve for user", icon="lock", **FITTED)
        self.clear_button = w.Button(description="Clear flag", icon="unlock")
        self.flag_result = w.HTML()
        self.confirmation = Confirmation()

        self.site.observe_value(self.picked)
        self.username.observe(self.picked, "value")
        self.onboard_button.on_click(self.onboard)
        self.reserve_button.on_click(self.reserve)
        self.clear_button.on_click(self.clear)
        super().__init__([
            heading("Onboard a user"), self.site, self.username, self.user_state,
            heading("Numbers belonging to this subscriber"), self.belonging,
            heading("Candidate numbers"), self.candidates,
            w.HBox([self.number, self.onboard_button]), self.result,
            heading("Reserve numbers for a username, or clear the flag"),
            w.HBox([self.flag_numbers, self.flag_user]), self.create_missing,
            w.HBox([self.reserve_button, self.clear_button]), self.confirmation, self.flag_result,
        ])

    @property
    def chosen(self):
        return self.username.value.strip(), self.site.value

    def picked(self, *_):
        """Another user or site: what was said about the last one no longer applies."""
        self.result.value = ""
        self.refresh()

    def refresh(self, *_):
        username, node = self.chosen
        if not username or not node:
            self.user_state.value = note("info", "Pick a site and type a username.")
            show(self.belonging, None)
            show(self.candidates, None)
            self.number.options = [(LEAVE_TO_RULES, None)]
            self.number.index = 0
            return
        with self.session.reading() as inv:
            status = inv.user_status(username)
            belonging = inv.belonging_to(username, node)
            # the first ones are what an analyst picks from; a pool can hold many thousands
            candidates = inv.available_numbers(username, node, limit=CANDIDATES_SHOWN)
        self.user_state.value = note("info", describe_user(username, status))
        show(self.belonging, belonging[["number", "node", "status", "effective_status",
                                        "assignable", "reason", "reservation_notes"]])
        marked = candidates.assign(next=["next available" if i == 0 else ""
                                         for i in range(len(candidates))])
        show(self.candidates, marked[["position", "next", "number", "node", "distance",
                                      "reserved_for_user"]])
        first = candidates["number"].iloc[0] if len(candidates) else None
        self.number.options = [(f"{LEAVE_TO_RULES} (next available: {first or 'none'})", None)] + [
            (number, number) for number in candidates["number"].head(500)]
        self.number.index = 0     # shown as chosen (a value of None alone shows an empty box)

    def onboard(self, _=None):
        username, node = self.chosen
        if not username or not node:
            self.result.value = note("error", "Pick a site and type a username first.")
            return
        try:
            with self.session.writing() as inv:
                given = inv.onboard(username, node, self.number.value)
        except NumkitError as error:
            self.result.value = note("error", in_plain_words(error))
            return
        self.result.value = note("ok", f"Onboarded {username} at {node}: assigned {', '.join(given)}.")
        self.refresh()

    def _flag_rows(self, clearing):
        """(rows visible from the site among the numbers typed, numbers not visible), or None
        with the reason shown: the panel names rows as the analyst sees them from the site."""
        node = self.site.value
        if not node:
            self.flag_result.value = note("error", "Pick a site first: numbers are found as "
                                                   "seen from it.")
            return None
        if not clearing and not self.flag_user.value.strip():
            self.flag_result.value = note("error", "Type the username to reserve for.")
            return None
        try:
            wanted = typed_numbers(self.flag_numbers.value)
            with self.session.reading() as inv:
                rows = inv.rows_seen_from(node, wanted, self.flag_user.value.strip())
        except NumkitError as error:
            self.flag_result.value = note("error", in_plain_words(error))
            return None
        return rows, [n for n in wanted if n not in set(rows["number"])]

    def reserve(self, _=None):
        found = self._flag_rows(clearing=False)
        if found is None:
            return
        rows, unseen = found
        username, site = self.flag_user.value.strip(), self.site.value
        create = unseen if self.create_missing.value else []

        def act(inv):
            reports = [inv.reserve_for(list(at["number"]), username, node)
                       for node, at in rows.groupby("node")]
            if create:
                reports.append(inv.reserve_for(create, username, site))
            return reports
        others = rows[rows["held_for_other"]]
        skipped = [] if create else unseen
        if len(others):
            held = ", ".join(f"{n} for {r}" for n, r in zip(others["number"], others["reserved_for"]))
            self.confirmation.ask(f"{len(others)} number(s) are held for someone else ({held}): "
                                  f"reserve them for {username} instead?",
                                  lambda: self._flag(act, f"reserved for {username}", skipped))
            return
        self._flag(act, f"reserved for {username}", skipped)

    def clear(self, _=None):
        found = self._flag_rows(clearing=True)
        if found is None:
            return
        rows, unseen = found
        flagged = rows[rows["reserved_for"].notna()]
        if not len(flagged):
            self.flag_result.value = note("info", "None of these numbers seen from the site is "
                                                  "reserved for anyone: nothing to clear.")
            return

        def act(inv):
            return [inv.clear_reserved_for(list(at["number"]), node)
                    for node, at in flagged.groupby("node")]
        held = ", ".join(f"{n} for {r}" for n, r in zip(flagged["number"], flagged["reserved_for"]))
        self.confirmation.ask(f"Clear the Reserved For flag of {len(flagged)} number(s) ({held})?",
                              lambda: self._flag(act, "cleared", unseen))

    def _flag(self, action, done_words, unseen):
        try:
            with self.session.writing() as inv, inv.batch():
                report = pd.concat(action(inv), ignore_index=True)
        except NumkitError as error:
            self.flag_result.value = note("error", in_plain_words(error))
            return
        done = report[report["result"] != "skipped"]
        skipped = report[report["result"] == "skipped"]
        text = f"{len(done)} number(s) {done_words}: {', '.join(done['number'])}"
        if len(skipped):
            text += f"; skipped {', '.join(skipped['number'])} ({', '.join(skipped['reason'].unique())})"
        if unseen:
            text += (f"; not seen from {self.site.value}: {', '.join(unseen)} (no row there or "
                     "above it)")
        self.flag_result.value = note("ok", text + ".")
        self.refresh()


def typed_numbers(text):
    """The numbers typed in the panel: numbers and ranges, separated by commas or semicolons."""
    parts = [part.strip() for part in re.split(r"[,;]", text or "") if part.strip()]
    if not parts:
        raise InvalidOperation("type one or more numbers, e.g. 1000, 1002 or 1000-1009")
    numbers = []
    for part in parts:
        numbers += Inventory.numbers_named(part)
    return list(dict.fromkeys(numbers))


def describe_user(username, status):
    if status["state"] == "active":
        return (f"{username} is an active user at {status['node']}: onboarding is for new and "
                "deleted users (the move preview moves an active one).")
    if status["state"] == "deleted":
        return (f"{username} was deleted on {status['deleted_at']} (was at {status['node']}); "
                "onboarding brings them back with their reserved numbers.")
    return f"{username} is a new user."


