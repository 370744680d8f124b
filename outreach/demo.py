"""The demo world: two regions, three municipalities, four GP practices and one user per role.

Loaded by ``manage.py load_demo`` on the embedded default. Idempotent: loading it again changes
nothing and gives the same logins. Only ever loaded in demo mode (never in production).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from outreach import services, twofactor
from outreach.models import (
    Municipality,
    NationalBody,
    Postcode,
    Region,
    User,
    VaccinatorOrganisation,
)
from outreach.roles import Role

DEMO_PASSWORD = "vaccine-demo-2021"  # noqa: S105 - printed on purpose, demo mode only  # nosec B105

REGIONS = {"1084": "hovedstaden", "1082": "midtjylland"}
MUNICIPALITIES = {"101": "koebenhavn", "147": "frederiksberg", "751": "aarhus"}
# Fictional practices at real postcodes; codes are made-up provider numbers.
PRACTICES = [
    ("990101", "Lægerne på Nørrebrogade", "1084", "Nørrebrogade 52", "2200", "noerrebro"),
    ("990102", "Lægehuset Frederiksberg", "1084", "Gammel Kongevej 120", "1850", "frederiksberg"),
    ("990201", "Lægerne i Viby", "1082", "Skanderborgvej 190", "8260", "viby"),
    ("990202", "Lægehuset Trøjborg", "1082", "Tordenskjoldsgade 20", "8200", "troejborg"),
]
NATIONAL = {"SST": "sst"}

# (role, organisation kind) -> a fictional person's name, for readable demo accounts.
NAMES = {
    Role.CASEWORKER: ("Signe", "Sagsbehandler"),
    Role.LEAD: ("Lone", "Leder"),
    Role.COORDINATOR: ("Kasper", "Koordinator"),
    Role.VACCINATOR: ("Lise", "Læge"),
    Role.ADMINISTRATOR: ("Anders", "Administrator"),
    Role.AUDITOR: ("Rikke", "Revisor"),
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str


def _user(username: str, role: str, place: str, password_hash: str) -> User:
    first, last = NAMES[role]
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={"first_name": first, "last_name": f"{last} ({place})"},
        create_defaults={
            "first_name": first,
            "last_name": f"{last} ({place})",
            "password": password_hash,
        },
    )
    return user


@transaction.atomic
def demo_world_load() -> list[DemoLogin]:
    """Create or refresh the demo world and return one login per demo user."""
    if not settings.DEMO_MODE:
        raise RuntimeError("The demo world is only loaded in demo mode (never in production).")
    logins: list[DemoLogin] = []
    # One hash for every demo account: hashing is deliberately slow, twenty times over is not.
    password_hash = make_password(DEMO_PASSWORD)

    def grant(username: str, role: str, organisation, place: str) -> None:
        user = _user(username, role, place, password_hash)
        services.membership_grant(user=user, role=role, organisation=organisation)
        # Every demo role needs a second factor: its code is shown on the verification page.
        twofactor.demo_authenticator_ensure(user=user)
        logins.append(DemoLogin(username, Role(role).label, str(organisation)))

    for code, slug in MUNICIPALITIES.items():
        municipality = Municipality.objects.get(code=code)
        for role in (Role.CASEWORKER, Role.LEAD, Role.AUDITOR):
            grant(f"{slug}.{role}", role, municipality, municipality.name)
    for code, slug in REGIONS.items():
        region = Region.objects.get(code=code)
        for role in (Role.COORDINATOR, Role.AUDITOR):
            grant(f"{slug}.{role}", role, region, region.name)
    for code, name, region_code, street, postcode, slug in PRACTICES:
        practice, _created = VaccinatorOrganisation.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "region": Region.objects.get(code=region_code),
                "street": street,
                "postcode": Postcode.objects.get(code=postcode),
                "phone": f"70 10 {code[2:4]} {code[4:]}",
            },
        )
        grant(f"gp.{slug}", Role.VACCINATOR, practice, name)
    for code, slug in NATIONAL.items():
        body = NationalBody.objects.get(code=code)
        for role in (Role.ADMINISTRATOR, Role.AUDITOR):
            grant(f"{slug}.{role}", role, body, body.code)

    # One caseworker who works for two municipalities and switches between them.
    for code in ("101", "147"):
        grant("shared.caseworker", Role.CASEWORKER, Municipality.objects.get(code=code), "KK/FRB")

    admin, _created = User.objects.update_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True},
        create_defaults={"is_staff": True, "is_superuser": True, "password": password_hash},
    )
    twofactor.demo_authenticator_ensure(user=admin)
    logins.append(DemoLogin("admin", "Django admin (operations)", "-"))
    return logins


def actor_demo_load() -> list[str]:
    """Each actor app's part of the demo world, in the order imports flow (kernel first).

    An app takes part by having a ``demo`` module with ``load(municipality_codes)``; the kernel
    finds it by name, so it never imports an actor app itself.
    """
    notes: list[str] = []
    for config in apps.get_app_configs():
        if config.name == "outreach" or not module_has_submodule(config.module, "demo"):
            continue
        module = import_module(f"{config.name}.demo")
        notes.extend(module.load(list(MUNICIPALITIES)))
    return notes
