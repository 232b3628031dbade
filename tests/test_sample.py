"""The committed sample inventory loads cleanly and shows every case the rules are about."""

from pathlib import Path

import pytest

import numkit
from numkit.snapshots import load_folder

from conftest import CUST1

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
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
