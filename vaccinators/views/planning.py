"""The coordinator's planning: start a run for a day, watch its progress, review the draft routes
(stops, vials, drive, waste, problems, a map sketch), move and reorder stops, then publish or
discard. Mounted under the region's pages (``/regions/<code>/planning/``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from outreach import access, jobs
from outreach.models import AccessEvent
from outreach.services import access_event_record
from regions.forms.errors import add_service_error
from regions.models import PlanningRun
from regions.views.common import page_context
from vaccinators import tasks
from vaccinators.maps import route_letter, route_map
from vaccinators.models import RouteList, RouteStop
from vaccinators.planning_forms import PlanningRunForm
from vaccinators.selectors.planning import (
    planning_runs_of,
    route_lists_in_conflict,
    route_lists_of_run,
)
from vaccinators.services import planning as planning_services
from vaccinators.services import publishing

RUNS_PER_PAGE = 20


def _region(request, code: str):
    return access.get_region_for_user(request.user, code, "coordinate_region")


def _run(region, pk: int) -> PlanningRun:
    return access.get_owned(
        PlanningRun.objects.select_related("product", "region", "created_by"),
        owner=region,
        owner_field="region",
        pk=pk,
    )


def _run_url(run: PlanningRun, anchor: str = "") -> str:
    url = reverse("planning:run-detail", kwargs={"code": run.region.code, "pk": run.pk})
    return f"{url}#{anchor}" if anchor else url


def _day(value: str | None, default: date) -> date:
    try:
        return parse_date(value or "") or default
    except ValueError:  # well formed but not a date, like 2021-02-30
        return default


def _list_page(request, region, form, day: date, status=200):
    runs = Paginator(planning_runs_of(region), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "regions/planning_list.html",
        {
            **page_context(request, region),
            "form": form,
            "day": day,
            "page": runs,
            "query": "",
            "in_conflict": list(route_lists_in_conflict(region)),
        },
        status=status,
    )


@require_GET
@login_required
def run_list(request, code: str):
    """The form to start a run, prefilled from the route days of the day chosen (``?date=``,
    tomorrow by default), and the region's runs."""
    region = _region(request, code)
    day = _day(request.GET.get("date"), timezone.localdate() + timedelta(days=1))
    return _list_page(request, region, PlanningRunForm(region=region, day=day), day)


@require_POST
@login_required
def run_create(request, code: str):
    region = _region(request, code)
    day = _day(request.POST.get("date"), timezone.localdate())
    form = PlanningRunForm(request.POST, region=region, day=day)
    if form.is_valid():
        try:
            run = planning_services.planning_run_create(
                region=region,
                user=request.user,
                date=form.cleaned_data["date"],
                product=form.cleaned_data["product"],
                vaccinators=form.vaccinators(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The planning has started."))
            return redirect(_run_url(run))
    return _list_page(request, region, form, day, status=422)


@require_GET
@login_required
def run_detail(request, code: str, pk: int):
    """The run's progress while it plans (polled by htmx; a refresh link without script), then
    the review of its routes."""
    region = _region(request, code)
    run = _run(region, pk)
    context = {
        **page_context(request, region),
        "run": run,
        # The run's job waits for the broker; it is sent when the broker is back.
        "job_waiting": not run.is_finished and jobs.waiting(tasks.plan_route_lists, run.pk),
        **_review(request, region, run),
    }
    if request.htmx:
        return render(request, "regions/_planning_run.html", context)
    return render(request, "regions/planning_run.html", context)


def _review(request, region, run: PlanningRun) -> dict:
    """The routes of a finished run, each with a letter, and the map; the access event for the
    citizens they show, in the read's transaction."""
    if not run.is_finished:
        return {}
    with transaction.atomic():
        route_lists = list(route_lists_of_run(run))
        shown = [r for r in route_lists if r.status != RouteList.Status.DISCARDED]
        stops = sum(len(r.stops.all()) for r in shown)
        if stops:
            access_event_record(
                user=request.user,
                organisation=region,
                action=AccessEvent.Action.LIST,
                purpose=_("Planning run review"),
                detail=str(stops),
            )
    drafts = [r for r in shown if r.status == RouteList.Status.DRAFT]
    for index, route_list in enumerate(shown):
        route_list.letter = route_letter(index)
        route_list.move_targets = [d for d in drafts if d.pk != route_list.pk]
        route_list.problems = [line for line in route_list.violations.splitlines() if line]
    return {
        "routes": shown,
        "discarded": [r for r in route_lists if r.status == RouteList.Status.DISCARDED],
        "drafts_with_stops": [d for d in drafts if d.stops.all()],
        "route_map": route_map(shown),
        "stop_count": stops,
    }


def _route_list_of_run(run: PlanningRun, pk) -> RouteList:
    return access.get_from(
        RouteList.objects.filter(planning_run=run).select_related("route_day", "product"), pk=pk
    )


def _stop_of_run(run: PlanningRun, stop_pk: int) -> RouteStop:
    return access.get_from(
        RouteStop.objects.filter(route_list__planning_run=run).select_related(
            "route_list", "citizen"
        ),
        pk=stop_pk,
    )


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
@login_required
def stop_move(request, code: str, pk: int, stop_pk: int):
    """Move a stop to the end of another route of the run, or take it off (back to the pool)."""
    region = _region(request, code)
    run = _run(region, pk)
    stop = _stop_of_run(run, stop_pk)
    to = request.POST.get("to", "")
    target = None if to == "pool" else _route_list_of_run(run, to if to.isdigit() else 0)
    try:
        planning_services.route_stop_move(stop=stop, to=target)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_run_url(run, f"route-{stop.route_list_id}"))
    if target is None:
        messages.success(
            request,
            _("%(name)s is off the route and back in the pool.") % {"name": stop.citizen.name},
        )
        return redirect(_run_url(run, f"route-{stop.route_list_id}"))
    messages.success(
        request,
        _("%(name)s is moved to the route of %(vaccinator)s; the times are recomputed.")
        % {"name": stop.citizen.name, "vaccinator": target.vaccinator_organisation.name},
    )
    return redirect(_run_url(run, f"route-{target.pk}"))


@require_POST
@login_required
def stop_reorder(request, code: str, pk: int, stop_pk: int):
    """Move a stop one place earlier or later on its route."""
    region = _region(request, code)
    run = _run(region, pk)
    stop = _stop_of_run(run, stop_pk)
    try:
        planning_services.route_stop_reorder(stop=stop, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is moved; the times are recomputed.") % {"name": stop.citizen.name},
        )
    return redirect(_run_url(run, f"stop-{stop.pk}"))


@require_POST
@login_required
def run_publish(request, code: str, pk: int):
    """Publish one route (``route_list``) or every draft of the run."""
    region = _region(request, code)
    run = _run(region, pk)
    chosen = request.POST.get("route_list", "")
    try:
        if chosen:
            route_list = _route_list_of_run(run, chosen if chosen.isdigit() else 0)
            published = [publishing.route_list_publish(route_list=route_list, user=request.user)]
        else:
            published = publishing.planning_run_publish(planning_run=run, user=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_run_url(run))
    messages.success(
        request,
        ngettext(
            "%(count)d route list is published: its vaccinator sees it, and its vaccine is "
            "allocated from the store.",
            "%(count)d route lists are published: their vaccinators see them, and their vaccine "
            "is allocated from the store.",
            len(published),
        )
        % {"count": len(published)},
    )
    return redirect(_run_url(run))


@require_POST
@login_required
def run_discard(request, code: str, pk: int):
    """Discard one draft route (``route_list``) or every draft of the run."""
    region = _region(request, code)
    run = _run(region, pk)
    chosen = request.POST.get("route_list", "")
    try:
        if chosen:
            route_list = _route_list_of_run(run, chosen if chosen.isdigit() else 0)
            planning_services.route_list_discard(route_list=route_list)
            count = 1
        else:
            count = planning_services.planning_run_discard(planning_run=run)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_run_url(run))
    messages.success(
        request,
        ngettext(
            "%(count)d draft route list is discarded; its citizens stay in the pool.",
            "%(count)d draft route lists are discarded; their citizens stay in the pool.",
            count,
        )
        % {"count": count},
    )
    return redirect(_run_url(run))
