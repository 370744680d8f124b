"""Reads on staffing, each assignment with whether the same person is booked elsewhere at an
overlapping time."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from outreach.models import Region
from regions.models import PopupSession, RouteDay, StaffAssignment, StaffMember

# An assignment whose session or route day still takes place; one at a cancelled plan frees the
# person and overlaps nothing.
AT_AN_OPEN_PLACE = Q(session__status__in=PopupSession.OPEN) | Q(
    route_day__isnull=False, route_day__cancelled_at__isnull=True
)


def with_overlaps(assignments: QuerySet[StaffAssignment]) -> QuerySet[StaffAssignment]:
    """Annotate ``overlaps``: the person has another assignment whose time crosses this one (an
    assignment ending when the other starts does not cross it)."""
    other = (
        StaffAssignment.objects.filter(
            AT_AN_OPEN_PLACE,
            staff=OuterRef("staff"),
            starts_at__lt=OuterRef("ends_at"),
            ends_at__gt=OuterRef("starts_at"),
        )
        .exclude(pk=OuterRef("pk"))
        .values("pk")
    )
    return assignments.annotate(overlaps=Exists(other))


def assignments_of(region: Region) -> QuerySet[StaffAssignment]:
    return with_overlaps(
        StaffAssignment.objects.filter(staff__region=region).select_related(
            "staff__organisation",
            "session__site",
            "route_day__vaccinator_organisation",
        )
    )


def upcoming_assignments_of(region: Region, now: datetime | None = None) -> QuerySet:
    """The region's assignments not yet over, at sessions and route days that still take place,
    soonest first."""
    return (
        assignments_of(region)
        .filter(AT_AN_OPEN_PLACE, ends_at__gt=now or timezone.now())
        .order_by("starts_at", "staff__name", "pk")
    )


def assignments_at(place: PopupSession | RouteDay) -> QuerySet[StaffAssignment]:
    field = "session" if isinstance(place, PopupSession) else "route_day"
    return with_overlaps(
        StaffAssignment.objects.filter(**{field: place})
        .select_related("staff__organisation")
        .order_by("starts_at", "staff__name", "pk")
    )


def staff_of(region: Region) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(region=region).select_related("organisation")


def assignable_sessions(region: Region) -> QuerySet[PopupSession]:
    """Sessions people can still be put on: open, from today."""
    return (
        PopupSession.objects.filter(
            region=region, status__in=PopupSession.OPEN, date__gte=timezone.localdate()
        )
        .select_related("site")
        .order_by("date", "starts_at", "pk")
    )


def assignable_route_days(region: Region) -> QuerySet[RouteDay]:
    """Route days people can still be put on: not cancelled, from today."""
    return (
        RouteDay.objects.filter(
            region=region, cancelled_at__isnull=True, date__gte=timezone.localdate()
        )
        .select_related("vaccinator_organisation")
        .order_by("date", "starts_at", "pk")
    )
