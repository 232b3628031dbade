"""`numkit why`, `next`, `number` and `user`: the questions analysts are asked by phone,
answered on the bundled sample (numkit/sample_export, every snapshot loaded by load_folder).

The words are held to golden files (tests/golden/), compared exactly; `--json` is parsed
and its fields checked against figures the test computes from the tables themselves.
NUMKIT_UPDATE_GOLDEN=1 rewrites the golden files (read the diff before committing it)."""

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import numkit
from numkit.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = "2026-11-23"     # the sample's snapshot date
PROV = "sys.hcs.Prov-1"
CUST1 = f"{PROV}.Cust-1"
SITE_A = f"{CUST1}.Site-A"
SITE_B = f"{CUST1}.Site-B"
SITE_E = f"{PROV}.Cust-2.North.Site-E"


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def ask(*args):
    """The command's output at the sample's date; it must succeed."""
    result = run(*args, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return result.output


def ask_json(*args):
    output = ask(*args, "--json")
    assert len(output.splitlines()) == 1    # one object, on one line
    return json.loads(output)


def assert_golden(name, output):
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("NUMKIT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


# -- what the tables say, computed here without the rules' SQL ----------------------------

@pytest.fixture
def tables(sample_file):
    """The sample's tables read as they are, for figures the commands must agree with."""
    with numkit.connect(sample_file, read_only=True) as inv:
        numbers = inv.sql("select number, node, status, reserved_for, used_by, release_date "
                          "from numbers").to_dict("records")
        users = inv.sql("select username, node from users").to_dict("records")
        deleted = inv.sql("select username, node, deleted_at from deleted_users").to_dict("records")
        nodes = inv.sql("select node, type from nodes").to_dict("records")
        snapshot = inv.sql("select max(as_of) as d from loads")["d"][0].date()
    for row in numbers:
        row["release_date"] = None if row["release_date"] != row["release_date"] \
            else row["release_date"].date()
        for field in ("reserved_for", "used_by"):
            row[field] = None if row[field] != row[field] else row[field]
    return {"numbers": numbers, "users": users, "deleted": deleted, "nodes": nodes,
            "snapshot": snapshot, "as_of": dt.date.fromisoformat(AS_OF)}


def seen(row_node, node):
    """R8 from the paths alone: a row at the node or at any node above it."""
    return node == row_node or node.startswith(row_node + ".")


def available_today(row, tables):
    """R7 by hand: Reserved or Cooling whose date has come is Available, unless the cooling is
    stuck (no date, or one more than 20 days before the snapshot)."""
    if row["status"] == "Available":
        return True
    date = row["release_date"]
    if row["status"] == "Reserved":
        return date is not None and date <= tables["as_of"]
    if row["status"] == "Cooling":
        stuck = date is None or date < tables["snapshot"] - dt.timedelta(days=20)
        return not stuck and date <= tables["as_of"]
    return False


def state_of(username, tables):
    key = username.lower()
    if any(user["username"].lower() == key for user in tables["users"]):
        return "active"
    if any(user["username"].lower() == key for user in tables["deleted"]):
        return "deleted"
    return "never_onboarded"


def candidates(username, node, tables):
    """R9 by hand: visible, Available today, reserved for nobody or for the user; theirs
    first, then by the value of the digits, without `+` before with it."""
    key = username.lower()
    rows = [row for row in tables["numbers"]
            if seen(row["node"], node) and available_today(row, tables)
            and (row["reserved_for"] is None or row["reserved_for"].lower() == key)]
    rows.sort(key=lambda row: (row["reserved_for"] is None, int(row["number"].lstrip("+")),
                               row["number"].startswith("+"), row["number"]))
    return [row["number"] for row in rows]


def rows_of(number, tables):
    return sorted((row for row in tables["numbers"] if row["number"] == number),
                  key=lambda row: row["node"])


def nodes_below(node, tables):
    return [other for other in tables["nodes"] if other["node"].startswith(node + ".")]


# -- numkit why ----------------------------------------------------------------------------

WHY = {
    "why-reserved-for-a-deleted-user": ("1002", "jdoe", SITE_B),
    "why-yes-their-own-reservation": ("1002", "U.Okafor", SITE_B),
    "why-not-visible": ("+442079460000", "jdoe", SITE_B),
    "why-not-available": ("1000", "jdoe", SITE_B),
}


@pytest.mark.parametrize("name", WHY)
def test_why_says_it_in_words(sample_file, name):
    assert_golden(name, ask("why", sample_file, *WHY[name]))


@pytest.mark.parametrize("name", WHY)
def test_why_json_agrees_with_the_tables(sample_file, tables, name):
    number, username, node = WHY[name]
    answer = ask_json("why", sample_file, number, username, node)
    rows = rows_of(number, tables)
    visible = [row for row in rows if seen(row["node"], node)]
    if not visible:
        reason = "not_visible"
    elif visible[0]["reserved_for"] and visible[0]["reserved_for"].lower() != username.lower():
        reason = "reserved_for_other"
    elif not available_today(visible[0], tables):
        reason = "not_available"
    else:
        reason = None
    assert (answer["reason"], answer["may_get"]) == (reason, reason is None)
    assert [row["node"] for row in answer["rows"]] == [row["node"] for row in rows]
    if visible:
        row = visible[0]
        assert {field: answer["seen_row"][field] for field in ("node", "status", "reserved_for",
                                                               "used_by")} == \
            {field: row[field] for field in ("node", "status", "reserved_for", "used_by")}
    else:
        assert answer["seen_row"] is None
    assert answer["user"]["state"] == state_of(username, tables)


def test_why_the_owner_is_told_apart_from_someone_else(sample_file):
    """Usernames compare without regard to case: U.Okafor may have u.okafor's 1002, jdoe
    may not."""
    assert ask("why", sample_file, "1002", "U.OKAFOR", SITE_B).startswith("yes: u.okafor ")
    assert ask("why", sample_file, "1002", "jdoe", SITE_B).startswith("no: jdoe ")


# -- numkit next ---------------------------------------------------------------------------

def test_next_for_a_deleted_user_puts_their_reservations_first(sample_file):
    assert_golden("next-deleted-user", ask("next", sample_file, "u.okafor", SITE_B, "--count", 5))


def test_next_for_someone_new(sample_file):
    assert_golden("next-someone-new", ask("next", sample_file, "jdoe", SITE_A, "--count", 3))


def test_next_says_what_a_name_never_onboarded_may_be(sample_file, tables):
    """A name nothing holds gets a new user's answer: said so, with the known names it may
    be a typo of; someone never onboarded whom flags name is said with their flags."""
    typo = ask("next", sample_file, "u.okafr", SITE_B, "--count", 1).splitlines()[0]
    assert typo == ("u.okafr: never onboarded, and no user, deletion or Reserved For flag has "
                    "that name (did you mean u.okafor?)")
    flagged = sum(1 for row in tables["numbers"]
                  if (row["reserved_for"] or "").lower() == "zhughes")
    assert flagged
    assert ask("next", sample_file, "ZHughes", SITE_E, "--count", 1).splitlines()[0] == (
        f"ZHughes: never onboarded, {flagged} number(s) reserved for them")


@pytest.mark.parametrize("username, node, count", [("u.okafor", SITE_B, 5), ("jdoe", SITE_A, 3),
                                                   ("ZHUGHES", SITE_E, 4), ("jdoe", SITE_A, 500)])
def test_next_json_agrees_with_the_tables(sample_file, tables, username, node, count):
    answer = ask_json("next", sample_file, username, node, "--count", count)
    expected = candidates(username, node, tables)
    assert [candidate["number"] for candidate in answer["numbers"]] == expected[:count]
    assert [candidate["position"] for candidate in answer["numbers"]] == \
        list(range(1, min(count, len(expected)) + 1))
    assert answer["more"] == (len(expected) > count)
    assert answer["user"]["state"] == state_of(username, tables)


def test_next_says_when_there_is_no_number(database):
    with numkit.connect(database) as inv:
        inv.sql("update numbers set status = 'Used'")
    answer = run("next", database, "jdoe", SITE_A, "--as-of", AS_OF)
    assert answer.exit_code == 0
    assert answer.output.splitlines()[1] == \
        "no number jdoe would get at Site-A (Cust-1), as of 2026-11-23: none is available"
    assert ask_json("next", database, "jdoe", SITE_A)["numbers"] == []


# -- numkit number -------------------------------------------------------------------------

NUMBERS = {
    "number-used-with-history": "+442079460034",
    "number-reserved-for-a-deleted-user": "1002",
    "number-kept-for-a-leaver": "+441154960027",
    "number-held-for-someone-never-onboarded": "+441164960025",
    "number-gone-and-back": "+441134960012",
    "number-reservation-ended": "+12025550112",
    "number-stuck-cooling": "+441134960004",
}


@pytest.mark.parametrize("name", NUMBERS)
def test_number_says_it_in_words(sample_file, name):
    assert_golden(name, ask("number", sample_file, NUMBERS[name]))


@pytest.mark.parametrize("name", NUMBERS)
def test_number_json_agrees_with_the_tables(sample_file, tables, name):
    number = NUMBERS[name]
    answer = ask_json("number", sample_file, number)
    rows = rows_of(number, tables)
    assert answer["number"] == number
    assert [(row["node"], row["status"], row["reserved_for"], row["used_by"])
            for row in answer["rows"]] == \
        [(row["node"], row["status"], row["reserved_for"], row["used_by"]) for row in rows]
    for shown, row in zip(answer["rows"], rows):
        below = nodes_below(row["node"], tables)
        assert shown["seen_from"]["nodes_below"] == len(below)
        assert sum(kind["nodes"] for kind in shown["seen_from"]["below_by_type"]) == len(below)
        assert shown["effective_status"] == ("Available" if available_today(row, tables)
                                             else row["status"])
        if row["reserved_for"]:
            assert shown["reserved_for_person"]["state"] == state_of(row["reserved_for"], tables)
    with numkit.connect(sample_file, read_only=True) as inv:
        versions = inv.sql("select node, from_load, to_load from number_versions "
                           "where number = $n order by node, from_load", {"n": number})
        loads = inv.sql("select load_id, as_of from loads order by load_id")
    # every version begins a line of the history; one that ends without a successor ends one
    spans = [(node, int(begins), None if pd.isna(ends) else int(ends))
             for node, begins, ends in zip(versions["node"], versions["from_load"],
                                           versions["to_load"])]
    assert sorted((change["node"], change["load_id"]) for change in answer["history"]
                  if change["change"] != "gone") == \
        sorted((node, begins) for node, begins, _ in spans)
    assert sorted((change["node"], change["load_id"]) for change in answer["history"]
                  if change["change"] == "gone") == sorted(
        (node, ends) for node, _, ends in spans
        if ends is not None and (node, ends) not in {(n, b) for n, b, _ in spans})
    assert answer["snapshots"] == {"count": len(loads),
                                   "first": loads["as_of"].min().date().isoformat(),
                                   "last": loads["as_of"].max().date().isoformat()}
    assert answer["events"] == []


def test_number_with_history_lists_each_change_by_snapshot_date(sample_file):
    changes = ask_json("number", sample_file, "+442079460034")["history"]
    assert [(change["as_of"], change["change"], sorted(change.get("fields", {})))
            for change in changes] == [
        ("2026-06-26", "first_seen", []),
        ("2026-10-30", "changed", ["release_date", "status"]),
        ("2026-11-06", "changed", ["reserved_for", "status", "usage", "used_by"]),
    ]


def test_a_number_gone_from_an_export_and_back_says_so(sample_file):
    changes = ask_json("number", sample_file, "+441134960012")["history"]
    assert [(change["as_of"], change["change"]) for change in changes] == [
        ("2026-06-26", "first_seen"), ("2026-10-23", "gone"), ("2026-10-30", "back")]


def test_a_number_is_found_as_voss_writes_it(sample_file):
    assert ask("number", sample_file, "\\+44 20 7946 0034") == \
        ask("number", sample_file, "+442079460034")


def test_number_shows_the_changes_made_in_numkit(database, monkeypatch):
    """A release and a cleared flag are events of the number: who, when, what changed."""
    monkeypatch.setenv("NUMKIT_ACTOR", "analyst")   # a log that records its actor names this one
    with numkit.connect(database) as inv:
        inv.as_of = AS_OF
        inv.release("+442079460034", cooling_days=10)
        inv.clear_reserved_for("+442079460034")
        inv.sql("update events set \"at\" = timestamp '2026-11-23 10:15:00' "
                "where action <> 'load'")
        logged = inv.sql("select event_id, action from events where number = '+442079460034' "
                         "order by event_id")
    assert_golden("number-changed-in-numkit", ask("number", database, "+442079460034"))
    events = ask_json("number", database, "+442079460034")["events"]
    assert [(event["event_id"], event["action"]) for event in events] == \
        list(zip(logged["event_id"].tolist(), logged["action"].tolist()))
    assert events[0]["fields"] == {"status": {"before": "Used", "after": "Cooling"},
                                   "used_by": {"before": "k.brown", "after": None},
                                   "release_date": {"before": None, "after": "2026-12-03"}}


# -- numkit user ---------------------------------------------------------------------------

USERS = {
    "user-active-with-a-stranded-reservation": "ilewis",
    "user-deleted": "u.okafor",
    "user-never-onboarded": "ZHughes",
}


@pytest.mark.parametrize("name", USERS)
def test_user_says_it_in_words(sample_file, name):
    assert_golden(name, ask("user", sample_file, USERS[name]))


def test_user_is_found_whatever_the_case(sample_file):
    assert ask("user", sample_file, "U.OKAFOR") == ask("user", sample_file, "u.okafor")


@pytest.mark.parametrize("username", [*USERS.values(), "k.brown", "l.hussain", "George.Kaur"])
def test_user_json_agrees_with_the_tables(sample_file, tables, username):
    answer = ask_json("user", sample_file, username)
    key = username.lower()
    state = state_of(username, tables)
    assert answer["state"] == state
    if state == "active":
        node = next(user["node"] for user in tables["users"] if user["username"].lower() == key)
    elif state == "deleted":
        node = max((user for user in tables["deleted"] if user["username"].lower() == key),
                   key=lambda user: user["deleted_at"])["node"]
    else:
        node = None
    assert answer["node"] == node
    used = sorted(row["number"] for row in tables["numbers"]
                  if row["used_by"] and row["used_by"].lower() == key)
    reserved = [row for row in tables["numbers"]
                if row["reserved_for"] and row["reserved_for"].lower() == key]
    assert sorted(line["number"] for line in answer["used"]) == used
    assert sorted(line["number"] for line in answer["reserved"]) == \
        sorted(row["number"] for row in reserved)
    seen_from_node = {line["number"]: line["visible_from_node"] for line in answer["reserved"]}
    for row in reserved:
        assert seen_from_node[row["number"]] == (seen(row["node"], node) if node else None)
    given_at = node
    if state == "never_onboarded":     # the deepest node of their reservations, seen by it
        given_at = max((row["node"] for row in reserved), key=lambda path: path.count("."))
        assert all(seen(row["node"], given_at) for row in reserved)
    assert answer["next"]["node"] == given_at
    assert [candidate["number"] for candidate in answer["next"]["numbers"]] == \
        candidates(username, given_at, tables)[:3]


def test_a_deleted_user_is_said_deleted_with_the_date(sample_file):
    answer = ask_json("user", sample_file, "u.okafor")
    assert (answer["state"], answer["deleted_at"]) == ("deleted", "2026-09-24")
    assert ask("user", sample_file, "u.okafor").splitlines()[0] == \
        "user u.okafor, as of 2026-11-23: deleted on 2026-09-24 (was at Site-B (Cust-1))"


# -- refusals ------------------------------------------------------------------------------

@pytest.mark.parametrize("args, error", [
    (("number", "{db}", "9999"), "Error: no row in the inventory holds number 9999"),
    (("number", "{db}", "441134960000"), "Error: no row in the inventory holds number "
                                         "441134960000; did you mean +441134960000?"),
    (("next", "{db}", "jdoe", "site-b"), f"Error: no node 'site-b' in the hierarchy; did you "
                                         f"mean {SITE_B}?"),
    (("why", "{db}", "9999", "jdoe", SITE_B), "Error: no row in the inventory holds number 9999"),
    (("why", "{db}", "1002", "jdoe", "Nowhere"), "Error: no node 'Nowhere' in the hierarchy"),
    (("next", "{db}", "jdoe", "Nowhere"), "Error: no node 'Nowhere' in the hierarchy"),
    (("user", "{db}", "no.such.person"), "Error: no user 'no.such.person': not active, never "
                                         "deleted, and no number is reserved for or used by them"),
    (("number", "{db}", "12ab"), "Error: not a number: '12ab'"),
    (("user", "{db}", " "), "Error: a username must not be empty"),
    (("number", "{missing}", "1002"), "Error: no database at {missing}"),
])
def test_a_refusal_is_one_line_and_exit_1(sample_file, tmp_path, args, error):
    where = {"db": sample_file, "missing": tmp_path / "missing.duckdb"}
    result = run(*(arg.format(**where) for arg in args))
    assert result.exit_code == 1
    assert result.output == error.format(**where) + "\n"


def test_the_readme_example_is_what_numkit_prints(sample_file):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    command = f"$ numkit why sample.duckdb 1002 jdoe {SITE_B} --as-of {AS_OF}\n"
    shown = readme[readme.index(command) + len(command):].split("```", 1)[0]
    assert shown == ask("why", sample_file, "1002", "jdoe", SITE_B)
