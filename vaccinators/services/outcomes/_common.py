"""What every outcome shares: the row locks, the checks that a route or a session is at work
and its safety checklist confirmed, the vaccination record's creation and invalidation, and
how the referral follows an outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.models import Referral
from municipalities.services.cases import (
    referral_complete,
    referral_return,
    referral_unschedule,
)
from outreach.models import (
    Citizen,
    Outcome,
    User,
    VaccinationRecord,
    VaccinatorOrganisation,
    VaccineProduct,
)
from regions.models import PopupSession, StockBatch
from vaccinators.models import RouteList, SafetyChecklist
from vaccinators.selectors.routes import (
    BatchLeft,
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
