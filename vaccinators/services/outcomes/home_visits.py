"""Home visits: the outcome of each stop and its correction, the vials opened and finished,
and finishing the route."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Referral
from municipalities.services.cases import (
    referral_schedule,
    referral_uncomplete,
    referral_unschedule,
)
from outreach.models import (
    Outcome,
    User,
    VaccinationRecord,
)
from regions.models import StockBatch
from regions.models import StockMovement as Movement
from regions.services.stock import stock_use
from vaccinators.models import RouteList, RouteStop, VialEvent
from vaccinators.selectors.routes import (
    route_batches,
    route_records,
)
from vaccinators.services.outcomes._common import (
    BACK_TO_THE_MUNICIPALITY,
    Status,
    _checked_batch,
    _checklist_confirmed,
    _known_outcome,
    _locked_route,
    _reason_required,
    _record_create,
    _record_invalidate,
    _referral_follows,
    _route_at_work,
)
from vaccinators.services.outcomes.settlement import _settle


def _locked_stop(stop: RouteStop, route_list: RouteList) -> RouteStop:
    return (
        RouteStop.objects.select_for_update(of=("self",))
        .select_related("citizen", "referral__visitation", "referral__product")
        .get(pk=stop.pk, route_list=route_list)
    )


@transaction.atomic
def stop_outcome_record(
    *,
    stop: RouteStop,
    user: User,
    outcome: str,
    batch: StockBatch | None = None,
    note: str = "",
    given_at: datetime | None = None,
) -> RouteStop:
    """Record what came of a home visit; one outcome per stop, after the safety checklist.

    Vaccinated: a vaccination record of the stop's dose with the route's product and the chosen
    batch (by default the opened vial's, else the first to expire), observed 15 minutes or 30
    after an earlier severe allergic reaction; the referral is done, and the stop's vial, if
    nobody marked it opened, is opened now. Not home or postponed: the
    referral goes back to the region's pool. Declined or contraindicated: it goes back to the
    municipality's task, saying so.
    """
    route_list = _locked_route(stop.route_list)
    _route_at_work(route_list)
    _checklist_confirmed(route_list=route_list)
    stop = _locked_stop(stop, route_list)
    if stop.outcome:
        raise ValidationError(
            _("%(name)s already has an outcome: %(outcome)s. Correct it first if it is wrong.")
            % {"name": stop.citizen.name, "outcome": stop.get_outcome_display().lower()}
        )
    outcome = _known_outcome(outcome)
    note = (note or "").strip()
    now = timezone.now()
    if outcome == Outcome.VACCINATED:
        if batch is None:
            batch = _open_vial_batch(route_list, stop.vial_number)
        batch = _checked_batch(
            batch, route_batches(route_list), route_list.product, _("this route")
        )
        stop.vaccination = _record_create(
            citizen=stop.citizen,
            referral=stop.referral,
            dose=stop.dose,
            product=route_list.product,
            batch=batch,
            given_at=given_at,
            user=user,
            organisation=route_list.vaccinator_organisation,
            setting=VaccinationRecord.Setting.HOME,
        )
        # The first dose from a vial nobody marked opened opens it: its window is shown from now.
        if not VialEvent.objects.filter(
            route_list=route_list, vial_number=stop.vial_number
        ).exists():
            VialEvent.objects.create(
                route_list=route_list,
                vial_number=stop.vial_number,
                kind=VialEvent.Kind.OPENED,
                batch=batch.lot_number,
                at=now,
                by=user,
            )
    _referral_follows(
        stop.referral,
        outcome,
        setting=VaccinationRecord.Setting.HOME,
        day=timezone.localdate(),
        note=note,
    )
    stop.outcome = outcome
    stop.outcome_at = now
    stop.outcome_by = user
    stop.outcome_note = note
    stop.save(update_fields=["outcome", "outcome_at", "outcome_by", "outcome_note", "vaccination"])
    return stop


def _open_vial_batch(route_list: RouteList, vial_number: int) -> StockBatch | None:
    """The batch of the stop's vial when it is open and not finished: the dose comes from it."""
    events = {
        e.kind: e for e in VialEvent.objects.filter(route_list=route_list, vial_number=vial_number)
    }
    opened = events.get(VialEvent.Kind.OPENED)
    if opened is None or VialEvent.Kind.FINISHED in events:
        return None
    return StockBatch.objects.filter(product=route_list.product, lot_number=opened.batch).first()


@transaction.atomic
def stop_outcome_correct(*, stop: RouteStop, user: User, reason: str) -> RouteStop:
    """Take back a wrong outcome while the route is under way. A vaccination is invalidated with
    the reason (never deleted) and the referral is scheduled again; a citizen recorded not home or
    postponed is put back on the route. Declined and contraindicated have gone back to the
    municipality: its caseworker refers the citizen again."""
    reason = _reason_required(reason)
    route_list = _locked_route(stop.route_list)
    if route_list.status == Status.DONE:
        raise ValidationError(
            _("The route is finished and its stock settled: ask the region to correct the record.")
        )
    _route_at_work(route_list)
    stop = _locked_stop(stop, route_list)
    if not stop.outcome:
        raise ValidationError(
            _("%(name)s has no outcome to correct.") % {"name": stop.citizen.name}
        )
    referral = Referral.objects.select_for_update().get(pk=stop.referral_id)
    if stop.outcome in BACK_TO_THE_MUNICIPALITY:
        raise ValidationError(
            _(
                "The referral has gone back to the municipality with the reason: its caseworker "
                "refers %(name)s again."
            )
            % {"name": stop.citizen.name}
        )
    if stop.outcome == Outcome.VACCINATED:
        _record_invalidate(stop.vaccination, user=user, reason=reason)
        if referral.status == Referral.Status.DONE:
            referral_uncomplete(referral=referral)
    elif referral.status == Referral.Status.ACCEPTED:
        referral_schedule(referral=referral, scheduled_for=stop.planned_arrival)
    else:
        raise ValidationError(
            _("%(name)s's referral has moved on meanwhile (%(status)s): it cannot come back.")
            % {"name": stop.citizen.name, "status": referral.get_status_display().lower()}
        )
    stop.outcome_note = _("Corrected from “%(outcome)s”: %(reason)s") % {
        "outcome": stop.get_outcome_display(),
        "reason": reason,
    }
    stop.outcome = ""
    stop.outcome_at = None
    stop.outcome_by = None
    stop.vaccination = None
    stop.save(update_fields=["outcome", "outcome_at", "outcome_by", "outcome_note", "vaccination"])
    return stop


# Vials -----------------------------------------------------------------------------------------


def _vial_in_range(route_list: RouteList, vial_number: int) -> None:
    if not 1 <= vial_number <= max(route_list.vials, 1):
        raise ValidationError(
            _("The route has vials 1 to %(vials)d.") % {"vials": max(route_list.vials, 1)}
        )


@transaction.atomic
def vial_open(
    *, route_list: RouteList, vial_number: int, batch: StockBatch | None = None, user: User
) -> VialEvent:
    """A vial is opened (diluted): its after-opening window starts; its doses are of ``batch``
    (by default the first to expire with doses left)."""
    route_list = _locked_route(route_list)
    _route_at_work(route_list)
    _checklist_confirmed(route_list=route_list)
    _vial_in_range(route_list, vial_number)
    batch = _checked_batch(batch, route_batches(route_list), route_list.product, _("this route"))
    if VialEvent.objects.filter(
        route_list=route_list, vial_number=vial_number, kind=VialEvent.Kind.OPENED
    ).exists():
        raise ValidationError(_("Vial %(n)d is already open.") % {"n": vial_number})
    return VialEvent.objects.create(
        route_list=route_list,
        vial_number=vial_number,
        kind=VialEvent.Kind.OPENED,
        batch=batch.lot_number,
        at=timezone.now(),
        by=user,
    )


@transaction.atomic
def vial_finish(
    *, route_list: RouteList, vial_number: int, user: User, doses_left: int
) -> VialEvent:
    """An opened vial is used up or thrown away: the doses left in it are wasted into the ledger
    at once (doses given from it are settled with the route)."""
    route_list = _locked_route(route_list)
    _route_at_work(route_list)
    events = {
        e.kind: e for e in VialEvent.objects.filter(route_list=route_list, vial_number=vial_number)
    }
    opened = events.get(VialEvent.Kind.OPENED)
    if opened is None:
        raise ValidationError(_("Vial %(n)d is not open.") % {"n": vial_number})
    if VialEvent.Kind.FINISHED in events:
        raise ValidationError(_("Vial %(n)d is already finished.") % {"n": vial_number})
    per_vial = route_list.product.doses_per_vial
    if doses_left is None or not 0 <= doses_left <= per_vial:
        raise ValidationError(
            {"doses_left": _("Enter the doses left, from 0 to %(most)d.") % {"most": per_vial}}
        )
    batch = StockBatch.objects.get(product=route_list.product, lot_number=opened.batch)
    if doses_left:
        left = next((b.doses for b in route_batches(route_list) if b.batch.pk == batch.pk), 0)
        if doses_left > left:
            raise ValidationError(
                {
                    "doses_left": _(
                        "The route has %(left)d doses of batch %(lot)s not yet given: no more "
                        "can be left in the vial."
                    )
                    % {"left": left, "lot": batch.lot_number}
                }
            )
        stock_use(
            place=route_list.route_day,
            user=user,
            batch=batch,
            administered=0,
            wasted=doses_left,
            waste_reason=Movement.WasteReason.LEFT_IN_VIAL,
            note=_("Vial %(n)d of route list %(route)d")
            % {"n": vial_number, "route": route_list.pk},
        )
    return VialEvent.objects.create(
        route_list=route_list,
        vial_number=vial_number,
        kind=VialEvent.Kind.FINISHED,
        batch=opened.batch,
        doses_left=doses_left,
        at=timezone.now(),
        by=user,
    )


@transaction.atomic
def route_list_finish(*, route_list: RouteList, user: User) -> RouteList:
    """The route is over: its stops without an outcome go back to the region's pool, its stock is
    settled (doses given and left in opened vials booked, unopened vials and unused consumables
    back to the store) and it is done."""
    route_list = _locked_route(route_list)
    if route_list.status == Status.DONE:
        raise ValidationError(_("The route is already finished."))
    _route_at_work(route_list)
    for stop in route_list.stops.filter(outcome="").select_for_update(of=("self",)):
        referral = Referral.objects.select_for_update().get(pk=stop.referral_id)
        if referral.status == Referral.Status.SCHEDULED:
            referral_unschedule(referral=referral)
    events = list(VialEvent.objects.filter(route_list=route_list))
    _settle(
        place=route_list.route_day,
        user=user,
        product=route_list.product,
        given=Counter(route_records(route_list).valid().values_list("batch", flat=True)),
        opened=Counter(e.batch for e in events if e.kind == VialEvent.Kind.OPENED),
        wasted=Counter(
            {
                lot: sum(
                    e.doses_left
                    for e in events
                    if e.kind == VialEvent.Kind.FINISHED and e.batch == lot
                )
                for lot in {e.batch for e in events}
            }
        ),
        note=_("Route list %(route)d finished") % {"route": route_list.pk},
    )
    route_list.status = Status.DONE
    route_list.finished_at = timezone.now()
    route_list.save(update_fields=["status", "finished_at"])
    return route_list
