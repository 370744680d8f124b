"""The nightly purge: access events older than their retention and closed cases older than
theirs go, with their casework, and nothing else; vaccination records stay, and so does their
citizen; a second run finds nothing. The access log refuses every other change, in the ORM and,
on PostgreSQL, in the database itself."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from municipalities.models import (
    ContactAttempt,
    ContactDetailsChange,
    ContactTask,
    Referral,
    TransportBooking,
    Visitation,
)
from municipalities.services import cases
from outreach import retention
from outreach.celery import app
from outreach.models import AccessEvent, Citizen, VaccinationRecord
from outreach.tasks import purge_past_retention
from tests.outreach.audit import looked_up
from tests.outreach.records import vaccinated
from tests.regions.world import referrals
from tests.services import require_postgresql, require_redis

pytestmark = pytest.mark.django_db

D, M = Visitation.Decision, Visitation.Mobility
NOTHING = dict.fromkeys(retention._KINDS, 0)


def months_ago(months: int):
    return retention.months_before(timezone.now(), months)


def closed_long_ago(task: ContactTask, months: int) -> None:
    """The case closed ``months`` ago (tasks are not append-only: the clock is set back)."""
    ContactTask.objects.filter(pk=task.pk).update(
        status="closed", close_reason="helped", stage="closed", closed_at=months_ago(months),
        claimed_by=None, claim_expires_at=None,
    )  # fmt: skip


@pytest.fixture
def world(tmp_path, settings, koebenhavn, kbh_caseworker, noerrebro_practice, noerrebro_gp):
    """Four København cases: vaccinated and closed 25 months ago; declined (after a pop-up
    referral, revised) and closed 25 months ago; closed 23 months ago; open."""
    settings.ACCESS_EVENT_RETENTION_MONTHS = 24
    settings.CLOSED_CASE_RETENTION_MONTHS = 24
    made = referrals(tmp_path, kbh_caseworker, "101", 4, accepted=True)
    tasks = [referral.task for referral in made]
    vaccinated_task, declined_task, recent_task, open_task = tasks

    record = vaccinated(made[0], vaccinator=noerrebro_practice, by=noerrebro_gp)
    closed_long_ago(vaccinated_task, 25)

    cases.attempt_record(
        task=declined_task, user=kbh_caseworker, channel="phone", reached=True,
        answered_by="citizen",
    )  # fmt: skip
    cases.citizen_contact_details_update(
        task=ContactTask.objects.get(pk=declined_task.pk), user=kbh_caseworker, phone="20 30 40 50"
    )
    ContactDetailsChange.objects.update(changed_at=months_ago(26))
    cases.visitation_decide(
        task=ContactTask.objects.get(pk=declined_task.pk), user=kbh_caseworker,
        decision=D.DECLINED, wants_vaccination=False,
    )  # fmt: skip
    closed_long_ago(declined_task, 25)
    # First listed long ago, like the case: once the case is gone nothing holds the citizen.
    Citizen.objects.filter(pk=declined_task.citizen_id).update(created_at=months_ago(30))

    scheduled = cases.referral_schedule(referral=made[2], scheduled_for=timezone.now())
    cases.referral_complete(referral=scheduled)
    closed_long_ago(recent_task, 23)

    events = {
        "old": looked_up(kbh_caseworker, koebenhavn, declined_task.citizen, when=months_ago(25)),
        "almost": looked_up(kbh_caseworker, koebenhavn, recent_task.citizen, when=months_ago(23)),
        "today": looked_up(kbh_caseworker, koebenhavn, open_task.citizen),
    }
    return {"tasks": tasks, "record": record, "events": events}


def test_it_purges_exactly_what_is_past_its_retention(world):
    vaccinated_task, declined_task, recent_task, open_task = world["tasks"]
    assert Visitation.objects.filter(task=declined_task, superseded_by__isnull=False).exists()

    counts = retention.purge_past_retention()

    assert counts["access_events"] == 1
    assert set(AccessEvent.objects.values_list("pk", flat=True)) == {
        world["events"]["almost"].pk, world["events"]["today"].pk
    }  # fmt: skip
    assert counts["contact_tasks"] == 2
    assert set(ContactTask.objects.values_list("pk", flat=True)) == {recent_task.pk, open_task.pk}
    for model in (Visitation, Referral, TransportBooking, ContactAttempt):
        assert not model.objects.filter(task__in=[vaccinated_task, declined_task]).exists()
        assert model is ContactAttempt or model.objects.filter(task=recent_task).exists()
    assert counts["visitations"] == 3  # the vaccinated case's, and the declined case's two
    assert counts["referrals"] == 2
    assert counts["contact_details_changes"] == 1
    assert not ContactDetailsChange.objects.exists()
    # The health record stays, and with it its citizen; the declined citizen is gone.
    assert VaccinationRecord.objects.filter(pk=world["record"].pk).exists()
    assert Citizen.objects.filter(pk=vaccinated_task.citizen_id).exists()
    assert not Citizen.objects.filter(pk=declined_task.citizen_id).exists()
    assert counts["citizens"] == 1
    kept = [recent_task.citizen_id, open_task.citizen_id]
    assert Citizen.objects.filter(pk__in=kept).count() == 2

    assert retention.purge_past_retention() == NOTHING


def test_it_counts_without_deleting_on_a_dry_run_and_prints_json(world):
    out = StringIO()
    call_command("purge_past_retention", "--dry-run", stdout=out)

    printed = json.loads(out.getvalue())
    assert printed["dry_run"] is True
    assert printed["deleted"]["access_events"] == 1
    assert printed["deleted"]["contact_tasks"] == 2
    assert AccessEvent.objects.count() == 3
    assert ContactTask.objects.count() == 4

    out = StringIO()
    call_command("purge_past_retention", stdout=out)
    assert json.loads(out.getvalue())["deleted"]["contact_tasks"] == 2
    assert ContactTask.objects.count() == 2


def test_it_purges_from_the_nightly_task(world, tasks_in_process, settings):
    assert "outreach.purge_past_retention" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    counts = purge_past_retention.delay().get()

    assert counts["access_events"] == 1
    assert purge_past_retention.delay().get() == NOTHING


def test_it_keeps_everything_under_a_longer_retention(world, settings):
    settings.ACCESS_EVENT_RETENTION_MONTHS = 36
    settings.CLOSED_CASE_RETENTION_MONTHS = 36

    assert retention.purge_past_retention() == NOTHING


def test_it_refuses_changes_to_the_access_log_in_the_orm(world):
    event = world["events"]["today"]

    with pytest.raises(ValueError, match="append-only"):
        AccessEvent.objects.filter(pk=event.pk).update(purpose="changed")
    with pytest.raises(ValueError, match="append-only"):
        AccessEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    event.purpose = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_it_refuses_an_update_in_the_database(world):
    event = world["events"]["today"]

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE outreach_accessevent SET purpose = 'changed' WHERE id = %s", [event.pk]
        )

    assert AccessEvent.objects.get(pk=event.pk).purpose == "Casework"


def test_it_refuses_a_delete_in_postgresql_but_lets_the_purge_through(world):
    require_postgresql()
    event = world["events"]["today"]

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM outreach_accessevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM outreach_accessevent")
    assert AccessEvent.objects.count() == 3

    assert retention.purge_past_retention()["access_events"] == 1

    # The purge's permission ended with its batch.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM outreach_accessevent WHERE id = %s", [event.pk])
    assert AccessEvent.objects.count() == 2


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        ("2026-03-31 12:00", 1, "2026-02-28 12:00"),
        ("2026-11-25 02:30", 24, "2024-11-25 02:30"),
        ("2026-01-15 00:00", 1, "2025-12-15 00:00"),
        ("2024-02-29 08:00", 12, "2023-02-28 08:00"),
    ],
)
def test_it_counts_months_back_on_the_calendar(moment, months, expected):
    from datetime import datetime

    start = datetime.fromisoformat(moment)
    assert retention.months_before(start, months) == datetime.fromisoformat(expected)
    assert start - retention.months_before(start, months) > timedelta(days=27 * months)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_purges_on_a_real_worker_through_redis(koebenhavn, kbh_caseworker):
    require_redis()
    old = looked_up(kbh_caseworker, koebenhavn, None, when=months_ago(30))
    kept = looked_up(kbh_caseworker, koebenhavn, None)

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        counts = purge_past_retention.delay().get(timeout=30)

    assert counts["access_events"] == 1
    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
