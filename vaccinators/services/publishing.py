"""Publishing a draft route list: the vaccinator's day becomes real.

One transaction does all of it or none: the list's vials and their consumables move from the
region's store to the route day (first expiry first out), the practice's vaccinators are granted
``view_routelist`` on the list (a django-guardian per-object permission, the only way a vaccinator
sees a route list), each stop's referral is scheduled at its planned arrival, and the other drafts
of the route day are discarded. Any refusal (a referral no longer waiting, too little stock, a
list already published for the day) changes nothing and says why.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Referral
from municipalities.services.cases import referral_schedule
from outreach.models import User
from outreach.roles import Role
from outreach.services import role_group_get_or_create
from outreach.vaccine_rules import Pathway, rule_book
from regions.models import PlanningRun, RouteDay
from regions.services.stock import stock_allocate
from vaccinators.models import RouteList, RouteListGroupObjectPermission, RouteStop
from vaccinators.selectors.planning import held_vials


@transaction.atomic
def route_list_publish(*, route_list: RouteList, user: User) -> RouteList:
    """Publish one draft (see the module's docstring)."""
    published = _publish(route_list, user)
    _close_run(published.planning_run_id)
    return published


@transaction.atomic
def planning_run_publish(*, planning_run: PlanningRun, user: User) -> list[RouteList]:
    """Publish every draft of the run with stops, all or none."""
    drafts = list(
        RouteList.objects.filter(planning_run=planning_run, status=RouteList.Status.DRAFT)
        .filter(stops__isnull=False)
        .distinct()
        .order_by("vaccinator_organisation__name", "pk")
    )
    if not drafts:
        raise ValidationError(_("The run has no draft route lists with stops to publish."))
    published = [_publish(draft, user) for draft in drafts]
    _close_run(planning_run.pk)
    return published


def _publish(route_list: RouteList, user: User) -> RouteList:
    # The route day's row first, then the list's: two coordinators publishing drafts of the same
    # day are served one after the other, and the second is told the day is taken.
    route_day = RouteDay.objects.select_for_update().get(pk=route_list.route_day_id)
    route_list = (
        RouteList.objects.select_for_update(of=("self",))
        .select_related("product", "vaccinator_organisation", "region")
        .get(pk=route_list.pk)
    )
    name = route_list.vaccinator_organisation.name
    if route_list.status != RouteList.Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be published; the route list of %(name)s is %(status)s.")
            % {"name": name, "status": route_list.get_status_display().lower()}
        )
    if route_list.date < timezone.localdate():
        raise ValidationError(_("A route list for a day in the past cannot be published."))
    if route_day.cancelled_at is not None:
        raise ValidationError(
            _("The route day of %(name)s is cancelled: its list cannot be published.")
            % {"name": name}
        )
    if RouteList.objects.filter(route_day=route_day, status__in=RouteList.LIVE).exists():
        raise ValidationError(
            _("%(name)s already has a published route list on %(day)s. Nothing was changed.")
            % {"name": name, "day": route_list.date.isoformat()}
        )
    stops = list(route_list.stops.select_related("citizen").order_by("position", "pk"))
    if not stops:
        raise ValidationError(
            _("The route of %(name)s has no stops: there is nothing to publish.") % {"name": name}
        )
    _check_referrals(stops)
    _check_rules(route_list, stops)

    needed = route_list.vials - held_vials(route_day, route_list.product)
    if needed > 0:
        # InsufficientStock says what is missing; raised here, it undoes the whole publication.
        stock_allocate(place=route_day, user=user, vials=needed)

    role_group = role_group_get_or_create(
        organisation=route_list.vaccinator_organisation, role=Role.VACCINATOR
    )
    RouteListGroupObjectPermission.objects.get_or_create(
        group=role_group.group,
        permission=Permission.objects.get(
            content_type__app_label="vaccinators", codename="view_routelist"
        ),
        content_object=route_list,
    )
    for stop in stops:
        referral_schedule(referral=stop.referral, scheduled_for=stop.planned_arrival)

    route_list.status = RouteList.Status.PUBLISHED
    route_list.published_at = timezone.now()
    route_list.published_by = user
    try:
        with transaction.atomic():
            route_list.save(update_fields=["status", "published_at", "published_by"])
    except IntegrityError:
        # The database's last word: one live list per route day.
        raise ValidationError(
            _("%(name)s already has a published route list on %(day)s. Nothing was changed.")
            % {"name": name, "day": route_list.date.isoformat()}
        ) from None
    RouteList.objects.filter(route_day=route_day, status=RouteList.Status.DRAFT).update(
        status=RouteList.Status.DISCARDED
    )
    return route_list


def _check_referrals(stops: list[RouteStop]) -> None:
    """Every stop's referral must still be accepted and waiting for a visit."""
    statuses = dict(
        Referral.objects.select_for_update()
        .filter(pk__in=[stop.referral_id for stop in stops])
        .values_list("pk", "status")
    )
    gone = [
        stop.citizen.name
        for stop in stops
        if statuses.get(stop.referral_id) != Referral.Status.ACCEPTED
    ]
    if gone:
        raise ValidationError(
            _(
                "No longer waiting for a home visit (returned, withdrawn or scheduled on another "
                "route): %(names)s. Take them off the route and publish again. Nothing was "
                "changed."
            )
            % {"names": ", ".join(gone)}
        )


def _check_rules(route_list: RouteList, stops: list[RouteStop]) -> None:
    """The rules in force on the day must allow the list's vaccine at home for every stop."""
    book = rule_book(route_list.date)
    refused = []
    for stop in stops:
        verdict = book.verdict(route_list.product, Pathway.HOME, stop.citizen.target_group_id)
        if not verdict.allowed:
            refused.append(f"{stop.citizen.name} ({verdict.reason})")
    if refused:
        raise ValidationError(
            _(
                "The vaccine rules no longer allow %(product)s at home for: %(names)s. Take them "
                "off the route and publish again. Nothing was changed."
            )
            % {"product": route_list.product.name, "names": "; ".join(refused)}
        )


def _close_run(planning_run_id: int | None) -> None:
    """A run with lists published and no draft with stops left is published; its empty drafts
    are discarded."""
    if planning_run_id is None:
        return
    lists = RouteList.objects.filter(planning_run_id=planning_run_id)
    drafts = lists.filter(status=RouteList.Status.DRAFT)
    if drafts.filter(stops__isnull=False).exists():
        return
    if not lists.filter(status__in=RouteList.LIVE).exists():
        return
    drafts.update(status=RouteList.Status.DISCARDED)
    PlanningRun.objects.filter(pk=planning_run_id, status=PlanningRun.Status.DONE).update(
        status=PlanningRun.Status.PUBLISHED, published_at=timezone.now()
    )
