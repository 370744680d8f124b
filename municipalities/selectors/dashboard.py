"""The municipal lead's dashboard: the funnel, overdue tasks and the team's workload.

Every read here is a handful of grouped aggregate queries (``.values(...).annotate(Count(...,
filter=Q(...)))``), so the page costs the same number of queries for 30 citizens as for 100,000.
The funnel follows each contact task's citizen through the steps, counted in cells of (week first
listed, target group); a week's or a group's row and the total are sums of cells. A citizen counts
once per cell: one who has had tasks first listed in two weeks (moved away and back) counts in each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from municipalities.models import ContactAttempt, ContactTask, Referral, Visitation
from municipalities.models.tasks import group_priority

DEFAULT_WEEKS = 8
OVERDUE_SHOWN = 10
WORKLOAD_DAYS = 7

# The steps of the funnel the database knows, in order.
STEPS = ("listed", "contacted", "assessed", "referred", "scheduled")
SCHEDULED = (Referral.Status.SCHEDULED, Referral.Status.DONE)


@dataclass(frozen=True)
class DashboardFilter:
    """Which cohort the funnel shows: citizens first listed from ``week_from`` to ``week_to``
    (Mondays, both included; None for no bound) in ``target_group`` (None for every group)."""

    week_from: date | None = None
    week_to: date | None = None
    target_group: int | None = None


@dataclass
class FunnelRow:
    """The funnel for one week, one target group, or all of them."""

    key: object = None
    listed: int = 0
    contacted: int = 0
    referred: int = 0
    scheduled: int = 0
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def assessed(self) -> int:
        return sum(self.decisions.values())

    def add(self, other: FunnelRow) -> None:
        self.listed += other.listed
        self.contacted += other.contacted
        self.referred += other.referred
        self.scheduled += other.scheduled
        for decision, count in other.decisions.items():
            self.decisions[decision] = self.decisions.get(decision, 0) + count

    def decision_counts(self) -> list[tuple[str, str, int]]:
        """(decision, label, count) for every decision, in the form's order, zeros included."""
        return [
            (value, label, self.decisions.get(value, 0))
            for value, label in Visitation.Decision.choices
        ]


@dataclass(frozen=True)
class Funnel:
    total: FunnelRow
    by_week: list[FunnelRow]
    by_group: list[FunnelRow]


def listed_weeks(municipality) -> list[date]:
    """The weeks (Mondays) in which the municipality's tasks were first listed, newest first."""
    return list(
        ContactTask.objects.filter(municipality=municipality)
        .order_by("-first_listed_week")
        .values_list("first_listed_week", flat=True)
        .distinct()
    )


def default_week_range(weeks: list[date]) -> tuple[date | None, date | None]:
    """The last ``DEFAULT_WEEKS`` weeks that have data (``weeks`` newest first)."""
    if not weeks:
        return None, None
    recent = weeks[:DEFAULT_WEEKS]
    return recent[-1], recent[0]


def _cohort(wanted: DashboardFilter, prefix: str = "") -> Q:
    """The filter on tasks (``prefix`` "task__" when reading from a row that points at one)."""
    cohort = Q()
    if wanted.week_from:
        cohort &= Q(**{f"{prefix}first_listed_week__gte": wanted.week_from})
    if wanted.week_to:
        cohort &= Q(**{f"{prefix}first_listed_week__lte": wanted.week_to})
    if wanted.target_group:
        cohort &= Q(citizen__target_group=wanted.target_group)
    return cohort


def funnel(
    municipality, wanted: DashboardFilter, *, weeks: list[date], groups: list[int]
) -> Funnel:
    """Listed -> contacted -> assessed (by decision) -> referred -> scheduled, per week and per
    target group, in three queries. ``weeks`` and ``groups`` are the rows to show even when empty
    (a cell outside them still counts in the total).
    """
    cells: dict[tuple[date, int], FunnelRow] = {}

    def cell(week: date, group: int) -> FunnelRow:
        return cells.setdefault((week, group), FunnelRow(key=(week, group)))

    tasks = (
        ContactTask.objects.filter(_cohort(wanted), municipality=municipality)
        .values("first_listed_week", "citizen__target_group")
        .annotate(
            listed=Count("citizen", distinct=True),
            contacted=Count("citizen", distinct=True, filter=Q(attempts__gt=0)),
        )
        .order_by()
    )
    for row in tasks:
        found = cell(row["first_listed_week"], row["citizen__target_group"])
        found.listed, found.contacted = row["listed"], row["contacted"]

    # The decision in force: an earlier one that a revision or a reopening superseded is history.
    decisions = (
        Visitation.objects.filter(
            _cohort(wanted, "task__"), task__municipality=municipality, superseded_at__isnull=True
        )
        .values("task__first_listed_week", "citizen__target_group", "decision")
        .annotate(citizens=Count("citizen", distinct=True))
        .order_by()
    )
    for row in decisions:
        found = cell(row["task__first_listed_week"], row["citizen__target_group"])
        found.decisions[row["decision"]] = row["citizens"]

    referrals = (
        Referral.objects.filter(_cohort(wanted, "task__"), task__municipality=municipality)
        .exclude(status=Referral.Status.WITHDRAWN)
        .values("task__first_listed_week", "citizen__target_group")
        .annotate(
            referred=Count("citizen", distinct=True),
            scheduled=Count("citizen", distinct=True, filter=Q(status__in=SCHEDULED)),
        )
        .order_by()
    )
    for row in referrals:
        found = cell(row["task__first_listed_week"], row["citizen__target_group"])
        found.referred, found.scheduled = row["referred"], row["scheduled"]

    total = FunnelRow(key="total")
    by_week = {week: FunnelRow(key=week) for week in sorted(weeks)}
    by_group = {group: FunnelRow(key=group) for group in sorted(groups, key=group_priority)}
    for (week, group), found in sorted(cells.items()):
        total.add(found)
        by_week.setdefault(week, FunnelRow(key=week)).add(found)
        by_group.setdefault(group, FunnelRow(key=group)).add(found)
    return Funnel(
        total=total,
        by_week=[by_week[week] for week in sorted(by_week)],
        by_group=list(by_group.values()),
    )


def overdue_tasks(
    municipality, *, target_group: int | None = None, today: date | None = None
) -> tuple[int, list[ContactTask]]:
    """How many open tasks are past their due day with the municipality to move, and the
    ``OVERDUE_SHOWN`` most overdue (with their citizens: personal data, log the look-up)."""
    today = today or timezone.localdate()
    overdue = ContactTask.objects.filter(
        municipality=municipality,
        status=ContactTask.Status.OPEN,
        stage__in=ContactTask.TO_DO,
        due_on__lt=today,
    )
    if target_group:
        overdue = overdue.filter(citizen__target_group=target_group)
    shown = list(
        overdue.select_related("citizen", "assigned_to").order_by(
            "due_on", "priority", "birth_date", "pk"
        )[:OVERDUE_SHOWN]
    )
    return overdue.count(), shown


@dataclass
class Workload:
    user_id: int
    name: str
    assigned: int = 0
    claimed: int = 0
    attempts: int = 0
    decisions: int = 0


def _name(row: dict, prefix: str) -> str:
    full = f"{row[f'{prefix}__first_name']} {row[f'{prefix}__last_name']}".strip()
    return full or row[f"{prefix}__username"]


def _per_user(queryset, user_field: str) -> list[tuple[int, str, int]]:
    """(user id, name, count) of ``queryset`` grouped by the user in ``user_field``."""
    rows = (
        queryset.filter(**{f"{user_field}__isnull": False})
        .values(
            user_field,
            f"{user_field}__first_name",
            f"{user_field}__last_name",
            f"{user_field}__username",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(row[user_field], _name(row, user_field), row["n"]) for row in rows]


def workload(municipality, *, team=(), now: datetime | None = None) -> list[Workload]:
    """Per person: open tasks assigned to them, claims they hold now, and the attempts and
    decisions they recorded in the last ``WORKLOAD_DAYS`` days, in four grouped queries.

    ``team`` (users) get a row even with nothing to count; anyone else who did work here (a
    colleague who has since left the team) appears by the name the rows carry.
    """
    now = now or timezone.now()
    since = now - timedelta(days=WORKLOAD_DAYS)
    rows: dict[int, Workload] = {
        user.pk: Workload(user.pk, user.get_full_name() or user.username) for user in team
    }
    open_tasks = ContactTask.objects.filter(
        municipality=municipality, status=ContactTask.Status.OPEN
    )
    counts = {
        "assigned": _per_user(open_tasks, "assigned_to"),
        "claimed": _per_user(open_tasks.filter(claim_expires_at__gt=now), "claimed_by"),
        "attempts": _per_user(
            ContactAttempt.objects.filter(task__municipality=municipality, made_at__gte=since),
            "made_by",
        ),
        "decisions": _per_user(
            Visitation.objects.filter(task__municipality=municipality, decided_at__gte=since),
            "decided_by",
        ),
    }
    for attribute, found in counts.items():
        for user_id, name, n in found:
            setattr(rows.setdefault(user_id, Workload(user_id, name)), attribute, n)
    return sorted(rows.values(), key=lambda row: (row.name.casefold(), row.user_id))
