"""The cleanup report's data-quality questions (rules R37 to R39, and R24): each with a
case it flags and one it does not, on the seed inventory; and the report's section that
shows all four, in its page, its files and the panel."""

import pandas as pd
import pytest

from numkit.reports.scheduled import run_report
from numkit.reports.sections import CleanupReport
from numkit.reports.summary import summary_lines
from numkit.widgets import CleanupReportPanel

from conftest import AS_OF, CUST1, NUMBERS, SITE_A, SITE_B, SITE_D, USERS, records


def seed_with(*changes):
    """The seed's numbers with each (old line, new line) of `changes` made."""
    numbers = NUMBERS
    for old, new in changes:
        assert old in numbers, old
        numbers = numbers.replace(old, new)
    return numbers


# -- R37 used out of sight ------------------------------------------------------------------

def test_a_number_of_another_customer_used_by_a_user_is_used_out_of_sight(make_inventory):
    """A Cust-2 number used by a Cust-1 user: check passes it, the report does not."""
    inv = make_inventory(numbers=seed_with((f"1001,{SITE_D},Available,,,", f"1001,{SITE_D},Used,,alice,")))
    assert records(inv.used_out_of_sight(), "number", "node", "used_by", "user_node") == [
        ("1001", SITE_D, "alice", SITE_A)]
    assert inv.check().empty


def test_a_sibling_site_s_number_is_out_of_sight_and_the_customer_s_is_not(make_inventory):
    inv = make_inventory(numbers=seed_with(
        (f"2002,{SITE_B},Available,,,", f"2002,{SITE_B},Used,,alice,"),
        (f"2003,{CUST1},Available,,,", f"2003,{CUST1},Used,,ALICE,")))
    assert records(inv.used_out_of_sight(), "number", "used_by") == [("2002", "alice")]


def test_a_number_the_user_sees_is_not_out_of_sight(inv):
    assert inv.sql("select count(*) as n from numbers where used_by = 'alice'")["n"][0] == 1
    assert inv.used_out_of_sight().empty


# -- R38 reservations on inactive numbers ---------------------------------------------------

def test_a_flag_on_an_inactive_number_is_listed_and_an_unflagged_inactive_is_not(make_inventory):
    inv = make_inventory(numbers=seed_with(
        (f"1001,{SITE_A},Available,u,,", f"1001,{SITE_A},Inactive,u,,"),
        (f"2001,{SITE_A},Available,,,", f"2001,{SITE_A},Inactive,,,")))
    assert records(inv.inactive_reservations(), "number", "node", "reserved_for") == [
        ("1001", SITE_A, "u")]


def test_a_flag_on_a_number_that_may_become_available_is_not_listed(inv):
    inv.set_status("1002", "Reserved", days=5)
    inv.set_status("1003", "Cooling", days=5)
    flagged = inv.sql("select count(*) as n from numbers where reserved_for is not null")["n"][0]
    assert flagged == 3 and inv.inactive_reservations().empty


# -- R39 users without a number -------------------------------------------------------------

def test_a_user_who_uses_no_number_is_listed_with_the_numbers_reserved_for_them(inv):
    inv.onboard("bob", SITE_B)
    assert "bob" not in set(inv.users_without_numbers()["username"])
    inv.release("2002")
    assert records(inv.users_without_numbers(), "username", "node", "reserved_numbers") == [
        ("bob", SITE_B, 0)]
    inv.reserve_for("2003", "BOB")
    assert records(inv.users_without_numbers(), "username", "reserved_numbers") == [("bob", 1)]


def test_a_user_holding_a_number_written_in_another_case_is_not_listed(make_inventory):
    inv = make_inventory(numbers=seed_with((f"3001,{SITE_A},Used,,alice,", f"3001,{SITE_A},Used,,Alice,")))
    assert inv.users_without_numbers().empty


# -- R24 stranded reservations, the fourth question ----------------------------------------

def test_a_reservation_the_user_cannot_see_is_stranded_and_one_they_see_is_not(inv):
    inv.reserve_for("2002", "alice")        # Site-B: alice is at Site-A
    inv.reserve_for("2003", "alice")        # Cust-1: above Site-A
    assert records(inv.stranded_reservations(), "number", "reserved_for", "user_node") == [
        ("2002", "alice", SITE_A)]


# -- the report's section -------------------------------------------------------------------

@pytest.fixture
def flawed(make_inventory, tmp_path):
    """The seed with one case of each question, in a file the report can open."""
    path = tmp_path / "flawed.duckdb"
    inv = make_inventory(numbers=seed_with(
        (f"1001,{SITE_D},Available,,,", f"1001,{SITE_D},Used,,alice,"),
        (f"2001,{SITE_A},Available,,,", f"2001,{SITE_A},Inactive,carol,,"),
        (f"2002,{SITE_B},Available,,,", f"2002,{SITE_B},Available,alice,,")),
        users=USERS + f"dave,{SITE_B}\n", path=path)
    inv.close()
    return path


def test_the_report_shows_each_question_with_its_rows(flawed, tmp_path):
    report = CleanupReport(flawed, as_of=AS_OF, older_than_days=0)
    assert [report.data.counts[name] for name in (
        "used_out_of_sight", "inactive_reservations", "users_without_numbers", "stranded")] == [1, 1, 1, 1]
    section = report.data_quality()
    assert [part.title for part in section.parts] == [
        "Numbers used out of their user's sight", "Reserved For on inactive numbers",
        "Users without a number", "Stranded reservations"]
    page = section._repr_html_()
    for number in ("1001", "2001", "2002"):
        assert f"<td>{number}</td>" in page
    assert "<td>dave</td>" in page
    page_path = run_report(flawed, tmp_path / "out", as_of=AS_OF)
    for name, key in (("used_out_of_sight", "1001"), ("inactive_reservations", "2001"),
                      ("users_without_numbers", "dave"), ("stranded_reservations", "2002")):
        written = pd.read_csv(page_path.parent / f"{name}.csv", dtype=str)
        assert key in set(written.iloc[:, 0]), name
    assert ("data quality: 1 number(s) used out of their user's sight, 1 Reserved For on "
            "inactive numbers, 1 user(s) without a number, 1 stranded reservation(s)"
            in summary_lines(report.data.counts))


def test_the_summary_counts_each_question_where_it_lies(flawed):
    report = CleanupReport(flawed, as_of=AS_OF, older_than_days=0)
    sites = report.tables["by_site"].set_index("site")
    assert sites.loc[SITE_D, "used_out_of_sight"] == 1         # where the number sits
    assert sites.loc[SITE_A, "inactive_reservations"] == 1
    assert sites.loc[SITE_B, ["users_without_numbers", "stranded"]].tolist() == [1, 1]
    customers = report.tables["by_customer"].set_index("customer")
    assert customers.loc[CUST1, ["inactive_reservations", "users_without_numbers", "stranded"]].tolist() == [1, 1, 1]


def test_the_panel_has_a_tab_of_the_same_questions(flawed):
    panel = CleanupReportPanel(flawed, as_of=AS_OF, older_than_days=0, read_only=True)
    assert list(panel.out_of_sight.df["number"]) == ["1001"]
    assert list(panel.inactive_flags.df["number"]) == ["2001"]
    assert list(panel.without_numbers.df["username"]) == ["dave"]
    assert list(panel.stranded.df["number"]) == ["2002"]
    assert "Data quality" in panel.children[-1].titles
    panel.session.inventory.close()
