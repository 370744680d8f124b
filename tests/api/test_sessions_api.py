"""Lise runs today's pop-up session through the API as on its page: the list of booked citizens,
the checklist first, then one outcome per booking; Peter's practice sees none of it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Referral
from outreach.models import AccessEvent, VaccinationRecord
from regions.models import SessionBooking
from regions.services import sessions, stock
from tests.api.conftest import api_client_for
from tests.regions import world

pytestmark = pytest.mark.django_db

CHECKLIST = {
    "anaphylaxis_kit": True,
    "adrenaline": True,
    "oxygen_or_emergency_plan": True,
    "it_access": True,
}


@pytest.fixture
def session(tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator, noerrebro_practice):
    world.stocked(hovedstaden, hovedstaden_coordinator, vials=4)
    today = world.session(hovedstaden, vaccinator=noerrebro_practice, day=timezone.localdate())
    for referral in world.referrals(tmp_path, kbh_caseworker, "101", 2, accepted=True):
        sessions.session_book(session=today, referral=referral, user=hovedstaden_coordinator)
    stock.stock_allocate(place=today, user=hovedstaden_coordinator, vials=1)
    return today


def url(name, session, **kwargs):
    return reverse(f"vaccinators-api:{name}", kwargs={"code": "990101", "pk": session.pk, **kwargs})


def booking_url(session, n):
    booking = SessionBooking.objects.filter(session=session).order_by("slot_at", "pk")[n]
    return url("booking-outcome", session, booking_pk=booking.pk)


def test_it_lists_the_practices_sessions_and_a_sessions_bookings(lise_api, noerrebro_gp, session):
    listed = lise_api.get(reverse("vaccinators-api:session-list", kwargs={"code": "990101"}))
    assert [(s["id"], s["booked"]) for s in listed.json()] == [(session.pk, 2)]
    detail = lise_api.get(url("session-detail", session))
    assert detail.status_code == 200
    bookings = detail.json()["bookings"]
    assert [b["citizen"]["name"] for b in bookings] == ["Borger 0", "Borger 1"]
    assert all(b["citizen"]["masked_cpr"].endswith("-XXXX") for b in bookings)
    assert AccessEvent.objects.filter(
        user=noerrebro_gp, action=AccessEvent.Action.LIST, purpose="Pop-up session list"
    ).exists()


def test_it_records_a_booking_after_the_checklist_and_only_once(lise_api, session):
    refused = lise_api.post(booking_url(session, 0), {"outcome": "vaccinated"}, format="json")
    assert refused.status_code == 409
    assert "Confirm the safety checklist" in refused.json()["detail"]
    assert lise_api.post(url("session-checklist", session), CHECKLIST, format="json").json()[
        "checklist_confirmed"
    ]

    done = lise_api.post(booking_url(session, 0), {"outcome": "vaccinated"}, format="json")
    assert done.status_code == 201
    record = VaccinationRecord.objects.get()
    assert (record.setting, record.batch) == (VaccinationRecord.Setting.POPUP, "EK9788")
    assert Referral.objects.get(session_bookings__pk=done.json()["booking"]["id"]).status == (
        Referral.Status.DONE
    )
    again = lise_api.post(booking_url(session, 0), {"outcome": "declined"}, format="json")
    assert again.status_code == 409
    assert VaccinationRecord.objects.count() == 1


def test_it_hides_the_session_from_another_practice(viby_gp, viby_practice, session):
    peter_api = api_client_for(viby_gp)
    assert peter_api.get(url("session-detail", session)).status_code == 404
    other = reverse("vaccinators-api:session-detail", kwargs={"code": "990201", "pk": session.pk})
    assert peter_api.get(other).status_code == 404
