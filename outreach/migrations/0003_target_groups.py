"""The twelve target groups of the Danish COVID-19 vaccination programme, as in the Danish Health
Authority's prioritisation of early 2021 (Sundhedsstyrelsen, "Vaccination mod COVID-19 -
målgrupper og prioritering"). Groups 2, 3, 5, 7, 8 and 9 are in the outreach scheme: SSI lists
their invited-but-unbooked citizens to the municipalities every week (the scheme's guidance of
March 2021, MISSION.md)."""

from django.db import migrations

OUTREACH = {2, 3, 5, 7, 8, 9}

TARGET_GROUPS = [
    (
        1,
        "Personer der bor i plejebolig",
        "Beboere i plejeboliger, plejehjem og tilsvarende boliger med døgnpleje.",
    ),
    (
        2,
        "Personer over 65 år der modtager både praktisk hjælp og personlig pleje",
        "Personer på 65 år og derover, der bor i eget hjem og modtager både praktisk hjælp og "
        "personlig pleje efter serviceloven.",
    ),
    (
        3,
        "Personer på 85 år og derover",
        "Alle personer, der er fyldt 85 år, og som ikke allerede er omfattet af målgruppe 1 eller 2.",
    ),
    (
        4,
        "Personale i sundheds-, ældre- og udvalgte dele af socialsektoren",
        "Personale med direkte kontakt til patienter eller borgere med øget risiko, fx i "
        "sygehusvæsenet, ældreplejen og udvalgte dele af socialsektoren.",
    ),
    (
        5,
        "Udvalgte personer med tilstande og sygdomme der medfører særligt høj risiko",
        "Personer med tilstande og sygdomme, der giver særligt høj risiko for et alvorligt forløb "
        "med COVID-19, fx udvalgte kræftpatienter, organtransplanterede og personer med svært "
        "nedsat immunforsvar. Udpeges af den behandlende læge.",
    ),
    (
        6,
        "Udvalgte pårørende til personer med særligt øget risiko",
        "Nære pårørende til personer med særligt øget risiko, som ikke selv kan opnå tilstrækkelig "
        "beskyttelse ved vaccination.",
    ),
    (7, "Personer på 80-84 år", "Alle personer, der er fyldt 80 år, men ikke 85 år."),
    (8, "Personer på 75-79 år", "Alle personer, der er fyldt 75 år, men ikke 80 år."),
    (9, "Personer på 65-74 år", "Alle personer, der er fyldt 65 år, men ikke 75 år."),
    (
        10,
        "Personer under 65 år med tilstande der medfører øget risiko",
        "Personer under 65 år med kroniske sygdomme eller tilstande, der medfører øget risiko for "
        "et alvorligt forløb med COVID-19.",
    ),
    (
        11,
        "Udvalgte personer i samfundskritiske funktioner",
        "Personer, der varetager udvalgte samfundskritiske funktioner, hvor vaccination er "
        "nødvendig for at opretholde funktionen.",
    ),
    (
        12,
        "Resten af befolkningen over 16 år",
        "Øvrige personer på 16 år og derover, der ønsker vaccination, i aldersgrupper fra de "
        "ældste til de yngste.",
    ),
]


def load(apps, schema_editor):
    TargetGroup = apps.get_model("outreach", "TargetGroup")
    for number, name, definition in TARGET_GROUPS:
        TargetGroup.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "definition": definition,
                "in_outreach_scheme": number in OUTREACH,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("outreach", "TargetGroup").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0002_reference_data")]
    operations = [migrations.RunPython(load, unload)]
