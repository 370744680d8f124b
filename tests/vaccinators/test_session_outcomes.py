"""Lise runs today's pop-up session at Nørrebrohallen: after the safety checklist she records each
booked citizen's outcome as at a home visit, with the session as the place in the stock ledger,
and finishes the session."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ContactTask, Referral
from outreach.models import AccessEvent, Outcome, VaccinationRecord
from regions.models import PopupSession, SessionBooking, StockBalance
from regions.selectors.stock import vaccine_totals
from regions.services import sessions, stock
from tests.regions import world
from vaccinators.services import outcomes

pytestmark = pytest.mark.django_db

COMIRNATY = "Comirnaty (BioNTech/Pfizer)"


@pytest.fixture
def session(tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator, noerrebro_practice):
    world.stocked(hovedstaden, hovedstaden_coordinator, vials=4)
    today = world.session(hovedstaden, vaccinator=noerrebro_practice, day=timezone.localdate())
    for referral in world.referrals(tmp_path, kbh_caseworker, "101", 4, accepted=True):
        sessions.session_book(session=today, referral=referral, user=hovedstaden_coordinator)
    stock.stock_allocate(place=today, user=hovedstaden_coordinator, vials=1)
    return today


def booking(session, n):
    return SessionBooking.objects.filter(session=session).order_by("slot_at", "pk")[n]


def confirm(session, user):
    return outcomes.checklist_confirm(
        popup_session=session, user=user, anaphylaxis_kit=True, adrenaline=True,
        oxygen_or_emergency_plan=True, it_access=True,
    )  # fmt: skip


def test_it_records_pop_up_outcomes_and_settles_the_session(
    session, noerrebro_gp, hovedstaden, hovedstaden_coordinator
):
    with pytest.raises(ValidationError, match="Confirm the safety checklist"):
        outcomes.booking_outcome_record(
            booking=booking(session, 0), user=noerrebro_gp, outcome=Outcome.VACCINATED
        )
    confirm(session, noerrebro_gp)

    vaccinated = outcomes.booking_outcome_record(
        booking=booking(session, 0), user=noerrebro_gp, outcome=Outcome.VACCINATED
    )
    record = vaccinated.vaccination
    assert (record.setting, record.batch, record.dose, record.observation_minutes) == (
        VaccinationRecord.Setting.POPUP,
        "EK9788",
        1,
        15,
    )
    assert Referral.objects.get(pk=vaccinated.referral_id).status == Referral.Status.DONE

    absent = outcomes.booking_outcome_record(
        booking=booking(session, 1), user=noerrebro_gp, outcome=Outcome.NOT_HOME
    )
    assert absent.status == SessionBooking.Status.CANCELLED and absent.outcome == Outcome.NOT_HOME
    assert Referral.objects.get(pk=absent.referral_id).status == Referral.Status.ACCEPTED

    declined = outcomes.booking_outcome_record(
        booking=booking(session, 2), user=noerrebro_gp, outcome=Outcome.DECLINED
    )
    referral = Referral.objects.get(pk=declined.referral_id)
    assert referral.status == Referral.Status.RETURNED
    assert referral.comment.startswith("Declined at the pop-up session on")
    task = ContactTask.objects.get(pk=referral.task_id)
    assert (task.stage, task.return_comment) == (ContactTask.Stage.RETURNED, referral.comment)

    finished = outcomes.popup_session_finish(session=session, user=noerrebro_gp)
    assert finished.status == PopupSession.Status.DONE
    # The fourth citizen, booked but never recorded, waits for another session.
    fourth = booking(session, 3)
    assert fourth.status == SessionBooking.Status.CANCELLED and fourth.outcome == ""
    assert Referral.objects.get(pk=fourth.referral_id).status == Referral.Status.ACCEPTED
    totals = vaccine_totals(hovedstaden)[COMIRNATY]
    assert (totals["administered"], totals["wasted"], totals["allocated"], totals["on_hand"]) == (
        1,
        5,
        0,
        18,
    )
    assert not StockBalance.objects.filter(holder__session=session, quantity__gt=0).exists()


def test_it_corrects_a_wrong_pop_up_vaccination(session, noerrebro_gp):
    confirm(session, noerrebro_gp)
    first = outcomes.booking_outcome_record(
        booking=booking(session, 0), user=noerrebro_gp, outcome=Outcome.VACCINATED
    )
    corrected = outcomes.booking_outcome_correct(
        booking=first, user=noerrebro_gp, reason="Another citizen's name"
    )
    assert corrected.outcome == "" and corrected.vaccination is None
    assert VaccinationRecord.objects.get().invalidation_reason == "Another citizen's name"
    assert Referral.objects.get(pk=first.referral_id).status == Referral.Status.SCHEDULED
    again = outcomes.booking_outcome_record(
        booking=corrected, user=noerrebro_gp, outcome=Outcome.VACCINATED
    )
    assert again.vaccination.is_valid and VaccinationRecord.objects.count() == 2


def test_it_refuses_a_pop_up_vaccination_without_allocated_doses(
    tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator, noerrebro_practice,
    noerrebro_gp,
):  # fmt: skip
    bare = world.session(hovedstaden, vaccinator=noerrebro_practice, day=timezone.localdate())
    referral = world.referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)[0]
    booked = sessions.session_book(session=bare, referral=referral, user=hovedstaden_coordinator)
    confirm(bare, noerrebro_gp)
    with pytest.raises(ValidationError, match="No dose of Comirnaty"):
        outcomes.booking_outcome_record(
            booking=booked, user=noerrebro_gp, outcome=Outcome.VACCINATED
        )


def test_the_session_page_takes_the_checklist_and_outcomes(
    client, in_english, session, noerrebro_gp
):
    client.force_login(noerrebro_gp)
    page_url = reverse("vaccinators:session-detail", kwargs={"code": "990101", "pk": session.pk})

    def action(name, **kwargs):
        return reverse(f"vaccinators:{name}", kwargs={"code": "990101", "pk": session.pk, **kwargs})

    page = client.get(page_url)
    assert action("session-checklist") in page.text
    assert 'value="vaccinated"' not in page.text
    refused = client.post(action("session-checklist"), {"adrenaline": "on"})
    assert refused.status_code == 422 and "anaphylaxis kit" in refused.text
    assert (
        client.post(
            action("session-checklist"),
            {
                "anaphylaxis_kit": "on",
                "adrenaline": "on",
                "oxygen_or_emergency_plan": "on",
                "it_access": "on",
            },
        ).status_code
        == 302
    )
    page = client.get(page_url)
    assert page.text.count('value="vaccinated"') == 4
    assert "Did not come" in page.text

    first = booking(session, 0)
    done = client.post(action("booking-outcome", booking_pk=first.pk), {"outcome": "vaccinated"})
    assert done.status_code == 302
    page = client.get(done["Location"])
    assert "Borger 0 is vaccinated" in page.text and "Observe for 15 minutes" in page.text
    second = booking(session, 1)
    client.post(action("booking-outcome", booking_pk=second.pk), {"outcome": "not_home"})
    page = client.get(page_url)
    # The citizen who did not come stays on the list, with the outcome.
    assert "Borger 1" in page.text and "Not home / did not come" in page.text
    again = client.post(action("booking-outcome", booking_pk=second.pk), {"outcome": "vaccinated"})
    assert again.status_code == 422 and "already has an outcome" in again.text

    finished = client.post(action("session-finish"))
    assert finished.status_code == 302
    session.refresh_from_db()
    assert session.status == PopupSession.Status.DONE
    assert AccessEvent.objects.filter(user=noerrebro_gp, action="list").exists()


def test_it_hides_the_session_outcomes_from_another_practice(client, session, viby_gp):
    client.force_login(viby_gp)
    first = booking(session, 0)
    for code in ("990201", "990101"):
        address = reverse(
            "vaccinators:booking-outcome",
            kwargs={"code": code, "pk": session.pk, "booking_pk": first.pk},
        )
        assert client.post(address, {"outcome": "vaccinated"}).status_code == 404
    assert not VaccinationRecord.objects.exists()
