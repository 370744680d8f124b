"""Dose 2 into the pools: each morning the citizens whose dose 2 falls due go back to their region,
on the pathway of dose 1 and with the dose-1 product; a pop-up session takes a dose 2 only with
that product."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab
from django.conf import settings as project_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ContactTask, Referral, Visitation
from municipalities.services import cases
from outreach.celery import app
from regions.selectors import referrals as referral_selectors
from regions.services import sessions
from regions.services.dose_two import dose_two_referrals_create
from regions.tasks import move_dose_two_into_pools
from tests.outreach.records import days_ago, invalidate, vaccinated
from tests.regions.world import referrals, session
from tests.services import require_postgresql, require_redis

pytestmark = pytest.mark.django_db
D = Visitation.Decision
M = Visitation.Mobility


def today():
    return timezone.localdate()


@pytest.fixture
def gp(noerrebro_gp, noerrebro_practice):
    return noerrebro_gp, noerrebro_practice


def given(referral, gp, *, days: int, product: str = "comirnaty", **extra):
    user, practice = gp
    return vaccinated(
        referral, vaccinator=practice, by=user, given_at=days_ago(days), product=product, **extra
    )


def dose_two(citizen_id):
    return Referral.objects.filter(citizen_id=citizen_id, dose=2)


def test_it_moves_in_exactly_those_whose_window_opens_within_the_lead_time(
    tmp_path, kbh_caseworker, gp, settings
):
    settings.DOSE_TWO_LEAD_DAYS = 7
    # Comirnaty: 21 days at the earliest. Given 14 days ago the window opens in 7 days: due in
    # the pool today; given 13 days ago it opens in 8: not yet; 30 days ago: overdue, in.
    on_time, too_early, overdue = referrals(tmp_path, kbh_caseworker, "101", 3, accepted=True)
    records = {
        "on_time": given(on_time, gp, days=14),
        "too_early": given(too_early, gp, days=13),
        "overdue": given(overdue, gp, days=30),
    }

    assert dose_two_referrals_create(today=today()) == 2

    assert not dose_two(too_early.citizen_id).exists()
    made = dose_two(on_time.citizen_id).get()
    assert made.status == Referral.Status.ACCEPTED
    assert made.product.code == "comirnaty"
    assert made.not_before == today() + timedelta(days=7)
    assert made.due_on == today() + timedelta(days=7)  # Comirnaty: recommended 21 days too
    assert (made.task_id, made.visitation_id, made.requested_by) == (
        on_time.task_id,
        on_time.visitation_id,
        kbh_caseworker,
    )
    assert made.region.code == "1084" and made.municipality.code == "101"
    assert made.pathway == Referral.Pathway.POPUP
    assert dose_two(overdue.citizen_id).get().not_before == records["overdue"].dose_two_window()[0]
    assert ContactTask.objects.get(pk=on_time.task_id).referral_status == "accepted"


def test_it_uses_each_products_own_interval(tmp_path, kbh_caseworker, gp):
    # AstraZeneca: 28 days at the earliest, 84 recommended. 20 days after dose 1 the window
    # opens in 8 days: not yet; 21 days after, it opens in 7: in, due 63 days from now.
    later, now = referrals(tmp_path, kbh_caseworker, "101", 2, accepted=True)
    given(later, gp, days=20, product="astrazeneca")
    given(now, gp, days=21, product="astrazeneca")

    assert dose_two_referrals_create(today=today()) == 1

    made = dose_two(now.citizen_id).get()
    assert made.product.code == "astrazeneca"
    assert (made.not_before, made.due_on) == (
        today() + timedelta(days=7),
        today() + timedelta(days=63),
    )


def test_it_changes_nothing_on_a_second_run(tmp_path, kbh_caseworker, gp):
    (referral,) = referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    given(referral, gp, days=20)
    assert dose_two_referrals_create(today=today()) == 1
    assert dose_two_referrals_create(today=today()) == 0
    assert dose_two(referral.citizen_id).count() == 1


def test_it_keeps_the_pathway_of_dose_one(tmp_path, kbh_caseworker, gp):
    (home,) = referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home", accepted=True)
    (popup,) = referrals(tmp_path, kbh_caseworker, "101", 1, start=1, accepted=True)
    given(home, gp, days=20)
    given(popup, gp, days=20)

    dose_two_referrals_create(today=today())

    assert dose_two(home.citizen_id).get().pathway == Referral.Pathway.HOME
    assert dose_two(popup.citizen_id).get().pathway == Referral.Pathway.POPUP


def test_it_skips_invalidated_records_and_those_who_had_dose_two(
    tmp_path, kbh_caseworker, gp, noerrebro_gp
):
    wrong, complete = referrals(tmp_path, kbh_caseworker, "101", 2, accepted=True)
    invalidate(given(wrong, gp, days=25), by=noerrebro_gp, reason="Registered on the wrong citizen")
    given(complete, gp, days=45)
    given(complete, gp, days=20, dose=2, complete=False)

    assert dose_two_referrals_create(today=today()) == 0
    assert not Referral.objects.filter(dose=2).exists()


def test_it_skips_a_citizen_without_a_completed_dose_one_referral(tmp_path, kbh_caseworker, gp):
    (referral,) = referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    # Vaccinated, but the referral was never completed (it came back to the municipality).
    given(referral, gp, days=20, complete=False)
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.RETURNED)

    assert dose_two_referrals_create(today=today()) == 0
    assert not dose_two(referral.citizen_id).exists()


def test_it_does_not_undo_a_dose_two_referral_the_region_returned(tmp_path, kbh_caseworker, gp):
    (referral,) = referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    given(referral, gp, days=20)
    dose_two_referrals_create(today=today())
    cases.referral_return(referral=dose_two(referral.citizen_id).get(), comment="Declined dose 2")

    assert dose_two_referrals_create(today=today()) == 0
    assert dose_two(referral.citizen_id).count() == 1


def test_a_new_decision_after_dose_one_refers_for_dose_two(tmp_path, kbh_caseworker, gp):
    (referral,) = referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    record = given(referral, gp, days=10)
    task = referral.task
    cases.visitation_decide(
        task=task, user=kbh_caseworker, decision=D.HOME, mobility=M.BEDRIDDEN,
        wants_vaccination=True,
    )  # fmt: skip

    made = Referral.objects.get(task=task, status=Referral.Status.REQUESTED)
    assert (made.dose, made.product, made.pathway) == (2, record.product, "home")
    assert made.not_before == record.dose_two_window()[0]


# Through Celery -------------------------------------------------------------------------------


def test_it_runs_daily_from_celery_beat():
    entry = next(
        job
        for job in project_settings.CELERY_BEAT_SCHEDULE.values()
        if job["task"] == "regions.move_dose_two_into_pools"
    )
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {5}
    assert "regions.move_dose_two_into_pools" in app.tasks
    assert move_dose_two_into_pools.acks_late and move_dose_two_into_pools.reject_on_worker_lost


def test_it_runs_as_a_celery_task(tmp_path, kbh_caseworker, gp, tasks_in_process):
    (referral,) = referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    given(referral, gp, days=20)
    assert move_dose_two_into_pools.delay().get(timeout=10) == 1
    assert move_dose_two_into_pools.delay().get(timeout=10) == 0
    assert dose_two(referral.citizen_id).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_runs_on_a_real_worker_through_redis(tmp_path, kbh_caseworker, gp):
    require_postgresql()
    require_redis()
    assert not app.conf.task_always_eager
    (referral,) = referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    given(referral, gp, days=20)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        assert move_dose_two_into_pools.delay().get(timeout=30) == 1
        assert move_dose_two_into_pools.delay().get(timeout=30) == 0
    assert dose_two(referral.citizen_id).count() == 1


# A pop-up session takes a dose 2 only with its product -------------------------------------------


@pytest.fixture
def dose_two_popup(tmp_path, kbh_caseworker, gp):
    (referral,) = referrals(tmp_path, kbh_caseworker, "101", 1, accepted=True)
    given(referral, gp, days=21, product="moderna")  # Moderna: 28 days, so from 7 days on
    dose_two_referrals_create(today=today())
    return dose_two(referral.citizen_id).get()


def test_it_refuses_to_book_dose_two_into_a_session_with_another_product(
    dose_two_popup, hovedstaden, kasper
):
    comirnaty = session(hovedstaden, product="comirnaty", day=dose_two_popup.not_before)
    with pytest.raises(ValidationError, match="must be given with COVID-19 Vaccine Moderna"):
        sessions.session_book(session=comirnaty, referral=dose_two_popup, user=kasper)
    assert referral_selectors.waiting_for_session(hovedstaden, comirnaty) == []
    dose_two_popup.refresh_from_db()
    assert dose_two_popup.status == Referral.Status.ACCEPTED


def test_it_refuses_to_book_dose_two_before_its_earliest_day(dose_two_popup, hovedstaden, kasper):
    early = session(hovedstaden, product="moderna", day=dose_two_popup.not_before - timedelta(1))
    with pytest.raises(ValidationError, match="may not be given before"):
        sessions.session_book(session=early, referral=dose_two_popup, user=kasper)


def test_it_books_dose_two_into_a_session_with_its_product(dose_two_popup, hovedstaden, kasper):
    moderna = session(hovedstaden, product="moderna", day=dose_two_popup.not_before)
    waiting = referral_selectors.waiting_for_session(hovedstaden, moderna)
    assert [referral for referral, _distance in waiting] == [dose_two_popup]
    booking = sessions.session_book(session=moderna, referral=dose_two_popup, user=kasper)
    dose_two_popup.refresh_from_db()
    assert dose_two_popup.status == Referral.Status.SCHEDULED
    assert dose_two_popup.scheduled_for == booking.slot_at


@pytest.mark.usefixtures("in_english")
def test_the_session_page_shows_the_dose_and_product_of_those_waiting(
    client, dose_two_popup, hovedstaden, kasper
):
    moderna = session(hovedstaden, product="moderna", day=dose_two_popup.not_before)
    client.force_login(kasper)
    url = reverse("regions:session-detail", kwargs={"code": hovedstaden.code, "pk": moderna.pk})
    page = client.get(url).content.decode()
    assert "Dose 2 · COVID-19 Vaccine Moderna" in page


@pytest.fixture
def kasper(hovedstaden_coordinator):
    return hovedstaden_coordinator
