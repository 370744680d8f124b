"""What came of the vaccinator's day: the safety checklist, the outcome of each home visit and
pop-up booking, vials opened and finished, acute adverse reactions, and finishing a route or a
session.

A write on a route list (or a pop-up session) first locks that row: two taps on one phone, or two
vaccinators sharing a list, are served one after the other, so a stop never gets two outcomes and
a vial is never opened twice.

The stock ledger hears of the doses given when the route or session is settled
(``route_list_finish``, ``popup_session_finish``), per batch, counted from the valid vaccination
records. Until then a wrong "vaccinated" is corrected by invalidating its record, with no movement
to undo (the ledger is append-only and its quantities positive, so it cannot take a dose back).
Doses left in a finished vial are wasted into the ledger at once. See
``docs/adr/0012-outcomes-and-the-ledger.md``.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.models import Referral
from municipalities.services.cases import (
    referral_complete,
    referral_return,
    referral_schedule,
    referral_uncomplete,
    referral_unschedule,
)
from outreach.models import (
    AdverseReaction,
    Citizen,
    Outcome,
    User,
    VaccinationRecord,
    VaccinatorOrganisation,
    VaccineProduct,
)
from regions.models import PopupSession, RouteDay, SessionBooking, StockBalance, StockBatch
from regions.models import StockMovement as Movement
from regions.selectors.sessions import active_bookings
from regions.services.sessions import session_booking_cancel
from regions.services.stock import stock_return_everything, stock_use, stock_use_opened_vials
from vaccinators.models import RouteList, RouteStop, SafetyChecklist, VialEvent
from vaccinators.selectors.routes import (
    BatchLeft,
    route_batches,
    route_records,
    session_batches,
    session_records,
)

Status = RouteList.Status
TO_THE_POOL = (Outcome.NOT_HOME, Outcome.POSTPONED)
BACK_TO_THE_MUNICIPALITY = (Outcome.DECLINED, Outcome.CONTRAINDICATED)
# A clock a little ahead of the server's must not refuse a time entered as "now".
CLOCK_SLACK = timedelta(minutes=5)

_RETURN_COMMENTS = {
    (Outcome.DECLINED, VaccinationRecord.Setting.HOME): gettext_lazy(
        "Declined at the home visit on %(day)s."
    ),
    (Outcome.DECLINED, VaccinationRecord.Setting.POPUP): gettext_lazy(
        "Declined at the pop-up session on %(day)s."
    ),
    (Outcome.CONTRAINDICATED, VaccinationRecord.Setting.HOME): gettext_lazy(
        "Not vaccinated at the home visit on %(day)s: contraindicated."
    ),
    (Outcome.CONTRAINDICATED, VaccinationRecord.Setting.POPUP): gettext_lazy(
        "Not vaccinated at the pop-up session on %(day)s: contraindicated."
    ),
}

_CHECKLIST_MISSING = {
    "anaphylaxis_kit": gettext_lazy(
        "Pack a complete anaphylaxis kit before the first vaccination."
    ),
    "adrenaline": gettext_lazy("Bring adrenaline in date before the first vaccination."),
    "oxygen_or_emergency_plan": gettext_lazy(
        "Bring oxygen, or make a plan to call emergency services (112), before the first "
        "vaccination."
    ),
    "it_access": gettext_lazy(
        "Make sure you can register vaccinations (IT access) before the first one."
    ),
}


# Locks and states ------------------------------------------------------------------------------


def _locked_route(route_list: RouteList) -> RouteList:
    return (
        RouteList.objects.select_for_update(of=("self",))
        .select_related("product", "route_day__region", "vaccinator_organisation", "region")
        .get(pk=route_list.pk)
    )


def _locked_session(session: PopupSession) -> PopupSession:
    return (
        PopupSession.objects.select_for_update(of=("self",))
        .select_related("product", "region", "vaccinator_organisation", "site")
        .get(pk=session.pk)
    )


def _on_the_day(day: date, message: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(message % {"day": formats.date_format(day)})


def _route_at_work(route_list: RouteList) -> None:
    """The route can take checklists, outcomes and vial events: published or under way, today or
    before."""
    if route_list.status == Status.DONE:
        raise ValidationError(_("The route is finished: nothing more can be recorded on it."))
    if route_list.status not in (Status.PUBLISHED, Status.IN_PROGRESS):
        raise ValidationError(_("The route list is not published."))
    _on_the_day(route_list.date, _("The route is on %(day)s: it is recorded on that day."))


def _session_at_work(session: PopupSession) -> None:
    if session.status == PopupSession.Status.DONE:
        raise ValidationError(_("The session is finished: nothing more can be recorded on it."))
    if not session.is_open:
        raise ValidationError(_("The session is cancelled."))
    _on_the_day(session.date, _("The session is on %(day)s: it is recorded on that day."))


def _checklist_confirmed(*, route_list: RouteList | None = None, session=None) -> None:
    found = SafetyChecklist.objects.filter(
        **({"route_list": route_list} if route_list is not None else {"popup_session": session})
    )
    if not found.exists():
        raise ValidationError(
            _(
                "Confirm the safety checklist (anaphylaxis kit, adrenaline, oxygen or an "
                "emergency plan, IT access) before the first outcome."
            )
        )


def _known_outcome(outcome: str) -> str:
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    return outcome


# The safety checklist --------------------------------------------------------------------------


@transaction.atomic
def checklist_confirm(
    *,
    route_list: RouteList | None = None,
    popup_session: PopupSession | None = None,
    user: User,
    anaphylaxis_kit: bool,
    adrenaline: bool,
    oxygen_or_emergency_plan: bool,
    it_access: bool,
) -> SafetyChecklist:
    """The vaccinator confirms the safety equipment before the first outcome of a route or a
    pop-up session; every item must be in place. The first confirmation of a route starts it
    ("in progress"); confirming again changes nothing."""
    if (route_list is None) == (popup_session is None):
        raise ValueError("A checklist is for one route list or one pop-up session.")
    answers = {
        "anaphylaxis_kit": anaphylaxis_kit,
        "adrenaline": adrenaline,
        "oxygen_or_emergency_plan": oxygen_or_emergency_plan,
        "it_access": it_access,
    }
    missing = {name: str(_CHECKLIST_MISSING[name]) for name, ready in answers.items() if not ready}
    if missing:
        raise ValidationError(missing)
    if route_list is not None:
        route_list = _locked_route(route_list)
        _route_at_work(route_list)
        place = {"route_list": route_list}
    else:
        popup_session = _locked_session(popup_session)
        _session_at_work(popup_session)
        place = {"popup_session": popup_session}
    existing = SafetyChecklist.objects.filter(**place).first()
    if existing is not None:
        return existing
    now = timezone.now()
    checklist = SafetyChecklist.objects.create(
        **place, **answers, confirmed_at=now, confirmed_by=user
    )
    if route_list is not None and route_list.status == Status.PUBLISHED:
        route_list.status = Status.IN_PROGRESS
        route_list.started_at = now
        route_list.save(update_fields=["status", "started_at"])
    return checklist


# Vaccination records ---------------------------------------------------------------------------


def _checked_batch(
    batch: StockBatch | None, batches: list[BatchLeft], product: VaccineProduct, where: str
) -> StockBatch:
    """The batch to give from: the one chosen, or the first to expire with a dose left; it must
    be carried by the route or session and still have a dose to give."""
    if batch is None:
        batch = next((b.batch for b in batches if b.doses > 0), None)
        if batch is None:
            raise ValidationError(
                {
                    "batch": _(
                        "No dose of %(product)s is left at %(where)s: ask the region to allocate "
                        "more."
                    )
                    % {"product": product.name, "where": where}
                }
            )
        return batch
    if batch.product_id != product.pk:
        raise ValidationError({"batch": _("The batch is of another product.")})
    left = next((b.doses for b in batches if b.batch.pk == batch.pk), None)
    if left is None:
        raise ValidationError(
            {
                "batch": _("Batch %(lot)s is not allocated to %(where)s.")
                % {"lot": batch.lot_number, "where": where}
            }
        )
    if left < 1:
        raise ValidationError(
            {
                "batch": _("No dose of batch %(lot)s is left at %(where)s.")
                % {"lot": batch.lot_number, "where": where}
            }
        )
    return batch


def _record_create(
    *,
    citizen: Citizen,
    referral: Referral,
    dose: int,
    product: VaccineProduct,
    batch: StockBatch,
    given_at: datetime | None,
    user: User,
    organisation: VaccinatorOrganisation,
    setting: str,
) -> VaccinationRecord:
    now = timezone.now()
    given_at = given_at or now
    if given_at > now + CLOCK_SLACK:
        raise ValidationError({"given_at": _("A vaccination cannot be recorded in the future.")})
    if dose == 2 and referral.product_id and referral.product_id != product.pk:
        raise ValidationError(
            _("Dose 2 must be %(product)s, the product of dose 1.")
            % {"product": referral.product.name}
        )
    earlier = VaccinationRecord.objects.valid().filter(citizen=citizen, dose=dose).first()
    if earlier is not None:
        # The database's unique constraint is the last line; this is the message.
        raise ValidationError(
            _("%(name)s already has dose %(dose)d recorded (%(day)s): correct that record first.")
            % {"name": citizen.name, "dose": dose, "day": formats.date_format(earlier.given_at)}
        )
    allergy = referral.visitation.severe_allergy
    return VaccinationRecord.objects.create(
        citizen=citizen,
        dose=dose,
        product=product,
        batch=batch.lot_number,
        given_at=given_at,
        given_by=user,
        vaccinator_organisation=organisation,
        setting=setting,
        observation_minutes=(
            product.observation_minutes_after_allergy if allergy else product.observation_minutes
        ),
    )


def _record_invalidate(record: VaccinationRecord, *, user: User, reason: str) -> None:
    record = VaccinationRecord.objects.select_for_update().get(pk=record.pk)
    if not record.is_valid:
        raise ValidationError(_("The vaccination record is already invalidated."))
    record.invalidated_at = timezone.now()
    record.invalidated_by = user
    record.invalidation_reason = reason
    record.save(update_fields=["invalidated_at", "invalidated_by", "invalidation_reason"])


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the outcome is corrected.")})
    return reason


def _return_comment(outcome: str, setting: str, day: date, note: str) -> str:
    comment = str(_RETURN_COMMENTS[(outcome, setting)]) % {"day": formats.date_format(day)}
    return f"{comment} {note}" if note else comment


def _referral_follows(
    referral: Referral, outcome: str, *, setting: str, day: date, note: str
) -> None:
    """The referral follows the outcome: done when vaccinated; back to the region's pool when
    the citizen was not home or asked to wait; back to the municipality's task with the reason
    when they declined or must not be vaccinated. A referral that is no longer scheduled (the
    municipality made a new decision meanwhile) keeps its new course."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.SCHEDULED:
        return
    if outcome == Outcome.VACCINATED:
        referral_complete(referral=referral)
        return
    referral = referral_unschedule(referral=referral)
    if outcome in BACK_TO_THE_MUNICIPALITY:
        referral_return(referral=referral, comment=_return_comment(outcome, setting, day, note))


# Home visits -----------------------------------------------------------------------------------


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


# Settling the stock ----------------------------------------------------------------------------


def _settle(
    *,
    place: RouteDay | PopupSession,
    user: User,
    product: VaccineProduct,
    given: Counter,
    opened: Counter,
    wasted: Counter,
    note: str,
) -> None:
    """Book a finished route's or session's stock: per batch, the doses given (from the valid
    records) and the doses still in its opened vials (wasted); what opening the vials used up;
    then the unopened vials and unused consumables go back to the store.

    A batch's opened vials are those the vaccinator opened, or as many as the doses given and
    wasted needed when fewer were recorded; what is wasted is capped at what the place still holds,
    so a settlement never refuses to finish a day.
    """
    per_vial = product.doses_per_vial
    lots = sorted(set(given) | set(opened))
    batches = {
        b.lot_number: b for b in StockBatch.objects.filter(product=product, lot_number__in=lots)
    }
    held = dict(
        StockBalance.objects.filter(
            **{
                "holder__session" if isinstance(place, PopupSession) else "holder__route_day": place
            },
            batch__in=batches.values(),
        ).values_list("batch__lot_number", "quantity")
    )
    vials_opened = 0
    for lot in lots:
        used = given[lot] + wasted[lot]
        vials = max(opened[lot], math.ceil(used / per_vial))
        vials_opened += vials
        left = min(vials * per_vial - used, held.get(lot, 0) - given[lot])
        if given[lot] or left > 0:
            stock_use(
                place=place,
                user=user,
                batch=batches[lot],
                administered=given[lot],
                wasted=max(left, 0),
                waste_reason=Movement.WasteReason.LEFT_IN_VIAL,
                note=note,
            )
    stock_use_opened_vials(place=place, user=user, product=product, vials=vials_opened, note=note)
    stock_return_everything(place=place, user=user, note=note)


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


# Adverse reactions -----------------------------------------------------------------------------


@transaction.atomic
def adverse_reaction_record(
    *,
    record: VaccinationRecord,
    user: User,
    onset_at: datetime,
    symptoms: str,
    severity: str,
    adrenaline_given: bool,
    emergency_called: bool,
    reported_onward: bool,
) -> AdverseReaction:
    """An acute adverse reaction to a recorded vaccination, and what was done about it."""
    record = VaccinationRecord.objects.select_for_update().get(pk=record.pk)
    if not record.is_valid:
        raise ValidationError(_("The vaccination record is invalidated."))
    problems = {}
    symptoms = (symptoms or "").strip()
    if not symptoms:
        problems["symptoms"] = _("Describe the symptoms.")
    if severity not in AdverseReaction.Severity.values:
        problems["severity"] = _("Choose the severity.")
    if onset_at is None:
        problems["onset_at"] = _("Enter when the reaction began.")
    elif onset_at > timezone.now() + CLOCK_SLACK:
        problems["onset_at"] = _("The onset cannot be in the future.")
    elif onset_at < record.given_at.replace(second=0, microsecond=0):
        problems["onset_at"] = _("The onset cannot be before the vaccination (%(time)s).") % {
            "time": formats.time_format(timezone.localtime(record.given_at), "H:i")
        }
    if problems:
        raise ValidationError(problems)
    return AdverseReaction.objects.create(
        record=record,
        onset_at=onset_at,
        symptoms=symptoms,
        severity=severity,
        adrenaline_given=adrenaline_given,
        emergency_called=emergency_called,
        reported_onward=reported_onward,
        recorded_by=user,
    )


# Pop-up sessions -------------------------------------------------------------------------------


def _locked_booking(booking: SessionBooking, session: PopupSession) -> SessionBooking:
    return (
        SessionBooking.objects.select_for_update(of=("self",))
        .select_related("citizen", "referral__visitation", "referral__product")
        .get(pk=booking.pk, session=session)
    )


@transaction.atomic
def booking_outcome_record(
    *,
    booking: SessionBooking,
    user: User,
    outcome: str,
    batch: StockBatch | None = None,
    note: str = "",
    given_at: datetime | None = None,
) -> SessionBooking:
    """Record what came of a pop-up booking, as at a home visit. A citizen who did not come,
    asked to wait, declined or must not be vaccinated is taken out of the session (the referral
    waits for another, or goes back to the municipality with the reason)."""
    session = _locked_session(booking.session)
    _session_at_work(session)
    _checklist_confirmed(session=session)
    booking = _locked_booking(booking, session)
    if booking.outcome:
        raise ValidationError(
            _("%(name)s already has an outcome: %(outcome)s. Correct it first if it is wrong.")
            % {"name": booking.citizen.name, "outcome": booking.get_outcome_display().lower()}
        )
    if booking.status != SessionBooking.Status.BOOKED:
        raise ValidationError(
            _("%(name)s is no longer booked into the session.") % {"name": booking.citizen.name}
        )
    outcome = _known_outcome(outcome)
    note = (note or "").strip()
    if outcome == Outcome.VACCINATED:
        batch = _checked_batch(batch, session_batches(session), session.product, _("this session"))
        booking.vaccination = _record_create(
            citizen=booking.citizen,
            referral=booking.referral,
            dose=booking.referral.dose,
            product=session.product,
            batch=batch,
            given_at=given_at,
            user=user,
            organisation=session.vaccinator_organisation,
            setting=VaccinationRecord.Setting.POPUP,
        )
    booking.outcome = outcome
    booking.outcome_at = timezone.now()
    booking.outcome_by = user
    booking.outcome_note = note
    booking.save(
        update_fields=["outcome", "outcome_at", "outcome_by", "outcome_note", "vaccination"]
    )
    if outcome == Outcome.VACCINATED:
        _referral_follows(
            booking.referral,
            outcome,
            setting=VaccinationRecord.Setting.POPUP,
            day=timezone.localdate(),
            note=note,
        )
        return booking
    # Out of the session: the referral waits for another (the region's own cancellation, which
    # also frees the ride), or goes back to the municipality.
    scheduled = booking.referral.status == Referral.Status.SCHEDULED
    session_booking_cancel(booking=booking, user=user)
    if scheduled and outcome in BACK_TO_THE_MUNICIPALITY:
        referral_return(
            referral=booking.referral,
            comment=_return_comment(
                outcome, VaccinationRecord.Setting.POPUP, timezone.localdate(), note
            ),
        )
    booking.refresh_from_db()
    return booking


@transaction.atomic
def booking_outcome_correct(*, booking: SessionBooking, user: User, reason: str) -> SessionBooking:
    """Take back a wrong "vaccinated" at a pop-up session while it runs: the record is invalidated
    with the reason and the referral is scheduled again."""
    reason = _reason_required(reason)
    session = _locked_session(booking.session)
    if session.status == PopupSession.Status.DONE:
        raise ValidationError(
            _(
                "The session is finished and its stock settled: ask the region to correct the "
                "record."
            )
        )
    _session_at_work(session)
    booking = _locked_booking(booking, session)
    if booking.outcome != Outcome.VACCINATED:
        raise ValidationError(
            _("Only a vaccination can be corrected here; %(name)s was taken out of the session.")
            % {"name": booking.citizen.name}
            if booking.outcome
            else _("%(name)s has no outcome to correct.") % {"name": booking.citizen.name}
        )
    _record_invalidate(booking.vaccination, user=user, reason=reason)
    referral = Referral.objects.select_for_update().get(pk=booking.referral_id)
    if referral.status == Referral.Status.DONE:
        referral_uncomplete(referral=referral)
    booking.outcome_note = _("Corrected from “%(outcome)s”: %(reason)s") % {
        "outcome": booking.get_outcome_display(),
        "reason": reason,
    }
    booking.outcome = ""
    booking.outcome_at = None
    booking.outcome_by = None
    booking.vaccination = None
    booking.save(
        update_fields=["outcome", "outcome_at", "outcome_by", "outcome_note", "vaccination"]
    )
    return booking


@transaction.atomic
def popup_session_finish(*, session: PopupSession, user: User) -> PopupSession:
    """The session is over: citizens booked without an outcome wait for another session, its
    stock is settled (doses given, doses left in the last vial of each batch wasted, the rest back
    to the store) and it is done."""
    session = _locked_session(session)
    if session.status == PopupSession.Status.DONE:
        raise ValidationError(_("The session is already finished."))
    _session_at_work(session)
    for booking in active_bookings(session).filter(outcome=""):
        session_booking_cancel(booking=booking, user=user)
    _settle(
        place=session,
        user=user,
        product=session.product,
        given=Counter(session_records(session).valid().values_list("batch", flat=True)),
        opened=Counter(),
        wasted=Counter(),
        note=_("Pop-up session %(session)d finished") % {"session": session.pk},
    )
    session.status = PopupSession.Status.DONE
    session.save(update_fields=["status"])
    return session
