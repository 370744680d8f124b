"""Measures the caseworker's pages over one municipality with many contact tasks.

Run by ``manage.py bench_worklist``. One municipality gets ``tasks`` synthetic citizens, each with
a contact task in a mix of stages (with attempts, decisions, referrals and rides where the stage
has them), written in batches (``COPY`` on PostgreSQL). Then each page is requested through the
whole stack (URL routing, middleware, session and login, the view, the template) with Django's
test ``Client``: the queries of one request (``CaptureQueriesContext``, which does not need
DEBUG), and the time of ``requests`` requests after a few warm-up ones (``time.perf_counter``
around ``client.get``, so no network), the pages taking turns. The yardstick is the start page,
the cheapest authenticated view there is: session, user, the device that verified the second
factor, memberships, and a redirect.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import os
import platform
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import accumulate
from operator import attrgetter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, Q
from django.db.models.expressions import DatabaseDefault
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from municipalities.models import (
    ContactAttempt,
    ContactDetailsChange,
    ContactTask,
    HelpRequest,
    Referral,
    TransportBooking,
    Visitation,
)
from municipalities.models.tasks import group_priority
from municipalities.selectors import worklist as worklist_selectors
from municipalities.ssi import synthetic
from outreach import cpr, retention, twofactor
from outreach.models import AccessEvent, Citizen, Municipality, User
from outreach.roles import Role
from outreach.services import membership_grant

DEEP = 20_000  # rows before the deep page
WARM_UP = 5
BATCH = 5_000
NAME_SEARCH = "Jensen"
CASEWORKERS = 12
LEADS = 2
WEEKS = 12  # weekly lists the tasks were first listed on, the newest this week

# Targets at 100,000 tasks.
MAX_WORKLIST_QUERIES = 4  # beyond the trivial view
MAX_DEEP_TO_FIRST = 1.5
MAX_WORKLIST_P95_MS = 50
MAX_DASHBOARD_P95_MS = 300
WORKLIST_PAGES = ("worklist_first", "worklist_filtered", "worklist_deep", "worklist_name_search")

# Target groups as SSI lists them (the outreach scheme's six, and a few of the others).
_GROUPS = {2: 6, 3: 14, 5: 10, 7: 18, 8: 22, 9: 22, 1: 2, 4: 2, 6: 1, 10: 1, 11: 1, 12: 1}
_EARLIEST_BIRTH = datetime.date(1921, 1, 1)
_LATEST_BIRTH = datetime.date(1956, 12, 31)  # synthetic CPR numbers are for people born before 1957

# Where a campaign's tasks stand some weeks in: (stage, close reason or decision), weight.
_STAGES = {
    ("new", ""): 44,
    ("contacting", ""): 20,
    ("reached", ""): 5,
    ("referred", Visitation.Decision.HOME): 3,
    ("referred", Visitation.Decision.POPUP): 4,
    ("transport", Visitation.Decision.SITE_TRANSPORT): 3,
    ("returned", Visitation.Decision.HOME): 1,
    ("closed", "booked"): 12,
    ("closed", Visitation.Decision.HELP_TO_BOOK): 3,
    ("closed", Visitation.Decision.DECLINED): 2,
    ("closed", Visitation.Decision.NOT_RELEVANT): 2,
    ("closed", Visitation.Decision.UNREACHABLE): 1,
}
_CLOSE_REASONS = {
    Visitation.Decision.HELP_TO_BOOK: ContactTask.CloseReason.HELPED_TO_BOOK,
    Visitation.Decision.DECLINED: ContactTask.CloseReason.DECLINED,
    Visitation.Decision.NOT_RELEVANT: ContactTask.CloseReason.NOT_RELEVANT,
    Visitation.Decision.UNREACHABLE: ContactTask.CloseReason.UNREACHABLE,
}
_MOBILITY = {
    Visitation.Decision.HOME: Visitation.Mobility.BEDRIDDEN,
    Visitation.Decision.POPUP: Visitation.Mobility.TRANSPORT_SITTING,
    Visitation.Decision.SITE_TRANSPORT: Visitation.Mobility.TRANSPORT_WHEELCHAIR,
    Visitation.Decision.HELP_TO_BOOK: Visitation.Mobility.ALONE,
}


# Building the data -------------------------------------------------------------------------------


@dataclass
class _Planned:
    """One citizen's case as drawn, before it has database ids."""

    citizen: Citizen
    task: ContactTask
    attempts: list[ContactAttempt]
    decision: str
    referral_status: str


def _team(municipality: Municipality) -> tuple[list[User], list[User]]:
    """The municipality's caseworkers and leads (created once, kept between runs)."""
    caseworkers, leads = [], []
    names = synthetic._WOMEN + synthetic._MEN
    for role, count, found in (
        (Role.CASEWORKER, CASEWORKERS, caseworkers),
        (Role.LEAD, LEADS, leads),
    ):
        for n in range(1, count + 1):
            user, _created = User.objects.get_or_create(
                username=f"bench-{role}-{n:02d}",
                defaults={
                    "first_name": names[(n * 7 + len(role)) % len(names)],
                    "last_name": synthetic._LAST_NAMES[n * 3 % len(synthetic._LAST_NAMES)],
                },
            )
            membership_grant(user=user, role=role, organisation=municipality)
            found.append(user)
    return caseworkers, leads


def _clear(municipality: Municipality, team: list[User]) -> None:
    """Remove the municipality's citizens and cases (a previous run's), dependants first."""
    citizens = Citizen.objects.filter(municipality=municipality)
    retention.access_events_erase(
        AccessEvent.objects.filter(Q(citizen__in=citizens) | Q(user__in=team))
    )
    HelpRequest.objects.filter(Q(municipality=municipality) | Q(citizen__in=citizens)).delete()
    ContactDetailsChange.objects.filter(citizen__in=citizens).delete()
    TransportBooking.objects.filter(citizen__in=citizens).delete()
    Referral.objects.filter(citizen__in=citizens).delete()
    Visitation.objects.filter(citizen__in=citizens).update(superseded_by=None)
    Visitation.objects.filter(citizen__in=citizens).delete()
    ContactAttempt.objects.filter(citizen__in=citizens).delete()
    ContactTask.objects.filter(Q(municipality=municipality) | Q(citizen__in=citizens)).delete()
    citizens.delete()


class _Draw:
    """Draws one citizen's case after another; what every draw shares is worked out once."""

    def __init__(self, seed: int, municipality: Municipality, team: list[User], now):
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)  # nosec B311
        self.vault = cpr.vault()
        self.numbers: set[str] = set()
        self.municipality, self.team, self.now = municipality, team, now
        today = timezone.localdate(now)
        monday = today - datetime.timedelta(days=today.weekday())
        # The weekly lists, newest first: a task first listed k weeks ago was on k + 1 lists.
        self.weeks = [monday - datetime.timedelta(weeks=k) for k in range(WEEKS)]
        self.groups, self.group_weights = list(_GROUPS), list(accumulate(_GROUPS.values()))
        self.stages, self.stage_weights = list(_STAGES), list(accumulate(_STAGES.values()))
        self.due_days = datetime.timedelta(days=settings.CONTACT_DUE_DAYS)

    def citizen(self) -> Citizen:
        rng, vault = self.rng, self.vault
        group = rng.choices(self.groups, cum_weights=self.group_weights)[0]
        born = datetime.date.fromordinal(
            rng.randint(_EARLIEST_BIRTH.toordinal(), _LATEST_BIRTH.toordinal())
        )
        number = synthetic.synthetic_cpr(rng, born)
        while number in self.numbers:
            number = synthetic.synthetic_cpr(rng, born)
        self.numbers.add(number)
        sex = cpr.sex(number)
        first = rng.choice(synthetic._MEN if sex == "M" else synthetic._WOMEN)
        return Citizen(
            cpr_hash=vault.lookup_hash(number),
            cpr_encrypted=vault.encrypt(number),
            birth_date=born,
            sex=sex,
            name=f"{first} {rng.choice(synthetic._LAST_NAMES)}",
            municipality=self.municipality,
            street=f"{rng.choice(synthetic._STREETS)} {rng.randint(1, 120)}",
            postcode="2200",
            city="København N",
            phone="" if rng.random() < 0.1 else str(rng.randrange(20_000_000, 99_999_999)),
            target_group_id=group,
            invited_on=self.weeks[0],  # set with the task's week
            guardian_name="",
            guardian_phone="",
            guardian_relation="",
            created_at=self.now,
            updated_at=self.now,
        )

    def case(self) -> _Planned:
        """A citizen, their task at a stage drawn from ``_STAGES``, and its attempts."""
        rng, now, team = self.rng, self.now, self.team
        citizen = self.citizen()
        weeks_listed = rng.randint(1, WEEKS)
        first_week = self.weeks[weeks_listed - 1]
        citizen.invited_on = first_week - datetime.timedelta(days=rng.randint(1, 7))
        stage, outcome = rng.choices(self.stages, cum_weights=self.stage_weights)[0]
        opened_at = timezone.make_aware(datetime.datetime.combine(first_week, datetime.time(6)))
        task = ContactTask(
            municipality=self.municipality,
            stage=stage,
            priority=group_priority(citizen.target_group_id),
            birth_date=citizen.birth_date,
            invited_on=citizen.invited_on,
            due_on=first_week + self.due_days,
            first_listed_week=first_week,
            last_listed_week=first_week + datetime.timedelta(weeks=weeks_listed - 1),
            times_listed=weeks_listed,
            opened_at=opened_at,
            triaged=outcome not in ("", "booked"),
            return_comment="",
            referral_status="",
        )
        # Attempts: none yet, some without an answer, or reached at the last one.
        if stage == "new" or (outcome == "booked" and rng.random() < 0.7):
            tries, reached = 0, False
        elif stage == "contacting" or outcome in ("booked", Visitation.Decision.UNREACHABLE):
            tries, reached = rng.randint(1, 3), False
        else:
            tries, reached = rng.randint(1, 3), True
        span = max((now - opened_at).total_seconds(), 3600)
        times = sorted(
            opened_at + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(tries)
        )
        attempts = [
            ContactAttempt(
                channel=ContactAttempt.Channel.PHONE,
                reached=reached and n == tries,
                answered_by=ContactAttempt.Answerer.CITIZEN if reached and n == tries else "",
                note="",
                made_at=at,
                made_by=rng.choice(team),
            )
            for n, at in enumerate(times, start=1)
        ]
        task.attempts = tries
        task.last_attempt_at = times[-1] if times else None
        task.last_attempt_reached = reached if times else None
        if stage == "referred":
            task.referral_status = rng.choice(("requested", "requested", "accepted", "scheduled"))
        elif stage == "returned":
            task.referral_status = Referral.Status.RETURNED
            task.return_comment = "Borgeren er flyttet på plejehjem; kontakt plejehjemmet."
        if stage == "closed":
            task.status = ContactTask.Status.CLOSED
            task.close_reason = _CLOSE_REASONS.get(outcome, outcome)
            task.closed_at = max([opened_at, *times]) + datetime.timedelta(hours=1)
        else:
            roll = rng.random()
            if roll < 0.03:  # claimed now
                task.claimed_by = rng.choice(team)
                task.claim_expires_at = now + datetime.timedelta(minutes=rng.randint(1, 30))
            elif roll < 0.04:  # a claim whose lease ran out
                task.claimed_by = rng.choice(team)
                task.claim_expires_at = now - datetime.timedelta(hours=rng.randint(1, 48))
            if rng.random() < 0.15:
                task.assigned_to = rng.choice(team)
            if stage in ContactTask.TO_DO and rng.random() < 0.04:  # call back, most not due yet
                task.call_later_at = now + datetime.timedelta(hours=rng.randint(-48, 120))
        decision = outcome if task.triaged else ""
        return _Planned(citizen, task, attempts, decision, task.referral_status)

    def decided(self, planned: list[_Planned]) -> list[Visitation]:
        """The decision in force of each decided case."""
        rng = self.rng
        return [
            Visitation(
                task=p.task,
                citizen=p.citizen,
                wants_vaccination=p.decision != Visitation.Decision.DECLINED,
                mobility=_MOBILITY.get(p.decision, ""),
                decision=p.decision,
                justification="",
                not_relevant_reason=Visitation.NotRelevantReason.VACCINATED
                if p.decision == Visitation.Decision.NOT_RELEVANT
                else "",
                booking_site="Bella Center" if p.decision in _MOBILITY else "",
                decided_at=(p.task.last_attempt_at or p.task.opened_at)
                + datetime.timedelta(minutes=5),
                decided_by=rng.choice(self.team),
            )
            for p in planned
        ]


def _referrals_and_rides(planned: list[_Planned], visitations: list[Visitation]):
    """What the decisions asked for (the visitations have their ids by now)."""
    referrals, rides = [], []
    for p, visitation in zip(planned, visitations, strict=True):
        if p.referral_status:
            referrals.append(
                Referral(
                    task=p.task,
                    citizen=p.citizen,
                    municipality=p.task.municipality,
                    region=p.task.municipality.region,
                    visitation=visitation,
                    pathway=p.decision,
                    status=p.referral_status,
                    comment=p.task.return_comment,
                    requested_at=visitation.decided_at,
                    requested_by=visitation.decided_by,
                    status_changed_at=visitation.decided_at,
                )
            )
        if p.decision in (Visitation.Decision.POPUP, Visitation.Decision.SITE_TRANSPORT):
            wheelchair = visitation.mobility == Visitation.Mobility.TRANSPORT_WHEELCHAIR
            rides.append(
                TransportBooking(
                    task=p.task,
                    citizen=p.citizen,
                    municipality=p.task.municipality,
                    visitation=visitation,
                    pathway="popup" if p.decision == Visitation.Decision.POPUP else "site",
                    kind=TransportBooking.Kind.WHEELCHAIR
                    if wheelchair
                    else TransportBooking.Kind.SITTING,
                    pickup_street=p.citizen.street,
                    pickup_postcode=p.citizen.postcode,
                    pickup_city=p.citizen.city,
                    destination=visitation.booking_site,
                    note="",
                )
            )
    return referrals, rides


def _copy_text(field) -> Callable[[object], str]:
    """How COPY's CSV format spells a value of ``field`` (None is ``\\N``)."""
    kind = field.get_internal_type()
    if kind == "BinaryField":
        return lambda value: "\\x" + bytes(value).hex()
    if kind == "BooleanField":
        return lambda value: "t" if value else "f"
    if kind in ("DateField", "DateTimeField"):
        return lambda value: value.isoformat()
    return str


def _insert(model: type[Model], objects: list[Model]) -> None:
    """Insert ``objects`` and give them their ids.

    On PostgreSQL with ``COPY`` (ids drawn from the table's sequence first): ``bulk_create``
    spends most of its time compiling the INSERT in Python, which made building 100,000 cases
    take minutes. Elsewhere (the tests' SQLite) with ``bulk_create``.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = []
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                get = partial(field.pre_save, add=True)
            else:
                get = attrgetter(field.attname)
            columns.append((get, _copy_text(field), field.db_default))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for obj in objects:
            row = []
            for get, text, db_default in columns:
                value = get(obj)
                if isinstance(value, DatabaseDefault):
                    value = db_default
                row.append("\\N" if value is None else text(value))
            writer.writerow(row)
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN "
            f"WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )


def _batches(total: int) -> Iterator[int]:
    while total > 0:
        yield min(BATCH, total)
        total -= BATCH


def build(municipality: Municipality, *, tasks: int, seed: int, team: list[User], now=None) -> dict:
    """``tasks`` citizens of ``municipality`` with one task each, and what their stage implies:
    attempts, the decision in force, referrals and rides."""
    draw = _Draw(seed, municipality, team, now or timezone.now())
    counts: Counter = Counter()
    start = time.perf_counter()
    for size in _batches(tasks):
        planned = [draw.case() for _ in range(size)]
        with transaction.atomic():
            _insert(Citizen, [p.citizen for p in planned])
            for p in planned:
                p.task.citizen = p.citizen
            _insert(ContactTask, [p.task for p in planned])
            attempts = []
            for p in planned:
                for attempt in p.attempts:
                    attempt.task, attempt.citizen = p.task, p.citizen
                    attempts.append(attempt)
            _insert(ContactAttempt, attempts)
            decided = [p for p in planned if p.decision]
            visitations = draw.decided(decided)
            _insert(Visitation, visitations)
            referrals, rides = _referrals_and_rides(decided, visitations)
            _insert(Referral, referrals)
            _insert(TransportBooking, rides)
        counts.update(p.task.stage for p in planned)
        counts.update(
            attempts=len(attempts),
            visitations=len(visitations),
            referrals=len(referrals),
            transport_bookings=len(rides),
        )
    _analyze()
    return {
        "citizens": tasks,
        "tasks": tasks,
        "by_stage": {stage: counts[stage] for stage in ContactTask.Stage.values},
        **{
            name: counts[name]
            for name in ("attempts", "visitations", "referrals", "transport_bookings")
        },
        "seconds": round(time.perf_counter() - start, 1),
    }


def _analyze() -> None:
    """Fresh planner statistics (and on PostgreSQL a vacuumed visibility map), as a database
    that has been running for a while has them from autovacuum."""
    tables = [
        model._meta.db_table
        for model in (Citizen, ContactTask, ContactAttempt, Visitation, Referral, TransportBooking)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{command} {', '.join(tables)}")
        else:
            cursor.execute("ANALYZE")


# Measuring ----------------------------------------------------------------------------------------


def _percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least ``share`` of them at or
    below it."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _queries(client: Client, url: str, expect: int) -> tuple[int, int]:
    """The queries one request of ``url`` makes, and how many of them are BEGIN, COMMIT or
    savepoints."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != expect:
        raise RuntimeError(f"{url} answered {response.status_code}, not {expect}.")
    # Read now: the next request clears the connection's query log when it starts.
    statements = [query["sql"] for query in captured.captured_queries]
    return len(statements), sum(sql.startswith(_TRANSACTION_CONTROL) for sql in statements)


def _client(user: User) -> Client:
    """Logged in as ``user`` with the second factor verified, as after entering a code: the pages
    pay what a real session pays, the check of the verifying device included."""
    client = Client()
    client.force_login(user)
    device = twofactor.authenticator(user) or TOTPDevice.objects.create(
        user=user, name=twofactor.AUTHENTICATOR_NAME
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(
    municipality: Municipality, *, caseworker: User, lead: User, requests: int
) -> tuple[dict, dict]:
    """Every page's queries and times; and what the deep page and the case page are."""
    code = municipality.code
    worklist = reverse("municipalities:municipality-worklist", kwargs={"code": code})
    todo = worklist_selectors.filtered_tasks(
        municipality, worklist_selectors.WorklistFilter(), user=caseworker
    )
    to_do_count = todo.count()
    depth = min(DEEP, max(to_do_count - worklist_selectors.PAGE_SIZE, 1))
    after_id = todo.values_list("pk", flat=True)[depth - 1]
    # The case page of a referred citizen: attempts, a decision, a referral and a ride to show.
    case = (
        ContactTask.objects.filter(municipality=municipality, stage="referred", attempts__gt=1)
        .order_by("priority", "pk")
        .first()
        or ContactTask.objects.filter(municipality=municipality).order_by("pk").first()
    )
    caseworker_client, lead_client = _client(caseworker), _client(lead)
    pages = {
        "trivial": (caseworker_client, reverse("start"), 302),
        "worklist_first": (caseworker_client, worklist, 200),
        "worklist_filtered": (
            caseworker_client,
            f"{worklist}?stage=contacting&target_group=3",
            200,
        ),
        "worklist_deep": (caseworker_client, f"{worklist}?after={after_id}", 200),
        "worklist_name_search": (caseworker_client, f"{worklist}?name={NAME_SEARCH}", 200),
        "case_page": (
            caseworker_client,
            reverse("municipalities:case-detail", kwargs={"code": code, "pk": case.pk}),
            200,
        ),
        "dashboard": (
            lead_client,
            reverse("municipalities:municipality-dashboard", kwargs={"code": code}),
            200,
        ),
    }
    for client, url, expect in pages.values():
        for _ in range(WARM_UP):
            _queries(client, url, expect)
    results = {}
    for name, (client, url, expect) in pages.items():
        queries, transaction_control = _queries(client, url, expect)
        results[name] = {
            "url": url,
            "status": expect,
            "queries": queries,
            "of_which_begin_commit": transaction_control,
        }
    # Round after round, one request of each page: a busy moment of the machine then slows
    # every page alike instead of whichever page was being measured.
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(requests):
        for name, (client, url, _expect) in pages.items():
            start = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
    for name, samples in times.items():
        results[name].update(
            p50_ms=round(_percentile(samples, 0.5), 1),
            p95_ms=round(_percentile(samples, 0.95), 1),
            max_ms=round(max(samples), 1),
        )
    return results, {"to_do_tasks": to_do_count, "deep_page_after_rows": depth}


def judge(pages: dict) -> tuple[dict, dict]:
    """The derived figures and each target, met or not."""
    trivial = pages["trivial"]["queries"]
    beyond = {name: pages[name]["queries"] - trivial for name in WORKLIST_PAGES}
    first, deep = pages["worklist_first"], pages["worklist_deep"]
    derived = {
        "trivial_view_queries": trivial,
        "worklist_queries_beyond_trivial": beyond,
        "deep_to_first_p95": round(deep["p95_ms"] / first["p95_ms"], 2),
        "deep_to_first_p50": round(deep["p50_ms"] / first["p50_ms"], 2),
        "worklist_p95_ms_worst": max(pages[name]["p95_ms"] for name in WORKLIST_PAGES),
    }
    paging = ("worklist_first", "worklist_filtered", "worklist_deep")
    targets = {
        "worklist_pages_at_most_4_queries_beyond_trivial": max(beyond[n] for n in paging)
        <= MAX_WORKLIST_QUERIES,
        "name_search_at_most_4_queries_beyond_trivial": beyond["worklist_name_search"]
        <= MAX_WORKLIST_QUERIES,
        "deep_page_as_many_queries_as_first": deep["queries"] == first["queries"],
        "deep_p95_within_1_5x_first": derived["deep_to_first_p95"] <= MAX_DEEP_TO_FIRST,
        "worklist_p95_under_50_ms": derived["worklist_p95_ms_worst"] < MAX_WORKLIST_P95_MS,
        "dashboard_p95_under_300_ms": pages["dashboard"]["p95_ms"] < MAX_DASHBOARD_P95_MS,
    }
    return derived, targets


def run(tasks: int, *, requests: int = 200, seed: int = 1, code: str = "101") -> dict:
    """Build the municipality's tasks in the current database (replacing a previous run's) and
    measure its pages."""
    municipality = Municipality.objects.select_related("region").get(code=code)
    caseworkers, leads = _team(municipality)
    team = caseworkers + leads
    _clear(municipality, team)
    data = build(municipality, tasks=tasks, seed=seed, team=team)
    # Measured as in production: DEBUG off (no query log, no template debugging), whatever the
    # environment says; the test client's host allowed.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        pages, shape = measure(
            municipality, caseworker=caseworkers[0], lead=leads[0], requests=requests
        )
    derived, targets = judge(pages)
    return {
        "tasks": tasks,
        "requests": requests,
        "municipality": code,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": connection.vendor,
            "database_version": _database_version(),
        },
        "data": {**data, **shape},
        "pages": pages,
        "derived": derived,
        "targets": targets,
    }


def _database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]
