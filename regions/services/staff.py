"""Writes on staffing: the people a region can call on and their assignments to pop-up sessions and
route days. A person booked at overlapping times is not refused (a coordinator may be fixing a
plan in two steps) but flagged by ``selectors.staff`` wherever the assignment shows."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.models import Region, User, VaccinatorOrganisation
from regions.models import PopupSession, RouteDay, StaffAssignment, StaffMember
from regions.selectors.sessions import local_span


@transaction.atomic
def staff_member_create(
    *,
    region: Region,
    name: str,
    role: str,
    organisation: VaccinatorOrganisation | None,
    phone: str = "",
) -> StaffMember:
    problems = {}
    if not name.strip():
        problems["name"] = _("Enter the person's name.")
    if role not in StaffMember.Role.values:
        problems["role"] = _("Choose a role from the list.")
    if organisation is not None and organisation.region_id != region.pk:
        problems["organisation"] = _("Choose an organisation in the region.")
    if problems:
        raise ValidationError(problems)
    return StaffMember.objects.create(
        region=region, name=name.strip(), role=role, organisation=organisation, phone=phone.strip()
    )


@transaction.atomic
def staff_assign(
    *,
    staff: StaffMember,
    place: PopupSession | RouteDay,
    user: User,
    role: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> StaffAssignment:
    """Put ``staff`` on a session or route day, by default for its whole hours."""
    if staff.region_id != place.region_id:
        raise ValidationError({"staff": _("Choose a person from the region.")})
    if not staff.active:
        raise ValidationError({"staff": _("%(name)s is no longer active.") % {"name": staff}})
    if role is not None and role not in StaffMember.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    cancelled = (
        place.status not in PopupSession.OPEN
        if isinstance(place, PopupSession)
        else place.cancelled_at is not None
    )
    if cancelled:
        raise ValidationError({"place": _("Staff cannot be put on a cancelled or finished plan.")})
    if place.date < timezone.localdate():
        raise ValidationError({"place": _("The day is over: choose a day from today on.")})
    default_start, default_end = local_span(place.date, place.starts_at, place.ends_at)
    starts_at = starts_at or default_start
    ends_at = ends_at or default_end
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The assignment must end after it starts.")})
    field = "session" if isinstance(place, PopupSession) else "route_day"
    try:
        with transaction.atomic():
            return StaffAssignment.objects.create(
                staff=staff,
                role=role or staff.role,
                starts_at=starts_at,
                ends_at=ends_at,
                assigned_by=user,
                **{field: place},
            )
    except IntegrityError:
        raise ValidationError(
            {
                "staff": _("%(name)s is already assigned to %(place)s.")
                % {"name": staff, "place": place}
            }
        ) from None


@transaction.atomic
def staff_unassign(*, assignment: StaffAssignment, user: User) -> None:
    """Take the person off (a plan, not a clinical record: the row goes)."""
    StaffAssignment.objects.filter(pk=assignment.pk).delete()
