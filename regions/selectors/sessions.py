"""Reads on pop-up sites and sessions: the slots and their places, the vial arithmetic, the
sessions of a region with their bookings counted, and sites nearest a citizen."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from municipalities.models import Referral
from outreach.models import Postcode, Region
from regions.models import PopupSession, PopupSite, SessionBooking
from regions.vials import VialArithmetic

# A booking counts while its referral is scheduled or done (the citizen came: the place was
# used): a referral the municipality withdrew (a new decision on the case) frees its place
# without the region having to cancel it.
BOOKED_REFERRAL = (Referral.Status.SCHEDULED, Referral.Status.DONE)
ACTIVE = Q(status=SessionBooking.Status.BOOKED, referral__status__in=BOOKED_REFERRAL)
ACTIVE_FROM_SESSION = Q(
    bookings__status=SessionBooking.Status.BOOKED,
    bookings__referral__status__in=BOOKED_REFERRAL,
)


def active_bookings(session: PopupSession) -> QuerySet[SessionBooking]:
    return session.bookings.filter(ACTIVE)


def session_vials(session: PopupSession, booked: int) -> VialArithmetic:
    return VialArithmetic(booked=booked, doses_per_vial=session.product.doses_per_vial)


@dataclass(frozen=True)
class Slot:
    at: datetime
    places: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.places - self.booked, 0)


def slot_times(session: PopupSession) -> list[datetime]:
    zone = timezone.get_current_timezone()
    at = datetime.combine(session.date, session.starts_at, tzinfo=zone)
    end = datetime.combine(session.date, session.ends_at, tzinfo=zone)
    times = []
    while at < end:
        times.append(at)
        at += timedelta(minutes=session.slot_minutes)
    return times


def session_slots(session: PopupSession) -> list[Slot]:
    """The session's time slots; the capacity is spread evenly over them, earliest first."""
    times = slot_times(session)
    base, extra = divmod(session.capacity, len(times))
    counts = {
        timezone.localtime(at): n
        for at, n in active_bookings(session)
        .values("slot_at")
        .annotate(n=Count("pk"))
        .values_list("slot_at", "n")
    }
    return [
        Slot(at=at, places=base + (1 if index < extra else 0), booked=counts.get(at, 0))
        for index, at in enumerate(times)
    ]


def sessions_of(region: Region) -> QuerySet[PopupSession]:
    """The region's sessions with their active bookings counted."""
    return (
        PopupSession.objects.filter(region=region)
        .select_related("site__postcode", "product", "vaccinator_organisation")
        .annotate(booked=Count("bookings", filter=ACTIVE_FROM_SESSION))
    )


def sites_of(region: Region) -> QuerySet[PopupSite]:
    return PopupSite.objects.filter(region=region).select_related("postcode")


def distance_km(a: Postcode, b: Postcode) -> float:
    """Great-circle distance between two postcodes' points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def local_span(day, starts_at, ends_at) -> tuple[datetime, datetime]:
    """A day's hours as two aware datetimes in the local time zone."""
    zone = timezone.get_current_timezone()
    return datetime.combine(day, starts_at, tzinfo=zone), datetime.combine(
        day, ends_at, tzinfo=zone
    )


def sessions_run_by(organisation) -> QuerySet[PopupSession]:
    """The sessions a vaccinator organisation runs (not the cancelled ones)."""
    return (
        PopupSession.objects.filter(vaccinator_organisation=organisation)
        .exclude(status=PopupSession.Status.CANCELLED)
        .select_related("site__postcode", "product", "vaccinator_organisation")
        .annotate(booked=Count("bookings", filter=ACTIVE_FROM_SESSION))
    )
