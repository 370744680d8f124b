"""Helpers for the audit tests: look-ups made at a chosen moment, as the views make them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from outreach import cpr
from outreach.models import AccessEvent, Citizen
from outreach.services import access_event_record


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Danish wall-clock time on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def looked_up(
    user,
    organisation,
    citizen: Citizen | None,
    *,
    when: datetime | None = None,
    action: str = AccessEvent.Action.VIEW,
    purpose: str = "Casework",
    allowed: bool = True,
) -> AccessEvent:
    """A look-up as a view records it, made at ``when`` (the log stamps the time itself)."""
    with mock.patch("django.utils.timezone.now", return_value=when or timezone.now()):
        return access_event_record(
            user=user,
            organisation=organisation,
            action=action,
            citizen=citizen,
            purpose=purpose,
            allowed=allowed,
        )


def weekdays_before(day: date, count: int, *, skip: int = 0) -> list[date]:
    """``count`` Mondays-to-Fridays before ``day``, the nearest ``skip`` of them left out."""
    found, current = [], day
    while len(found) < count + skip:
        current -= timedelta(days=1)
        if current.weekday() < 5:
            found.append(current)
    return found[skip:]


def full_cpr(citizen: Citizen) -> str:
    return cpr.vault().decrypt(citizen.cpr_encrypted)
