"""The cleanup reports (rules R22 to R25)."""

import datetime as dt

import pytest

import numkit

from numkit.reports import summary as reports

from conftest import (AS_OF, CUST1, CUST2, HIERARCHY, NUMBERS, SITE_A, SITE_B, SITE_C, SITE_D, USERS,
                      records, write)

HEADER = "Internal Number,Located At,Status,Reserved For,Used By,Release Date\n"


def test_deleted_user_reservations_by_category(inv):
    inv.reserve_for("3001", "alice")
    inv.delete_user("alice")
    inv.as_of = AS_OF + dt.timedelta(days=12)
    report = inv.deleted_user_reservations()
    assert set(report["category"]) == {"deleted", "never_onboarded"}
    deleted = report[report["category"] == "deleted"]
    assert records(deleted, "number", "reserved_for", "days_since_deleted") == [("3001", "alice", 12)]
    assert deleted["deleted_at"].iloc[0].date() == AS_OF
    never = report[report["category"] == "never_onboarded"]
    assert sorted(never["number"]) == ["1001", "1002", "1003"]
    assert never["days_since_deleted"].isna().all()


def test_deleted_user_reservations_age_filter_keeps_never_onboarded(inv):
    inv.reserve_for("3001", "alice")
    inv.delete_user("alice")
    inv.as_of = AS_OF + dt.timedelta(days=5)
    assert set(inv.deleted_user_reservations(older_than_days=5)["number"]) == {"3001", "1001", "1002", "1003"}
    assert set(inv.deleted_user_reservations(older_than_days=6)["number"]) == {"1001", "1002", "1003"}


def test_user_deleted_and_active_again_is_active(inv):
    inv.reserve_for("3001", "alice")
    inv.delete_user("alice")
    inv.onboard("alice", SITE_A)
    assert "alice" not in set(inv.deleted_user_reservations()["reserved_for"])


def test_stuck_cooling(make_inventory):
    inv = make_inventory(numbers=HEADER + f"""\
1,{SITE_A},Cooling,,,
2,{SITE_A},Cooling,,,{AS_OF - dt.timedelta(days=21)}
3,{SITE_A},Cooling,,,{AS_OF - dt.timedelta(days=20)}
4,{SITE_A},Cooling,,,{AS_OF + dt.timedelta(days=3)}
""", users=None)
    assert list(inv.stuck_cooling()["number"]) == ["1", "2"]


def test_reports_list_numbers_in_number_order(make_inventory):
    """`1001` before `+1001`, `0100` before `100` (docs/rules.md#r2-what-a-number-is): the
    reports sort as every list in number order does, not as text sorts."""
    numbers = ["+1001", "1001", "100", "0100", "999"]
    lines = "".join(f"{number},{SITE_A},Cooling,gone.user,,{AS_OF - dt.timedelta(days=30)}\n"
                    for number in numbers)
    inv = make_inventory(numbers=HEADER + lines, users=None)
    in_order = ["0100", "100", "999", "1001", "+1001"]
    assert list(inv.stuck_cooling()["number"]) == in_order
    assert list(inv.deleted_user_reservations()["number"]) == in_order


def test_stranded_reservations(inv):
    inv.reserve_for("2002", "alice")        # Site-B, alice is at Site-A
    inv.reserve_for("2003", "alice")        # Cust-1 is visible from Site-A
    assert records(inv.stranded_reservations(), "number", "reserved_for", "user_node") == [
        ("2002", "alice", SITE_A)]


def test_utilization_counts_rows_in_scope(inv):
    usage = inv.utilization().set_index("node")
    assert usage.loc[CUST1, ["total", "available", "used"]].tolist() == [7, 6, 1]
    assert usage.loc[SITE_A, ["total", "available", "used"]].tolist() == [3, 2, 1]
    assert usage.loc[SITE_A, "share_available"] == pytest.approx(2 / 3)
    assert usage.loc["sys", "total"] == 8


def test_utilization_lists_every_node_with_empty_share_when_empty(make_inventory):
    inv = make_inventory(numbers=HEADER + f"1,{SITE_A},Available,,,\n", users=None)
    usage = inv.utilization().set_index("node")
    assert set(usage.index) == set(inv.sql("select node from nodes")["node"])
    assert usage.loc[SITE_C, "total"] == 0
    assert usage["share_available"].isna()[SITE_C]
    assert not usage.loc[SITE_C, "alert"]


def test_utilization_alert_below_the_share(make_inventory):
    rows = "".join(f"{n},{SITE_A},Used,,,\n" for n in range(10, 20)) + f"1,{SITE_A},Available,,,\n"
    rows += f"2,{SITE_B},Available,,,\n"
    inv = make_inventory(numbers=HEADER + rows, users=None)
    alerts = inv.utilization().set_index("node")["alert"]
    assert alerts[SITE_A] and not alerts[SITE_B] and not alerts[CUST1]   # 1/11, 1/1, 2/12
    inv.settings["alert_share"] = 0.2
    assert inv.utilization().set_index("node")["alert"][CUST1]


def test_utilization_counts_effective_statuses(make_inventory):
    inv = make_inventory(numbers=HEADER + f"1,{SITE_A},Cooling,,,{AS_OF}\n2,{SITE_A},Reserved,,,\n",
                         users=None)
    usage = inv.utilization().set_index("node")
    assert usage.loc[SITE_A, ["available", "reserved", "cooling"]].tolist() == [1, 1, 0]


def test_utilization_by_level(inv):
    assert list(inv.utilization("customer")["node"]) == [CUST1, CUST2]
    assert list(inv.utilization("Site")["node"]) == [SITE_A, SITE_B, SITE_C, SITE_D]
    with pytest.raises(numkit.InvalidOperation):
        inv.utilization("galaxy")


def decided_on(inv, event_ids, when):
    """Date the decision of these events as if made on `when` (the clock of the events)."""
    inv.sql("update events set \"at\" = $at where list_contains($ids, event_id)",
            {"at": dt.datetime.combine(when, dt.time(9)), "ids": [int(i) for i in event_ids]})


def change_of(inv, number):
    return inv.pending_changes().query("number == @number")["event_ids"].iloc[0]


def test_the_report_keeps_changes_decided_more_than_a_week_before_as_of(inv):
    inv.reserve_for("2001", "old.decision", node=SITE_A)
    inv.reserve_for("2002", "week.old", node=SITE_B)
    inv.reserve_for("2003", "new.decision", node=CUST1)
    report_day = AS_OF + dt.timedelta(days=20)
    decided_on(inv, change_of(inv, "2001"), report_day - dt.timedelta(days=8))
    decided_on(inv, change_of(inv, "2002"), report_day - dt.timedelta(days=7))
    decided_on(inv, change_of(inv, "2003"), report_day)
    inv.as_of = report_day
    data = reports.report_data(inv)
    waiting = data.tables["not_yet_in_voss"]
    assert records(waiting, "number", "field", "numkit_value", "age_days") == [
        ("2001", "reserved_for", "old.decision", 8)]
    assert "event_ids" not in waiting.columns      # a list: no spreadsheet cell holds it
    assert "decided in numkit over a week ago, not yet in VOSS: 1" in reports.summary_lines(
        data.counts)[-2]
    # the three decisions as the overview panel counts them: rows, users, changed fields
    assert ("decisions not yet in VOSS: 3 (3 number row(s), 0 user(s); 3 pending change(s))"
            in reports.summary_lines(data.counts)[-3])


def test_the_report_lists_the_last_load_s_conflicts(inv, tmp_path):
    inv.reserve_for("2001", "bob", node=SITE_A)
    numbers = NUMBERS.replace(f"2001,{SITE_A},Available,,,", f"2001,{SITE_A},Available,carol,,")
    inv.load(write(tmp_path, "numbers2.csv", numbers), users=write(tmp_path, "users2.csv", USERS),
             hierarchy=write(tmp_path, "hierarchy2.csv", HIERARCHY))
    data = reports.report_data(inv)
    conflicts = data.tables["last_load_conflicts"]
    assert records(conflicts, "number", "field", "numkit_value", "export_value") == [
        ("2001", "reserved_for", "bob", "carol")]
    assert conflicts["reason"].iloc[0]
    assert reports.summary_lines(data.counts)[-1] == "conflicts at the last load: 1"
