"""Reads on the stock ledger: balances by holder, batches in first-expiry-first-out order, and the
region's totals the dashboard shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from outreach.models import Region, VaccineProduct
from regions.models import (
    PopupSession,
    RouteDay,
    StockBalance,
    StockBatch,
    StockHolder,
    StockMovement,
)

# A balance in the region's store: its holder is neither a session nor a route day.
IN_STORE = Q(holder__session__isnull=True, holder__route_day__isnull=True)


def fefo_batches(
    holder: StockHolder, product: VaccineProduct, day: date
) -> list[tuple[StockBatch, int]]:
    """The holder's batches of ``product`` still good on ``day``, the first to expire first,
    with the doses of each."""
    balances = (
        StockBalance.objects.filter(
            holder=holder, batch__product=product, batch__expires_on__gte=day, quantity__gt=0
        )
        .select_related("batch__product")
        .order_by("batch__expires_on", "batch__lot_number")
    )
    return [(balance.batch, balance.quantity) for balance in balances]


def store_fefo(
    region: Region, product: VaccineProduct, day: date, *, usable_only: bool = True
) -> list[tuple[StockBatch, int]]:
    """The region's store's batches of ``product`` still good on ``day`` with a whole vial, the
    first to expire first, with the doses of each: what an allocation without a chosen batch
    takes, in order. Without ``usable_only``, every batch the store has held (a form checking a
    posted choice lets the service say why a batch cannot be taken)."""
    balances = StockBalance.objects.filter(IN_STORE, holder__region=region, batch__product=product)
    if usable_only:
        balances = balances.filter(batch__expires_on__gte=day, quantity__gte=product.doses_per_vial)
    balances = balances.select_related("batch__product").order_by(
        "batch__expires_on", "batch__lot_number"
    )
    return [(balance.batch, balance.quantity) for balance in balances]


def plan_fefo(
    batches: list[tuple[StockBatch, int]], vials: int, product: VaccineProduct
) -> tuple[list[tuple[StockBatch, int]], int]:
    """Whole vials taken from ``batches`` in their order (first expiry first out), split across
    batches when one is not enough; with the number of vials still missing (0 when covered)."""
    plan, wanted = [], vials
    for batch, doses in batches:
        take = min(doses // product.doses_per_vial, wanted)
        if take:
            plan.append((batch, take))
            wanted -= take
        if not wanted:
            break
    return plan, wanted


def held_at(place: PopupSession | RouteDay) -> QuerySet[StockBalance]:
    """What a session or route day holds: its vaccine by batch (first to expire first), then its
    consumables."""
    field = "holder__session" if isinstance(place, PopupSession) else "holder__route_day"
    return (
        StockBalance.objects.filter(quantity__gt=0, **{field: place})
        .select_related("batch__product")
        .order_by(F("batch__expires_on").asc(nulls_last=True), "batch__lot_number", "consumable")
    )


def balances_of(region: Region) -> QuerySet[StockBalance]:
    """Every non-zero balance in the region, the store first, then sessions and route days by
    date."""
    return (
        StockBalance.objects.filter(holder__region=region, quantity__gt=0)
        .select_related(
            "batch__product",
            "holder__session__site",
            "holder__route_day__vaccinator_organisation",
        )
        .annotate(place_date=Coalesce("holder__session__date", "holder__route_day__date"))
        .order_by(
            # The store has no date: first on every database (SQLite and PostgreSQL differ).
            F("place_date").asc(nulls_first=True),
            "holder_id",
            F("batch__product__name").asc(nulls_last=True),
            "batch__expires_on",
            "consumable",
        )
    )


@dataclass(frozen=True)
class Holding:
    """One holder and what it has."""

    holder: StockHolder
    balances: list[StockBalance]


def holdings_of(region: Region) -> list[Holding]:
    """The region's balances grouped by holder, in one query."""
    return [
        Holding(holder=balances[0].holder, balances=balances)
        for balances in (
            list(group) for _key, group in groupby(balances_of(region), lambda b: b.holder_id)
        )
    ]


def movements_of(region: Region) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(region=region).select_related(
        "batch__product",
        "source__session__site",
        "source__route_day__vaccinator_organisation",
        "target__session__site",
        "target__route_day__vaccinator_organisation",
        "by",
    )


def vaccine_totals(region: Region) -> dict[str, dict[str, int]]:
    """Doses per product, by name in name order: ``on_hand`` in the region's store (free to
    allocate), ``allocated`` to sessions and route days and not yet given or wasted,
    ``administered`` and ``wasted``, and the product's ``doses_per_vial``; from the ledger in two
    queries. Every dose received is in exactly one of the four, so they add up to ``received``.
    """
    in_store = Q(holder__session__isnull=True, holder__route_day__isnull=True)
    at_a_place = Q(holder__session__isnull=False) | Q(holder__route_day__isnull=False)
    held = (
        StockBalance.objects.filter(holder__region=region, batch__isnull=False)
        .values("batch__product__name", "batch__product__doses_per_vial")
        .annotate(
            on_hand=Sum("quantity", filter=in_store),
            allocated=Sum("quantity", filter=at_a_place),
        )
        .order_by()
    )
    moved = (
        StockMovement.objects.filter(region=region, batch__isnull=False)
        .values("batch__product__name", "batch__product__doses_per_vial")
        .annotate(
            received=Sum("quantity", filter=Q(kind=StockMovement.Kind.RECEIPT)),
            administered=Sum("quantity", filter=Q(kind=StockMovement.Kind.ADMINISTERED)),
            wasted=Sum("quantity", filter=Q(kind=StockMovement.Kind.WASTED)),
        )
        .order_by()
    )
    totals: dict[str, dict[str, int]] = {}

    def row(found: dict) -> dict[str, int]:
        return totals.setdefault(
            found["batch__product__name"],
            {
                "doses_per_vial": found["batch__product__doses_per_vial"],
                "received": 0,
                "on_hand": 0,
                "allocated": 0,
                "administered": 0,
                "wasted": 0,
            },
        )

    for found in held:
        row(found).update(on_hand=found["on_hand"] or 0, allocated=found["allocated"] or 0)
    for found in moved:
        row(found).update(
            {name: found[name] or 0 for name in ("received", "administered", "wasted")}
        )
    return dict(sorted(totals.items(), key=lambda item: item[0].casefold()))
