"""Helpers for the regions' tests: referrals made by a municipality's caseworker, a pop-up site and
session, a route day and stock in the store, all through the real services."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

from django.utils import timezone

from municipalities.models import Referral, Visitation
from municipalities.services import cases
from outreach.models import Postcode, Region, User, VaccinatorOrganisation, VaccineProduct
from regions.models import PopupSession, PopupSite, RouteDay
from regions.services import route_days, sessions, stock
from tests.municipalities.casework import citizen_tasks

D = Visitation.Decision
M = Visitation.Mobility


def referrals(
    tmp_path: Path,
    caseworker: User,
    code: str,
    count: int,
    *,
    pathway: str = "popup",
    group: int = 3,
    start: int = 0,
    accepted: bool = False,
) -> list[Referral]:
    """``count`` citizens of municipality ``code`` referred to the region by ``caseworker``."""
    made = []
    folder = tmp_path / f"{code}-{start}"
    folder.mkdir(parents=True, exist_ok=True)
    tasks = citizen_tasks(folder, code, count, group=group, start=start)
    for task in [task for task in tasks if not task.visitations.exists()]:
        if pathway == "popup":
            decision = {"decision": D.POPUP, "mobility": M.TRANSPORT_SITTING}
        else:
            decision = {"decision": D.HOME, "mobility": M.BEDRIDDEN}
        cases.visitation_decide(task=task, user=caseworker, wants_vaccination=True, **decision)
        referral = Referral.objects.get(task=task, status="requested")
        if accepted:
            referral = cases.referral_accept(referral=referral)
        made.append(referral)
    return made


def next_week(days: int = 7) -> date:
    return timezone.localdate() + timedelta(days=days)


def site(region: Region, name: str = "Nørrebrohallen", postcode: str = "2200") -> PopupSite:
    return sessions.popup_site_create(
        region=region,
        name=name,
        kind=PopupSite.Kind.SPORTS_HALL,
        street="Nørrebrogade 208",
        postcode=Postcode.objects.get(code=postcode),
        available_from=timezone.localdate(),
        available_to=None,
    )


def session(
    region: Region,
    *,
    product: str = "comirnaty",
    day: date | None = None,
    capacity: int = 24,
    at: PopupSite | None = None,
    vaccinator: VaccinatorOrganisation | None = None,
) -> PopupSession:
    return sessions.popup_session_create(
        site=at or site(region),
        day=day or next_week(),
        starts_at=time(9, 0),
        ends_at=time(12, 0),
        product=VaccineProduct.objects.get(code=product),
        capacity=capacity,
        slot_minutes=15,
        vaccinator_organisation=vaccinator,
    )


def route_day(
    vaccinator: VaccinatorOrganisation, *, product: str = "comirnaty", day: date | None = None
) -> RouteDay:
    return route_days.route_day_create(
        region=vaccinator.region,
        vaccinator_organisation=vaccinator,
        day=day or next_week(),
        starts_at=time(8, 0),
        ends_at=time(15, 0),
        product=VaccineProduct.objects.get(code=product),
    )


def stocked(
    region: Region,
    user: User,
    *,
    product: str = "comirnaty",
    lot: str = "EK9788",
    vials: int = 10,
    expires_on: date | None = None,
    consumables: int = 1000,
):
    """Vials of one batch in the region's store, and plenty of every consumable."""
    from regions.models import Consumable

    movement = stock.stock_receive(
        region=region,
        user=user,
        product=VaccineProduct.objects.get(code=product),
        lot_number=lot,
        expires_on=expires_on or timezone.localdate() + timedelta(days=60),
        vials=vials,
    )
    for consumable in Consumable.values:
        stock.stock_receive_consumable(
            region=region, user=user, consumable=consumable, quantity=consumables
        )
    return movement.batch
