import logging

from celery import shared_task
from celery.signals import worker_ready

from outreach import health, jobs, retention

logger = logging.getLogger(__name__)


@shared_task(name="outreach.ping", acks_late=True, ignore_result=False)
def ping() -> str:
    """A canary: answers "pong" from whichever worker runs it, proving the queue is served."""
    return "pong"


@shared_task(name="outreach.purge_past_retention", acks_late=True)
def purge_past_retention() -> dict[str, int]:
    """Delete access events and closed cases past their retention. Idempotent: a redelivered or
    repeated run deletes only what is still there."""
    return retention.purge_past_retention()


@shared_task(name="outreach.canary", ignore_result=True)
def canary() -> str:
    """Run by beat every minute: records that a worker is alive, for ``/healthz``."""
    return health.heartbeat_record(worker=canary.request.hostname or "")


@shared_task(name="outreach.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Send the jobs that waited in the outbox while the broker was away."""
    return jobs.relay()


@worker_ready.connect
def relay_when_a_worker_starts(sender=None, **kwargs) -> None:
    # A worker starting is the broker being back, often: send what waited without waiting for
    # the next beat. A failure here must not stop the worker; beat tries again in a minute.
    try:
        jobs.relay()
    except Exception:
        logger.exception("relaying the outbox at worker start failed")
