"""Small disks (a tmpfs of a given size) for the tests of what a full disk does, and the
whole-database comparison they judge by."""

import subprocess

import pytest

import numkit


def mount_small_disks(tmp_path):
    """A generator for a fixture: yields mount(size_kb, at=None) -> a folder on a tmpfs of
    that size; unmounts them after."""
    mounted = []

    def mount(size_kb, at=None):
        at = at or tmp_path / f"disk-{len(mounted)}"
        at.mkdir(exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(at)],
                              capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"a small disk is needed and mounting a tmpfs is not permitted here "
                        f"({done.stderr.strip()})")
        mounted.append(at)
        return at
    yield mount
    for at in reversed(mounted):
        subprocess.run(["umount", "-l", str(at)])


def grow(folder):
    """Free the space: the tmpfs grows, its files stay."""
    subprocess.run(["mount", "-o", "remount,size=200000k", str(folder)], check=True)


def every_table(db):
    """Every table of the database file, each sorted whole (a rollback may reorder rows)."""
    with numkit.connect(db, read_only=True) as inv:
        names = inv.sql("select table_name from duckdb_tables() where not temporary "
                        "order by table_name")["table_name"].tolist()
        return {name: inv.sql(f'select * from "{name}" order by all') for name in names}


def assert_same_tables(before, after):
    assert list(after) == list(before)
    for name, frame in after.items():
        assert frame.equals(before[name]), name
