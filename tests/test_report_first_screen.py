"""The cleanup report's first screen, its summary per customer and site and its leavers
grouped by person (rules R40, R22), on the sample inventory, checked against figures this
file computes on its own: plain pandas on the tables (numbers, users, deleted_users, the
versions of each snapshot), never the report's functions or views."""

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd
import pytest

import numkit
from numkit.loading.snapshots import load_folder
from numkit.reports.sections import CleanupReport
from numkit.widgets import CleanupReportPanel

SAMPLE = Path(numkit.__file__).parent / "sample_export"
AS_OF = pd.Timestamp("2026-11-23")
OLDER_THAN = 30
FIGURES = ["Numbers held for leavers", "Stuck in cooling", "Stranded reservations",
           "Nodes below the alert", "Decisions not yet in VOSS"]
PROBLEMS = ["held_for_leavers", "stuck_cooling", "stranded", "used_out_of_sight",
            "inactive_reservations", "users_without_numbers"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample export loaded folder and history, as `numkit load --dir` loads it."""
    path = tmp_path_factory.mktemp("first-screen") / "sample.duckdb"
    with numkit.connect(path) as inv:
        load_folder(inv, SAMPLE)
    return path


@pytest.fixture(scope="module")
def report(sample):
    return CleanupReport(sample, as_of=AS_OF.date(), older_than_days=OLDER_THAN)


@pytest.fixture(scope="module")
def tables(sample):
    """The tables as they are, read once: what the independent figures start from."""
    with numkit.connect(sample, read_only=True) as inv:
        read = {name: inv.sql(f"select * from {name}") for name in (
            "numbers", "users", "deleted_users", "loads", "nodes", "number_versions",
            "user_versions")}
    for name in ("numbers", "number_versions"):
        read[name]["release_date"] = pd.to_datetime(read[name]["release_date"])
    read["deleted_users"]["deleted_at"] = pd.to_datetime(read["deleted_users"]["deleted_at"])
    read["loads"]["as_of"] = pd.to_datetime(read["loads"]["as_of"])
    return read


# -- the independent figures ----------------------------------------------------------------

def at_load(versions, load_id):
    """The versions a snapshot holds: begun at or before it, not ended by it."""
    return versions[(versions["from_load"] <= load_id)
                    & (versions["to_load"].isna() | (versions["to_load"] > load_id))]


def sees(user_node, row_node):
    """A node sees its own rows and those of every node above it: its path prefixes."""
    return user_node == row_node or user_node.startswith(row_node + ".")


def held_rows(rows, users, deletions, as_of):
    """Rows reserved for a username no active user has, kept as the report keeps them:
    deleted at least OLDER_THAN days before `as_of`, or never deleted by then."""
    active = set(users["username"].str.lower())
    flagged = rows[rows["reserved_for"].notna()]
    gone = flagged[~flagged["reserved_for"].str.lower().isin(active)]
    deleted = deletions[deletions["deleted_at"] <= as_of]
    latest = deleted.groupby(deleted["username"].str.lower())["deleted_at"].max()
    when = gone["reserved_for"].str.lower().map(latest)
    keep = when.isna() | (when <= as_of - pd.Timedelta(days=OLDER_THAN))
    return gone[keep].assign(deleted_at=when[keep])


def stuck_rows(rows, snapshot_date):
    late = rows["release_date"].isna() | (rows["release_date"] < snapshot_date - pd.Timedelta(days=20))
    return rows[(rows["status"] == "Cooling") & late]


def stranded_rows(rows, users):
    where = dict(zip(users["username"].str.lower(), users["node"]))
    flagged = rows[rows["reserved_for"].notna()]
    mine = flagged[flagged["reserved_for"].str.lower().isin(where)]
    return mine[[not sees(where[user.lower()], node)
                 for user, node in zip(mine["reserved_for"], mine["node"])]]


def nodes_below(rows, as_of, snapshot_date, alert_share=0.10):
    """How many nodes holding numbers in their scope have less than the alert share
    effectively Available: Available, or Reserved or Cooling whose date has come, unless
    the cooling is stuck."""
    stuck = rows.index.isin(stuck_rows(rows, snapshot_date).index)
    released = (rows["status"].isin(["Reserved", "Cooling"]) & (rows["release_date"] <= as_of)
                & ~stuck)
    available = (rows["status"] == "Available") | released
    prefixes = {".".join(node.split(".")[:end]) for node in rows["node"]
                for end in range(1, node.count(".") + 2)}
    below = 0
    for node in prefixes:
        scope = (rows["node"] == node) | rows["node"].str.startswith(node + ".")
        below += available[scope].sum() / scope.sum() < alert_share
    return below


def figures(rows, users, deletions, as_of, snapshot_date):
    return [len(held_rows(rows, users, deletions, as_of)), len(stuck_rows(rows, snapshot_date)),
            len(stranded_rows(rows, users)), nodes_below(rows, as_of, snapshot_date)]


def figures_now(tables):
    return figures(tables["numbers"], tables["users"], tables["deleted_users"], AS_OF,
                   tables["loads"]["as_of"].max())


def figures_before(tables):
    """At the snapshot before the latest, judged at its own date."""
    loads = tables["loads"].sort_values("load_id")
    load_id, day = loads["load_id"].iloc[-2], loads["as_of"].iloc[-2]
    return figures(at_load(tables["number_versions"], load_id),
                   at_load(tables["user_versions"], load_id), tables["deleted_users"], day, day)


# -- the first screen -----------------------------------------------------------------------

def test_the_sample_has_two_snapshots_and_something_to_show(tables):
    """So that the comparisons below compare something."""
    assert len(tables["loads"]) >= 2
    now = figures_now(tables)
    assert now[0] > 0 and now[1] > 0 and now[2] > 0 and now != figures_before(tables)


def test_the_first_screen_gives_each_figure_now_then_and_the_difference(report, tables):
    shown = report.tables["headline_figures"]
    assert list(shown["figure"]) == FIGURES
    now, before = figures_now(tables), figures_before(tables)
    assert list(shown["now"][:4]) == now
    assert list(shown["previous"][:4]) == before
    assert list(shown["difference"][:4]) == [a - b for a, b in zip(now, before)]
    previous = tables["loads"].sort_values("load_id").iloc[-2]
    assert set(shown["compared_with"][:4]) == {f"snapshot {previous['load_id']}"}
    assert set(shown["compared_on"][:4]) == {previous["as_of"]}
    # nothing decided in numkit, nothing pending at the last load
    assert shown.iloc[4][["now", "previous", "difference"]].tolist() == [0, 0, 0]


def test_the_page_opens_with_the_title_and_the_figures_in_order(report, tables):
    first = report.summary()._repr_html_()
    assert first.startswith("<h1>Cleanup report: sample.duckdb, 2026-11-23</h1>")
    values = [int(value.replace(",", "")) for value in
              re.findall(r'<div class="numkit-figure-value">([^<]*)</div>', first)]
    labels = re.findall(r'<div class="numkit-figure-label">([^<]*)</div>', first)
    assert labels == FIGURES and values == figures_now(tables) + [0]
    stuck_change = figures_now(tables)[1] - figures_before(tables)[1]
    day = f"{tables['loads'].sort_values('load_id')['as_of'].iloc[-2]:%Y-%m-%d}"
    assert f"{stuck_change:+d} since {day}" in re.sub(r"<[^>]+>", "", first)


def test_a_decision_made_in_numkit_counts_among_the_pending_ones(sample, tmp_path):
    copy = tmp_path / "decided.duckdb"
    copy.write_bytes(sample.read_bytes())
    with numkit.connect(copy) as inv:
        inv.as_of = AS_OF.date()
        inv.reserve_for("2004", "new.starter", node="sys.hcs.Prov-1.Cust-1")
    figures = CleanupReport(copy, as_of=AS_OF.date(), older_than_days=OLDER_THAN)
    pending = figures.tables["headline_figures"].set_index("figure").loc["Decisions not yet in VOSS"]
    assert (pending["now"], pending["previous"], pending["difference"]) == (1, 0, 1)
    assert pending["compared_with"] == "the latest load"


def test_the_terminal_summary_says_each_change(sample, tmp_path, tables):
    from click.testing import CliRunner
    from numkit.cli import main

    result = CliRunner().invoke(main, ["report", str(sample), "--out", str(tmp_path / "out"),
                                       "--as-of", "2026-11-23", "--older-than", str(OLDER_THAN)])
    assert result.exit_code == 0, result.output
    stuck_now, stuck_before = figures_now(tables)[1], figures_before(tables)[1]
    previous = tables["loads"].sort_values("load_id").iloc[-2]
    assert (f"stuck cooling: {stuck_now}, {stuck_now - stuck_before:+d} since snapshot "
            f"{previous['load_id']} of {previous['as_of']:%Y-%m-%d}") in result.output


# -- the summary per customer and site -------------------------------------------------------

def nearest(node, types, wanted):
    """The nearest node of type `wanted` walking up from `node`, itself included."""
    parts = node.split(".")
    for end in range(len(parts), 0, -1):
        if types.get(".".join(parts[:end])) == wanted:
            return ".".join(parts[:end])
    return None


def problem_nodes(tables):
    """{problem: the nodes its rows are counted at}, each computed here."""
    numbers, users = tables["numbers"], tables["users"]
    where = dict(zip(users["username"].str.lower(), users["node"]))
    used = numbers[numbers["used_by"].notna()]
    out_of_sight = used[[not sees(where[user.lower()], node)
                         for user, node in zip(used["used_by"], used["node"])]]
    inactive = numbers[(numbers["status"] == "Inactive") & numbers["reserved_for"].notna()]
    holding = set(used["used_by"].str.lower())
    idle = users[~users["username"].str.lower().isin(holding)]
    return {
        "held_for_leavers": held_rows(numbers, users, tables["deleted_users"], AS_OF)["node"],
        "stuck_cooling": stuck_rows(numbers, tables["loads"]["as_of"].max())["node"],
        "stranded": stranded_rows(numbers, users)["node"],
        "used_out_of_sight": out_of_sight["node"],
        "inactive_reservations": inactive["node"],
        "users_without_numbers": idle["node"],
    }


def test_each_customer_counts_the_problems_of_its_numbers_and_users(report, tables):
    types = dict(zip(tables["nodes"]["node"], tables["nodes"]["type"]))
    expected = {}
    for problem, nodes in problem_nodes(tables).items():
        for node in nodes:
            key = nearest(node, types, "Customer")
            expected.setdefault(key, dict.fromkeys(PROBLEMS, 0))[problem] += 1
    shown = report.tables["by_customer"]
    got = {row["customer"]: {problem: row[problem] for problem in PROBLEMS}
           for _, row in shown.iterrows()}
    assert got == expected
    assert sum(sum(counts.values()) for counts in got.values()) > 0


def test_each_site_counts_its_own_and_numbers_above_sites_have_their_line(report, tables):
    types = dict(zip(tables["nodes"]["node"], tables["nodes"]["type"]))
    expected = {}
    for problem, nodes in problem_nodes(tables).items():
        for node in nodes:
            key = (nearest(node, types, "Customer"), nearest(node, types, "Site"))
            expected.setdefault(key, dict.fromkeys(PROBLEMS, 0))[problem] += 1
    shown = report.tables["by_site"]
    got = {(row["customer"], row["site"]): {problem: row[problem] for problem in PROBLEMS}
           for _, row in shown.iterrows()}
    assert got == expected
    assert any(site is None for _, site in got) and any(site is not None for _, site in got)


def test_a_site_shows_its_share_available_as_a_percentage(report, tables):
    numbers = tables["numbers"]
    site_b = "sys.hcs.Prov-1.Cust-1.Site-B"
    shown = report.tables["by_site"].set_index("site").loc[site_b]
    scope = numbers[numbers["node"] == site_b]
    assert shown["total"] == len(scope)
    page = report.by_place()._repr_html_()
    assert f'<td class="number">{shown["share_available"] * 100:.1f} %</td>' in page
    assert "0.44" not in page


# -- leavers grouped by person ---------------------------------------------------------------

def expected_people(tables):
    held = held_rows(tables["numbers"], tables["users"], tables["deleted_users"], AS_OF)
    people = {}
    for _, row in held.iterrows():
        person = people.setdefault(row["reserved_for"].lower(), {
            "deleted_at": row["deleted_at"], "numbers": set(), "nodes": set()})
        person["numbers"].add(row["number"])
        person["nodes"].add(row["node"])
    return people


def test_leavers_are_one_line_per_person_with_when_how_many_and_where(report, tables):
    people = expected_people(tables)
    shown = report.tables["leavers_by_user"]
    assert sorted(shown["reserved_for"].str.lower()) == sorted(people)
    for _, line in shown.iterrows():
        person = people[line["reserved_for"].lower()]
        assert line["numbers"] == len(person["numbers"])
        assert set(line["nodes"].split("; ")) == person["nodes"]
        if pd.isna(person["deleted_at"]):
            assert line["category"] == "never_onboarded" and pd.isna(line["deleted_at"])
        else:
            assert line["category"] == "deleted" and line["deleted_at"] == person["deleted_at"]
            assert line["days_since_deleted"] == (AS_OF - person["deleted_at"]).days
    deleted_first = list(shown["category"])
    assert deleted_first == sorted(deleted_first)      # "deleted" before "never_onboarded"


def test_the_page_puts_each_person_s_rows_under_their_line(report, tables):
    people = expected_people(tables)
    page = report.deleted_user_reservations()._repr_html_()
    groups = re.findall(r"<tbody>\n<tr class=\"numkit-group\"><th[^>]*>([^<]*)</th></tr>\n(.*?)\n</tbody>",
                        page, re.S)
    assert len(groups) == len(people)
    for heading, rows in groups:
        who = html.unescape(heading).split(" · ")[0].lower()
        numbers = set(re.findall(r"<tr><td>([^<]*)</td>", rows))
        assert numbers == people[who]["numbers"], who
        count = len(people[who]["numbers"])
        assert f" · {count} number{'s' if count != 1 else ''} at " in html.unescape(heading)
        if not pd.isna(people[who]["deleted_at"]):
            assert f"deleted {people[who]['deleted_at']:%Y-%m-%d}, " in heading


# -- the panel shows the same ----------------------------------------------------------------

def test_the_panel_shows_the_same_figures_summary_and_people(sample, report):
    panel = CleanupReportPanel(sample, as_of=AS_OF.date(), older_than_days=OLDER_THAN,
                               read_only=True)
    values = [int(value.replace(",", "")) for value in
              re.findall(r'<div class="numkit-figure-value">([^<]*)</div>', panel.figures.value)]
    assert values == list(report.tables["headline_figures"]["now"])
    assert panel.figures.value in report.summary()._repr_html_()
    assert list(panel.by_customer.df["customer"]) == [
        report.node_names[customer] for customer in report.tables["by_customer"]["customer"]]
    assert list(panel.by_customer.df["held_for_leavers"]) == list(
        report.tables["by_customer"]["held_for_leavers"])
    assert len(panel.by_site.df) == len(report.tables["by_site"])
    assert list(panel.leavers.df["reserved_for"]) == list(report.tables["leavers_by_user"]["reserved_for"])
    assert len(panel.without_numbers.df) == len(report.tables["users_without_numbers"])
    panel.session.inventory.close()


def test_the_figures_are_those_the_snapshot_itself_would_give(sample, tables):
    """report_figures_at of the latest snapshot, judged at its date, gives today's figures
    when nothing was changed in numkit since (rules R40)."""
    with numkit.connect(sample, read_only=True) as inv:
        inv.as_of = dt.date(2026, 11, 23)
        latest = inv.snapshots()["load_id"].iloc[-1]
        at = inv.report_figures_at(latest, OLDER_THAN)
    assert [at["held"], at["stuck_cooling"], at["stranded"], at["nodes_below_alert"]] == figures_now(tables)
    assert at["held"] == at["deleted"] + at["never_onboarded"]
