from celery import shared_task


@shared_task(name="outreach.ping", acks_late=True, ignore_result=False)
def ping() -> str:
    """A canary: answers "pong" from whichever worker runs it, proving the queue is served."""
    return "pong"
