"""A published route list for the vaccinator's tests, made directly rather than by the planner: a
route day of the practice (``tests/regions/world.py``), accepted home referrals of a municipality
as its stops in order, its vials and consumables allocated from the region's store, the
referrals scheduled, and the list published to the practice's vaccinators by a django-guardian
grant to their role group, as the coordinator's publishing does."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path

from django.utils import timezone
from guardian.shortcuts import assign_perm

from municipalities.models import Visitation
from municipalities.services import cases
from outreach.models import User, VaccinatorOrganisation
from outreach.roles import Role
from outreach.services import role_group_get_or_create
from regions.services import stock
from tests.regions import world
from vaccinators.models import RouteList, RouteStop

MINUTES_PER_STOP = 25


def published_route(
    tmp_path: Path,
    *,
    caseworker: User,
    coordinator: User,
    practice: VaccinatorOrganisation,
    stops: int = 6,
    municipality: str = "101",
    start: int = 0,
    day: date | None = None,
    product: str = "comirnaty",
    vials: int | None = None,
    stock_vials: int = 10,
    lot: str = "EK9788",
    severe_allergy: tuple[int, ...] = (),
    status: str = RouteList.Status.PUBLISHED,
) -> RouteList:
    """A route of ``stops`` home visits on ``day`` (today by default) for ``practice``. Citizen
    ``n`` is "Borger n" (from ``start``); those at the positions in ``severe_allergy`` (0-based)
    had an earlier severe allergic reaction. ``stock_vials`` vials of batch ``lot`` are received
    first (0: the region is already stocked)."""
    region = practice.region
    if stock_vials:
        world.stocked(region, coordinator, product=product, lot=lot, vials=stock_vials)
    referrals = world.referrals(
        tmp_path, caseworker, municipality, stops, pathway="home", accepted=True, start=start
    )
    route_day = world.route_day(practice, product=product, day=day or timezone.localdate())
    per_vial = route_day.product.doses_per_vial
    vials = vials if vials is not None else max(math.ceil(stops / per_vial), 1)
    stock.stock_allocate(place=route_day, user=coordinator, vials=vials)
    leaves = timezone.make_aware(datetime.combine(route_day.date, route_day.starts_at))
    route_list = RouteList.objects.create(
        route_day=route_day,
        region=region,
        vaccinator_organisation=practice,
        date=route_day.date,
        product=route_day.product,
        vials=vials,
        status=status,
        starts_at=leaves,
        ends_at=leaves + timedelta(minutes=MINUTES_PER_STOP * (stops + 1)),
        drive_seconds=600 * stops,
        distance_m=4000 * stops,
        expected_waste=vials * per_vial - stops if vials * per_vial > stops else 0,
        published_at=timezone.now() if status != RouteList.Status.DRAFT else None,
        published_by=coordinator if status != RouteList.Status.DRAFT else None,
    )
    for position, referral in enumerate(referrals):
        allergy = position in severe_allergy
        if allergy:
            Visitation.objects.filter(pk=referral.visitation_id).update(severe_allergy=True)
        arrival = leaves + timedelta(minutes=MINUTES_PER_STOP * (position + 1))
        RouteStop.objects.create(
            route_list=route_list,
            position=position + 1,
            referral=referral,
            citizen_id=referral.citizen_id,
            dose=referral.dose,
            planned_arrival=arrival,
            service_minutes=(30 if allergy else 15) + 5,
            observation_minutes=30 if allergy else 15,
            drive_seconds=600,
            vial_number=position // per_vial + 1,
        )
        if status != RouteList.Status.DRAFT:
            cases.referral_schedule(referral=referral, scheduled_for=arrival)
    if status != RouteList.Status.DRAFT:
        group = role_group_get_or_create(organisation=practice, role=Role.VACCINATOR).group
        assign_perm("view_routelist", group, route_list)
    return route_list
