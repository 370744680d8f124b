"""The regional coordinator's dashboard: per municipality of the region, how far its citizens have
come and which referrals wait for the region; the pop-up sessions and how full they are; the
vaccine in stock, given and wasted. Also as CSV files.

Only counts are shown, never a citizen: the access log gets one event for the page or the file
(as the municipal dashboard's lists do), not one per citizen.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from municipalities.charts import bar_chart
from municipalities.exports import csv_text
from municipalities.models import Referral
from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record
from regions.selectors import dashboard as dashboard_selectors
from regions.views.common import page_context

# Stored in the access log as it is, whatever the coordinator's language.
PURPOSE = "Regional dashboard"


def _wait_columns() -> list[tuple[str, str]]:
    """(count heading, longest wait heading) of each status and pathway, in ``MunicipalityRow.
    waits`` order."""
    headings = {
        (Referral.Pathway.POPUP, Referral.Status.REQUESTED): (
            _("Pop-up: requested, not accepted"),
            _("Pop-up: requested, longest wait (days)"),
        ),
        (Referral.Pathway.POPUP, Referral.Status.ACCEPTED): (
            _("Pop-up: accepted, no time yet"),
            _("Pop-up: accepted, longest wait (days)"),
        ),
        (Referral.Pathway.HOME, Referral.Status.REQUESTED): (
            _("Home: requested, not accepted"),
            _("Home: requested, longest wait (days)"),
        ),
        (Referral.Pathway.HOME, Referral.Status.ACCEPTED): (
            _("Home: accepted, no time yet"),
            _("Home: accepted, longest wait (days)"),
        ),
    }
    return [
        headings[(pathway, status)]
        for pathway in Referral.Pathway.values
        for status in dashboard_selectors.WAITING
    ]


@require_GET
@login_required
def region_dashboard(request, code: str):
    region = access.get_region_for_user(request.user, code, "view_regional_dashboard")
    today = timezone.localdate()
    funnel = dashboard_selectors.funnel(region, today=today)
    upcoming, past = dashboard_selectors.sessions(region, today=today)
    stock = dashboard_selectors.stock(region)
    access_event_record(
        user=request.user,
        organisation=region,
        action=AccessEvent.Action.LIST,
        purpose=PURPOSE,
        detail=f"municipalities: {len(funnel.rows)}, sessions: {len(upcoming) + len(past)}",
    )
    return render(
        request,
        "regions/dashboard.html",
        {
            **page_context(request, region),
            "funnel": funnel,
            "pathways": Referral.Pathway.choices,
            "upcoming": upcoming,
            "upcoming_totals": dashboard_selectors.session_totals(upcoming),
            "past": past,
            "past_totals": dashboard_selectors.session_totals(past),
            "stock": stock,
            "charts": _charts(funnel, upcoming),
            "today": today,
        },
    )


def _charts(funnel, upcoming) -> dict:
    """The charts, each from numbers its table shows."""
    total = funnel.total
    table_note = _("(bar chart; the same numbers are in the table)")
    return {
        "funnel": bar_chart(
            chart_id="chart-funnel",
            title=_("Citizens at each step, all municipalities") + " " + table_note,
            data=[
                (_("Listed"), total.listed),
                (_("Reached"), total.reached),
                (_("Assessed"), total.assessed),
                (_("Referred to the region"), total.referred),
                (_("Scheduled"), total.scheduled),
                (_("Done"), total.done),
            ],
        ),
        "waiting": bar_chart(
            chart_id="chart-waiting",
            title=_("Referrals waiting, per municipality") + " " + table_note,
            data=[
                (row.municipality.name, row.waiting_count)
                for row in funnel.rows
                if row.waiting_count
            ],
        ),
        "fill": bar_chart(
            chart_id="chart-fill",
            title=_("Upcoming sessions: booked as a per cent of capacity") + " " + table_note,
            data=[
                (_session_label(row.session), row.fill_rate if row.counts else None)
                for row in upcoming
            ],
            missing=_("Cancelled"),
        ),
    }


def _session_label(session) -> str:
    return f"{session.site.name}, {formats.date_format(session.date, 'SHORT_DATE_FORMAT')}"


# The CSV files ----------------------------------------------------------------------------------


def _number(value: float | None) -> str:
    return "" if value is None else formats.number_format(value, decimal_pos=1)


def _municipality_file(region, today) -> tuple[list[str], list[list]]:
    funnel = dashboard_selectors.funnel(region, today=today)
    header = [
        _("Municipality code"),
        _("Municipality"),
        _("Listed"),
        _("Reached"),
        _("Assessed"),
        _("Referred"),
        _("Referred to a pop-up"),
        _("Referred for home vaccination"),
        _("Scheduled"),
        _("Done"),
        _("Returned"),
    ]
    for count_heading, wait_heading in _wait_columns():
        header += [count_heading, wait_heading]

    def cells(row) -> list:
        waits = []
        for wait in row.waits:
            waits += [wait.count, "" if wait.longest_days is None else wait.longest_days]
        return [
            row.listed,
            row.reached,
            row.assessed,
            row.referred,
            row.referred_popup,
            row.referred_home,
            row.scheduled,
            row.done,
            row.returned,
            *waits,
        ]

    rows = [[row.municipality.code, row.municipality.name, *cells(row)] for row in funnel.rows]
    rows.append(["", _("All municipalities"), *cells(funnel.total)])
    return header, rows


def _session_file(region, today) -> tuple[list[str], list[list]]:
    upcoming, past = dashboard_selectors.sessions(region, today=today)
    header = [
        _("Site"),
        _("Address"),
        _("Date"),
        _("From"),
        _("Until"),
        _("Product"),
        _("Capacity"),
        _("Booked"),
        _("Fill rate (%)"),
        _("Vials"),
        _("Doses left in the last vial"),
        _("Status"),
    ]
    rows = [
        [
            row.session.site.name,
            row.session.site.address,
            row.session.date.isoformat(),
            row.session.starts_at.strftime("%H:%M"),
            row.session.ends_at.strftime("%H:%M"),
            row.session.product.name,
            row.session.capacity,
            row.booked,
            row.fill_rate,
            row.vials.vials,
            row.vials.wasted,
            row.session.get_status_display(),
        ]
        for row in [*reversed(past), *upcoming]
    ]
    return header, rows


def _stock_file(region, today) -> tuple[list[str], list[list]]:
    header = [
        _("Product"),
        _("Doses per vial"),
        _("Received (doses)"),
        _("In the store (doses)"),
        _("In the store (vials)"),
        _("Allocated, not yet used (doses)"),
        _("Allocated, not yet used (vials)"),
        _("Administered (doses)"),
        _("Wasted (doses)"),
        _("Waste rate (%)"),
    ]
    rows = [
        [
            row.product,
            row.doses_per_vial,
            row.received,
            row.on_hand,
            _number(row.on_hand_vials),
            row.allocated,
            _number(row.allocated_vials),
            row.administered,
            row.wasted,
            _number(row.waste_rate),
        ]
        for row in dashboard_selectors.stock(region)
    ]
    return header, rows


FILES = {
    "municipalities": _municipality_file,
    "sessions": _session_file,
    "stock": _stock_file,
}


@require_GET
@login_required
def region_dashboard_export(request, code: str):
    """One of the dashboard's tables as CSV: ``?part=municipalities`` (the default: the funnel and
    the referrals waiting), ``sessions`` or ``stock``. Counts only: no names, no CPR numbers."""
    region = access.get_region_for_user(request.user, code, "view_regional_dashboard")
    part = request.GET.get("part", "municipalities")
    if part not in FILES:
        raise Http404
    today = timezone.localdate()
    header, rows = FILES[part](region, today)
    access_event_record(
        user=request.user,
        organisation=region,
        action=AccessEvent.Action.EXPORT,
        purpose=PURPOSE,
        detail=f"{part}: {len(rows)} rows",
    )
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{region.code}-{part}-{today.isoformat()}.csv"'
    )
    return response
