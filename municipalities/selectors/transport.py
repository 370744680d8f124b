"""Reads of the rides to arrange: one municipality's transport bookings, filtered."""

from __future__ import annotations

from datetime import date

from django.db.models import F, QuerySet

from municipalities.models import TransportBooking
from outreach.models import Municipality

# The list's status filter: "all" shows every ride, the others one status.
STATUS_ALL = "all"


def transport_bookings(
    municipality: Municipality, *, status: str = TransportBooking.Status.TO_ARRANGE, day=None
) -> QuerySet[TransportBooking]:
    """The municipality's rides with the citizen joined, soonest pickup first (those without a
    time yet last, the same on every database)."""
    bookings = TransportBooking.objects.filter(municipality=municipality).select_related("citizen")
    if status != STATUS_ALL:
        bookings = bookings.filter(status=status)
    if isinstance(day, date):
        bookings = bookings.filter(pickup_at__date=day)
    return bookings.order_by(F("pickup_at").asc(nulls_last=True), "created_at", "pk")
