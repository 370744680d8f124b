"""The worklist: one municipality's contact tasks in priority order, filtered, a page at a time.

Pages are keyset-paginated on (priority, birth date, invitation date, id): the next page starts
after the last task shown, named by its id alone (no personal data in the URL). The comparison is
one row-value predicate, which PostgreSQL answers from the worklist index at any depth; the same
predicate spelled as ``Q(a__gt=x) | Q(a=x, b__gt=y) | ...`` was measured 200 times slower.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import BooleanField, Expression, F, QuerySet
from django.utils import timezone

from municipalities.models import ContactTask
from municipalities.models.tasks import group_priority
from outreach.models import User
from outreach.roles import Role

ORDER = ("priority", "birth_date", "invited_on", "id")
PAGE_SIZE = 50

# Age bands: (label, lowest age, highest age or None).
AGE_BANDS = {
    "under-65": (0, 64),
    "65-74": (65, 74),
    "75-84": (75, 84),
    "85-plus": (85, None),
}


@dataclass(frozen=True)
class WorklistFilter:
    """What the caseworker asked to see. ``stage`` is "todo" (the default: the municipality has
    the next move), "open", "closed" or one stage; ``assignee`` is "", "me", "none" or a user id;
    ``call_later`` is "" (hide those not due yet), "due" or "waiting"."""

    stage: str = "todo"
    target_group: int | None = None
    age_band: str = ""
    overdue: bool = False
    assignee: str = ""
    call_later: str = ""
    name: str = ""


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def filtered_tasks(municipality, wanted: WorklistFilter, *, user, now: datetime | None = None):
    """The municipality's tasks matching ``wanted``, in priority order."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tasks = ContactTask.objects.filter(municipality=municipality)
    if wanted.stage == "closed":
        tasks = tasks.filter(status=ContactTask.Status.CLOSED)
    else:
        tasks = tasks.filter(status=ContactTask.Status.OPEN)
        if wanted.stage == "todo":
            tasks = tasks.filter(stage__in=ContactTask.TO_DO)
        elif wanted.stage in ContactTask.Stage.values:
            tasks = tasks.filter(stage=wanted.stage)
    if wanted.target_group:
        tasks = tasks.filter(citizen__target_group=wanted.target_group)
        if wanted.stage != "closed":
            # An open task's priority is its citizen's group's (the import keeps the copy): the
            # index then reads only that group's stretch of the list, not every task before it.
            tasks = tasks.filter(priority=group_priority(wanted.target_group))
    if wanted.age_band in AGE_BANDS:
        youngest, oldest = AGE_BANDS[wanted.age_band]
        # Born on or before the day they turned ``youngest`` and after they would be oldest + 1.
        tasks = tasks.filter(birth_date__lte=_years_ago(today, youngest))
        if oldest is not None:
            tasks = tasks.filter(birth_date__gt=_years_ago(today, oldest + 1))
    if wanted.overdue:
        tasks = tasks.filter(due_on__lt=today, stage__in=ContactTask.TO_DO)
    if wanted.assignee == "me":
        tasks = tasks.filter(assigned_to=user)
    elif wanted.assignee == "none":
        tasks = tasks.filter(assigned_to__isnull=True)
    elif wanted.assignee.isdigit():
        tasks = tasks.filter(assigned_to_id=int(wanted.assignee))
    if wanted.call_later == "due":
        tasks = tasks.filter(call_later_at__lte=now)
    elif wanted.call_later == "waiting":
        tasks = tasks.filter(call_later_at__gt=now)
    elif wanted.stage != "closed":
        tasks = tasks.exclude(call_later_at__gt=now)
    if wanted.name:
        tasks = tasks.filter(citizen__name__icontains=wanted.name)
    return tasks.order_by(*ORDER)


class RowAfter(Expression):
    """``(col1, col2, ...) > (SELECT col1, col2, ... FROM <anchor>)``: the rows after the anchor
    row in the order of ``columns``, as one row-value comparison (PostgreSQL and SQLite)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns, anchor: QuerySet):
        super().__init__()
        self.columns = [F(name) for name in columns]
        self.anchor = anchor.values(*columns)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, **kw):
        resolved = self.copy()
        resolved.columns = [
            column.resolve_expression(query, allow_joins, reuse, summarize)
            for column in self.columns
        ]
        return resolved

    def as_sql(self, compiler, connection):
        sqls, params = [], []
        for column in self.columns:
            sql, column_params = compiler.compile(column)
            sqls.append(sql)
            params.extend(column_params)
        anchor_sql, anchor_params = self.anchor.query.get_compiler(connection=connection).as_sql()
        return f"({', '.join(sqls)}) > ({anchor_sql})", [*params, *anchor_params]


def after(tasks: QuerySet[ContactTask], task_id: int) -> QuerySet[ContactTask]:
    """The tasks that come after task ``task_id`` in priority order (the next page)."""
    return tasks.filter(RowAfter(ORDER, ContactTask.objects.filter(pk=task_id)))


def worklist_page(tasks: QuerySet[ContactTask], *, after_id: int | None = None):
    """One page of ``tasks`` and the id to continue after (None on the last page): one query."""
    if after_id is not None:
        tasks = after(tasks, after_id)
    rows = list(
        tasks.select_related("citizen", "claimed_by", "assigned_to").only(
            *ORDER,
            "municipality_id",
            "status",
            "stage",
            "close_reason",
            "due_on",
            "attempts",
            "last_attempt_at",
            "last_attempt_reached",
            "referral_status",
            "call_later_at",
            "claim_expires_at",
            "citizen__name",
            "citizen__birth_date",
            "citizen__target_group",
            "claimed_by__username",
            "claimed_by__first_name",
            "claimed_by__last_name",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
        )[: PAGE_SIZE + 1]
    )
    next_after = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_after


def colleagues(municipality) -> QuerySet[User]:
    """The users who work the municipality's cases (for the assignee filter and assigning)."""
    return (
        User.objects.filter(
            groups__role_group__municipality=municipality,
            groups__role_group__role__in=(Role.CASEWORKER, Role.LEAD),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
        .only("id", "username", "first_name", "last_name")
    )
