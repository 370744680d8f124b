"""Published route lists re-checked against the vaccine rules in force on their day.

Registered with the kernel (``outreach.vaccine_rules``) when the app starts and run by the rule
services whenever a rule is added or ended. A stop whose citizen may no longer have the list's
vaccine at home (their target group, the list's day) is flagged with the rule's reason, and its
list with a summary; both are cleared when the rules allow the visit again. Stops with an outcome
are history and are left alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils.translation import ngettext

from outreach.vaccine_rules import Pathway, RuleBooks
from vaccinators.models import RouteList, RouteStop


def recheck_route_lists(today: date) -> int:
    """Flag or clear the stops of live lists from ``today`` on; returns the stops in conflict."""
    books = RuleBooks()
    lists = {
        route_list.pk: route_list
        for route_list in RouteList.objects.filter(
            status__in=RouteList.LIVE, date__gte=today
        ).select_related("product")
    }
    stops = RouteStop.objects.filter(route_list__in=list(lists), outcome="").select_related(
        "citizen"
    )
    conflicts: dict[int, list[str]] = defaultdict(list)
    flagged = 0
    for stop in stops:
        route_list = lists[stop.route_list_id]
        verdict = books.on(route_list.date).verdict(
            route_list.product, Pathway.HOME, stop.citizen.target_group_id
        )
        reason = "" if verdict.allowed else verdict.reason
        if reason:
            flagged += 1
            conflicts[route_list.pk].append(reason)
        if reason != stop.rule_conflict:
            stop.rule_conflict = reason
            stop.save(update_fields=["rule_conflict"])
    for route_list in lists.values():
        reasons = conflicts.get(route_list.pk, [])
        summary = ""
        if reasons:
            summary = ngettext(
                "%(count)d stop may no longer have %(product)s at home: %(reason)s",
                "%(count)d stops may no longer have %(product)s at home: %(reason)s",
                len(reasons),
            ) % {"count": len(reasons), "product": route_list.product.name, "reason": reasons[0]}
        if summary != route_list.rule_conflict:
            route_list.rule_conflict = summary
            route_list.save(update_fields=["rule_conflict"])
    return flagged
