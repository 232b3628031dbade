"""Move preview panel: what a move would do, one user or a list of them, before doing it."""

import ipywidgets as w

from ..arguments import parse_moves
from ..codes import MOVE_POLICIES, REPLACE, STRANDED
from ..errors import NumkitError
from .common import (FITTED, Confirmation, NodePicker, Session, heading, in_plain_words, note,
                     show, table)

# Usernames offered as the user is typed, when there are no more than this many: a list of
# millions would take the browser minutes. Any username can be typed either way.
USERS_OFFERED_AT_MOST = 5_000


class MovePreviewPanel(w.VBox):
    """Pick a user, a destination and a policy; see each number's fate; apply if right."""

    def __init__(self, database=None, as_of=None):
        self.session = Session(database, as_of)
        with self.session.reading() as inv:
            nodes = inv.nodes()
            offered = inv.users(limit=USERS_OFFERED_AT_MOST + 1)["username"].tolist()
        # not ensure_option: the browser would then keep the last listed name while showing
        # what was typed, and a move would act on a user the box does not show
        self.user = w.Combobox(description="User", ensure_option=False,
                               options=offered if len(offered) <= USERS_OFFERED_AT_MOST else [],
                               placeholder="type to search the users")
        self.destination = NodePicker(nodes, description="Destination")
        self.policy = w.ToggleButtons(options=list(MOVE_POLICIES), description="Policy")
        self.preview_button = w.Button(description="Preview move", icon="eye")
        self.apply_button = w.Button(description="Apply move…", button_style="warning",
                                     icon="share")
        self.outcome = w.HTML()
        self.plan = table(caption="Each current number: keep, replace or carry")
        self.stranded = table(caption="Reservations this move would strand")
        self.destination_candidates = table(caption="Candidate numbers at the destination")

        self.bulk_text = w.Textarea(placeholder="username,destination\njsmith,sys.hcs.Prov-1.Cust-1.Site-B",
                                    layout=w.Layout(width="640px", height="110px"))
        self.bulk_upload = w.FileUpload(accept=".csv,.txt", multiple=False, **FITTED,
                                        description="Upload moves")
        self.bulk_preview_button = w.Button(description="Preview all", icon="eye")
        self.bulk_apply_button = w.Button(description="Apply all…", button_style="warning")
        self.bulk_outcome = w.HTML()
        self.bulk_plan = table(caption="All moves, applied in order as if for real")
        self.confirmation = Confirmation()

        self.preview_button.on_click(self.preview)
        for choice in (self.user, self.policy):
            choice.observe(self._forget_preview, "value")
        self.destination.observe_value(self._forget_preview)
        self.apply_button.on_click(self.ask_apply)
        self.bulk_upload.observe(self._uploaded, "value")
        self.bulk_preview_button.on_click(self.preview_bulk)
        self.bulk_apply_button.on_click(self.ask_apply_bulk)
        super().__init__([
            heading("Preview a move"), self.user, self.destination, self.policy,
            w.HBox([self.preview_button, self.apply_button]), self.confirmation, self.outcome,
            self.plan, heading("Stranded reservations"), self.stranded,
            heading("Candidates at the destination"), self.destination_candidates,
            heading("Bulk what-if: one move per line, username,destination"),
            self.bulk_text, w.HBox([self.bulk_upload, self.bulk_preview_button,
                                    self.bulk_apply_button]),
            self.bulk_outcome, self.bulk_plan,
        ])

    def _forget_preview(self, *_):
        """Another user, destination or policy: the last preview is not about it."""
        self.outcome.value = ""
        for widget in (self.plan, self.stranded, self.destination_candidates):
            show(widget, None)

    @property
    def move(self):
        return self.user.value.strip(), self.destination.value, self.policy.value

    def preview(self, _=None):
        username, destination, policy = self.move
        if not username or not destination:
            self.outcome.value = note("error", "Pick a user and a destination first.")
            return False
        try:
            with self.session.reading() as inv:
                plan, strands = inv.preview_move_with_strands(username, destination, policy)
                candidates = inv.available_numbers(username, destination, limit=50)
        except NumkitError as error:
            self.outcome.value = note("error", f"The move would be refused. {in_plain_words(error)}")
            for widget in (self.plan, self.stranded, self.destination_candidates):
                show(widget, None)
            return False
        stranded = plan[plan["action"] == STRANDED]
        moving = plan[plan["action"] != STRANDED]
        self.outcome.value = note("info", summary(username, destination, moving, stranded)
                                  + kept_flags(username, strands))
        show(self.plan, moving)
        show(self.stranded, stranded[["number", "node"]])
        show(self.destination_candidates, candidates)
        return True

    def ask_apply(self, _=None):
        if self.preview():
            move = username, destination, policy = self.move
            # the move asked about is the one applied, whatever the boxes say by then
            self.confirmation.ask(f"Move {username} to {destination} ({policy})? "
                                  "This changes the inventory.", lambda: self.apply(*move))

    def apply(self, username, destination, policy):
        try:
            with self.session.writing() as inv:
                done = inv.move_user(username, destination, policy)
                candidates = inv.available_numbers(username, destination, limit=50)
        except NumkitError as error:
            self.outcome.value = note("error", in_plain_words(error))
            return
        moving = done[done["action"] != STRANDED]
        stranded = done[done["action"] == STRANDED]
        self.outcome.value = note("ok", "Moved. " + summary(username, destination, moving, stranded))
        show(self.plan, moving)
        show(self.stranded, stranded[["number", "node"]])
        show(self.destination_candidates, candidates)     # what is left there now

    def _uploaded(self, change):
        files = change["new"]
        if files:
            self.bulk_text.value = bytes(files[0]["content"]).decode("utf-8-sig")

    def preview_bulk(self, _=None):
        moves, unreadable = parse_moves(self.bulk_text.value)
        if unreadable:
            lines = "; ".join(f"line {number}: {line.strip()!r}" for number, line in unreadable[:5])
            more = f" and {len(unreadable) - 5} more" if len(unreadable) > 5 else ""
            self.bulk_outcome.value = note("error", f"Not previewed: {len(unreadable)} line(s) are "
                                                    f"not username,destination ({lines}{more}).")
            show(self.bulk_plan, None)
            return None
        if not moves:
            self.bulk_outcome.value = note("error", "No moves: write one username,destination per line.")
            return None
        with self.session.writing() as inv:   # the moves are done and undone
            combined = inv.preview_moves(moves, self.policy.value)
        conflicts = combined["conflict"].notna().sum()
        kind = "warning" if conflicts else "info"
        self.bulk_outcome.value = note(kind, f"{len(moves)} move(s) previewed; "
                                             f"{conflicts} conflict(s) flagged.")
        show(self.bulk_plan, combined)
        return moves, conflicts

    def ask_apply_bulk(self, _=None):
        previewed = self.preview_bulk()
        if previewed is None:
            return
        moves, conflicts = previewed
        if conflicts:
            self.bulk_outcome.value = note("error", f"Not applied: {conflicts} conflict(s); "
                                                    "fix or remove those moves first.")
            return
        policy = self.policy.value
        self.confirmation.ask(f"Apply {len(moves)} move(s) in this order ({policy})? "
                              "All of them are done, or none.", lambda: self.apply_bulk(moves, policy))

    def apply_bulk(self, moves, policy):
        try:
            with self.session.writing() as inv:
                done = inv.apply_moves(moves, policy)
        except NumkitError as error:
            self.bulk_outcome.value = note("error", in_plain_words(error))
            return
        self.bulk_outcome.value = note("ok", f"Applied {len(moves)} move(s).")
        show(self.bulk_plan, done)


def kept_flags(username, strands):
    """The replaced numbers the move leaves reserved for the user (the strands of
    preview_move_with_strands say which, docs/rules.md#r17-move-user): reservations the
    user can no longer see from the destination."""
    flagged = strands[strands["action"] == REPLACE]["number"].tolist()
    if not flagged:
        return ""
    return (f" {len(flagged)} replaced number(s) stay reserved for {username} "
            f"({', '.join(flagged)}) and will show as stranded reservations.")


def summary(username, destination, moving, stranded):
    counts = moving["action"].value_counts()
    parts = [f"{counts.get(action, 0)} {action}" for action in ("keep", "replace", "carry")]
    replaced = moving[moving["action"] == "replace"]
    swaps = ", ".join(f"{old} → {new}" for old, new in zip(replaced["number"], replaced["new_number"]))
    text = f"{username} to {destination}: {', '.join(parts)}; {len(stranded)} stranded"
    return text + (f" ({swaps})." if swaps else ".")
