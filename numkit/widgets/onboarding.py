"""Onboarding panel: pick a site, type a username, see the whole user and the whole plan,
onboard them."""

import re

import ipywidgets as w
import pandas as pd

from ..answers.words import unknown_name_words
from ..errors import InvalidOperation, NumkitError
from ..inventory import Inventory
from .common import (FITTED, Confirmation, NodePicker, Session, heading, in_plain_words, note,
                     show, table)

LEAVE_TO_RULES = "leave it to the rules"
CANDIDATES_SHOWN = 1000
USER_COLUMNS = ["number", "node", "effective_status", "holds", "reserved", "visible_from_node",
                "why", "reservation_notes"]


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
        self.user_lines = table(caption="Every number this user holds or has reserved, anywhere")
        self.belonging = table(caption="Numbers belonging to this subscriber")
        self.candidates = table(caption="Candidate numbers, in the order they are given")
        self.number = w.Dropdown(description="Number", options=[(LEAVE_TO_RULES, None)],
                                 layout=w.Layout(width="420px"))
        self.onboard_button = w.Button(description="Onboard", button_style="primary",
                                       icon="user-plus")
        self.plan = w.HTML()
        self.onboard_confirmation = Confirmation()
        # two confirmations in one panel: a browser (and an analyst) tells them apart by name
        self.onboard_confirmation.confirm_button.description = "Confirm onboarding"
        self.result = w.HTML()

        self.flag_numbers = w.Text(description="Numbers", placeholder="1000, 1002 or 1000-1009")
        self.flag_user = w.Text(description="For user", placeholder="username")
        self.create_missing = w.Checkbox(description="create missing numbers at the selected site",
                                         indent=False, **FITTED)
        self.reserve_button = w.Button(description="Reserve for user", icon="lock", **FITTED)
        self.clear_button = w.Button(description="Clear flag", icon="unlock")
        self.flag_result = w.HTML()
        self.confirmation = Confirmation()

        self.next_count = w.BoundedIntText(value=1, min=1, max=1000, description="How many",
                                           layout=w.Layout(width="180px"))
        self.next_notes = w.Text(description="Notes", placeholder="optional, e.g. new starter")
        self.next_until = w.Text(description="Until", placeholder="YYYY-MM-DD, optional",
                                 continuous_update=False)
        self.reserve_next_button = w.Button(description="Reserve the next free numbers…",
                                            icon="lock", **FITTED)
        self.next_confirmation = Confirmation()
        self.next_confirmation.confirm_button.description = "Confirm reserving"
        self.next_result = w.HTML()

        self.site.observe_value(self.picked)
        self.site.observe_value(self.site_changed)
        self.username.observe(self.picked, "value")
        self.number.observe(self.number_chosen, "value")
        # a question asked about other numbers, another user or without creating is not
        # the one that would be answered
        for typed in (self.flag_numbers, self.flag_user, self.create_missing):
            typed.observe(lambda _: self.confirmation.dismiss(), "value")
        for typed in (self.flag_user, self.next_count, self.next_notes, self.next_until):
            typed.observe(self._forget_next, "value")
        self.site.observe_value(self._forget_next)
        self.reserve_next_button.on_click(self.ask_reserve_next)
        self.onboard_button.on_click(self.onboard)
        self.reserve_button.on_click(self.reserve)
        self.clear_button.on_click(self.clear)
        super().__init__([
            heading("Onboard a user"), self.site, self.username, self.user_state,
            self.user_lines,
            self.belonging,
            self.candidates,
            w.HBox([self.number, self.onboard_button]), self.plan, self.onboard_confirmation,
            self.result,
            heading("Reserve numbers for a username, or clear the flag"),
            w.HBox([self.flag_numbers, self.flag_user]), self.create_missing,
            w.HBox([self.reserve_button, self.clear_button]), self.confirmation, self.flag_result,
            heading("Reserve the next free numbers of the site for the user above"),
            w.HBox([self.next_count, self.next_notes, self.next_until]),
            self.reserve_next_button, self.next_confirmation, self.next_result,
        ])

    @property
    def chosen(self):
        return self.username.value.strip(), self.site.value

    def picked(self, *_):
        """Another user or site: what was said about the last one no longer applies."""
        self.result.value = ""
        self.onboard_confirmation.dismiss()
        self.refresh()

    def site_changed(self, *_):
        """Numbers to reserve are found as seen from the site: a question or an answer about
        them from another site no longer applies."""
        self.flag_result.value = ""
        self.confirmation.dismiss()

    def refresh(self, *_):
        username, node = self.chosen
        if not username or not node:
            self.user_state.value = note("info", "Pick a site and type a username.")
            for shown_table in (self.user_lines, self.belonging, self.candidates):
                show(shown_table, None)
            self.plan.value = ""
            self.onboard_button.disabled = False
            self._offer([], f"{LEAVE_TO_RULES}")
            return
        with self.session.reading() as inv:
            status = inv.user_status(username)
            lines = inv.user_numbers(username, node)
            belonging = inv.belonging_to(username, node)
            # the first ones are what an analyst picks from; a pool can hold many thousands
            candidates = inv.available_numbers(username, node, limit=CANDIDATES_SHOWN)
            # a name nothing holds is new, or mistyped: the names it may mean are said
            like = (inv.names_like(username) if status["state"] == "new" and lines.empty
                    else None)
        self.user_state.value = note("info", describe_user(
            username, status, self.session.node_names, like) + " " + describe_numbers(lines, node))
        show(self.user_lines, lines[USER_COLUMNS])
        show(self.belonging, held_as_held(belonging, username)[
            ["number", "node", "status", "effective_status", "assignable", "reason",
             "reservation_notes"]])
        marked = candidates.assign(next=["next available" if i == 0 else ""
                                         for i in range(len(candidates))])
        show(self.candidates, marked[["position", "next", "number", "node", "distance",
                                      "reserved_for_user"]])
        # an active user is moved, not onboarded: nothing to click until another user or site
        self.onboard_button.disabled = status["state"] == "active"
        if status["state"] == "active":
            self.plan.value = ""
            self._offer(candidates["number"], f"{LEAVE_TO_RULES}: {username} is already active")
            return
        plan, refusal = self._preview(username, node, None)
        rules = (f"{LEAVE_TO_RULES}: gives {', '.join(plan.given)}" if plan is not None
                 else f"{LEAVE_TO_RULES}: {refusal}")
        self._offer(candidates["number"], rules)
        self.show_plan(plan, refusal)

    def _offer(self, numbers, rules_label):
        # new options are not a choice of the analyst's: no plan to show again for them
        self.number.unobserve(self.number_chosen, "value")
        try:
            self.number.options = [(rules_label, None)] + [
                (number, number) for number in list(numbers)[:500]]
            self.number.index = 0   # shown as chosen (a value of None alone shows an empty box)
        finally:
            self.number.observe(self.number_chosen, "value")

    def _preview(self, username, node, number):
        """(the plan of onboarding, None) or (None, why it would be refused, in words)."""
        try:
            with self.session.writing() as inv:    # onboarded, then undone
                return inv.preview_onboard(username, node, number), None
        except NumkitError as error:
            return None, in_plain_words(error).removeprefix("Not done: ").rstrip(".")

    def number_chosen(self, *_):
        username, node = self.chosen
        if not username or not node or self.onboard_button.disabled:
            return
        self.result.value = ""
        self.onboard_confirmation.dismiss()
        self.show_plan(*self._preview(username, node, self.number.value))

    def show_plan(self, plan, refusal):
        """What onboarding would do, said before the click."""
        username, node = self.chosen
        if plan is None:
            self.plan.value = note("error", f"Onboarding {username} at {short(node)} would be "
                                            f"refused: {refusal}.")
            return
        text = f"Onboarding {username} at {short(node)} gives {', '.join(plan.given)}."
        if len(plan.stranded):
            self.plan.value = note("warning", f"{text} {stranding_words(plan.stranded)}")
        else:
            self.plan.value = note("info", text)

    def onboard(self, _=None):
        username, node = self.chosen
        if not username or not node:
            self.result.value = note("error", "Pick a site and type a username first.")
            return
        number = self.number.value
        plan, refusal = self._preview(username, node, number)
        if plan is None:
            self.result.value = note("error", f"Not done: {refusal}.")
            return
        question = f"Onboard {username} at {short(node)}: give {', '.join(plan.given)}"
        if len(plan.stranded):
            question += f"; {stranding_words(plan.stranded)}"
        self.result.value = ""
        self.onboard_confirmation.ask(question + "?",
                                      lambda: self._onboard(username, node, number, plan.given))

    def _onboard(self, username, node, number, planned):
        try:
            with self.session.writing() as inv, inv.batch():
                given = inv.onboard(username, node, number)
                as_confirmed(given, planned, "onboarding would now give")
        except NumkitError as error:
            self.result.value = note("error", in_plain_words(error))
            self.refresh()
            return
        self.refresh()
        self.result.value = note("ok", f"Onboarded {username} at {node}: assigned {', '.join(given)}.")

    def _flag_rows(self, clearing):
        """(rows visible from the site among the numbers typed, what is skipped and why), or
        None with the reason shown: the panel names rows as the analyst sees them from the
        site, and says before acting which numbers it leaves alone."""
        node = self.site.value
        if not node:
            self.flag_result.value = note("error", "Pick a site first: numbers are found as "
                                                   "seen from it.")
            return None
        username = self.flag_user.value.strip()
        if not clearing and not username:
            self.flag_result.value = note("error", "Type the username to reserve for.")
            return None
        try:
            wanted = typed_numbers(self.flag_numbers.value)
            with self.session.reading() as inv:
                rows = inv.rows_seen_from(node, wanted, username)
                unseen = [n for n in wanted if n not in set(rows["number"])]
                without_row = set(inv.numbers_without_rows(unseen)) if unseen else set()
        except NumkitError as error:
            self.flag_result.value = note("error", in_plain_words(error))
            return None
        self.confirmation.dismiss()
        return rows, Skips(node, [n for n in unseen if n not in without_row],
                           [n for n in unseen if n in without_row])

    def reserve(self, _=None):
        found = self._flag_rows(clearing=False)
        if found is None:
            return
        rows, skips = found
        username, site = self.flag_user.value.strip(), self.site.value
        create = skips.unseen + skips.without_row if self.create_missing.value else []
        if create:
            skips = Skips(site, [], [])
        used = rows["used_by"].notna() & (rows["used_by"].fillna("").str.lower() != username.lower())
        skips.used = [(n, u) for n, u in zip(rows[used]["number"], rows[used]["used_by"])]
        rows = rows[~used]

        def act(inv):
            reports = [inv.reserve_for(list(at["number"]), username, node)
                       for node, at in rows.groupby("node")]
            if create:
                reports.append(inv.reserve_for(create, username, site))
            return reports
        if not len(rows) and not create:
            self.flag_result.value = note("info", f"Nothing to reserve: {skips.words()}.")
            return
        others = rows[rows["held_for_other"]]
        if len(others) or skips:
            question = []
            if len(others):
                held = ", ".join(f"{n} for {r}"
                                 for n, r in zip(others["number"], others["reserved_for"]))
                question.append(f"{len(others)} number(s) are held for someone else ({held}): "
                                f"reserve them for {username} instead")
            if skips:
                question.append(f"skip {skips.words()}")
            self.confirmation.ask(f"Reserve {len(rows) + len(create)} number(s) for {username}; "
                                  + "; ".join(question) + "?",
                                  lambda: self._flag(act, f"reserved for {username}", skips))
            return
        self._flag(act, f"reserved for {username}", skips)

    def clear(self, _=None):
        found = self._flag_rows(clearing=True)
        if found is None:
            return
        rows, skips = found
        flagged = rows[rows["reserved_for"].notna()]
        if not len(flagged):
            self.flag_result.value = note("info", "None of these numbers seen from the site is "
                                                  "reserved for anyone: nothing to clear.")
            return

        def act(inv):
            return [inv.clear_reserved_for(list(at["number"]), node)
                    for node, at in flagged.groupby("node")]
        held = ", ".join(f"{n} for {r}" for n, r in zip(flagged["number"], flagged["reserved_for"]))
        question = f"Clear the Reserved For flag of {len(flagged)} number(s) ({held})"
        if skips:
            question += f"; skip {skips.words()}"
        self.confirmation.ask(question + "?", lambda: self._flag(act, "cleared", skips))

    def _flag(self, action, done_words, skips):
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
        if skips:
            text += f"; left alone: {skips.words()}"
        self.flag_result.value = note("ok", text + ".")
        self.refresh()

    def _forget_next(self, *_):
        """Another user, site, count, note or date: the numbers asked about are not the ones."""
        self.next_confirmation.dismiss()
        self.next_result.value = ""

    def _next_request(self):
        """(username, site, count, notes, until) from the boxes, or None with why shown."""
        username, node = self.flag_user.value.strip(), self.site.value
        if not node or not username:
            self.next_result.value = note("error", "Pick a site and type the username to "
                                                   "reserve for (For user, above).")
            return None
        until = self.next_until.value.strip() or None
        if until is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", until):
            self.next_result.value = note("error", f"Until must be a date written YYYY-MM-DD, "
                                                   f"not {until!r}.")
            return None
        return username, node, self.next_count.value, self.next_notes.value.strip() or None, until

    def ask_reserve_next(self, _=None):
        """Say which numbers would be flagged (reserved, then undone) before asking."""
        request = self._next_request()
        if request is None:
            return
        username, node, count, notes, until = request
        try:
            with self.session.writing() as inv, inv.rehearsal():
                planned = inv.reserve_next(*request)
        except NumkitError as error:
            self.next_result.value = note("error", in_plain_words(error))
            return
        self.next_result.value = ""
        numbers = list(planned["number"])
        kept = f", Reserved until {until}" if until else ""
        self.next_confirmation.ask(
            f"Reserve {len(numbers)} number(s) for {username} at {short(node)}: "
            f"{', '.join(numbers)}{kept}?", lambda: self.reserve_next(request, numbers))

    def reserve_next(self, request, planned):
        try:
            with self.session.writing() as inv, inv.batch():
                flagged = inv.reserve_next(*request)
                as_confirmed(flagged["number"], planned, "it would now reserve")
        except NumkitError as error:
            self.next_result.value = note("error", in_plain_words(error))
            return
        self.next_result.value = note("ok", f"Reserved for {request[0]}: "
                                            f"{', '.join(flagged['number'])}.")
        self.refresh()


def as_confirmed(numbers, planned, would):
    """Refuse, undoing the batch, when the numbers done are not those the analyst confirmed:
    the inventory changed between the question and the answer (another notebook)."""
    if list(numbers) != list(planned):
        raise InvalidOperation(f"the inventory changed since the question: {would} "
                               f"{', '.join(numbers)}, not {', '.join(planned)}; nothing was "
                               "done, look at the plan again")


class Skips:
    """The numbers typed that reserving or clearing leaves alone, and why, in words."""

    def __init__(self, site, unseen, without_row):
        self.site = site
        self.unseen = unseen              # rows elsewhere, none visible from the site
        self.without_row = without_row    # no row anywhere
        self.used = []                    # (number, user) used by someone else

    def __bool__(self):
        return bool(self.unseen or self.without_row or self.used)

    def words(self):
        parts = []
        if self.unseen:
            parts.append(f"not seen from {self.site}: {', '.join(self.unseen)} (their rows sit "
                         "at another site or customer)")
        if self.without_row:
            parts.append(f"{', '.join(self.without_row)} (no row in the inventory; tick "
                         "\"create missing numbers\" to create them at the site)")
        if self.used:
            used = ", ".join(f"{n} by {u}" for n, u in self.used)
            parts.append(f"used by someone else: {used} (release them first)")
        return "; ".join(parts)


def typed_numbers(text):
    """The numbers typed in the panel: numbers and ranges, separated by commas or semicolons."""
    parts = [part.strip() for part in re.split(r"[,;]", text or "") if part.strip()]
    if not parts:
        raise InvalidOperation("type one or more numbers, e.g. 1000, 1002 or 1000-1009")
    numbers = []
    for part in parts:
        numbers += Inventory.numbers_named(part)
    return list(dict.fromkeys(numbers))


def describe_user(username, status, names=None, like=None):
    """Where the user is or was, the node named as the panel's tables name it (its short
    name with its customer, from `names`: the session's node_names); for a name nothing
    holds, `like` (names_like), the names it may be a typo of."""
    node = (names or {}).get(status["node"], status["node"])
    if status["state"] == "active":
        return (f"{username} is an active user at {node}: onboarding is for new and "
                "deleted users (the move preview moves an active one).")
    if status["state"] == "deleted":
        return (f"{username} was deleted on {status['deleted_at']} (was at {node}); "
                "onboarding brings them back with their reserved numbers.")
    if like is not None:
        return f"{username} is a new user: {unknown_name_words(like)}."
    return f"{username} is a new user."




def short(node):
    """A node as a sentence names it: its last step (tables show the full path)."""
    return str(node).rsplit(".", 1)[-1]


def describe_numbers(lines, node):
    """The user's numbers at a glance, as seen from the chosen site."""
    held = lines[lines["holds"].astype(bool)]
    reserved = lines[lines["reserved"].astype(bool)]
    out_of_reach = reserved[~reserved["visible_from_node"].astype(bool)]
    text = (f"Holds {len(held)} number(s){': ' + ', '.join(held['number']) if len(held) else ''}; "
            f"{len(reserved)} reservation(s)")
    if len(out_of_reach):
        text += (f", {len(out_of_reach)} not visible from {short(node)} "
                 f"({', '.join(f'{n} at {short(at)}' for n, at in zip(out_of_reach['number'], out_of_reach['node']))})")
    return text + "."


def stranding_words(stranded):
    """The reservations onboarding leaves out of reach, named before the click."""
    named = ", ".join(f"{n} at {short(at)}" for n, at in zip(stranded["number"], stranded["node"]))
    return (f"It leaves {len(stranded)} reservation(s) out of reach (stranded): {named}; they "
            "stay reserved, and the stranded reservations report will list them")


def held_as_held(belonging, username):
    """belonging_to's rows, a row the user holds said so rather than `not_available`."""
    held = belonging["used_by"].fillna("").str.lower() == username.lower()
    return belonging.assign(reason=belonging["reason"].astype(object).where(~held, "held by this user"))
