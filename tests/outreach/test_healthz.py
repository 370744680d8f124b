"""``/healthz`` tells a load balancer whether the database and the job broker answer."""

import pytest

from tests.services import require_redis

pytestmark = pytest.mark.django_db


def test_it_reports_healthy_on_the_embedded_default(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # tasks in process: no broker to reach
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_it_reports_503_when_the_broker_does_not_answer(client, settings):
    from outreach.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable"}


def test_it_reaches_the_real_redis_broker(client, settings):
    require_redis()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_it_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
