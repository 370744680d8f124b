"""Which vaccine may be used where, for whom, on a given day: the dated rules read as one book.

The rules are data (``VaccineRule``). For a product, a pathway and a citizen's target group on a
day, the rules in force that match (same product and pathway; a rule without a target group
matches every group) decide: any matching ban wins, else any matching permission allows, and no
matching rule means not allowed. A ban winning keeps a pause (AstraZeneca from 11 March 2021) in
force over every older permission, whatever its target group.

Changing a rule re-checks what is already planned. The kernel does not know the apps that plan
(imports flow toward the kernel), so each app registers a check here when it starts; the rule
services run them all in the rule's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from outreach.models import VaccineProduct, VaccineRule

Pathway = VaccineRule.Pathway


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    rule: VaccineRule | None

    @property
    def reason(self) -> str:
        """Why, in words a coordinator can act on."""
        if self.rule is None:
            return _("No rule allows this product on this pathway.")
        if self.allowed:
            return self.rule.source
        return _("Not allowed from %(day)s: %(source)s") % {
            "day": self.rule.valid_from.isoformat(),
            "source": self.rule.source,
        }


class RuleBook:
    """The rules in force on one day, loaded in one query."""

    def __init__(self, day: date, rules: Iterable[VaccineRule]):
        self.day = day
        self.rules = [rule for rule in rules if rule.in_force_on(day)]

    def verdict(self, product: VaccineProduct, pathway: str, target_group: int | None) -> Verdict:
        matching = [
            rule
            for rule in self.rules
            if rule.product_id == product.pk
            and rule.pathway == pathway
            and (rule.target_group_id is None or rule.target_group_id == target_group)
        ]
        ban = next((rule for rule in matching if not rule.allowed), None)
        if ban is not None:
            return Verdict(False, ban)
        permission = next((rule for rule in matching if rule.allowed), None)
        return Verdict(permission is not None, permission)

    def allows(self, product: VaccineProduct, pathway: str, target_group: int | None) -> bool:
        return self.verdict(product, pathway, target_group).allowed


def rule_book(day: date) -> RuleBook:
    rules = VaccineRule.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
    ).select_related("product", "target_group")
    return RuleBook(day, rules)


class RuleBooks:
    """Rule books by day, for checks that span many days (one query per distinct day)."""

    def __init__(self):
        self._books: dict[date, RuleBook] = {}

    def on(self, day: date) -> RuleBook:
        if day not in self._books:
            self._books[day] = rule_book(day)
        return self._books[day]


# Re-checking what is planned ---------------------------------------------------------------------

ConflictCheck = Callable[[date], int]
_checks: dict[str, ConflictCheck] = {}


def register_conflict_check(name: str, check: ConflictCheck) -> None:
    """``check(today)`` re-checks the planned items from ``today`` on against the rules now in
    force, sets or clears each one's conflict and returns how many are in conflict."""
    _checks[name] = check


def recheck_planned(today: date) -> dict[str, int]:
    # The reasons are stored on the items and read by every coordinator: write them in the
    # product's default language, whatever language the administrator's request used.
    with translation.override(settings.LANGUAGE_CODE):
        return {name: check(today) for name, check in _checks.items()}
