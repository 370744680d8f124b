"""The referral inbox: referrals from the region's municipalities, accepted or returned with a
comment the municipality sees. Accepted home referrals are the planner's home-visit pool; accepted
pop-up referrals wait for a session."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from municipalities.models import Referral
from municipalities.services import cases
from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record
from regions.forms.referrals import ReferralFilterForm, ReferralReturnForm
from regions.selectors import referrals as referral_selectors
from regions.views.common import page_context

PAGE_SIZE = 50


def _inbox_page(request, region, *, returning=None, status: int = 200):
    """The inbox with the access event for the rows it shows; ``returning`` is (referral, form)
    of a return that was refused, shown open with its errors."""
    municipalities = access.municipalities_visible_to(request.user).filter(region=region)
    filter_form = ReferralFilterForm(request.GET or None, municipalities=municipalities)
    referrals = referral_selectors.inbox(region, **filter_form.filters())
    with transaction.atomic():
        page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if returning is not None and returning[0] not in rows:
            rows.insert(0, returning[0])
        access_event_record(
            user=request.user,
            organisation=region,
            action=AccessEvent.Action.LIST,
            purpose=_("Referral inbox"),
            detail=str(len(rows)),
        )
    forms = {referral.pk: ReferralReturnForm(prefix=f"return-{referral.pk}") for referral in rows}
    if returning is not None:
        forms[returning[0].pk] = returning[1]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "regions/referral_list.html",
        {
            **page_context(request, region),
            "filter_form": filter_form,
            "page": page,
            "rows": [(referral, forms[referral.pk]) for referral in rows],
            "returning": returning,
            "query": query.urlencode(),
            "full_query": request.GET.urlencode(),
        },
        status=422 if filter_form.is_bound and not filter_form.is_valid() else status,
    )


def _inbox_url(region, query: str) -> str:
    url = reverse("regions:referral-list", kwargs={"code": region.code})
    return f"{url}?{query}" if query else url


def _referral(request, code: str, pk: int):
    region = access.get_region_for_user(request.user, code, "coordinate_region")
    referral = access.get_owned(
        referral_selectors.referrals_of(region), owner=region, owner_field="region", pk=pk
    )
    return region, referral


@require_GET
@login_required
def referral_list(request, code: str):
    region = access.get_region_for_user(request.user, code, "coordinate_region")
    return _inbox_page(request, region)


@require_POST
@login_required
def referral_accept(request, code: str, pk: int):
    region, referral = _referral(request, code, pk)
    try:
        cases.referral_accept(referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _inbox_page(request, region, status=422)
    if referral.pathway == Referral.Pathway.HOME:
        messages.success(
            request,
            _("%(name)s is accepted and in the home-visit pool.") % {"name": referral.citizen.name},
        )
    else:
        messages.success(
            request,
            _("%(name)s is accepted and waits for a pop-up session.")
            % {"name": referral.citizen.name},
        )
    return redirect(_inbox_url(region, request.GET.urlencode()))


@require_POST
@login_required
def referral_return(request, code: str, pk: int):
    region, referral = _referral(request, code, pk)
    form = ReferralReturnForm(request.POST, prefix=f"return-{referral.pk}")
    if form.is_valid():
        try:
            cases.referral_return(referral=referral, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The referral of %(name)s is returned to %(municipality)s.")
                % {"name": referral.citizen.name, "municipality": referral.municipality.name},
            )
            return redirect(_inbox_url(region, request.GET.urlencode()))
    return _inbox_page(request, region, returning=(referral, form), status=422)
