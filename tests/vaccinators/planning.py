"""Helpers for the planning tests: a home-visit pool of Copenhagen citizens with addresses, a
second practice, stock in the store and a planning run, all through the real services."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from municipalities.models import Referral
from outreach.models import Citizen, Postcode, Region, User, VaccinatorOrganisation, VaccineProduct
from regions.models import PlanningRun
from tests.factories import PracticeFactory
from tests.regions import world
from vaccinators.services import planning

# Copenhagen postcodes the citizens live in, in turn.
POSTCODES = ("2200", "2100", "2300", "2400", "2500", "1050")


def home_pool(
    tmp_path: Path,
    caseworker: User,
    count: int,
    *,
    group: int = 3,
    start: int = 0,
    code: str = "101",
) -> list[Referral]:
    """``count`` accepted home referrals of citizens with a street address in Copenhagen."""
    referrals = world.referrals(
        tmp_path, caseworker, code, count, pathway="home", group=group, start=start, accepted=True
    )
    for n, referral in enumerate(referrals):
        postcode = Postcode.objects.get(code=POSTCODES[(start + n) % len(POSTCODES)])
        Citizen.objects.filter(pk=referral.citizen_id).update(
            street=f"Testgade {start + n + 1}", postcode=postcode.code, city=postcode.name
        )
    return referrals


def oesterbro_practice(region: Region) -> VaccinatorOrganisation:
    return PracticeFactory(
        code="990102",
        name="Lægehuset på Østerbro",
        region=region,
        postcode=Postcode.objects.get(code="2100"),
    )


def run_for(
    *,
    region: Region,
    coordinator: User,
    practices: list[VaccinatorOrganisation],
    day: date | None = None,
    product: str = "comirnaty",
    hours: tuple[time, time] = (time(8, 0), time(15, 0)),
) -> PlanningRun:
    """A planning run created through the service; it runs when the caller's transaction
    commits (or call ``planning_run_execute``)."""
    return planning.planning_run_create(
        region=region,
        user=coordinator,
        date=day or world.next_week(),
        product=VaccineProduct.objects.get(code=product),
        vaccinators=[(practice, *hours) for practice in practices],
    )


def planned(run: PlanningRun) -> PlanningRun:
    """The run planned here, in process, as the job would."""
    return planning.planning_run_execute(planning_run_id=run.pk)
