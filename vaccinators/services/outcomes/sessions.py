"""Pop-up sessions: the outcome of each booking and its correction, and finishing the session."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Referral
from municipalities.services.cases import (
    referral_return,
    referral_uncomplete,
)
from outreach.models import (
    Outcome,
    User,
    VaccinationRecord,
)
from regions.models import PopupSession, SessionBooking, StockBatch
from regions.selectors.sessions import active_bookings
from regions.services.sessions import session_booking_cancel
from vaccinators.selectors.routes import (
    session_batches,
    session_records,
)
from vaccinators.services.outcomes._common import (
    BACK_TO_THE_MUNICIPALITY,
    _checked_batch,
    _checklist_confirmed,
    _known_outcome,
    _locked_session,
    _reason_required,
    _record_create,
    _record_invalidate,
    _referral_follows,
    _return_comment,
    _session_at_work,
)
from vaccinators.services.outcomes.settlement import _settle


def _locked_booking(booking: SessionBooking, session: PopupSession) -> SessionBooking:
    return (
        SessionBooking.objects.select_for_update(of=("self",))
        .select_related("citizen", "referral__visitation", "referral__product")
        .get(pk=booking.pk, session=session)
    )


@transaction.atomic
def booking_outcome_record(
    *,
    booking: SessionBooking,
    user: User,
    outcome: str,
    batch: StockBatch | None = None,
    note: str = "",
    given_at: datetime | None = None,
) -> SessionBooking:
    """Record what came of a pop-up booking, as at a home visit. A citizen who did not come,
    asked to wait, declined or must not be vaccinated is taken out of the session (the referral
    waits for another, or goes back to the municipality with the reason)."""
    session = _locked_session(booking.session)
    _session_at_work(session)
    _checklist_confirmed(session=session)
    booking = _locked_booking(booking, session)
    if booking.outcome:
        raise ValidationError(
            _("%(name)s already has an outcome: %(outcome)s. Correct it first if it is wrong.")
            % {"name": booking.citizen.name, "outcome": booking.get_outcome_display().lower()}
        )
    if booking.status != SessionBooking.Status.BOOKED:
        raise ValidationError(
            _("%(name)s is no longer booked into the session.") % {"name": booking.citizen.name}
        )
    outcome = _known_outcome(outcome)
    note = (note or "").strip()
    if outcome == Outcome.VACCINATED:
        batch = _checked_batch(batch, session_batches(session), session.product, _("this session"))
        booking.vaccination = _record_create(
            citizen=booking.citizen,
            referral=booking.referral,
            dose=booking.referral.dose,
            product=session.product,
            batch=batch,
            given_at=given_at,
            user=user,
            organisation=session.vaccinator_organisation,
            setting=VaccinationRecord.Setting.POPUP,
        )
    booking.outcome = outcome
    booking.outcome_at = timezone.now()
    booking.outcome_by = user
    booking.outcome_note = note
    booking.save(
        update_fields=["outcome", "outcome_at", "outcome_by", "outcome_note", "vaccination"]
    )
    if outcome == Outcome.VACCINATED:
        _referral_follows(
            booking.referral,
            outcome,
            setting=VaccinationRecord.Setting.POPUP,
            day=timezone.localdate(),
            note=note,
        )
        return booking
    # Out of the session: the referral waits for another (the region's own cancellation, which
    # also frees the ride), or goes back to the municipality.
    scheduled = booking.referral.status == Referral.Status.SCHEDULED
    session_booking_cancel(booking=booking, user=user)
    if scheduled and outcome in BACK_TO_THE_MUNICIPALITY:
        referral_return(
            referral=booking.referral,
            comment=_return_comment(
                outcome, VaccinationRecord.Setting.POPUP, timezone.localdate(), note
            ),
        )
    booking.refresh_from_db()
    return booking


@transaction.atomic
def booking_outcome_correct(*, booking: SessionBooking, user: User, reason: str) -> SessionBooking:
    """Take back a wrong "vaccinated" at a pop-up session while it runs: the record is invalidated
    with the reason and the referral is scheduled again."""
    reason = _reason_required(reason)
    session = _locked_session(booking.session)
    if session.status == PopupSession.Status.DONE:
        raise ValidationError(
            _(
                "The session is finished and its stock settled: ask the region to correct the "
                "record."
            )
        )
    _session_at_work(session)
    booking = _locked_booking(booking, session)
    if booking.outcome != Outcome.VACCINATED:
        raise ValidationError(
            _("Only a vaccination can be corrected here; %(name)s was taken out of the session.")
            % {"name": booking.citizen.name}
            if booking.outcome
            else _("%(name)s has no outcome to correct.") % {"name": booking.citizen.name}
        )
    _record_invalidate(booking.vaccination, user=user, reason=reason)
    referral = Referral.objects.select_for_update().get(pk=booking.referral_id)
    if referral.status == Referral.Status.DONE:
        referral_uncomplete(referral=referral)
    booking.outcome_note = _("Corrected from “%(outcome)s”: %(reason)s") % {
        "outcome": booking.get_outcome_display(),
        "reason": reason,
    }
    booking.outcome = ""
    booking.outcome_at = None
    booking.outcome_by = None
    booking.vaccination = None
    booking.save(
        update_fields=["outcome", "outcome_at", "outcome_by", "outcome_note", "vaccination"]
    )
    return booking


@transaction.atomic
def popup_session_finish(*, session: PopupSession, user: User) -> PopupSession:
    """The session is over: citizens booked without an outcome wait for another session, its
    stock is settled (doses given, doses left in the last vial of each batch wasted, the rest back
    to the store) and it is done."""
    session = _locked_session(session)
    if session.status == PopupSession.Status.DONE:
        raise ValidationError(_("The session is already finished."))
    _session_at_work(session)
    for booking in active_bookings(session).filter(outcome=""):
        session_booking_cancel(booking=booking, user=user)
    _settle(
        place=session,
        user=user,
        product=session.product,
        given=Counter(session_records(session).valid().values_list("batch", flat=True)),
        opened=Counter(),
        wasted=Counter(),
        note=_("Pop-up session %(session)d finished") % {"session": session.pk},
    )
    session.status = PopupSession.Status.DONE
    session.save(update_fields=["status"])
    return session
