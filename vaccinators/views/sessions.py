"""The pop-up sessions a vaccinator organisation runs: from today, each with its list of booked
citizens in time order, the safety checklist, an outcome per booking, acute reactions and
finishing the session."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outreach import access
from outreach.models import AccessEvent, Outcome
from outreach.services import access_event_record
from regions.forms.errors import add_service_error
from regions.models import PopupSession, SessionBooking
from regions.selectors.sessions import session_vials, sessions_run_by
from vaccinators.forms import AdverseReactionForm, ChecklistForm, CorrectionForm
from vaccinators.models import SafetyChecklist
from vaccinators.selectors.routes import (
    practice_session,
    session_batches,
    session_booking,
    session_bookings,
)
from vaccinators.services import outcomes
from vaccinators.views import outcome_steps


@require_GET
@login_required
def session_list(request, code: str):
    organisation = access.get_vaccinator_organisation_for_user(request.user, code, "vaccinate")
    sessions = sessions_run_by(organisation).filter(date__gte=timezone.localdate())
    return render(
        request,
        "vaccinators/session_list.html",
        {
            "organisation": organisation,
            "rows": [(session, session_vials(session, session.booked)) for session in sessions],
        },
    )


def _session(request, code: str, pk: int):
    organisation = access.get_vaccinator_organisation_for_user(request.user, code, "vaccinate")
    return organisation, practice_session(organisation, pk)


def _page_url(organisation, session, booking_pk: int | None = None) -> str:
    url = reverse(
        "vaccinators:session-detail", kwargs={"code": organisation.code, "pk": session.pk}
    )
    return f"{url}#booking-{booking_pk}" if booking_pk else url


def session_page(
    request, organisation, session, *, forms: dict | None = None, error: str = "", status=200
):
    """The session's list: who comes when, with what the vaccinator needs to know, and the
    outcome of each."""
    forms = forms or {}
    with transaction.atomic():
        bookings = session_bookings(session)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=AccessEvent.Action.LIST,
            purpose=_("Pop-up session list"),
            detail=str(len(bookings)),
        )
    checklist = (
        SafetyChecklist.objects.filter(popup_session=session).select_related("confirmed_by").first()
    )
    batches = session_batches(session)
    default_lot = next((b.batch.lot_number for b in batches if b.doses > 0), "")
    for booking in bookings:
        record = booking.vaccination
        if record is not None:
            booking.observation_until = record.given_at + timedelta(
                minutes=record.observation_minutes
            )
            booking.dose_two = record.dose_two_window()
            booking.reactions = list(record.adverse_reactions.all())
            booking.reaction_form = forms.get(("reaction", booking.pk)) or AdverseReactionForm(
                prefix=f"reaction-{booking.pk}"
            )
        if booking.outcome == Outcome.VACCINATED:
            booking.correction_form = forms.get(("correct", booking.pk)) or CorrectionForm(
                auto_id=f"correct-{booking.pk}-%s"
            )
    at_work = session.is_open and session.date <= timezone.localdate()
    booked = [b for b in bookings if b.status == SessionBooking.Status.BOOKED]
    return render(
        request,
        "vaccinators/session_detail.html",
        {
            "organisation": organisation,
            "session": session,
            "bookings": bookings,
            "vials": session_vials(session, len(booked)),
            "checklist": checklist,
            "checklist_form": forms.get("checklist") or ChecklistForm(),
            "batches": batches,
            "default_lot": default_lot,
            "at_work": at_work,
            "recording": at_work and checklist is not None,
            "vaccinated": sum(1 for b in bookings if b.outcome == Outcome.VACCINATED),
            "error": error,
        },
        status=status,
    )


@require_GET
@login_required
def session_detail(request, code: str, pk: int):
    organisation, session = _session(request, code, pk)
    return session_page(request, organisation, session)


def _booking(session: PopupSession, booking_pk: int) -> SessionBooking:
    return session_booking(session, booking_pk)


def _refused(request, organisation, session, error: ValidationError):
    return session_page(request, organisation, session, error=" ".join(error.messages), status=422)


@require_POST
@login_required
def session_checklist(request, code: str, pk: int):
    organisation, session = _session(request, code, pk)
    form = ChecklistForm(request.POST)
    form.is_valid()  # four tick boxes: always valid; the service says what is missing
    try:
        outcomes.checklist_confirm(popup_session=session, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return session_page(request, organisation, session, forms={"checklist": form}, status=422)
    messages.success(request, _("The safety checklist is confirmed."))
    return redirect(_page_url(organisation, session))


def _place(request, organisation, session: PopupSession) -> outcome_steps.Place:
    return outcome_steps.Place(
        page=partial(session_page, request, organisation, session),
        url=partial(_page_url, organisation, session),
        product=session.product,
    )


@require_POST
@login_required
def booking_outcome(request, code: str, pk: int, booking_pk: int):
    organisation, session = _session(request, code, pk)
    booking = _booking(session, booking_pk)
    record = partial(outcomes.booking_outcome_record, booking=booking)
    place = _place(request, organisation, session)
    return outcome_steps.outcome_record(request, place, booking, record)


@require_POST
@login_required
def booking_correct(request, code: str, pk: int, booking_pk: int):
    organisation, session = _session(request, code, pk)
    booking = _booking(session, booking_pk)
    correct = partial(outcomes.booking_outcome_correct, booking=booking)
    place = _place(request, organisation, session)
    return outcome_steps.outcome_correct(request, place, booking, correct)


@require_POST
@login_required
def booking_reaction(request, code: str, pk: int, booking_pk: int):
    organisation, session = _session(request, code, pk)
    booking = _booking(session, booking_pk)
    place = _place(request, organisation, session)
    return outcome_steps.reaction_record(request, place, booking)


@require_POST
@login_required
def session_finish(request, code: str, pk: int):
    organisation, session = _session(request, code, pk)
    try:
        outcomes.popup_session_finish(session=session, user=request.user)
    except ValidationError as error:
        return _refused(request, organisation, session, error)
    messages.success(
        request,
        _(
            "The session is finished. Unopened vials and unused consumables are booked back to "
            "the region's store; citizens without an outcome wait for another session."
        ),
    )
    return redirect(_page_url(organisation, session))
