"""Reference data arrives by data migration from the repo's own copy of the sources."""

import csv
from pathlib import Path

import pytest

from outreach.models import Municipality, Postcode, Region, TargetGroup

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "outreach" / "data"


def test_it_loads_five_regions_98_municipalities_and_1086_postcodes():
    assert Region.objects.count() == 5
    assert Municipality.objects.count() == 98
    assert Postcode.objects.count() == 1086


def test_it_places_municipalities_in_their_regions():
    expected = {
        "101": "1084",
        "147": "1084",
        "751": "1082",
        "461": "1083",
        "851": "1081",
        "400": "1084",
        "360": "1085",
    }
    for code, region_code in expected.items():
        assert Municipality.objects.get(code=code).region.code == region_code
    counts = {r.code: r.municipalities.count() for r in Region.objects.all()}
    assert counts == {"1081": 11, "1082": 19, "1083": 22, "1084": 29, "1085": 17}


def test_it_gives_every_postcode_a_point_in_denmark():
    postcode = Postcode.objects.get(code="8000")
    assert (postcode.name, postcode.municipality.code) == ("Aarhus C", "751")
    outside = Postcode.objects.exclude(latitude__range=(54.5, 57.8), longitude__range=(8.0, 15.2))
    assert not outside.exists()


def test_it_keeps_leading_zero_free_codes_as_text():
    assert Postcode.objects.get(code="1050").municipality.name == "København"


def test_it_loads_the_twelve_target_groups_with_the_outreach_ones_marked():
    assert list(TargetGroup.objects.values_list("number", flat=True)) == list(range(1, 13))
    outreach = TargetGroup.objects.filter(in_outreach_scheme=True)
    assert set(outreach.values_list("number", flat=True)) == {2, 3, 5, 7, 8, 9}
    assert TargetGroup.objects.get(number=3).name == "Personer på 85 år og derover"
    assert all(group.definition for group in TargetGroup.objects.all())


def test_it_keeps_the_sources_beside_its_copy_of_the_data():
    assert "DAGI2014" in (DATA / "SOURCES.md").read_text()
    with open(DATA / "postcodes.csv", encoding="utf-8") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 1086
