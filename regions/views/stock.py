"""The stock ledger: what the store, each session and each route day holds, the latest movements,
receipts at the store, and allocating, returning and using stock at a session or route day.

The session and route day pages include ``_place_stock.html`` with ``place_stock_context``; its
forms post here (sessions) or to the route day views, which share ``place_stock_action``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from municipalities import exports
from outreach import access
from regions.forms.errors import add_service_error
from regions.forms.stock import (
    AllocateForm,
    ReceiveConsumableForm,
    ReceiveVaccineForm,
    ReturnForm,
    UseForm,
)
from regions.models import PopupSession, RouteDay
from regions.selectors import stock as stock_selectors
from regions.selectors.sessions import active_bookings
from regions.services import stock as stock_services
from regions.vials import VialArithmetic, vials_and_doses
from regions.views.common import page_context

PAGE_SIZE = 50
ACTIONS = ("allocate", "return", "use")


def _region(request, code: str):
    return access.get_region_for_user(request.user, code, "coordinate_region")


def _session(region, pk: int) -> PopupSession:
    return access.get_owned(
        PopupSession.objects.select_related("product", "site", "region"),
        owner=region,
        owner_field="region",
        pk=pk,
    )


def _stock_url(region) -> str:
    return reverse("regions:stock-list", kwargs={"code": region.code})


def place_default_url(place: PopupSession | RouteDay, kind: str) -> str:
    """Where a stock action on a place returns without a ``next``: the route day's page, or for
    a session the stock page."""
    if kind == "route_day":
        return reverse(
            "regions:route-day-detail", kwargs={"code": place.region.code, "pk": place.pk}
        )
    return _stock_url(place.region)


def next_url(request, default: str) -> str:
    """The local page a form came from (its ``next`` field), else ``default``."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _suggested_vials(place, kind: str, held) -> int:
    """For a session: the vials its bookings open, less the whole vials it already holds."""
    if kind != "session":
        return 1
    needed = VialArithmetic(
        booked=active_bookings(place).count(), doses_per_vial=place.product.doses_per_vial
    ).vials
    have = sum(b.quantity for b in held if b.batch_id) // place.product.doses_per_vial
    return max(needed - have, 1)


def place_stock_context(request, place, kind: str, forms: dict | None = None) -> dict:
    """What ``regions/_place_stock.html`` needs: what ``place`` (a PopupSession, ``kind``
    "session", or a RouteDay, "route_day") holds, the store's batches in the order an allocation
    takes them, and the allocate, return and use forms (``forms`` replaces some by bound ones
    with their errors)."""
    forms = forms or {}
    held = list(stock_selectors.held_at(place))
    fefo = stock_selectors.store_fefo(place.region, place.product, place.date)
    per_vial = place.product.doses_per_vial
    allocate_form = forms.get("allocate") or AllocateForm(
        prefix="allocate", fefo=fefo, initial={"vials": _suggested_vials(place, kind, held)}
    )
    # The suggestion follows what was typed when a refused form comes back.
    typed = getattr(allocate_form, "cleaned_data", {}).get("vials")
    vials = typed or allocate_form.initial.get("vials") or 1
    plan, missing = stock_selectors.plan_fefo(fefo, vials, place.product)
    url_kind = "session" if kind == "session" else "route-day"
    urls = {
        f"{action}_url": reverse(
            f"regions:{url_kind}-{action}", kwargs={"code": place.region.code, "pk": place.pk}
        )
        for action in ACTIONS
    }
    if request.method == "POST":
        back = next_url(request, place_default_url(place, kind))
    else:
        back = request.get_full_path()
    return {
        "place": place,
        "place_kind": kind,
        "region": place.region,
        "place_held": held,
        "place_holds_vaccine": any(b.batch_id for b in held),
        "place_is_open": place.is_open if kind == "session" else place.cancelled_at is None,
        "store_batches": [(batch, vials_and_doses(doses, per_vial)) for batch, doses in fefo],
        "fefo_vials": vials,
        "fefo_plan": plan,
        "fefo_missing": missing,
        "allocate_form": allocate_form,
        "return_form": forms.get("return") or ReturnForm(prefix="return", held=held),
        "use_form": forms.get("use") or UseForm(prefix="use", held=held),
        "stock_next": back,
        **urls,
    }


def _bound(action: str, request, place) -> AllocateForm | ReturnForm | UseForm:
    if action == "allocate":
        # Every batch the store has held: one taken by someone else a moment ago is refused by
        # the service, in its words, not by the form as an unknown choice.
        fefo = stock_selectors.store_fefo(
            place.region, place.product, place.date, usable_only=False
        )
        return AllocateForm(request.POST, prefix="allocate", fefo=fefo)
    held = list(stock_selectors.held_at(place))
    form_class = ReturnForm if action == "return" else UseForm
    return form_class(request.POST, prefix=action, held=held)


def _apply(action: str, request, place, form) -> str:
    data = form.cleaned_data
    if action == "allocate":
        stock_services.stock_allocate(
            place=place, user=request.user, vials=data["vials"], batch=data["batch"]
        )
        return ngettext(
            "%(vials)d vial and its consumables are allocated to %(place)s.",
            "%(vials)d vials and their consumables are allocated to %(place)s.",
            data["vials"],
        ) % {"vials": data["vials"], "place": place}
    if action == "return":
        stock_services.stock_return(
            place=place, user=request.user, batch=data["batch"], vials=data["vials"]
        )
        return ngettext(
            "%(vials)d unopened vial is back in the store.",
            "%(vials)d unopened vials are back in the store.",
            data["vials"],
        ) % {"vials": data["vials"]}
    stock_services.stock_use(
        place=place,
        user=request.user,
        batch=data["batch"],
        administered=data["administered"] or 0,
        wasted=data["wasted"] or 0,
        waste_reason=data["waste_reason"],
        note=data["note"],
    )
    return _("The doses are recorded.")


def place_stock_action(
    request, place, kind: str, action: str, refused: Callable[[dict], HttpResponse]
) -> HttpResponse:
    """Allocate, return or use stock at a place; back to the page the form came from, or
    ``refused(forms)`` with the bound form and why (the service's own words, such as the
    message when another coordinator has just taken the last vials)."""
    form = _bound(action, request, place)
    if form.is_valid():
        try:
            message = _apply(action, request, place, form)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, message)
            return redirect(next_url(request, place_default_url(place, kind)))
    return refused({action: form})


def _stock_page(request, region, *, forms: dict | None = None, refused=None, status=200):
    """The stock page; ``refused`` is the ``place_stock_context`` of a session whose allocation,
    return or use was refused, shown first under a heading naming the session."""
    forms = forms or {}
    if refused is not None:
        refused = render_to_string(
            "regions/_place_stock.html",
            {
                **refused,
                "place_heading": _("Stock for the pop-up session %(session)s")
                % {"session": refused["place"]},
            },
            request=request,
        )
    page = Paginator(stock_selectors.movements_of(region), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "regions/stock.html",
        {
            **page_context(request, region),
            "holdings": stock_selectors.holdings_of(region),
            "page": page,
            "vaccine_form": forms.get("vaccine") or ReceiveVaccineForm(prefix="vaccine"),
            "consumable_form": forms.get("consumable")
            or ReceiveConsumableForm(prefix="consumable"),
            "refused": refused,
        },
        status=status,
    )


@require_GET
@login_required
def stock_list(request, code: str):
    """Balances per holder and the latest movements, with the receipt forms."""
    return _stock_page(request, _region(request, code))


@require_POST
@login_required
def stock_receive(request, code: str):
    """Vials of a batch arrive at the store."""
    region = _region(request, code)
    form = ReceiveVaccineForm(request.POST, prefix="vaccine")
    if form.is_valid():
        try:
            movement = stock_services.stock_receive(
                region=region, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Received %(amount)s of %(item)s.")
                % {"amount": movement.amount, "item": movement.item},
            )
            return redirect(_stock_url(region))
    return _stock_page(request, region, forms={"vaccine": form}, status=422)


@require_POST
@login_required
def stock_receive_consumable(request, code: str):
    """Pieces of a consumable arrive at the store."""
    region = _region(request, code)
    form = ReceiveConsumableForm(request.POST, prefix="consumable")
    if form.is_valid():
        try:
            movement = stock_services.stock_receive_consumable(
                region=region, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Received %(amount)s %(item)s.")
                % {"amount": movement.amount, "item": movement.item.lower()},
            )
            return redirect(_stock_url(region))
    return _stock_page(request, region, forms={"consumable": form}, status=422)


def _session_action(request, code: str, pk: int, action: str):
    region = _region(request, code)
    session = _session(region, pk)

    def refused(forms):
        # The session's own page belongs to the sessions screens: the stock page shows the
        # refusal under a heading naming the session, with what was typed.
        return _stock_page(
            request,
            region,
            refused=place_stock_context(request, session, "session", forms),
            status=422,
        )

    return place_stock_action(request, session, "session", action, refused)


@require_POST
@login_required
def session_allocate(request, code: str, pk: int):
    return _session_action(request, code, pk, "allocate")


@require_POST
@login_required
def session_return(request, code: str, pk: int):
    return _session_action(request, code, pk, "return")


@require_POST
@login_required
def session_use(request, code: str, pk: int):
    return _session_action(request, code, pk, "use")


def _holder_label(holder) -> str:
    if holder is None:
        return ""
    if holder.session_id:
        return _("Pop-up session %(session)s") % {"session": holder.session}
    if holder.route_day_id:
        return _("Route day %(day)s") % {"day": holder.route_day}
    return _("The region's store")


@require_GET
@login_required
def stock_export(request, code: str):
    """Every movement of the region's ledger as CSV, newest first. The ledger names no citizen."""
    region = _region(request, code)
    movements = stock_selectors.movements_of(region)
    body = exports.csv_text(
        [
            _("When"),
            _("Kind"),
            _("Vaccine"),
            _("Batch"),
            _("Expiry date"),
            _("Consumable"),
            _("Quantity (doses or pieces)"),
            _("From"),
            _("To"),
            _("Why wasted"),
            _("Note"),
            _("By"),
        ],
        (
            [
                timezone.localtime(movement.at).strftime("%Y-%m-%d %H:%M"),
                movement.get_kind_display(),
                movement.batch.product.name if movement.batch else "",
                movement.batch.lot_number if movement.batch else "",
                movement.batch.expires_on.isoformat() if movement.batch else "",
                movement.get_consumable_display() if movement.consumable else "",
                movement.quantity,
                _holder_label(movement.source),
                _holder_label(movement.target),
                movement.get_waste_reason_display() if movement.waste_reason else "",
                movement.note,
                movement.by.get_full_name() or movement.by.username,
            ]
            for movement in movements.iterator(chunk_size=2000)
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="stock-{region.code}-{day}.csv"'
    return response
