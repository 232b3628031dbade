"""Text from exports is data: quotes, semicolons and SQL in usernames, notes, paths and
headers are stored and matched as given, and never run."""

import json
from pathlib import Path

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
    stored = inv.store.rows("select number, node, reserved_for, reservation_notes, extra from numbers order by number")
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


FORMULA = "=cmd|' /C calc'!A0"


def test_load_rejects_keep_a_formula_as_data_and_no_file_is_written_from_them(tmp_path):
    """load_rejects is data, queried by SQL: the refused value is kept as it was in the
    export. numkit writes no file from the table; a file it writes from problems goes
    through exports.problems_for_spreadsheets (tests/test_cli.py)."""
    inv = numkit.connect()
    numbers = write(tmp_path, "n.csv", f"Internal Number,Located At,Status\n"
                                       f"{FORMULA},sys.a,Available\n1001,sys.a,Available\n")
    inv.load(numbers, strict=False)
    assert inv.sql("select value from load_rejects")["value"].tolist() == [FORMULA]
    written_from = [path for path in (Path(numkit.__file__).parent).rglob("*.py")
                    if "load_rejects" in path.read_text() and path.name != "load.py"]
    # inventory.py reads the table (Inventory.load_rejects); cli.py writes --problems from it,
    # through problems_for_spreadsheets only
    assert sorted(path.name for path in written_from) == ["cli.py", "inventory.py"]
    import inspect
    from numkit import cli
    assert "problems_for_spreadsheets(" in inspect.getsource(cli.write_rejects)
