"""Reachability of the services the app depends on, for ``/healthz`` and start-up checks."""

from django.conf import settings
from django.db import connection


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
            conn.ensure_connection(max_retries=1, timeout=2)
            return True
    except Exception:
        return False
