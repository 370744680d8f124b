import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from outreach import access, health, selectors
from outreach.middleware import ACTIVE_MEMBERSHIP_KEY
from outreach.models import Postcode, RoleGroup, TargetGroup
from outreach.roles import OrganisationKind, Role

# Where each role starts its day; the URL takes the organisation's code.
START_PAGES = {
    Role.CASEWORKER: "municipalities:municipality-worklist",
    Role.LEAD: "municipalities:municipality-worklist",
    Role.COORDINATOR: "regions:region-detail",
    Role.VACCINATOR: "vaccinators:routelist-list",
    Role.ADMINISTRATOR: "outreach:reference-data",
    Role.AUDITOR: "audit:home",
    # SSI's integration works over the API: its start page is the API's documentation.
    Role.INTEGRATION: "api-docs",
}


def start_url(membership: RoleGroup) -> str:
    organisation = membership.organisation
    name = START_PAGES[membership.role]
    if membership.role in (Role.ADMINISTRATOR, Role.AUDITOR, Role.INTEGRATION):
        return reverse(name)
    return reverse(name, kwargs={"code": organisation.code})


@login_required
def start(request):
    if request.membership is None:
        return render(request, "outreach/no_membership.html")
    return redirect(start_url(request.membership))


@require_POST
@login_required
def membership_switch(request):
    try:
        chosen = int(request.POST.get("membership", ""))
    except ValueError:
        return HttpResponseBadRequest()
    for membership in access.memberships(request.user):
        if membership.pk == chosen:
            request.session[ACTIVE_MEMBERSHIP_KEY] = membership.pk
            return redirect(start_url(membership))
    # A membership the user does not hold: same answer as for any other unknown object.
    raise Http404


@login_required
def reference_data(request):
    if not access.national_bodies_visible_to(request.user).exists():
        raise Http404
    if not access.holds_national(request.user, "administer_reference_data"):
        raise PermissionDenied
    return render(
        request,
        "outreach/reference_data.html",
        {
            "regions": selectors.regions_with_counts(),
            "target_groups": TargetGroup.objects.all(),
            "postcode_count": Postcode.objects.count(),
        },
    )


@login_required
def organisation_members(request, kind: str, code: str):
    organisation = access.get_organisation_for_user(request.user, kind, code)
    if not access.may_view_members(request.user, organisation):
        raise PermissionDenied
    return render(
        request,
        "outreach/organisation_members.html",
        {
            "organisation": organisation,
            "kind_label": OrganisationKind(organisation.kind).label,
            "members": selectors.members_of(organisation),
        },
    )


@never_cache
@require_GET
def healthz(request):
    body, status = health.report()
    return JsonResponse(body, status=status)


def server_error(request):
    """The 500 page, or a 503 that says to try again when the database did not answer (it is
    restarting, say): the next request reconnects by itself (``CONN_HEALTH_CHECKS``)."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        body = loader.get_template("503.html").render()
        return HttpResponse(body, status=503, headers={"Retry-After": "30"})
    return defaults.server_error(request)
