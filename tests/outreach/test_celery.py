"""A real Celery worker on the Redis broker serves the queue."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from outreach.celery import app
from outreach.tasks import ping
from tests.services import require_redis


@pytest.mark.services
def test_it_runs_a_task_on_a_real_worker_through_redis(settings):
    require_redis()
    assert not app.conf.task_always_eager
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"


def test_it_runs_tasks_in_process_without_redis():
    """The embedded default needs no broker: with no REDIS_URL a task runs where it is sent."""
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    script = (
        "from outreach.celery import app; from outreach.tasks import ping; "
        "print(app.conf.task_always_eager, ping.delay().get())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "True pong", result.stderr
