"""NUMKIT_ACTOR names a person: a value longer than actor.LONGEST_ACTOR (a file pasted into
the variable) is refused before anything changes, rather than written into every event the
operation logs (rules R12)."""

import pytest
from click.testing import CliRunner

import numkit
from numkit import actor
from numkit.cli import main

from conftest import NUMBERS, SITE_B, USERS, write


@pytest.fixture
def inventory(tmp_path, monkeypatch):
    monkeypatch.delenv(actor.ACTOR_VARIABLE, raising=False)
    inv = numkit.connect(tmp_path / "inv.duckdb")
    inv.load(write(tmp_path, "n.csv", NUMBERS), users=write(tmp_path, "u.csv", USERS))
    return inv


def test_an_actor_of_the_longest_length_is_logged_whole(inventory, monkeypatch):
    name = "a" * actor.LONGEST_ACTOR
    monkeypatch.setenv(actor.ACTOR_VARIABLE, f"  {name}  ")
    inventory.onboard("u", SITE_B)
    assert set(inventory.events()["actor"].tail(1)) == {name}


def test_a_longer_actor_is_refused_and_nothing_changes(inventory, monkeypatch):
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "x" * (actor.LONGEST_ACTOR + 1))
    events, users = len(inventory.events()), len(inventory.sql("select * from users"))
    with pytest.raises(numkit.InvalidOperation,
                       match=f"NUMKIT_ACTOR is 101 characters long; .* at most {actor.LONGEST_ACTOR}"):
        inventory.onboard("u", SITE_B)
    assert len(inventory.events()) == events
    assert len(inventory.sql("select * from users")) == users
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "analyst.two")
    inventory.onboard("u", SITE_B)      # the connection is usable again
    assert inventory.events()["actor"].iloc[-1] == "analyst.two"


def test_numkit_load_refuses_it_in_one_line_and_writes_no_database(tmp_path, monkeypatch):
    monkeypatch.setenv(actor.ACTOR_VARIABLE, "y" * 5000)
    database = tmp_path / "inv.duckdb"
    refused = CliRunner().invoke(main, ["load", str(database), "--numbers",
                                        str(write(tmp_path, "n.csv", NUMBERS))])
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    assert refused.output.startswith("Error: NUMKIT_ACTOR is 5,000 characters long")
    assert not database.exists()
