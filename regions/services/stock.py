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
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.models import Region, User, VaccineProduct
from regions.consumables import (
    consumables_for,
    consumables_per_administered_dose,
    consumables_per_opened_vial,
)
from regions.models import (
    Consumable,
    PopupSession,
    RouteDay,
    StockBalance,
    StockBatch,
    StockHolder,
    StockMovement,
)
from regions.selectors.stock import fefo_batches, plan_fefo
from regions.vials import vials_and_doses

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


def _holder_name(holder: StockHolder) -> str:
    if holder.session_id:
        return _("the pop-up session %(session)s") % {"session": holder.session}
    if holder.route_day_id:
        return _("the route day %(day)s") % {"day": holder.route_day}
    return _("the region's store")


def _item_name(batch: StockBatch | None, consumable: str) -> str:
    if batch is not None:
        return _("%(product)s, batch %(lot)s") % {
            "product": batch.product.name,
            "lot": batch.lot_number,
        }
    return str(Consumable(consumable).label)


def _amount(batch: StockBatch | None, quantity: int) -> str:
    if batch is None:
        return str(quantity)
    return vials_and_doses(quantity, batch.product.doses_per_vial)


def _take(holder: StockHolder, batch: StockBatch | None, consumable: str, quantity: int) -> None:
    balance = StockBalance.objects.filter(holder=holder, batch=batch, consumable=consumable)
    try:
        # A savepoint: the constraint's refusal must not spoil the caller's transaction, which
        # still reads what is left for the message.
        with transaction.atomic():
            changed = balance.update(quantity=F("quantity") - quantity)
    except IntegrityError:
        changed = 0
    if not changed:
        left = balance.values_list("quantity", flat=True).first() or 0
        raise InsufficientStock(
            _(
                "Not enough %(item)s at %(holder)s: %(wanted)s wanted, %(left)s left (someone "
                "may have just taken them). Nothing was changed."
            )
            % {
                "item": _item_name(batch, consumable),
                "holder": _holder_name(holder),
                "wanted": _amount(batch, quantity),
                "left": _amount(batch, left),
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


def _as_far_as_held(holder: StockHolder, quantities: dict[str, int]) -> dict[str, int]:
    """``quantities`` of consumables, capped at what ``holder`` has of each."""
    held = dict(
        StockBalance.objects.filter(holder=holder, batch=None).values_list("consumable", "quantity")
    )
    return {item: min(quantity, held.get(item, 0)) for item, quantity in quantities.items()}


def _move_consumables(
    place: PopupSession | RouteDay,
    quantities: dict[str, int],
    *,
    kind: str,
    user: User,
    source: StockHolder | None = None,
    target: StockHolder | None = None,
    note: str = "",
) -> list[StockMovement]:
    """One movement per consumable with a quantity (none for a zero)."""
    return [
        _move(
            region=place.region,
            kind=kind,
            user=user,
            consumable=consumable,
            quantity=quantity,
            source=source,
            target=target,
            note=note,
        )
        for consumable, quantity in quantities.items()
        if quantity
    ]


def _positive(value: int, field: str) -> None:
    if value is None or value < 1:
        raise ValidationError({field: _("Enter a number of at least 1.")})


def _locked(place: PopupSession | RouteDay) -> PopupSession | RouteDay:
    """The place's row, locked: two allocations to the same place are served one after the
    other, so a team never gets a second anaphylaxis kit by a race. Only the place's own row is
    locked (``of``), not its region or product."""
    return (
        type(place)
        .objects.select_for_update(of=("self",))
        .select_related("product", "region")
        .get(pk=place.pk)
    )


def _is_open(place: PopupSession | RouteDay) -> bool:
    if isinstance(place, PopupSession):
        return place.is_open
    return place.cancelled_at is None


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
    if not lot_number:
        raise ValidationError({"lot_number": _("Enter the batch number printed on the carton.")})
    if expires_on < timezone.localdate():
        raise ValidationError(
            {"expires_on": _("The batch has expired: it cannot be taken into stock.")}
        )
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
    """Pieces of a consumable arrive at the region's store."""
    if consumable not in Consumable.values:
        raise ValidationError({"consumable": _("Choose a consumable from the list.")})
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
    place = _locked(place)
    if not _is_open(place):
        raise ValidationError(_("Stock cannot be allocated to a cancelled or finished plan."))
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
        plan, missing = plan_fefo(fefo_batches(store, product, place.date), vials, product)
        if missing:
            raise InsufficientStock(
                _(
                    "Not enough %(product)s in the region's store: %(wanted)d vials wanted, "
                    "%(have)d usable on %(day)s (someone may have just taken them). Nothing was "
                    "changed."
                )
                % {
                    "product": product.name,
                    "wanted": vials,
                    "have": vials - missing,
                    "day": place.date.isoformat(),
                }
            )
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
    movements += _move_consumables(
        place, needs, kind=Kind.ALLOCATION, user=user, source=store, target=holder
    )
    return movements


@transaction.atomic
def stock_return(
    *, place: PopupSession | RouteDay, user: User, batch: StockBatch, vials: int, note: str = ""
) -> list[StockMovement]:
    """Unopened vials go back to the store, with the consumables they were allocated with (as far
    as the place still has them)."""
    _positive(vials, "vials")
    place = _locked(place)
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
            note=note,
        )
    ]
    movements += _move_consumables(
        place,
        _as_far_as_held(holder, consumables_for(batch.product, vials)),
        kind=Kind.RETURN,
        user=user,
        source=holder,
        target=store,
        note=note,
    )
    return movements


@transaction.atomic
def stock_return_everything(
    *, place: PopupSession | RouteDay, user: User, note: str = ""
) -> list[StockMovement]:
    """Everything a place holds goes back to the store: its unopened vials and every consumable,
    the anaphylaxis kit too (a cancelled plan). Doses left in an opened vial stay, to be recorded
    as wasted."""
    place = _locked(place)
    store = store_of(place.region)
    field = "holder__session" if isinstance(place, PopupSession) else "holder__route_day"
    balances = (
        StockBalance.objects.filter(quantity__gt=0, **{field: place})
        .select_related("holder", "batch__product")
        .order_by("batch__expires_on", "consumable")
    )
    movements = []
    for balance in balances:
        quantity = balance.quantity
        if balance.batch is not None:
            per_vial = balance.batch.product.doses_per_vial
            quantity -= quantity % per_vial
        if quantity:
            movements.append(
                _move(
                    region=place.region,
                    kind=Kind.RETURN,
                    user=user,
                    batch=balance.batch,
                    consumable=balance.consumable,
                    quantity=quantity,
                    source=balance.holder,
                    target=store,
                    note=note,
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
    administered, wasted = administered or 0, wasted or 0
    if administered < 0 or wasted < 0 or administered + wasted == 0:
        raise ValidationError(_("Enter the doses given or wasted."))
    reasons = set(StockMovement.WasteReason.values) - {StockMovement.WasteReason.NONE}
    if wasted and waste_reason not in reasons:
        raise ValidationError({"waste_reason": _("Say why the doses were wasted.")})
    if not wasted:
        waste_reason = ""
    place = _locked(place)
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
        used = {
            consumable: per_dose * administered
            for consumable, per_dose in consumables_per_administered_dose(batch.product).items()
        }
        movements += _move_consumables(
            place,
            _as_far_as_held(holder, used),
            kind=Kind.ADMINISTERED,
            user=user,
            source=holder,
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


@transaction.atomic
def stock_use_opened_vials(
    *,
    place: PopupSession | RouteDay,
    user: User,
    product: VaccineProduct,
    vials: int,
    note: str = "",
) -> list[StockMovement]:
    """Record what opening ``vials`` vials used up besides the doses: the diluent, dilution
    syringe and needle of each (as far as the place has them), so that only unused consumables
    go back to the store."""
    if vials < 1:
        return []
    place = _locked(place)
    holder = holder_of(place)
    used = {item: count * vials for item, count in consumables_per_opened_vial(product).items()}
    return _move_consumables(
        place,
        _as_far_as_held(holder, used),
        kind=Kind.ADMINISTERED,
        user=user,
        source=holder,
        note=note,
    )
