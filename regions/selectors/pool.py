"""The home-visit pool: the region's citizens waiting for a vaccinator at home on a given day.

In the pool are the accepted home referrals of the region. A dose-2 referral is in it from its
``not_before`` day on, and only for the product of dose 1 (``Referral.product``). For each citizen
the pool names the products the rules in force that day allow at home for their target group, so
AstraZeneca is never offered to target group 5 and a paused product to nobody.

Priority (0-100, higher first) adds three parts, each capped so the sum stays within 100:

- the target group, 20-40 points: the outreach groups in the programme's order (2 home care,
  3 aged 85 or more, 5 particularly high risk, 7 aged 80-84, 8 aged 75-79, 9 aged 65-74), any
  other group 16;
- days waiting since the municipality referred the citizen, one point a day up to 30;
- dose 2 falling due: 30 points once its due day has come, 20 in the week before, 10 earlier.
  Dose 1 gets none: a dose 2 late for its interval is the more urgent visit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from municipalities.models import Referral
from outreach.models import Citizen, Region, VaccineProduct
from outreach.vaccine_rules import Pathway, rule_book

GROUP_POINTS = {2: 40, 3: 36, 5: 32, 7: 28, 8: 24, 9: 20}
OTHER_GROUP_POINTS = 16
MAX_WAITING_POINTS = 30
DOSE_TWO_DUE_POINTS = 30
DOSE_TWO_DUE_SOON_POINTS = 20
DOSE_TWO_POINTS = 10
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class PoolEntry:
    """One citizen in the pool on a day, with what may be given to them at home."""

    referral: Referral
    citizen: Citizen
    dose: int
    products: tuple[VaccineProduct, ...]
    priority: int
    days_waiting: int
    due_on: date | None

    def allows(self, product: VaccineProduct) -> bool:
        return any(allowed.pk == product.pk for allowed in self.products)


def priority_of(*, target_group: int, days_waiting: int, dose: int, due_on, day: date) -> int:
    """The planner's priority of a visit (the module's docstring says how it adds up)."""
    points = GROUP_POINTS.get(target_group, OTHER_GROUP_POINTS)
    points += min(max(days_waiting, 0), MAX_WAITING_POINTS)
    if dose >= 2:
        if due_on is not None and due_on <= day:
            points += DOSE_TWO_DUE_POINTS
        elif due_on is not None and (due_on - day).days <= DUE_SOON_DAYS:
            points += DOSE_TWO_DUE_SOON_POINTS
        else:
            points += DOSE_TWO_POINTS
    return min(points, 100)


def home_referrals(region: Region, day: date):
    """The region's accepted home referrals that may be visited on ``day``, with what the pool
    and the planner read of them loaded in the same query."""
    return (
        Referral.objects.filter(
            region=region, status=Referral.Status.ACCEPTED, pathway=Referral.Pathway.HOME
        )
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=day))
        .select_related("citizen", "municipality", "visitation", "product")
        .order_by("requested_at", "pk")
    )


def home_visit_pool(
    region: Region, day: date, product: VaccineProduct | None = None
) -> list[PoolEntry]:
    """The pool on ``day``, highest priority first; with ``product``, only the citizens it may be
    given to. Three queries whatever the pool's size (referrals, products, rules)."""
    book = rule_book(day)
    products = list(VaccineProduct.objects.order_by("name"))
    entries = []
    for referral in home_referrals(region, day):
        citizen = referral.citizen
        group = citizen.target_group_id
        if referral.dose >= 2:
            # Dose 2 is given with the product of dose 1, or not at all.
            candidates = [p for p in products if p.pk == referral.product_id]
        else:
            candidates = products
        allowed = tuple(p for p in candidates if book.allows(p, Pathway.HOME, group))
        days_waiting = (day - timezone.localdate(referral.requested_at)).days
        entries.append(
            PoolEntry(
                referral=referral,
                citizen=citizen,
                dose=referral.dose,
                products=allowed,
                priority=priority_of(
                    target_group=group,
                    days_waiting=days_waiting,
                    dose=referral.dose,
                    due_on=referral.due_on,
                    day=day,
                ),
                days_waiting=max(days_waiting, 0),
                due_on=referral.due_on,
            )
        )
    if product is not None:
        entries = [entry for entry in entries if entry.allows(product)]
    entries.sort(key=lambda e: (-e.priority, -e.days_waiting, e.referral.pk))
    return entries


@dataclass
class PoolCount:
    """How many in the pool may have a product, by dose."""

    product: VaccineProduct | None
    by_dose: Counter = field(default_factory=Counter)

    @property
    def dose_1(self) -> int:
        return self.by_dose[1]

    @property
    def dose_2(self) -> int:
        return sum(n for dose, n in self.by_dose.items() if dose >= 2)

    @property
    def total(self) -> int:
        return sum(self.by_dose.values())


def pool_counts(entries: list[PoolEntry]) -> list[PoolCount]:
    """Per product the citizens it may be given to, by dose (a citizen allowed two products
    counts under both), and last those no product is allowed for on the day."""
    counts: dict[int, PoolCount] = {}
    nothing = PoolCount(product=None)
    for entry in entries:
        if not entry.products:
            nothing.by_dose[entry.dose] += 1
        for product in entry.products:
            counts.setdefault(product.pk, PoolCount(product=product)).by_dose[entry.dose] += 1
    ordered = sorted(counts.values(), key=lambda c: c.product.name.casefold())
    return [*ordered, nothing] if nothing.total else ordered
