"""The visitation rules: what a decision needs before it may be recorded.

Each check returns the problems as {field: message}; an empty dict means the decision may stand.
Kept apart from the services so the case page can explain a rule before anyone presses save.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import ContactAttempt, ContactTask, Visitation

D = Visitation.Decision
M = Visitation.Mobility

# Decisions that send the citizen to the region.
REFERRAL_DECISIONS = {D.POPUP: "popup", D.HOME: "home"}
# Decisions that need the municipality to arrange a ride.
TRANSPORT_DECISIONS = {D.SITE_TRANSPORT: "site", D.POPUP: "popup"}
# Decisions that close the task, and the reason they close it with.
CLOSING_DECISIONS = {
    D.HELP_TO_BOOK: ContactTask.CloseReason.HELPED_TO_BOOK,
    D.DECLINED: ContactTask.CloseReason.DECLINED,
    D.UNREACHABLE: ContactTask.CloseReason.UNREACHABLE,
    D.NOT_RELEVANT: ContactTask.CloseReason.NOT_RELEVANT,
}
# Mobility that makes home vaccination the obvious pathway (no justification needed).
CANNOT_TRAVEL = {M.BEDRIDDEN, M.LYING_TRANSPORT}


def unreachable_allowed(task: ContactTask) -> bool:
    """Enough unreached attempts, on enough different days, to call the citizen unreachable."""
    times = list(
        ContactAttempt.objects.filter(task=task, reached=False).values_list("made_at", flat=True)
    )
    days = {timezone.localtime(made_at).date() for made_at in times}
    return (
        len(times) >= settings.UNREACHABLE_AFTER_ATTEMPTS
        and len(days) >= settings.UNREACHABLE_MIN_DAYS
    )


def visitation_problems(*, task: ContactTask, citizen, data: dict) -> dict[str, str]:
    """Why the decision in ``data`` (the visitation's fields) may not be recorded yet."""
    problems: dict[str, str] = {}
    decision = data.get("decision")
    mobility = data.get("mobility") or ""
    if decision in (D.HELP_TO_BOOK, D.SITE_TRANSPORT, D.POPUP, D.HOME):
        if data.get("wants_vaccination") is False:
            problems["decision"] = _(
                "The citizen does not want vaccination: record the decision as declined."
            )
        if not mobility:
            problems["mobility"] = _("Record how the citizen can get to a vaccination.")
    if decision == D.HOME and mobility not in CANNOT_TRAVEL and not data.get("justification"):
        problems["justification"] = _(
            "Home vaccination is for citizens who are bedridden or need lying transport. "
            "Write why this citizen needs it."
        )
    if decision in (D.SITE_TRANSPORT,) and mobility not in (
        M.TRANSPORT_SITTING,
        M.TRANSPORT_WHEELCHAIR,
    ):
        problems["mobility"] = _(
            "Municipal transport is for citizens who travel sitting or in a wheelchair."
        )
    if decision == D.POPUP and mobility == M.LYING_TRANSPORT:
        problems["mobility"] = _("A pop-up session cannot receive a citizen in lying transport.")
    if decision == D.HELP_TO_BOOK and not (data.get("booking_site") and data.get("booking_at")):
        problems["booking_site"] = _("Record where and when the citizen is booked.")
    if decision == D.NOT_RELEVANT and not data.get("not_relevant_reason"):
        problems["not_relevant_reason"] = _("Choose why vaccination is not relevant.")
    if decision == D.UNREACHABLE and not unreachable_allowed(task):
        problems["decision"] = _(
            "Unreachable needs at least %(attempts)s unreached attempts on %(days)s different days."
        ) % {
            "attempts": settings.UNREACHABLE_AFTER_ATTEMPTS,
            "days": settings.UNREACHABLE_MIN_DAYS,
        }
    if (
        decision in REFERRAL_DECISIONS
        and citizen.has_guardian
        and not (
            data.get("guardian_informed_at")
            and data.get("guardian_informed_how")
            and data.get("guardian_informed_by")
        )
    ):
        problems["guardian_informed_at"] = _(
            "The citizen has a legal guardian: record when, how and by whom the guardian was "
            "informed before referring."
        )
    return problems
