"""Writes on pop-up sites and sessions: creating them, booking accepted pop-up referrals into time
slots (the slot and the ride flow back to the municipality), confirming a session once its vial
arithmetic wastes little enough, and cancelling.

A booking locks its session row first, so two coordinators filling the last place at once are
served one after the other and capacity holds.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Referral
from municipalities.services.cases import referral_schedule, referral_unschedule
from municipalities.services.transport import transport_booking_follow_slot
from outreach.models import Postcode, Region, User, VaccinatorOrganisation, VaccineProduct
from outreach.vaccine_rules import Pathway, rule_book
from regions.models import PopupSession, PopupSite, SessionBooking
from regions.selectors.sessions import active_bookings, session_slots, session_vials

Status = PopupSession.Status


@transaction.atomic
def popup_site_create(
    *,
    region: Region,
    name: str,
    kind: str,
    street: str,
    postcode: Postcode,
    available_from: date,
    available_to: date | None,
    access_note: str = "",
) -> PopupSite:
    if available_to is not None and available_to < available_from:
        raise ValidationError({"available_to": _("The last day cannot be before the first.")})
    return PopupSite.objects.create(
        region=region,
        name=name.strip(),
        kind=kind,
        street=street.strip(),
        postcode=postcode,
        available_from=available_from,
        available_to=available_to,
        access_note=access_note.strip(),
    )


def _check_session(
    site: PopupSite, day: date, starts_at: time, ends_at: time, product: VaccineProduct
) -> None:
    problems = {}
    if ends_at <= starts_at:
        problems["ends_at"] = _("The session must end after it starts.")
    if not site.available_on(day):
        problems["date"] = _("%(site)s is not available on %(day)s.") % {
            "site": site.name,
            "day": day.isoformat(),
        }
    verdict = rule_book(day).verdict(product, Pathway.POPUP, None)
    if not verdict.allowed:
        problems["product"] = _("%(product)s may not be used at a pop-up on %(day)s. %(why)s") % {
            "product": product.name,
            "day": day.isoformat(),
            "why": verdict.reason,
        }
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def popup_session_create(
    *,
    site: PopupSite,
    day: date,
    starts_at: time,
    ends_at: time,
    product: VaccineProduct,
    capacity: int,
    slot_minutes: int,
    vaccinator_organisation: VaccinatorOrganisation | None,
) -> PopupSession:
    """A session at ``site``: the site must be available that day and the rules in force must
    allow ``product`` at a pop-up."""
    if day < timezone.localdate():
        raise ValidationError({"date": _("A session cannot be planned in the past.")})
    _check_session(site, day, starts_at, ends_at, product)
    if vaccinator_organisation is not None and vaccinator_organisation.region_id != site.region_id:
        raise ValidationError({"vaccinator_organisation": _("Choose a vaccinator in the region.")})
    return PopupSession.objects.create(
        region_id=site.region_id,
        site=site,
        date=day,
        starts_at=starts_at,
        ends_at=ends_at,
        product=product,
        capacity=capacity,
        slot_minutes=slot_minutes,
        vaccinator_organisation=vaccinator_organisation,
    )


def _locked_open(session: PopupSession) -> PopupSession:
    session = (
        PopupSession.objects.select_for_update()
        .select_related("product", "site")
        .get(pk=session.pk)
    )
    if not session.is_open:
        raise ValidationError(
            _("The session is %(status)s.") % {"status": session.get_status_display().lower()}
        )
    return session


def _pickup_for(slot_at: datetime) -> datetime:
    return slot_at - timedelta(minutes=settings.POPUP_PICKUP_MINUTES_BEFORE)


@transaction.atomic
def session_book(
    *, session: PopupSession, referral: Referral, user: User, slot_at: datetime | None = None
) -> SessionBooking:
    """Book an accepted pop-up referral into a time slot of ``session`` (the first free one when
    none is chosen). The referral becomes scheduled and the citizen's ride gets the site and a
    pickup time on the municipality's transport list."""
    session = _locked_open(session)
    referral = Referral.objects.select_related("citizen", "product").get(pk=referral.pk)
    if referral.region_id != session.region_id or referral.pathway != Referral.Pathway.POPUP:
        raise ValidationError(_("Only the region's pop-up referrals can be booked into a session."))
    if referral.status != Referral.Status.ACCEPTED:
        raise ValidationError(
            _("Accept the referral before booking it (it is %(status)s).")
            % {"status": referral.get_status_display().lower()}
        )
    if session.date < timezone.localdate():
        raise ValidationError(_("The session is over."))
    if referral.product_id is not None and referral.product_id != session.product_id:
        raise ValidationError(
            _(
                "Dose %(dose)s must be given with %(product)s, the product of dose 1; "
                "this session uses %(session)s."
            )
            % {
                "dose": referral.dose,
                "product": referral.product.name,
                "session": session.product.name,
            }
        )
    if referral.not_before is not None and session.date < referral.not_before:
        raise ValidationError(
            _("Dose %(dose)s may not be given before %(day)s; the session is on %(date)s.")
            % {
                "dose": referral.dose,
                "day": referral.not_before.isoformat(),
                "date": session.date.isoformat(),
            }
        )
    verdict = rule_book(session.date).verdict(
        session.product, Pathway.POPUP, referral.citizen.target_group_id
    )
    if not verdict.allowed:
        raise ValidationError(
            _("%(product)s may not be given to this citizen (target group %(group)s). %(why)s")
            % {
                "product": session.product.name,
                "group": referral.citizen.target_group_id,
                "why": verdict.reason,
            }
        )
    slots = session_slots(session)
    if sum(slot.free for slot in slots) == 0:
        raise ValidationError(_("The session is full."))
    if slot_at is None:
        slot_at = next(slot.at for slot in slots if slot.free)
    else:
        slot = next((slot for slot in slots if slot.at == slot_at), None)
        if slot is None:
            raise ValidationError({"slot_at": _("Choose one of the session's time slots.")})
        if not slot.free:
            raise ValidationError({"slot_at": _("That time slot is full.")})
    booking = SessionBooking.objects.create(
        session=session,
        referral=referral,
        citizen=referral.citizen,
        slot_at=slot_at,
        booked_by=user,
    )
    referral_schedule(referral=referral, scheduled_for=slot_at)
    transport_booking_follow_slot(
        visitation_id=referral.visitation_id,
        destination=f"{session.site.name}, {session.site.address}",
        pickup_at=_pickup_for(slot_at),
    )
    return booking


@transaction.atomic
def session_booking_cancel(*, booking: SessionBooking, user: User) -> SessionBooking:
    """Take the citizen out of the session: the referral waits, accepted, for another session and
    the ride loses its destination and time."""
    booking = (
        SessionBooking.objects.select_for_update().select_related("referral").get(pk=booking.pk)
    )
    if booking.status != SessionBooking.Status.BOOKED:
        raise ValidationError(_("The booking is already cancelled."))
    booking.status = SessionBooking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    if booking.referral.status == Referral.Status.SCHEDULED:
        referral_unschedule(referral=booking.referral)
        transport_booking_follow_slot(
            visitation_id=booking.referral.visitation_id, destination="", pickup_at=None
        )
    return booking


@transaction.atomic
def session_confirm(*, session: PopupSession, user: User) -> PopupSession:
    """Confirm a planned session. With an mRNA product it must not waste more than the threshold
    (``POPUP_MAX_WASTED_DOSES``): a pop-up uses Comirnaty or Moderna only when enough citizens are
    gathered."""
    session = _locked_open(session)
    if session.status != Status.PLANNED:
        raise ValidationError(_("The session is already confirmed."))
    if session.rule_conflict:
        raise ValidationError(session.rule_conflict)
    vials = session_vials(session, active_bookings(session).count())
    if vials.booked == 0:
        raise ValidationError(_("Book at least one citizen before confirming the session."))
    limit = settings.POPUP_MAX_WASTED_DOSES
    if session.product.is_mrna and vials.wasted > limit:
        raise ValidationError(
            _(
                "%(arithmetic)s A session with %(product)s may waste at most %(limit)d doses: "
                "book %(more)d more or move citizens to another session."
            )
            % {
                "arithmetic": str(vials),
                "product": session.product.name,
                "limit": limit,
                "more": vials.wasted - limit,
            }
        )
    session.status = Status.CONFIRMED
    session.confirmed_at = timezone.now()
    session.confirmed_by = user
    session.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    return session


@transaction.atomic
def session_cancel(*, session: PopupSession, user: User) -> PopupSession:
    """Cancel the session: every booked citizen's referral waits for another session (a citizen
    already vaccinated there keeps their booking)."""
    session = _locked_open(session)
    for booking in active_bookings(session).filter(referral__status=Referral.Status.SCHEDULED):
        session_booking_cancel(booking=booking, user=user)
    session.status = Status.CANCELLED
    session.save(update_fields=["status"])
    return session
