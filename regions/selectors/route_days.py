"""Reads on route days: the region's days with their staff and vaccine counted."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from outreach.models import Region
from regions.models import RouteDay, StockBalance


def route_days_of(
    region: Region, *, from_day: date | None = None, until_day: date | None = None
) -> QuerySet[RouteDay]:
    """The region's route days with ``staff`` (people assigned) and ``doses`` (vaccine held)
    counted in the same query."""
    doses = (
        StockBalance.objects.filter(holder__route_day=OuterRef("pk"), batch__isnull=False)
        .values("holder__route_day")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    days = (
        RouteDay.objects.filter(region=region)
        .select_related("vaccinator_organisation", "product")
        .annotate(
            staff=Count("staff_assignments", distinct=True),
            doses=Coalesce(Subquery(doses, output_field=IntegerField()), Value(0)),
        )
        .order_by("date", "starts_at", "pk")
    )
    if from_day is not None:
        days = days.filter(date__gte=from_day)
    if until_day is not None:
        days = days.filter(date__lt=until_day)
    return days
