"""Jobs go through an outbox: asked for in a transaction, sent after commit, kept while the broker
is away and sent by the relay when it is back. Nothing asked for is lost (ADR 0016)."""

import logging
import time

import pytest
from django.core.management import call_command

from municipalities.tasks import process_ssi_list
from outreach import jobs
from outreach.models import OutboxJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings):
    """Tasks go to a broker (not in process); the test says which."""
    from outreach.celery import app

    eager, url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False

    def point(to):
        app.conf.broker_url = to

    yield point
    app.conf.task_always_eager, app.conf.broker_url = eager, url


REFUSED = "redis://127.0.0.1:9/0"  # nothing listens on loopback port 9


def test_it_keeps_the_job_when_the_broker_is_away(
    broker, django_capture_on_commit_callbacks, caplog
):
    broker(REFUSED)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(process_ssi_list, 42)
    assert time.monotonic() - started < 5  # the page that asked answers at once
    job = OutboxJob.objects.get()
    assert (job.task, job.args, job.is_pending, job.attempts) == (
        "municipalities.process_ssi_list",
        [42],
        True,
        1,
    )
    assert job.last_error
    assert "waits in the outbox" in caplog.text
    assert jobs.waiting(process_ssi_list, 42)
    assert not jobs.waiting(process_ssi_list, 43)


def test_the_relay_sends_what_waited_once_the_broker_is_back(
    broker, django_capture_on_commit_callbacks
):
    broker(REFUSED)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(process_ssi_list, 1)
        jobs.enqueue(process_ssi_list, 2)
    assert jobs.relay() == 0  # still away: both wait
    assert jobs.pending_count() == 2
    broker("memory://")
    assert jobs.relay() == 2
    assert jobs.pending_count() == 0
    assert jobs.relay() == 0  # sent once, not again
    assert not jobs.waiting(process_ssi_list, 1)


def test_the_command_relays_and_says_what_still_waits(broker, capsys):
    OutboxJob.objects.create(task="municipalities.process_ssi_list", args=[7])
    broker(REFUSED)
    call_command("relay_outbox")
    assert "0 sent, 1 still waiting" in capsys.readouterr().out
    broker("memory://")
    call_command("relay_outbox")
    assert "1 sent, 0 still waiting" in capsys.readouterr().out


def test_a_job_is_not_sent_before_its_transaction_commits(
    broker, django_capture_on_commit_callbacks
):
    broker("memory://")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.enqueue(process_ssi_list, 5)
    assert OutboxJob.objects.get().is_pending
    assert len(callbacks) == 1


def test_jobs_take_ids_only():
    with pytest.raises(TypeError):
        jobs.enqueue(process_ssi_list, "0101901234")


def test_in_process_the_task_runs_after_commit_without_a_row(
    tasks_in_process, django_capture_on_commit_callbacks, monkeypatch
):
    ran = []
    monkeypatch.setattr(process_ssi_list, "delay", lambda *ids: ran.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(process_ssi_list, 3)
    assert ran == [(3,)]
    assert not OutboxJob.objects.exists()


def test_a_planning_job_delivered_twice_leaves_one_plan(
    tmp_path, tasks_in_process, hovedstaden, hovedstaden_coordinator, kbh_caseworker,
    noerrebro_practice,
):  # fmt: skip
    """The relay and the commit hook may both send a job: the second delivery must do no harm."""
    from regions.models import PlanningRun
    from tests.regions import world
    from tests.vaccinators.planning import home_pool, run_for
    from vaccinators.models import RouteList, RouteStop
    from vaccinators.tasks import plan_route_lists

    world.stocked(hovedstaden, hovedstaden_coordinator, vials=10)
    home_pool(tmp_path, kbh_caseworker, 6)
    run = run_for(
        region=hovedstaden, coordinator=hovedstaden_coordinator, practices=[noerrebro_practice]
    )

    def plan() -> list:
        drafts = RouteList.objects.filter(planning_run=run)
        return sorted(RouteStop.objects.filter(route_list__in=drafts).values_list("citizen_id"))

    assert plan_route_lists.delay(run.pk).get() == "done"
    first = plan()
    assert plan_route_lists.delay(run.pk).get() == "done"
    assert plan() == first and len(first) > 0
    assert RouteList.objects.filter(planning_run=run).count() == 1
    assert PlanningRun.objects.get(pk=run.pk).planned == len(first)


def test_the_planning_page_says_when_its_job_waits_for_the_broker(
    client, in_english, broker, django_capture_on_commit_callbacks, hovedstaden,
    hovedstaden_coordinator, noerrebro_practice,
):  # fmt: skip
    from django.urls import reverse

    from tests.regions import world
    from tests.vaccinators.planning import run_for

    world.stocked(hovedstaden, hovedstaden_coordinator, vials=10)
    broker(REFUSED)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_for(
            region=hovedstaden, coordinator=hovedstaden_coordinator, practices=[noerrebro_practice]
        )
    client.force_login(hovedstaden_coordinator)
    page = reverse("planning:run-detail", kwargs={"code": "1084", "pk": run.pk})
    assert "Waiting for the job service" in client.get(page).content.decode()
    broker("memory://")
    assert jobs.relay() == 1
    assert "Waiting for the job service" not in client.get(page).content.decode()
