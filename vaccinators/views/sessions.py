"""The pop-up sessions a vaccinator organisation runs: from today, each with its list of booked
citizens in time order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record
from regions.selectors.sessions import active_bookings, session_vials, sessions_run_by


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


@require_GET
@login_required
def session_detail(request, code: str, pk: int):
    """The session's list: who comes when, with what the vaccinator needs to know."""
    organisation = access.get_vaccinator_organisation_for_user(request.user, code, "vaccinate")
    session = access.get_owned(
        sessions_run_by(organisation),
        owner=organisation,
        owner_field="vaccinator_organisation",
        pk=pk,
    )
    with transaction.atomic():
        bookings = list(active_bookings(session).select_related("citizen", "referral__visitation"))
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=AccessEvent.Action.LIST,
            purpose=_("Pop-up session list"),
            detail=str(len(bookings)),
        )
    return render(
        request,
        "vaccinators/session_detail.html",
        {
            "organisation": organisation,
            "session": session,
            "bookings": bookings,
            "vials": session_vials(session, len(bookings)),
        },
    )
