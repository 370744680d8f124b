"""The auditor's pages. Reading the log about a citizen is itself a look-up, logged like any other
(purpose "Audit"); the lists of a person's look-ups and the anomaly report are logged as lists."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outreach import access, cpr
from outreach.audit import report, selectors
from outreach.audit.forms import CitizenSearchForm, PeriodForm, report_period
from outreach.models import AccessEvent
from outreach.services import access_event_record

PAGE_SIZE = 50
Action = AccessEvent.Action


def _reader(request):
    """The organisation in whose name the auditor reads; 403 for anyone who audits nothing."""
    organisation = access.access_log_reader(request.user, request.membership)
    if organisation is None:
        raise PermissionDenied
    return organisation


def _audit_purpose() -> str:
    return _("Audit")


@require_GET
@login_required
def audit_home(request):
    _reader(request)
    return render(request, "audit/home.html", {"search_form": CitizenSearchForm()})


@require_POST
@login_required
def citizen_search(request):
    """Find a citizen by CPR number. A POST, so the number never appears in a URL."""
    organisation = _reader(request)
    form = CitizenSearchForm(request.POST)
    if not form.is_valid():
        # The refusal says what is wrong without writing the typed number back into the page.
        form.data = form.data.copy()
        form.data["cpr"] = ""
        return render(request, "audit/home.html", {"search_form": form}, status=422)
    cpr_hash = cpr.vault().lookup_hash(form.cleaned_data["cpr"])
    with transaction.atomic():
        citizen = access.audited_citizens_visible_to(request.user).filter(cpr_hash=cpr_hash).first()
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=Action.SEARCH,
            citizen=citizen,
            purpose=_audit_purpose(),
            detail=_("CPR search: found") if citizen else _("CPR search: not found"),
        )
    if citizen is None:
        messages.warning(request, _("No citizen with that CPR number is in the log you audit."))
        return redirect("audit:home")
    return redirect("audit:citizen-events", pk=citizen.pk)


@require_GET
@login_required
def citizen_events(request, pk: int):
    organisation = _reader(request)
    citizen = access.get_audited_citizen_for_user(request.user, pk)
    events = access.access_events_visible_to(request.user).filter(citizen=citizen)
    with transaction.atomic():
        page = Paginator(selectors.event_rows(events), PAGE_SIZE).get_page(request.GET.get("page"))
        lines = selectors.event_lines(page.object_list)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=Action.VIEW,
            citizen=citizen,
            purpose=_audit_purpose(),
            detail=_("Access log, page %(page)d") % {"page": page.number},
        )
    return render(
        request,
        "audit/citizen_events.html",
        {
            "citizen": citizen,
            "page": page,
            "lines": lines,
            "may_report": access.may_report_on(request.user, citizen),
        },
    )


@require_GET
@login_required
def citizen_report(request, pk: int, file_format: str):
    """The citizen's access report for their request for insight, as CSV or PDF."""
    organisation = _reader(request)
    citizen = access.get_audited_citizen_for_user(request.user, pk)
    if not access.may_report_on(request.user, citizen):
        raise PermissionDenied
    with transaction.atomic():
        # Written first, so that the report lists its own making.
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=Action.EXPORT,
            citizen=citizen,
            purpose=_("Citizen's request for insight"),
            detail=file_format.upper(),
        )
        events = access.access_events_visible_to(request.user).filter(citizen=citizen)
        lines = selectors.event_lines(selectors.event_rows(events))
    if file_format == "csv":
        response = HttpResponse(
            report.citizen_report_csv(citizen, lines), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            report.citizen_report_pdf(
                citizen, lines, kept_months=settings.ACCESS_EVENT_RETENTION_MONTHS
            ),
            content_type="application/pdf",
        )
    filename = report.citizen_report_filename(citizen, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def user_list(request):
    _reader(request)
    users = access.audited_users_visible_to(request.user).order_by(
        "first_name", "last_name", "username"
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/user_list.html", {"page": page})


@require_GET
@login_required
def user_events(request, pk: int):
    """One person's look-ups in the auditor's scope, newest first, in a period if one is chosen.
    Citizens are shown by their internal number only: their page is one click, and one logged
    look-up, away."""
    organisation = _reader(request)
    person = access.get_audited_user_for_user(request.user, pk)
    form = PeriodForm(request.GET)
    status = 200
    events = access.access_events_visible_to(request.user).filter(user=person)
    if form.is_valid():
        events = selectors.in_period(
            events, form.cleaned_data.get("first"), form.cleaned_data.get("last")
        )
    else:
        status = 422
    with transaction.atomic():
        page = Paginator(selectors.event_rows(events), PAGE_SIZE).get_page(request.GET.get("page"))
        lines = selectors.event_lines(page.object_list)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=Action.LIST,
            purpose=_audit_purpose(),
            detail=_("Look-ups by user %(user)d") % {"user": person.pk},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/user_events.html",
        {
            "person": person,
            "form": form,
            "page": page,
            "lines": lines,
            "query": query.urlencode(),
        },
        status=status,
    )


@require_GET
@login_required
def anomalies(request):
    """Unusual volume, look-ups outside the organisation's own work, and look-ups outside working
    hours, in a period (the last 7 days unless chosen)."""
    organisation = _reader(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/anomalies.html", {"form": form}, status=422)
    first, last = report_period(form)
    visible = access.access_events_visible_to(request.user)
    in_period = selectors.in_period(visible, first, last)
    with transaction.atomic():
        volume = selectors.unusual_volume(visible, first, last)
        outside = selectors.event_lines(
            selectors.event_rows(selectors.outside_own_work(in_period))[: selectors.REPORT_LIMIT]
        )
        after_hours = selectors.outside_working_hours(in_period)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=Action.LIST,
            purpose=_audit_purpose(),
            detail=_("Anomaly report %(first)s to %(last)s")
            % {"first": first.isoformat(), "last": last.isoformat()},
        )
    start, end = settings.AUDIT_WORKING_HOURS
    return render(
        request,
        "audit/anomalies.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "volume": volume,
            "outside": outside,
            "after_hours": after_hours,
            "limit": selectors.REPORT_LIMIT,
            "floor": settings.AUDIT_VOLUME_FLOOR,
            "factor": settings.AUDIT_VOLUME_FACTOR,
            "usual_days": selectors.USUAL_DAYS,
            "hours_start": start,
            "hours_end": end,
        },
    )
