"""Reads of the access log: event lists with their organisations' names, and the anomaly report.

The anomaly rules are set-based: each is one aggregate or filtered query over the events in the
auditor's scope; Python only compares the per-user, per-day counts those queries return.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from outreach.models import AccessEvent, User
from outreach.models.organisations import ORGANISATION_MODELS
from outreach.roles import OrganisationKind, Role

K = OrganisationKind

# How far back a user's usual day is measured, before the day looked at.
USUAL_DAYS = 30
# The most events of one kind the report lists (the rest are counted).
REPORT_LIMIT = 200


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def in_period(events: QuerySet, first: datetime.date | None, last: datetime.date | None):
    """Events from the start of ``first`` to the end of ``last`` (local days), either open."""
    if first is not None:
        events = events.filter(at__gte=day_start(first))
    if last is not None:
        events = events.filter(at__lt=day_start(last + datetime.timedelta(days=1)))
    return events


def event_rows(events: QuerySet) -> QuerySet[AccessEvent]:
    """Events newest first, with who made them and about whom, for a list page."""
    return events.select_related("user", "citizen").order_by("-at", "-pk")


def organisation_names(events) -> dict[tuple[str, str], str]:
    """The names of the organisations the events were made in: one query per kind present."""
    codes: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.organisation_kind:
            codes[event.organisation_kind].add(event.organisation_code)
    names = {}
    for kind, kind_codes in codes.items():
        model = ORGANISATION_MODELS.get(kind)
        if model is None:
            continue
        for code, name in model.objects.filter(code__in=kind_codes).values_list("code", "name"):
            names[(kind, code)] = name
    return names


def role_labels(value: str) -> str:
    """The role codes an event recorded ("caseworker,lead"), as the roles' names."""
    labels = []
    for code in filter(None, value.split(",")):
        try:
            labels.append(str(Role(code).label))
        except ValueError:
            labels.append(code)
    return ", ".join(labels)


@dataclass
class EventLine:
    """One event with what a person reads for it: the organisation's name and the roles' names."""

    event: AccessEvent
    organisation: str
    roles: str


def event_lines(events) -> list[EventLine]:
    events = list(events)
    names = organisation_names(events)
    return [
        EventLine(
            event=event,
            organisation=names.get(
                (event.organisation_kind, event.organisation_code), event.organisation_code
            ),
            roles=role_labels(event.role),
        )
        for event in events
    ]


# The anomaly report ----------------------------------------------------------------------------


@dataclass
class VolumeFinding:
    user: User
    day: datetime.date
    citizens: int
    usual: float


def unusual_volume(
    events: QuerySet, first: datetime.date, last: datetime.date
) -> list[VolumeFinding]:
    """Users' days in the period on which they looked up more distinct citizens than the floor
    (``AUDIT_VOLUME_FLOOR``) and more than ``AUDIT_VOLUME_FACTOR`` times their usual day: the
    median of the days with look-ups in the 30 days before (0 when they had none)."""
    local = timezone.get_current_timezone()
    per_day = (
        in_period(
            events.filter(citizen__isnull=False), first - datetime.timedelta(days=USUAL_DAYS), last
        )
        .annotate(day=TruncDate("at", tzinfo=local))
        .values("user", "day")
        .annotate(citizens=Count("citizen", distinct=True))
        .order_by()
    )
    days_by_user: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    for row in per_day:
        days_by_user[row["user"]][row["day"]] = row["citizens"]
    found = []
    for user_id, days in days_by_user.items():
        for day, citizens in days.items():
            if not first <= day <= last or citizens <= settings.AUDIT_VOLUME_FLOOR:
                continue
            before = [
                count
                for other, count in days.items()
                if day - datetime.timedelta(days=USUAL_DAYS) <= other < day
            ]
            usual = median(before) if before else 0
            if citizens > settings.AUDIT_VOLUME_FACTOR * usual:
                found.append((user_id, day, citizens, usual))
    users = User.objects.in_bulk({user_id for user_id, *_rest in found})
    return sorted(
        (VolumeFinding(users[u], day, citizens, usual) for u, day, citizens, usual in found),
        key=lambda finding: (-finding.citizens, finding.day),
    )


def outside_own_work(events: QuerySet) -> QuerySet[AccessEvent]:
    """Look-ups the acting organisation's own work does not explain: refused ones; a
    municipality's about a citizen who lives elsewhere; a region's about a citizen of another
    region; a vaccinator organisation's about a citizen on none of its route lists or pop-up
    sessions and never vaccinated by it. Where the citizen lives is where they live now."""
    route_stop = apps.get_model("vaccinators", "RouteStop")
    session_booking = apps.get_model("regions", "SessionBooking")
    vaccination = apps.get_model("outreach", "VaccinationRecord")
    citizen, code = OuterRef("citizen"), OuterRef("organisation_code")
    vaccinators_work = (
        Exists(
            route_stop.objects.filter(
                citizen=citizen, route_list__vaccinator_organisation__code=code
            )
        )
        | Exists(
            session_booking.objects.filter(
                citizen=citizen, session__vaccinator_organisation__code=code
            )
        )
        | Exists(vaccination.objects.filter(citizen=citizen, vaccinator_organisation__code=code))
    )
    about_someone = Q(citizen__isnull=False)
    return events.filter(
        Q(allowed=False)
        | (
            about_someone
            & Q(organisation_kind=K.MUNICIPALITY)
            & ~Q(organisation_code=F("citizen__municipality__code"))
        )
        | (
            about_someone
            & Q(organisation_kind=K.REGION)
            & ~Q(organisation_code=F("citizen__municipality__region__code"))
        )
        | (about_someone & Q(organisation_kind=K.VACCINATOR) & ~vaccinators_work)
    )


@dataclass
class AfterHours:
    user: User
    day: datetime.date
    events: int
    citizens: int
    first: datetime.datetime
    last: datetime.datetime


def outside_working_hours(events: QuerySet) -> list[AfterHours]:
    """Per user and day, the look-ups made outside ``AUDIT_WORKING_HOURS`` (local time) or on a
    Saturday or Sunday."""
    local = timezone.get_current_timezone()
    start, end = settings.AUDIT_WORKING_HOURS
    rows = (
        events.annotate(
            hour=ExtractHour("at", tzinfo=local), weekday=ExtractIsoWeekDay("at", tzinfo=local)
        )
        .filter(Q(hour__lt=start) | Q(hour__gte=end) | Q(weekday__gte=6))
        .annotate(day=TruncDate("at", tzinfo=local))
        .values("user", "day")
        .annotate(
            events=Count("pk"),
            citizens=Count("citizen", distinct=True),
            first=Min("at"),
            last=Max("at"),
        )
        .order_by("-day", "user")[:REPORT_LIMIT]
    )
    rows = list(rows)
    users = User.objects.in_bulk({row["user"] for row in rows})
    return [
        AfterHours(
            user=users[row["user"]],
            day=row["day"],
            events=row["events"],
            citizens=row["citizens"],
            first=row["first"],
            last=row["last"],
        )
        for row in rows
    ]
