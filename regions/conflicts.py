"""The region's planned items re-checked against the vaccine rules in force on their day.

Registered with the kernel (``outreach.vaccine_rules``) when the app starts, and run by the rule
services whenever the national administrator adds or ends a rule. A conflict is written on the
item with the reason, shown to the coordinator, and cleared when the rules allow the item again.
"""

from __future__ import annotations

from datetime import date

from outreach.vaccine_rules import Pathway, RuleBooks
from regions.models import PopupSession, RouteDay, SessionBooking
from regions.selectors.sessions import ACTIVE


def _flag(items, reason_of) -> int:
    flagged = 0
    for item in items:
        reason = reason_of(item)
        flagged += bool(reason)
        if reason != item.rule_conflict:
            item.rule_conflict = reason
            item.save(update_fields=["rule_conflict"])
    return flagged


def recheck_region_plans(today: date) -> int:
    books = RuleBooks()

    def verdict_reason(product, pathway, day, group=None) -> str:
        verdict = books.on(day).verdict(product, pathway, group)
        return "" if verdict.allowed else verdict.reason

    sessions = PopupSession.objects.filter(
        status__in=PopupSession.OPEN, date__gte=today
    ).select_related("product")
    flagged = _flag(sessions, lambda s: verdict_reason(s.product, Pathway.POPUP, s.date))
    bookings = (
        SessionBooking.objects.filter(ACTIVE)
        .filter(session__status__in=PopupSession.OPEN, session__date__gte=today)
        .select_related("session__product", "citizen")
    )
    flagged += _flag(
        bookings,
        lambda b: verdict_reason(
            b.session.product, Pathway.POPUP, b.session.date, b.citizen.target_group_id
        ),
    )
    route_days = RouteDay.objects.filter(cancelled_at__isnull=True, date__gte=today).select_related(
        "product"
    )
    flagged += _flag(route_days, lambda d: verdict_reason(d.product, Pathway.HOME, d.date))
    return flagged
