"""Writes on route days: a vaccinator organisation's day of home visits, which stock and staff are
allocated to and the planner fills."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.models import Region, User, VaccinatorOrganisation, VaccineProduct
from outreach.vaccine_rules import Pathway, rule_book
from regions.models import RouteDay, StaffAssignment
from regions.services.stock import stock_return_everything


@transaction.atomic
def route_day_create(
    *,
    region: Region,
    vaccinator_organisation: VaccinatorOrganisation,
    day: date,
    starts_at: time,
    ends_at: time,
    product: VaccineProduct,
) -> RouteDay:
    """A day of home visits for one of the region's vaccinators: the rules in force on the day
    must allow ``product`` for home vaccination."""
    problems = {}
    if vaccinator_organisation.region_id != region.pk:
        problems["vaccinator_organisation"] = _("Choose a vaccinator in the region.")
    if day < timezone.localdate():
        problems["date"] = _("A route day cannot be planned in the past.")
    if ends_at <= starts_at:
        problems["ends_at"] = _("The day must end after it starts.")
    verdict = rule_book(day).verdict(product, Pathway.HOME, None)
    if not verdict.allowed:
        problems["product"] = _(
            "%(product)s may not be used for home vaccination on %(day)s. %(why)s"
        ) % {
            "product": product.name,
            "day": day.isoformat(),
            "why": verdict.reason,
        }
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            return RouteDay.objects.create(
                region=region,
                vaccinator_organisation=vaccinator_organisation,
                date=day,
                starts_at=starts_at,
                ends_at=ends_at,
                product=product,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "date": _("%(vaccinator)s already has a route day on %(day)s.")
                % {"vaccinator": vaccinator_organisation.name, "day": day.isoformat()}
            }
        ) from None


@transaction.atomic
def route_day_cancel(*, route_day: RouteDay, user: User) -> RouteDay:
    """Cancel the day: its unopened vials and its consumables go back to the store, and its staff
    are free again. The row stays (the ledger points at it); the date is free for a new day."""
    route_day = RouteDay.objects.select_for_update().get(pk=route_day.pk)
    if route_day.cancelled_at is not None:
        raise ValidationError(_("The route day is already cancelled."))
    stock_return_everything(place=route_day, user=user, note=_("Route day cancelled"))
    StaffAssignment.objects.filter(route_day=route_day).delete()
    route_day.cancelled_at = timezone.now()
    route_day.save(update_fields=["cancelled_at"])
    return route_day
