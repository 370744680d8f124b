"""A citizen's case: the page, and the actions on it (claim, attempts, decision, details).

Every action is a POST that answers htmx with the re-rendered case (or the worklist row it came
from) and a plain browser with a redirect back to the case: the page works without JavaScript.
Every rendering of the case writes an access event in the same transaction as its reads.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from municipalities import rules
from municipalities.forms import (
    AssignForm,
    AttemptForm,
    CallLaterForm,
    ContactDetailsForm,
    VisitationForm,
)
from municipalities.selectors import cases as selectors
from municipalities.selectors.worklist import colleagues
from municipalities.services import cases as services
from municipalities.services import tasks as task_services
from municipalities.views.common import page_context
from outreach import access, cpr
from outreach.models import AccessEvent
from outreach.services import access_event_record


def _get_case(request, code: str, pk: int):
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    task = access.get_owned(
        selectors.tasks_of(municipality), owner=municipality, owner_field="municipality", pk=pk
    )
    return municipality, task


def _visitation_initial(current) -> dict:
    if current is None:
        return {}
    return {name: getattr(current, name) for name in VisitationForm.Meta.fields}


@transaction.atomic
def _render_case(request, municipality, task, *, status=200, revealed_cpr=None, **forms):
    """The case page (or, for htmx, its main fragment), with its access event."""
    is_lead = access.may(request.user, "lead_team", municipality)
    holder = task.claim_holder()
    citizen = task.citizen
    visitation = selectors.current_visitation(task)
    context = {
        **page_context(request, municipality),
        "is_lead": is_lead,
        "task": task,
        "citizen": citizen,
        "holder": holder,
        "held_by_other": holder is not None and holder != request.user,
        "timeline": selectors.timeline(task),
        "visitation": visitation,
        "referral": selectors.active_referral(task),
        "vaccinations": selectors.vaccination_history(citizen.pk),
        "unreachable_allowed": rules.unreachable_allowed(task),
        "revealed_cpr": revealed_cpr,
        "attempt_form": forms.get("attempt_form") or AttemptForm(prefix="attempt"),
        "visitation_form": forms.get("visitation_form")
        or VisitationForm(prefix="visitation", initial=_visitation_initial(visitation)),
        "details_form": forms.get("details_form")
        or ContactDetailsForm(prefix="details", instance=citizen),
        "call_later_form": forms.get("call_later_form") or CallLaterForm(prefix="later"),
        "assign_form": (
            forms.get("assign_form")
            or AssignForm(
                prefix="assign",
                colleagues=colleagues(municipality),
                initial={"assignee": task.assigned_to_id},
            )
        )
        if is_lead
        else None,
    }
    access_event_record(
        user=request.user,
        organisation=municipality,
        citizen=citizen,
        action=AccessEvent.Action.REVEAL_CPR if revealed_cpr else AccessEvent.Action.VIEW,
        purpose=_("Casework"),
    )
    template = "municipalities/_case.html" if request.htmx else "municipalities/case_detail.html"
    return render(request, template, context, status=status)


def _done(request, municipality, task, message: str):
    """After a successful action: the fresh case in place (htmx) or a redirect to it."""
    if request.htmx:
        task.refresh_from_db()
        messages.success(request, message)
        return _render_case(request, municipality, task)
    messages.success(request, message)
    return redirect("municipalities:case-detail", code=municipality.code, pk=task.pk)


def _refused(request, municipality, task, error: ValidationError, status=409, **forms):
    """A service said no: show why, keep what was typed."""
    for form in forms.values():
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
    if not forms:
        for text in error.messages:
            messages.error(request, text)
        if not request.htmx:
            return redirect("municipalities:case-detail", code=municipality.code, pk=task.pk)
    task.refresh_from_db()
    return _render_case(request, municipality, task, status=status if not forms else 422, **forms)


@never_cache
@login_required
def case_detail(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    return _render_case(request, municipality, task)


@require_POST
@never_cache
@login_required
def case_cpr_reveal(request, code: str, pk: int):
    """Show the full CPR number once, deliberately, and log that it was shown."""
    municipality, task = _get_case(request, code, pk)
    number = cpr.vault().decrypt(task.citizen.cpr_encrypted)
    return _render_case(request, municipality, task, revealed_cpr=f"{number[:6]}-{number[6:]}")


@require_POST
@login_required
def case_claim(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    from_row = request.htmx and request.htmx.target == f"task-{task.pk}"
    try:
        task = task_services.task_claim(task=task, user=request.user)
    except ValidationError as error:
        if from_row:
            task.refresh_from_db()
            return render(
                request,
                "municipalities/_worklist_row.html",
                {"task": task, "municipality": municipality, "row_error": error.messages[0]},
                status=409,
            )
        return _refused(request, municipality, task, error)
    if from_row:
        return render(
            request,
            "municipalities/_worklist_row.html",
            {"task": task, "municipality": municipality},
        )
    return _done(request, municipality, task, _("You are working on this citizen now."))


@require_POST
@login_required
def case_release(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    try:
        task_services.task_release(
            task=task, user=request.user, lead=access.may(request.user, "lead_team", municipality)
        )
    except ValidationError as error:
        return _refused(request, municipality, task, error)
    return _done(request, municipality, task, _("The task is back on the shared list."))


@require_POST
@login_required
def case_assign(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    access.require(request.user, "lead_team", municipality)
    form = AssignForm(request.POST, prefix="assign", colleagues=colleagues(municipality))
    if not form.is_valid():
        return _render_case(request, municipality, task, status=422, assign_form=form)
    try:
        task_services.task_assign(
            task=task, assignee=form.cleaned_data["assignee"], by=request.user
        )
    except ValidationError as error:
        return _refused(request, municipality, task, error, assign_form=form)
    return _done(request, municipality, task, _("The assignment is saved."))


@require_POST
@login_required
def case_call_later(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    form = CallLaterForm(request.POST, prefix="later")
    if not form.is_valid():
        return _render_case(request, municipality, task, status=422, call_later_form=form)
    try:
        task_services.task_call_later(task=task, user=request.user, at=form.cleaned_data["at"])
    except ValidationError as error:
        return _refused(request, municipality, task, error, call_later_form=form)
    return _done(
        request, municipality, task, _("The citizen is off the worklist until the time you chose.")
    )


@require_POST
@login_required
def case_attempt_create(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    form = AttemptForm(request.POST, prefix="attempt")
    if not form.is_valid():
        return _render_case(request, municipality, task, status=422, attempt_form=form)
    try:
        services.attempt_record(task=task, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, municipality, task, error, attempt_form=form)
    return _done(request, municipality, task, _("The attempt is recorded."))


@login_required
def case_visitation(request, code: str, pk: int):
    """The visitation form on its own page (GET) and the decision (POST)."""
    municipality, task = _get_case(request, code, pk)
    if request.method != "POST":
        return _render_case(request, municipality, task)
    form = VisitationForm(request.POST, prefix="visitation")
    if not form.is_valid():
        return _render_case(request, municipality, task, status=422, visitation_form=form)
    try:
        services.visitation_decide(task=task, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, municipality, task, error, visitation_form=form)
    return _done(request, municipality, task, _("The decision is recorded."))


@require_POST
@login_required
def case_reopen(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    try:
        services.task_reopen(task=task, user=request.user)
    except ValidationError as error:
        return _refused(request, municipality, task, error)
    return _done(request, municipality, task, _("The case is open again."))


@require_POST
@login_required
def case_contact_details(request, code: str, pk: int):
    municipality, task = _get_case(request, code, pk)
    form = ContactDetailsForm(request.POST, prefix="details", instance=task.citizen)
    # The form only validates; the service writes (with history), never form.save().
    if not form.is_valid():
        task.citizen.refresh_from_db()
        return _render_case(request, municipality, task, status=422, details_form=form)
    try:
        services.citizen_contact_details_update(task=task, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, municipality, task, error, details_form=form)
    return _done(request, municipality, task, _("The contact details are saved."))
