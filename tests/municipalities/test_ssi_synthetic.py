"""Synthetic SSI lists: what the demo, the benchmarks and the import tests feed the system."""

import csv
import datetime
import random
from collections import Counter

import pytest
from stdnum.dk import cpr as stdnum_cpr

from municipalities.ssi.reader import Row, RowError, open_ssi_file
from municipalities.ssi.synthetic import (
    GROUP_AGES,
    HEADER,
    synthetic_cpr,
    write_national_file,
    write_next_week,
)
from outreach.cpr import birth_date, validate


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def rows_of(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def test_it_makes_valid_cpr_numbers_that_no_one_born_then_was_given():
    rng = random.Random(3)
    for _ in range(5_000):
        born = datetime.date(1858, 1, 1) + datetime.timedelta(days=rng.randrange(36_000))

        number = synthetic_cpr(rng, born)

        assert validate(number) == number
        assert birth_date(number) == born  # the seventh digit gives the right century
        assert stdnum_cpr.checksum(number) != 0  # fails the pre-2007 modulus-11 check


def test_it_uses_every_century_digit_a_birth_year_allows():
    rng = random.Random(4)

    def digits(born):
        return {synthetic_cpr(rng, born)[6] for _ in range(400)}

    assert digits(datetime.date(1936, 5, 1)) == set("0123")
    assert digits(datetime.date(1937, 5, 1)) == set("012349")
    assert digits(datetime.date(1890, 5, 1)) == set("5678")


@pytest.mark.parametrize("born", [datetime.date(1957, 1, 1), datetime.date(1857, 12, 31)])
def test_it_refuses_birth_dates_outside_the_target_groups_and_the_cpr(born):
    with pytest.raises(ValueError):
        synthetic_cpr(random.Random(1), born)


def test_it_writes_a_national_list_the_reader_reads(tmp_path):
    path = tmp_path / "national.csv"

    counts = write_national_file(path, rows=3_000, seed=9, bad_fraction=0.05)

    assert path.read_text(encoding="utf-8").splitlines()[0] == ";".join(HEADER)
    assert counts["rows"] == 3_000
    assert 100 < counts["bad"] + counts["duplicates"] < 200
    assert counts["bad"] > 0 and counts["duplicates"] > 0
    items = list(open_ssi_file(path, require_municipality_code=True).rows())
    assert len(items) == 3_000
    assert sum(isinstance(item, RowError) for item in items) == counts["bad"]
    repeated = Counter(item.cpr for item in items if isinstance(item, Row))
    assert sum(n - 1 for n in repeated.values()) == counts["duplicates"]


def test_it_spoils_rows_in_every_way_a_real_list_is_spoilt(tmp_path):
    path = tmp_path / "national.csv"
    write_national_file(path, rows=2_000, seed=2, bad_fraction=0.1)

    reasons = [
        item.reason
        for item in open_ssi_file(path, require_municipality_code=True).rows()
        if isinstance(item, RowError)
    ]

    assert any("CPR number" in reason for reason in reasons)
    assert any("invitation date" in reason for reason in reasons)
    assert any('target group "13"' in reason for reason in reasons)


def test_it_fills_the_list_with_citizens_of_fitting_ages_in_every_municipality(tmp_path):
    path = tmp_path / "national.csv"
    write_national_file(path, rows=2_000, seed=5, bad_fraction=0)

    rows = rows_of(path)

    assert {row["municipality_code"] for row in rows} >= {"101", "147", "751", "860"}
    assert len({row["municipality_code"] for row in rows}) == 98
    assert {row["target_group"] for row in rows} == {"2", "3", "5", "7", "8", "9"}
    for row in rows:
        assert row["cpr"][6] == "-"
        born = birth_date(validate(row["cpr"]))
        youngest, oldest = GROUP_AGES[int(row["target_group"])]
        assert youngest <= age_on(born, datetime.date.fromisoformat(row["invited_on"])) <= oldest
        assert born.year < 1957
        assert len(row["name"].split()) >= 2
        assert row["postcode"] and row["city"] and row["address"]
    assert len({row["cpr"] for row in rows}) == 2_000  # no duplicates unless asked for


def test_it_cycles_over_the_municipalities_it_is_given_with_any_delimiter(tmp_path):
    path = tmp_path / "two.csv"

    write_national_file(path, rows=10, municipality_codes=["101", "751"], delimiter=",")

    items = list(open_ssi_file(path, require_municipality_code=True).rows())
    assert [row.municipality_code for row in items] == ["101", "751"] * 5


def test_it_writes_the_same_list_for_the_same_seed(tmp_path):
    write_national_file(tmp_path / "a.csv", rows=500, seed=42)
    write_national_file(tmp_path / "b.csv", rows=500, seed=42)
    write_national_file(tmp_path / "c.csv", rows=500, seed=43)

    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()


def test_it_writes_next_weeks_list_from_this_weeks(tmp_path):
    week9, week10 = tmp_path / "week9.csv", tmp_path / "week10.csv"
    write_national_file(week9, rows=4_000, seed=1, bad_fraction=0)

    counts = write_next_week(week9, week10, seed=2, changed=0.1, new=0.05, dropped=0.2)

    before = {row["cpr"]: row for row in rows_of(week9)}
    after = rows_of(week10)
    assert counts["rows"] == len(after) == 4_000 - counts["dropped"] + counts["new"]
    assert 600 < counts["dropped"] < 1_000
    assert 250 < counts["changed"] < 550
    assert 120 < counts["new"] < 300
    kept = [row for row in after if row["cpr"] in before]
    new = [row for row in after if row["cpr"] not in before]
    assert len(kept) == 4_000 - counts["dropped"]
    assert len(new) == counts["new"]
    assert len({row["cpr"] for row in after}) == len(after)  # new citizens get new numbers
    changed = [row for row in kept if row != before[row["cpr"]]]
    assert len(changed) == counts["changed"]
    for row in changed:
        differs = {key for key in HEADER if row[key] != before[row["cpr"]][key]}
        assert differs in ({"phone"}, {"address"})
    invited = {datetime.date.fromisoformat(row["invited_on"]) for row in new}
    assert min(invited) > max(datetime.date.fromisoformat(r["invited_on"]) for r in kept)
    items = list(open_ssi_file(week10, require_municipality_code=True).rows())
    assert all(isinstance(item, Row) for item in items)


def test_it_keeps_new_citizens_unique_over_several_weeks(tmp_path):
    weeks = [tmp_path / f"week{n}.csv" for n in range(4)]
    write_national_file(weeks[0], rows=1_000, seed=1, bad_fraction=0)
    seen = {row["cpr"] for row in rows_of(weeks[0])}
    for n in range(1, 4):
        counts = write_next_week(weeks[n - 1], weeks[n], seed=n, new=0.3)
        new = {row["cpr"] for row in rows_of(weeks[n])} - seen
        assert len(new) == counts["new"]
        seen |= new
