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
        self.plan = table(caption="Numbers the user holds: keep, replace or carry")
        self.reservations = table(caption="Every number reserved for the user, wherever it is")
        self.stranded = table(caption="Stranded once moved: the reservations the stranded report "
                                      "will list")
        self.destination_candidates = table(caption="Candidate numbers at the destination")

        self.bulk_text = w.Textarea(placeholder="username,destination\njsmith,sys.hcs.Prov-1.Cust-1.Site-B",
                                    layout=w.Layout(width="640px", height="110px"))
        self.bulk_upload = w.FileUpload(accept=".csv,.txt", multiple=False, **FITTED,
                                        description="Upload moves")
        self.bulk_preview_button = w.Button(description="Preview all", icon="eye")
        self.bulk_apply_button = w.Button(description="Apply all…", button_style="warning")
        self.bulk_apply_clean_button = w.Button(description="Apply clean lines only…",
                                                button_style="warning", **FITTED)
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
        self.bulk_apply_clean_button.on_click(self.ask_apply_clean)
        super().__init__([
            heading("Preview a move"), self.user, self.destination, self.policy,
            w.HBox([self.preview_button, self.apply_button]), self.confirmation, self.outcome,
            self.plan,
            self.reservations,
            self.stranded,
            self.destination_candidates,
            heading("Bulk what-if: one move per line, username,destination"),
            self.bulk_text, w.HBox([self.bulk_upload, self.bulk_preview_button,
                                    self.bulk_apply_button, self.bulk_apply_clean_button]),
            self.bulk_outcome, self.bulk_plan,
        ])

    def _forget_preview(self, *_):
        """Another user, destination or policy: the last preview is not about it."""
        self.outcome.value = ""
        for widget in (self.plan, self.reservations, self.stranded, self.destination_candidates):
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
                reserved = inv.belonging_to(username)
                source = inv.user_status(username)["node"]
                candidates = inv.available_numbers(username, destination, limit=50)
        except NumkitError as error:
            self._forget_preview()
            self.outcome.value = note("error", f"The move would be refused. {in_plain_words(error)}")
            return False
        moving = plan[plan["action"] != STRANDED]
        named = self.session.node_names.get
        self.outcome.value = note("info", summary(username, named(source, source),
                                                  named(destination, destination), moving, strands)
                                  + kept_flags(username, strands))
        show(self.plan, moving)
        show(self.reservations, whole_user_reservations(reserved, strands))
        show(self.stranded, stranded_in_words(strands))
        show(self.destination_candidates, candidates_in_order(candidates))
        return True

    def ask_apply(self, _=None):
        if self.preview():
            move = username, destination, policy = self.move
            # the move asked about is the one applied, whatever the boxes say by then
            named = self.session.node_names.get(destination, destination)
            self.confirmation.ask(f"Move {username} to {named} ({policy})? "
                                  "This changes the inventory.", lambda: self.apply(*move))

    def apply(self, username, destination, policy):
        try:
            with self.session.writing() as inv:
                source = inv.user_status(username)["node"]
                done = inv.move_user(username, destination, policy)
                # the count after the move is the report's own, read in the same session
                reported = inv.stranded_reservations_of(username)
                reserved = inv.belonging_to(username)
                candidates = inv.available_numbers(username, destination, limit=50)
        except NumkitError as error:
            self.outcome.value = note("error", in_plain_words(error))
            return
        moving = done[done["action"] != STRANDED]
        named = self.session.node_names.get
        self.outcome.value = note("ok", "Moved. " + summary(username, named(source, source),
                                                            named(destination, destination),
                                                            moving, reported, done=True))
        show(self.plan, moving)
        show(self.reservations, whole_user_reservations(reserved, reported))
        show(self.stranded, stranded_in_words(reported))
        show(self.destination_candidates, candidates_in_order(candidates))     # what is left there now

    def _uploaded(self, change):
        files = change["new"]
        if files:
            self.bulk_text.value = bytes(files[0]["content"]).decode("utf-8-sig")

    def preview_bulk(self, _=None):
        """The moves previewed in order: (moves, the preview's lines), None when unread."""
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
        conflicts = conflicted_steps(combined)
        kind = "warning" if conflicts else "info"
        self.bulk_outcome.value = note(kind, f"{len(moves)} move(s) previewed; "
                                             f"{len(conflicts)} conflict(s) flagged.")
        show(self.bulk_plan, combined)
        return moves, combined

    def ask_apply_bulk(self, _=None):
        previewed = self.preview_bulk()
        if previewed is None:
            return
        moves, combined = previewed
        conflicts = conflicted_steps(combined)
        if conflicts:
            self.bulk_outcome.value = note("error", f"Not applied: {len(conflicts)} conflict(s); "
                                                    "fix or remove those moves first, or apply "
                                                    "the clean lines only.")
            return
        policy = self.policy.value
        self.confirmation.ask(f"Apply {len(moves)} move(s) in this order ({policy})? "
                              "All of them are done, or none.", lambda: self.apply_bulk(moves, policy))

    def ask_apply_clean(self, _=None):
        """Apply the moves the preview found clean. A refused move changes nothing, so the
        clean ones alone, in order, are what the preview showed them doing; applied all or
        none, they are checked again in the transaction that does them."""
        previewed = self.preview_bulk()
        if previewed is None:
            return
        moves, combined = previewed
        conflicts = conflicted_steps(combined)
        clean = [move for step, move in enumerate(moves, start=1) if step not in conflicts]
        if not clean:
            self.bulk_outcome.value = note("error", "Nothing to apply: every move has a conflict.")
            return
        policy = self.policy.value
        left = (f", leaving the {len(conflicts)} with a conflict (move "
                f"{', '.join(str(step) for step in sorted(conflicts))}) as they are"
                if conflicts else "")
        self.confirmation.ask(f"Apply the {len(clean)} clean move(s) in this order ({policy}){left}? "
                              f"All {len(clean)} are done, or none.",
                              lambda: self.apply_bulk(clean, policy))

    def apply_bulk(self, moves, policy):
        try:
            with self.session.writing() as inv:
                done = inv.apply_moves(moves, policy)
        except NumkitError as error:
            self.bulk_outcome.value = note("error", in_plain_words(error))
            return
        self.bulk_outcome.value = note("ok", f"Applied {len(moves)} move(s).")
        show(self.bulk_plan, done)


def conflicted_steps(lines):
    """The steps of a bulk preview that have a conflict."""
    return set(lines[lines["conflict"].notna()]["step"])


# A stranded reservation, as the analyst is told why: by what the move does to it.
STRAND_WORDS = {
    STRANDED: "left behind: the destination cannot see it",
    REPLACE: "replaced: released, still reserved for the user, and the destination cannot see it",
    None: "already stranded: the user's node cannot see it now either",
}


def stranded_in_words(strands):
    """The stranded rows (of stranded_by_move, or of the report after the move) with why."""
    if "action" in strands:
        why = [STRAND_WORDS[None if already else action]
               for action, already in zip(strands["action"], strands["already_stranded"])]
    else:
        why = ["the user's node cannot see it"] * len(strands)
    return strands[["number", "node"]].assign(why=why)


def whole_user_reservations(reserved, strands):
    """Every row reserved for the user (belonging_to without a node) with whether the user
    sees it once at the destination: it is stranded exactly when the stranded rows list it."""
    stranded = set(zip(strands["number"], strands["node"]))
    seen = ["" if (number, node) in stranded else "Yes"
            for number, node in zip(reserved["number"], reserved["node"])]
    return reserved[["number", "node", "status", "used_by"]].assign(
        seen_from_destination=seen)


def kept_flags(username, strands):
    """The replaced numbers the move leaves reserved for the user (the strands of
    preview_move_with_strands say which, docs/rules.md#r17-move-user): reservations the
    user can no longer see from the destination."""
    flagged = strands[strands["action"] == REPLACE]["number"].tolist()
    if not flagged:
        return ""
    return (f" {len(flagged)} replaced number(s) stay reserved for {username} "
            f"({', '.join(flagged)}) and will show as stranded reservations.")


def summary(username, source, destination, moving, stranded, done=False):
    """What happens to the user's numbers, then the replacements and the stranded count, each
    its own sentence (before the move, what the report will list once it is done; after it,
    what the report lists)."""
    counts = moving["action"].value_counts()
    parts = [f"{counts.get(action, 0)} {action}" for action in ("keep", "replace", "carry")]
    replaced = moving[moving["action"] == "replace"]
    swaps = ", ".join(f"{old} → {new}" for old, new in zip(replaced["number"], replaced["new_number"]))
    when = "now" if done else "once moved"
    text = f"{username} to {destination}: {', '.join(parts)}."
    if swaps:
        text += f" New numbers for those replaced: {swaps}."
    named = f": {', '.join(stranded['number'])}" if len(stranded) else ""
    text += f" {len(stranded)} stranded reservation(s) {when}{named}."
    if source:
        text += f" {username} was at {source}." if done else f" {username} is at {source} now."
    return text


def candidates_in_order(candidates):
    """The candidates with the order they are given first, as the onboarding panel shows them."""
    return candidates[["position"] + [column for column in candidates.columns
                                      if column != "position"]]
