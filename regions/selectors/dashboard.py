"""The regional coordinator's dashboard: per municipality of the region, how far its citizens have
come and which referrals wait for the region; the region's pop-up sessions filled; its vaccine
used and wasted.

Like the municipal dashboard (``municipalities.selectors.dashboard``), every number is a grouped
aggregate (``.values("municipality").annotate(Count(..., filter=Q(...)))``): one query per kind of
row for all of the region's municipalities, so the page costs the same for 2 referrals as for
20,000. Citizens are counted, not rows: a citizen with two contact tasks in one municipality is
listed once there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q
from django.utils import timezone

from municipalities.models import ContactAttempt, ContactTask, Referral, Visitation
from municipalities.selectors.dashboard import SCHEDULED
from outreach.models import Municipality, Region
from regions.models import PopupSession
from regions.selectors.sessions import sessions_of
from regions.selectors.stock import vaccine_totals
from regions.vials import VialArithmetic

Status = Referral.Status
Pathway = Referral.Pathway

# A referral the region holds or has carried out. A returned one went back to the municipality
# and a withdrawn one was replaced by a new decision: neither is the region's to do.
CURRENT = (Status.REQUESTED, Status.ACCEPTED, Status.SCHEDULED, Status.DONE)
# What waits for the region, in the order it acts on it.
WAITING = (Status.REQUESTED, Status.ACCEPTED)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Wait:
    """Referrals in one status and pathway, and the days the longest-waiting one has been in it
    (None when there is none)."""

    count: int = 0
    longest_days: int | None = None


@dataclass
class MunicipalityRow:
    """The funnel and the referrals waiting in one municipality (or, as ``total``, the region)."""

    municipality: Municipality | None
    listed: int = 0
    reached: int = 0
    assessed: int = 0
    referred: int = 0
    referred_by_pathway: dict[str, int] = field(default_factory=dict)
    scheduled: int = 0
    done: int = 0
    returned: int = 0
    waiting: dict[tuple[str, str], Wait] = field(default_factory=dict)

    def wait(self, pathway: str, status: str) -> Wait:
        return self.waiting.get((pathway, status), Wait())

    @property
    def waits(self) -> list[Wait]:
        """Pop-up requested, pop-up accepted, home requested, home accepted: the table's order."""
        return [self.wait(pathway, status) for pathway in Pathway.values for status in WAITING]

    @property
    def referred_popup(self) -> int:
        return self.referred_by_pathway.get(Pathway.POPUP, 0)

    @property
    def referred_home(self) -> int:
        return self.referred_by_pathway.get(Pathway.HOME, 0)

    @property
    def waiting_count(self) -> int:
        return sum(wait.count for wait in self.waiting.values())

    def add(self, other: MunicipalityRow) -> None:
        for name in ("listed", "reached", "assessed", "referred", "scheduled", "done", "returned"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for pathway, count in other.referred_by_pathway.items():
            self.referred_by_pathway[pathway] = self.referred_by_pathway.get(pathway, 0) + count
        for key, theirs in other.waiting.items():
            ours = self.wait(*key)
            longest = [
                days for days in (ours.longest_days, theirs.longest_days) if days is not None
            ]
            self.waiting[key] = Wait(ours.count + theirs.count, max(longest, default=None))


@dataclass(frozen=True)
class Funnel:
    rows: list[MunicipalityRow]
    total: MunicipalityRow


def _days_since(moment: datetime | None, today: date) -> int | None:
    return None if moment is None else (today - timezone.localdate(moment)).days


def _per_municipality(queryset, municipality_field: str, **counts) -> dict[int, dict]:
    """``{municipality id: {name: count}}`` of ``queryset`` grouped by ``municipality_field``."""
    rows = queryset.values(municipality_field).annotate(**counts).order_by()
    return {row.pop(municipality_field): row for row in rows}


def funnel(region: Region, *, today: date | None = None) -> Funnel:
    """Listed -> reached -> assessed -> referred (pop-up, home) -> scheduled -> done, and the
    referrals waiting for the region, for every municipality of the region (zeros included),
    in five queries.

    Listed: citizens with a contact task there. Reached: citizens a contact attempt reached.
    Assessed: citizens with a decision in force. Referred: citizens with a referral the region
    holds or carried out; scheduled counts those done too. Waiting: requested referrals not yet
    accepted, and accepted ones without a time, with the days since the longest-waiting came into
    that status (accepted, or its time cancelled).
    """
    today = today or timezone.localdate()
    municipalities = list(Municipality.objects.filter(region=region).order_by("name", "code"))
    ids = [municipality.pk for municipality in municipalities]
    citizens = Count("citizen", distinct=True)

    listed = _per_municipality(
        ContactTask.objects.filter(municipality__in=ids), "municipality", n=citizens
    )
    reached = _per_municipality(
        ContactAttempt.objects.filter(task__municipality__in=ids, reached=True),
        "task__municipality",
        n=citizens,
    )
    # The decision in force: one that a revision or a reopening superseded is history.
    assessed = _per_municipality(
        Visitation.objects.filter(task__municipality__in=ids, superseded_at__isnull=True),
        "task__municipality",
        n=citizens,
    )

    def citizens_where(**lookups) -> Count:
        return Count("citizen", distinct=True, filter=Q(**lookups))

    waits = {}
    for pathway in Pathway.values:
        for status in WAITING:
            key = f"{pathway}_{status}"
            waits[f"{key}_n"] = Count("pk", filter=Q(pathway=pathway, status=status))
            waits[f"{key}_since"] = Min(
                "status_changed_at", filter=Q(pathway=pathway, status=status)
            )
    referrals = _per_municipality(
        Referral.objects.filter(region=region, municipality__in=ids),
        "municipality",
        referred=citizens_where(status__in=CURRENT),
        **{
            f"referred_{pathway}": citizens_where(status__in=CURRENT, pathway=pathway)
            for pathway in Pathway.values
        },
        scheduled=citizens_where(status__in=SCHEDULED),
        done=citizens_where(status=Status.DONE),
        returned=citizens_where(status=Status.RETURNED),
        **waits,
    )

    rows = []
    total = MunicipalityRow(municipality=None)
    for municipality in municipalities:
        row = MunicipalityRow(
            municipality=municipality,
            listed=listed.get(municipality.pk, {}).get("n", 0),
            reached=reached.get(municipality.pk, {}).get("n", 0),
            assessed=assessed.get(municipality.pk, {}).get("n", 0),
        )
        found = referrals.get(municipality.pk)
        if found:
            row.referred, row.scheduled = found["referred"], found["scheduled"]
            row.done, row.returned = found["done"], found["returned"]
            for pathway in Pathway.values:
                row.referred_by_pathway[pathway] = found[f"referred_{pathway}"]
                for status in WAITING:
                    key = f"{pathway}_{status}"
                    if found[f"{key}_n"]:
                        row.waiting[(pathway, status)] = Wait(
                            found[f"{key}_n"], _days_since(found[f"{key}_since"], today)
                        )
        rows.append(row)
        total.add(row)
    return Funnel(rows=rows, total=total)


@dataclass(frozen=True)
class SessionRow:
    session: PopupSession
    vials: VialArithmetic

    @property
    def booked(self) -> int:
        return self.session.booked

    @property
    def fill_rate(self) -> int:
        return fill_rate(self.session.booked, self.session.capacity)

    @property
    def counts(self) -> bool:
        """A cancelled session neither fills nor opens vials."""
        return self.session.status != PopupSession.Status.CANCELLED


@dataclass(frozen=True)
class SessionTotals:
    capacity: int
    booked: int
    vials: int
    wasted: int

    @property
    def fill_rate(self) -> int | None:
        return fill_rate(self.booked, self.capacity) if self.capacity else None


def fill_rate(booked: int, capacity: int) -> int:
    """Booked as a whole per cent of capacity, a half rounded up (3 of 24 is 13 %)."""
    return (200 * booked + capacity) // (2 * capacity) if capacity else 0


def session_totals(rows: list[SessionRow]) -> SessionTotals:
    counted = [row for row in rows if row.counts]
    return SessionTotals(
        capacity=sum(row.session.capacity for row in counted),
        booked=sum(row.booked for row in counted),
        vials=sum(row.vials.vials for row in counted),
        wasted=sum(row.vials.wasted for row in counted),
    )


def sessions(
    region: Region, *, today: date | None = None
) -> tuple[list[SessionRow], list[SessionRow]]:
    """The region's upcoming sessions (today and later, soonest first) and past ones (latest
    first), each with its bookings counted and its vial arithmetic, in one query."""
    today = today or timezone.localdate()
    upcoming, past = [], []
    for session in sessions_of(region).order_by("date", "starts_at", "pk"):
        row = SessionRow(
            session=session,
            vials=VialArithmetic(
                booked=session.booked, doses_per_vial=session.product.doses_per_vial
            ),
        )
        (upcoming if session.date >= today else past).append(row)
    past.reverse()
    return upcoming, past


@dataclass(frozen=True)
class StockRow:
    """One product's doses: in the store, allocated (at sessions and route days, not yet used),
    administered and wasted."""

    product: str
    doses_per_vial: int
    received: int
    on_hand: int
    allocated: int
    administered: int
    wasted: int

    @property
    def on_hand_vials(self) -> float:
        return vials_of(self.on_hand, self.doses_per_vial)

    @property
    def allocated_vials(self) -> float:
        return vials_of(self.allocated, self.doses_per_vial)

    @property
    def waste_rate(self) -> float | None:
        """Wasted doses as a per cent of the doses used (administered or wasted), to one
        decimal; None before any dose is used."""
        used = self.administered + self.wasted
        if not used:
            return None
        return float((Decimal(100 * self.wasted) / used).quantize(TENTH, rounding=ROUND_HALF_UP))


def vials_of(doses: int, doses_per_vial: int) -> float:
    """Doses as vials, to one decimal: a fraction is what is left in an opened vial."""
    return float((Decimal(doses) / doses_per_vial).quantize(TENTH, rounding=ROUND_HALF_UP))


def stock(region: Region) -> list[StockRow]:
    """The region's vaccine per product (``regions.selectors.stock.vaccine_totals``)."""
    return [StockRow(product=name, **numbers) for name, numbers in vaccine_totals(region).items()]
