"""Writes on the rides the municipality arranges: the details the transport desk fills in, and the
ride marked booked with the provider or cancelled.

A ride is created by the visitation decision (``services.cases.visitation_decide``) and cancelled
by it when the decision changes; here a caseworker completes it. Each write locks the booking row,
so two caseworkers saving the same ride at once do not overwrite each other's status.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import TransportBooking
from outreach.models import User

Status = TransportBooking.Status


def _locked(booking: TransportBooking) -> TransportBooking:
    booking = TransportBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == Status.CANCELLED:
        raise ValidationError(
            _("This ride was cancelled. A new decision on the case creates a new ride.")
        )
    return booking


@transaction.atomic
def transport_booking_update(
    *,
    booking: TransportBooking,
    user: User,
    destination: str,
    pickup_at: datetime | None,
    note: str,
) -> TransportBooking:
    """Set where the ride goes, when the citizen is picked up and what the driver should know.

    A booked ride stays booked: the caseworker changes it with the provider and records it here.
    """
    booking = _locked(booking)
    if pickup_at is not None and pickup_at != booking.pickup_at and pickup_at <= timezone.now():
        raise ValidationError({"pickup_at": _("The pickup time must be in the future.")})
    booking.destination = destination.strip()
    booking.pickup_at = pickup_at
    booking.note = note.strip()
    if booking.status == Status.BOOKED:
        _require_details(booking)
    booking.save(update_fields=["destination", "pickup_at", "note"])
    return booking


def _require_details(booking: TransportBooking) -> None:
    problems = {}
    if not booking.destination:
        problems["destination"] = _("Write where the citizen is going.")
    if booking.pickup_at is None:
        problems["pickup_at"] = _("Set the pickup time.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def transport_booking_mark_booked(*, booking: TransportBooking, user: User) -> TransportBooking:
    """The ride is booked with the transport provider: it needs a destination and a pickup time."""
    booking = _locked(booking)
    _require_details(booking)
    if booking.status != Status.BOOKED:
        booking.status = Status.BOOKED
        booking.booked_at = timezone.now()
        booking.booked_by = user
        booking.save(update_fields=["status", "booked_at", "booked_by"])
    return booking


@transaction.atomic
def transport_booking_cancel(*, booking: TransportBooking, user: User) -> TransportBooking:
    """The ride is not needed (or was cancelled with the provider)."""
    booking = _locked(booking)
    booking.status = Status.CANCELLED
    booking.save(update_fields=["status"])
    return booking


@transaction.atomic
def transport_booking_follow_slot(
    *, visitation_id: int, destination: str, pickup_at: datetime | None
) -> int:
    """The region booked (or unbooked) the citizen's pop-up time slot: the ride to it gets the
    site and a pickup time, and goes back on the list to arrange (a ride already booked with the
    provider must be changed there). Returns the rides changed."""
    rides = list(
        TransportBooking.objects.select_for_update()
        .filter(visitation_id=visitation_id, pathway=TransportBooking.Pathway.POPUP)
        .exclude(status=Status.CANCELLED)
    )
    for ride in rides:
        ride.destination = destination
        ride.pickup_at = pickup_at
        ride.status = Status.TO_ARRANGE
        ride.booked_at = None
        ride.booked_by = None
        ride.save(update_fields=["destination", "pickup_at", "status", "booked_at", "booked_by"])
    return len(rides)
