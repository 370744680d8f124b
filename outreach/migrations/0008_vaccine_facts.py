"""The three COVID-19 vaccines of the outreach scheme and their dated rules, as of March 2021.

Sources: the products' summaries of product characteristics (EMA, as in force in March 2021), the
Danish Health Authority's guidance on the extended outreach scheme (Sundhedsstyrelsen, "Udvidet
udkørende ordning", March 2021) and its announcements on dose intervals and on pausing
AstraZeneca. Later changes are made by the national administrator on the rules page, not here.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SST_OUTREACH = "Sundhedsstyrelsen, udvidet udkørende ordning (marts 2021)"

PRODUCTS = [
    {
        "code": "comirnaty",
        "name": "Comirnaty (BioNTech/Pfizer)",
        "is_mrna": True,
        "doses_per_vial": 6,
        "hours_after_opening": 6,
        "storage_after_opening": "2-30 °C",
        "transportable_after_opening": True,
        "needs_dilution": True,
        "diluent_ml_per_vial": Decimal("1.8"),
        "low_dead_volume_syringes": True,
        "interval_min_days": 21,
        "interval_recommended_days": 21,
        "interval_max_days": 42,
        "source": "EMA, Comirnaty SmPC (6 doses with low-dead-volume syringes, 1.8 ml sodium "
        "chloride 9 mg/ml per vial, 6 hours after dilution at 2-30 °C); Sundhedsstyrelsen: "
        "dose 2 up to 6 weeks after dose 1 (January 2021).",
    },
    {
        "code": "moderna",
        "name": "COVID-19 Vaccine Moderna",
        "is_mrna": True,
        "doses_per_vial": 10,
        "hours_after_opening": 6,
        "storage_after_opening": "2-25 °C",
        "transportable_after_opening": False,
        "needs_dilution": False,
        "diluent_ml_per_vial": Decimal("0"),
        "low_dead_volume_syringes": False,
        "interval_min_days": 28,
        "interval_recommended_days": 28,
        "interval_max_days": 42,
        "source": "EMA, COVID-19 Vaccine Moderna SmPC (10 doses per vial, 6 hours after the "
        "first puncture at 2-25 °C); Sundhedsstyrelsen: dose 2 up to 6 weeks after dose 1.",
    },
    {
        "code": "astrazeneca",
        "name": "COVID-19 Vaccine AstraZeneca",
        "is_mrna": False,
        "doses_per_vial": 10,
        "hours_after_opening": 48,
        "storage_after_opening": "6 h at up to 30 °C, or 48 h at 2-8 °C",
        "transportable_after_opening": True,
        "needs_dilution": False,
        "diluent_ml_per_vial": Decimal("0"),
        "low_dead_volume_syringes": False,
        "interval_min_days": 28,
        "interval_recommended_days": 84,
        "interval_max_days": 84,
        "source": "EMA, COVID-19 Vaccine AstraZeneca SmPC (10-dose vials, also 8-dose vials; "
        "after opening 6 hours at up to 30 °C or 48 hours at 2-8 °C; dose 2 after 4-12 weeks).",
    },
]

# (product, pathway, target group or None, allowed, valid from, valid to, source)
RULES = [
    ("comirnaty", "site", None, True, date(2020, 12, 27), None, "EMA marketing authorisation "
     "21 December 2020; first vaccinations in Denmark 27 December 2020."),
    ("comirnaty", "popup", None, True, date(2021, 3, 5), None, SST_OUTREACH + ": pop-ups may "
     "use Comirnaty when enough citizens are gathered to avoid waste."),
    ("comirnaty", "home", None, True, date(2021, 3, 5), None, SST_OUTREACH + ": home "
     "vaccination with products that can be transported after opening; Comirnaty may be used "
     "regardless of the citizen's age."),
    ("moderna", "site", None, True, date(2021, 1, 13), None, "EMA marketing authorisation "
     "6 January 2021; first deliveries to Denmark January 2021."),
    ("moderna", "popup", None, True, date(2021, 3, 5), None, SST_OUTREACH + ": pop-ups may "
     "use Moderna when enough citizens are gathered to avoid waste."),
    ("moderna", "home", None, False, date(2021, 3, 5), None, SST_OUTREACH + ": Moderna may "
     "not be transported after the first puncture, so it is not used for home vaccination."),
    ("astrazeneca", "site", None, True, date(2021, 2, 8), None, "EMA marketing authorisation "
     "29 January 2021; first deliveries to Denmark February 2021."),
    ("astrazeneca", "popup", None, True, date(2021, 3, 5), None, SST_OUTREACH + "."),
    ("astrazeneca", "home", None, True, date(2021, 3, 5), None, SST_OUTREACH + ": AstraZeneca "
     "may be used for home vaccination regardless of the citizen's age."),
    ("astrazeneca", "home", 5, False, date(2021, 3, 5), None, SST_OUTREACH + ": AstraZeneca "
     "is not used for target group 5."),
    ("astrazeneca", "popup", 5, False, date(2021, 3, 5), None, SST_OUTREACH + ": AstraZeneca "
     "is not used for target group 5."),
    ("astrazeneca", "site", 5, False, date(2021, 2, 8), None, "Sundhedsstyrelsen: "
     "AstraZeneca is not used for target group 5."),
    ("astrazeneca", "home", None, False, date(2021, 3, 11), None, "Sundhedsstyrelsen "
     "11 March 2021: vaccination with AstraZeneca paused in Denmark."),
    ("astrazeneca", "popup", None, False, date(2021, 3, 11), None, "Sundhedsstyrelsen "
     "11 March 2021: vaccination with AstraZeneca paused in Denmark."),
    ("astrazeneca", "site", None, False, date(2021, 3, 11), None, "Sundhedsstyrelsen "
     "11 March 2021: vaccination with AstraZeneca paused in Denmark."),
]  # fmt: skip


def load(apps, schema_editor):
    VaccineProduct = apps.get_model("outreach", "VaccineProduct")
    VaccineRule = apps.get_model("outreach", "VaccineRule")
    products = {}
    for facts in PRODUCTS:
        code = facts["code"]
        products[code], _ = VaccineProduct.objects.update_or_create(
            code=code, defaults={k: v for k, v in facts.items() if k != "code"}
        )
    for code, pathway, group, allowed, valid_from, valid_to, source in RULES:
        VaccineRule.objects.get_or_create(
            product=products[code],
            pathway=pathway,
            target_group_id=group,
            allowed=allowed,
            valid_from=valid_from,
            defaults={"valid_to": valid_to, "source": source},
        )


def unload(apps, schema_editor):
    apps.get_model("outreach", "VaccineRule").objects.all().delete()
    apps.get_model("outreach", "VaccineProduct").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0007_vaccines")]
    operations = [migrations.RunPython(load, unload)]
