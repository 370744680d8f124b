"""Kasper, the coordinator in Hovedstaden, keeps the region's vaccine and consumables: deliveries
into the store, vials out to pop-up sessions and route days with what they need, unopened vials
back, doses given and wasted. The ledger only grows, and the database keeps every balance at zero
or above."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from outreach import cpr
from outreach.models import Citizen, VaccineProduct
from regions.models import Consumable, StockBalance, StockBatch, StockMovement
from regions.services import sessions as session_services
from regions.services import stock
from tests.regions import world

pytestmark = pytest.mark.django_db

C = Consumable


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The pages in English, the language of the source strings the tests look for."""


@pytest.fixture
def kasper(hovedstaden_coordinator):
    return hovedstaden_coordinator


@pytest.fixture
def session(hovedstaden):
    return world.session(hovedstaden)


@pytest.fixture
def route_day(noerrebro_practice):
    return world.route_day(noerrebro_practice)


def held(place) -> dict:
    """What a session or route day holds: {lot or consumable: quantity}."""
    field = "holder__session" if hasattr(place, "site") else "holder__route_day"
    return {
        (b.batch.lot_number if b.batch else b.consumable): b.quantity
        for b in StockBalance.objects.filter(quantity__gt=0, **{field: place}).select_related(
            "batch"
        )
    }


def in_store(region) -> dict:
    return {
        (b.batch.lot_number if b.batch else b.consumable): b.quantity
        for b in StockBalance.objects.filter(
            holder__region=region, holder__session=None, holder__route_day=None
        ).select_related("batch")
    }


def receive(region, user, lot, vials, days, product="comirnaty"):
    return stock.stock_receive(
        region=region,
        user=user,
        product=VaccineProduct.objects.get(code=product),
        lot_number=lot,
        expires_on=timezone.localdate() + timedelta(days=days),
        vials=vials,
    ).batch


def stock_url(code="1084"):
    return reverse("regions:stock-list", kwargs={"code": code})


def action_url(place, action, code="1084"):
    kind = "session" if hasattr(place, "site") else "route-day"
    return reverse(f"regions:{kind}-{action}", kwargs={"code": code, "pk": place.pk})


def route_day_url(route_day, code="1084"):
    return reverse("regions:route-day-detail", kwargs={"code": code, "pk": route_day.pk})


# The services ------------------------------------------------------------------------------------


def test_it_counts_a_delivery_in_doses(hovedstaden, kasper):
    batch = receive(hovedstaden, kasper, "EK9788", 12, 60)
    assert in_store(hovedstaden) == {"EK9788": 72}
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.batch, movement.quantity) == ("receipt", batch, 72)
    assert movement.amount == "12 vials (72 doses)"


def test_it_allocates_comirnaty_with_the_consumables_two_vials_need(hovedstaden, kasper, session):
    world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    stock.stock_allocate(place=session, user=kasper, vials=2)
    assert held(session) == {
        "EK9788": 12,
        C.LOW_DEAD_VOLUME_SYRINGE: 12,
        C.NEEDLE: 14,
        C.DILUENT: 2,
        C.DILUTION_SYRINGE: 2,
        C.ANAPHYLAXIS_KIT: 1,
    }
    store = in_store(hovedstaden)
    assert store["EK9788"] == 48
    assert (store[C.LOW_DEAD_VOLUME_SYRINGE], store[C.NEEDLE], store[C.SYRINGE]) == (988, 986, 1000)


def test_it_gives_moderna_ordinary_syringes_and_no_diluent(hovedstaden, kasper):
    moderna = world.session(hovedstaden, product="moderna")
    world.stocked(hovedstaden, kasper, product="moderna", lot="3002183", vials=5)
    stock.stock_allocate(place=moderna, user=kasper, vials=1)
    assert held(moderna) == {
        "3002183": 10,
        C.SYRINGE: 10,
        C.NEEDLE: 10,
        C.ANAPHYLAXIS_KIT: 1,
    }


def test_it_sends_one_anaphylaxis_kit_per_team_however_many_allocations(
    hovedstaden, kasper, session
):
    world.stocked(hovedstaden, kasper, vials=10)
    stock.stock_allocate(place=session, user=kasper, vials=1)
    stock.stock_allocate(place=session, user=kasper, vials=2)
    assert held(session)[C.ANAPHYLAXIS_KIT] == 1
    assert held(session)[C.NEEDLE] == 3 * 7


def test_it_takes_the_first_batch_to_expire_that_is_still_good_and_splits_across_batches(
    hovedstaden, kasper, session
):
    world.stocked(hovedstaden, kasper, lot="LATE", vials=5, expires_on=session.date + timedelta(30))
    receive(hovedstaden, kasper, "SOON", 1, days=20)
    receive(hovedstaden, kasper, "TOO-SOON", 5, days=3)  # gone before the session's day
    stock.stock_allocate(place=session, user=kasper, vials=3)
    assert {lot: doses for lot, doses in held(session).items() if lot.isupper()} == {
        "SOON": 6,
        "LATE": 12,
    }
    assert in_store(hovedstaden)["TOO-SOON"] == 30


def test_it_never_takes_a_batch_that_expires_before_the_day(hovedstaden, kasper, session):
    world.stocked(
        hovedstaden, kasper, lot="TOO-SOON", vials=5, expires_on=session.date - timedelta(1)
    )
    with pytest.raises(stock.InsufficientStock, match="0 usable on"):
        stock.stock_allocate(place=session, user=kasper, vials=1)
    batch = StockBatch.objects.get(lot_number="TOO-SOON")
    with pytest.raises(stock.ValidationError, match="expires before the day of use"):
        stock.stock_allocate(place=session, user=kasper, vials=1, batch=batch)
    assert held(session) == {}


def test_it_refuses_more_than_the_store_holds_and_changes_nothing(hovedstaden, kasper, session):
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=2)
    before = (in_store(hovedstaden), StockMovement.objects.count())
    with pytest.raises(stock.InsufficientStock) as refused:
        stock.stock_allocate(place=session, user=kasper, vials=3)
    assert refused.value.messages == [
        "Not enough Comirnaty (BioNTech/Pfizer) in the region's store: 3 vials wanted, 2 usable "
        f"on {session.date.isoformat()} (someone may have just taken them). Nothing was changed."
    ]
    with pytest.raises(stock.InsufficientStock) as refused:
        stock.stock_allocate(place=session, user=kasper, vials=3, batch=batch)
    assert refused.value.messages == [
        "Not enough Comirnaty (BioNTech/Pfizer), batch EK9788 at the region's store: "
        "3 vials (18 doses) wanted, 2 vials (12 doses) left (someone may have just taken them). "
        "Nothing was changed."
    ]
    assert (in_store(hovedstaden), StockMovement.objects.count()) == before
    assert held(session) == {}


def test_it_refuses_allocating_to_a_cancelled_session(hovedstaden, kasper, session):
    world.stocked(hovedstaden, kasper)
    session_services.session_cancel(session=session, user=kasper)
    with pytest.raises(stock.ValidationError, match="cancelled or finished"):
        stock.stock_allocate(place=session, user=kasper, vials=1)


def test_it_returns_unopened_vials_with_their_consumables_but_keeps_the_kit(
    hovedstaden, kasper, session
):
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    stock.stock_allocate(place=session, user=kasper, vials=2)
    stock.stock_return(place=session, user=kasper, batch=batch, vials=1)
    assert held(session) == {
        "EK9788": 6,
        C.LOW_DEAD_VOLUME_SYRINGE: 6,
        C.NEEDLE: 7,
        C.DILUENT: 1,
        C.DILUTION_SYRINGE: 1,
        C.ANAPHYLAXIS_KIT: 1,
    }
    assert in_store(hovedstaden)["EK9788"] == 54


def test_it_does_not_take_back_an_opened_vial(hovedstaden, kasper, session):
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    stock.stock_allocate(place=session, user=kasper, vials=1)
    stock.stock_use(place=session, user=kasper, batch=batch, administered=1)
    with pytest.raises(stock.InsufficientStock, match="5 doses from an opened vial left"):
        stock.stock_return(place=session, user=kasper, batch=batch, vials=1)


def test_it_records_doses_given_with_their_syringes_and_doses_wasted_with_why(
    hovedstaden, kasper, session
):
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    stock.stock_allocate(place=session, user=kasper, vials=2)
    stock.stock_use(
        place=session,
        user=kasper,
        batch=batch,
        administered=5,
        wasted=1,
        waste_reason=StockMovement.WasteReason.LEFT_IN_VIAL,
    )
    assert held(session)["EK9788"] == 6
    assert (held(session)[C.LOW_DEAD_VOLUME_SYRINGE], held(session)[C.NEEDLE]) == (7, 9)
    wasted = StockMovement.objects.get(kind="wasted")
    assert (wasted.quantity, wasted.waste_reason, wasted.target) == (1, "left_in_vial", None)
    with pytest.raises(stock.ValidationError, match="Say why"):
        stock.stock_use(place=session, user=kasper, batch=batch, administered=0, wasted=1)


def test_it_keeps_the_ledger_append_only(hovedstaden, kasper):
    receive(hovedstaden, kasper, "EK9788", 1, 60)
    movement = StockMovement.objects.get()
    movement.quantity = 600
    with pytest.raises(ValueError, match="append-only"):
        movement.save()
    with pytest.raises(ValueError, match="append-only"):
        movement.delete()
    with pytest.raises(ValueError, match="append-only"):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=600)
    with pytest.raises(ValueError, match="append-only"):
        StockMovement.objects.all().delete()
    assert StockMovement.objects.get().quantity == 6


def test_it_has_the_database_refuse_a_negative_balance(hovedstaden, kasper):
    receive(hovedstaden, kasper, "EK9788", 1, 60)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(batch__lot_number="EK9788").update(quantity=-1)
    assert StockBalance.objects.get(batch__lot_number="EK9788").quantity == 6


def test_it_refuses_an_expired_delivery_and_a_lot_with_another_expiry_date(hovedstaden, kasper):
    with pytest.raises(stock.ValidationError, match="has expired"):
        receive(hovedstaden, kasper, "OLD", 1, -1)
    receive(hovedstaden, kasper, "EK9788", 1, 60)
    with pytest.raises(stock.ValidationError, match="registered with expiry date"):
        receive(hovedstaden, kasper, "EK9788", 1, 61)
    assert in_store(hovedstaden) == {"EK9788": 6}


# The pages ---------------------------------------------------------------------------------------


def test_it_shows_each_holder_with_vials_and_doses_and_an_opened_vial_in_doses(
    client, hovedstaden, kasper, session, route_day
):
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=20)
    stock.stock_allocate(place=session, user=kasper, vials=2)
    stock.stock_allocate(place=route_day, user=kasper, vials=12)
    stock.stock_use(place=session, user=kasper, batch=batch, administered=9)
    client.force_login(kasper)
    page = client.get(stock_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "The region's store" in text
    assert "6 vials (36 doses)" in text  # the store
    assert "12 vials (72 doses)" in text  # the route day
    assert "3 doses from an opened vial" in text  # the session after 9 doses
    assert f"Pop-up session {session}" in text
    assert route_day_url(route_day) in text
    assert "Low-dead-volume syringes" in text


def test_it_lists_the_latest_movements_fifty_to_a_page(client, hovedstaden, kasper, session):
    world.stocked(hovedstaden, kasper, vials=30)  # 7 movements
    for _ in range(10):
        stock.stock_allocate(place=session, user=kasper, vials=1)  # 5 or 6 each
    client.force_login(kasper)
    first = client.get(stock_url()).content.decode()
    assert first.count('<td data-title="Kind">') == 50
    assert "Page 1 of 2" in first
    second = client.get(stock_url() + "?page=2").content.decode()
    assert second.count('<td data-title="Kind">') == StockMovement.objects.count() - 50
    assert "Receipt" in second  # the oldest last
    assert "Kasper Lund" in first


def test_it_registers_a_delivery_from_the_page(client, hovedstaden, kasper):
    client.force_login(kasper)
    expiry = (timezone.localdate() + timedelta(days=90)).isoformat()
    comirnaty = VaccineProduct.objects.get(code="comirnaty")
    response = client.post(
        reverse("regions:stock-receive", kwargs={"code": "1084"}),
        {
            "vaccine-product": comirnaty.pk,
            "vaccine-lot_number": " FA4598 ",
            "vaccine-expires_on": expiry,
            "vaccine-vials": "12",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == stock_url()
    assert in_store(hovedstaden) == {"FA4598": 72}
    page = client.get(stock_url()).content.decode()
    assert "Received 12 vials (72 doses) of Comirnaty (BioNTech/Pfizer), batch FA4598" in page

    response = client.post(
        reverse("regions:stock-receive-consumable", kwargs={"code": "1084"}),
        {"consumable-consumable": C.NEEDLE, "consumable-quantity": "500"},
    )
    assert response.status_code == 302
    assert in_store(hovedstaden)[C.NEEDLE] == 500


def test_it_keeps_what_was_typed_when_a_delivery_is_refused(client, hovedstaden, kasper):
    client.force_login(kasper)
    comirnaty = VaccineProduct.objects.get(code="comirnaty")
    response = client.post(
        reverse("regions:stock-receive", kwargs={"code": "1084"}),
        {
            "vaccine-product": comirnaty.pk,
            "vaccine-lot_number": "FA4598",
            "vaccine-expires_on": "2021-01-01",
            "vaccine-vials": "12",
        },
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert "The batch has expired" in text
    assert 'value="FA4598"' in text
    assert StockMovement.objects.count() == 0


def test_it_allocates_to_a_session_and_goes_back_to_the_page_it_came_from(
    client, hovedstaden, kasper, session
):
    world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    client.force_login(kasper)
    came_from = f"/regions/1084/sessions/{session.pk}/"
    response = client.post(
        action_url(session, "allocate"),
        {"allocate-vials": "2", "allocate-batch": "", "next": came_from},
    )
    assert response.status_code == 302
    assert response["Location"] == came_from
    assert held(session)["EK9788"] == 12


def test_it_goes_to_the_stock_page_rather_than_another_site(client, hovedstaden, kasper, session):
    world.stocked(hovedstaden, kasper, vials=10)
    client.force_login(kasper)
    response = client.post(
        action_url(session, "allocate"),
        {"allocate-vials": "1", "next": "https://evil.example/regions/1084/stock/"},
    )
    assert response.status_code == 302
    assert response["Location"] == stock_url()


def test_it_shows_a_refused_session_allocation_under_the_sessions_name(
    client, hovedstaden, kasper, session
):
    world.stocked(hovedstaden, kasper, lot="EK9788", vials=1)
    client.force_login(kasper)
    came_from = f"/regions/1084/sessions/{session.pk}/"
    response = client.post(
        action_url(session, "allocate"), {"allocate-vials": "4", "next": came_from}
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert f"Stock for the pop-up session {session}" in text
    assert "4 vials wanted, 1 usable on" in text
    assert "For 4 vials the store would give: 1 vial of batch EK9788; 3 vials are missing." in text
    assert "Nothing was changed." in text
    assert 'name="allocate-vials" value="4"' in text
    assert f'name="next" value="{came_from}"' in text
    assert held(session) == {}


def test_it_shows_the_first_expiry_first_out_suggestion_on_a_route_day(
    client, hovedstaden, kasper, route_day
):
    world.stocked(
        hovedstaden, kasper, lot="LATE", vials=4, expires_on=route_day.date + timedelta(9)
    )
    receive(hovedstaden, kasper, "SOON", 2, days=10)
    receive(hovedstaden, kasper, "TOO-SOON", 2, days=2)
    client.force_login(kasper)
    text = client.get(route_day_url(route_day)).content.decode()
    assert text.index("Batch SOON") < text.index("Batch LATE")
    assert "Batch TOO-SOON" not in text
    assert "For 1 vial the store would give:" in text
    assert "1 vial of batch SOON" in text


def test_it_re_renders_the_route_day_with_the_clear_message_when_vials_are_gone(
    client, hovedstaden, kasper, route_day
):
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=2)
    client.force_login(kasper)
    form = client.get(route_day_url(route_day)).content.decode()
    assert f'<option value="{batch.pk}">EK9788' in form
    # Another coordinator takes the last vials between Kasper's page and his press.
    other = world.session(hovedstaden)
    stock.stock_allocate(place=other, user=kasper, vials=2)
    response = client.post(
        action_url(route_day, "allocate"), {"allocate-vials": "2", "allocate-batch": batch.pk}
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert (
        "Not enough Comirnaty (BioNTech/Pfizer), batch EK9788 at the region&#x27;s store: "
        "2 vials (12 doses) wanted, no vials left (someone may have just taken them). "
        "Nothing was changed."
    ) in text
    # Every form of the page, re-rendered at the POST's URL, still leads back to the route day.
    main = text[text.index("<main") :]
    assert f'name="next" value="{route_day_url(route_day)}"' in main
    assert f'name="next" value="{action_url(route_day, "allocate")}"' not in main
    assert held(route_day) == {}


def test_it_returns_and_records_use_on_a_route_day_from_its_page(
    client, hovedstaden, kasper, route_day
):
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    stock.stock_allocate(place=route_day, user=kasper, vials=3)
    client.force_login(kasper)
    response = client.post(
        action_url(route_day, "return"), {"return-batch": batch.pk, "return-vials": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == route_day_url(route_day)
    response = client.post(
        action_url(route_day, "use"),
        {"use-batch": batch.pk, "use-administered": "5", "use-wasted": "1", "use-waste_reason": ""},
    )
    assert response.status_code == 422
    assert "Say why the doses were wasted." in response.content.decode()
    response = client.post(
        action_url(route_day, "use"),
        {
            "use-batch": batch.pk,
            "use-administered": "5",
            "use-wasted": "1",
            "use-waste_reason": "dropped",
        },
    )
    assert response.status_code == 302
    assert held(route_day)["EK9788"] == 6
    page = client.get(stock_url()).content.decode()
    assert "Dropped or broken" in page


def test_it_exports_the_movements_formula_safe_and_without_a_cpr_number(
    client, tmp_path, hovedstaden, kasper, kbh_caseworker, session
):
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 3, accepted=True)
    for referral in referrals:
        session_services.session_book(session=session, referral=referral, user=kasper)
    batch = world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    stock.stock_allocate(place=session, user=kasper, vials=1)
    stock.stock_use(place=session, user=kasper, batch=batch, administered=3, note="=HYPERLINK(1)")
    client.force_login(kasper)
    response = client.get(reverse("regions:stock-export", kwargs={"code": "1084"}))
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:3] == ["When", "Kind", "Vaccine"]
    assert len(rows) == 1 + StockMovement.objects.count()
    assert "'=HYPERLINK(1)" in body
    assert f"Pop-up session {session}" in body
    citizens = Citizen.objects.filter(session_bookings__session=session)
    assert len(citizens) == 3
    for citizen in citizens:
        digits = cpr.vault().decrypt(citizen.cpr_encrypted).replace("-", "")
        for shown in (digits, f"{digits[:6]}-{digits[6:]}", citizen.masked_cpr, citizen.name):
            assert shown not in body


@pytest.mark.parametrize("sessions", [2, 12])
def test_it_keeps_the_stock_pages_queries_flat(
    client, hovedstaden, kasper, django_assert_max_num_queries, sessions
):
    site = world.site(hovedstaden)
    world.stocked(hovedstaden, kasper, vials=100)
    receive(hovedstaden, kasper, "FA4598", 50, 90)
    for _ in range(sessions):
        place = world.session(hovedstaden, at=site)
        stock.stock_allocate(place=place, user=kasper, vials=2)
    client.force_login(kasper)
    # Session, user, memberships, grants; balances; movements counted and paged; the products.
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(9):
        assert client.get(stock_url()).status_code == 200
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(6):
        assert (
            client.get(reverse("regions:stock-export", kwargs={"code": "1084"})).status_code == 200
        )


def test_it_keeps_the_route_day_pages_queries_flat(
    client, hovedstaden, kasper, route_day, django_assert_max_num_queries
):
    world.stocked(hovedstaden, kasper, vials=100)
    for lot in range(10):
        receive(hovedstaden, kasper, f"LOT{lot}", 1, 30 + lot)
    stock.stock_allocate(place=route_day, user=kasper, vials=12)
    client.force_login(kasper)
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(10):
        assert client.get(route_day_url(route_day)).status_code == 200


@pytest.mark.parametrize(
    "name", ["stock-list", "stock-export", "stock-receive", "stock-receive-consumable"]
)
def test_it_hides_the_stock_pages_from_another_regions_coordinator(
    client, midtjylland_coordinator, name
):
    client.force_login(midtjylland_coordinator)
    url = reverse(f"regions:{name}", kwargs={"code": "1084"})
    method = client.get if name in ("stock-list", "stock-export") else client.post
    assert method(url).status_code == 404


@pytest.mark.parametrize("action", ["allocate", "return", "use"])
def test_it_hides_a_session_of_another_region(
    client, hovedstaden, kasper, midtjylland_coordinator, session, action
):
    world.stocked(hovedstaden, kasper)
    client.force_login(midtjylland_coordinator)
    assert client.post(action_url(session, action), {"allocate-vials": "1"}).status_code == 404
    assert (
        client.post(action_url(session, action, code="1082"), {"allocate-vials": "1"}).status_code
        == 404
    )
    assert held(session) == {}
