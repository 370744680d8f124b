"""Regions, municipalities and postcodes from the repo's copy of the reference data
(``outreach/data``, sources in ``outreach/data/SOURCES.md``), and the national authorities."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def load(apps, schema_editor):
    Region = apps.get_model("outreach", "Region")
    Municipality = apps.get_model("outreach", "Municipality")
    Postcode = apps.get_model("outreach", "Postcode")
    NationalBody = apps.get_model("outreach", "NationalBody")

    regions = {
        row["code"]: Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )[0]
        for row in rows("regions.csv")
    }
    municipalities = {
        row["code"]: Municipality.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "region": regions[row["region_code"]]}
        )[0]
        for row in rows("municipalities.csv")
    }
    Postcode.objects.bulk_create(
        [
            Postcode(
                code=row["postcode"],
                name=row["name"],
                latitude=Decimal(row["lat"]),
                longitude=Decimal(row["lon"]),
                municipality=municipalities[row["municipality_code"]],
            )
            for row in rows("postcodes.csv")
        ],
        ignore_conflicts=True,
    )
    for code, name in (("SST", "Sundhedsstyrelsen"), ("SSI", "Statens Serum Institut")):
        NationalBody.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    for model in ("Postcode", "Municipality", "Region", "NationalBody"):
        apps.get_model("outreach", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
