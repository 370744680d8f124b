"""Planning runs: the coordinator asks the planner to fill a day's route days from the home-visit
pool, reviews the draft route lists it makes, and moves or reorders stops before publishing.

The run itself is a background job (``vaccinators.tasks.plan_route_lists``) that calls
``planning_run_execute`` with the run's id. It reads the pool, geocodes it, asks the planner and
saves one draft route list per route day in one final transaction, replacing the run's earlier
drafts: run twice, it ends as if run once. Progress is written as it goes, each step in its own
short transaction, so the coordinator's page can show it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outreach import jobs
from outreach.models import Region, User, VaccinatorOrganisation, VaccineProduct
from outreach.vaccine_rules import Pathway, rule_book
from regions.models import PlanningRun, RouteDay
from regions.selectors.pool import PoolEntry, home_visit_pool
from regions.selectors.sessions import local_span
from regions.services.route_days import route_day_create
from vaccinators import planner
from vaccinators.models import RouteList, RouteStop
from vaccinators.planner import geo
from vaccinators.planner.types import Candidate, PlannedRoute, Point, Vehicle, VialProduct
from vaccinators.selectors.planning import held_vials, route_day_has_live_list, store_vials

logger = logging.getLogger(__name__)

# The steps a coordinator sees while the job runs. Stored untranslated, shown in their language.
READING_THE_POOL = gettext_noop("Reading the pool")
GEOCODING = gettext_noop("Geocoding")
TRAVEL_TIMES = gettext_noop("Travel times")
SOLVING = gettext_noop("Solving")
SAVING = gettext_noop("Saving")
READY = gettext_noop("Ready for review")


class PlanningImpossible(Exception):
    """The run cannot be planned, for a reason the coordinator can act on (in words)."""


# Creating a run ---------------------------------------------------------------------------------


@transaction.atomic
def planning_run_create(
    *,
    region: Region,
    user: User,
    date: date,
    product: VaccineProduct,
    vaccinators: list[tuple[VaccinatorOrganisation, time, time]],
) -> PlanningRun:
    """A planning run for ``date`` with ``product`` over the chosen vaccinators' days: each
    vaccinator's route day that day is used as it is, or created with the hours given. The job is
    enqueued once the transaction has committed."""
    if not vaccinators:
        raise ValidationError({"vaccinators": _("Choose at least one vaccinator.")})
    if date < timezone.localdate():
        raise ValidationError({"date": _("A day in the past cannot be planned.")})
    verdict = rule_book(date).verdict(product, Pathway.HOME, None)
    if not verdict.allowed:
        raise ValidationError(
            {
                "product": _("%(product)s may not be used for home vaccination on %(day)s. %(why)s")
                % {"product": product.name, "day": date.isoformat(), "why": verdict.reason}
            }
        )
    problems: list[str] = []
    route_days: list[RouteDay] = []
    for organisation, starts_at, ends_at in vaccinators:
        try:
            route_days.append(
                _route_day_for(region, organisation, date, starts_at, ends_at, product)
            )
        except ValidationError as error:
            problems += [f"{organisation.name}: {message}" for message in error.messages]
    if problems:
        raise ValidationError({"vaccinators": problems})
    run = PlanningRun.objects.create(region=region, date=date, product=product, created_by=user)
    run.route_days.set(route_days)
    planning_run_enqueue(run)
    return run


def _route_day_for(
    region: Region,
    organisation: VaccinatorOrganisation,
    day: date,
    starts_at: time,
    ends_at: time,
    product: VaccineProduct,
) -> RouteDay:
    existing = (
        RouteDay.objects.select_for_update(of=("self",))
        .filter(vaccinator_organisation=organisation, date=day, cancelled_at__isnull=True)
        .select_related("product")
        .first()
    )
    if existing is None:
        return route_day_create(
            region=region,
            vaccinator_organisation=organisation,
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            product=product,
        )
    if existing.region_id != region.pk:
        raise ValidationError(_("Choose a vaccinator in the region."))
    if existing.product_id != product.pk:
        raise ValidationError(
            _("the route day on %(day)s is planned with %(product)s.")
            % {"day": day.isoformat(), "product": existing.product.name}
        )
    if route_day_has_live_list(existing):
        raise ValidationError(
            _("the route list of %(day)s is already published.") % {"day": day.isoformat()}
        )
    return existing


def planning_run_enqueue(run: PlanningRun) -> None:
    """Plan the run as a background job once the current transaction has committed."""
    from vaccinators import tasks  # the tasks import this module: import them only when used

    jobs.enqueue(tasks.plan_route_lists, run.pk)


# Running it -------------------------------------------------------------------------------------


def vial_product(product: VaccineProduct) -> VialProduct:
    return VialProduct(
        doses_per_vial=product.doses_per_vial, window_seconds=product.hours_after_opening * 3600
    )


def observation_minutes(product: VaccineProduct, *, severe_allergy: bool) -> int:
    if severe_allergy:
        return product.observation_minutes_after_allergy
    return product.observation_minutes


def _progress(run: PlanningRun, percent: int, note: str) -> None:
    PlanningRun.objects.filter(pk=run.pk).update(
        status=PlanningRun.Status.RUNNING, progress=percent, progress_note=note
    )


def planning_run_fail(*, planning_run_id: int, reason: str) -> None:
    """Give up on a run with ``reason`` in words; its earlier drafts stay as they were."""
    PlanningRun.objects.filter(pk=planning_run_id).exclude(
        status=PlanningRun.Status.PUBLISHED
    ).update(
        status=PlanningRun.Status.FAILED,
        error=reason,
        finished_at=timezone.now(),
    )


@dataclass
class _Visit:
    """A pool entry the planner may place, as a candidate and what its stop will record."""

    entry: PoolEntry
    point: Point
    service_minutes: int
    observation_minutes: int

    def candidate(self) -> Candidate:
        return Candidate(
            id=self.entry.referral.pk,
            location=self.point,
            priority=self.entry.priority,
            service_seconds=self.service_minutes * 60,
        )


def planning_run_execute(*, planning_run_id: int) -> PlanningRun:
    """Plan the run and save its drafts. A run that has published lists is left alone; a run
    that cannot be planned is marked failed with the reason in words (in the product's default
    language, like every stored message)."""
    run = PlanningRun.objects.select_related("region", "product").get(pk=planning_run_id)
    if (
        run.status == PlanningRun.Status.PUBLISHED
        or run.route_lists.filter(status__in=RouteList.LIVE).exists()
    ):
        return run
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _execute(run)
        except PlanningImpossible as why:
            planning_run_fail(planning_run_id=run.pk, reason=str(why))
    run.refresh_from_db()
    return run


def _execute(run: PlanningRun) -> None:
    product = run.product
    _progress(run, 5, READING_THE_POOL)
    route_days = [
        day
        for day in run.route_days.filter(cancelled_at__isnull=True)
        .select_related("vaccinator_organisation__postcode")
        .order_by("vaccinator_organisation__name", "pk")
        if not route_day_has_live_list(day)
    ]
    if not route_days:
        raise PlanningImpossible(
            _("Every vaccinator's day in this run is cancelled or already published.")
        )
    entries = home_visit_pool(run.region, run.date, product)
    if not entries:
        raise PlanningImpossible(
            _("Nobody in the home-visit pool may have %(product)s at home on %(day)s.")
            % {"product": product.name, "day": run.date.isoformat()}
        )
    in_store = store_vials(run.region, product, run.date)
    held = {day.pk: held_vials(day, product) for day in route_days}
    if in_store + sum(held.values()) == 0:
        raise PlanningImpossible(
            _(
                "The region's store has no vials of %(product)s usable on %(day)s. Receive "
                "vaccine first, then plan again."
            )
            % {"product": product.name, "day": run.date.isoformat()}
        )

    _progress(run, 15, GEOCODING)
    locator = geo.geocoder()
    vehicles = []
    for day in route_days:
        practice = day.vaccinator_organisation
        start = locator.locate(practice.street, practice.postcode.code, practice.postcode.name)
        if start is None:
            raise PlanningImpossible(
                _("The address of %(vaccinator)s could not be placed on the map.")
                % {"vaccinator": practice.name}
            )
        starts_at, ends_at = local_span(day.date, day.starts_at, day.ends_at)
        vehicles.append(
            Vehicle(
                id=day.pk,
                start=start,
                starts_at=starts_at,
                ends_at=ends_at,
                max_vials=in_store + held[day.pk],
            )
        )
    visits: dict[int, _Visit] = {}
    for entry in entries:
        citizen = entry.citizen
        point = locator.locate(citizen.street, citizen.postcode, citizen.city)
        if point is None:
            continue  # stays in the pool; counted as left over
        observation = observation_minutes(
            product, severe_allergy=entry.referral.visitation.severe_allergy
        )
        visits[entry.referral.pk] = _Visit(
            entry=entry,
            point=point,
            service_minutes=settings.HOME_VISIT_VACCINATION_MINUTES + observation,
            observation_minutes=observation,
        )
    if not visits:
        raise PlanningImpossible(_("None of the addresses in the pool could be placed on the map."))

    _progress(run, 40, TRAVEL_TIMES)
    travel = geo.travel_times()

    _progress(run, 50, SOLVING)
    result = planner.plan(
        vehicles,
        [visit.candidate() for visit in visits.values()],
        vial_product(product),
        travel=travel,
        vials_available=in_store + sum(held.values()),
        threads=settings.PLANNER_THREADS,
    )

    _progress(run, 90, SAVING)
    by_vehicle = {route.vehicle_id: route for route in result.routes}
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=run.pk)
        if run.status == PlanningRun.Status.PUBLISHED:
            return
        # A re-run replaces the run's drafts: the job is idempotent.
        RouteList.objects.filter(planning_run=run, status=RouteList.Status.DRAFT).delete()
        planned = 0
        for day, vehicle in zip(route_days, vehicles, strict=True):
            route = by_vehicle.get(vehicle.id) or planner.evaluate(
                vehicle, [], vial_product(product), travel=travel
            )
            route_list = RouteList(
                planning_run=run,
                route_day=day,
                region_id=run.region_id,
                vaccinator_organisation=day.vaccinator_organisation,
                date=run.date,
                product=product,
                start_latitude=vehicle.start.lat,
                start_longitude=vehicle.start.lon,
            )
            _apply_totals(route_list, vehicle, route)
            route_list.save()
            stops = []
            for position, planned_stop in enumerate(route.stops, start=1):
                visit = visits[planned_stop.candidate_id]
                stops.append(
                    RouteStop(
                        route_list=route_list,
                        position=position,
                        referral=visit.entry.referral,
                        citizen=visit.entry.citizen,
                        dose=visit.entry.dose,
                        planned_arrival=planned_stop.arrival,
                        service_minutes=visit.service_minutes,
                        observation_minutes=visit.observation_minutes,
                        drive_seconds=planned_stop.drive_seconds,
                        vial_number=planned_stop.vial,
                        latitude=visit.point.lat,
                        longitude=visit.point.lon,
                    )
                )
            RouteStop.objects.bulk_create(stops)
            planned += len(stops)
        run.status = PlanningRun.Status.DONE
        run.progress = 100
        run.progress_note = READY
        run.error = ""
        run.candidates = len(entries)
        run.planned = planned
        run.left_over = len(entries) - planned
        run.solve_ms = round(result.solve_seconds * 1000)
        run.finished_at = timezone.now()
        run.save()


def _apply_totals(route_list: RouteList, vehicle: Vehicle, route: PlannedRoute) -> None:
    """The route's times and totals onto its list (not saved)."""
    if route.stops:
        first = route.stops[0]
        route_list.starts_at = max(
            vehicle.starts_at, first.arrival - timedelta(seconds=first.drive_seconds)
        )
        route_list.ends_at = route.returns_at
    else:
        route_list.starts_at = route_list.ends_at = vehicle.starts_at
    route_list.vials = route.vials
    route_list.drive_seconds = route.drive_seconds
    route_list.distance_m = route.distance_m
    route_list.expected_waste = route.waste
    route_list.violations = "\n".join(route.violations)


# Editing the drafts -----------------------------------------------------------------------------


def _locked_draft(route_list: RouteList) -> RouteList:
    locked = (
        RouteList.objects.select_for_update(of=("self",))
        .select_related("route_day", "product", "region")
        .get(pk=route_list.pk)
    )
    if locked.status != RouteList.Status.DRAFT:
        raise ValidationError(
            _("Only a draft route list can be changed; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _vehicle_of(route_list: RouteList) -> Vehicle:
    day = route_list.route_day
    starts_at, ends_at = local_span(day.date, day.starts_at, day.ends_at)
    return Vehicle(
        id=day.pk,
        start=Point(route_list.start_latitude, route_list.start_longitude),
        starts_at=starts_at,
        ends_at=ends_at,
        max_vials=store_vials(route_list.region, route_list.product, route_list.date)
        + held_vials(day, route_list.product),
    )


def route_list_recompute(route_list: RouteList) -> RouteList:
    """Times, vials, drive and waste of the list's stops in their order, recomputed by the
    planner's ``evaluate`` with the problems it finds (a vial opened too long, a day too long),
    saved on the list and its stops. Called inside the editing services' transaction."""
    stops = list(route_list.stops.order_by("position", "pk"))
    vehicle = _vehicle_of(route_list)
    route = planner.evaluate(
        vehicle,
        [
            Candidate(
                id=stop.pk,
                location=Point(stop.latitude, stop.longitude),
                priority=0,
                service_seconds=stop.service_minutes * 60,
            )
            for stop in stops
        ],
        vial_product(route_list.product),
        travel=geo.travel_times(),
    )
    for position, (stop, planned_stop) in enumerate(zip(stops, route.stops, strict=True), 1):
        stop.position = position
        stop.planned_arrival = planned_stop.arrival
        stop.vial_number = planned_stop.vial
        stop.drive_seconds = planned_stop.drive_seconds
    RouteStop.objects.bulk_update(
        stops, ["position", "planned_arrival", "vial_number", "drive_seconds"]
    )
    _apply_totals(route_list, vehicle, route)
    route_list.save()
    return route_list


@transaction.atomic
def route_stop_move(*, stop: RouteStop, to: RouteList | None) -> RouteStop | None:
    """Move a stop to the end of another draft of the same run, or with ``to`` None take it off
    the route (the citizen stays in the pool). Both lists are recomputed."""
    if to is None:
        source = _locked_draft(stop.route_list)
        RouteStop.objects.filter(pk=stop.pk).delete()
        route_list_recompute(source)
        return None
    if to.pk == stop.route_list_id:
        raise ValidationError(_("The stop is already on that route."))
    # Both lists locked in the order of their ids: two moves the other way round cannot
    # deadlock.
    locked = {
        route_list.pk: _locked_draft(route_list)
        for route_list in sorted((stop.route_list, to), key=lambda r: r.pk)
    }
    source, target = locked[stop.route_list_id], locked[to.pk]
    if target.planning_run_id != source.planning_run_id:
        raise ValidationError(_("A stop can only move to another route of the same planning run."))
    last = target.stops.order_by("-position").values_list("position", flat=True).first() or 0
    RouteStop.objects.filter(pk=stop.pk).update(route_list=target, position=last + 1)
    route_list_recompute(source)
    route_list_recompute(target)
    return RouteStop.objects.get(pk=stop.pk)


@transaction.atomic
def route_stop_reorder(*, stop: RouteStop, up: bool) -> RouteStop:
    """Swap the stop with the one before it (``up``) or after it, and recompute the list."""
    route_list = _locked_draft(stop.route_list)
    stops = list(route_list.stops.order_by("position", "pk"))
    index = next(i for i, s in enumerate(stops) if s.pk == stop.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(stops):
        raise ValidationError(
            _("The stop is already the first.") if up else _("The stop is already the last.")
        )
    stops[index], stops[other] = stops[other], stops[index]
    for position, each in enumerate(stops, start=1):
        each.position = position
    RouteStop.objects.bulk_update(stops, ["position"])
    route_list_recompute(route_list)
    return RouteStop.objects.get(pk=stop.pk)


@transaction.atomic
def route_list_discard(*, route_list: RouteList) -> RouteList:
    """Set a draft aside: its citizens stay in the pool."""
    route_list = _locked_draft(route_list)
    route_list.status = RouteList.Status.DISCARDED
    route_list.save(update_fields=["status"])
    return route_list


@transaction.atomic
def planning_run_discard(*, planning_run: PlanningRun) -> int:
    """Set every draft of the run aside; returns how many."""
    return RouteList.objects.filter(
        planning_run=planning_run, status=RouteList.Status.DRAFT
    ).update(status=RouteList.Status.DISCARDED)
