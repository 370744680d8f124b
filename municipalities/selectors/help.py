"""Reads for the public help page and the caseworkers' queue of help requests."""

from __future__ import annotations

from django.db.models import QuerySet

from municipalities.models import ContactInfo, HelpRequest
from outreach.models import Municipality

# The queue's status filter: "all" shows every request, the others one status.
STATUS_ALL = "all"


def contact_info_of(municipality: Municipality) -> ContactInfo:
    """What the municipality's help page says; an empty, unsaved one until the lead writes it."""
    info = ContactInfo.objects.filter(municipality=municipality).first()
    return info or ContactInfo(municipality=municipality)


def help_requests(
    municipality: Municipality, *, status: str = HelpRequest.Status.NEW
) -> QuerySet[HelpRequest]:
    """The municipality's help requests, newest first, with the matched case and who handled it."""
    requests = HelpRequest.objects.filter(municipality=municipality).select_related("handled_by")
    if status != STATUS_ALL:
        requests = requests.filter(status=status)
    return requests.order_by("-received_at", "-pk")
