"""The vaccinators' part of the demo world: for each demo region, today's home visits planned from
the region's home-visit pool by the planner and published to the region's demo practices, through
the same services as a coordinator's planning run. Done once per region: a region that already
has route lists is left alone."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach.demo import PRACTICES, REGIONS
from outreach.models import Region, User, VaccinatorOrganisation, VaccineProduct
from regions.models import PlanningRun
from vaccinators.models import RouteList
from vaccinators.services import planning, publishing

HOURS = (time(8, 30), time(15, 30))


def load(municipality_codes: list[str]) -> list[str]:
    return [_region_load(Region.objects.get(code=code), slug) for code, slug in REGIONS.items()]


def _region_load(region: Region, slug: str) -> str:
    if RouteList.objects.filter(region=region).exists():
        return f"Route lists in {region}: already there, left as they are"
    coordinator = User.objects.get(username=f"{slug}.coordinator")
    practices = VaccinatorOrganisation.objects.filter(
        region=region, code__in=[code for code, *_rest in PRACTICES]
    ).order_by("code")
    run = planning.planning_run_create(
        region=region,
        user=coordinator,
        date=timezone.localdate(),
        product=VaccineProduct.objects.get(code="comirnaty"),
        vaccinators=[(practice, *HOURS) for practice in practices],
    )
    run.refresh_from_db()
    if not run.is_finished:  # a real worker has it queued: plan it here, the job then skips it
        run = planning.planning_run_execute(planning_run_id=run.pk)
    if run.status != PlanningRun.Status.DONE:
        return f"Route lists in {region}: the planning run {run.get_status_display()}: {run.error}"
    try:
        published = publishing.planning_run_publish(planning_run=run, user=coordinator)
    except ValidationError as refused:
        return f"Route lists in {region}: not published: {' '.join(refused.messages)}"
    stops = sum(route_list.stops.count() for route_list in published)
    return (
        f"Route lists in {region}: {len(published)} published for today, {stops} home visits, "
        f"{run.left_over} citizens left in the pool"
    )
