"""The whole user before onboarding: user_numbers, preview_onboard, and the onboarding panel
that shows every reservation, every number it will give and what it strands, before the
click; reserving and clearing say what they skip before acting."""

import html

import pytest

import numkit
from numkit.errors import NoNumberAvailable, NotAssignable, UserExists
from numkit.widgets import OnboardingPanel

from conftest import AS_OF, CUST1, SITE_A, SITE_B, SITE_D, load_texts, numbers_of, records


@pytest.fixture
def seed_file(tmp_path):
    """The seed example in a database file, for the panel to open."""
    path = tmp_path / "seed.duckdb"
    load_texts(tmp_path, path=path).close()
    return path


def opened(path):
    inv = numkit.connect(path)
    inv.as_of = AS_OF
    return inv


def panel_at(seed_file, site, username):
    panel = OnboardingPanel(seed_file, as_of=AS_OF)
    panel.site.value = site
    panel.username.value = username
    return panel


def said(widget):
    return html.unescape(widget.value)


# -- user_numbers ---------------------------------------------------------------------------

def test_user_numbers_lists_every_reservation_with_what_is_out_of_reach(inv):
    lines = inv.user_numbers("U", SITE_B)
    assert records(lines, "number", "node", "holds", "reserved", "visible_from_node") == [
        ("1001", SITE_A, False, True, False),
        ("1002", SITE_B, False, True, True),
        ("1003", CUST1, False, True, True)]
    why = dict(zip(lines["number"], lines["why"]))
    assert why["1001"] == ("at Site-A: not visible from Site-B, onboarding here leaves it "
                           "reserved but out of reach (stranded)")
    assert why["1002"] is None and why["1003"] is None


def test_user_numbers_without_a_node_judge_no_visibility_for_a_new_user(inv):
    lines = inv.user_numbers("u")
    assert numbers_of(lines) == ["1001", "1002", "1003"]
    assert lines["visible_from_node"].isna().all() and lines["why"].isna().all()


def test_user_numbers_show_what_an_active_user_holds_from_their_own_node(inv):
    inv.onboard("u", SITE_B)
    inv.onboard("bob", SITE_B)
    lines = inv.user_numbers("u")
    assert records(lines, "number", "holds", "effective_status", "visible_from_node") == [
        ("1001", False, "Available", False), ("1002", True, "Used", True),
        ("1003", True, "Used", True)]
    assert "the user's own site" in lines["why"].iloc[0]
    # a number held without any reservation is the user's too
    assert records(inv.user_numbers("bob"), "number", "holds", "reserved") == [
        ("2002", True, False)]


def test_user_numbers_say_why_a_visible_reservation_is_not_given(inv):
    inv.set_status("1003", "Cooling", CUST1, days=5)
    why = dict(zip(*inv.user_numbers("u", SITE_B)[["number", "why"]].T.values))
    assert why["1003"] == "cooling now: reserved for the user, but onboarding does not give it"


def test_numbers_without_rows_are_told_from_numbers_out_of_sight(inv):
    assert inv.numbers_without_rows(["1001", "9999", "2002", "8888"]) == ["9999", "8888"]


# -- preview_onboard ------------------------------------------------------------------------

def stranded_after(inv, username):
    report = inv.stranded_reservations()
    return records(report[report["reserved_for"].str.lower() == username.lower()],
                   "number", "node")


def events_count(inv):
    return len(inv.events())


@pytest.mark.parametrize("username, node, number, given", [
    ("u", SITE_B, None, ["1002", "1003"]),
    ("u", SITE_A, None, ["1001", "1003"]),
    ("u", SITE_B, "1003", ["1003"]),
    ("bob", SITE_B, None, ["2002"]),
    ("bob", SITE_D, None, ["1001"]),
])
def test_preview_onboard_is_what_onboard_then_does(inv, username, node, number, given):
    before = events_count(inv)
    plan = inv.preview_onboard(username, node, number)
    assert inv.user_status(username)["state"] == "new" and events_count(inv) == before
    assert plan.given == given
    assert inv.onboard(username, node, number) == plan.given
    assert records(plan.stranded, "number", "node") == stranded_after(inv, username)


def test_preview_onboard_names_what_onboarding_strands(inv):
    """docs/rules.md#stranded-by-onboarding: the seed example."""
    plan = inv.preview_onboard("u", SITE_B)
    assert records(plan.stranded, "number", "node") == [("1001", SITE_A)]
    assert "stranded" in plan.stranded["why"].iloc[0]
    at_a = inv.preview_onboard("u", SITE_A)
    assert at_a.given == ["1001", "1003"]
    assert records(at_a.stranded, "number", "node") == [("1002", SITE_B)]


def test_preview_onboard_of_a_deleted_user_coming_back(inv):
    inv.onboard("u", SITE_A)
    inv.delete_user("u")
    plan = inv.preview_onboard("u", SITE_B)
    assert plan.given == ["1002", "1003"]
    assert inv.user_status("u")["state"] == "deleted"
    assert inv.onboard("u", SITE_B) == plan.given
    assert records(plan.stranded, "number", "node") == stranded_after(inv, "u") == [
        ("1001", SITE_A)]


def test_preview_onboard_refuses_as_onboard_does(inv):
    inv.onboard("x", SITE_D)        # takes 1001, the one free number Site-D sees
    for username, node, number, error in [("alice", SITE_B, None, UserExists),
                                          ("bob", SITE_B, "1001", NotAssignable),
                                          ("y", SITE_D, None, NoNumberAvailable)]:
        before = events_count(inv)
        with pytest.raises(error) as previewed:
            inv.preview_onboard(username, node, number)
        with pytest.raises(error) as done:
            inv.onboard(username, node, number)
        assert str(previewed.value) == str(done.value)
        assert events_count(inv) == before


def test_preview_onboard_on_a_read_only_inventory(seed_file):
    with numkit.connect(seed_file, read_only=True) as inv:
        inv.as_of = AS_OF
        plan = inv.preview_onboard("u", SITE_B)
    assert plan.given == ["1002", "1003"]
    with opened(seed_file) as inv:
        assert inv.user_status("u")["state"] == "new"
        assert inv.onboard("u", SITE_B) == plan.given


# -- the panel: the whole user, the whole plan ---------------------------------------------

def test_a_new_name_is_said_new_with_the_names_it_may_be_a_typo_of(seed_file):
    assert ("alicia is a new user: no user, deletion or Reserved For flag has that name "
            "(did you mean alice?).") in said(panel_at(seed_file, SITE_B, "alicia").user_state)
    assert ("zed is a new user: no user, deletion or Reserved For flag has that name.") in said(
        panel_at(seed_file, SITE_B, "zed").user_state)
    # someone never onboarded whom flags name is new too, with their numbers, no guess
    assert "did you mean" not in said(panel_at(seed_file, SITE_B, "u").user_state)


def test_the_user_at_site_b_sees_the_site_a_reservation_and_the_stranding_warning(seed_file):
    panel = panel_at(seed_file, SITE_B, "u")
    shown = panel.user_lines.df
    assert list(shown["number"]) == ["1001", "1002", "1003"]
    site_a = shown[shown["number"] == "1001"].iloc[0]
    assert site_a["full_path"] == SITE_A and site_a["node"] == "Site-A (Cust-1)"
    assert "not visible from Site-B" in site_a["why"]
    assert "1 not visible from Site-B (1001 at Site-A)" in said(panel.user_state)
    assert "numkit-warning" in panel.plan.value
    assert "out of reach (stranded): 1001 at Site-A" in said(panel.plan)


def test_the_rules_option_names_every_number_onboarding_gives(seed_file):
    panel = panel_at(seed_file, SITE_B, "u")
    assert panel.number.options[0] == ("leave it to the rules: gives 1002, 1003", None)
    assert panel.number.value is None
    assert "Onboarding u at Site-B gives 1002, 1003." in said(panel.plan)


def test_onboard_asks_with_the_whole_plan_first(seed_file):
    panel = panel_at(seed_file, SITE_B, "u")
    panel.onboard_button.click()
    question = said(panel.onboard_confirmation.question)
    assert "Onboard u at Site-B: give 1002, 1003" in question
    assert "1001 at Site-A" in question and panel.onboard_confirmation.pending
    with opened(seed_file) as inv:
        assert inv.user_status("u")["state"] == "new"
    panel.onboard_confirmation.cancel_button.click()
    with opened(seed_file) as inv:
        assert inv.user_status("u")["state"] == "new"


def test_after_onboarding_held_numbers_show_as_held_and_onboard_is_disabled(seed_file):
    panel = panel_at(seed_file, SITE_B, "u")
    assert not panel.onboard_button.disabled
    panel.onboard_button.click()
    panel.onboard_confirmation.confirm_button.click()
    assert "assigned 1002, 1003" in panel.result.value
    shown = panel.user_lines.df
    assert records(shown, "number", "holds") == [("1001", ""), ("1002", "Yes"), ("1003", "Yes")]
    assert list(panel.belonging.df["reason"]) == ["held by this user", "held by this user"]
    assert "Holds 2 number(s): 1002, 1003" in said(panel.user_state)
    assert panel.onboard_button.disabled
    assert panel.number.options[0][0] == "leave it to the rules: u is already active"
    panel.username.value = "newcomer"
    assert not panel.onboard_button.disabled and panel.result.value == ""


def test_a_chosen_number_shows_its_own_plan_and_only_it_is_given(seed_file):
    panel = panel_at(seed_file, SITE_B, "u")
    panel.number.value = "1003"
    assert "Onboarding u at Site-B gives 1003." in said(panel.plan)
    panel.onboard_button.click()
    assert "give 1003" in said(panel.onboard_confirmation.question)
    panel.onboard_confirmation.confirm_button.click()
    with opened(seed_file) as inv:
        assert records(inv.user_numbers("u"), "number", "holds") == [
            ("1001", False), ("1002", False), ("1003", True)]


def test_a_refusal_is_shown_before_the_click(seed_file):
    with opened(seed_file) as inv:
        inv.onboard("x", SITE_D)
    panel = panel_at(seed_file, SITE_D, "y")
    assert "would be refused: no number is available" in said(panel.plan)
    assert panel.number.options[0][0].startswith("leave it to the rules: no number is available")
    panel.onboard_button.click()
    assert "Not done" in panel.result.value and not panel.onboard_confirmation.pending


def test_a_question_about_another_user_or_site_is_withdrawn(seed_file):
    panel = panel_at(seed_file, SITE_B, "u")
    panel.onboard_button.click()
    assert panel.onboard_confirmation.pending
    panel.site.value = SITE_A
    assert not panel.onboard_confirmation.pending
    assert "gives 1001, 1003" in said(panel.plan)
    assert "1002 at Site-B" in said(panel.plan)


def test_onboarding_other_than_confirmed_is_not_done(seed_file):
    """Another notebook reserves 2002 for u between the question and the answer: onboarding
    would now give three numbers, not the two confirmed, so it gives none."""
    panel = panel_at(seed_file, SITE_B, "u")
    panel.onboard_button.click()
    with opened(seed_file) as inv:
        inv.reserve_for("2002", "u", SITE_B)
    panel.onboard_confirmation.confirm_button.click()
    assert "the inventory changed since the question" in said(panel.result)
    with opened(seed_file) as inv:
        assert inv.user_status("u")["state"] == "new"
    assert "gives 1002, 1003, 2002." in said(panel.plan)


# -- reserving and clearing say what they skip before acting -------------------------------

def test_reserving_says_what_it_will_skip_before_acting(seed_file):
    with opened(seed_file) as inv:
        inv.onboard("bob", SITE_B)          # bob uses 2002
    panel = OnboardingPanel(seed_file, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.flag_numbers.value = "2002, 2003, 1001, 9999"
    panel.flag_user.value = "newbie"
    panel.reserve_button.click()
    question = said(panel.confirmation.question)
    assert "Reserve 1 number(s) for newbie; skip" in question
    assert f"not seen from {SITE_B}: 1001" in question
    assert "9999 (no row in the inventory" in question
    assert "used by someone else: 2002 by bob" in question
    with opened(seed_file) as inv:
        assert inv.belonging_to("newbie").empty
    panel.confirmation.confirm_button.click()
    assert "1 number(s) reserved for newbie: 2003" in said(panel.flag_result)
    with opened(seed_file) as inv:
        assert numbers_of(inv.belonging_to("newbie")) == ["2003"]


def test_reserving_nothing_but_skips_says_so(seed_file):
    panel = OnboardingPanel(seed_file, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.flag_numbers.value = "9999"
    panel.flag_user.value = "newbie"
    panel.reserve_button.click()
    assert "numkit-info" in panel.flag_result.value
    assert "Nothing to reserve: 9999 (no row in the inventory" in said(panel.flag_result)
    assert not panel.confirmation.pending


def test_clearing_says_what_it_will_skip_before_acting(seed_file):
    panel = OnboardingPanel(seed_file, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.flag_numbers.value = "1002, 1001, 9999"
    panel.clear_button.click()
    question = said(panel.confirmation.question)
    assert "Clear the Reserved For flag of 1 number(s) (1002 for u)" in question
    assert f"not seen from {SITE_B}: 1001" in question and "9999 (no row" in question
    panel.site.value = SITE_A
    assert not panel.confirmation.pending


def test_a_question_about_other_numbers_is_withdrawn(seed_file):
    panel = OnboardingPanel(seed_file, as_of=AS_OF)
    panel.site.value = SITE_B
    panel.flag_numbers.value = "2003, 9999"
    panel.flag_user.value = "newbie"
    panel.reserve_button.click()
    assert panel.confirmation.pending
    panel.flag_user.value = "someone.else"
    assert not panel.confirmation.pending


# -- reserving the next free numbers (docs/rules.md#r33-reserve-next) -------------------------

def test_the_panel_names_the_next_free_numbers_before_reserving_them(seed_file):
    panel = panel_at(seed_file, SITE_B, "")
    panel.flag_user.value = "newstarter"
    panel.next_count.value = 2
    panel.next_notes.value = "desk by the window"
    panel.reserve_next_button.click()
    # the numbers a user without reservations would get first at Site-B: 1002 and 1003 are
    # reserved for u, so they are passed over
    assert "Reserve 2 number(s) for newstarter at Site-B: 2002, 2003?" in said(
        panel.next_confirmation.question)
    with opened(seed_file) as inv:
        assert numbers_of(inv.belonging_to("newstarter")) == []     # asked, not done
    panel.next_confirmation.confirm_button.click()
    assert "Reserved for newstarter: 2002, 2003." in said(panel.next_result)
    with opened(seed_file) as inv:
        mine = inv.belonging_to("newstarter")
        assert numbers_of(mine) == ["2002", "2003"]
        assert set(mine["reservation_notes"]) == {"desk by the window"}


def test_reserving_the_next_numbers_says_why_it_cannot(seed_file):
    panel = panel_at(seed_file, SITE_B, "")
    panel.flag_user.value = "newstarter"
    panel.next_count.value = 5
    panel.reserve_next_button.click()
    assert not panel.next_confirmation.pending
    assert "Not done" in said(panel.next_result)
    panel.next_count.value = 1
    assert said(panel.next_result) == ""                # the old answer is not about this
    panel.next_until.value = "31/12/2026"
    panel.reserve_next_button.click()
    assert "YYYY-MM-DD" in said(panel.next_result) and not panel.next_confirmation.pending


def test_a_question_about_the_next_numbers_is_withdrawn_when_the_request_changes(seed_file):
    panel = panel_at(seed_file, SITE_B, "")
    panel.flag_user.value = "newstarter"
    panel.reserve_next_button.click()
    assert panel.next_confirmation.pending
    panel.next_count.value = 2
    assert not panel.next_confirmation.pending
