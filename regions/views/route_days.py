"""Route days: a vaccinator's day of home visits, planned here, given stock and staff, or
cancelled."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outreach import access
from regions.forms.errors import add_service_error
from regions.forms.route_days import RouteDayForm
from regions.models import RouteDay
from regions.selectors.route_days import route_days_of
from regions.services import route_days as route_day_services
from regions.vials import vials_and_doses
from regions.views.common import page_context
from regions.views.staff import place_staff_context
from regions.views.stock import place_stock_action, place_stock_context

PAGE_SIZE = 50


def _region(request, code: str):
    return access.get_region_for_user(request.user, code, "coordinate_region")


def _route_day(region, pk: int) -> RouteDay:
    return access.get_owned(
        RouteDay.objects.select_related("vaccinator_organisation", "product", "region"),
        owner=region,
        owner_field="region",
        pk=pk,
    )


def _list_page(request, region, *, form=None, status=200):
    past = request.GET.get("show") == "past"
    today = timezone.localdate()
    days = route_days_of(region, **({"until_day": today} if past else {"from_day": today}))
    days = days.order_by("-date", "-starts_at", "-pk") if past else days
    page = Paginator(days, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "regions/route_day_list.html",
        {
            **page_context(request, region),
            "past": past,
            "page": page,
            "rows": [
                (day, vials_and_doses(day.doses, day.product.doses_per_vial))
                for day in page.object_list
            ],
            "query": "show=past" if past else "",
            "form": form or RouteDayForm(region=region),
        },
        status=status,
    )


@require_GET
@login_required
def route_day_list(request, code: str):
    """The region's route days from today (or the past ones), with the form to plan one."""
    return _list_page(request, _region(request, code))


@require_POST
@login_required
def route_day_create(request, code: str):
    region = _region(request, code)
    form = RouteDayForm(request.POST, region=region)
    if form.is_valid():
        data = form.cleaned_data
        try:
            route_day = route_day_services.route_day_create(
                region=region,
                vaccinator_organisation=data["vaccinator_organisation"],
                day=data["date"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                product=data["product"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The route day is planned."))
            return redirect("regions:route-day-detail", code=region.code, pk=route_day.pk)
    return _list_page(request, region, form=form, status=422)


def _detail_page(request, region, route_day, *, stock_forms=None, error="", status=200):
    return render(
        request,
        "regions/route_day_detail.html",
        {
            **page_context(request, region),
            "route_day": route_day,
            "cancel_error": error,
            **place_stock_context(request, route_day, "route_day", stock_forms),
            **place_staff_context(request, route_day, "route_day"),
        },
        status=status,
    )


@require_GET
@login_required
def route_day_detail(request, code: str, pk: int):
    """The day, what it holds, who works it."""
    region = _region(request, code)
    return _detail_page(request, region, _route_day(region, pk))


@require_POST
@login_required
def route_day_cancel(request, code: str, pk: int):
    """Cancel the day: its stock goes back to the store and its staff are free."""
    region = _region(request, code)
    route_day = _route_day(region, pk)
    try:
        route_day_services.route_day_cancel(route_day=route_day, user=request.user)
    except ValidationError as error:
        route_day.refresh_from_db()
        return _detail_page(request, region, route_day, error=" ".join(error.messages), status=422)
    messages.success(request, _("The route day is cancelled; its stock is back in the store."))
    return redirect(
        reverse("regions:route-day-detail", kwargs={"code": region.code, "pk": route_day.pk})
    )


def _stock_action(request, code: str, pk: int, action: str):
    region = _region(request, code)
    route_day = _route_day(region, pk)

    def refused(forms):
        return _detail_page(request, region, route_day, stock_forms=forms, status=422)

    return place_stock_action(request, route_day, "route_day", action, refused)


@require_POST
@login_required
def route_day_allocate(request, code: str, pk: int):
    return _stock_action(request, code, pk, "allocate")


@require_POST
@login_required
def route_day_return(request, code: str, pk: int):
    return _stock_action(request, code, pk, "return")


@require_POST
@login_required
def route_day_use(request, code: str, pk: int):
    return _stock_action(request, code, pk, "use")
