"""Text from exports is data: quotes, semicolons and SQL in usernames, notes, paths and
headers are stored and matched as given, and never run."""

import json

import numkit

from conftest import write

SNEAKY_USER = "o'brien\"; drop table numbers; --"
SNEAKY_NODE = "sys.hcs.Prov-1.Cust'; delete from users; --.Site \"A\""
SNEAKY_NOTE = "'); update numbers set status = 'Used'; --"
SNEAKY_HEADER = 'x"); drop table nodes; --'


def test_hostile_text_round_trips_as_data(tmp_path):
    inv = numkit.connect()
    inv.as_of = "2026-11-23"
    numbers = write(tmp_path, "n.csv",
                    f'Internal Number,Located At,Status,Reserved For,Reservation Notes,"{SNEAKY_HEADER.replace(chr(34), chr(34) * 2)}"\n'
                    f'1001,"{SNEAKY_NODE.replace(chr(34), chr(34) * 2)}",Available,"{SNEAKY_USER.replace(chr(34), chr(34) * 2)}","{SNEAKY_NOTE}",v\n'
                    f'1002,"{SNEAKY_NODE.replace(chr(34), chr(34) * 2)}",Available,,,w\n')
    inv.load(numbers)
    assert set(inv.sql("select table_name from duckdb_tables()")["table_name"]) >= {"numbers", "nodes", "users"}
    stored = inv._rows("select number, node, reserved_for, reservation_notes, extra from numbers order by number")
    assert stored[0]["node"] == SNEAKY_NODE and stored[0]["reserved_for"] == SNEAKY_USER
    assert stored[0]["reservation_notes"] == SNEAKY_NOTE
    assert json.loads(stored[0]["extra"]) == {SNEAKY_HEADER: "v"}
    assert inv.next_available(SNEAKY_USER.upper(), SNEAKY_NODE) == "1001"
    assert inv.why_not("1001", "someone", SNEAKY_NODE) == "reserved_for_other"
    assert inv.onboard(SNEAKY_USER, SNEAKY_NODE) == ["1001"]
    assert inv.active_user(SNEAKY_USER) == {"username": SNEAKY_USER, "node": SNEAKY_NODE}
    assert inv.sql("select status from numbers order by number")["status"].tolist() == ["Used", "Available"]
    inv.reserve_for("1002", SNEAKY_NOTE)
    assert inv.belonging_to(SNEAKY_NOTE)["number"].tolist() == ["1002"]
    assert inv.check().empty


def test_hostile_settings_keys_and_numbers_are_refused_not_run():
    inv = numkit.connect()
    try:
        inv.settings["x'; drop table numbers; --"] = 1
    except numkit.InvalidOperation:
        pass
    for bad in ("1; drop table numbers", "1' or '1'='1"):
        try:
            inv.why_not(bad, "u", "x")
        except numkit.NumkitError:
            pass
    assert "numbers" in set(inv.sql("select table_name from duckdb_tables()")["table_name"])
