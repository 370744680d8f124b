"""Writes on a citizen's case: contact attempts, contact details, the visitation decision and its
consequences (referral to the region, transport, closing), reopening, and the referral's life.

Every write first makes sure the caseworker holds the task (``task_claim``): two caseworkers never
edit one case at once. The task's worklist columns (stage, attempts, referral status) are kept
here, in the same transaction as the rows they summarise.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities import rules
from municipalities.models import (
    ContactAttempt,
    ContactDetailsChange,
    ContactTask,
    Referral,
    TransportBooking,
    Visitation,
)
from municipalities.services.tasks import task_claim
from outreach.models import Citizen, User, VaccinationRecord

Stage = ContactTask.Stage
D = Visitation.Decision


def _stage_before_decision(task: ContactTask) -> str:
    if task.last_attempt_reached or task.contact_attempts.filter(reached=True).exists():
        return Stage.REACHED
    return Stage.CONTACTING if task.attempts else Stage.NEW


@transaction.atomic
def attempt_record(
    *,
    task: ContactTask,
    user: User,
    channel: str,
    reached: bool,
    answered_by: str = "",
    note: str = "",
    made_at: datetime | None = None,
) -> ContactAttempt:
    """Record one try at reaching the citizen and move the task along the worklist."""
    task = task_claim(task=task, user=user)
    if reached and not answered_by:
        raise ValidationError({"answered_by": _("Say who answered.")})
    made_at = made_at or timezone.now()
    if made_at > timezone.now():
        raise ValidationError({"made_at": _("An attempt cannot be in the future.")})
    attempt = ContactAttempt.objects.create(
        task=task,
        citizen_id=task.citizen_id,
        channel=channel,
        reached=reached,
        answered_by=answered_by if reached else "",
        note=note,
        made_at=made_at,
        made_by=user,
    )
    task.attempts += 1
    if task.last_attempt_at is None or made_at >= task.last_attempt_at:
        task.last_attempt_at = made_at
        task.last_attempt_reached = reached
    if task.stage in (Stage.NEW, Stage.CONTACTING):
        task.stage = Stage.REACHED if reached else Stage.CONTACTING
    task.save(update_fields=["attempts", "last_attempt_at", "last_attempt_reached", "stage"])
    return attempt


@transaction.atomic
def citizen_contact_details_update(
    *, task: ContactTask, user: User, **values: str
) -> list[ContactDetailsChange]:
    """Change the citizen's phone and guardian details, keeping the history of each change."""
    task = task_claim(task=task, user=user)
    citizen = Citizen.objects.select_for_update().get(pk=task.citizen_id)
    changes = []
    for field in ContactDetailsChange.Field.values:
        if field not in values:
            continue
        new = (values[field] or "").strip()
        old = getattr(citizen, field)
        if new != old:
            changes.append(
                ContactDetailsChange(
                    citizen=citizen, field=field, old_value=old, new_value=new, changed_by=user
                )
            )
            setattr(citizen, field, new)
    if changes:
        citizen.save(update_fields=[c.field for c in changes] + ["updated_at"])
        ContactDetailsChange.objects.bulk_create(changes)
    return changes


def _end_current_pathway(task: ContactTask, now: datetime) -> None:
    """A new decision replaces the old pathway: its referral is withdrawn, its rides cancelled."""
    Referral.objects.filter(task=task, status__in=Referral.ACTIVE).update(
        status=Referral.Status.WITHDRAWN, status_changed_at=now
    )
    TransportBooking.objects.filter(task=task).exclude(
        status=TransportBooking.Status.CANCELLED
    ).update(status=TransportBooking.Status.CANCELLED)


def _dose_two_facts(citizen_id: int) -> dict:
    """What a referral of a citizen who has had dose 1 (and not dose 2) must say: dose 2, with
    the dose-1 product, not before the interval in force allows. Empty for anyone else."""
    doses = {
        record.dose: record
        for record in VaccinationRecord.objects.valid()
        .filter(citizen_id=citizen_id)
        .select_related("product")
    }
    first = doses.get(1)
    if first is None or 2 in doses:
        return {}
    earliest, due, _latest = first.dose_two_window()
    return {"dose": 2, "product": first.product, "not_before": earliest, "due_on": due}


@transaction.atomic
def visitation_decide(*, task: ContactTask, user: User, **data) -> Visitation:
    """Record the municipality's assessment and decision, or revise the one in force.

    The rules (``municipalities.rules``) must hold. The decision's consequences follow in the same
    transaction: a referral to the region for pop-up and home, a ride to arrange for site
    transport and pop-up, the task closed for help-to-book, declined, unreachable and not relevant.
    """
    task = task_claim(task=task, user=user)
    if not task.is_open:
        raise ValidationError(_("This case is closed; reopen it to change the decision."))
    citizen = Citizen.objects.select_related("municipality__region").get(pk=task.citizen_id)
    problems = rules.visitation_problems(task=task, citizen=citizen, data=data)
    if problems:
        raise ValidationError(problems)

    now = timezone.now()
    decision = data["decision"]
    if decision == D.DECLINED:
        data["wants_vaccination"] = False
    previous = Visitation.objects.filter(task=task, superseded_at__isnull=True).first()
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
        _end_current_pathway(task, now)
    visitation = Visitation.objects.create(
        task=task, citizen=citizen, decided_by=user, decided_at=now, **data
    )
    if previous is not None:
        previous.superseded_by = visitation
        previous.save(update_fields=["superseded_by"])

    task.triaged = True
    task.return_comment = ""
    task.referral_status = ""
    if decision in rules.REFERRAL_DECISIONS:
        Referral.objects.create(
            task=task,
            citizen=citizen,
            municipality=task.municipality,
            region=citizen.municipality.region,
            visitation=visitation,
            pathway=rules.REFERRAL_DECISIONS[decision],
            requested_by=user,
            requested_at=now,
            status_changed_at=now,
            **_dose_two_facts(citizen.pk),
        )
        task.stage = Stage.REFERRED
        task.referral_status = Referral.Status.REQUESTED
    if decision in rules.TRANSPORT_DECISIONS:
        wheelchair = data.get("mobility") == Visitation.Mobility.TRANSPORT_WHEELCHAIR
        TransportBooking.objects.create(
            task=task,
            citizen=citizen,
            municipality=task.municipality,
            visitation=visitation,
            pathway=rules.TRANSPORT_DECISIONS[decision],
            kind=TransportBooking.Kind.WHEELCHAIR if wheelchair else TransportBooking.Kind.SITTING,
            pickup_street=citizen.street,
            pickup_postcode=citizen.postcode,
            pickup_city=citizen.city,
            destination=data.get("booking_site", ""),
            pickup_at=data.get("booking_at"),
        )
        if decision == D.SITE_TRANSPORT:
            task.stage = Stage.TRANSPORT
    if decision in rules.CLOSING_DECISIONS:
        task.status = ContactTask.Status.CLOSED
        task.close_reason = rules.CLOSING_DECISIONS[decision]
        task.closed_at = now
        task.stage = Stage.CLOSED
        task.claimed_by = None
        task.claim_expires_at = None
    task.call_later_at = None
    task.save()
    return visitation


@transaction.atomic
def task_reopen(*, task: ContactTask, user: User) -> ContactTask:
    """Open a case a caseworker closed (a declined citizen changed their mind, say) again.

    The decision in force is set aside (kept as history); the citizen comes back to the worklist.
    """
    task = ContactTask.objects.select_for_update().get(pk=task.pk)
    if task.is_open:
        raise ValidationError(_("This case is already open."))
    if not task.triaged:
        raise ValidationError(
            _("This case was closed by SSI's list; it opens again if the citizen is listed.")
        )
    if ContactTask.objects.filter(citizen_id=task.citizen_id, status="open").exists():
        raise ValidationError(_("The citizen already has an open case."))
    now = timezone.now()
    Visitation.objects.filter(task=task, superseded_at__isnull=True).update(superseded_at=now)
    _end_current_pathway(task, now)
    task.status = ContactTask.Status.OPEN
    task.close_reason = ""
    task.closed_at = None
    task.triaged = False
    task.referral_status = ""
    task.stage = _stage_before_decision(task)
    task.save()
    return task_claim(task=task, user=user)


class NoDoseOneReferral(ValidationError):
    """Dose 2 follows the path of dose 1; without a completed dose-1 referral there is none."""


@transaction.atomic
def referral_for_dose_two(*, record: VaccinationRecord) -> Referral | None:
    """Send a citizen whose dose 2 falls due back to the region, on the pathway of dose 1.

    ``record`` is the citizen's valid dose-1 record. The referral is accepted at once (the region
    accepted the citizen for dose 1), for dose 2 with the dose-1 product (the only one it may be
    given with), not before the earliest day of the interval in force and due on its recommended
    day. It belongs to the case of the citizen's latest completed dose-1 referral and is
    requested in the name of whoever requested that one. Returns None when the citizen already
    has an active referral, so a second run changes nothing; raises ``NoDoseOneReferral`` when
    there is no completed dose-1 referral to follow.
    """
    record = VaccinationRecord.objects.select_related(
        "product", "citizen__municipality__region"
    ).get(pk=record.pk)
    if not record.is_valid or record.dose != 1:
        raise ValidationError(_("Only a valid dose-1 record leads to a dose-2 referral."))
    if VaccinationRecord.objects.valid().filter(citizen_id=record.citizen_id, dose=2).exists():
        raise ValidationError(_("The citizen has had dose 2."))
    if Referral.objects.filter(citizen_id=record.citizen_id, status__in=Referral.ACTIVE).exists():
        return None
    first = (
        Referral.objects.filter(citizen_id=record.citizen_id, dose=1, status=Referral.Status.DONE)
        .order_by("-status_changed_at", "-pk")
        .first()
    )
    if first is None:
        raise NoDoseOneReferral(_("The citizen has no completed dose-1 referral to follow."))
    earliest, due, _latest = record.dose_two_window()
    now = timezone.now()
    try:
        # A savepoint: another run creating the same referral at once is not an error here.
        with transaction.atomic():
            referral = Referral.objects.create(
                task_id=first.task_id,
                citizen_id=record.citizen_id,
                municipality_id=first.municipality_id,
                region=record.citizen.municipality.region,
                visitation_id=first.visitation_id,
                pathway=(
                    Referral.Pathway.HOME
                    if record.setting == VaccinationRecord.Setting.HOME
                    else Referral.Pathway.POPUP
                ),
                status=Referral.Status.ACCEPTED,
                requested_by_id=first.requested_by_id,
                requested_at=now,
                status_changed_at=now,
                dose=2,
                product=record.product,
                not_before=earliest,
                due_on=due,
            )
    except IntegrityError:
        return None  # the unique active referral: someone else was first
    ContactTask.objects.filter(pk=first.task_id).update(referral_status=referral.status)
    return referral


def _referral_set(referral: Referral, status: str, *, allowed_from: tuple, **fields) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in allowed_from:
        raise ValidationError(
            _("A referral that is %(status)s cannot change to %(new)s.")
            % {
                "status": referral.get_status_display().lower(),
                "new": Referral.Status(status).label.lower(),
            }
        )
    referral.status = status
    referral.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save()
    ContactTask.objects.filter(pk=referral.task_id).update(referral_status=status)
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral) -> Referral:
    return _referral_set(
        referral, Referral.Status.ACCEPTED, allowed_from=(Referral.Status.REQUESTED,)
    )


@transaction.atomic
def referral_schedule(*, referral: Referral, scheduled_for: datetime) -> Referral:
    return _referral_set(
        referral,
        Referral.Status.SCHEDULED,
        allowed_from=(Referral.Status.ACCEPTED, Referral.Status.SCHEDULED),
        scheduled_for=scheduled_for,
    )


@transaction.atomic
def referral_unschedule(*, referral: Referral) -> Referral:
    """The region cancelled the citizen's time: the referral waits, accepted, for a new one."""
    return _referral_set(
        referral,
        Referral.Status.ACCEPTED,
        allowed_from=(Referral.Status.SCHEDULED,),
        scheduled_for=None,
    )


@transaction.atomic
def referral_complete(*, referral: Referral) -> Referral:
    return _referral_set(referral, Referral.Status.DONE, allowed_from=(Referral.Status.SCHEDULED,))


@transaction.atomic
def referral_uncomplete(*, referral: Referral) -> Referral:
    """A vaccination recorded by mistake was invalidated: the referral is scheduled again, as it
    was before the outcome."""
    return _referral_set(referral, Referral.Status.SCHEDULED, allowed_from=(Referral.Status.DONE,))


@transaction.atomic
def referral_return(*, referral: Referral, comment: str) -> Referral:
    """The region sends the referral back: the municipality's task is on the worklist again,
    with the region's comment."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the referral is returned.")})
    referral = _referral_set(
        referral,
        Referral.Status.RETURNED,
        allowed_from=(Referral.Status.REQUESTED, Referral.Status.ACCEPTED),
        comment=comment.strip(),
    )
    ContactTask.objects.filter(pk=referral.task_id, status=ContactTask.Status.OPEN).update(
        stage=Stage.RETURNED, return_comment=referral.comment, call_later_at=None
    )
    TransportBooking.objects.filter(visitation_id=referral.visitation_id).exclude(
        status=TransportBooking.Status.CANCELLED
    ).update(status=TransportBooking.Status.CANCELLED)
    return referral
