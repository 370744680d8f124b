"""Acute adverse reactions to a recorded vaccination."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from outreach.models import (
    AdverseReaction,
    User,
    VaccinationRecord,
)
from vaccinators.services.outcomes._common import (
    CLOCK_SLACK,
)


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
