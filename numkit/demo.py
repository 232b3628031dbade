"""A fake but realistic VOSS Automate number inventory, for demos, tests and benchmarks.

``generate(out_dir)`` writes, in the VOSS export layout:

- ``hierarchy.csv``  (Hierarchy, Type): provider, customers, regional intermediates, sites;
- ``numbers.csv``    (Internal Number, Located At, Status, Usage, Reserved For, Used By,
  Release Date, Reservation Notes, Description): site DID ranges, customer-level DID pools
  and customer-level extensions that overlap between customers;
- ``users.csv``      (Username, Located At): the active users today;
- ``history/users-YYYY-MM-DD.csv``: earlier users snapshots. Loading them oldest first, each
  with the current numbers and hierarchy, then the current files, records the deletions;
- ``manifest.json``  the snapshot dates and the history files, oldest first.
- ``numkit demo`` writes as well, with numkit.next_week.generate, ``next-week/``: the
  export of a week later, answering the decisions of the README's round trip.

Every phone number is fictitious: Ofcom's drama ranges, the US 555-01xx block, and beyond
those the unassigned country code +999. The data always contains the cases the rules are
about: Cust-1 with Site-A/B/C and the seed user ``u.okafor`` reserved at Site-A,
Site-B and Cust-1 but not active; a stranded reservation; reservations of deleted and
never-onboarded users; due, future and stuck cooling; ended, running and indefinite
reservations. Everything is drawn from one seeded generator with array operations, so the
same arguments give byte-identical files and 10 million numbers take seconds.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from . import codes, rulebook
from .demo_sizes import MAX_SITES, MIN_SITES

AS_OF = dt.date(2026, 11, 23)
HISTORY_DAYS_BEFORE = (150, 60, 10)          # the earlier users snapshots, oldest first
PROVIDER = "sys.hcs.Prov-1"
SEED_USER = "u.okafor"                       # the seed example's user "u"

NUMBER_HEADERS = ["Internal Number", "Located At", "Status", "Usage", "Reserved For",
                  "Used By", "Release Date", "Reservation Notes", "Description"]
STATUSES = list(rulebook.status_names())
AVAILABLE, USED, USED_UTILITY, RESERVED, COOLING, INACTIVE = (     # codes into STATUSES
    STATUSES.index(status) for status in (codes.AVAILABLE, codes.USED, codes.USED_UTILITY,
                                          codes.RESERVED, codes.COOLING, codes.INACTIVE))

# Three kinds of number range. Extensions and pools live at the customer node, so every
# site of the customer sees them; DIDs live at a site.
EXTENSION, POOL, SITE_DID = range(3)
STATUS_SHARES = {                        # each status's share of a kind's rows, per kind
    codes.AVAILABLE: (0.36, 0.55, 0.33),
    codes.USED: (0.48, 0.20, 0.45),
    codes.USED_UTILITY: (0.04, 0.05, 0.05),
    codes.RESERVED: (0.04, 0.10, 0.06),
    codes.COOLING: (0.06, 0.05, 0.07),
    codes.INACTIVE: (0.02, 0.05, 0.04),
}
HELD_BY_USER = np.array([0.85, 0.10, 0.80])  # share of Used rows held by a person, per kind;
                                             # the rest are devices and hunt groups
SITES_PER_CUSTOMER, SITES_PER_REGION = 50, 12
REGIONS = ["North", "South", "East", "West", "Central"]
MIN_SITE_NUMBERS, MIN_EXTENSIONS, MIN_POOL = 8, 6, 3   # room for the planted cases below
EXTENSION_SHARE, POOL_SHARE, MAX_EXTENSIONS = 0.25, 0.10, 9000  # 4 digits from 1000
HOLDERS_PER_DID = 0.3

# Fictitious ranges as E.164 digits (first number, size): Ofcom drama numbers for sites,
# the US 555-0100..0199 block for customer pools; +999 (unassigned) when they run out.
UK_DRAMA = [(442079460000, 1000), (441134960000, 1000), (441144960000, 1000),
            (441154960000, 1000), (441164960000, 1000), (441174960000, 1000),
            (441184960000, 1000), (441214960000, 1000), (441314960000, 1000),
            (441414960000, 1000), (441514960000, 1000), (441614960000, 1000),
            (441914980000, 1000), (442896496000, 1000), (442920180000, 1000),
            (441632960000, 1000)]
US_FICTION = [(12025550100, 100), (12125550100, 100), (13125550100, 100),
              (14155550100, 100), (16175550100, 100)]
UNASSIGNED_CC = 99900000000000

# People. Holders are active throughout and are the only users holding numbers: each
# history file is loaded with today's numbers.csv, whose Used By must name active users.
(HOLDER, JOINED_BEFORE_60, JOINED_BEFORE_10, JOINED_RECENTLY, RETURNED,
 DELETED_60, DELETED_10, DELETED_TODAY, NEVER_ONBOARDED) = range(9)
PRESENCE = np.array([   # in the snapshots (-150, -60, -10 days, today), per role
    [1, 1, 1, 1], [0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 1, 1],
    [1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]], bool)
ROLE_SHARES = [0, .02, .02, .01, .005, .02, .02, .02, .02]   # relative to holders
RESERVATIONS_PER_PERSON = [(0, 0), (0, 1), (0, 1), (0, 1), (1, 2), (1, 3), (1, 3), (1, 3), (1, 2)]

FIRST_NAMES = ["Aisha", "Ben", "Chloe", "Daniel", "Emma", "Farah", "George", "Hannah",
               "Imran", "Jack", "Karen", "Liam", "Maya", "Noah", "Olivia", "Priya", "Rosa",
               "Sam", "Tom", "Uma", "Victor", "Wei", "Yusuf", "Zoe", "Amir", "Grace",
               "Kwame", "Lucia", "Mohammed", "Niamh", "Oscar", "Sofia", "Tariq", "Ewa"]
SURNAMES = ["Smith", "Jones", "Khan", "Patel", "Williams", "Brown", "Taylor", "Davies",
            "Evans", "Wilson", "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Hughes",
            "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis", "Clarke", "Turner",
            "Scott", "Cooper", "Morris", "Ward", "King", "Baker", "Morgan", "Nguyen",
            "Garcia", "Kowalski", "Murphy", "Singh", "Ali", "Hussain", "Chen", "Lopez",
            "Rossi", "Novak", "Silva", "Mensah", "Osei", "Ahmed", "Kaur", "Fischer",
            "Dubois", "Jensen", "Nowak", "Tanaka", "Kim", "Park"]
# jsmith, j.smith, JSmith (mixed case), john.smith, John.Smith
NAME_FORMAT_SHARES = [0.40, 0.30, 0.08, 0.17, 0.05]

USAGES = ["", "Device", "Line", "Hunt Group"]
NO_USAGE, DEVICE, LINE, HUNT_GROUP = range(4)
DESCRIPTION_GROUPS = {
    "user": ["", "", "", "Desk phone", "Softphone"],
    "device": ["Reception", "Conference room 1", "Conference room 2", "Boardroom",
               "Lobby phone", "Kitchen", "Training room", "Meeting room 3", "Print room"],
    "hunt": ["Sales hunt group", "Service desk", "Accounts hunt group", "HR enquiries"],
    "utility": ["Lift emergency phone", "Fire alarm panel", "Door entry", "Fax",
                "Alarm line", "Car park intercom", "Switchboard"],
    "inactive": ["Ported out", "Pending port-in", "Decommissioned"],
}
DESCRIPTIONS = [""] + [d for group in DESCRIPTION_GROUPS.values() for d in group]
FIRST_DESCRIPTION = dict(zip(DESCRIPTION_GROUPS, np.cumsum(
    [1] + [len(group) for group in DESCRIPTION_GROUPS.values()][:-1])))
NOTE_GROUPS = {
    "colleague": ["", "", "Temporary hold", "VIP - keep number"],
    "starter": ["Held for new starter", "Held for new starter", "New starter - date TBC"],
    "leaver": ["Returning from leave", "Maternity leave", "Leaver - hold for manager", ""],
    "returning": ["Returning from leave"],
    "moved": ["Kept after move"],
    "project": ["", "Call centre expansion", "Reserved for project Phoenix",
                "Hold for porting", "Temporary hold"],
}
NOTES = list(dict.fromkeys(["", *(n for group in NOTE_GROUPS.values() for n in group)]))
NOTES_BY_ROLE = ["colleague", "starter", "starter", "starter", "returning",
                 "leaver", "leaver", "leaver", "starter"]


def generate(out_dir, numbers=400, sites=6, seed=1, as_of=AS_OF) -> dict:
    """Write a fake inventory into out_dir; return the manifest plus counts."""
    as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    tree, rows, people = draw(numbers, sites, seed)
    return _write(Path(out_dir), tree, rows, people, as_of)


def draw(numbers, sites, seed):
    """(tree, rows, people) of a fake inventory: the hierarchy, the number rows as arrays
    and the people, all drawn from one generator seeded with `seed`."""
    if sites < MIN_SITES:
        raise ValueError(f"sites must be at least {MIN_SITES} "
                         "(Cust-1 has Site-A/B/C, Cust-2 two more)")
    if sites > MAX_SITES:
        raise ValueError(f"sites must be at most {MAX_SITES:,}")
    # refused before the hierarchy is built: its size is the sites asked for
    _enough_numbers(numbers, sites, _customers(sites))
    rng = np.random.default_rng(seed)
    tree = _hierarchy(sites)
    rows = _number_rows(tree, numbers, rng)
    people = _people(tree, rows, rng)
    _statuses_and_holders(rows, people, rng)
    _reservations(tree, rows, people, rng)
    _plant_rule_examples(tree, rows, people)
    _dates_notes_and_descriptions(rows, rng)
    return tree, rows, people


def _letters(i):
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style site labels."""
    label = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        label = chr(65 + r) + label
    return label


def _customers(n_sites):
    return max(2, round(n_sites / SITES_PER_CUSTOMER))


def _enough_numbers(numbers, n_sites, n_customers):
    """The fewest numbers for that many sites and customers; ValueError when `numbers` is fewer."""
    n_min = MIN_SITE_NUMBERS * n_sites + (MIN_EXTENSIONS + MIN_POOL) * n_customers
    if numbers < n_min:
        raise ValueError(f"numbers must be at least {n_min} for {n_sites} sites ({MIN_SITE_NUMBERS} a "
                         f"site, and {MIN_EXTENSIONS + MIN_POOL} for each of their {n_customers} "
                         "customers)")
    return n_min


def _hierarchy(n_sites):
    n_customers = _customers(n_sites)
    nodes = [("sys", ""), ("sys.hcs", ""), (PROVIDER, "Provider")]
    customers, site_paths, site_customer = [], [], []
    for c in range(n_customers):
        customer = f"{PROVIDER}.Cust-{c + 1}"
        customers.append(customer)
        nodes.append((customer, "Customer"))
        n = n_sites // n_customers + (c < n_sites % n_customers)
        # Odd customers are flat; even ones keep a head-office site at the top and group
        # the rest into regions, so visibility runs over an intermediate level.
        regional = c % 2 == 1
        for k in range(n):
            parent = customer
            if regional and k > 0:
                r = (k - 1) // SITES_PER_REGION
                parent = f"{customer}.{REGIONS[r] if r < len(REGIONS) else f'Region-{r + 1}'}"
                if (k - 1) % SITES_PER_REGION == 0:
                    nodes.append((parent, "Intermediate"))
            site_paths.append(f"{parent}.Site-{_letters(len(site_paths))}")
            site_customer.append(c)
            nodes.append((site_paths[-1], "Site"))
    site_customer = np.array(site_customer)
    sites_of = np.bincount(site_customer, minlength=n_customers)
    return dict(nodes=nodes, customers=customers, sites=site_paths,
                site_customer=site_customer, customer_sites_n=sites_of,
                customer_first_site=np.cumsum(sites_of) - sites_of)


def _number_rows(tree, numbers, rng):
    n_sites, n_customers = len(tree["sites"]), len(tree["customers"])
    n_min = _enough_numbers(numbers, n_sites, n_customers)
    weight = 1 + 0.6 * rng.random(n_sites)          # sites differ in size
    customer_share = np.bincount(tree["site_customer"], weight) / weight.sum()
    spare = numbers - n_min
    ext_n = MIN_EXTENSIONS + np.minimum((spare * EXTENSION_SHARE * customer_share).astype(int),
                                        MAX_EXTENSIONS - MIN_EXTENSIONS)
    pool_n = MIN_POOL + (spare * POOL_SHARE * customer_share).astype(int)
    left = numbers - ext_n.sum() - pool_n.sum() - MIN_SITE_NUMBERS * n_sites
    site_n = MIN_SITE_NUMBERS + (left * weight / weight.sum()).astype(int)
    site_n[: numbers - ext_n.sum() - pool_n.sum() - site_n.sum()] += 1

    # Owners are the ranges, customer by customer: extensions, pool, then its sites, so a
    # customer's rows and its customer-level rows are each one contiguous slice.
    kind, size, site, customer, base = [], [], [], [], []
    uk, us, unassigned = list(UK_DRAMA), list(US_FICTION), UNASSIGNED_CC
    for c in range(n_customers):
        first = tree["customer_first_site"][c]
        members = range(first, first + tree["customer_sites_n"][c])
        for k, n, s in [(EXTENSION, ext_n[c], -1), (POOL, pool_n[c], -1),
                        *((SITE_DID, site_n[s], s) for s in members)]:
            kind.append(k), size.append(n), site.append(s), customer.append(c)
            if k == EXTENSION:
                base.append(1000)
                continue
            fits = [b for b in (us + uk if k == POOL else uk) if b[1] >= n]
            if fits:
                (us if fits[0] in us else uk).remove(fits[0])
                base.append(fits[0][0])
            else:                                    # whole thousand blocks, like real DIDs
                unassigned = -(-unassigned // 1000) * 1000
                base.append(unassigned)
                unassigned += n
    kind, size, site, customer, base = map(np.array, (kind, size, site, customer, base))
    start = np.cumsum(size) - size

    owner = np.repeat(np.arange(len(size)), size)
    offset = np.arange(numbers) - start[owner]
    value = base[owner] + offset
    # Cust-2 keeps three legacy zero-led extensions (0100-0102) before its 1000 block.
    cust2_ext = owner == np.flatnonzero(kind == EXTENSION)[1]
    value[cust2_ext] = np.where(offset[cust2_ext] < 3, 100, 997) + offset[cust2_ext]
    row_kind, row_site, row_customer = kind[owner], site[owner], customer[owner]
    node = np.where(row_site >= 0, row_site, n_sites + row_customer)
    return dict(
        n=numbers, kind=row_kind, site=row_site, customer=row_customer, node=node, value=value,
        site_first=start[kind == SITE_DID], site_n=size[kind == SITE_DID],
        ext_first=start[kind == EXTENSION], pool_first=start[kind == POOL],
        customer_level_n=ext_n + pool_n,
        # filled in by the later steps; codes into STATUSES, USAGES, NOTES, DESCRIPTIONS,
        # person numbers (-1: nobody), release dates as days from as_of
        status=np.zeros(numbers, np.int8), used_by=np.full(numbers, -1),
        reserved_for=np.full(numbers, -1), lower_reserved_for=np.zeros(numbers, bool),
        note=np.zeros(numbers, np.int64), days=np.zeros(numbers, np.int64),
        dated=np.zeros(numbers, bool), usage=np.zeros(numbers, np.int64),
        description=np.zeros(numbers, np.int64), planted=np.zeros(numbers, bool))


def _people(tree, rows, rng):
    n_sites = len(tree["sites"])
    holders_n = np.maximum(2, np.round(HOLDERS_PER_DID * rows["site_n"])).astype(int)
    holders = holders_n.sum()
    role_n = [max(1, round(holders * share)) for share in ROLE_SHARES]
    role_n[HOLDER] = holders
    role = np.repeat(np.arange(len(role_n)), role_n)
    holder_site = np.repeat(np.arange(n_sites), holders_n)
    others_site = holder_site[rng.integers(holders, size=len(role) - holders)]
    site = np.concatenate([holder_site, others_site])
    # The seed user, the first non-holder, left Site-B 60 days ago.
    seed_user = holders
    role = np.insert(role, seed_user, DELETED_60)
    site = np.insert(site, seed_user, 1)

    fmt = rng.choice(len(NAME_FORMAT_SHARES), size=len(role), p=NAME_FORMAT_SHARES)
    fmt[0] = 2                                # Site-A's first holder is mixed case (JSmith)
    first = rng.integers(len(FIRST_NAMES), size=len(role))
    last = rng.integers(len(SURNAMES), size=len(role))
    given = [[f[0].lower() for f in FIRST_NAMES], [f[0].lower() for f in FIRST_NAMES],
             [f[0] for f in FIRST_NAMES], [f.lower() for f in FIRST_NAMES], FIRST_NAMES]
    lower_surnames = [s.lower() for s in SURNAMES]
    family = [lower_surnames, lower_surnames, SURNAMES, lower_surnames, SURNAMES]
    name = pc.binary_join_element_wise(
        pa.array(sum(given, [])).take(fmt * len(FIRST_NAMES) + first),
        pa.array(["", ".", "", ".", "."]).take(fmt),
        pa.array(sum(family, [])).take(fmt * len(SURNAMES) + last), "")
    name = pc.if_else(np.arange(len(role)) == seed_user, SEED_USER, name)
    return dict(role=role, site=site, name=_unique_case_insensitively(name, seed_user),
                holders_n=holders_n, holder_first=np.cumsum(holders_n) - holders_n,
                seed_user=seed_user)


def _unique_case_insensitively(name, keep):
    """Suffix 2, 3, ... to later repeats of a name (jsmith, JSmith -> jsmith, JSmith2).

    Names are letters and dots only, so a digit suffix never makes a new clash; `keep`
    is ranked first so that it stays as given.
    """
    n = len(name)
    order = np.r_[keep, np.delete(np.arange(n), keep)]
    codes = pc.dictionary_encode(pc.utf8_lower(name.take(order))).indices.to_numpy()
    by_code = np.argsort(codes, kind="stable")
    group_start = np.r_[0, np.flatnonzero(np.diff(codes[by_code])) + 1]
    rank = np.empty(n, np.int64)
    rank[order[by_code]] = np.arange(n) - np.repeat(group_start, np.diff(np.r_[group_start, n]))
    suffix = pa.array(rank + 1).cast(pa.string())
    return pc.if_else(rank > 0, pc.binary_join_element_wise(name, suffix, ""), name)


def _shares_in_status_order():
    """STATUS_SHARES as an array, a row per status in the statuses table's order: a draw
    picks the status whose span of the cumulative shares it falls in, taken in that order."""
    missing = set(STATUSES) ^ set(STATUS_SHARES)
    if missing:
        raise ValueError(f"STATUS_SHARES and the statuses table differ on {sorted(missing)}")
    return np.array([STATUS_SHARES[status] for status in STATUSES])


def _statuses_and_holders(rows, people, rng):
    n, kind, site = rows["n"], rows["kind"], rows["site"]
    status = np.empty(n, np.int8)
    draw = rng.random(n)
    for k, shares in enumerate(_shares_in_status_order().T):
        at = kind == k
        status[at] = np.minimum(np.searchsorted(np.cumsum(shares), draw[at], side="right"),
                                len(STATUSES) - 1)
    held = np.flatnonzero((status == USED) & (rng.random(n) < HELD_BY_USER[kind]))
    # A site's numbers go to its own holders; customer-level ones to any holder of the
    # customer (holders are ordered by site, sites by customer): always visible.
    holders_n, holder_first = people["holders_n"], people["holder_first"]
    site_customer = rows["customer"][rows["site_first"]]
    customer_holders_n = np.bincount(site_customer, holders_n)
    customer_holder_first = np.cumsum(customer_holders_n) - customer_holders_n
    at_site, s, c = site[held] >= 0, site[held], rows["customer"][held]
    first = np.where(at_site, holder_first[s], customer_holder_first[c])
    count = np.where(at_site, holders_n[s], customer_holders_n[c])
    rows["status"][:] = status
    rows["used_by"][held] = first + (rng.random(len(held)) * count).astype(np.int64)


def _reservations(tree, rows, people, rng):
    role, person_site = people["role"], people["site"]
    lo, hi = np.array(RESERVATIONS_PER_PERSON).T
    wants = rng.integers(lo[role], hi[role] + 1)
    wants[role == HOLDER] = rng.random((role == HOLDER).sum()) < 0.08  # a colleague's number
    wants[people["seed_user"]] = 0                   # planted instead
    person = np.repeat(np.arange(len(role)), wants)
    s, c = person_site[person], tree["site_customer"][person_site[person]]
    draw = rng.random(len(person))
    at_site = rng.random(len(person)) < 0.6
    row = np.where(at_site, rows["site_first"][s] + (draw * rows["site_n"][s]).astype(int),
                   rows["ext_first"][c] + (draw * rows["customer_level_n"][c]).astype(int))
    note_group = np.array(NOTES_BY_ROLE)[role[person]]

    # A few holders keep a reservation at another site of their customer, as after a
    # site-to-site move: stranded reservations.
    movers = np.flatnonzero((role == HOLDER) & (rng.random(len(role)) < 0.004))
    mc = tree["site_customer"][person_site[movers]]
    sites_n, first_site = tree["customer_sites_n"][mc], tree["customer_first_site"][mc]
    movers, mc, sites_n, first_site = (a[sites_n > 1] for a in (movers, mc, sites_n, first_site))
    step = 1 + (rng.random(len(movers)) * (sites_n - 1)).astype(int)
    other = first_site + (person_site[movers] - first_site + step) % sites_n
    moved_row = rows["site_first"][other] + (
        rng.random(len(movers)) * rows["site_n"][other]).astype(int)

    person = np.r_[person, movers]
    row = np.r_[row, moved_row]
    note_group = np.r_[note_group, np.full(len(movers), "moved")]
    row, first = np.unique(row, return_index=True)   # one reservation per row: first wins
    person, note_group = person[first], note_group[first]
    note = np.zeros(len(row), np.int64)
    for group, notes in NOTE_GROUPS.items():
        at = note_group == group
        codes = np.array([NOTES.index(x) for x in notes])
        note[at] = codes[rng.integers(len(notes), size=at.sum())]
    # A flagged number is one the person held or was promised: no longer in use.
    rows["status"][row] = rng.choice([AVAILABLE, RESERVED, COOLING], size=len(row),
                                     p=[.6, .25, .15])
    rows["used_by"][row] = -1
    rows["reserved_for"][row] = person
    rows["note"][row] = note
    # Some users' own numbers carry their flag too, sometimes in another case (JDoe/jdoe).
    own = np.flatnonzero((rows["used_by"] >= 0) & (rng.random(rows["n"]) < 0.1))
    rows["reserved_for"][own] = rows["used_by"][own]
    rows["lower_reserved_for"][own] = rng.random(len(own)) < 0.3


def _plant_rule_examples(tree, rows, people):
    """The cases the rules talk about, at fixed places, whatever the seed and size."""
    site_first, holder_first = rows["site_first"], people["holder_first"]
    site_a, site_b, site_c = site_first[0], site_first[1], site_first[2]
    mixed_case_holder, mover = holder_first[0], holder_first[0] + 1
    never = np.flatnonzero(people["role"] == NEVER_ONBOARDED)[0]
    never_customer = tree["site_customer"][people["site"][never]]

    def plant(row, status, used_by=-1, reserved_for=-1, note="", days=None,
              usage=None, description=None, lower=False):
        rows["status"][row], rows["used_by"][row] = status, used_by
        rows["reserved_for"][row], rows["lower_reserved_for"][row] = reserved_for, lower
        rows["note"][row] = NOTES.index(note)
        rows["dated"][row], rows["days"][row] = days is not None, days or 0
        rows["usage"][row] = USAGES.index(usage) if usage is not None else 0
        rows["description"][row] = DESCRIPTIONS.index(description) if description else 0
        rows["planted"][row] = True

    # Seed example: u.okafor (deleted) has numbers at Site-A, Site-B and Cust-1.
    seed = people["seed_user"]
    for row in (site_a, site_b, rows["ext_first"][0] + 2):
        plant(row, AVAILABLE, reserved_for=seed, note="Returning from leave")
    plant(site_a + 1, USED, used_by=mixed_case_holder, reserved_for=mixed_case_holder,
          lower=True, usage="Line")
    plant(site_a + 2, USED, usage="Device", description="Reception")
    plant(site_c, AVAILABLE, reserved_for=mover, note="Kept after move")    # stranded
    plant(rows["pool_first"][never_customer], AVAILABLE, reserved_for=never,
          note="Held for new starter")
    # Cooling around the 20-day look-back of VOSS's expiry job.
    for k, days in enumerate([-20, 5, 45, None, -21]):
        plant(site_b + 1 + k, COOLING, days=days)
    for k, days in enumerate([30, -5, None]):
        plant(site_c + 1 + k, RESERVED, days=days, note="Call centre expansion")
    plant(site_c + 4, INACTIVE, description="Ported out")
    plant(rows["ext_first"][1], USED_UTILITY, usage="Device", description="Switchboard")


def _dates_notes_and_descriptions(rows, rng):
    status, free = rows["status"], ~rows["planted"]
    draw = rng.random(rows["n"])
    cooling = np.flatnonzero(free & (status == COOLING))
    c = draw[cooling]      # due 45%, later 25%, stuck: long past 15%, no date 15%
    rows["days"][cooling] = np.select(
        [c < .45, c < .70], [rng.integers(-20, 11, len(c)), rng.integers(11, 91, len(c))],
        rng.integers(-400, -20, len(c)))
    rows["dated"][cooling] = c < .85
    reserved = np.flatnonzero(free & (status == RESERVED))
    r = draw[reserved]     # running 45%, ended 20%, indefinite 35%
    rows["days"][reserved] = np.where(r < .45, rng.integers(1, 181, len(r)),
                                      rng.integers(-120, 0, len(r)))
    rows["dated"][reserved] = r < .65
    unnoted = reserved[rows["note"][reserved] == 0]
    projects = np.array([NOTES.index(x) for x in NOTE_GROUPS["project"]])
    rows["note"][unnoted] = projects[rng.integers(len(projects), size=len(unnoted))]

    held = rows["used_by"] >= 0
    used = free & (status == USED)
    draw = rng.random(rows["n"])
    hunt = used & ~held & np.where(rows["kind"] == POOL, draw < .6, draw < .2)
    device = used & ~held & ~hunt
    line = used & held & (draw < .75)
    rows["usage"][used & held] = DEVICE
    rows["usage"][line], rows["usage"][hunt] = LINE, HUNT_GROUP
    rows["usage"][device | (free & (status == USED_UTILITY))] = DEVICE
    for group, at in [("user", used & held), ("hunt", hunt), ("device", device),
                      ("utility", free & (status == USED_UTILITY)),
                      ("inactive", free & (status == INACTIVE))]:
        rows["description"][at] = FIRST_DESCRIPTION[group] + rng.integers(
            len(DESCRIPTION_GROUPS[group]), size=at.sum())


def _text(codes, vocabulary):
    """Codes into a vocabulary as an arrow string column; code 0 ("") or -1 is empty."""
    return pa.array(vocabulary).take(pa.array(codes, mask=codes <= 0))


def _write_csv(table, path):
    # No quoting: every value is digits, letters, dots, spaces, dashes or "\+".
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none", quoting_header="none"))


CSV_SLICE = 5_000_000


def _numbers_table(rows, node_paths, names, as_of):
    digits = pa.array(rows["value"]).cast(pa.string())
    number = pc.if_else(rows["kind"] == EXTENSION, pc.utf8_lpad(digits, 4, "0"),
                        pc.binary_join_element_wise("\\+", digits, ""))
    reserved_for = names.take(pa.array(rows["reserved_for"], mask=rows["reserved_for"] < 0))
    reserved_for = pc.if_else(rows["lower_reserved_for"], pc.utf8_lower(reserved_for),
                              reserved_for)
    epoch_days = (as_of - dt.date(1970, 1, 1)).days + rows["days"]
    columns = [number, node_paths.take(rows["node"]),
               _text(rows["status"] + 1, [""] + STATUSES),
               _text(rows["usage"], USAGES), reserved_for,
               names.take(pa.array(rows["used_by"], mask=rows["used_by"] < 0)),
               pa.array(epoch_days.astype(np.int32), mask=~rows["dated"]).cast(pa.date32()),
               _text(rows["note"], NOTES), _text(rows["description"], DESCRIPTIONS)]
    return pa.table(columns, names=NUMBER_HEADERS)


def _write_hierarchy(tree, path):
    _write_csv(pa.table({"Hierarchy": [p for p, _ in tree["nodes"]],
                         "Type": [t for _, t in tree["nodes"]]}), path)


def _write_numbers(rows, tree, names, as_of, path):
    """numbers.csv of `rows`, release dates counted in days from `as_of`."""
    node_paths = pa.array(tree["sites"] + tree["customers"])
    # written a slice at a time: one text column of 100 million numbers would not fit the
    # 2 GB an arrow string array can hold, and slices keep the memory down
    writer = None
    for start in range(0, rows["n"], CSV_SLICE):
        part = {key: value[start:start + CSV_SLICE] if isinstance(value, np.ndarray) else value
                for key, value in rows.items()}
        table = _numbers_table(part, node_paths, names, as_of)
        if writer is None:
            writer = pacsv.CSVWriter(path, table.schema, write_options=pacsv.WriteOptions(
                quoting_style="none", quoting_header="none"))
        writer.write_table(table)
    writer.close()


def _write_users(tree, usernames, sites, path):
    """users.csv: each username at its site (an index into tree["sites"])."""
    _write_csv(pa.table({"Username": usernames, "Located At": pa.array(tree["sites"]).take(sites)}),
               path)


def _by_site(people):
    """People in users-file order: by site, then as drawn."""
    return np.lexsort((np.arange(len(people["role"])), people["site"]))


def _write(out, tree, rows, people, as_of):
    (out / "history").mkdir(parents=True, exist_ok=True)
    _write_hierarchy(tree, out / "hierarchy.csv")
    names = people["name"]
    _write_numbers(rows, tree, names, as_of, out / "numbers.csv")

    by_site = _by_site(people)
    present = PRESENCE[people["role"][by_site]]
    snapshots = [as_of - dt.timedelta(days=d) for d in HISTORY_DAYS_BEFORE]
    history = [{"as_of": day.isoformat(), "users": f"history/users-{day.isoformat()}.csv"}
               for day in snapshots]
    for k, path in enumerate([h["users"] for h in history] + ["users.csv"]):
        who = by_site[present[:, k]]
        _write_users(tree, names.take(who), people["site"][who], out / path)
    manifest = {"as_of": as_of.isoformat(), "history": history}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")

    role = people["role"]
    counts = {
        "nodes": len(tree["nodes"]), "customers": len(tree["customers"]),
        "sites": len(tree["sites"]), "numbers": rows["n"],
        "by_status": {s: int((rows["status"] == k).sum()) for k, s in enumerate(STATUSES)},
        "users": int(PRESENCE[role, -1].sum()),
        "deleted_users": int((PRESENCE[role, :-1].any(1) & ~PRESENCE[role, -1]).sum()),
        "never_onboarded": int((role == NEVER_ONBOARDED).sum()),
    }
    return {**manifest, "counts": counts}
