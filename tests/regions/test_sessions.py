"""Kasper plans pop-up sessions at the region's sites and books accepted pop-up referrals into
their time slots; each session shows what its bookings open and waste, and the ride to the slot
appears on the municipality's transport list."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Referral, TransportBooking
from outreach.models import VaccineProduct
from regions.models import PopupSession, PopupSite
from regions.selectors.sessions import active_bookings, session_slots
from regions.services import sessions
from tests.regions import world

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"regions:{name}", kwargs={"code": "1084", **kwargs})


def book(session, referrals, user):
    for referral in referrals:
        sessions.session_book(session=session, referral=referral, user=user)


def test_it_adds_a_site_and_refuses_an_unknown_postcode(
    client, in_english, hovedstaden, hovedstaden_coordinator
):
    client.force_login(hovedstaden_coordinator)
    form = {
        "name": "Valby Kulturhus", "kind": "culture_house", "street": "Valgårdsvej 4",
        "postcode": "9999", "available_from": timezone.localdate().isoformat(),
    }  # fmt: skip
    refused = client.post(url("site-list"), form)
    assert refused.status_code == 422
    assert "9999 is not a Danish postcode" in refused.text
    assert 'value="Valgårdsvej 4"' in refused.text
    client.post(url("site-list"), {**form, "postcode": "2500"})
    site = PopupSite.objects.get()
    assert (site.region, site.postcode.code) == (hovedstaden, "2500")


def test_it_plans_a_session_only_with_a_product_the_rules_allow_at_a_pop_up(
    client, in_english, hovedstaden, hovedstaden_coordinator
):
    site = world.site(hovedstaden)
    client.force_login(hovedstaden_coordinator)
    form = {
        "site": site.pk, "date": world.next_week().isoformat(), "starts_at": "09:00",
        "ends_at": "12:00", "capacity": "24", "slot_minutes": "15",
        "product": VaccineProduct.objects.get(code="astrazeneca").pk,
    }  # fmt: skip
    refused = client.post(url("session-list"), form)
    assert refused.status_code == 422
    assert "may not be used at a pop-up" in refused.text
    assert "paused in Denmark" in refused.text
    past = {**form, "date": (timezone.localdate() - timedelta(days=1)).isoformat()}
    assert "cannot be planned in the past" in client.post(url("session-list"), past).text
    moderna = {**form, "product": VaccineProduct.objects.get(code="moderna").pk}
    response = client.post(url("session-list"), moderna)
    session = PopupSession.objects.get()
    assert response["Location"] == url("session-detail", pk=session.pk)
    assert (session.product.code, session.capacity, session.status) == ("moderna", 24, "planned")


def test_it_shows_the_vial_arithmetic_as_citizens_are_booked(
    client, in_english, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator
):
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 7, accepted=True)
    session = world.session(hovedstaden)
    client.force_login(hovedstaden_coordinator)
    page = client.get(url("session-detail", pk=session.pk))
    assert "Nobody booked: no vial opened." in page.text
    assert len(page.context["waiting"]) == 7
    for referral in referrals:
        client.post(url("session-book", pk=session.pk), {"referral": referral.pk, "slot_at": ""})
    page = client.get(url("session-detail", pk=session.pk))
    assert "7 booked = 2 vials, 5 doses would be wasted." in page.text
    assert "5 more citizens would fill the last vial." in page.text
    listing = client.get(url("session-list"))
    assert "7 booked = 2 vials" in listing.text


def test_it_sends_the_slot_and_the_ride_back_to_the_municipality(
    client, in_english, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator
):
    (referral,) = world.referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    session = world.session(hovedstaden)
    slot = session_slots(session)[2].at
    client.force_login(hovedstaden_coordinator)
    response = client.post(
        url("session-book", pk=session.pk),
        {"referral": referral.pk, "slot_at": slot.isoformat()},
        follow=True,
    )
    assert "is booked at 09:30" in response.text
    referral.refresh_from_db()
    assert (referral.status, referral.scheduled_for) == ("scheduled", slot)
    ride = TransportBooking.objects.get(visitation=referral.visitation)
    assert ride.destination == "Nørrebrohallen, Nørrebrogade 208, 2200 København N"
    assert ride.pickup_at == slot - timedelta(minutes=30)
    client.force_login(kbh_caseworker)
    transport = client.get(reverse("municipalities:transport-list", kwargs={"code": "101"}))
    assert "Nørrebrohallen" in transport.text

    client.force_login(hovedstaden_coordinator)
    booking = active_bookings(session).get()
    client.post(url("session-booking-cancel", pk=session.pk, booking_pk=booking.pk))
    referral.refresh_from_db()
    ride.refresh_from_db()
    assert (referral.status, referral.scheduled_for) == ("accepted", None)
    assert (ride.destination, ride.pickup_at, ride.status) == ("", None, "to_arrange")


def test_it_refuses_a_referral_that_is_not_an_accepted_pop_up(
    tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator
):
    (requested,) = world.referrals(tmp_path, kbh_caseworker, "101", 1)
    (home,) = world.referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home", start=5,
                              accepted=True)  # fmt: skip
    session = world.session(hovedstaden)
    with pytest.raises(ValidationError, match="Accept the referral before booking it"):
        sessions.session_book(session=session, referral=requested, user=hovedstaden_coordinator)
    with pytest.raises(ValidationError, match="pop-up referrals"):
        sessions.session_book(session=session, referral=home, user=hovedstaden_coordinator)


def test_it_fills_slots_and_refuses_a_full_session(
    tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator
):
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 3, accepted=True)
    session = world.session(hovedstaden, capacity=2)
    first = session_slots(session)[0].at
    sessions.session_book(
        session=session, referral=referrals[0], user=hovedstaden_coordinator, slot_at=first
    )
    with pytest.raises(ValidationError, match="That time slot is full"):
        sessions.session_book(
            session=session, referral=referrals[1], user=hovedstaden_coordinator, slot_at=first
        )
    booking = sessions.session_book(
        session=session, referral=referrals[1], user=hovedstaden_coordinator
    )
    assert booking.slot_at == session_slots(session)[1].at
    with pytest.raises(ValidationError, match="The session is full"):
        sessions.session_book(session=session, referral=referrals[2], user=hovedstaden_coordinator)


def test_it_confirms_an_mrna_session_only_when_little_is_wasted(
    client, in_english, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator
):
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 10, accepted=True)
    session = world.session(hovedstaden)
    book(session, referrals[:7], hovedstaden_coordinator)
    client.force_login(hovedstaden_coordinator)
    refused = client.post(url("session-confirm", pk=session.pk))
    assert refused.status_code == 422
    assert "may waste at most 2 doses: book 3 more" in refused.text
    assert PopupSession.objects.get(pk=session.pk).status == "planned"
    book(session, referrals[7:], hovedstaden_coordinator)
    client.post(url("session-confirm", pk=session.pk))
    session.refresh_from_db()
    assert (session.status, session.confirmed_by) == ("confirmed", hovedstaden_coordinator)


def test_it_frees_the_place_of_a_referral_the_municipality_withdrew(
    tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator
):
    (referral,) = world.referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    session = world.session(hovedstaden)
    sessions.session_book(session=session, referral=referral, user=hovedstaden_coordinator)
    from municipalities.services import cases

    cases.visitation_decide(
        task=referral.task, user=kbh_caseworker, decision="declined", wants_vaccination=False
    )
    assert Referral.objects.get(pk=referral.pk).status == "withdrawn"
    assert active_bookings(session).count() == 0


def test_it_cancels_a_session_and_its_citizens_wait_for_another(
    client, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator
):
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 2, accepted=True)
    session = world.session(hovedstaden)
    book(session, referrals, hovedstaden_coordinator)
    client.force_login(hovedstaden_coordinator)
    client.post(url("session-cancel", pk=session.pk))
    assert PopupSession.objects.get(pk=session.pk).status == "cancelled"
    assert {r.status for r in Referral.objects.all()} == {"accepted"}


def test_it_hides_a_session_from_another_region(
    client, tmp_path, kbh_caseworker, hovedstaden, midtjylland_coordinator
):
    (referral,) = world.referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    session = world.session(hovedstaden)
    client.force_login(midtjylland_coordinator)
    assert client.get(url("session-detail", pk=session.pk)).status_code == 404
    other = reverse("regions:session-detail", kwargs={"code": "1082", "pk": session.pk})
    assert client.get(other).status_code == 404
    book_url = reverse("regions:session-book", kwargs={"code": "1082", "pk": session.pk})
    assert client.post(book_url, {"referral": referral.pk}).status_code == 404
    assert client.get(url("session-list")).status_code == 404


def test_it_shows_the_session_pages_in_the_same_queries_for_few_and_many(
    client, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator,
    django_assert_num_queries,
):  # fmt: skip
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 14, accepted=True)
    session = world.session(hovedstaden)
    book(session, referrals[:2], hovedstaden_coordinator)
    world.session(hovedstaden, day=world.next_week(8))
    client.force_login(hovedstaden_coordinator)
    counts = {}
    for name, kwargs in (("session-detail", {"pk": session.pk}), ("session-list", {})):
        client.get(url(name, **kwargs))
        with django_assert_num_queries(99, exact=False) as few:
            client.get(url(name, **kwargs))
        counts[name] = len(few.captured_queries)
    book(session, referrals[2:12], hovedstaden_coordinator)
    for _day in range(9, 14):
        world.session(hovedstaden, day=world.next_week(_day), at=session.site)
    for name, kwargs in (("session-detail", {"pk": session.pk}), ("session-list", {})):
        with django_assert_num_queries(counts[name]):
            client.get(url(name, **kwargs))
    # The session page also shows what the session holds and its staff, with their forms.
    # One more each since ADR 0014: the device that verified the second factor.
    assert counts == {"session-detail": 19, "session-list": 10}
