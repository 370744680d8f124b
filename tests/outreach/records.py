"""Vaccinations as the vaccinator's outcome registration leaves them: the kernel's record, and the
referral it was given on done. Made directly (the outcome services are not what these tests are
about), for citizens referred by ``tests.regions.world.referrals``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from municipalities.models import Referral
from municipalities.services import cases
from outreach.models import (
    AdverseReaction,
    User,
    VaccinationRecord,
    VaccinatorOrganisation,
    VaccineProduct,
)


def days_ago(days: int, at: time = time(10, 30)) -> datetime:
    """A Danish wall-clock time ``days`` days before today."""
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, at))


def vaccinated(
    referral: Referral,
    *,
    vaccinator: VaccinatorOrganisation,
    by: User,
    dose: int = 1,
    product: str = "comirnaty",
    given_at: datetime | None = None,
    batch: str = "EK9788",
    observation_minutes: int = 15,
    complete: bool = True,
) -> VaccinationRecord:
    """A dose given on an accepted ``referral`` (on its pathway), which is then done unless
    ``complete`` is False."""
    given_at = given_at or days_ago(21)
    if complete:
        referral = cases.referral_schedule(referral=referral, scheduled_for=given_at)
        cases.referral_complete(referral=referral)
    return VaccinationRecord.objects.create(
        citizen_id=referral.citizen_id,
        dose=dose,
        product=VaccineProduct.objects.get(code=product),
        batch=batch,
        given_at=given_at,
        given_by=by,
        vaccinator_organisation=vaccinator,
        setting=referral.pathway,
        observation_minutes=observation_minutes,
        observation_done=True,
    )


def invalidate(record: VaccinationRecord, *, by: User, reason: str) -> VaccinationRecord:
    record.invalidated_at = timezone.now()
    record.invalidated_by = by
    record.invalidation_reason = reason
    record.save(update_fields=["invalidated_at", "invalidated_by", "invalidation_reason"])
    return record


def reaction(record: VaccinationRecord, *, by: User, severity: str = "anaphylaxis", **extra):
    return AdverseReaction.objects.create(
        record=record,
        onset_at=record.given_at + timedelta(minutes=8),
        symptoms=extra.pop("symptoms", "Hives and shortness of breath"),
        severity=severity,
        recorded_by=by,
        **extra,
    )
