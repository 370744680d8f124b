"""Reads for planning runs: the region's runs, a run's route lists with their stops, the vials a
route day may draw on, and the published lists a changed rule no longer allows."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from outreach.models import Region, VaccineProduct
from regions.models import PlanningRun, RouteDay, StockBalance
from regions.selectors.stock import store_fefo
from vaccinators.models import RouteList, RouteStop


def planning_runs_of(region: Region) -> QuerySet[PlanningRun]:
    """The region's runs, newest first, with their drafts and published lists counted."""
    return (
        PlanningRun.objects.filter(region=region)
        .select_related("product", "created_by")
        .annotate(
            drafts=Count("route_lists", filter=Q(route_lists__status=RouteList.Status.DRAFT)),
            live=Count("route_lists", filter=Q(route_lists__status__in=RouteList.LIVE)),
        )
        .order_by("-created_at", "-pk")
    )


def route_lists_of_run(run: PlanningRun) -> QuerySet[RouteList]:
    """A run's route lists with their stops in order, and what the review shows of each stop
    (the citizen, the referral's municipality and visitation): two queries for any number of
    stops."""
    stops = RouteStop.objects.select_related(
        "citizen", "referral__municipality", "referral__visitation"
    ).order_by("position", "pk")
    return (
        RouteList.objects.filter(planning_run=run)
        .select_related("vaccinator_organisation__postcode", "route_day", "product")
        .prefetch_related(Prefetch("stops", queryset=stops))
        .order_by("vaccinator_organisation__name", "pk")
    )


def store_vials(region: Region, product: VaccineProduct, day: date) -> int:
    """Whole vials of ``product`` in the region's store still good on ``day``."""
    return sum(
        doses // product.doses_per_vial for _batch, doses in store_fefo(region, product, day)
    )


def held_vials(route_day: RouteDay, product: VaccineProduct) -> int:
    """Whole vials of ``product`` already allocated to the route day (and good on its day)."""
    doses = (
        StockBalance.objects.filter(
            holder__route_day=route_day,
            batch__product=product,
            batch__expires_on__gte=route_day.date,
        ).aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    return doses // product.doses_per_vial


def route_day_has_live_list(route_day: RouteDay) -> bool:
    return RouteList.objects.filter(route_day=route_day, status__in=RouteList.LIVE).exists()


def route_lists_in_conflict(region: Region) -> QuerySet[RouteList]:
    """The region's live route lists from today that a changed vaccine rule has flagged."""
    return (
        RouteList.objects.filter(
            region=region, status__in=RouteList.LIVE, date__gte=timezone.localdate()
        )
        .exclude(rule_conflict="")
        .select_related("vaccinator_organisation", "product", "planning_run")
        .order_by("date", "vaccinator_organisation__name", "pk")
    )
