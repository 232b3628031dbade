"""The reports written for speed agree with their plain definitions, on a generated inventory
that holds every status, stuck and due cooling, ended reservations and stranded ones."""

import pandas as pd
import pytest

import numkit
from numkit import demo
from numkit.loading.snapshots import load_folder

# The reports as first written: every row with its effective status, joined the obvious way.
PLAIN = {
    "node_utilization": """
        select nodes.node, nodes.type,
               count(numbers_effective.number) as total,
               count(*) filter (where effective_status = 'Available') as available,
               count(*) filter (where effective_status = 'Used') as used,
               count(*) filter (where effective_status = 'Used-Utility') as used_utility,
               count(*) filter (where effective_status = 'Reserved') as reserved,
               count(*) filter (where effective_status = 'Cooling') as cooling,
               count(*) filter (where effective_status = 'Inactive') as inactive
        from nodes
        left join node_ancestors on node_ancestors.ancestor = nodes.node
        left join numbers_effective on numbers_effective.node = node_ancestors.node
        group by nodes.node, nodes.type
        order by nodes.node""",
    "stranded_reservations": """
        select numbers_effective.number, numbers_effective.node, numbers_effective.reserved_for,
               users.node as user_node, numbers_effective.status,
               numbers_effective.effective_status
        from numbers_effective
        join users on lower(users.username) = lower(numbers_effective.reserved_for)
        where numbers_effective.node not in
              (select ancestor from node_ancestors where node_ancestors.node = users.node)
        order by user_node, number_value(numbers_effective.number), numbers_effective.number,
                 numbers_effective.node""",
}
COLUMNS = {
    "node_utilization": "node, type, total, available, used, used_utility, reserved, cooling, "
                        "inactive",
    "stranded_reservations": "*",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    manifest = demo.generate(folder, numbers=30_000, sites=12, seed=7)
    inv = numkit.connect(tmp_path_factory.mktemp("db") / "generated.duckdb")
    load_folder(inv, folder)
    inv.as_of = manifest["as_of"]
    yield inv
    inv.close()


def test_the_generated_inventory_holds_every_case(generated):
    cases = generated.sql(
        "select status, effective_status, stuck, count(*) as n from numbers_effective "
        "group by all")
    found = set(zip(cases["status"], cases["effective_status"], cases["stuck"]))
    assert {("Cooling", "Available", False), ("Cooling", "Cooling", True),
            ("Cooling", "Cooling", False), ("Reserved", "Available", False),
            ("Reserved", "Reserved", False), ("Available", "Available", False),
            ("Used", "Used", False)} <= found
    assert len(generated.stranded_reservations()) > 0


@pytest.mark.parametrize("report", list(PLAIN))
def test_report_agrees_with_its_plain_definition(generated, report):
    fast = generated.sql(f"select {COLUMNS[report]} from {report}")
    plain = generated.sql(PLAIN[report])
    assert len(fast) > 0
    assert fast.astype(str).values.tolist() == plain.astype(str).values.tolist()


@pytest.mark.parametrize("method, view", [
    ("deleted_user_reservations", "deleted_user_reservations"), ("stuck_cooling", "stuck_cooling"),
    ("stranded_reservations", "stranded_reservations"), ("utilization", "node_utilization")])
def test_report_frames_are_what_df_gives(generated, method, view):
    """The report methods read through Arrow (numkit.frames): same columns, types and values."""
    fast = getattr(generated, method)()
    assert len(fast) > 0
    pd.testing.assert_frame_equal(fast, generated.sql(f"select * from {view}"))
