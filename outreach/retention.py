"""The retention purge: access events and closed cases past their retention, removed for good.

Run nightly by ``outreach.purge_past_retention`` and by hand with ``manage.py
purge_past_retention``. Every delete is set-based, a batch per transaction, and the whole run is
idempotent: a second run finds nothing. What goes and what stays (ADR 0013):

- access events older than ``ACCESS_EVENT_RETENTION_MONTHS``: the only way an access event is ever
  removed (the database refuses any other DELETE, see migration 0010);
- closed cases (``ContactTask`` closed longer ago than ``CLOSED_CASE_RETENTION_MONTHS``, with no
  referral still in progress) with their casework: contact attempts, visitations, referrals with
  their route stops and pop-up bookings, transport bookings, help requests, and the citizen's
  contact-detail changes from before the cutoff;
- vaccination records never: they are the health record (they refuse deletion themselves);
- a citizen, once nothing refers to them any more (no case, no vaccination record, no access event)
  and they were first listed before the cases' cutoff.

The kernel imports no actor app, so the casework models are looked up through the app registry.
"""

from __future__ import annotations

import calendar
import logging
from collections import Counter
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from outreach.models import AccessEvent, Citizen

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` moved back ``months`` calendar months (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))


def access_event_cutoff(now: datetime | None = None) -> datetime:
    return months_before(now or timezone.now(), settings.ACCESS_EVENT_RETENTION_MONTHS)


def closed_case_cutoff(now: datetime | None = None) -> datetime:
    return months_before(now or timezone.now(), settings.CLOSED_CASE_RETENTION_MONTHS)


def purge_past_retention(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Delete what is past its retention; return the rows deleted per kind (with ``dry_run``,
    the rows that would be, as things stand: citizens freed by this run are counted by the next).
    """
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    counts.update(_access_events(access_event_cutoff(now), dry_run, batch_size))
    case_cutoff = closed_case_cutoff(now)
    counts.update(_closed_cases(case_cutoff, dry_run, batch_size))
    counts.update(_citizens(case_cutoff, dry_run, batch_size))
    result = {name: counts[name] for name in sorted(_KINDS)}
    logger.info("retention purge%s: %s", " (dry run)" if dry_run else "", result)
    return result


_KINDS = (
    "access_events",
    "citizens",
    "contact_attempts",
    "contact_details_changes",
    "contact_tasks",
    "help_requests",
    "referrals",
    "route_stops",
    "session_bookings",
    "transport_bookings",
    "visitations",
)


def _delete(queryset: QuerySet) -> int:
    """One set-based DELETE, below the ORM's collector: the collector would refuse the PROTECT
    references among rows that go together (a visitation superseded by another, a referral's
    route stop), and the access log's own queryset refuses deletion by design. Foreign keys are
    still checked by the database, at commit, so a row left referring to a deleted one fails the
    batch instead of going unnoticed."""
    return queryset._raw_delete(queryset.db)


def _set_purging(on: bool) -> None:
    # The access log's trigger lets a DELETE through only while this transaction-local flag is on.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('outreach.purging', %s, true)", ["on" if on else "off"]
            )


def _batches(queryset: QuerySet, batch_size: int):
    """The primary keys of ``queryset`` in batches, each read afresh (the last batch is gone)."""
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return
        yield ids


def _access_events(cutoff: datetime, dry_run: bool, batch_size: int) -> Counter[str]:
    expired = AccessEvent.objects.filter(at__lt=cutoff)
    if dry_run:
        return Counter(access_events=expired.count())
    deleted = 0
    for ids in _batches(expired, batch_size):
        deleted += access_events_erase(AccessEvent.objects.filter(pk__in=ids))
    return Counter(access_events=deleted)


@transaction.atomic
def access_events_erase(events: QuerySet[AccessEvent]) -> int:
    """Delete these access events, with the database's consent. The purge's own step; outside it,
    only the worklist benchmark uses it, to clear the synthetic data of its previous run."""
    _set_purging(True)
    deleted = _delete(events)
    _set_purging(False)
    return deleted


def purgeable_cases(cutoff: datetime) -> QuerySet:
    """Closed cases past their retention whose referrals are all finished."""
    contact_task = apps.get_model("municipalities", "ContactTask")
    referral = apps.get_model("municipalities", "Referral")
    in_progress = referral.objects.filter(task=OuterRef("pk"), status__in=referral.ACTIVE)
    return contact_task.objects.filter(
        status=contact_task.Status.CLOSED, closed_at__lt=cutoff
    ).exclude(Exists(in_progress))


def _case_rows(tasks, cutoff: datetime) -> list[tuple[str, QuerySet]]:
    """A batch of cases' rows, in an order in which each goes before what it refers to."""

    def model(label: str):
        return apps.get_model(label)

    return [
        ("route_stops", model("vaccinators.RouteStop").objects.filter(referral__task__in=tasks)),
        (
            "session_bookings",
            model("regions.SessionBooking").objects.filter(referral__task__in=tasks),
        ),
        ("referrals", model("municipalities.Referral").objects.filter(task__in=tasks)),
        (
            "transport_bookings",
            model("municipalities.TransportBooking").objects.filter(task__in=tasks),
        ),
        ("visitations", model("municipalities.Visitation").objects.filter(task__in=tasks)),
        (
            "contact_attempts",
            model("municipalities.ContactAttempt").objects.filter(task__in=tasks),
        ),
        ("help_requests", model("municipalities.HelpRequest").objects.filter(task__in=tasks)),
        (
            "contact_details_changes",
            model("municipalities.ContactDetailsChange").objects.filter(
                citizen__contact_tasks__in=tasks, changed_at__lt=cutoff
            ),
        ),
        ("contact_tasks", model("municipalities.ContactTask").objects.filter(pk__in=tasks)),
    ]


def _closed_cases(cutoff: datetime, dry_run: bool, batch_size: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    if dry_run:
        tasks = purgeable_cases(cutoff).values("pk")
        for name, rows in _case_rows(tasks, cutoff):
            counts[name] += rows.distinct().count()
        return counts
    for ids in _batches(purgeable_cases(cutoff), batch_size):
        with transaction.atomic():
            for name, rows in _case_rows(ids, cutoff):
                counts[name] += _delete(rows)
    return counts


def unreferenced_citizens(cutoff: datetime) -> QuerySet[Citizen]:
    """Citizens first listed before ``cutoff`` whom no row of any table refers to any more."""
    referred = Q()
    for relation in Citizen._meta.related_objects:
        if relation.many_to_many:
            continue
        referred |= Exists(
            relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")})
        )
    return Citizen.objects.filter(created_at__lt=cutoff).exclude(referred)


def _citizens(cutoff: datetime, dry_run: bool, batch_size: int) -> Counter[str]:
    free = unreferenced_citizens(cutoff)
    if dry_run:
        return Counter(citizens=free.count())
    deleted = 0
    for ids in _batches(free, batch_size):
        with transaction.atomic():
            deleted += _delete(Citizen.objects.filter(pk__in=ids))
    return Counter(citizens=deleted)
