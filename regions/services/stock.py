"""Writes on the stock and consumables ledger.

Each write appends movements and changes the balances they touch in one transaction. Taking from
a balance is a single ``UPDATE ... SET quantity = quantity - n``: the database's row lock orders
two coordinators taking from the same balance, and its check constraint refuses the one that would
go below zero. That refusal becomes ``InsufficientStock``, a message the coordinator can act on;
the database, not a read in Python, is what keeps the balance from going negative.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from outreach.models import Region, User, VaccineProduct
from regions.consumables import consumables_for, consumables_per_administered_dose
from regions.models import (
    Consumable,
    PopupSession,
    RouteDay,
    StockBalance,
    StockBatch,
    StockHolder,
    StockMovement,
)
from regions.selectors.stock import fefo_batches

Kind = StockMovement.Kind


class InsufficientStock(ValidationError):
    pass


def store_of(region: Region) -> StockHolder:
    holder, _created = StockHolder.objects.get_or_create(
        region=region, session=None, route_day=None
    )
    return holder


def holder_of(place: PopupSession | RouteDay) -> StockHolder:
    field = "session" if isinstance(place, PopupSession) else "route_day"
    holder, _created = StockHolder.objects.get_or_create(
        region_id=place.region_id, **{field: place}
    )
    return holder


def _item_name(batch: StockBatch | None, consumable: str) -> str:
    if batch is not None:
        return _("%(product)s, batch %(lot)s") % {
            "product": batch.product.name,
            "lot": batch.lot_number,
        }
    return str(Consumable(consumable).label)


def _take(holder: StockHolder, batch: StockBatch | None, consumable: str, quantity: int) -> None:
    balance = StockBalance.objects.filter(holder=holder, batch=batch, consumable=consumable)
    try:
        with transaction.atomic():
            changed = balance.update(quantity=F("quantity") - quantity)
    except IntegrityError:
        changed = 0
    if not changed:
        left = balance.values_list("quantity", flat=True).first() or 0
        raise InsufficientStock(
            _(
                "Not enough %(item)s at %(holder)s: %(wanted)d wanted, %(left)d left. Another "
                "coordinator may have just taken them; nothing was changed."
            )
            % {
                "item": _item_name(batch, consumable),
                "holder": holder,
                "wanted": quantity,
                "left": left,
            }
        )


def _give(holder: StockHolder, batch: StockBatch | None, consumable: str, quantity: int) -> None:
    balance, _created = StockBalance.objects.get_or_create(
        holder=holder, batch=batch, consumable=consumable
    )
    StockBalance.objects.filter(pk=balance.pk).update(quantity=F("quantity") + quantity)


def _move(
    *,
    region: Region,
    kind: str,
    user: User,
    quantity: int,
    batch: StockBatch | None = None,
    consumable: str = "",
    source: StockHolder | None = None,
    target: StockHolder | None = None,
    waste_reason: str = "",
    note: str = "",
) -> StockMovement:
    if source is not None:
        _take(source, batch, consumable, quantity)
    if target is not None:
        _give(target, batch, consumable, quantity)
    return StockMovement.objects.create(
        region=region,
        kind=kind,
        batch=batch,
        consumable=consumable,
        quantity=quantity,
        source=source,
        target=target,
        waste_reason=waste_reason,
        note=note,
        by=user,
    )


def _positive(value: int, field: str) -> None:
    if value < 1:
        raise ValidationError({field: _("Enter a number of at least 1.")})


@transaction.atomic
def stock_receive(
    *,
    region: Region,
    user: User,
    product: VaccineProduct,
    lot_number: str,
    expires_on: date,
    vials: int,
    note: str = "",
) -> StockMovement:
    """Vials of a batch arrive at the region's store."""
    _positive(vials, "vials")
    lot_number = lot_number.strip()
    batch, created = StockBatch.objects.get_or_create(
        product=product, lot_number=lot_number, defaults={"expires_on": expires_on}
    )
    if not created and batch.expires_on != expires_on:
        raise ValidationError(
            {
                "expires_on": _("Batch %(lot)s is registered with expiry date %(day)s.")
                % {"lot": lot_number, "day": batch.expires_on.isoformat()}
            }
        )
    return _move(
        region=region,
        kind=Kind.RECEIPT,
        user=user,
        batch=batch,
        quantity=vials * product.doses_per_vial,
        target=store_of(region),
        note=note,
    )


@transaction.atomic
def stock_receive_consumable(
    *, region: Region, user: User, consumable: str, quantity: int, note: str = ""
) -> StockMovement:
    _positive(quantity, "quantity")
    return _move(
        region=region,
        kind=Kind.RECEIPT,
        user=user,
        consumable=consumable,
        quantity=quantity,
        target=store_of(region),
        note=note,
    )


@transaction.atomic
def stock_allocate(
    *,
    place: PopupSession | RouteDay,
    user: User,
    vials: int,
    batch: StockBatch | None = None,
) -> list[StockMovement]:
    """Move ``vials`` of the place's product from the store to the session or route day, with the
    consumables they need and an anaphylaxis kit for a team that has none. Without a chosen batch,
    the batches expiring first (and not before the day of use) are taken first."""
    _positive(vials, "vials")
    product = place.product
    store = store_of(place.region)
    holder = holder_of(place)
    if batch is not None:
        if batch.product_id != product.pk:
            raise ValidationError({"batch": _("The batch is of another product.")})
        if batch.expires_on < place.date:
            raise ValidationError({"batch": _("The batch expires before the day of use.")})
        plan = [(batch, vials)]
    else:
        plan = _fefo_plan(store, product, vials, place.date)
    movements = [
        _move(
            region=place.region,
            kind=Kind.ALLOCATION,
            user=user,
            batch=chosen,
            quantity=count * product.doses_per_vial,
            source=store,
            target=holder,
        )
        for chosen, count in plan
    ]
    needs = consumables_for(product, vials)
    if not StockBalance.objects.filter(
        holder=holder, consumable=Consumable.ANAPHYLAXIS_KIT, quantity__gt=0
    ).exists():
        needs[Consumable.ANAPHYLAXIS_KIT] = 1
    for consumable, quantity in needs.items():
        movements.append(
            _move(
                region=place.region,
                kind=Kind.ALLOCATION,
                user=user,
                consumable=consumable,
                quantity=quantity,
                source=store,
                target=holder,
            )
        )
    return movements


def _fefo_plan(
    store: StockHolder, product: VaccineProduct, vials: int, day: date
) -> list[tuple[StockBatch, int]]:
    plan, wanted = [], vials
    for batch, doses in fefo_batches(store, product, day):
        take = min(doses // product.doses_per_vial, wanted)
        if take:
            plan.append((batch, take))
            wanted -= take
        if not wanted:
            return plan
    raise InsufficientStock(
        _(
            "Only %(have)d vials of %(product)s usable on %(day)s are in the store; %(wanted)d "
            "wanted. Nothing was allocated."
        )
        % {"have": vials - wanted, "product": product.name, "day": day.isoformat(), "wanted": vials}
    )


@transaction.atomic
def stock_return(
    *, place: PopupSession | RouteDay, user: User, batch: StockBatch, vials: int
) -> list[StockMovement]:
    """Unopened vials go back to the store, with the consumables they were allocated with (as far
    as the place still has them)."""
    _positive(vials, "vials")
    store = store_of(place.region)
    holder = holder_of(place)
    movements = [
        _move(
            region=place.region,
            kind=Kind.RETURN,
            user=user,
            batch=batch,
            quantity=vials * batch.product.doses_per_vial,
            source=holder,
            target=store,
        )
    ]
    held = dict(
        StockBalance.objects.filter(holder=holder, batch=None).values_list("consumable", "quantity")
    )
    for consumable, quantity in consumables_for(batch.product, vials).items():
        quantity = min(quantity, held.get(consumable, 0))
        if quantity:
            movements.append(
                _move(
                    region=place.region,
                    kind=Kind.RETURN,
                    user=user,
                    consumable=consumable,
                    quantity=quantity,
                    source=holder,
                    target=store,
                )
            )
    return movements


@transaction.atomic
def stock_use(
    *,
    place: PopupSession | RouteDay,
    user: User,
    batch: StockBatch,
    administered: int,
    wasted: int = 0,
    waste_reason: str = "",
    note: str = "",
) -> list[StockMovement]:
    """Record doses given (each uses a syringe and a needle, as far as the place has them) and
    doses wasted, with why."""
    if administered < 0 or wasted < 0 or administered + wasted == 0:
        raise ValidationError(_("Enter the doses given or wasted."))
    if wasted and not waste_reason:
        raise ValidationError({"waste_reason": _("Say why the doses were wasted.")})
    holder = holder_of(place)
    movements = []
    if administered:
        movements.append(
            _move(
                region=place.region,
                kind=Kind.ADMINISTERED,
                user=user,
                batch=batch,
                quantity=administered,
                source=holder,
                note=note,
            )
        )
        held = dict(
            StockBalance.objects.filter(holder=holder, batch=None).values_list(
                "consumable", "quantity"
            )
        )
        for consumable, per_dose in consumables_per_administered_dose(batch.product).items():
            quantity = min(per_dose * administered, held.get(consumable, 0))
            if quantity:
                movements.append(
                    _move(
                        region=place.region,
                        kind=Kind.ADMINISTERED,
                        user=user,
                        consumable=consumable,
                        quantity=quantity,
                        source=holder,
                    )
                )
    if wasted:
        movements.append(
            _move(
                region=place.region,
                kind=Kind.WASTED,
                user=user,
                batch=batch,
                quantity=wasted,
                source=holder,
                waste_reason=waste_reason,
                note=note,
            )
        )
    return movements
