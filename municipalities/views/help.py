"""The caseworkers' queue of requests from the public help page, and the lead's editor of what
that page says."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from municipalities.help_forms import ContactInfoForm, HelpRequestFilterForm, HelpRequestHandleForm
from municipalities.models import HelpRequest
from municipalities.selectors import help as help_selectors
from municipalities.services import help as help_services
from municipalities.views.common import page_context
from outreach import access
from outreach.models import AccessEvent
from outreach.services import access_event_record

PAGE_SIZE = 50


def _handle_form(help_request: HelpRequest, data=None) -> HelpRequestHandleForm:
    return HelpRequestHandleForm(data, prefix=f"request-{help_request.pk}")


def _queue_page(request, municipality, *, editing=None, status: int = 200):
    """The queue, with the access event for the rows it shows; ``editing`` is (request, form) of
    a request whose handling was refused, shown open with its errors."""
    filter_form = HelpRequestFilterForm(request.GET or None)
    requests = help_selectors.help_requests(municipality, status=filter_form.status_or_default())
    with transaction.atomic():
        page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if editing is not None and editing[0] not in rows:
            rows.insert(0, editing[0])
        access_event_record(
            user=request.user,
            organisation=municipality,
            action=AccessEvent.Action.LIST,
            purpose=_("Help requests"),
            detail=str(len(rows)),
        )
    forms = {row.pk: _handle_form(row) for row in rows if row.status == HelpRequest.Status.NEW}
    if editing is not None:
        forms[editing[0].pk] = editing[1]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "municipalities/help_request_list.html",
        {
            **page_context(request, municipality),
            "may_edit_page": access.may(request.user, "lead_team", municipality),
            "filter_form": filter_form,
            "page": page,
            "rows": [(row, forms.get(row.pk)) for row in rows],
            "editing": editing,
            "query": query.urlencode(),
            "full_query": request.GET.urlencode(),
        },
        status=422 if filter_form.is_bound and not filter_form.is_valid() else status,
    )


@require_GET
@login_required
def help_request_list(request, code: str):
    """Requests from the public form, newest first: new ones to call back, or those handled."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    return _queue_page(request, municipality)


@require_POST
@login_required
def help_request_handle(request, code: str, pk: int):
    """Mark a request handled, with what was done."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    help_request = access.get_owned(
        HelpRequest.objects.all(), owner=municipality, owner_field="municipality", pk=pk
    )
    form = _handle_form(help_request, request.POST)
    if form.is_valid():
        try:
            help_services.help_request_handle(
                help_request=help_request, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request is marked handled."))
            url = reverse("municipalities:help-request-list", kwargs={"code": municipality.code})
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
    return _queue_page(request, municipality, editing=(help_request, form), status=422)


@require_http_methods(["GET", "POST"])
@login_required
def contact_info_edit(request, code: str):
    """The lead writes what the public help page says: phone, opening hours, e-mail and text."""
    municipality = access.get_municipality_for_user(request.user, code, "lead_team")
    info = help_selectors.contact_info_of(municipality)
    form = ContactInfoForm(
        request.POST or None,
        initial={"phone": info.phone, "hours": info.hours, "email": info.email, "text": info.text},
    )
    if request.method == "POST" and form.is_valid():
        help_services.contact_info_update(
            municipality=municipality, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("The help page is updated."))
        return redirect("municipalities:contact-info-edit", code=municipality.code)
    return render(
        request,
        "municipalities/contact_info_edit.html",
        {
            **page_context(request, municipality),
            "form": form,
            "info": info,
        },
        status=422 if request.method == "POST" else 200,
    )
