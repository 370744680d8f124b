"""Staffing: the people a region can call on, and who works which pop-up session and route day,
with a person booked at crossing hours flagged wherever the assignment shows.

The session and route day pages include ``_place_staff.html`` with ``place_staff_context``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outreach import access
from regions.forms.errors import add_service_error
from regions.forms.staff import StaffAssignForm, StaffMemberForm, place_label
from regions.models import PopupSession, RouteDay, StaffAssignment, StaffMember
from regions.selectors import staff as staff_selectors
from regions.services import staff as staff_services
from regions.views.common import page_context
from regions.views.stock import next_url, place_default_url

PAGE_SIZE = 50


def _region(request, code: str):
    return access.get_region_for_user(request.user, code, "coordinate_region")


def _staff_url(region) -> str:
    return reverse("regions:staff-list", kwargs={"code": region.code})


def _active_staff(region):
    return staff_selectors.staff_of(region).filter(active=True)


def _assign_form(region, data=None) -> StaffAssignForm:
    return StaffAssignForm(
        data,
        prefix="assign",
        staff=_active_staff(region),
        sessions=list(staff_selectors.assignable_sessions(region)),
        route_days=list(staff_selectors.assignable_route_days(region)),
    )


def _staff_page(request, region, *, member_form=None, assign_form=None, status=200):
    page = Paginator(staff_selectors.upcoming_assignments_of(region), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "regions/staff_list.html",
        {
            **page_context(request, region),
            "people": staff_selectors.staff_of(region),
            "page": page,
            "assignments": [(a, place_label(a.session or a.route_day)) for a in page],
            "member_form": member_form or StaffMemberForm(prefix="person", region=region),
            "assign_form": assign_form or _assign_form(region),
            "staff_next": request.get_full_path() if request.method == "GET" else "",
        },
        status=status,
    )


def place_staff_context(request, place, kind: str) -> dict:
    """What ``regions/_place_staff.html`` needs: the assignments at ``place`` (a PopupSession,
    ``kind`` "session", or a RouteDay, "route_day") with their overlap flags, and the form to put
    one of the region's people on it."""
    region = place.region
    is_open = place.is_open if kind == "session" else place.cancelled_at is None
    return {
        "place": place,
        "place_kind": kind,
        "region": region,
        "place_assignments": list(staff_selectors.assignments_at(place)),
        "place_assign_form": StaffAssignForm(
            prefix="assign", staff=_active_staff(region), sessions=[], route_days=[], fixed=place
        )
        if is_open
        else None,
        # Back to this page; when it is re-rendered after a refused POST, to where that form
        # came from (the POST's own URL cannot be shown again).
        "staff_next": request.get_full_path()
        if request.method == "GET"
        else next_url(request, place_default_url(place, kind)),
    }


@require_GET
@login_required
def staff_list(request, code: str):
    """The people, the assignments not yet over, and the forms to add and assign people."""
    return _staff_page(request, _region(request, code))


@require_POST
@login_required
def staff_create(request, code: str):
    region = _region(request, code)
    form = StaffMemberForm(request.POST, prefix="person", region=region)
    if form.is_valid():
        try:
            member = staff_services.staff_member_create(region=region, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": member.name})
            return redirect(_staff_url(region))
    return _staff_page(request, region, member_form=form, status=422)


def _check_posted_objects(request, region) -> None:
    """404 for a person, session or route day the region does not have, as for one in a URL: a
    posted id must not tell another region's objects from ones that do not exist."""
    staff_pk = request.POST.get("assign-staff", "")
    if staff_pk:
        _owned(StaffMember.objects.all(), region, staff_pk)
    kind, _sep, place_pk = request.POST.get("assign-place", "").partition(":")
    if kind or place_pk:
        model = {"session": PopupSession, "route_day": RouteDay}.get(kind)
        if model is None:
            raise Http404
        _owned(model.objects.all(), region, place_pk)


def _owned(queryset, region, pk: str):
    if not pk.isdigit():
        raise Http404
    return access.get_owned(queryset, owner=region, owner_field="region", pk=int(pk))


@require_POST
@login_required
def staff_assign(request, code: str):
    """Put a person on a session or route day (from the staff page, or from the session's or
    route day's own page, which the person returns to)."""
    region = _region(request, code)
    _check_posted_objects(request, region)
    form = _assign_form(region, request.POST)
    if form.is_valid():
        starts_at, ends_at = form.times()
        try:
            assignment = staff_services.staff_assign(
                staff=form.cleaned_data["staff"],
                place=form.cleaned_data["place"],
                user=request.user,
                role=form.cleaned_data["role"] or None,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is on %(place)s.")
                % {"name": assignment.staff.name, "place": place_label(form.cleaned_data["place"])},
            )
            return redirect(next_url(request, _staff_url(region)))
    return _staff_page(request, region, assign_form=form, status=422)


@require_POST
@login_required
def staff_unassign(request, code: str, pk: int):
    region = _region(request, code)
    assignment = access.get_owned(
        StaffAssignment.objects.select_related("staff"),
        owner=region,
        owner_field="staff__region",
        pk=pk,
    )
    staff_services.staff_unassign(assignment=assignment, user=request.user)
    messages.success(request, _("%(name)s is taken off.") % {"name": assignment.staff.name})
    return redirect(next_url(request, _staff_url(region)))
