"""A world for the API's tests, with something for every role to read and do: København's tasks
(and Aarhus's, which København must not see), a route list published to the Nørrebro practice and
a pop-up session it runs today, stock in Hovedstaden's store, a vaccination record for the
registry export, and an API token for each role's user."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rest_framework.authtoken.models import Token

from municipalities.models import ContactTask, SsiListImport
from outreach.models import Citizen, NationalBody, User, VaccinationRecord
from outreach.roles import Role
from regions.models import PopupSession, SessionBooking
from regions.services import sessions, stock
from tests.factories import persona
from tests.municipalities.casework import citizen_tasks
from tests.outreach.records import vaccinated
from tests.regions import world
from tests.vaccinators.routes import published_route
from vaccinators.models import RouteList, RouteStop


def token_for(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


# Path parameters of each group of operations, and the dictionary of real values each draws
# from: half of the generated requests name an object that exists (in scope or not).
PARAMETERS = {
    "^/api/v1/municipalities/[^/]+/tasks/[^/]+/$": {"code": "municipalities", "id": "tasks"},
    "^/api/v1/municipalities/[^/]+/citizens/": {"code": "municipalities", "id": "citizens"},
    "^/api/v1/municipalities/[^/]+/(tasks|cpr-search)/$": {"code": "municipalities"},
    "^/api/v1/vaccinators/[^/]+/route-lists/$": {"code": "practices"},
    "^/api/v1/vaccinators/[^/]+/route-lists/[^/]+/(checklist/)?$": {
        "code": "practices",
        "id": "route_lists",
    },
    "^/api/v1/vaccinators/.*/stops/": {
        "code": "practices",
        "id": "route_lists",
        "stop_pk": "stops",
    },
    "^/api/v1/vaccinators/[^/]+/sessions/$": {"code": "practices"},
    "^/api/v1/vaccinators/[^/]+/sessions/[^/]+/(checklist/)?$": {
        "code": "practices",
        "id": "sessions",
    },
    "^/api/v1/vaccinators/.*/bookings/": {
        "code": "practices",
        "id": "sessions",
        "booking_pk": "bookings",
    },
    "^/api/v1/regions/": {"code": "regions"},
    "^/api/v1/immunizations/[^/]+/$": {"id": "immunizations"},
    "^/api/v1/ssi-lists/[^/]+/$": {"id": "ssi_lists"},
}


def _toml(value) -> str:
    return json.dumps(value)  # a JSON string, number or list of them is valid TOML


@dataclass
class World:
    route_list: RouteList
    users: dict[str, User]

    def tokens(self) -> dict[str, str]:
        """One API token per role."""
        return {role: token_for(user) for role, user in self.users.items()}

    def dictionaries(self) -> dict[str, list]:
        return {
            "municipalities": ["101", "751"],
            "practices": ["990101", "990201"],
            "regions": ["1084", "1082"],
            "tasks": list(ContactTask.objects.values_list("pk", flat=True)),
            "citizens": list(Citizen.objects.values_list("pk", flat=True)),
            "route_lists": list(RouteList.objects.values_list("pk", flat=True)),
            "stops": list(RouteStop.objects.values_list("pk", flat=True)),
            "sessions": list(PopupSession.objects.values_list("pk", flat=True)),
            "bookings": list(SessionBooking.objects.values_list("pk", flat=True)),
            "immunizations": list(VaccinationRecord.objects.values_list("pk", flat=True)),
            "ssi_lists": list(SsiListImport.objects.values_list("pk", flat=True)),
        }

    def schemathesis_config(self) -> str:
        """A schemathesis.toml drawing path parameters from the world's real values."""
        lines = []
        for name, values in self.dictionaries().items():
            lines += [f"[dictionaries.{name}]", f"values = {_toml(values)}", ""]
        for regex, parameters in PARAMETERS.items():
            bindings = ", ".join(
                f'"path.{name}" = {{ dictionary = "{dictionary}", probability = 0.5 }}'
                for name, dictionary in parameters.items()
            )
            lines += [
                "[[operations]]",
                f"include-path-regex = {_toml(regex)}",
                f"parameters = {{ {bindings} }}",
                "",
            ]
        return "\n".join(lines)


def build(
    tmp_path: Path,
    *,
    caseworker: User,
    coordinator: User,
    practice,
    vaccinator: User,
    auditor: User,
    administrator: User,
) -> World:
    route_list = published_route(
        tmp_path, caseworker=caseworker, coordinator=coordinator, practice=practice, stops=3
    )
    (given,) = world.referrals(
        tmp_path, caseworker, "101", 1, pathway="home", accepted=True, start=300
    )
    vaccinated(given, vaccinator=practice, by=vaccinator)
    today = world.session(practice.region, vaccinator=practice, day=route_list.date)
    for referral in world.referrals(tmp_path, caseworker, "101", 2, accepted=True, start=400):
        sessions.session_book(session=today, referral=referral, user=coordinator)
    stock.stock_allocate(place=today, user=coordinator, vials=1)
    # Untriaged tasks last: a later list of the municipality would close them as booked.
    for code, start in (("751", 100), ("101", 200)):
        folder = tmp_path / f"list-{code}"
        folder.mkdir()
        citizen_tasks(folder, code, 3, start=start)
    integration = persona("ssi-integration", Role.INTEGRATION, NationalBody.objects.get(code="SSI"))
    return World(
        route_list=route_list,
        users={
            "caseworker": caseworker,
            "coordinator": coordinator,
            "vaccinator": vaccinator,
            "integration": integration,
            "auditor": auditor,
            "administrator": administrator,
        },
    )
