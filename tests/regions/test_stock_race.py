"""Two coordinators allocate the store's last two vials, each to a different pop-up session, at the
same moment: exactly one gets them, the other is told clearly, and the store never goes below
zero."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from outreach.roles import Role
from regions.models import PopupSession, StockBalance
from regions.services import stock
from tests.factories import persona
from tests.regions import world
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_exactly_one_of_two_coordinators_take_the_last_vials(
    hovedstaden, hovedstaden_coordinator
):
    require_postgresql()
    karin = persona("karin", Role.COORDINATOR, hovedstaden, first_name="Karin", last_name="Bak")
    site = world.site(hovedstaden)
    sessions = [world.session(hovedstaden, at=site) for _ in range(2)]
    batch = world.stocked(hovedstaden, hovedstaden_coordinator, vials=2)
    store = StockBalance.objects.get(holder__session=None, holder__route_day=None, batch=batch)
    start = threading.Barrier(2)
    outcomes = {}

    def allocate(user, session_pk):
        # Each thread has its own database connection: two real sessions racing. The active
        # language is per thread too: speak English here, as the rest of the test does.
        try:
            start.wait()
            with translation.override("en"):
                stock.stock_allocate(
                    place=PopupSession.objects.get(pk=session_pk), user=user, vials=2
                )
            outcomes[user.username] = "won"
        except stock.InsufficientStock as refused:
            outcomes[user.username] = refused.messages[0]
        finally:
            connection.close()

    for round_ in range(10):
        if round_:
            # The winner of the last round took everything: two more vials of the same batch.
            stock.stock_receive(
                region=hovedstaden,
                user=hovedstaden_coordinator,
                product=batch.product,
                lot_number=batch.lot_number,
                expires_on=batch.expires_on,
                vials=2,
            )
        outcomes.clear()
        threads = [
            threading.Thread(target=allocate, args=(user, session.pk))
            for user, session in zip((hovedstaden_coordinator, karin), sessions, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(outcomes) == 2
        assert list(outcomes.values()).count("won") == 1
        refusal = next(outcome for outcome in outcomes.values() if outcome != "won")
        assert refusal.startswith("Not enough Comirnaty (BioNTech/Pfizer)")
        assert "someone may have just taken them" in refusal
        assert refusal.endswith("Nothing was changed.")
        store.refresh_from_db()
        assert store.quantity == 0
    held = StockBalance.objects.filter(holder__session__in=sessions, batch=batch)
    assert sum(balance.quantity for balance in held) == 10 * 2 * 6
