"""Writes behind the public help page: a citizen's or a relative's request for help, matched to
the citizen when the CPR number given is one the municipality knows; the caseworker marking it
handled; the lead editing what the page says.

The CPR number typed into the form is used once, to find the citizen by its keyed hash, and then
forgotten: it is never stored on the request and never logged.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import ContactInfo, ContactTask, HelpRequest
from municipalities.models.tasks import group_priority
from outreach import cpr
from outreach.models import Citizen, Municipality, User


@transaction.atomic
def help_request_submit(
    *,
    municipality: Municipality,
    name: str,
    phone: str,
    street: str,
    postcode: str,
    relation: str,
    requester_name: str,
    message: str,
    cpr_number: str | None,
) -> HelpRequest:
    """Receive a request from the public form.

    With a CPR number of one of the municipality's citizens the request is linked to the citizen
    and to their open contact task here; a citizen with no open task at all gets one, so the
    request reaches the worklist. Without a match the request waits, unmatched, for a caseworker.
    """
    citizen = _citizen_of(municipality, cpr_number) if cpr_number else None
    task = _open_task_for(citizen, municipality) if citizen else None
    return HelpRequest.objects.create(
        municipality=municipality,
        name=name.strip(),
        phone=phone.strip(),
        street=street.strip(),
        postcode=postcode.strip(),
        relation=relation,
        requester_name=requester_name.strip() if relation != HelpRequest.Relation.SELF else "",
        message=message.strip(),
        citizen=citizen,
        task=task,
    )


def _citizen_of(municipality: Municipality, cpr_number: str) -> Citizen | None:
    try:
        number = cpr.validate(cpr_number)
    except cpr.InvalidCpr:
        return None
    # Locked, so that two requests for one citizen at once open at most one task.
    return (
        Citizen.objects.select_for_update()
        .filter(cpr_hash=cpr.vault().lookup_hash(number), municipality=municipality)
        .first()
    )


def _open_task_for(citizen: Citizen, municipality: Municipality) -> ContactTask | None:
    """The citizen's open task in this municipality, a new one if they have none open anywhere,
    or None when their open task belongs to another municipality (that one is not ours to join).
    """
    open_task = ContactTask.objects.filter(citizen=citizen, status=ContactTask.Status.OPEN).first()
    if open_task is not None:
        return open_task if open_task.municipality_id == municipality.pk else None
    now = timezone.now()
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    try:
        # A savepoint: an SSI import (which does not lock citizens) may open the task first.
        with transaction.atomic():
            return ContactTask.objects.create(
                citizen=citizen,
                municipality=municipality,
                status=ContactTask.Status.OPEN,
                stage=ContactTask.Stage.NEW,
                priority=group_priority(citizen.target_group_id),
                birth_date=citizen.birth_date,
                invited_on=citizen.invited_on,
                due_on=today,
                first_listed_week=monday,
                last_listed_week=monday,
                # Opened by the request, not by SSI's list.
                times_listed=0,
                opened_at=now,
            )
    except IntegrityError:
        return ContactTask.objects.filter(
            citizen=citizen, status=ContactTask.Status.OPEN, municipality=municipality
        ).first()


@transaction.atomic
def help_request_handle(*, help_request: HelpRequest, user: User, note: str) -> HelpRequest:
    """A caseworker has dealt with the request: what was done is kept with it."""
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if help_request.status == HelpRequest.Status.HANDLED:
        raise ValidationError(_("This request has already been handled."))
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    help_request.status = HelpRequest.Status.HANDLED
    help_request.handled_at = timezone.now()
    help_request.handled_by = user
    help_request.handled_note = note.strip()
    help_request.save(update_fields=["status", "handled_at", "handled_by", "handled_note"])
    return help_request


@transaction.atomic
def contact_info_update(
    *, municipality: Municipality, user: User, phone: str, hours: str, email: str, text: str
) -> ContactInfo:
    """The lead changes what the municipality's public help page says."""
    info, _created = ContactInfo.objects.select_for_update().get_or_create(
        municipality=municipality
    )
    info.phone = phone.strip()
    info.hours = hours.strip()
    info.email = email.strip()
    info.text = text.strip()
    info.updated_by = user
    info.save()
    return info
