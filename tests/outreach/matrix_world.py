"""The world the permission matrix runs in: three municipalities, two regions and three practices,
each with one of every object a URL can address, all made through the real services.

The organisations are chosen so that every URL can be asked for three ways by a user of the
"own" organisation: its own organisation, another organisation in the same region, and one in
another region.

    municipality   101 København      147 Frederiksberg   751 Aarhus
    region         1084 Hovedstaden   (1084)              1082 Midtjylland
    practice       990101 Nørrebro    990102 Østerbro     990201 Viby
    citizens       Borger 100-109     Borger 300-309      Borger 500-509
    auditors       m-rikke (asks)     m-freja             m-aage
                   regional: m-rita (Hovedstaden, asks); national: m-nina (SST, asks)

Each municipality's caseworker has looked up the municipality's first citizen; København's has
also looked up Borger 308 of Frederiksberg, Aarhus's Borger 306 of Frederiksberg, and
Hovedstaden's coordinator Borger 101 and Borger 301: the access log the auditors read.

Every name that could leak is numbered by its organisation (citizens, help requests, staff, sites,
batches), so a response can be searched for what it must not show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from municipalities import services as municipal_services
from municipalities.models import ContactTask, Referral, SsiListImport, Visitation
from municipalities.services import cases
from municipalities.services import help as help_services
from municipalities.ssi.weeks import parse_week
from outreach.models import (
    AccessEvent,
    Citizen,
    Municipality,
    NationalBody,
    Outcome,
    Postcode,
    Region,
    RoleGroup,
    User,
    VaccineRule,
)
from outreach.roles import Role
from outreach.services import access_event_record
from regions.services import sessions as session_services
from regions.services import staff as staff_services
from regions.services import stock
from tests.factories import PracticeFactory, fake_cpr, persona
from tests.municipalities.casework import citizen_tasks, import_list
from tests.outreach.records import vaccinated
from tests.regions import world as regional
from tests.vaccinators import planning
from tests.vaccinators.routes import published_route
from vaccinators.models import RouteList
from vaccinators.services import outcomes

OWN, SAME_REGION, OTHER_REGION, SWAPPED = "own", "same region", "other region", "swapped"
# Own code, the same-region organisation's object: a URL tampered with to reach across.
VARIANTS = (OWN, SAME_REGION, OTHER_REGION)

MUNICIPALITIES = {OWN: "101", SAME_REGION: "147", OTHER_REGION: "751"}
REGIONS = {OWN: "1084", SAME_REGION: "1084", OTHER_REGION: "1082"}
PRACTICES = {OWN: "990101", SAME_REGION: "990102", OTHER_REGION: "990201"}
NATIONAL = {OWN: "SST", SAME_REGION: "SSI", OTHER_REGION: "SSI"}
# The first citizen number of each municipality's citizens.
NUMBERS = {"101": 100, "147": 300, "751": 500}
REGION_OF = {"101": "1084", "147": "1084", "751": "1082", "990101": "1084", "990102": "1084"}
REGION_OF["990201"] = "1082"

# The auditors who ask every URL besides the municipal one (Role.AUDITOR, in København).
REGIONAL_AUDITOR, NATIONAL_AUDITOR = "regional auditor", "national auditor"

# Where the matrix's tests leave their one-line reports for the terminal summary.
REPORT = pytest.StashKey[list]()

CITIZEN = re.compile(r"Borger \d{3}\b")
STAFF = re.compile(r"Personale \d{3}\b")

SAFETY = {"anaphylaxis_kit": True, "adrenaline": True, "oxygen_or_emergency_plan": True}

D = Visitation.Decision
M = Visitation.Mobility


@dataclass(frozen=True)
class Org:
    """An organisation as the matrix reasons about it: kind, code and the region it lies in."""

    kind: str
    code: str
    region: str = ""


ORGS = {("municipality", code): Org("municipality", code, REGION_OF[code]) for code in NUMBERS} | {
    ("vaccinator", code): Org("vaccinator", code, REGION_OF[code]) for code in PRACTICES.values()
}
ORGS |= {("region", code): Org("region", code, code) for code in ("1084", "1082")}
ORGS |= {("national", code): Org("national", code) for code in ("SST", "SSI")}

# The role users of the matrix, each in the "own" organisation of its kind.
HOMES = {
    Role.CASEWORKER: ORGS["municipality", "101"],
    Role.LEAD: ORGS["municipality", "101"],
    Role.AUDITOR: ORGS["municipality", "101"],
    Role.COORDINATOR: ORGS["region", "1084"],
    Role.VACCINATOR: ORGS["vaccinator", "990101"],
    Role.ADMINISTRATOR: ORGS["national", "SST"],
    Role.INTEGRATION: ORGS["national", "SSI"],
    REGIONAL_AUDITOR: ORGS["region", "1084"],
    NATIONAL_AUDITOR: ORGS["national", "SST"],
}


def visible(home: Org, target: Org) -> bool:
    """DESIGN.md section 4, written out independently of ``outreach.access``: an organisation is
    seen by its own members; a municipality or practice also by its region's; everything but a
    national body by the national authorities; a national body only by its own members."""
    if target.kind == "national":
        return home == target
    if home.kind == "national" or home == target:
        return True
    return home.kind == "region" and target.kind != "region" and target.region == home.code


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    # Per variant, per object name: the URL arguments that address it (besides ``code``).
    objects: dict[str, dict[str, dict]] = field(default_factory=dict)
    # Per role: the citizen names and staff names it may see anywhere.
    sees_citizens: dict[str, set[str]] = field(default_factory=dict)
    sees_staff: dict[str, set[str]] = field(default_factory=dict)
    # What the lists should show, filled in by ``build``.
    expected: dict[str, object] = field(default_factory=dict)
    all_citizens: set[str] = field(default_factory=set)


def name(number: int) -> str:
    return f"Borger {number}"


def _refer(task: ContactTask, caseworker: User, decision: str, *, accepted: bool) -> Referral:
    mobility = M.TRANSPORT_SITTING if decision == D.POPUP else M.BEDRIDDEN
    cases.visitation_decide(
        task=task, user=caseworker, wants_vaccination=True, decision=decision, mobility=mobility
    )
    referral = Referral.objects.get(task=task, status="requested")
    return cases.referral_accept(referral=referral) if accepted else referral


def _access_log(caseworkers: dict[str, User], coordinator: User) -> dict[str, int]:
    """The look-ups the auditors read (besides those the world's making logged): who looked up
    whom, in whose name. Returns the citizens' ids by name."""
    looked_up = {}
    lookups = [
        (caseworkers["101"], Municipality.objects.get(code="101"), 100),
        (caseworkers["147"], Municipality.objects.get(code="147"), 300),
        (caseworkers["751"], Municipality.objects.get(code="751"), 500),
        # Outside their own work: a citizen of another municipality.
        (caseworkers["101"], Municipality.objects.get(code="101"), 308),
        (caseworkers["751"], Municipality.objects.get(code="751"), 306),
        (coordinator, Region.objects.get(code="1084"), 101),
        (coordinator, Region.objects.get(code="1084"), 301),
    ]
    for user, organisation, number in lookups:
        citizen = Citizen.objects.get(name=name(number))
        access_event_record(
            user=user,
            organisation=organisation,
            action=AccessEvent.Action.VIEW,
            citizen=citizen,
            purpose="Casework",
        )
        looked_up[name(number)] = citizen.pk
    return looked_up


def build(tmp_path: Path) -> World:
    """Everything, through the services (about two seconds on SQLite)."""
    koebenhavn = Municipality.objects.get(code="101")
    users = {
        Role.CASEWORKER: persona("m-signe", Role.CASEWORKER, koebenhavn),
        Role.LEAD: persona("m-lone", Role.LEAD, koebenhavn),
        Role.AUDITOR: persona("m-rikke", Role.AUDITOR, koebenhavn),
    }
    hovedstaden, midtjylland = Region.objects.get(code="1084"), Region.objects.get(code="1082")
    practices = {
        "990101": PracticeFactory(
            code="990101", name="Lægerne på Nørrebrogade", region=hovedstaden
        ),
        "990102": PracticeFactory(
            code="990102",
            name="Lægehuset på Østerbro",
            region=hovedstaden,
            postcode=Postcode.objects.get(code="2100"),
        ),
        "990201": PracticeFactory(
            code="990201",
            name="Lægerne i Viby",
            region=midtjylland,
            postcode=Postcode.objects.get(code="8260"),
        ),
    }
    users[Role.COORDINATOR] = persona("m-kasper", Role.COORDINATOR, hovedstaden)
    users[Role.VACCINATOR] = persona("m-lise", Role.VACCINATOR, practices["990101"])
    users[Role.ADMINISTRATOR] = persona(
        "m-anders", Role.ADMINISTRATOR, NationalBody.objects.get(code="SST")
    )
    users[Role.INTEGRATION] = persona(
        "m-ssi", Role.INTEGRATION, NationalBody.objects.get(code="SSI")
    )
    users[REGIONAL_AUDITOR] = persona("m-rita", Role.AUDITOR, hovedstaden)
    users[NATIONAL_AUDITOR] = persona("m-nina", Role.AUDITOR, NationalBody.objects.get(code="SST"))
    # The other municipalities' auditors: people København's auditor does not review
    # (Hovedstaden's reviews Frederiksberg's; the national one both).
    for username, code in (("m-freja", "147"), ("m-aage", "751")):
        persona(username, Role.AUDITOR, Municipality.objects.get(code=code))
    caseworkers = {
        "101": users[Role.CASEWORKER],
        "147": persona("m-frida", Role.CASEWORKER, Municipality.objects.get(code="147")),
        "751": persona("m-mads", Role.CASEWORKER, Municipality.objects.get(code="751")),
    }
    coordinators = {
        "1084": users[Role.COORDINATOR],
        "1082": persona("m-maja", Role.COORDINATOR, midtjylland),
    }
    gps = {
        "990101": users[Role.VACCINATOR],
        "990102": persona("m-ole", Role.VACCINATOR, practices["990102"]),
        "990201": persona("m-peter", Role.VACCINATOR, practices["990201"]),
    }
    world = World(
        users=users,
        tokens={role: Token.objects.create(user=user).key for role, user in users.items()},
    )
    world.all_citizens = {
        name(first + n) for first in NUMBERS.values() for n in range(10)
    }  # incl. help requests

    regions = {"1084": hovedstaden, "1082": midtjylland}
    for code in regions:
        regional.stocked(regions[code], coordinators[code], lot=f"LOT{code}", vials=40)

    by_variant = {}
    seen_by_region: dict[str, set[str]] = {"1084": set(), "1082": set()}
    on_lists: dict[str, set[str]] = {}
    for variant in VARIANTS:
        code = MUNICIPALITIES[variant]
        if variant == SAME_REGION and code in by_variant:
            continue
        first = NUMBERS[code]
        region_code = REGION_OF[code]
        region = regions[region_code]
        practice = practices[PRACTICES[variant]]
        caseworker = caseworkers[code]
        coordinator = coordinators[region_code]
        folder = tmp_path / code
        folder.mkdir()
        tasks = {task.citizen.name: task for task in citizen_tasks(folder, code, 8, start=first)}
        list_import = SsiListImport.objects.filter(municipality__code=code).latest("pk")
        # first+0: an open case nobody has decided on.
        case = tasks[name(first)]
        # first+1: referred to a pop-up, not yet accepted; a ride to arrange.
        requested = _refer(tasks[name(first + 1)], caseworker, D.POPUP, accepted=False)
        transport = requested.task.transports.get()
        # first+2: accepted for a pop-up and booked into the practice's session.
        popup = _refer(tasks[name(first + 2)], caseworker, D.POPUP, accepted=True)
        site = regional.site(region, name=f"Hal {code}", postcode="2200")
        # Today's session, its citizen vaccinated: every outcome action has something to act on.
        session = regional.session(region, at=site, vaccinator=practice, day=timezone.localdate())
        booking = session_services.session_book(session=session, referral=popup, user=coordinator)
        stock.stock_allocate(place=session, user=coordinator, vials=1)
        outcomes.checklist_confirm(
            popup_session=session, user=gps[practice.code], it_access=True, **SAFETY
        )
        outcomes.booking_outcome_record(
            booking=booking, user=gps[practice.code], outcome=Outcome.VACCINATED
        )
        # first+3: accepted for a home visit: waits in the region's pool.
        _refer(tasks[name(first + 3)], caseworker, D.HOME, accepted=True)
        # first+4: vaccinated by the practice (the kernel's record).
        given = _refer(tasks[name(first + 4)], caseworker, D.HOME, accepted=True)
        record = vaccinated(given, vaccinator=practice, by=gps[practice.code])
        # first+7: the request from the public page.
        help_request = help_services.help_request_submit(
            municipality=case.municipality,
            name=name(first + 7),
            phone="12345678",
            street="",
            postcode="",
            relation="self",
            requester_name="",
            message="",
            cpr_number=None,
        )
        # first+5, first+6: stops of a route list published to the practice, today.
        route_list = published_route(
            folder,
            caseworker=caseworker,
            coordinator=coordinator,
            practice=practice,
            stops=2,
            municipality=code,
            start=first + 5,
            stock_vials=0,
        )
        stop, given_stop = route_list.stops.order_by("position")
        # The second stop is done: vaccinated, so a reaction can be recorded or it corrected.
        outcomes.checklist_confirm(
            route_list=route_list, user=gps[practice.code], it_access=True, **SAFETY
        )
        outcomes.stop_outcome_record(
            stop=given_stop, user=gps[practice.code], outcome=Outcome.VACCINATED
        )
        staff = staff_services.staff_member_create(
            region=region, name=f"Personale {code}", role="vaccinator", organisation=None
        )
        assignment = staff_services.staff_assign(staff=staff, place=session, user=coordinator)
        by_variant[code] = {
            "case": {"pk": case.pk},
            "import": {"pk": list_import.pk},
            "transport": {"pk": transport.pk},
            "help-request": {"pk": help_request.pk},
            "referral": {"pk": requested.pk},
            "session": {"pk": session.pk},
            "booking": {"pk": session.pk, "booking_pk": booking.pk},
            "route-day": {"pk": route_list.route_day_id},
            "assignment": {"pk": assignment.pk},
            "route-list": {"pk": route_list.pk},
            "stop": {"pk": route_list.pk, "stop_pk": stop.pk},
            "vaccinated-stop": {"pk": route_list.pk, "stop_pk": given_stop.pk},
            "vial": {"pk": route_list.pk, "vial": 1},
            "record": {"pk": record.pk},
            "citizen": {"pk": case.citizen_id},
        }
        on_lists[practice.code] = {name(first + 2), name(first + 5), name(first + 6)}
        seen_by_region[region_code] |= {name(first + n) for n in range(1, 7)}

    # A planning run per region with a draft route of one more home visit (made directly, as
    # the planner would leave it; the planner itself is not what the matrix is about).
    for variant in (OWN, OTHER_REGION):
        region = regions[REGIONS[variant]]
        code = MUNICIPALITIES[variant]
        run = planning.run_for(
            region=region,
            coordinator=coordinators[region.code],
            practices=[practices[PRACTICES[variant]]],
        )
        draft = published_route(
            tmp_path / f"run-{code}",
            caseworker=caseworkers[code],
            coordinator=coordinators[region.code],
            practice=practices[PRACTICES[variant]],
            stops=1,
            municipality=code,
            start=NUMBERS[code] + 8,
            stock_vials=0,
            day=run.date + timedelta(days=1),
            status=RouteList.Status.DRAFT,
        )
        # The practice's address as the planner places it: where the route starts.
        RouteList.objects.filter(pk=draft.pk).update(
            planning_run=run, start_latitude=55.69, start_longitude=12.55
        )
        # Addresses the planner can place, as the pool's citizens have.
        located = Postcode.objects.filter(code="2200" if region.code == "1084" else "8260").first()
        Citizen.objects.filter(route_stops__route_list=draft).update(
            street="Testgade 1", postcode=located.code, city=located.name
        )
        stop = draft.stops.order_by("position").first()
        seen_by_region[region.code] |= {name(NUMBERS[code] + 8)}
        by_variant[region.code] = {
            "run": {"pk": run.pk},
            "run-stop": {"pk": run.pk, "stop_pk": stop.pk},
        }

    for variant in VARIANTS:
        municipal = by_variant[MUNICIPALITIES[variant]]
        # The regional objects of the same-region variant are those made for Frederiksberg in
        # Hovedstaden: another session, route day, ... of the user's own region.
        regional_runs = by_variant[REGIONS[variant]]
        world.objects[variant] = {**municipal, **regional_runs}

    # Next week's lists name every citizen again: the open cases the route helpers' own lists
    # closed as "booked on their own" are reopened, as when a citizen returns.
    for code, first in NUMBERS.items():
        rows = [f"{fake_cpr(n)};{name(n)};3;01.03.2021" for n in range(first, first + 9)]
        import_list(tmp_path / code, code, rows, week="2021-W11")

    national_file = tmp_path / "national.csv"
    national_file.write_text(
        "cpr;navn;målgruppe;invitationsdato;kommunekode\n"
        f"{fake_cpr(900)};Borger 900;3;01.03.2021;101\n",
        encoding="utf-8",
    )
    national_import, _ = municipal_services.ssi_list_import_receive(
        path=national_file,
        original_name=national_file.name,
        source="command",
        municipality=None,
        week=parse_week("2021-W10"),
    )
    rule = VaccineRule.objects.order_by("pk").first()
    others = RoleGroup.objects.exclude(group__user__in=users.values()).order_by("pk").first()
    for variant in VARIANTS:
        world.objects[variant]["national-import"] = {"pk": national_import.pk}
        world.objects[variant]["rule"] = {"pk": rule.pk}
    world.objects[OWN]["membership"] = "own"
    world.objects[SAME_REGION]["membership"] = others.pk
    world.objects[OTHER_REGION]["membership"] = others.pk

    world.expected["audit"] = _access_log(caseworkers, coordinators["1084"])
    for variant in VARIANTS:
        code = MUNICIPALITIES[variant]
        world.objects[variant]["audited-citizen"] = world.objects[variant]["citizen"]
        world.objects[variant]["audited-user"] = {"pk": caseworkers[code].pk}

    kbh = {name(NUMBERS["101"] + n) for n in range(10)}
    world.sees_citizens = {
        Role.CASEWORKER: kbh,
        Role.LEAD: kbh,
        Role.AUDITOR: kbh,
        Role.COORDINATOR: seen_by_region["1084"],
        Role.VACCINATOR: on_lists["990101"],
        Role.ADMINISTRATOR: set(),
        Role.INTEGRATION: set(),
        # A region's auditor reads about its municipalities' citizens, never Aarhus's.
        REGIONAL_AUDITOR: {name(first + n) for first in (100, 300) for n in range(10)},
        NATIONAL_AUDITOR: world.all_citizens,
    }
    world.sees_staff = {role: set() for role in users}
    world.sees_staff[Role.COORDINATOR] = {"Personale 101", "Personale 147"}
    world.sees_staff[Role.VACCINATOR] = {"Personale 101"}
    world.expected |= {
        "on_lists": on_lists,
        "seen_by_region": seen_by_region,
        "today": timezone.localdate(),
        "time": time(9, 0),
    }
    return world
