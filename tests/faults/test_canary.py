"""The canary shows on ``/healthz`` whether a real worker serves the jobs."""

import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from outreach.models import WorkerHeartbeat
from outreach.tasks import canary
from tests.services import require_postgresql, require_redis
from tests.workers import Worker, database_url, wait_for


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_canary_run_by_a_real_worker_shows_on_healthz(client, tmp_path, settings):
    require_redis()
    require_postgresql()
    from outreach.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    store = redis.Redis.from_url(settings.REDIS_URL)
    store.flushdb()
    assert client.get("/healthz").json()["worker"] == "unknown"
    worker = Worker(
        "canary", "celery", {"DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL},
        tmp_path,
    )  # fmt: skip
    try:
        canary.apply_async()  # what beat sends every minute
        wait_for(
            lambda: WorkerHeartbeat.objects.exists(),
            deadline=time.monotonic() + 60, what="the canary to run", workers=[worker],
        )  # fmt: skip
        response = client.get("/healthz")
        assert (response.status_code, response.json()["worker"]) == (200, "ok")
    finally:
        worker.stop()
        store.flushdb()
        store.close()
        app.conf.task_always_eager = eager
    # No worker since: once the threshold has passed, the worker is stale; the web stays up.
    WorkerHeartbeat.objects.update(
        seen_at=timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    )
    response = client.get("/healthz")
    assert (response.status_code, response.json()["worker"]) == (200, "stale")
