from celery import shared_task

from outreach import retention


@shared_task(name="outreach.ping", acks_late=True, ignore_result=False)
def ping() -> str:
    """A canary: answers "pong" from whichever worker runs it, proving the queue is served."""
    return "pong"


@shared_task(name="outreach.purge_past_retention", acks_late=True)
def purge_past_retention() -> dict[str, int]:
    """Delete access events and closed cases past their retention. Idempotent: a redelivered or
    repeated run deletes only what is still there."""
    return retention.purge_past_retention()
