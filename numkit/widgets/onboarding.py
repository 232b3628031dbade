"""Onboarding panel: pick a site, type a username, see their numbers, onboard them."""

import ipywidgets as w

from ..errors import NumkitError
from .common import NodePicker, Session, heading, in_plain_words, note, show, table

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

        self.flag_numbers = w.Text(description="Numbers", placeholder="1000 or 1000-1009")
        self.flag_user = w.Text(description="For user", placeholder="username")
        self.create_missing = w.Checkbox(description="create missing numbers at the selected site",
                                         indent=False)
        self.reserve_button = w.Button(description="Reserve for user", icon="lock")
        self.clear_button = w.Button(description="Clear flag", icon="unlock")
        self.flag_result = w.HTML()

        self.site.observe_value(self.refresh)
        self.username.observe(self.refresh, "value")
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
            w.HBox([self.reserve_button, self.clear_button]), self.flag_result,
        ])

    @property
    def chosen(self):
        return self.username.value.strip(), self.site.value

    def refresh(self, *_):
        username, node = self.chosen
        if not username or not node:
            self.user_state.value = note("info", "Pick a site and type a username.")
            show(self.belonging, None)
            show(self.candidates, None)
            self.number.options = [(LEAVE_TO_RULES, None)]
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

    def _flag(self, action):
        try:
            with self.session.writing() as inv:
                report = action(inv)
        except NumkitError as error:
            self.flag_result.value = note("error", in_plain_words(error))
            return
        done = report[report["result"] != "skipped"]
        skipped = report[report["result"] == "skipped"]
        text = f"{len(done)} number(s) {', '.join(done['result'].unique())}: {', '.join(done['number'])}"
        if len(skipped):
            text += f"; skipped {', '.join(skipped['number'])} ({', '.join(skipped['reason'].unique())})"
        self.flag_result.value = note("ok", text + ".")
        self.refresh()

    def reserve(self, _=None):
        numbers, username = self.flag_numbers.value.strip(), self.flag_user.value.strip()
        node = self.site.value if self.create_missing.value else None
        self._flag(lambda inv: inv.reserve_for(numbers, username, node))

    def clear(self, _=None):
        numbers = self.flag_numbers.value.strip()
        self._flag(lambda inv: inv.clear_reserved_for(numbers))


def describe_user(username, status):
    if status["state"] == "active":
        return f"{username} is an active user at {status['node']}."
    if status["state"] == "deleted":
        return (f"{username} was deleted on {status['deleted_at']} (was at {status['node']}); "
                "onboarding brings them back with their reserved numbers.")
    return f"{username} is a new user."


