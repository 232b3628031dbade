"""The move panel and the API behind it: one stranded count (rules R17, R24), the whole user,
short destinations in bulk lines, conflicts in words, applying the clean lines only."""

import html
import re

import pytest

import numkit
from numkit import errors
from numkit.widgets import MovePreviewPanel

from conftest import CUST1, CUST2, PROV, records

AS_OF = "2026-11-23"
SITE_A, SITE_B, SITE_C = f"{CUST1}.Site-A", f"{CUST1}.Site-B", f"{CUST1}.Site-C"
SITE_D = f"{CUST2}.Site-D"

# Every error class numkit raises on purpose: none of their names belongs in what an
# analyst reads.
ERROR_NAMES = sorted(name for name, value in vars(errors).items()
                     if isinstance(value, type) and issubclass(value, errors.NumkitError))


def opened(database):
    inv = numkit.connect(database)
    inv.as_of = AS_OF
    return inv


def where_and_what(database, username):
    """The user's node and the numbers they use, to see that a move left them alone."""
    with opened(database) as inv:
        used = inv.sql("select number from numbers where lower(used_by) = lower($u) order by number",
                       {"u": username})["number"].tolist()
        return inv.user_status(username)["node"], used


def reported(inv, username):
    """The user's rows in the stranded reservations report, as (number, node)."""
    view = inv.stranded_reservations()
    mine = view[view["reserved_for"].str.lower() == username.lower()]
    return sorted(zip(mine["number"], mine["node"]))


def stated_count(outcome):
    return int(re.search(r"(\d+) stranded reservation\(s\)", outcome).group(1))


# -- one stranded count ------------------------------------------------------------------

def test_the_preview_the_applied_move_and_the_report_give_one_stranded_count(database):
    """ilewis (Site-A) uses +442079460032, reserved for him, and has a reservation at Site-C
    his node cannot see. Moved to Site-B, the first is replaced and keeps its flag, the
    second stays out of sight: the report lists both once the move is done, and the panel
    must say so before and after."""
    with opened(database) as inv:
        before = reported(inv, "ilewis")
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "ilewis"
    panel.destination.value = SITE_B
    panel.preview_button.click()
    previewed = sorted(zip(panel.stranded.df["number"], panel.stranded.df["full_path"]))
    assert stated_count(panel.outcome.value) == len(previewed)
    assert set(before) < set(previewed)     # the one stranded already, and the replaced one
    panel.apply_button.click()
    panel.confirmation.confirm_button.click()
    assert "Moved" in panel.outcome.value
    applied = sorted(zip(panel.stranded.df["number"], panel.stranded.df["full_path"]))
    assert stated_count(panel.outcome.value) == len(applied)
    with opened(database) as inv:
        assert previewed == applied == reported(inv, "ilewis")


def test_stranded_by_move_is_what_the_report_lists_after_the_move(database):
    """Every user of the sample holding a reservation moved to another site of their
    customer, replacing and carrying in turn, one move at a time and undone: what
    stranded_by_move said is what the report then lists for the user."""
    with opened(database) as on_file:
        inv = on_file.scratch_copy()      # in memory: many moves rehearsed
    inv.as_of = AS_OF
    reserving = set(inv.sql("select distinct lower(reserved_for) as u from numbers")["u"])
    users = inv.users()
    users = users[[name.lower() in reserving for name in users["username"]]]
    customers = dict(inv.sql("select node, customer from node_customers").values.tolist())
    nodes = inv.nodes()
    sites = nodes[nodes["type"] == "Site"]["node"].tolist()
    checked, stranding = [], 0
    for turn, (username, node) in enumerate(users.itertuples(index=False)):
        others = [site for site in sites if customers.get(site) == customers.get(node) and site != node]
        dest, policy = others[turn % len(others)], ("replace", "carry")[turn % 2]
        try:
            strands = inv.stranded_by_move(username, dest, policy)
        except numkit.NumkitError:
            continue
        with inv.rehearsal():
            inv.move_user(username, dest, policy)
            after = reported(inv, username)
        assert sorted(zip(strands["number"], strands["node"])) == after, (username, dest, policy)
        checked.append(policy)
        stranding += bool(after)
    assert checked.count("replace") > 5 and checked.count("carry") > 5 and stranding > 3


def test_a_strand_says_what_the_move_does_to_it(database):
    inv = opened(database)
    strands = inv.stranded_by_move("ilewis", SITE_B)
    assert records(strands, "number", "action", "already_stranded") == [
        ("+441144960000", None, True), ("+442079460032", "replace", False)]


# -- the whole user ----------------------------------------------------------------------

def test_every_reservation_of_the_user_says_whether_the_destination_sees_it(database):
    """Moved to Site-C, ilewis sees his Site-C reservation again; the number he gives up
    at Site-A stays reserved for him out of sight."""
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.user.value = "ilewis"
    panel.destination.value = SITE_C
    panel.preview_button.click()
    with opened(database) as inv:
        every = inv.belonging_to("ilewis")
    shown = panel.reservations.df
    assert sorted(zip(shown["number"], shown["full_path"])) == sorted(zip(every["number"], every["node"]))
    seen = dict(zip(shown["number"], shown["seen_from_destination"]))
    assert seen == {"+441144960000": "Yes", "+442079460032": ""}
    assert "is at Site-A (Cust-1) now" in html.unescape(panel.outcome.value)   # short, as tables name it
    held = set(panel.plan.df["number"])
    assert held == set(where_and_what(database, "ilewis")[1])
    why = dict(zip(panel.stranded.df["number"], panel.stranded.df["why"]))
    assert list(why) == ["+442079460032"] and "replaced" in why["+442079460032"]


# -- short destinations ------------------------------------------------------------------

def test_a_bulk_line_may_name_the_site_as_the_tree_shows_it(database):
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.bulk_text.value = "k.brown,Site-C\nc.ahmed,North.Site-F\n"
    panel.bulk_preview_button.click()
    plan = panel.bulk_plan.df
    assert (plan["conflict"] == "").all()
    assert sorted(set(plan["destination"])) == ["Site-C (Cust-1)", "Site-F (Cust-2)"]   # shown short
    panel.bulk_apply_button.click()
    panel.confirmation.confirm_button.click()
    assert where_and_what(database, "k.brown")[0] == SITE_C
    assert where_and_what(database, "c.ahmed")[0] == f"{CUST2}.North.Site-F"


LABS = f"""\
Hierarchy,Type
{PROV},Provider
{CUST1},Customer
{CUST1}.North,Intermediate
{CUST1}.North.Lab,Site
{CUST1}.South,Intermediate
{CUST1}.South.Lab,Site
{CUST1}.Office,Site
{CUST2},Customer
{CUST2}.Depot,Site
"""
LAB_NUMBERS = f"""\
Internal Number,Located At,Status,Reserved For,Used By,Release Date
100,{CUST1}.Office,Used,,ann,
200,{CUST1},Available,,,
201,{CUST1},Available,,,
300,{CUST2}.Depot,Available,,,
"""
LAB_USERS = f"Username,Located At\nann,{CUST1}.Office\n"


@pytest.fixture
def labs(loaded_inventory, tmp_path):
    """A customer with two sites called Lab, in a database file the panel can open."""
    path = tmp_path / "labs.duckdb"
    loaded_inventory(numbers=LAB_NUMBERS, users=LAB_USERS, hierarchy=LABS, path=path).close()
    return path


def test_an_ambiguous_or_unknown_short_name_is_a_conflict_naming_the_candidates(labs):
    panel = MovePreviewPanel(labs, as_of=AS_OF)
    panel.bulk_text.value = "ann,Lab\nann,Depot\nann,office\nann,North.Lab\n"
    panel.bulk_preview_button.click()
    conflict = dict(zip(panel.bulk_plan.df["step"], panel.bulk_plan.df["conflict"]))
    assert f"{CUST1}.North.Lab" in conflict[1] and f"{CUST1}.South.Lab" in conflict[1]
    assert "write more of the path" in conflict[1]
    assert f"{CUST2}.Depot is under another customer" in conflict[2]
    assert f"did you mean {CUST1}.Office" in conflict[3]
    assert conflict[4] == ""           # one Lab under North: moved there
    assert "3 conflict(s)" in panel.bulk_outcome.value
    with numkit.connect(labs) as inv:
        each = inv.preview_each_move([("ann", "Lab"), ("ann", "North.Lab")])
        assert each["refused"].notna().tolist() == [True, False]
        assert each["destination"].tolist()[1] == f"{CUST1}.North.Lab"
        with pytest.raises(numkit.InvalidOperation, match="names 2 nodes"):
            inv.apply_moves([("ann", "North.Lab"), ("ann", "Lab")])
        assert inv.user_status("ann")["node"] == f"{CUST1}.Office"     # all or nothing
        inv.apply_moves([("ann", "South.Lab")])
        assert inv.user_status("ann")["node"] == f"{CUST1}.South.Lab"


def test_conflicts_are_in_words_without_class_names(database):
    moves = [("nobody.here", SITE_C), ("k.brown", "sys.no.such"), ("g.kim", SITE_D),
             ("k.brown", "Site-D"), ("k.brown", "site-c")]
    with opened(database) as inv:
        lines = inv.preview_moves(moves)
        each = inv.preview_each_move(moves)
    texts = lines["conflict"].dropna().tolist() + each["refused"].dropna().tolist()
    assert len(texts) == 2 * len(moves)
    assert [text for text in texts if any(name in text for name in ERROR_NAMES)] == []
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.bulk_text.value = "\n".join(f"{user},{dest}" for user, dest in moves)
    panel.bulk_preview_button.click()
    shown = " ".join(panel.bulk_plan.df["conflict"])
    assert "no active user 'nobody.here'" in shown
    assert not any(name in shown for name in ERROR_NAMES)


# -- applying the clean lines only -------------------------------------------------------

def test_apply_the_clean_lines_only_leaves_the_conflicted_users_as_they_were(database):
    before = {user: where_and_what(database, user) for user in ("k.brown", "g.kim", "ilewis")}
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.bulk_text.value = f"k.brown,Site-C\ng.kim,{SITE_D}\nilewis,{SITE_C}\n"
    panel.bulk_preview_button.click()
    previewed = panel.bulk_plan.df
    panel.bulk_apply_clean_button.click()
    assert "Apply the 2 clean move(s)" in panel.confirmation.question.value
    assert "move 2" in panel.confirmation.question.value
    panel.confirmation.confirm_button.click()
    assert "Applied 2 move(s)" in panel.bulk_outcome.value
    assert where_and_what(database, "g.kim") == before["g.kim"]
    for user in ("k.brown", "ilewis"):
        node, used = where_and_what(database, user)
        assert node == SITE_C
        expected = previewed[previewed["username"] == user]
        assert sorted(used) == sorted(expected["new_number"])


def test_clean_lines_are_checked_again_when_applied(database):
    """A line clean at the preview and refused by the time it is confirmed stops them all."""
    panel = MovePreviewPanel(database, as_of=AS_OF)
    panel.bulk_text.value = f"k.brown,{SITE_C}\ng.kim,{SITE_D}\nilewis,{SITE_C}\n"
    panel.bulk_apply_clean_button.click()
    assert panel.confirmation.pending
    with opened(database) as inv:
        inv.delete_user("ilewis")              # meanwhile, elsewhere
    panel.confirmation.confirm_button.click()
    assert "no active user 'ilewis'" in html.unescape(panel.bulk_outcome.value)
    assert where_and_what(database, "k.brown")[0] == SITE_A


def test_apply_moves_only_clean_does_what_the_preview_showed(database):
    moves = [("k.brown", "Site-C"), ("g.kim", SITE_D), ("ilewis", SITE_C), ("k.brown", SITE_B)]
    inv = opened(database)
    previewed = inv.preview_moves(moves)
    with pytest.raises(numkit.MoveRefused):
        inv.apply_moves(moves)
    assert inv.user_status("k.brown")["node"] == SITE_A
    done = inv.apply_moves(moves, only_clean=True)
    assert records(done, *done.columns) == records(previewed, *previewed.columns)
    assert inv.user_status("k.brown")["node"] == SITE_B
    assert inv.user_status("g.kim")["node"] == SITE_A
