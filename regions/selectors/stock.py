"""Reads on the stock ledger: balances by holder, batches in first-expiry-first-out order, and the
region's totals the dashboard shows."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet, Sum

from outreach.models import Region, VaccineProduct
from regions.models import StockBalance, StockBatch, StockHolder, StockMovement


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
        .order_by(
            "holder__session__date",
            "holder__route_day__date",
            "holder_id",
            "batch__product__name",
            "batch__expires_on",
            "consumable",
        )
    )


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
