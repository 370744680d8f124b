"""Whatever coordinators do to the stock, in whatever order, and however often they ask for more
than there is: every balance is the sum of the ledger's movements into and out of its holder, and
none is below zero."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.models import VaccineProduct
from regions.models import Consumable, StockBalance, StockBatch, StockMovement
from regions.services import stock
from tests.regions import world

pytestmark = pytest.mark.django_db

# (lot, product, days until expiry): two Comirnaty lots, one that expires before the plans' day,
# and a Moderna lot that no Comirnaty place can take.
LOTS = [
    ("EK1", "comirnaty", 30),
    ("EK2", "comirnaty", 60),
    ("EK3", "comirnaty", 2),
    ("MO1", "moderna", 45),
]

receipts = st.tuples(st.just("receive"), st.sampled_from(range(len(LOTS))), st.integers(1, 4))
consumables = st.tuples(
    st.just("consumable"), st.sampled_from(Consumable.values), st.integers(1, 30)
)
allocations = st.tuples(
    st.just("allocate"),
    st.integers(0, 2),
    st.integers(1, 4),
    st.one_of(st.none(), st.sampled_from(range(len(LOTS)))),
)
returns = st.tuples(
    st.just("return"), st.integers(0, 2), st.sampled_from(range(len(LOTS))), st.integers(1, 3)
)
uses = st.tuples(
    st.just("use"),
    st.integers(0, 2),
    st.sampled_from(range(len(LOTS))),
    st.integers(0, 8),
    st.integers(0, 3),
)
steps = st.lists(st.one_of(receipts, consumables, allocations, returns, uses), max_size=25)


class Rollback(Exception):
    """Ends an example's transaction: the next example starts from the same world."""


def ledger_sums() -> dict:
    """{(holder, batch, consumable): doses or pieces in minus out}, from the movements alone."""
    sums = defaultdict(int)
    for target, source, batch, consumable, quantity in StockMovement.objects.values_list(
        "target", "source", "batch", "consumable", "quantity"
    ):
        if target is not None:
            sums[(target, batch, consumable)] += quantity
        if source is not None:
            sums[(source, batch, consumable)] -= quantity
    return sums


def test_it_keeps_every_balance_equal_to_its_movements_and_never_negative(
    hovedstaden, hovedstaden_coordinator, noerrebro_practice
):
    user = hovedstaden_coordinator
    site = world.site(hovedstaden)
    places = [
        world.session(hovedstaden, at=site),
        world.session(hovedstaden, at=site, day=world.next_week(8)),
        world.route_day(noerrebro_practice),
    ]
    products = {code: VaccineProduct.objects.get(code=code) for code in ("comirnaty", "moderna")}
    today = timezone.localdate()
    refused = defaultdict(int)

    def batch(index: int) -> StockBatch | None:
        return StockBatch.objects.filter(lot_number=LOTS[index][0]).first()

    def run(step) -> None:
        kind, *args = step
        if kind == "receive":
            lot, product, days = LOTS[args[0]]
            stock.stock_receive(
                region=hovedstaden,
                user=user,
                product=products[product],
                lot_number=lot,
                expires_on=today + timedelta(days=days),
                vials=args[1],
            )
        elif kind == "consumable":
            stock.stock_receive_consumable(
                region=hovedstaden, user=user, consumable=args[0], quantity=args[1]
            )
        elif kind == "allocate":
            chosen = None if args[2] is None else batch(args[2])
            if args[2] is not None and chosen is None:
                return
            stock.stock_allocate(place=places[args[0]], user=user, vials=args[1], batch=chosen)
        elif kind == "return":
            if (chosen := batch(args[1])) is not None:
                stock.stock_return(place=places[args[0]], user=user, batch=chosen, vials=args[2])
        elif (chosen := batch(args[1])) is not None and args[2] + args[3]:
            stock.stock_use(
                place=places[args[0]],
                user=user,
                batch=chosen,
                administered=args[2],
                wasted=args[3],
                waste_reason=StockMovement.WasteReason.DROPPED if args[3] else "",
            )

    @settings(max_examples=60, deadline=None)
    @given(steps)
    def check(sequence):
        try:
            with transaction.atomic():
                for step in sequence:
                    try:
                        run(step)
                    except ValidationError as error:  # InsufficientStock among them
                        refused[type(error).__name__] += 1
                sums = ledger_sums()
                balances = {
                    (b.holder_id, b.batch_id, b.consumable): b.quantity
                    for b in StockBalance.objects.all()
                }
                assert all(quantity >= 0 for quantity in balances.values())
                assert {k: v for k, v in balances.items() if v} == {
                    k: v for k, v in sums.items() if v
                }
                assert set(sums) <= set(balances)
                raise Rollback
        except Rollback:
            pass

    check()
    # The sequences did run into refusals, so the invariant was tested across them too.
    assert refused["InsufficientStock"] > 0
