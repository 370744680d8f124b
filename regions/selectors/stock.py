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
    """Doses per product: on hand (anywhere in the region), allocated, administered and wasted,
    from the ledger in two queries."""
    on_hand = dict(
        StockBalance.objects.filter(holder__region=region, batch__isnull=False)
        .values_list("batch__product__name")
        .annotate(total=Sum("quantity"))
        .values_list("batch__product__name", "total")
    )
    moved = (
        StockMovement.objects.filter(region=region, batch__isnull=False)
        .values_list("batch__product__name")
        .annotate(
            allocated=Sum("quantity", filter=Q(kind=StockMovement.Kind.ALLOCATION)),
            returned=Sum("quantity", filter=Q(kind=StockMovement.Kind.RETURN)),
            administered=Sum("quantity", filter=Q(kind=StockMovement.Kind.ADMINISTERED)),
            wasted=Sum("quantity", filter=Q(kind=StockMovement.Kind.WASTED)),
        )
        .values_list("batch__product__name", "allocated", "returned", "administered", "wasted")
    )
    totals: dict[str, dict[str, int]] = {
        name: {"on_hand": quantity, "allocated": 0, "administered": 0, "wasted": 0}
        for name, quantity in on_hand.items()
    }
    for name, allocated, returned, administered, wasted in moved:
        row = totals.setdefault(
            name, {"on_hand": 0, "allocated": 0, "administered": 0, "wasted": 0}
        )
        row["allocated"] = (allocated or 0) - (returned or 0)
        row["administered"] = administered or 0
        row["wasted"] = wasted or 0
    return totals
