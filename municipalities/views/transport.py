"""The transport desk: the rides to arrange for the pop-up and site pathways, their details and
status, and the CSV file for the transport provider."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from municipalities import exports
from municipalities.models import TransportBooking
from municipalities.selectors import transport as transport_selectors
from municipalities.services import transport as transport_services
from municipalities.transport_forms import TransportBookingForm, TransportFilterForm
from municipalities.views.common import page_context
from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record

PAGE_SIZE = 50


def _booking_form(booking: TransportBooking, data=None) -> TransportBookingForm:
    return TransportBookingForm(
        data,
        prefix=f"ride-{booking.pk}",
        initial={
            "destination": booking.destination,
            "pickup_at": booking.pickup_at,
            "note": booking.note,
        },
    )


def _list_url(municipality, query: str) -> str:
    url = reverse("municipalities:transport-list", kwargs={"code": municipality.code})
    return f"{url}?{query}" if query else url


def _transport_page(request, municipality, *, editing=None, status: int = 200):
    """The list, with the access event for the rows it shows; ``editing`` is (booking, form) of
    a ride whose changes were refused, shown open with its errors."""
    filter_form = TransportFilterForm(request.GET or None)
    bookings = transport_selectors.transport_bookings(municipality, **filter_form.filters())
    with transaction.atomic():
        page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
        rides = list(page.object_list)
        if editing is not None and editing[0] not in rides:
            rides.insert(0, editing[0])
        access_event_record(
            user=request.user,
            organisation=municipality,
            action=AccessEvent.Action.LIST,
            purpose=_("Transport list"),
            detail=str(len(rides)),
        )
    forms = {ride.pk: _booking_form(ride) for ride in rides}
    if editing is not None:
        forms[editing[0].pk] = editing[1]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "municipalities/transport_list.html",
        {
            **page_context(request, municipality),
            "filter_form": filter_form,
            "page": page,
            "rows": [(ride, forms[ride.pk]) for ride in rides],
            "editing": editing,
            "query": query.urlencode(),
            "full_query": request.GET.urlencode(),
        },
        status=422 if filter_form.is_bound and not filter_form.is_valid() else status,
    )


@require_GET
@login_required
def transport_list(request, code: str):
    """The rides to arrange (or booked, cancelled, all), soonest pickup first."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    return _transport_page(request, municipality)


@require_POST
@login_required
def transport_update(request, code: str, pk: int):
    """Save a ride's destination, pickup time and note, and mark it booked or cancelled."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    booking = access.get_owned(
        TransportBooking.objects.select_related("citizen"),
        owner=municipality,
        owner_field="municipality",
        pk=pk,
    )
    form = _booking_form(booking, request.POST)
    if form.is_valid():
        try:
            _apply(request, booking, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_list_url(municipality, request.GET.urlencode()))
    return _transport_page(request, municipality, editing=(booking, form), status=422)


def _apply(request, booking: TransportBooking, form: TransportBookingForm) -> None:
    action = form.chosen_action()
    if action == form.Action.CANCEL:
        transport_services.transport_booking_cancel(booking=booking, user=request.user)
        messages.success(request, _("The ride is cancelled."))
        return
    with transaction.atomic():
        booking = transport_services.transport_booking_update(
            booking=booking,
            user=request.user,
            destination=form.cleaned_data["destination"],
            pickup_at=form.cleaned_data["pickup_at"],
            note=form.cleaned_data["note"],
        )
        if action == form.Action.BOOK:
            transport_services.transport_booking_mark_booked(booking=booking, user=request.user)
    if action == form.Action.BOOK:
        messages.success(request, _("The ride is marked booked."))
    else:
        messages.success(request, _("The ride is saved."))


@require_GET
@login_required
def transport_export(request, code: str):
    """The list as CSV for the transport provider: what a driver needs, no CPR, no birth date."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    filter_form = TransportFilterForm(request.GET or None)
    if filter_form.is_bound and not filter_form.is_valid():
        return _transport_page(request, municipality)
    filters = filter_form.filters()
    with transaction.atomic():
        rides = list(transport_selectors.transport_bookings(municipality, **filters))
        access_event_record(
            user=request.user,
            organisation=municipality,
            action=AccessEvent.Action.EXPORT,
            purpose=_("Rides for the transport provider"),
            detail=str(len(rides)),
        )
    body = exports.csv_text(
        [
            _("Name"),
            _("Pickup address"),
            _("Postcode"),
            _("City"),
            _("Phone"),
            _("Destination"),
            _("Pickup time"),
            _("Sitting or wheelchair"),
            _("Note for the driver"),
        ],
        (
            [
                ride.citizen.name,
                ride.pickup_street,
                ride.pickup_postcode,
                ride.pickup_city,
                ride.citizen.phone,
                ride.destination,
                _local(ride.pickup_at),
                ride.get_kind_display(),
                ride.note,
            ]
            for ride in rides
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    day = filters["day"].isoformat() if filters["day"] else "all-days"
    response["Content-Disposition"] = (
        f'attachment; filename="transport-{municipality.code}-{filters["status"]}-{day}.csv"'
    )
    return response


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
