"""The steps a vaccinator takes per citizen, the same at a home visit (a route stop) and at a pop-up
session (a booking): record the outcome, take a wrong one back, record an acute adverse reaction.

Each view finds its route list or session and its stop or booking through the access module, then
hands over a ``Place``: how to show its page again and where to go back to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from outreach.models import Outcome, VaccineProduct
from regions.forms.errors import add_service_error
from regions.models import StockBatch
from vaccinators.forms import AdverseReactionForm, CorrectionForm, OutcomeForm
from vaccinators.services import outcomes


@dataclass(frozen=True)
class Place:
    """A route list's or a session's page: ``page(forms=..., error=..., status=...)`` renders it
    again (refused forms shown), ``url(item_pk)`` is the page at that citizen's card."""

    page: Callable[..., HttpResponse]
    url: Callable[[int | None], str]
    product: VaccineProduct


def outcome_record(request, place: Place, item, record: Callable) -> HttpResponse:
    """One tap: the outcome (vaccinated with the prefilled or chosen batch). ``record`` is the
    service for this kind of item, given the user, outcome, batch and note."""
    form = OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose an outcome."))
        data = form.cleaned_data
        item = record(
            user=request.user,
            outcome=data["outcome"],
            batch=chosen_batch(place.product, data["batch"]),
            note=data["note"],
        )
    except ValidationError as error:
        return place.page(error=" ".join(error.messages), status=422)
    messages.success(request, outcome_message(item.citizen.name, item.outcome, item.vaccination))
    return redirect(place.url(item.pk))


def outcome_correct(request, place: Place, item, correct: Callable) -> HttpResponse:
    """Take a wrong outcome back with a reason (a vaccination record is invalidated, never
    deleted). ``correct`` is the service for this kind of item, given the user and the reason."""
    form = CorrectionForm(request.POST, auto_id=f"correct-{item.pk}-%s")
    if form.is_valid():
        try:
            correct(user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The outcome for %(name)s is taken back; record the right one.")
                % {"name": item.citizen.name},
            )
            return redirect(place.url(item.pk))
    return place.page(forms={("correct", item.pk): form}, status=422)


def reaction_record(request, place: Place, item) -> HttpResponse:
    """An acute adverse reaction after the vaccination recorded for this citizen."""
    if item.vaccination is None:
        raise Http404
    form = AdverseReactionForm(request.POST, prefix=f"reaction-{item.pk}")
    if form.is_valid():
        try:
            outcomes.adverse_reaction_record(
                record=item.vaccination, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The adverse reaction of %(name)s is recorded.") % {"name": item.citizen.name},
            )
            return redirect(place.url(item.pk))
    return place.page(forms={("reaction", item.pk): form}, status=422)


def chosen_batch(product, pk: int | None) -> StockBatch | None:
    """The batch chosen on the form (of the route's product), or None for the default."""
    if not pk:
        return None
    batch = StockBatch.objects.filter(product=product, pk=pk).first()
    if batch is None:
        raise ValidationError(_("Choose a batch from the list."))
    return batch


def vaccinated_message(name: str, record) -> str:
    """What the vaccinator reads after "vaccinated": the batch, the end of the observation and
    when dose 2 falls due."""
    until = timezone.localtime(record.given_at + timedelta(minutes=record.observation_minutes))
    message = _(
        "%(name)s is vaccinated (dose %(dose)d, %(product)s, batch %(lot)s). Observe for "
        "%(minutes)d minutes, until %(until)s."
    ) % {
        "name": name,
        "dose": record.dose,
        "product": record.product.name,
        "lot": record.batch,
        "minutes": record.observation_minutes,
        "until": formats.time_format(until, "H:i"),
    }
    window = record.dose_two_window()
    if window:
        message += " " + _("Dose 2 is due on %(due)s (from %(earliest)s to %(latest)s).") % {
            "due": formats.date_format(window[1]),
            "earliest": formats.date_format(window[0]),
            "latest": formats.date_format(window[2]),
        }
    return message


def outcome_message(name: str, outcome: str, record) -> str:
    if outcome == Outcome.VACCINATED:
        return vaccinated_message(name, record)
    return {
        Outcome.NOT_HOME: _("%(name)s was not home: the referral waits for another route."),
        Outcome.POSTPONED: _("%(name)s is postponed: the referral waits for another route."),
        Outcome.DECLINED: _("%(name)s declined: the municipality's caseworker is told why."),
        Outcome.CONTRAINDICATED: _(
            "%(name)s was not vaccinated (contraindicated): the municipality's caseworker is told."
        ),
    }[outcome] % {"name": name}
