"""Settling the stock of a finished route or pop-up session in the ledger."""

from __future__ import annotations

import math
from collections import Counter

from outreach.models import (
    User,
    VaccineProduct,
)
from regions.models import PopupSession, RouteDay, StockBalance, StockBatch
from regions.models import StockMovement as Movement
from regions.services.stock import stock_return_everything, stock_use, stock_use_opened_vials


def _settle(
    *,
    place: RouteDay | PopupSession,
    user: User,
    product: VaccineProduct,
    given: Counter,
    opened: Counter,
    wasted: Counter,
    note: str,
) -> None:
    """Book a finished route's or session's stock: per batch, the doses given (from the valid
    records) and the doses still in its opened vials (wasted); what opening the vials used up;
    then the unopened vials and unused consumables go back to the store.

    A batch's opened vials are those the vaccinator opened, or as many as the doses given and
    wasted needed when fewer were recorded; what is wasted is capped at what the place still holds,
    so a settlement never refuses to finish a day.
    """
    per_vial = product.doses_per_vial
    lots = sorted(set(given) | set(opened))
    batches = {
        b.lot_number: b for b in StockBatch.objects.filter(product=product, lot_number__in=lots)
    }
    held = dict(
        StockBalance.objects.filter(
            **{
                "holder__session" if isinstance(place, PopupSession) else "holder__route_day": place
            },
            batch__in=batches.values(),
        ).values_list("batch__lot_number", "quantity")
    )
    vials_opened = 0
    for lot in lots:
        used = given[lot] + wasted[lot]
        vials = max(opened[lot], math.ceil(used / per_vial))
        vials_opened += vials
        left = min(vials * per_vial - used, held.get(lot, 0) - given[lot])
        if given[lot] or left > 0:
            stock_use(
                place=place,
                user=user,
                batch=batches[lot],
                administered=given[lot],
                wasted=max(left, 0),
                waste_reason=Movement.WasteReason.LEFT_IN_VIAL,
                note=note,
            )
    stock_use_opened_vials(place=place, user=user, product=product, vials=vials_opened, note=note)
    stock_return_everything(place=place, user=user, note=note)
