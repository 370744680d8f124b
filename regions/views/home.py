from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record
from regions.selectors.conflicts import rule_conflicts_of
from regions.views.common import page_context


@login_required
def region_detail(request, code: str):
    region = access.get_region_for_user(request.user, code, "coordinate_region")
    conflicts = rule_conflicts_of(region, timezone.localdate())
    with transaction.atomic():
        # The bookings name citizens: the list is logged with the read that shows it.
        conflicting_bookings = list(conflicts.bookings)
        if conflicting_bookings:
            access_event_record(
                user=request.user,
                organisation=region,
                action=AccessEvent.Action.LIST,
                purpose=_("Bookings in conflict with the vaccine rules"),
                detail=str(len(conflicting_bookings)),
            )
    return render(
        request,
        "regions/region_detail.html",
        {
            **page_context(request, region),
            "municipalities": access.municipalities_visible_to(request.user).filter(region=region),
            "vaccinator_organisations": access.vaccinator_organisations_visible_to(
                request.user
            ).filter(region=region),
            "conflicting_sessions": list(conflicts.sessions),
            "conflicting_bookings": conflicting_bookings,
            "conflicting_route_days": list(conflicts.route_days),
        },
    )
