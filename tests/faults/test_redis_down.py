"""Redis goes away under the app: pages stay up, a job asked for waits in the outbox and the page
says so at once; when Redis is back the relay sends it and a real worker runs it. Nothing lost."""

import time
from urllib.parse import urlsplit

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from municipalities.models import SsiListImport
from outreach.models import OutboxJob
from tests.factories import fake_cpr
from tests.faults.proxy import Proxy
from tests.municipalities.casework import citizen_tasks
from tests.services import require_postgresql, require_redis
from tests.workers import Worker, database_url, wait_for

TIMEOUT = 90


@pytest.fixture
def redis_through_proxy(settings):
    """The test process reaches Redis (broker and cache) only through a proxy it can cut."""
    from outreach.celery import app

    require_redis()
    require_postgresql()
    real = urlsplit(settings.REDIS_URL)
    proxy = Proxy(real.port or 6379, real.hostname or "127.0.0.1")
    url = f"redis://127.0.0.1:{proxy.port}{real.path or '/0'}"
    settings.CACHES = {
        "default": {
            "BACKEND": "outreach.cache.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, url
    yield proxy
    app.conf.task_always_eager, app.conf.broker_url = eager, broker
    proxy.cut()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_answer_and_an_import_waits_then_runs(
    client, in_english, tmp_path, settings, reference_data, kbh_caseworker,
    hovedstaden_coordinator, redis_through_proxy,
):  # fmt: skip
    store = redis.Redis.from_url(settings.REDIS_URL)
    store.flushdb()
    case = citizen_tasks(tmp_path, "101", 1)[0]
    redis_through_proxy.cut()
    client.force_login(kbh_caseworker)
    for name, kwargs in (
        ("municipalities:municipality-worklist", {"code": "101"}),
        ("municipalities:import-list", {"code": "101"}),
        ("municipalities:case-detail", {"code": "101", "pk": case.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name
    coordinator = type(client)()  # verifies the second factor on force_login, as `client` does
    coordinator.force_login(hovedstaden_coordinator)
    region_page = reverse("regions:region-detail", kwargs={"code": "1084"})
    assert coordinator.get(region_page).status_code == 200
    assert client.get("/healthz").json()["broker"] == "unavailable"

    started = time.monotonic()
    rows = f"cpr;navn;målgruppe;invitationsdato\n{fake_cpr(50)};Karen;3;01.03.2021\n"
    upload = SimpleUploadedFile("uge10.csv", rows.encode())
    response = client.post(
        reverse("municipalities:import-list", kwargs={"code": "101"}),
        {"file": upload, "week": "2021-W10"},
        follow=True,
    )
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert "Waiting for the job service" in response.content.decode()
    list_import = SsiListImport.objects.latest("pk")
    assert list_import.status == "received"
    job = OutboxJob.objects.get()
    assert job.is_pending and job.args == [list_import.pk]
    assert client.get("/healthz").json()["outbox_pending"] == 1

    # Redis is back; the relay of a worker that starts sends what waited (beat's every minute
    # and the command do the same).
    redis_through_proxy.restore()
    worker = Worker(
        "importer", "celery", {"DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL},
        tmp_path,
    )  # fmt: skip
    try:
        done = wait_for(
            lambda: SsiListImport.objects.filter(pk=list_import.pk, status="done").first(),
            deadline=time.monotonic() + TIMEOUT, what="the import to finish", workers=[worker],
        )  # fmt: skip
        assert done.tasks_opened == 1
        assert not OutboxJob.objects.filter(sent_at__isnull=True).exists()
    finally:
        worker.stop()
        store.flushdb()
        store.close()
