"""Synthetic SSI lists for tests, the demo and benchmarks: realistic in shape, nobody's data.

``write_national_file`` writes a national weekly list (one row per invited, unbooked citizen, all
98 municipalities) with a small share of bad rows of the kinds real lists have; ``write_next_week``
turns a list into the following week's. Both stream (memory stays flat in the number of rows) and
are deterministic for a seed. Every CPR number follows ``synthetic_cpr``'s rule, which is why
none of them should be the number a real person born on that date was given.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import random
from collections import deque
from functools import lru_cache
from pathlib import Path

from stdnum.dk.cpr import checksum

DATA = Path(__file__).resolve().parents[2] / "outreach" / "data"
HEADER = [
    "cpr",
    "name",
    "target_group",
    "invited_on",
    "municipality_code",
    "address",
    "postcode",
    "city",
    "phone",
]
# Ages (at the invitation) that fit each target group SSI lists (MISSION.md). Group 5 is "any
# adult", but a synthetic CPR must be of someone born before 1957, so it is 65+ here as well.
GROUP_AGES = {2: (65, 104), 3: (85, 104), 5: (65, 99), 7: (80, 84), 8: (75, 79), 9: (65, 74)}
_GROUP_WEIGHTS = {2: 6, 3: 14, 5: 10, 7: 20, 8: 25, 9: 25}
_LATEST_BIRTH = datetime.date(1956, 12, 31)
_DEFAULT_WEEK = datetime.date(2021, 2, 22)  # a Monday; lists of the week of 1 March 2021

_MEN = (  # noqa: SIM905 (words read best as words)
    "Hans Jens Niels Poul Peter Jørgen Erik Knud Svend Bent Ole Kurt Leif Preben Finn Arne "
    "Henning Verner Aage Børge Karl Frede Carl Ejnar Kaj Mogens Flemming Ib Holger Egon "
    "Gunnar Viggo Johannes Bjarne Orla Tage Erling Axel Christian Otto"
).split()
_WOMEN = (  # noqa: SIM905 (words read best as words)
    "Anna Karen Inger Kirsten Else Ellen Grethe Birthe Ruth Edith Gerda Lis Hanne Bodil "
    "Jytte Ingrid Gudrun Dorthe Ebba Lilly Erna Marie Elly Esther Astrid Tove Ulla Aase "
    "Jonna Gunhild Ester Margrethe Agnete Henny Vibeke Lone Rigmor Elin Dagmar Sonja"
).split()
_LAST_NAMES = (  # noqa: SIM905 (words read best as words)
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen "
    "Knudsen Jakobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Schmidt Eriksen Holm "
    "Kristiansen Clausen Simonsen Svendsen Andreasen Iversen Jeppesen Mogensen Jacobsen "
    "Vestergaard Nissen Lauridsen Kjær Jepsen Skov Østergaard Dam Bach Kjeldsen"
).split()
_STREETS = (  # noqa: SIM905 (words read best as words)
    "Vestergade Østergade Nørregade Søndergade Algade Kirkevej Skolevej Møllevej Bakkevej "
    "Stationsvej Parkvej Skovvej Engvej Birkevej Egevej Bøgevej Lindevej Rosenvej Havnegade "
    "Strandvejen Jernbanegade Torvegade Nygade Kongevejen Mosevej Æblehaven Fasanvej Grønnegade"
).split()
_FLOORS = ("", "", "", ", st. tv.", ", 1. th.", ", 2. tv.", ", 3. mf.")


def synthetic_cpr(rng: random.Random, born: datetime.date) -> str:
    """A valid CPR number (per ``outreach.cpr.validate``) for ``born`` that no real person born
    then was given before 2007.

    Until 2007 every CPR number was issued so that it passed the modulus-11 check
    (``stdnum.dk.cpr.checksum(number) == 0``); only when some birth dates ran out of such numbers
    did the CPR office start issuing numbers that fail it. The target groups are 65+, so ``born``
    must be before 1957, and the four-digit sequence is chosen so that the number *fails* the
    check: it cannot be the number a person born on that date received at birth. (Someone born
    then who was registered in 2007 or later, e.g. on immigrating, may hold such a number, so the
    files are test data all the same and must not be sent anywhere.) The first sequence digit
    gives the century, as ``stdnum.dk.cpr.get_birth_date`` reads it: 0-3 for 1900-1999, 4 and 9
    for 1937-1999, 5-8 for 1858-1899.
    """
    digits = _century_digits(born.year)
    head = born.strftime("%d%m%y")
    while True:
        number = f"{head}{rng.choice(digits)}{rng.randrange(1000):03d}"
        if checksum(number) != 0:
            return number


@lru_cache(maxsize=256)
def _century_digits(year: int) -> str:
    if year >= _LATEST_BIRTH.year + 1:
        raise ValueError("Synthetic CPR numbers are for people born before 1957.")
    if year >= 1900:
        return "012349" if year % 100 >= 37 else "0123"
    if year >= 1858:
        return "5678"
    raise ValueError("A CPR number cannot hold a birth year before 1858.")


class _Numbers:
    """Unique synthetic CPR numbers, streaming: the k-th number of each birth date in a band.

    ``k`` maps one-to-one onto (century digit, last three digits) by a fixed permutation, so
    numbers never repeat by chance. A national list takes ``k`` from the first band; the new
    citizens of each later week take theirs from that week's own band (``for_week``), so they
    never get the number of someone on an earlier list, even one who has since booked and left it,
    for a year of weekly lists.
    """

    _STEP = 379  # coprime with 1000: k -> last three digits is a permutation
    _NATIONAL = 1500  # k per birth date for a national list (a million rows use about 200)
    _WEEKLY = 50  # k per birth date for one week's new citizens
    _WEEKS = 50  # weekly bands: 1500 + 50 * 50 = 4000, the k of the years with 4 century digits

    def __init__(self, first: int = 0, end: int = _NATIONAL):
        self.first, self.end = first, end
        self.next_k: dict[int, int] = {}

    @classmethod
    def for_week(cls, week: datetime.date) -> _Numbers:
        band = week.toordinal() // 7 % cls._WEEKS
        first = cls._NATIONAL + band * cls._WEEKLY
        return cls(first, first + cls._WEEKLY)

    def issue(self, born: datetime.date) -> str:
        ordinal = born.toordinal()
        digits = _century_digits(born.year)
        k = self.next_k.get(ordinal, self.first)
        head = born.strftime("%d%m%y")
        while True:
            if k >= self.end:
                raise ValueError(f"No synthetic CPR numbers left for people born on {born}.")
            j, i = divmod(k, len(digits))
            k += 1
            number = f"{head}{digits[i]}{(j * self._STEP + ordinal * 7) % 1000:03d}"
            if checksum(number) != 0:
                self.next_k[ordinal] = k
                return number


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Citizens:
    """Draws invented citizens: name, group, a birth date that fits it, address and phone."""

    def __init__(self, rng: random.Random, invited_week: datetime.date, numbers: _Numbers):
        self.rng = rng
        self.numbers = numbers
        self.days = [invited_week + datetime.timedelta(days=n) for n in range(7)]
        self.groups = list(_GROUP_WEIGHTS)
        self.weights = list(_GROUP_WEIGHTS.values())
        self.births = {}
        for day in self.days:
            for group, (youngest, oldest) in GROUP_AGES.items():
                latest = min(_years_before(day, youngest), _LATEST_BIRTH).toordinal()
                earliest = _years_before(day, oldest + 1).toordinal() + 1
                if earliest > latest:
                    raise ValueError("Synthetic citizens must be born before 1957.")
                self.births[day, group] = (earliest, latest)
        self.postcodes = _postcodes()

    def draw(self, municipality_code: str) -> list[str]:
        rng = self.rng
        group = rng.choices(self.groups, self.weights)[0]
        invited_on = self.days[rng.randrange(7)]
        born = datetime.date.fromordinal(rng.randint(*self.births[invited_on, group]))
        number = self.numbers.issue(born)
        first = rng.choice(_MEN if int(number[-1]) % 2 else _WOMEN)
        if rng.random() < 0.2:
            first += " " + rng.choice(_MEN if int(number[-1]) % 2 else _WOMEN)
        postcode, city = rng.choice(self.postcodes.get(municipality_code) or self.postcodes["101"])
        return [
            f"{number[:6]}-{number[6:]}",
            f"{first} {rng.choice(_LAST_NAMES)}",
            str(group),
            invited_on.isoformat(),
            municipality_code,
            self.address(),
            postcode,
            city,
            self.phone(),
        ]

    def address(self) -> str:
        rng = self.rng
        return f"{rng.choice(_STREETS)} {rng.randint(1, 120)}{rng.choice(_FLOORS)}"

    def phone(self) -> str:
        return "" if self.rng.random() < 0.1 else str(self.rng.randrange(20_000_000, 99_999_999))


@lru_cache(maxsize=1)
def _municipality_codes() -> tuple[str, ...]:
    with (DATA / "municipalities.csv").open(encoding="utf-8", newline="") as file:
        return tuple(row["code"] for row in csv.DictReader(file))


@lru_cache(maxsize=1)
def _postcodes() -> dict[str, list[tuple[str, str]]]:
    by_code: dict[str, list[tuple[str, str]]] = {}
    with (DATA / "postcodes.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            by_code.setdefault(row["municipality_code"], []).append((row["postcode"], row["name"]))
    return by_code


def _spoil(rng: random.Random, row: list[str], recent: deque[str]) -> str:
    """Make ``row`` bad in one of the ways real lists are; the kind, or "duplicate"."""
    kind = rng.choice(("cpr", "date", "group", "duplicate"))
    if kind == "duplicate" and recent:
        row[0] = rng.choice(recent)
        return "duplicate"
    if kind == "cpr":
        day, rest = row[0][:2], row[0][2:]
        row[0] = rng.choice((f"32{rest}", row[0][:-1], f"{day}AB{rest[2:]}", row[0] + "7"))
    elif kind == "date":
        row[3] = rng.choice(("2021-02-30", "31.02.2021", "29-02-2021", "2021-13-01"))
    else:
        row[2] = "13"
    return "bad"


def write_national_file(
    path: str | Path,
    *,
    rows: int,
    seed: int = 1,
    bad_fraction: float = 0.01,
    municipality_codes: list[str] | None = None,
    delimiter: str = ";",
    invited_week: datetime.date = _DEFAULT_WEEK,
) -> dict:
    """Write a national list of ``rows`` citizens; return {"rows", "bad", "duplicates"}.

    About ``bad_fraction`` of the rows are spoilt: an invalid CPR number, an impossible invitation
    date or target group 13 (counted in ``bad``: the reader reports each of them), or the CPR
    number of an earlier row (counted in ``duplicates``: valid rows that the import de-duplicates).
    Municipality codes cycle over ``municipality_codes`` (all 98 by default); invitation dates
    fall in the week starting ``invited_week``.
    """
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)  # nosec B311
    codes = list(municipality_codes or _municipality_codes())
    citizens = _Citizens(rng, invited_week, _Numbers())
    recent: deque[str] = deque(maxlen=1000)
    counts = {"rows": rows, "bad": 0, "duplicates": 0}
    with Path(path).open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=delimiter, lineterminator="\n")
        writer.writerow(HEADER)
        batch = []
        for index in range(rows):
            row = citizens.draw(codes[index % len(codes)])
            if rng.random() < bad_fraction:
                kind = _spoil(rng, row, recent)
                counts["duplicates" if kind == "duplicate" else "bad"] += 1
            else:
                recent.append(row[0])
            batch.append(row)
            if len(batch) == 10_000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
    return counts


def write_next_week(
    source_path: str | Path,
    path: str | Path,
    *,
    seed: int,
    changed: float = 0.05,
    new: float = 0.05,
    dropped: float = 0.05,
) -> dict:
    """Next week's list from ``source_path`` (a list this module wrote), streaming.

    Of the rows, about ``dropped`` are left out (the citizens booked on their own), ``changed``
    get a new phone number or address, and ``new`` citizens invited a week later are added, in
    the same municipalities. Returns {"rows", "changed", "new", "dropped"}.
    """
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)  # nosec B311
    latest = datetime.date.min
    with Path(source_path).open(encoding="utf-8", newline="") as file:
        header = file.readline()
        delimiter = max((";", ",", "\t"), key=header.count)
        file.seek(0)
        for row in csv.DictReader(file, delimiter=delimiter):
            with contextlib.suppress(ValueError):  # a spoilt row's impossible date
                latest = max(latest, datetime.date.fromisoformat(row["invited_on"]))
    week = (latest if latest > datetime.date.min else _DEFAULT_WEEK) + datetime.timedelta(days=1)
    citizens = _Citizens(rng, week, _Numbers.for_week(week))
    counts = {"rows": 0, "changed": 0, "new": 0, "dropped": 0}
    with (
        Path(source_path).open(encoding="utf-8", newline="") as source,
        Path(path).open("w", encoding="utf-8", newline="") as target,
    ):
        reader = csv.reader(source, delimiter=delimiter)
        writer = csv.writer(target, delimiter=delimiter, lineterminator="\n")
        columns = next(reader)
        writer.writerow(columns)
        address_at, phone_at = columns.index("address"), columns.index("phone")
        code_at = columns.index("municipality_code")
        for row in reader:
            roll = rng.random()
            if roll < dropped:
                counts["dropped"] += 1
            else:
                if roll < dropped + changed:
                    at, draw = rng.choice(
                        ((phone_at, citizens.phone), (address_at, citizens.address))
                    )
                    value = row[at]
                    while value in ("", row[at]):
                        value = draw()
                    row[at] = value
                    counts["changed"] += 1
                writer.writerow(row)
                counts["rows"] += 1
            if rng.random() < new:
                writer.writerow(citizens.draw(row[code_at]))
                counts["new"] += 1
                counts["rows"] += 1
    return counts
