"""Lise, a GP at Nørrebro, sees the pop-up sessions her practice runs and who comes when; the Viby
practice sees none of them."""

import pytest
from django.urls import reverse

from outreach.models import AccessEvent
from regions.services import sessions
from tests.regions import world

pytestmark = pytest.mark.django_db


def test_it_shows_the_practice_its_sessions_and_their_lists(
    client, in_english, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator,
    noerrebro_gp, noerrebro_practice,
):  # fmt: skip
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 2, accepted=True)
    session = world.session(hovedstaden, vaccinator=noerrebro_practice)
    world.session(hovedstaden, day=world.next_week(9))  # run by nobody yet
    for referral in referrals:
        sessions.session_book(session=session, referral=referral, user=hovedstaden_coordinator)
    client.force_login(noerrebro_gp)
    listing = client.get(reverse("vaccinators:session-list", kwargs={"code": "990101"}))
    assert [s.pk for s, _vials in listing.context["rows"]] == [session.pk]
    assert "2 booked = 1 vial, 4 doses would be wasted." in listing.text
    page = client.get(
        reverse("vaccinators:session-detail", kwargs={"code": "990101", "pk": session.pk})
    )
    assert page.status_code == 200
    assert "Borger 0" in page.text and "Borger 1" in page.text
    # 24 places over twelve 15-minute slots: two citizens share the first slot.
    assert page.text.count("<strong>09:00</strong>") == 2
    event = AccessEvent.objects.get(user=noerrebro_gp)
    assert (event.action, event.organisation_code, event.detail) == ("list", "990101", "2")


def test_it_hides_another_practices_session(
    client, hovedstaden, noerrebro_practice, viby_gp, viby_practice
):
    session = world.session(hovedstaden, vaccinator=noerrebro_practice)
    client.force_login(viby_gp)
    mine = reverse("vaccinators:session-detail", kwargs={"code": "990201", "pk": session.pk})
    theirs = reverse("vaccinators:session-detail", kwargs={"code": "990101", "pk": session.pk})
    assert client.get(mine).status_code == 404
    assert client.get(theirs).status_code == 404
