"""The caseworker's worklist: filters, a page of tasks in priority order, and the CPR search."""

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from municipalities.forms import CprSearchForm, WorklistFilterForm
from municipalities.models import ContactTask
from municipalities.models.tasks import GROUP_PRIORITY
from municipalities.selectors import worklist as selectors
from municipalities.views.common import page_context
from outreach import access, cpr
from outreach.models import AccessEvent
from outreach.services import access_event_record

TARGET_GROUPS = sorted(GROUP_PRIORITY)


@login_required
def worklist(request, code: str):
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    colleagues = list(selectors.colleagues(municipality))
    form = WorklistFilterForm(request.GET, colleagues=colleagues, target_groups=TARGET_GROUPS)
    wanted = form.filter()
    after_id = request.GET.get("after", "")
    # A name search is logged with the read it makes; a plain page of the list is not a search.
    with transaction.atomic() if wanted.name else nullcontext():
        tasks = selectors.filtered_tasks(municipality, wanted, user=request.user)
        rows, next_after = selectors.worklist_page(
            tasks, after_id=int(after_id) if after_id.isdigit() else None
        )
        if wanted.name:
            access_event_record(
                user=request.user,
                organisation=municipality,
                action=AccessEvent.Action.SEARCH,
                detail=_("name: %(name)s (%(count)s shown)")
                % {"name": wanted.name, "count": len(rows)},
            )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "municipalities/worklist.html",
        {
            **page_context(request, municipality),
            "form": form,
            "cpr_form": CprSearchForm(),
            "rows": rows,
            "next_after": next_after,
            "filter_query": query.urlencode(),
            "first_page": not after_id,
            "wanted": wanted,
            "Stage": ContactTask.Stage,
        },
    )


@require_POST
@login_required
def cpr_search(request, code: str):
    """Find a citizen's case by CPR number. A POST, so the number never appears in a URL."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    form = CprSearchForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "municipalities/cpr_search.html",
            {**page_context(request, municipality), "cpr_form": form},
            status=422,
        )
    cpr_hash = cpr.vault().lookup_hash(form.cleaned_data["cpr"])
    with transaction.atomic():
        task = (
            ContactTask.objects.filter(municipality=municipality, citizen__cpr_hash=cpr_hash)
            .order_by("-opened_at", "-pk")
            .first()
        )
        access_event_record(
            user=request.user,
            organisation=municipality,
            action=AccessEvent.Action.SEARCH,
            citizen=task.citizen if task else None,
            detail=_("CPR search: found") if task else _("CPR search: not found"),
        )
    if task is None:
        messages.warning(
            request,
            _("No citizen with that CPR number is on %(municipality)s's lists.")
            % {"municipality": municipality.name},
        )
        return redirect("municipalities:municipality-worklist", code=municipality.code)
    return redirect("municipalities:case-detail", code=municipality.code, pk=task.pk)
