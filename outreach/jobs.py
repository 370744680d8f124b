"""Background jobs through an outbox (ADR 0016).

``enqueue`` writes the job as a row in the caller's transaction and sends it to the broker once
that transaction has committed. Sending tries once, briefly: with the broker away the row stays
pending and the page that asked for the job answers at once, saying the job waits. The relay
(a periodic task, the workers' start and the ``relay_outbox`` command) sends pending rows later,
so no job asked for is lost. Tasks take ids only and are idempotent: a job sent twice (the relay
and the commit hook racing) does no harm.

With tasks running in process (the embedded default, no broker) there is nothing to wait for:
the task runs after commit, as it always has, and no row is written.
"""

from __future__ import annotations

import logging
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outreach.models import OutboxJob

logger = logging.getLogger(__name__)

Sent = Literal["sent", "failed", "skipped"]


def _app():
    from outreach.celery import app

    return app


def enqueue(task, *ids: int) -> OutboxJob | None:
    """Run ``task(*ids)`` as a background job once the current transaction commits."""
    if any(not isinstance(value, int) for value in ids):
        raise TypeError("Jobs take ids only.")
    if _app().conf.task_always_eager:
        transaction.on_commit(lambda: task.delay(*ids))
        return None
    job = OutboxJob.objects.create(task=task.name, args=list(ids))
    transaction.on_commit(lambda: send(job.pk))
    return job


def send(job_id: int) -> Sent:
    """Send one pending job to the broker: "sent", "failed" (it stays pending) or "skipped" (it
    was sent already, or another process is sending it now)."""
    with transaction.atomic():
        job = (
            OutboxJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, sent_at__isnull=True)
            .first()
        )
        if job is None:
            return "skipped"
        job.attempts += 1
        try:
            _publish(job)
        except Exception as error:
            job.last_error = type(error).__name__[:200]
            job.save(update_fields=["attempts", "last_error"])
            logger.warning(
                "job %s (%s) waits in the outbox: the broker did not take it (%s)",
                job.pk,
                job.task,
                job.last_error,
            )
            return "failed"
        job.sent_at = timezone.now()
        job.save(update_fields=["attempts", "sent_at"])
        return "sent"


def _publish(job: OutboxJob) -> None:
    """One short try: a fresh connection with a bounded connect, and no publish retries (kombu
    would otherwise retry for ever while the page waits)."""
    app = _app()
    with app.connection_for_write() as connection:
        connection.ensure_connection(
            max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT
        )
        app.send_task(job.task, args=job.args, connection=connection, retry=False)


def relay(*, limit: int = 500) -> int:
    """Send the pending jobs, oldest first; stops at the first failure (the broker is still
    away). Returns how many were sent."""
    pending = (
        OutboxJob.objects.filter(sent_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for job_id in list(pending):
        outcome = send(job_id)
        if outcome == "failed":
            break
        sent += outcome == "sent"
    return sent


def waiting(task, object_id: int) -> bool:
    """True while a job of ``task`` for ``object_id`` waits in the outbox for the broker."""
    return OutboxJob.objects.filter(task=task.name, args=[object_id], sent_at__isnull=True).exists()


def pending_count() -> int:
    return OutboxJob.objects.filter(sent_at__isnull=True).count()
