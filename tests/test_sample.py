"""The committed sample inventory loads cleanly and shows every case the rules are about."""

from pathlib import Path

import pytest

import numkit
from numkit.loading.snapshots import load_folder

from conftest import CUST1

SAMPLE = Path(__file__).resolve().parent.parent / "numkit" / "sample_export"
SITE = f"{CUST1}.Site-"


@pytest.fixture(scope="module")
def sample():
    inv = numkit.connect()
    load_folder(inv, SAMPLE)
    inv.as_of = "2026-11-23"
    return inv


def test_sample_is_sound(sample):
    assert sample.check().empty
    assert sample.sql("select count(*) as n from load_rejects")["n"][0] == 0


def test_sample_has_every_status(sample):
    assert set(sample.sql("select distinct status from numbers")["status"]) == {
        "Available", "Used", "Used-Utility", "Reserved", "Cooling", "Inactive"}


def test_sample_shape(sample):
    types = sample.sql("select type, count(*) as n from nodes group by type")
    counts = dict(zip(types["type"], types["n"]))
    assert counts["Customer"] == 2 and counts["Site"] >= 5 and counts["Intermediate"] >= 1
    assert 200 <= len(sample.sql("select * from numbers")) <= 1000
    shared = sample.sql("select number from numbers group by number having count(distinct node) > 1")
    assert len(shared) > 0


def test_sample_holds_the_seed_example(sample):
    from numkit.demo import SEED_USER
    assert sample.active_user(SEED_USER) is None
    from_b = sample.belonging_to(SEED_USER, SITE + "B")
    assert set(from_b["node"]) == {SITE + "B", CUST1}
    assert set(sample.belonging_to(SEED_USER, SITE + "C")["node"]) == {CUST1}


def test_sample_has_each_report_case(sample):
    held = sample.deleted_user_reservations()
    assert {"deleted", "never_onboarded"} <= set(held["category"])
    assert len(sample.stuck_cooling()) > 0
    assert len(sample.stranded_reservations()) > 0
    cooling = sample.sql("select * from numbers_effective where status = 'Cooling' and not stuck")
    assert (cooling["effective_status"] == "Available").any()
    active = sample.sql("select * from numbers where reserved_for is not null and lower(reserved_for) "
                        "in (select lower(username) from users)")
    assert len(active) > 0


def test_loading_the_folder_again_records_no_new_deletions():
    inv = numkit.connect()
    load_folder(inv, SAMPLE)
    deletions = len(inv.sql("select * from deleted_users"))
    reports = load_folder(inv, SAMPLE)
    assert len(reports) == 1 and len(inv.sql("select * from deleted_users")) == deletions


def test_the_committed_sample_is_what_numkit_demo_writes(tmp_path):
    """numkit/sample_export is `numkit demo`'s default export byte for byte (next week's
    export included), plus its earlier snapshots' own numbers files and three added weeks,
    in its manifest: what numkit.sample.write_sample_export writes."""
    from click.testing import CliRunner
    from numkit.cli import main
    from numkit.sample import write_sample_export

    def files(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    write_sample_export(tmp_path / "sample")
    made, demo_made, committed = files(tmp_path / "sample"), files(tmp_path / "demo"), files(SAMPLE)
    assert Path("next-week") / "numbers.csv" in made
    assert made == committed
    earlier = {path for path in made if path.parent == Path("history")
               and path.name.startswith("numbers-")}
    assert len(earlier) == 6
    assert set(made) - set(demo_made) == earlier
    assert {path: made[path] for path in demo_made if path.name != "manifest.json"} == {
        path: data for path, data in demo_made.items() if path.name != "manifest.json"}


def the_tour(folder, size=None):
    """The round trip on an export folder through the API: the week's decisions of the
    README's tour, then next week's export loaded; its load report and the inventory."""
    from numkit import next_week
    inv = numkit.connect()
    load_folder(inv, folder)
    inv.as_of = next_week.DECIDED_ON
    inv.onboard(next_week.ONBOARDED, next_week.ONBOARDED_AT)
    inv.cleanup_deleted_reservations(next_week.CLEANUP_OLDER_THAN, dry_run=False)
    return load_folder(inv, folder / "next-week")[-1], inv


def test_next_week_s_export_shows_each_outcome_of_the_tour_s_decisions():
    report, inv = the_tour(SAMPLE)
    assert report.applied and report.still_pending and report.conflicts and not report.discarded
    assert inv.check().empty
    outcomes = inv.reconciliations()
    applied = outcomes[outcomes["outcome"] == "applied"]
    assert "user_added" in set(applied["kind"])          # VOSS onboarded the user
    assert set(outcomes[outcomes["outcome"] == "pending"]["field"]) == {"reserved_for"}
    assert not inv.pending_changes().empty                 # what VOSS has not done stays


@pytest.mark.parametrize("numbers, sites, seed", [(400, 6, 2), (3000, 12, 5)])
def test_next_week_s_export_gives_the_outcomes_it_was_built_for(tmp_path, numbers, sites, seed):
    from numkit import next_week
    made = next_week.generate(tmp_path, numbers=numbers, sites=sites, seed=seed)
    report, inv = the_tour(tmp_path)
    expected = made["next_week"]
    assert (report.applied, report.still_pending, report.conflicts) == (
        expected["applied"], expected["still_pending"], expected["conflicts"])
    assert inv.check().empty
