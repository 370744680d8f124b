"""Kasper plans route days, a vaccinator's day of home visits, with a vaccine the rules allow at
home; he cancels one that will not happen, and its stock goes back to the store."""

from datetime import timedelta

import pytest
from django.urls import reverse

from outreach.models import VaccineProduct
from regions.models import RouteDay, StaffAssignment, StaffMember, StockBalance
from regions.services import staff as staff_services
from regions.services import stock
from tests.factories import PracticeFactory
from tests.regions import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The pages in English, the language of the source strings the tests look for."""


@pytest.fixture
def kasper(hovedstaden_coordinator):
    return hovedstaden_coordinator


def list_url(code="1084"):
    return reverse("regions:route-day-list", kwargs={"code": code})


def create_url(code="1084"):
    return reverse("regions:route-day-create", kwargs={"code": code})


def detail_url(route_day, code="1084"):
    return reverse("regions:route-day-detail", kwargs={"code": code, "pk": route_day.pk})


def cancel_url(route_day, code="1084"):
    return reverse("regions:route-day-cancel", kwargs={"code": code, "pk": route_day.pk})


def plan(practice, product="comirnaty", day=None):
    return {
        "vaccinator_organisation": practice.pk,
        "date": (day or world.next_week()).isoformat(),
        "starts_at": "08:00",
        "ends_at": "15:00",
        "product": VaccineProduct.objects.get(code=product).pk,
    }


def test_it_plans_a_route_day_and_lists_it(client, kasper, noerrebro_practice):
    client.force_login(kasper)
    response = client.post(create_url(), plan(noerrebro_practice))
    route_day = RouteDay.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(route_day)
    assert (route_day.region.code, route_day.product.code) == ("1084", "comirnaty")
    detail = client.get(detail_url(route_day)).content.decode()
    assert "Route day: Lægerne på Nørrebrogade" in detail
    assert "The route day is planned." in detail
    listed = client.get(list_url()).content.decode()
    assert detail_url(route_day) in listed
    assert "None yet" in listed


def test_it_refuses_moderna_at_home_with_the_rules_reason(client, kasper, noerrebro_practice):
    client.force_login(kasper)
    response = client.post(create_url(), plan(noerrebro_practice, product="moderna"))
    text = response.content.decode()
    assert response.status_code == 422
    assert "COVID-19 Vaccine Moderna may not be used for home vaccination on" in text
    assert "Moderna may not be transported after the first puncture" in text
    assert 'value="08:00"' in text
    assert RouteDay.objects.count() == 0


def test_it_refuses_a_second_day_for_the_same_vaccinator_and_a_day_in_the_past(
    client, kasper, noerrebro_practice
):
    world.route_day(noerrebro_practice)
    client.force_login(kasper)
    response = client.post(create_url(), plan(noerrebro_practice))
    assert response.status_code == 422
    assert "already has a route day on" in response.content.decode()
    past = world.next_week(-8)
    response = client.post(create_url(), plan(noerrebro_practice, day=past))
    assert response.status_code == 422
    assert "cannot be planned in the past" in response.content.decode()
    assert RouteDay.objects.count() == 1


def test_it_offers_only_the_regions_vaccinators(client, kasper, noerrebro_practice, viby_practice):
    client.force_login(kasper)
    page = client.get(list_url()).content.decode()
    assert "Lægerne på Nørrebrogade" in page
    assert "Lægerne i Viby" not in page
    response = client.post(create_url(), plan(viby_practice))
    assert response.status_code == 422
    assert RouteDay.objects.count() == 0


def test_it_cancels_a_day_returning_its_stock_and_freeing_its_staff(
    client, kasper, hovedstaden, noerrebro_practice
):
    route_day = world.route_day(noerrebro_practice)
    world.stocked(hovedstaden, kasper, lot="EK9788", vials=10)
    stock.stock_allocate(place=route_day, user=kasper, vials=3)
    lise = staff_services.staff_member_create(
        region=hovedstaden, name="Lise Bach", role="vaccinator", organisation=noerrebro_practice
    )
    staff_services.staff_assign(staff=lise, place=route_day, user=kasper)
    client.force_login(kasper)
    response = client.post(cancel_url(route_day))
    assert response.status_code == 302
    assert response["Location"] == detail_url(route_day)
    route_day.refresh_from_db()
    assert route_day.cancelled_at is not None
    held = StockBalance.objects.filter(holder__route_day=route_day, quantity__gt=0)
    assert not held.exists()
    store = StockBalance.objects.filter(holder__session=None, holder__route_day=None)
    assert store.get(batch__lot_number="EK9788").quantity == 60
    assert store.get(consumable="anaphylaxis_kit").quantity == 1000
    assert StaffAssignment.objects.count() == 0
    assert StaffMember.objects.filter(name="Lise Bach").exists()
    detail = client.get(detail_url(route_day)).content.decode()
    assert "its stock is back in the store" in detail
    assert "Allocate" not in detail
    response = client.post(cancel_url(route_day))
    assert response.status_code == 422
    assert "already cancelled" in response.content.decode()
    # The date is free again for the same vaccinator.
    assert client.post(create_url(), plan(noerrebro_practice)).status_code == 302


def test_it_lists_past_days_apart(client, kasper, noerrebro_practice):
    soon = world.route_day(noerrebro_practice)
    past = world.route_day(noerrebro_practice, day=world.next_week(1))
    RouteDay.objects.filter(pk=past.pk).update(date=world.next_week(-10))
    client.force_login(kasper)
    upcoming = client.get(list_url()).content.decode()
    assert detail_url(soon) in upcoming
    assert detail_url(past) not in upcoming
    earlier = client.get(list_url() + "?show=past").content.decode()
    assert detail_url(past) in earlier
    assert detail_url(soon) not in earlier


@pytest.mark.parametrize("days", [2, 20])
def test_it_keeps_the_route_day_lists_queries_flat(
    client, kasper, hovedstaden, django_assert_max_num_queries, days
):
    world.stocked(hovedstaden, kasper, vials=200)
    for n in range(days):
        practice = PracticeFactory(code=f"97{n:04d}", name=f"Lægehus {n}", region=hovedstaden)
        route_day = world.route_day(practice, day=world.next_week(7 + n % 5))
        stock.stock_allocate(place=route_day, user=kasper, vials=2)
        person = staff_services.staff_member_create(
            region=hovedstaden, name=f"Person {n}", role="vaccinator", organisation=practice
        )
        staff_services.staff_assign(staff=person, place=route_day, user=kasper)
    client.force_login(kasper)
    # Session, user, memberships, grants; days counted and paged; the form's vaccinators and
    # products.
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(9):
        page = client.get(list_url())
    assert page.status_code == 200
    assert page.content.decode().count("2 vials (12 doses)") == days


@pytest.mark.parametrize(
    "name,method",
    [
        ("route-day-detail", "get"),
        ("route-day-cancel", "post"),
        ("route-day-allocate", "post"),
        ("route-day-return", "post"),
        ("route-day-use", "post"),
    ],
)
def test_it_hides_a_route_day_from_another_regions_coordinator(
    client, kasper, hovedstaden, noerrebro_practice, midtjylland_coordinator, name, method
):
    route_day = world.route_day(noerrebro_practice)
    world.stocked(hovedstaden, kasper)
    client.force_login(midtjylland_coordinator)
    for code in ("1084", "1082"):
        url = reverse(f"regions:{name}", kwargs={"code": code, "pk": route_day.pk})
        assert getattr(client, method)(url, {"allocate-vials": "1"}).status_code == 404
    route_day.refresh_from_db()
    assert route_day.cancelled_at is None
    assert not StockBalance.objects.filter(holder__route_day=route_day).exists()


@pytest.mark.parametrize("name,method", [("route-day-list", "get"), ("route-day-create", "post")])
def test_it_hides_the_route_day_list_from_another_regions_coordinator(
    client, midtjylland_coordinator, noerrebro_practice, name, method
):
    client.force_login(midtjylland_coordinator)
    url = reverse(f"regions:{name}", kwargs={"code": "1084"})
    assert getattr(client, method)(url, plan(noerrebro_practice)).status_code == 404
    assert RouteDay.objects.count() == 0


def test_it_shows_a_days_conflict_with_the_rules(client, kasper, noerrebro_practice):
    route_day = world.route_day(noerrebro_practice, day=world.next_week() + timedelta(days=1))
    RouteDay.objects.filter(pk=route_day.pk).update(rule_conflict="Paused from today.")
    client.force_login(kasper)
    assert "Conflicts with the rules" in client.get(list_url()).content.decode()
    assert "Paused from today." in client.get(detail_url(route_day)).content.decode()
