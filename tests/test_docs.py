"""The project's rules document is what code and tests cite: every citation names a section
that exists, every numbered rule is cited by a test, and the README points at it."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NUMBERED = re.compile(r"^## R(\d+) ", re.MULTILINE)
HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)
ANCHOR = re.compile(r"docs/(rules|interface)\.md#([A-Za-z0-9_-]+)")
# "rules R7", "rules R26, R30", "rules R18 to R21", "rules R3 and R9"
BY_NUMBER = re.compile(r"\brules (R\d+(?:(?:, | and | to )R\d+)*)")
BARE_NAME = re.compile(r"(?<![\w/])(rules|interface|roundtrip)\.md\b")


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as `-`."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def anchors(document):
    return {slug(heading) for heading in HEADING.findall((DOCS / document).read_text())}


def numbers_cited(text):
    """Every rule number a citation names, a range `R18 to R21` counting each within it."""
    cited = set()
    for match in ANCHOR.finditer(text):
        found = re.fullmatch(r"r(\d+)-.*", match.group(2))
        if match.group(1) == "rules" and found:
            cited.add(int(found.group(1)))
    for match in BY_NUMBER.finditer(text):
        parts = re.split(r"(, | and | to )", match.group(1))
        numbers = [int(part[1:]) for part in parts[::2]]
        cited.update(numbers)
        for joint, (low, high) in zip(parts[1::2], zip(numbers, numbers[1:])):
            if joint == " to ":
                cited.update(range(low, high + 1))
    return cited


def sources(*folders):
    """The project's code and tests that may cite the rules (this file aside)."""
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".sql") and path != Path(__file__).resolve():
                yield path


def numbered_sections():
    return [int(n) for n in NUMBERED.findall((DOCS / "rules.md").read_text())]


def test_rules_are_numbered_once_each_in_order():
    numbers = numbered_sections()
    assert numbers, "docs/rules.md has no numbered section"
    assert numbers == sorted(set(numbers))


def test_every_citation_names_a_section_that_exists():
    documents = {"rules": anchors("rules.md"), "interface": anchors("interface.md")}
    numbers = set(numbered_sections())
    wrong = []
    for path in sources("numkit", "tests"):
        text = path.read_text()
        for match in ANCHOR.finditer(text):
            if match.group(2) not in documents[match.group(1)]:
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in BY_NUMBER.finditer(text):
            missing = sorted(numbers_cited(match.group(0)) - numbers)
            if missing:
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)} (no R{missing[0]})")
    assert not wrong


def test_every_numbered_rule_is_cited_by_a_test():
    cited = set()
    for path in sources("tests"):
        cited |= numbers_cited(path.read_text())
    assert [f"R{n}" for n in numbered_sections() if n not in cited] == []


def test_no_citation_of_documents_outside_the_repository():
    stray = [f"{path.relative_to(ROOT)}: {match.group(0)}"
             for path in sources("numkit", "tests", "benchmarks")
             for match in BARE_NAME.finditer(path.read_text())]
    assert not stray


@pytest.mark.parametrize("document", ["rules.md", "interface.md"])
def test_links_between_the_documents_lead_somewhere(document):
    text = (DOCS / document).read_text()
    wrong = []
    for target, anchor in re.findall(r"\]\(((?:rules|interface)\.md)?#([^)]+)\)", text):
        if anchor not in anchors(target or document):
            wrong.append(f"{target or document}#{anchor}")
    assert not wrong


def test_the_readme_summary_points_at_the_rules_document():
    readme = (ROOT / "README.md").read_text()
    summary = readme.split("## The rules, in short", 1)[1].split("\n## ", 1)[0]
    assert "(docs/rules.md)" in summary


def test_a_citation_is_read_as_the_rules_it_names():
    assert numbers_cited("see rules R18 to R21 and rules R3") == {3, 18, 19, 20, 21}
    assert numbers_cited("docs/rules.md#r7-time-and-effective-status, rules R26, R30") == {7, 26, 30}
    assert slug("R21 Clean up leavers' reservations") == "r21-clean-up-leavers-reservations"
