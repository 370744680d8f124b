"""Reads on staffing, each assignment with whether the same person is booked elsewhere at an
overlapping time."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from outreach.models import Region
from regions.models import StaffAssignment, StaffMember


def with_overlaps(assignments: QuerySet[StaffAssignment]) -> QuerySet[StaffAssignment]:
    """Annotate ``overlaps``: the person has another assignment whose time crosses this one."""
    other = StaffAssignment.objects.filter(
        staff=OuterRef("staff"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    ).exclude(pk=OuterRef("pk"))
    return assignments.annotate(overlaps=Exists(other))


def assignments_of(region: Region) -> QuerySet[StaffAssignment]:
    return with_overlaps(
        StaffAssignment.objects.filter(staff__region=region).select_related(
            "staff__organisation",
            "session__site",
            "route_day__vaccinator_organisation",
        )
    )


def staff_of(region: Region) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(region=region).select_related("organisation")
