"""The fake inventory of numkit.demo obeys the rules and holds their cases."""
import datetime as dt
import hashlib
import json
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from numkit import demo

AS_OF = dt.date(2026, 11, 23)
PROVIDER = "sys.hcs.Prov-1"
CUST_1, CUST_2 = f"{PROVIDER}.Cust-1", f"{PROVIDER}.Cust-2"
NUMBER_HEADERS = ["Internal Number", "Located At", "Status", "Usage", "Reserved For",
                  "Used By", "Release Date", "Reservation Notes", "Description"]
STATUSES = {"Available", "Used", "Used-Utility", "Reserved", "Cooling", "Inactive"}
SIZES = {  # id: (numbers, sites, seed)
    "sample": (400, 6, 1),
    "other-seed": (400, 6, 2),
    "smallest": (58, 5, 3),
    "medium": (200_000, 200, 7),
}


def read(out):
    def csv(name):
        return pd.read_csv(out / name, dtype=str, keep_default_na=False)

    manifest = json.loads((out / "manifest.json").read_text())
    return SimpleNamespace(
        out=out, manifest=manifest, hierarchy=csv("hierarchy.csv"), numbers=csv("numbers.csv"),
        users=csv("users.csv"), history=[csv(h["users"]) for h in manifest["history"]])


def visible(row_nodes, viewer_nodes):
    """Whether each row's node is the viewer's node or one of its ancestors."""
    return pd.Series([v == r or v.startswith(r + ".") for r, v in zip(row_nodes, viewer_nodes)],
                     index=getattr(row_nodes, "index", None), dtype=bool)


def lower(names):
    return set(pd.Series(list(names), dtype=str).str.lower())


@pytest.fixture(scope="module", params=list(SIZES), ids=list(SIZES))
def files(request, tmp_path_factory):
    numbers, sites, seed = SIZES[request.param]
    out = tmp_path_factory.mktemp(request.param)
    result = demo.generate(out, numbers=numbers, sites=sites, seed=seed)
    data = read(out)
    data.result, data.size = result, (numbers, sites, seed)
    return data


def test_files_headers_and_manifest(files):
    assert list(files.hierarchy.columns) == ["Hierarchy", "Type"]
    assert list(files.numbers.columns) == NUMBER_HEADERS
    for users in [files.users, *files.history]:
        assert list(users.columns) == ["Username", "Located At"]
    assert files.manifest["as_of"] == "2026-11-23"
    history = files.manifest["history"]
    days_before = [(AS_OF - dt.date.fromisoformat(h["as_of"])).days for h in history]
    assert days_before == [150, 60, 10]
    for h in files.manifest["history"]:
        assert h["users"] == f"history/users-{h['as_of']}.csv"
    assert files.result["as_of"] == files.manifest["as_of"]
    assert files.result["history"] == files.manifest["history"]
    counts = files.result["counts"]
    assert counts["numbers"] == len(files.numbers) == files.size[0]
    assert counts["users"] == len(files.users)
    assert counts["by_status"] == files.numbers["Status"].value_counts().to_dict() | {
        s: 0 for s in STATUSES - set(files.numbers["Status"])}


def test_hierarchy(files):
    h = files.hierarchy.set_index("Hierarchy")["Type"]
    assert h.index.is_unique
    assert h["sys"] == "" and h["sys.hcs"] == "" and h[PROVIDER] == "Provider"
    assert set(h) <= {"", "Provider", "Customer", "Intermediate", "Site"}
    for node in h.index:
        parts = node.split(".")
        assert all(".".join(parts[:k]) in h.index for k in range(1, len(parts)))
    sites = h[h == "Site"].index
    assert len(sites) == files.size[1]
    assert all(h[f"{CUST_1}.Site-{x}"] == "Site" for x in "ABC")
    assert h[CUST_2] == "Customer"
    assert any(s.rsplit(".", 1)[0] == CUST_2 for s in sites)
    intermediates = h[h == "Intermediate"].index
    assert any(i.startswith(CUST_2 + ".") for i in intermediates)
    assert all(any(s.startswith(i + ".") for s in sites) for i in intermediates)
    assert set(files.numbers["Located At"]) <= set(h.index)
    for users in [files.users, *files.history]:
        assert set(users["Located At"]) <= set(sites)


def test_numbers_are_text_in_voss_form(files):
    numbers = files.numbers["Internal Number"]
    assert numbers.str.fullmatch(r"\\\+[1-9][0-9]{9,14}|[0-9]{4}").all()
    e164 = numbers.str.startswith("\\+")
    assert (files.numbers.loc[~e164, "Located At"].str.count(r"\.") == 3).all()  # customer level
    customers_of = files.numbers.loc[~e164].groupby("Internal Number")["Located At"].agg(set)
    assert {CUST_1, CUST_2} <= customers_of["1001"]
    assert customers_of["0100"] == {CUST_2}
    raw = (files.out / "numbers.csv").read_text()
    assert "\n0100," in raw and "\n1001," in raw and ".0," not in raw
    if files.size[:2] == (400, 6):
        assert numbers.str.startswith("\\+44207946").any()              # Site-A, London
        assert numbers.str.startswith("\\+1202555").any()               # Cust-1's pool


def test_uniqueness_across_ancestor_paths(files):
    rows = files.numbers[["Internal Number", "Located At"]]
    assert not rows.duplicated().any()
    shared = rows[rows["Internal Number"].duplicated(keep=False)].reset_index()
    pairs = shared.merge(shared, on="Internal Number")
    pairs = pairs[pairs["index_x"] != pairs["index_y"]]
    assert not visible(pairs["Located At_x"], pairs["Located At_y"]).any()


def test_statuses_dates_usage_and_descriptions(files):
    n = files.numbers
    shares = n["Status"].value_counts(normalize=True)
    assert set(shares.index) == STATUSES
    if files.size[0] >= 400:
        assert set(shares.index[:2]) == {"Available", "Used"}
        assert shares["Inactive"] < 0.1
    dated = n["Release Date"] != ""
    assert n.loc[dated, "Release Date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert n.loc[dated, "Status"].isin(["Cooling", "Reserved"]).all()
    assert set(n["Usage"]) <= {"", "Device", "Line", "Hunt Group"}
    assert {"Device", "Line"} <= set(n["Usage"])
    assert "Reception" in set(n["Description"])
    assert {"Returning from leave", "Held for new starter"} <= set(n["Reservation Notes"])


def days(dates):
    return (pd.to_datetime(dates) - pd.Timestamp(AS_OF)).dt.days


def test_cooling_due_future_and_stuck(files):
    cooling = files.numbers[files.numbers["Status"] == "Cooling"]
    dated = cooling[cooling["Release Date"] != ""]
    offset = days(dated["Release Date"])
    assert (cooling["Release Date"] == "").any()                         # stuck: no date
    assert (offset < -20).any()                                          # stuck: too old
    assert (offset == -20).any() and (offset == -21).any()              # the look-back edge
    assert offset.between(-20, 10).any()                                 # due
    assert (offset > 10).any()                                           # later


def test_reservations_running_ended_and_indefinite(files):
    reserved = files.numbers[files.numbers["Status"] == "Reserved"]
    assert (reserved["Release Date"] == "").any()
    offset = days(reserved.loc[reserved["Release Date"] != "", "Release Date"])
    assert (offset > 0).any() and (offset <= 0).any()


def test_users_unique_and_history_records_deletions(files):
    for users in [files.users, *files.history]:
        assert users["Username"].str.fullmatch(r"[A-Za-z.]+[0-9]*").all()
        assert not users["Username"].str.lower().duplicated().any()
    assert (files.users["Username"] != files.users["Username"].str.lower()).any()  # mixed case
    snapshots = [lower(u["Username"]) for u in [*files.history, files.users]]
    for earlier, later in zip(snapshots, snapshots[1:]):
        assert earlier - later                                           # someone deleted
    assert snapshots[-1] - snapshots[0]                                  # someone joined
    node = pd.concat([files.users, *files.history]).drop_duplicates()
    assert not node["Username"].str.lower().duplicated().any()           # nobody moved


def test_used_by(files):
    n = files.numbers
    used_by = n[n["Used By"] != ""]
    assert (used_by["Status"] == "Used").all()
    home = files.users.set_index("Username")["Located At"]
    assert used_by["Used By"].isin(home.index).all()
    assert visible(used_by["Located At"], home[used_by["Used By"]]).all()
    for snapshot in files.history:   # each history file loads with today's numbers.csv
        assert used_by["Used By"].isin(snapshot["Username"]).all()
    used = n[n["Status"] == "Used"]
    assert (used["Used By"] == "").any()                                 # devices
    flagged = used[used["Reserved For"] != ""]
    assert (flagged["Reserved For"].str.lower() == flagged["Used By"].str.lower()).all()
    assert (flagged["Reserved For"] != flagged["Used By"]).any()         # JDoe reserves for jdoe


def test_reserved_for_kinds(files):
    n = files.numbers
    flagged = n[n["Reserved For"] != ""]
    key = flagged["Reserved For"].str.lower()
    home = files.users.set_index(files.users["Username"].str.lower())["Located At"]
    active = flagged[key.isin(home.index)]
    seen = visible(active["Located At"], home[active["Reserved For"].str.lower()])
    assert (~seen).any()                                                 # stranded
    if files.size[0] >= 400:
        assert seen.sum() > (~seen).sum()                                # most are not
    in_history = set().union(*(lower(h["Username"]) for h in files.history))
    deleted = in_history - lower(files.users["Username"])
    assert key.isin(deleted).any()
    assert (~key.isin(in_history | set(home.index))).any()               # never onboarded


def test_seed_user(files):
    seed = demo.SEED_USER
    assert seed.lower() not in lower(files.users["Username"])
    assert seed in set(files.history[0]["Username"])                       # deleted, not unknown
    rows = files.numbers[files.numbers["Reserved For"].str.lower() == seed]
    assert set(rows["Located At"]) == {f"{CUST_1}.Site-A", f"{CUST_1}.Site-B", CUST_1}
    assert (rows["Status"] == "Available").all()                         # onboarding returns them
    from_b = rows[visible(rows["Located At"], [f"{CUST_1}.Site-B"] * len(rows)).values]
    from_c = rows[visible(rows["Located At"], [f"{CUST_1}.Site-C"] * len(rows)).values]
    assert set(from_b["Located At"]) == {f"{CUST_1}.Site-B", CUST_1}
    assert set(from_c["Located At"]) == {CUST_1}


def test_deterministic_and_seeded(tmp_path):
    first, again, other = (tmp_path / d for d in ("first", "again", "other"))
    demo.generate(first)
    demo.generate(again)
    demo.generate(other, seed=2)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert len(files) == 7
    for f in files:
        assert (first / f).read_bytes() == (again / f).read_bytes(), f
    assert (first / "numbers.csv").read_bytes() != (other / "numbers.csv").read_bytes()
    assert (first / "users.csv").read_bytes() != (other / "users.csv").read_bytes()


def test_as_of_moves_the_dates(tmp_path):
    result = demo.generate(tmp_path, as_of="2025-01-31")
    assert result["history"][0]["as_of"] == "2024-09-03"
    assert (tmp_path / "history" / "users-2024-09-03.csv").exists()


def test_too_small_is_refused(tmp_path):
    with pytest.raises(ValueError, match="sites"):
        demo.generate(tmp_path, sites=4)
    with pytest.raises(ValueError, match="numbers"):
        demo.generate(tmp_path, numbers=57, sites=5)


def test_more_sites_than_the_numbers_allow_are_refused_before_anything_is_built(tmp_path):
    """--sites far beyond what --numbers can fill is refused from the two numbers alone: the
    hierarchy of 100 million sites would take gigabytes before the numbers were counted."""
    import tracemalloc
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="numbers must be at least"):
            demo.generate(tmp_path, numbers=50, sites=90_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert not list(tmp_path.iterdir())


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sites=st.integers(5, 130), extra=st.integers(0, 3000), seed=st.integers(0, 2**32 - 1))
def test_any_size_and_seed_keeps_the_rules(tmp_path_factory, sites, extra, seed):
    customers = max(2, round(sites / 50))
    numbers = 8 * sites + 9 * customers + extra
    out = tmp_path_factory.mktemp("any")
    result = demo.generate(out, numbers=numbers, sites=sites, seed=seed)
    data = read(out)
    data.result, data.size = result, (numbers, sites, seed)
    for check in (test_hierarchy, test_numbers_are_text_in_voss_form,
                  test_uniqueness_across_ancestor_paths, test_cooling_due_future_and_stuck,
                  test_reservations_running_ended_and_indefinite, test_used_by,
                  test_users_unique_and_history_records_deletions, test_reserved_for_kinds,
                  test_seed_user):
        check(data)


def test_numbers_written_in_slices_are_the_same_file(tmp_path, monkeypatch):
    from numkit import demo
    demo.generate(tmp_path / "whole", numbers=3000, sites=6, seed=5)
    monkeypatch.setattr(demo, "CSV_SLICE", 1000)
    demo.generate(tmp_path / "sliced", numbers=3000, sites=6, seed=5)
    assert (tmp_path / "whole" / "numbers.csv").read_bytes() == (tmp_path / "sliced" / "numbers.csv").read_bytes()


# The files of generate(numbers=3000, sites=12, seed=5): a change to how the demo is written
# that means to keep what it writes (the same draws, in the same order) keeps this digest.
DIGEST_3000_12_5 = "13c4ee61c3ff12064d1e058a6a84001ab39bc493bb9040ed13ca9a23c9b3263f"


def test_a_fixed_seed_writes_the_files_it_always_wrote(tmp_path):
    demo.generate(tmp_path, numbers=3000, sites=12, seed=5)
    digest = hashlib.sha256()
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(tmp_path)).encode())
        digest.update(path.read_bytes())
    assert digest.hexdigest() == DIGEST_3000_12_5
