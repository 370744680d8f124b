"""Pop-up sites and sessions: the sites a region uses, its sessions with their vial arithmetic, and
booking accepted pop-up referrals into a session's time slots."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record
from regions.forms.sessions import PopupSessionForm, PopupSiteForm, SessionBookingForm
from regions.models import SessionBooking
from regions.selectors import referrals as referral_selectors
from regions.selectors import sessions as session_selectors
from regions.services import sessions as session_services
from regions.views.common import page_context
from regions.views.staff import place_staff_context
from regions.views.stock import place_stock_context


def _region(request, code: str):
    return access.get_region_for_user(request.user, code, "coordinate_region")


@require_http_methods(["GET", "POST"])
@login_required
def site_list(request, code: str):
    """The region's pop-up sites, and a form to add one."""
    region = _region(request, code)
    form = PopupSiteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                site = session_services.popup_site_create(region=region, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(site)s is added.") % {"site": site.name})
                return redirect("regions:site-list", code=region.code)
        status = 422
    return render(
        request,
        "regions/site_list.html",
        {
            **page_context(request, region),
            "sites": session_selectors.sites_of(region),
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def session_list(request, code: str):
    """The region's sessions from today (or all with ``?all=1``), each with its vial arithmetic,
    and a form to plan one."""
    region = _region(request, code)
    form = PopupSessionForm(request.POST or None, region=region)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = session_services.popup_session_create(
                    site=data["site"],
                    day=data["date"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    product=data["product"],
                    capacity=data["capacity"],
                    slot_minutes=data["slot_minutes"],
                    vaccinator_organisation=data["vaccinator_organisation"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The session is planned."))
                return redirect("regions:session-detail", code=region.code, pk=session.pk)
        status = 422
    sessions = session_selectors.sessions_of(region)
    show_all = request.GET.get("all") == "1"
    if not show_all:
        sessions = sessions.filter(date__gte=timezone.localdate())
    return render(
        request,
        "regions/session_list.html",
        {
            **page_context(request, region),
            "rows": [
                (session, session_selectors.session_vials(session, session.booked))
                for session in sessions
            ],
            "show_all": show_all,
            "form": form,
        },
        status=status,
    )


def _add_errors(form, error: ValidationError) -> None:
    """A service's field errors on the form's fields where it has them, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _session(request, code: str, pk: int):
    region = _region(request, code)
    session = access.get_owned(
        session_selectors.sessions_of(region), owner=region, owner_field="region", pk=pk
    )
    return region, session


def session_page(request, region, session, *, booking_form=None, status: int = 200):
    """The session: facts, vial arithmetic, its bookings and the referrals waiting for a time,
    nearest the site first; the access event for the citizens it shows."""
    slots = session_selectors.session_slots(session)
    with transaction.atomic():
        bookings = list(
            session_selectors.active_bookings(session).select_related(
                "citizen", "referral__municipality"
            )
        )
        waiting = referral_selectors.waiting_for_session(region, session) if session.is_open else []
        access_event_record(
            user=request.user,
            organisation=region,
            action=AccessEvent.Action.LIST,
            purpose=_("Pop-up session"),
            detail=str(len(bookings) + len(waiting)),
        )
    vials = session_selectors.session_vials(session, len(bookings))
    return render(
        request,
        "regions/session_detail.html",
        {
            **page_context(request, region),
            **_place_fragments(request, session),
            "session": session,
            "vials": vials,
            "slots": slots,
            "bookings": bookings,
            "waiting": waiting,
            "booking_form": booking_form,
            "slot_form": SessionBookingForm(slots=slots),
            "full": not any(slot.free for slot in slots),
        },
        status=status,
    )


def _place_fragments(request, session) -> dict:
    """The session's stock and staff, with their forms (``regions.views.stock`` and ``.staff``)."""
    return {
        **place_stock_context(request, session, "session"),
        **place_staff_context(request, session, "session"),
        "place_stock": True,
        "place_staff": True,
    }


@require_GET
@login_required
def session_detail(request, code: str, pk: int):
    region, session = _session(request, code, pk)
    return session_page(request, region, session)


@require_POST
@login_required
def session_book(request, code: str, pk: int):
    """Book a waiting referral into the session (a chosen slot, or the first free one)."""
    region, session = _session(request, code, pk)
    slots = session_selectors.session_slots(session)
    form = SessionBookingForm(request.POST, slots=slots)
    if form.is_valid():
        referral = access.get_owned(
            referral_selectors.referrals_of(region),
            owner=region,
            owner_field="region",
            pk=form.cleaned_data["referral"],
        )
        slot_at = form.cleaned_data["slot_at"]
        try:
            booking = session_services.session_book(
                session=session,
                referral=referral,
                user=request.user,
                slot_at=datetime.fromisoformat(slot_at) if slot_at else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is booked at %(time)s. The ride is on the transport list of "
                    "%(municipality)s."
                )
                % {
                    "name": referral.citizen.name,
                    "time": f"{timezone.localtime(booking.slot_at):%H:%M}",
                    "municipality": referral.municipality.name,
                },
            )
            return redirect("regions:session-detail", code=region.code, pk=session.pk)
    return session_page(request, region, session, booking_form=form, status=422)


@require_POST
@login_required
def session_booking_cancel(request, code: str, pk: int, booking_pk: int):
    region, session = _session(request, code, pk)
    booking = access.get_owned(
        SessionBooking.objects.select_related("citizen"),
        owner=session,
        owner_field="session",
        pk=booking_pk,
    )
    try:
        session_services.session_booking_cancel(booking=booking, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is taken out of the session and waits for another.")
            % {"name": booking.citizen.name},
        )
    return redirect("regions:session-detail", code=region.code, pk=session.pk)


@require_POST
@login_required
def session_confirm(request, code: str, pk: int):
    region, session = _session(request, code, pk)
    try:
        session_services.session_confirm(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return session_page(request, region, session, status=422)
    messages.success(request, _("The session is confirmed."))
    return redirect("regions:session-detail", code=region.code, pk=session.pk)


@require_POST
@login_required
def session_cancel(request, code: str, pk: int):
    region, session = _session(request, code, pk)
    try:
        session_services.session_cancel(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return session_page(request, region, session, status=422)
    messages.success(request, _("The session is cancelled; its citizens wait for another session."))
    return redirect("regions:session-list", code=region.code)
