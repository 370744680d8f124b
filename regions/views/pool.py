"""The home-visit pool: who waits for a vaccinator at home, with the vaccines the rules allow each
of them on a day, highest priority first. What the planner plans from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record
from regions.forms.pool import PoolFilterForm
from regions.selectors.pool import home_visit_pool, pool_counts
from regions.views.common import page_context

PAGE_SIZE = 100


@require_GET
@login_required
def pool(request, code: str):
    region = access.get_region_for_user(request.user, code, "coordinate_region")
    form = PoolFilterForm(request.GET or None)
    filters = form.filters()
    with transaction.atomic():
        entries = home_visit_pool(region, filters["day"], filters["product"])
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        access_event_record(
            user=request.user,
            organisation=region,
            action=AccessEvent.Action.LIST,
            purpose=_("Home-visit pool"),
            detail=str(len(page.object_list)),
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "regions/pool.html",
        {
            **page_context(request, region),
            "form": form,
            "day": filters["day"],
            "product": filters["product"],
            "counts": pool_counts(entries),
            "total": len(entries),
            "page": page,
            "query": query.urlencode(),
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )
