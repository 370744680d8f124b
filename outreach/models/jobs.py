"""Background jobs on their way to the broker, and the workers' sign of life."""

from django.db import models


class OutboxJob(models.Model):
    """A job written in the same transaction as the change that asked for it, and sent to the
    broker after commit. While the broker is away it waits here (``sent_at`` empty) until the
    relay sends it, so a job asked for is never lost. Arguments are ids only, never personal
    data; the tasks are idempotent, so a job sent twice does no harm."""

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, help_text="The task's arguments: ids only.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(
        max_length=200, blank=True, help_text="The kind of the last failure to send (no data)."
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outboxjob_pending_idx",
            )
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None


class WorkerHeartbeat(models.Model):
    """One row: when a worker last ran the canary task. ``/healthz`` reads it to tell whether
    the background jobs are served."""

    seen_at = models.DateTimeField()
    worker = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.worker} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
