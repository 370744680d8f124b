"""The safety checklist a vaccinator confirms before the first outcome of a route or a
pop-up session."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from outreach.models import (
    User,
)
from regions.models import PopupSession
from vaccinators.models import RouteList, SafetyChecklist
from vaccinators.services.outcomes._common import (
    Status,
    _locked_route,
    _locked_session,
    _route_at_work,
    _session_at_work,
)

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
