"""Reads of one citizen's case: the task, its people and its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import (
    ContactAttempt,
    ContactDetailsChange,
    ContactTask,
    HelpRequest,
    Referral,
    TransportBooking,
    Visitation,
)
from outreach.models import AdverseReaction, VaccinationRecord


def tasks_of(municipality) -> QuerySet[ContactTask]:
    """A municipality's tasks with what the case page shows of them."""
    return ContactTask.objects.filter(municipality=municipality).select_related(
        "citizen__target_group", "claimed_by", "assigned_to"
    )


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    by: str = ""


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def timeline(task: ContactTask) -> list[Event]:
    """Everything that happened on the citizen's cases in this municipality, newest first:
    list appearances, attempts, decisions, referrals, rides and changed contact details."""
    citizen_id, municipality_id = task.citizen_id, task.municipality_id
    events: list[Event] = []
    for earlier in ContactTask.objects.filter(
        citizen_id=citizen_id, municipality_id=municipality_id
    ).order_by("pk"):
        events.append(
            Event(
                _start_of(earlier.first_listed_week),
                "listed",
                _("On SSI's list from week %(first)s (%(times)s times, last week %(last)s)")
                % {
                    "first": earlier.first_listed_week.strftime("%G-W%V"),
                    "times": earlier.times_listed,
                    "last": earlier.last_listed_week.strftime("%G-W%V"),
                },
            )
        )
        if earlier.closed_at:
            events.append(
                Event(
                    earlier.closed_at,
                    "closed",
                    _("Case closed: %(reason)s") % {"reason": earlier.get_close_reason_display()},
                )
            )
    for attempt in ContactAttempt.objects.filter(
        citizen_id=citizen_id, task__municipality_id=municipality_id
    ).select_related("made_by"):
        outcome = (
            _("reached: %(who)s") % {"who": attempt.get_answered_by_display().lower()}
            if attempt.reached
            else _("not reached")
        )
        events.append(
            Event(
                attempt.made_at,
                "attempt",
                f"{attempt.get_channel_display()}, {outcome}",
                attempt.note,
                _who(attempt.made_by),
            )
        )
    for visitation in Visitation.objects.filter(
        citizen_id=citizen_id, task__municipality_id=municipality_id
    ).select_related("decided_by"):
        title = _("Decision: %(decision)s") % {"decision": visitation.get_decision_display()}
        if visitation.superseded_at:
            title += " " + _("(replaced)")
        detail = " ".join(
            part
            for part in (
                visitation.get_mobility_display() if visitation.mobility else "",
                visitation.justification,
                visitation.note,
            )
            if part
        )
        events.append(
            Event(visitation.decided_at, "decision", title, detail, _who(visitation.decided_by))
        )
        if visitation.guardian_informed_at:
            events.append(
                Event(
                    visitation.guardian_informed_at,
                    "guardian",
                    _("Guardian informed (%(how)s)")
                    % {"how": visitation.get_guardian_informed_how_display().lower()},
                    by=visitation.guardian_informed_by,
                )
            )
    for referral in Referral.objects.filter(
        citizen_id=citizen_id, municipality_id=municipality_id
    ).select_related("requested_by"):
        events.append(
            Event(
                referral.requested_at,
                "referral",
                _("Referred to the region: %(pathway)s")
                % {"pathway": referral.get_pathway_display().lower()},
                by=_who(referral.requested_by),
            )
        )
        if referral.status != Referral.Status.REQUESTED:
            events.append(
                Event(
                    referral.status_changed_at,
                    "referral",
                    _("Referral %(status)s") % {"status": referral.get_status_display().lower()},
                    referral.comment,
                )
            )
    for ride in TransportBooking.objects.filter(
        citizen_id=citizen_id, municipality_id=municipality_id
    ):
        events.append(
            Event(
                ride.created_at,
                "transport",
                _("Transport (%(kind)s): %(status)s")
                % {"kind": ride.get_kind_display().lower(), "status": ride.get_status_display()},
                ride.destination,
            )
        )
    for change in ContactDetailsChange.objects.filter(citizen_id=citizen_id).select_related(
        "changed_by"
    ):
        events.append(
            Event(
                change.changed_at,
                "details",
                _("%(field)s changed") % {"field": change.get_field_display()},
                _("from “%(old)s” to “%(new)s”")
                % {"old": change.old_value or _("(none)"), "new": change.new_value or _("(none)")},
                _who(change.changed_by),
            )
        )
    for request in HelpRequest.objects.filter(
        citizen_id=citizen_id, municipality_id=municipality_id
    ):
        events.append(
            Event(
                request.received_at,
                "help",
                _("Asked for help (%(relation)s)")
                % {"relation": request.get_relation_display().lower()},
                request.message,
            )
        )
    events.sort(key=lambda event: event.at, reverse=True)
    return events


def current_visitation(task: ContactTask) -> Visitation | None:
    return Visitation.objects.filter(task=task, superseded_at__isnull=True).first()


def active_referral(task: ContactTask) -> Referral | None:
    return (
        Referral.objects.filter(task=task)
        .exclude(status=Referral.Status.WITHDRAWN)
        .select_related("product")
        .first()
    )


@dataclass(frozen=True)
class VaccinationHistory:
    """A citizen's vaccinations from the kernel's record: every record, invalidated ones
    included (struck through on the page), and the dose-2 window while dose 2 is outstanding."""

    records: list[VaccinationRecord]
    dose_two_window: tuple | None  # (earliest, due, latest)


def vaccination_history(citizen_id: int) -> VaccinationHistory:
    records = list(
        VaccinationRecord.objects.filter(citizen_id=citizen_id)
        .select_related("product", "vaccinator_organisation", "invalidated_by")
        .prefetch_related(
            Prefetch(
                "adverse_reactions", queryset=AdverseReaction.objects.order_by("onset_at", "pk")
            )
        )
        .order_by("dose", "given_at", "pk")
    )
    valid = {record.dose: record for record in records if record.is_valid}
    window = valid[1].dose_two_window() if 1 in valid and 2 not in valid else None
    return VaccinationHistory(records=records, dose_two_window=window)
