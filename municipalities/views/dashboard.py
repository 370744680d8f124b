"""The municipal lead's dashboard: how far the listed citizens have come, what is overdue, and
who is carrying what."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from municipalities.charts import bar_chart
from municipalities.forms import DashboardFilterForm
from municipalities.selectors import dashboard as dashboard_selectors
from municipalities.ssi.weeks import week_label
from outreach import access
from outreach import selectors as kernel_selectors
from outreach.models import AccessEvent, TargetGroup
from outreach.roles import Role
from outreach.services import access_event_record


@require_GET
@login_required
def dashboard(request, code: str):
    municipality = access.get_municipality_for_user(request.user, code, "view_municipal_dashboard")
    weeks = dashboard_selectors.listed_weeks(municipality)
    target_groups = list(TargetGroup.objects.filter(in_outreach_scheme=True))
    form = DashboardFilterForm(request.GET or None, weeks=weeks, target_groups=target_groups)
    wanted = form.filter(weeks)
    shown_weeks = [
        week
        for week in weeks
        if (not wanted.week_from or week >= wanted.week_from)
        and (not wanted.week_to or week <= wanted.week_to)
    ]
    groups = [wanted.target_group] if wanted.target_group else [g.number for g in target_groups]
    funnel = dashboard_selectors.funnel(municipality, wanted, weeks=shown_weeks, groups=groups)

    members = kernel_selectors.members_of(municipality)
    # An auditor reads the access log; they carry no cases.
    team = [m.user for m in members if set(m.roles) - {Role.AUDITOR.label}]
    workload = dashboard_selectors.workload(municipality, team=team)

    # The overdue list names citizens: the read and its access event are one transaction.
    today = timezone.localdate()
    with transaction.atomic():
        overdue_count, overdue = dashboard_selectors.overdue_tasks(
            municipality, target_group=wanted.target_group, today=today
        )
        if overdue:
            access_event_record(
                user=request.user,
                organisation=municipality,
                action=AccessEvent.Action.LIST,
                purpose="municipal dashboard",
                detail=f"dashboard overdue: {len(overdue)}",
            )

    return render(
        request,
        "municipalities/dashboard.html",
        {
            "municipality": municipality,
            "may_lead": True,
            "form": form,
            "has_data": bool(weeks),
            "wanted": wanted,
            "week_from_label": week_label(wanted.week_from) if wanted.week_from else "",
            "week_to_label": week_label(wanted.week_to) if wanted.week_to else "",
            "funnel": funnel,
            "week_rows": [(week_label(row.key), row) for row in funnel.by_week],
            "group_rows": [(_group_label(row.key), row) for row in funnel.by_group],
            "decisions": funnel.total.decision_counts(),
            "charts": _charts(funnel, workload),
            "overdue": [(task, (today - task.due_on).days) for task in overdue],
            "overdue_count": overdue_count,
            "workload": workload,
            "workload_days": dashboard_selectors.WORKLOAD_DAYS,
            "members": members,
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


def _group_label(number: int) -> str:
    return _("Group %(number)s") % {"number": number}


def _charts(funnel, workload) -> dict:
    """The charts, each from the numbers its table shows."""
    total = funnel.total
    steps = [
        (_("Listed"), total.listed),
        (_("Contacted"), total.contacted),
        (_("Assessed"), total.assessed),
        (_("Referred to the region"), total.referred),
        (_("Scheduled by the region"), total.scheduled),
        (_("Dose 1"), None),
        (_("Dose 2"), None),
    ]
    table_note = _("(bar chart; the same numbers are in the table)")
    return {
        "funnel": bar_chart(
            chart_id="chart-funnel",
            title=_("Citizens at each step") + " " + table_note,
            data=steps,
            missing=_("Not yet recorded in this system"),
        ),
        "decisions": bar_chart(
            chart_id="chart-decisions",
            title=_("Decisions in force") + " " + table_note,
            data=[(label, count) for _value, label, count in total.decision_counts()],
        ),
        "weeks": bar_chart(
            chart_id="chart-weeks",
            title=_("Listed per week") + " " + table_note,
            data=[(week_label(row.key), row.listed) for row in funnel.by_week],
        ),
        "groups": bar_chart(
            chart_id="chart-groups",
            title=_("Listed per target group") + " " + table_note,
            data=[(_group_label(row.key), row.listed) for row in funnel.by_group],
        ),
        "workload": bar_chart(
            chart_id="chart-workload",
            title=_("Open tasks assigned per person") + " " + table_note,
            data=[(row.name, row.assigned) for row in workload],
        ),
    }
