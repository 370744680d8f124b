"""Reads on what the vaccine rules no longer allow: the region's planned sessions, bookings and
route days that the last re-check (``regions.conflicts``) flagged, soonest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from outreach.models import Region
from regions.models import PopupSession, RouteDay, SessionBooking
from regions.selectors.sessions import ACTIVE


@dataclass(frozen=True)
class RuleConflicts:
    sessions: QuerySet[PopupSession]
    bookings: QuerySet[SessionBooking]
    route_days: QuerySet[RouteDay]


def rule_conflicts_of(region: Region, today: date) -> RuleConflicts:
    """The region's flagged items from ``today`` on that are still planned: open sessions, their
    active bookings and route days not cancelled (one query each)."""
    return RuleConflicts(
        sessions=PopupSession.objects.filter(
            region=region, status__in=PopupSession.OPEN, date__gte=today
        )
        .exclude(rule_conflict="")
        .select_related("site", "product"),
        bookings=SessionBooking.objects.filter(ACTIVE)
        .filter(
            session__region=region,
            session__status__in=PopupSession.OPEN,
            session__date__gte=today,
        )
        .exclude(rule_conflict="")
        .select_related("session__site", "session__product", "citizen")
        .order_by("session__date", "slot_at", "pk"),
        route_days=RouteDay.objects.filter(
            region=region, cancelled_at__isnull=True, date__gte=today
        )
        .exclude(rule_conflict="")
        .select_related("vaccinator_organisation", "product"),
    )
