"""The worklist's writes: claiming a task with a lease, releasing it, assigning it, call later.

A claim is a conditional UPDATE (only an unclaimed task, one whose lease ran out, or the holder's
own): two caseworkers claiming the same task at once cannot both win, whatever the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import ContactTask
from outreach.models import User


class TaskClaimed(ValidationError):
    """Another caseworker holds the task."""


def _claimable_by(user: User, now: datetime) -> Q:
    return Q(claimed_by__isnull=True) | Q(claim_expires_at__lte=now) | Q(claimed_by=user)


def _holder_message(task_id: int) -> str:
    holder = ContactTask.objects.select_related("claimed_by").get(pk=task_id).claimed_by
    name = (holder.get_full_name() or holder.username) if holder else _("another caseworker")
    return _("%(name)s is working on this citizen right now. Try again later.") % {"name": name}


@transaction.atomic
def task_claim(*, task: ContactTask, user: User) -> ContactTask:
    """Claim ``task`` for ``user`` for the lease (or renew the user's own claim). Every write on
    a case calls it first, inside its transaction: it fails with the holder's name when a
    colleague holds the task."""
    now = timezone.now()
    won = (
        ContactTask.objects.filter(pk=task.pk, status=ContactTask.Status.OPEN)
        .filter(_claimable_by(user, now))
        .update(
            claimed_by=user,
            claim_expires_at=now + timedelta(minutes=settings.CLAIM_LEASE_MINUTES),
        )
    )
    if not won:
        if not ContactTask.objects.filter(pk=task.pk, status=ContactTask.Status.OPEN).exists():
            raise ValidationError(_("This task is closed; reopen it first."))
        raise TaskClaimed(_holder_message(task.pk))
    task.refresh_from_db()
    return task


@transaction.atomic
def task_release(*, task: ContactTask, user: User, lead: bool = False) -> ContactTask:
    """Give the claim back. Only the holder may, or a lead for a colleague who went home."""
    holders = ContactTask.objects.filter(pk=task.pk)
    if not lead:
        holders = holders.filter(claimed_by=user)
    if not holders.update(claimed_by=None, claim_expires_at=None):
        raise ValidationError(_("You do not hold this task."))
    task.refresh_from_db()
    return task


@transaction.atomic
def task_assign(*, task: ContactTask, assignee: User | None, by: User) -> ContactTask:
    """The lead gives the task to a colleague (or takes it back to the shared list)."""
    if not task.is_open:
        raise ValidationError(_("This task is closed; reopen it first."))
    task.assigned_to = assignee
    task.save(update_fields=["assigned_to"])
    return task


@transaction.atomic
def task_call_later(*, task: ContactTask, user: User, at: datetime | None) -> ContactTask:
    """Hide the task from the worklist until ``at`` (None shows it again); releases the claim."""
    task = task_claim(task=task, user=user)
    if at is not None and at <= timezone.now():
        raise ValidationError({"at": _("Choose a time in the future.")})
    task.call_later_at = at
    task.claimed_by = None
    task.claim_expires_at = None
    task.save(update_fields=["call_later_at", "claimed_by", "claim_expires_at"])
    return task
