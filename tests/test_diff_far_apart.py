"""`snapshot_changes` between snapshots far apart (rules R36): the first changes and the
counts per kind without reading every change, and `numkit diff`, which prints the counts
and the first changes and says how many it left out."""

import itertools

import pandas as pd
import pytest
from click.testing import CliRunner

import numkit
from numkit import cli
from numkit.loading.snapshots import load_folder
from numkit.sample import SAMPLE_EXPORT as SAMPLE


def rows(frame):
    """The frame's rows, an empty cell as "" (a column the first rows leave empty reads as
    objects, not text)."""
    return frame.fillna("").values.tolist()


@pytest.fixture(scope="module")
def sample_history(tmp_path_factory):
    db = tmp_path_factory.mktemp("history") / "sample.duckdb"
    inv = numkit.connect(db)
    load_folder(inv, SAMPLE)
    inv.close()
    return db


def test_first_and_counts_agree_with_the_whole_list_for_every_pair(sample_history):
    with numkit.connect(sample_history, read_only=True) as inv:
        loads = inv.snapshots()["load_id"].tolist()
        assert len(loads) >= 5
        for a, b in itertools.permutations(loads, 2):
            whole = inv.snapshot_changes(a, b)
            first = inv.snapshot_changes(a, b, first=7)
            assert rows(first) == rows(whole.head(7))
            assert inv.snapshot_change_counts(a, b) == whole["change"].value_counts().to_dict()


def test_diff_prints_the_counts_the_first_changes_and_how_many_more(sample_history, monkeypatch):
    with numkit.connect(sample_history, read_only=True) as inv:
        first, last = inv.snapshots()["load_id"].iloc[[0, -1]]
        whole = inv.snapshot_changes(first, last)
    assert len(whole) > 5
    monkeypatch.setattr(cli, "DIFF_ROWS_SHOWN", 5)
    said = CliRunner().invoke(cli.main, ["diff", str(sample_history), "--from", str(first),
                                         "--to", str(last)])
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    shown = [line for line in lines[3:] if not line.startswith("...")]
    assert [line.split()[0] for line in shown] == whole["change"].head(5).tolist()
    assert lines[-1] == (f"... and {len(whole) - 5} more change(s): "
                         "--out FILE writes every one to a CSV file")


def test_diff_names_the_two_snapshots_it_compares_and_says_when_it_runs_backwards_or_twice_the_same(
        sample_history):
    with numkit.connect(sample_history, read_only=True) as inv:
        snapshots = inv.snapshots()
    (first, first_date), (last, last_date) = [
        (load_id, as_of.date().isoformat())
        for load_id, as_of in snapshots[["load_id", "as_of"]].iloc[[0, -1]].values.tolist()]
    before_last = snapshots["load_id"].iloc[-2]
    before_last_date = snapshots["as_of"].iloc[-2].date().isoformat()

    def first_line(*options):
        said = CliRunner().invoke(cli.main, ["diff", str(sample_history), *options])
        assert said.exit_code == 0, said.output
        return said.output.splitlines()[0]
    # by default the latest two
    assert first_line() == (f"snapshot {before_last} ({before_last_date}) → "
                            f"snapshot {last} ({last_date})")
    assert first_line("--from", str(first), "--to", str(last)) == (
        f"snapshot {first} ({first_date}) → snapshot {last} ({last_date})")
    assert first_line("--from", str(last), "--to", str(first)) == (
        f"snapshot {last} ({last_date}) → snapshot {first} ({first_date}): backwards, "
        "from the later to the earlier")
    assert first_line("--from", str(last)) == (
        f"snapshot {last} ({last_date}) → snapshot {last} ({last_date}): the same snapshot "
        "twice, nothing to compare (--to is the latest unless given)")


def test_diff_with_no_snapshot_or_one_says_so_refuses_an_unknown_one_and_writes_the_empty_list(
        tmp_path):
    """Nothing to compare, said as such; a snapshot never loaded is refused however many
    there are (rules R32: `Error:`, exit 1); --out writes the list, empty, as for any pair."""
    db = tmp_path / "inventory.duckdb"
    numkit.connect(db).close()

    def diff(*options):
        return CliRunner().invoke(cli.main, ["diff", str(db), *options])
    said = diff()
    assert (said.exit_code, said.output) == (0, "no snapshot is loaded: nothing to compare\n")

    with numkit.connect(db) as inv:
        load_folder(inv, SAMPLE)
        while len(inv.snapshots()) > 1:
            inv.forget_latest_snapshot()
        (first, as_of), = inv.snapshots()[["load_id", "as_of"]].values.tolist()
    out = tmp_path / "changes.csv"
    said = diff("--out", str(out))
    assert said.exit_code == 0, said.output
    assert said.output.splitlines() == [
        f"only one snapshot is loaded, snapshot {first} ({as_of.date().isoformat()}): "
        "nothing to compare",
        f"wrote {out}"]
    written = pd.read_csv(out)
    assert (written.columns.tolist(), len(written)) == (
        ["change", "number", "node", "username", "before", "after"], 0)
    for option in ("--to", "--from"):
        said = diff(option, str(first + 1))
        assert said.exit_code == 1, said.output
        assert f"Error: no snapshot {first + 1}; loaded: [{first}]" in said.output


def test_diff_to_the_first_of_several_says_none_is_before_it(sample_history):
    with numkit.connect(sample_history, read_only=True) as inv:
        (first, as_of), = inv.snapshots()[["load_id", "as_of"]].head(1).values.tolist()
    said = CliRunner().invoke(cli.main, ["diff", str(sample_history), "--to", str(first)])
    assert (said.exit_code, said.output) == (
        0, f"snapshot {first} ({as_of.date().isoformat()}) is the first: no snapshot before it "
           "to compare with\n")


def test_diff_with_out_writes_every_change(sample_history, monkeypatch, tmp_path):
    with numkit.connect(sample_history, read_only=True) as inv:
        first, last = inv.snapshots()["load_id"].iloc[[0, -1]]
        whole = inv.snapshot_changes(first, last)
    monkeypatch.setattr(cli, "DIFF_ROWS_SHOWN", 5)
    out = tmp_path / "changes.csv"
    said = CliRunner().invoke(cli.main, ["diff", str(sample_history), "--from", str(first),
                                         "--to", str(last), "--out", str(out)])
    assert said.exit_code == 0, said.output
    assert len(pd.read_csv(out, dtype=str)) == len(whole)
    assert f"... and {len(whole) - 5} more change(s): every one is in {out}" in said.output


def test_held_at_one_only_is_held_at_one_load_and_not_at_the_other():
    """Every version (from_load, to_load) over loads 1 to 5 against every pair of loads:
    the macro's plain comparisons agree with "held at one and not at the other"."""
    inv = numkit.connect()

    def held(version_from, version_to, load):
        return version_from <= load and (version_to is None or version_to > load)

    cases = [(f, t, a, b) for f in range(1, 6) for t in [None, *range(f + 1, 7)]
             for a in range(1, 6) for b in range(1, 6)]
    answers = inv.con.execute(
        "select held_at_one_only(f, t, a, b) from (select unnest($f) as f, unnest($t) as t, "
        "unnest($a) as a, unnest($b) as b)",
        dict(zip("ftab", map(list, zip(*cases))))).fetchall()
    assert [answer for (answer,) in answers] == [
        held(f, t, a) and not held(f, t, b) for f, t, a, b in cases]


def test_the_first_changes_cross_kinds_as_the_whole_list_does(sample_history):
    """snapshot_change_summary orders only the kinds its first rows come from: a cut just
    before, at and after each kind's last change, none and more than all, give the whole
    list's first rows."""
    with numkit.connect(sample_history, read_only=True) as inv:
        first, last = inv.snapshots()["load_id"].iloc[[0, -1]]
        whole = inv.snapshot_changes(first, last)
        ends = whole.reset_index().groupby("change")["index"].max().add(1).tolist()
        assert len(ends) >= 3    # several kinds, so that a cut falls between two of them
        cuts = {0, len(whole) + 10} | {end + step for end in ends for step in (-1, 0, 1)}
        for cut in sorted(cuts):
            counts, rows_first = inv.snapshot_change_summary(first, last, first=cut)
            assert counts == whole["change"].value_counts().to_dict()
            assert rows(rows_first) == rows(whole.head(cut)), cut
