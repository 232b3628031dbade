"""An export a load accepts with a hostile value in every text column, as two snapshots.

Loads refuse NUL and bytes that are not UTF-8; everything else in a cell is accepted (found
by trying): control characters, escape sequences, `$...$`, backslashes, HTML, emoji,
right-to-left overrides, a byte-order mark, U+FFFE, line breaks, values of any length. Each
value below holds those, and each reaches a report table: held for a leaver and for someone
never onboarded, stuck cooling, stranded, a node of the utilization chart, and the changes
between the two snapshots.
"""

import csv

import numkit

# NEL (\x85) is whitespace, which a load trims from the ends of a cell: it stays inside
CONTROLS = "\x01\x07\x1b[2J\x85\x7f"
ODD = "$_$ \\n <script>alert(1)</script> 😀 \u202eevil\u202c \ufeff\ufffe"


def hostile(tag):
    return f"{tag}{CONTROLS}{ODD}"


CUSTOMER = "sys.hcs.Prov-1.Cust$1$<i>" + CONTROLS
LAB = f"{CUSTOMER}.Lab$_$1{CONTROLS}😀\u202e"      # a site: a bar of the utilization chart
SITE_B = f"{CUSTOMER}.Site-B"
LEAVER, GHOST, MOVER, STARTER, NEWFLAG = (hostile(tag) for tag in
                                          ("leaver", "ghost", "mover", "starter", "newflag"))
FORMULA_NOTE = "=cmd|' /C calc'!A0" + CONTROLS + "\nsecond line"
LONG_DESCRIPTION = hostile("long") + "x" * 40_000     # more than a spreadsheet cell holds
EXTRA_HEADER = hostile("extra")

NUMBER_COLUMNS = ["Internal Number", "Located At", "Status", "Usage", "Reserved For", "Used By",
                  "Release Date", "Reservation Notes", "Description", EXTRA_HEADER]


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _numbers(week):
    row = dict.fromkeys(NUMBER_COLUMNS, "")
    rows = [
        {**row, "Internal Number": "1001", "Located At": LAB, "Status": "Available",
         "Reserved For": LEAVER, "Reservation Notes": FORMULA_NOTE, "Usage": hostile("usage"),
         EXTRA_HEADER: hostile("extra value")},
        {**row, "Internal Number": "1002", "Located At": LAB, "Status": "Available",
         "Reserved For": GHOST, "Reservation Notes": hostile("note")},
        {**row, "Internal Number": "1003", "Located At": LAB, "Status": "Cooling",
         "Reserved For": GHOST, "Description": LONG_DESCRIPTION},
        {**row, "Internal Number": "1004", "Located At": LAB, "Status": "Reserved",
         "Reserved For": MOVER},
        {**row, "Internal Number": "1005", "Located At": SITE_B, "Status": "Used",
         "Used By": MOVER, "Description": hostile("desk")},
        {**row, "Internal Number": "1006", "Located At": SITE_B, "Status": "Available",
         "Reserved For": NEWFLAG if week == 2 else ""},
    ]
    return [[r[column] for column in NUMBER_COLUMNS] for r in rows]


def build(folder, database):
    """Load the two snapshots into `database` (a path); return the database."""
    folder.mkdir(parents=True, exist_ok=True)
    hierarchy = _write(folder / "hierarchy.csv", ["Hierarchy", "Type"],
                       [["sys.hcs.Prov-1", "Provider"], [CUSTOMER, "Customer"], [LAB, "Site"],
                        [SITE_B, "Site"]])
    with numkit.connect(database) as inv:
        for week, as_of in ((1, "2026-11-23"), (2, "2026-11-30")):
            users = [[MOVER, SITE_B]] + ([[LEAVER, LAB]] if week == 1 else [[STARTER, LAB]])
            inv.load(_write(folder / f"numbers-{week}.csv", NUMBER_COLUMNS, _numbers(week)),
                     users=_write(folder / f"users-{week}.csv", ["Username", "Located At"], users),
                     hierarchy=hierarchy, as_of=as_of)
    return database
