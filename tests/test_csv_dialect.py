"""How a CSV export is read: the quote is `"` only, the delimiter one of `,` `;` tab `|`
(docs/interface.md#files-numkit-loads), and a file that cannot be read says why."""

import csv
import shutil
from pathlib import Path

import hypothesis
import hypothesis.strategies as st
import pytest

import numkit
from numkit.loading.csv_dialect import line_end_kinds

from conftest import AS_OF, SITE_A, write

SAMPLE = Path(__file__).resolve().parent.parent / "numkit" / "sample_export"


def test_apostrophes_in_descriptions_are_text_not_quotes(tmp_path):
    """Two descriptions holding a lone `'` each: DuckDB's sniffer would take `'` as the quote
    and merge the rows between them into one cell."""
    for name in ("users.csv", "hierarchy.csv"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    with open(SAMPLE / "numbers.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    described = header.index("Description")
    body[10][described] = "'Softphone"
    body[20][described] = "Desk phone'"
    with open(tmp_path / "numbers.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])
    inv = numkit.connect()
    report = inv.load(tmp_path / "numbers.csv", users=tmp_path / "users.csv",
                      hierarchy=tmp_path / "hierarchy.csv", as_of=AS_OF)
    assert report.numbers == len(body) == 400
    stored = dict(inv.con.execute("select number || '@' || node, coalesce(description, '') "
                                  "from numbers").fetchall())
    key = {f"{row[0]}@{row[1]}".removeprefix("\\"): row for row in body}  # VOSS's \+ is +
    assert stored == {k: row[described] for k, row in key.items()}
    assert sorted(v for v in stored.values() if "'" in v) == ["'Softphone", "Desk phone'"]


def test_apostrophes_in_a_small_file_with_empty_lines(make_inventory):
    inv = make_inventory(numbers=f"number,node,description\n1,{SITE_A},'Softphone\n\n"
                                 f"2,{SITE_A},x\n3,{SITE_A},Desk phone'\n4,{SITE_A},y\n",
                         users=None)
    assert inv.con.execute("select number, description from numbers order by number").fetchall() == [
        ("1", "'Softphone"), ("2", "x"), ("3", "Desk phone'"), ("4", "y")]


def test_rows_after_an_empty_line_keep_their_number_with_apostrophes_about(inv, tmp_path):
    """The empty lines' rows are found by parsing the file again: with `"` as the quote too,
    or the row numbers after them are off."""
    numbers = write(tmp_path, "n.csv", f"number,node,description\n1,{SITE_A},'Softphone\n\n"
                                       f"2,{SITE_A},x\n3,{SITE_A},Desk phone'\n4x,{SITE_A},y\n")
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, as_of=AS_OF)
    assert refused.value.problems[["row", "value"]].values.tolist() == [[6, "4x"]]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_rows_after_an_empty_line_keep_their_number_whatever_ends_the_lines(inv, tmp_path,
                                                                             line_end):
    text = line_end.join(["number,node,status", f"1,{SITE_A},Available", "",
                          f"2,{SITE_A},Availble", ""])
    numbers = tmp_path / "n.csv"
    numbers.write_bytes(text.encode())
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, as_of=AS_OF)
    assert refused.value.problems[["row", "value"]].values.tolist() == [[4, "Availble"]]


@pytest.mark.parametrize("line_end", ["\n", "\r"])
def test_a_data_line_that_is_not_utf8_is_named_not_the_header(inv, tmp_path, line_end):
    text = line_end.join(["number,node,description", f"1,{SITE_A},desk",
                          f"2,{SITE_A},caf\xe9", ""]).encode("latin-1")
    numbers = tmp_path / "n.csv"
    numbers.write_bytes(text)
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, as_of=AS_OF)
    [problem] = refused.value.problems.to_dict("records")
    assert (problem["row"], problem["column"]) == (3, "description")
    assert "byte 0xE9" in problem["reason"]


def test_a_nul_byte_far_into_the_file_is_refused_naming_its_row(inv, tmp_path):
    """A NUL byte past the first bytes numkit looks at before DuckDB reads the file, in a
    first load and in a weekly one (which then reads the whole file, not its changed lines)."""
    def numbers(nul_at):
        lines = ["number,node,description"] + [
            f"{1000 + i},{SITE_A},desk phone {i}" + ("\x00" if i == nul_at else "")
            for i in range(3000)]
        path = tmp_path / "n.csv"
        path.write_text("\n".join(lines) + "\n")
        assert path.stat().st_size > 1 << 16
        return path
    for load in ("first", "weekly"):
        with pytest.raises(numkit.LoadError) as refused:
            inv.load(numbers(nul_at=2500), as_of=AS_OF)
        [problem] = refused.value.problems.to_dict("records")
        assert problem["row"] == 2502 and "NUL byte" in problem["reason"], load
        assert problem["value"].startswith("3500,") and "\u2400" in problem["value"]
        inv.load(numbers(nul_at=None), as_of=AS_OF)    # the week before the next attempt
    assert inv.store.scalar("select count(*) from numbers where contains(description, chr(0))") == 0


def test_line_ends_inside_quoted_values_are_kept_exactly(make_inventory):
    """Excel ends rows with \\r\\n and the lines inside a cell with \\n: one kind of row end,
    read exactly, every row and value."""
    numbers = (f"number,node,reservation_notes,description\r\n"
               f"1,{SITE_A},\"first\nsecond\",'Softphone\r\n"
               f"2,{SITE_A},\"a \"\"quoted\"\" word\r\nand a line\",x\r\n"
               f"3,{SITE_A},,Desk phone'\r\n")
    inv = make_inventory(numbers=numbers, users=None)
    assert inv.con.execute("select number, reservation_notes, description from numbers "
                           "order by number").fetchall() == [
        ("1", "first\nsecond", "'Softphone"), ("2", 'a "quoted" word\r\nand a line', "x"),
        ("3", None, "Desk phone'")]


@pytest.mark.parametrize("text, row, reason", [
    ("number,node\r\n1,{a}\r\n2,{a}\n3,{a}\r\n", 3, "end with \\r\\n (Windows), this one with \\n"),
    ("number,node\n1,{a}\n2,{a}\r3,{a}\n", 3, "end with \\n (Unix), this one with \\r alone"),
    ("number,node\n1,{a}\n2,\"{a}\"\r\n3,{a}\n", 3, "this one with \\r\\n (Windows)"),
    ("number,node\r\n1,{a}\r\n\n2,{a}\r\n", 3, "this one with \\n"),   # an empty line is a row
], ids=["crlf-then-lf", "lone-cr", "crlf-after-a-quote", "empty-lf-line"])
def test_mixed_line_endings_are_named_with_the_row_where_the_ending_changes(inv, tmp_path, text,
                                                                            row, reason):
    numbers = tmp_path / "n.csv"
    numbers.write_bytes(text.format(a=SITE_A).encode())
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, as_of=AS_OF)
    problems = refused.value.problems
    assert problems[["row", "column", "value"]].values.tolist() == [[row, None, None]]
    assert "mixed line endings" in problems["reason"][0] and reason in problems["reason"][0]
    assert "longer than" not in problems["reason"][0]


@pytest.mark.parametrize("block", [1, 2, 3, 5, 8, 1 << 22])
def test_mixed_line_endings_found_across_blocks(tmp_path, monkeypatch, block):
    """The file is read in blocks: a \r\n or a quoted value split between two is one."""
    from numkit.loading import csv_dialect
    monkeypatch.setattr(csv_dialect, "BLOCK", block)
    path = tmp_path / "n.csv"
    path.write_bytes(b'a,b\r\n1,"x\ny"\r\n2,"\r"\r\n3,4\n5,6\r\n')
    assert csv_dialect.first_mixed_line_end(path) == (4, "crlf", "lf")
    path.write_bytes(b'a,b\r\n1,"x\ny"\r\n2,"\r"\r\n3,4\r\n')
    assert csv_dialect.first_mixed_line_end(path) is None
    path.write_bytes(b'a,b\r\n1,2\r')
    assert csv_dialect.first_mixed_line_end(path) == (2, "crlf", "cr")


@pytest.mark.parametrize("header", ['number,node,"sta"tus', 'number,node,"status'])
def test_a_header_that_is_not_csv_is_refused_not_read_as_a_file_without_rows(inv, tmp_path,
                                                                              header):
    """DuckDB reads no row, and reports none, after a header whose quotes are broken."""
    numbers = write(tmp_path, "n.csv", f"{header}\n1,{SITE_A},Available\n")
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, as_of=AS_OF)
    problems = refused.value.problems
    assert problems[["row", "column"]].values.tolist() == [[1, None]]
    assert "the header cannot be read as CSV" in problems["reason"][0]


def test_a_long_line_is_named_only_where_there_is_one(inv, tmp_path):
    numbers = write(tmp_path, "n.csv", "number,node," + "x" * 2_000_001 + f"\n1,{SITE_A},y\n")
    with pytest.raises(numkit.LoadError) as refused:
        inv.load(numbers, as_of=AS_OF)
    assert refused.value.problems[["row", "reason"]].values.tolist() == [
        [1, "the line is longer than 2,000,000 bytes, the most a line may hold: a broken export?"]]


def test_what_duckdb_cannot_read_is_said_in_its_own_words_without_its_prefix():
    from numkit.loading.csv_dialect import duckdb_reason
    error = numkit.errors.InvalidOperation  # any exception carrying DuckDB's text
    assert duckdb_reason(error("Invalid Input Error: The CSV Parser state machine reached an "
                               "invalid state.\nPossible fixes:\n* ...")) == (
        "The CSV Parser state machine reached an invalid state.")


def line_ends_byte_by_byte(text, carried, at_end):
    """What line_end_kinds answers, one byte at a time: \\r\\n a pair, \\n or \\r alone an end
    of its own; the first byte not judged when carried, a last \\r only at the end."""
    kinds = set()
    for at, byte in enumerate(text):
        if byte == 13 and at + 1 < len(text) and text[at + 1] == 10:
            kinds.add("crlf")
        elif byte == 10 and not (at and text[at - 1] == 13) and not (carried and at == 0):
            kinds.add("lf")
        elif (byte == 13 and not (carried and at == 0)
              and (at + 1 < len(text) or at_end)):
            kinds.add("cr")
    return kinds


@hypothesis.given(text=st.binary(max_size=12).map(lambda raw: bytes(b"a\r\n"[b % 3] for b in raw)),
                  carried=st.booleans(), at_end=st.booleans())
def test_line_end_kinds_are_those_of_each_byte(text, carried, at_end):
    hypothesis.assume(text or not carried)
    assert line_end_kinds(text, carried, at_end) == line_ends_byte_by_byte(text, carried, at_end)
