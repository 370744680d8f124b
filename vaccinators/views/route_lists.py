"""The vaccinator's route lists on a phone: today's and the coming days', and a route page with one
card per stop, the safety checklist, outcomes in one or two taps, vials, acute reactions, a
printable list and a PDF."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outreach import access
from outreach.models import AccessEvent, Outcome
from outreach.services import access_event_record
from regions.forms.errors import add_service_error
from regions.selectors.sessions import session_vials, sessions_run_by
from vaccinators.forms import (
    AdverseReactionForm,
    ChecklistForm,
    CorrectionForm,
    VialFinishForm,
    VialOpenForm,
)
from vaccinators.models import RouteList, RouteStop, SafetyChecklist
from vaccinators.printing import route_list_pdf
from vaccinators.selectors.routes import (
    practice_route_list,
    route_batches,
    route_lists_for_practice,
    route_stop,
    route_stops,
    route_vials,
)
from vaccinators.services import outcomes
from vaccinators.views import outcome_steps
from vaccinators.views.outcome_steps import chosen_batch

Status = RouteList.Status


def _practice(request, code: str):
    return access.get_vaccinator_organisation_for_user(request.user, code, "vaccinate")


@require_GET
@login_required
def routelist_list(request, code: str):
    """The practice's route lists published to the vaccinator, today's first, and the pop-up
    sessions it runs."""
    organisation = _practice(request, code)
    today = timezone.localdate()
    route_lists = list(route_lists_for_practice(request.user, organisation))
    sessions = sessions_run_by(organisation).filter(date__gte=today)
    return render(
        request,
        "vaccinators/routelist_list.html",
        {
            "organisation": organisation,
            "today": today,
            "todays": [r for r in route_lists if r.date <= today],
            "coming": [r for r in route_lists if r.date > today],
            "sessions": [(session, session_vials(session, session.booked)) for session in sessions],
        },
    )


def _route_list(request, code: str, pk: int):
    organisation = _practice(request, code)
    return organisation, practice_route_list(request.user, organisation, pk)


def _page_url(organisation, route_list, stop_pk: int | None = None) -> str:
    url = reverse(
        "vaccinators:routelist-detail", kwargs={"code": organisation.code, "pk": route_list.pk}
    )
    return f"{url}#stop-{stop_pk}" if stop_pk else url


def address_and_map(citizen) -> tuple[str, str]:
    """The citizen's address in one line, and a link that finds it on OpenStreetMap (a search,
    not embedded tiles: the page loads nothing from a map server)."""
    town = f"{citizen.postcode} {citizen.city}".strip()
    address = ", ".join(part for part in (citizen.street, town) if part)
    if not address:
        return "", ""
    return address, "https://www.openstreetmap.org/search?" + urlencode(
        {"query": f"{address}, Danmark"}
    )


def _prepare_stops(stops: list[RouteStop], forms: dict, default_lots: dict[int, str]) -> None:
    """What each card needs beyond the row: the batch to prefill, the observation's end, the
    dose-2 window and the forms (bound when one was refused)."""
    for stop in stops:
        stop.address, stop.map_url = address_and_map(stop.citizen)
        stop.default_lot = default_lots.get(stop.vial_number, default_lots.get(0, ""))
        record = stop.vaccination
        if record is not None:
            stop.observation_until = record.given_at + timedelta(minutes=record.observation_minutes)
            stop.dose_two = record.dose_two_window()
            stop.reactions = list(record.adverse_reactions.all())
            stop.reaction_form = forms.get(("reaction", stop.pk)) or AdverseReactionForm(
                prefix=f"reaction-{stop.pk}"
            )
        if stop.outcome:
            stop.correction_form = forms.get(("correct", stop.pk)) or CorrectionForm(
                auto_id=f"correct-{stop.pk}-%s"
            )


def route_page(
    request,
    organisation,
    route_list: RouteList,
    *,
    forms: dict | None = None,
    error: str = "",
    status: int = 200,
    printing: bool = False,
):
    """The route page (or its printable form), with the access event for the citizens it shows,
    in the same transaction as the read."""
    forms = forms or {}
    with transaction.atomic():
        stops = route_stops(route_list)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=AccessEvent.Action.PRINT if printing else AccessEvent.Action.LIST,
            purpose=_("Printed route list") if printing else _("Route list"),
            detail=str(len(stops)),
        )
    checklist = (
        SafetyChecklist.objects.filter(route_list=route_list).select_related("confirmed_by").first()
    )
    batches = route_batches(route_list)
    vials = route_vials(route_list, stops)
    default_lots = {v.number: v.opened.batch for v in vials if v.is_open}
    default_lots[0] = next((b.batch.lot_number for b in batches if b.doses > 0), "")
    _prepare_stops(stops, forms, default_lots)
    at_work = (
        route_list.status in (Status.PUBLISHED, Status.IN_PROGRESS)
        and route_list.date <= timezone.localdate()
    )
    done = [stop for stop in stops if stop.outcome]
    return render(
        request,
        "vaccinators/routelist_detail.html",
        {
            "organisation": organisation,
            "route_list": route_list,
            "stops": stops,
            "checklist": checklist,
            "checklist_form": forms.get("checklist") or ChecklistForm(),
            "batches": batches,
            "vials": [
                (
                    vial,
                    forms.get(("finish", vial.number))
                    or VialFinishForm(auto_id=f"vial-{vial.number}-%s"),
                )
                for vial in vials
            ],
            "at_work": at_work,
            "editable": at_work and not printing,
            "recording": at_work and checklist is not None,
            "printing": printing,
            # An acute reaction may be written down after the route is finished, not on paper.
            "not_printing": not printing,
            "error": error,
            "outcomes": Outcome,
            "vaccinated": sum(1 for stop in done if stop.outcome == Outcome.VACCINATED),
            "recorded": len(done),
            "allergy_minutes": route_list.product.observation_minutes_after_allergy,
        },
        status=status,
    )


@require_GET
@login_required
def routelist_detail(request, code: str, pk: int):
    organisation, route_list = _route_list(request, code, pk)
    return route_page(request, organisation, route_list, printing=request.GET.get("print") == "1")


@require_GET
@login_required
def routelist_pdf(request, code: str, pk: int):
    """The list on paper: a PDF made in Python (fpdf2), with masked CPR numbers only."""
    organisation, route_list = _route_list(request, code, pk)
    with transaction.atomic():
        stops = route_stops(route_list)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=AccessEvent.Action.EXPORT,
            purpose=_("Route list as PDF"),
            detail=str(len(stops)),
        )
    response = HttpResponse(route_list_pdf(route_list, stops), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="route-{route_list.date:%Y-%m-%d}-{route_list.pk}.pdf"'
    )
    return response


def _refused(request, organisation, route_list, error: ValidationError, forms=None):
    return route_page(
        request,
        organisation,
        route_list,
        forms=forms,
        error=" ".join(error.messages),
        status=422,
    )


@require_POST
@login_required
def routelist_checklist(request, code: str, pk: int):
    organisation, route_list = _route_list(request, code, pk)
    form = ChecklistForm(request.POST)
    form.is_valid()  # four tick boxes: always valid; the service says what is missing
    try:
        outcomes.checklist_confirm(route_list=route_list, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return route_page(request, organisation, route_list, forms={"checklist": form}, status=422)
    messages.success(request, _("The safety checklist is confirmed: the route has started."))
    return redirect(_page_url(organisation, route_list))


def _stop(route_list: RouteList, stop_pk: int) -> RouteStop:
    return route_stop(route_list, stop_pk)


def _place(request, organisation, route_list: RouteList) -> outcome_steps.Place:
    return outcome_steps.Place(
        page=partial(route_page, request, organisation, route_list),
        url=partial(_page_url, organisation, route_list),
        product=route_list.product,
    )


@require_POST
@login_required
def stop_outcome(request, code: str, pk: int, stop_pk: int):
    """One tap: the outcome of a stop (vaccinated with the prefilled or chosen batch)."""
    organisation, route_list = _route_list(request, code, pk)
    stop = _stop(route_list, stop_pk)
    record = partial(outcomes.stop_outcome_record, stop=stop)
    place = _place(request, organisation, route_list)
    return outcome_steps.outcome_record(request, place, stop, record)


@require_POST
@login_required
def stop_correct(request, code: str, pk: int, stop_pk: int):
    organisation, route_list = _route_list(request, code, pk)
    stop = _stop(route_list, stop_pk)
    correct = partial(outcomes.stop_outcome_correct, stop=stop)
    place = _place(request, organisation, route_list)
    return outcome_steps.outcome_correct(request, place, stop, correct)


@require_POST
@login_required
def stop_reaction(request, code: str, pk: int, stop_pk: int):
    """An acute adverse reaction after a vaccination at this stop."""
    organisation, route_list = _route_list(request, code, pk)
    stop = _stop(route_list, stop_pk)
    place = _place(request, organisation, route_list)
    return outcome_steps.reaction_record(request, place, stop)


@require_POST
@login_required
def vial_open(request, code: str, pk: int, vial: int):
    organisation, route_list = _route_list(request, code, pk)
    form = VialOpenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a batch from the list."))
        event = outcomes.vial_open(
            route_list=route_list,
            vial_number=vial,
            batch=chosen_batch(route_list.product, form.cleaned_data["batch"]),
            user=request.user,
        )
    except ValidationError as error:
        return _refused(request, organisation, route_list, error)
    usable_until = timezone.localtime(
        event.at + timedelta(hours=route_list.product.hours_after_opening)
    )
    messages.success(
        request,
        _("Vial %(n)d is open (batch %(lot)s): use it by %(until)s.")
        % {"n": vial, "lot": event.batch, "until": formats.time_format(usable_until, "H:i")},
    )
    return redirect(_page_url(organisation, route_list) + "#vials-heading")


@require_POST
@login_required
def vial_finish(request, code: str, pk: int, vial: int):
    organisation, route_list = _route_list(request, code, pk)
    form = VialFinishForm(request.POST, auto_id=f"vial-{vial}-%s")
    if form.is_valid():
        try:
            event = outcomes.vial_finish(
                route_list=route_list,
                vial_number=vial,
                user=request.user,
                doses_left=form.cleaned_data["doses_left"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Vial %(n)d is finished; %(left)d doses left in it are recorded as wasted.")
                % {"n": vial, "left": event.doses_left},
            )
            return redirect(_page_url(organisation, route_list) + "#vials-heading")
    return route_page(request, organisation, route_list, forms={("finish", vial): form}, status=422)


@require_POST
@login_required
def routelist_finish(request, code: str, pk: int):
    organisation, route_list = _route_list(request, code, pk)
    try:
        outcomes.route_list_finish(route_list=route_list, user=request.user)
    except ValidationError as error:
        return _refused(request, organisation, route_list, error)
    messages.success(
        request,
        _(
            "The route is finished. Unopened vials and unused consumables are booked back to the "
            "region's store; citizens not visited wait for another route."
        ),
    )
    return redirect(_page_url(organisation, route_list))
