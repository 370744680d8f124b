"""``/healthz`` tells a load balancer whether the web can serve: 200 while the database answers,
503 only when it does not. The broker, the workers and the outbox are reported in the body; with
Redis away the pages still work and jobs wait in the outbox (ADR 0016)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import OutboxJob, WorkerHeartbeat
from tests.services import require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_at(settings):
    """Point the Celery app at another broker for one test."""
    from outreach.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = app.conf.broker_url

    def point(url):
        app.conf.broker_url = url

    yield point
    app.conf.broker_url = original


def test_it_reports_healthy_on_the_embedded_default(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # tasks in process: no broker to reach
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "outbox_pending": 0,
    }


def test_it_stays_200_and_says_so_when_the_broker_does_not_answer(client, broker_at):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    broker_at("redis://127.0.0.1:9/0")
    OutboxJob.objects.create(task="municipalities.process_ssi_list", args=[1])
    response = client.get("/healthz")
    assert response.status_code == 200  # the web serves; jobs wait in the outbox
    assert response.json() == {
        "database": "ok",
        "broker": "unavailable",
        "worker": "unknown",
        "outbox_pending": 1,
    }


def test_it_reports_503_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr("outreach.health.database_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_it_tells_a_live_worker_from_a_stale_one(client, broker_at, settings):
    broker_at("redis://127.0.0.1:9/0")
    settings.WORKER_STALE_SECONDS = 180
    WorkerHeartbeat.objects.create(pk=1, seen_at=timezone.now() - timedelta(seconds=30))
    assert client.get("/healthz").json()["worker"] == "ok"
    WorkerHeartbeat.objects.filter(pk=1).update(seen_at=timezone.now() - timedelta(seconds=181))
    response = client.get("/healthz")
    assert response.json()["worker"] == "stale"
    assert response.status_code == 200


def test_it_reaches_the_real_redis_broker(client, settings):
    require_redis()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_it_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
