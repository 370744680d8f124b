"""Reachability of the services the app depends on, for ``/healthz`` and start-up checks.

``/healthz`` answers 200 while the database answers, whatever the broker and the workers do:
pages work without them and jobs wait in the outbox (ADR 0016), so a load balancer must keep the
web up. It answers 503 only when the database is down. The body says what is degraded.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok() -> bool:
    """True when the Celery broker answers; tasks running in process need no broker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    from outreach.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
            return True
    except Exception:
        return False


def heartbeat_record(*, worker: str) -> str:
    """The canary's write: a worker ran a task just now."""
    from outreach.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        pk=1, defaults={"seen_at": timezone.now(), "worker": worker[:200]}
    )
    return "ok"


def worker_state() -> str:
    """ "ok" when a worker ran the canary within ``WORKER_STALE_SECONDS``, "stale" when the last
    run is older, "unknown" when no worker ever ran it. In process there is no worker to miss."""
    from outreach.models import WorkerHeartbeat

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok"
    seen_at = WorkerHeartbeat.objects.filter(pk=1).values_list("seen_at", flat=True).first()
    if seen_at is None:
        return "unknown"
    fresh = timezone.now() - seen_at <= timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return "ok" if fresh else "stale"


def report() -> tuple[dict, int]:
    """The ``/healthz`` body and its HTTP status."""
    from outreach import jobs

    if not database_ok():
        body = {"database": "unavailable", "broker": "ok" if broker_ok() else "unavailable"}
        return {**body, "worker": "unknown", "outbox_pending": None}, 503
    return {
        "database": "ok",
        "broker": "ok" if broker_ok() else "unavailable",
        "worker": worker_state(),
        "outbox_pending": jobs.pending_count(),
    }, 200
