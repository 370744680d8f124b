"""Reads for the vaccinator's day: the route lists published to a practice, a route's stops with
everything the card shows, its vials, the batches it carries and the doses still to give from
each, and a pop-up session's list with its outcomes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from outreach import access
from outreach.models import VaccinationRecord, VaccinatorOrganisation
from regions.models import PopupSession, RouteDay, SessionBooking, StockBatch
from regions.selectors.sessions import ACTIVE, sessions_run_by
from regions.selectors.stock import held_at
from vaccinators.models import RouteList, RouteStop, VialEvent

Status = RouteList.Status


def route_lists_for_practice(user, organisation: VaccinatorOrganisation) -> QuerySet[RouteList]:
    """The practice's route lists published to ``user``: today's and the coming days', and an
    earlier one still to finish, in date order, with their stops counted."""
    return (
        access.route_lists_visible_to(user)
        .filter(vaccinator_organisation=organisation, status__in=RouteList.LIVE)
        .filter(
            Q(date__gte=timezone.localdate()) | Q(status__in=(Status.PUBLISHED, Status.IN_PROGRESS))
        )
        .select_related("product")
        .annotate(stop_count=Count("stops"))
        .order_by("date", "starts_at", "pk")
    )


def practice_route_list(user, organisation: VaccinatorOrganisation, pk: int) -> RouteList:
    """The practice's route list published to ``user``, else 404: another practice's list and a
    draft are not there for the vaccinator (a coordinator who is also a GP sees drafts on the
    region's pages, not here). The page and the API both ask here."""
    route_list = access.get_route_list_for_user(user, pk)
    if route_list.vaccinator_organisation_id != organisation.pk or not route_list.is_live:
        raise Http404
    return route_list


def route_stop(route_list: RouteList, pk: int) -> RouteStop:
    """One stop of the route list, else 404."""
    return access.get_owned(
        RouteStop.objects.select_related("citizen", "vaccination"),
        owner=route_list,
        owner_field="route_list",
        pk=pk,
    )


def practice_session(organisation: VaccinatorOrganisation, pk: int) -> PopupSession:
    """A pop-up session the practice runs (not a cancelled one), else 404."""
    return access.get_owned(
        sessions_run_by(organisation),
        owner=organisation,
        owner_field="vaccinator_organisation",
        pk=pk,
    )


def session_booking(session: PopupSession, pk: int) -> SessionBooking:
    """One booking of the session, else 404."""
    return access.get_owned(
        SessionBooking.objects.select_related("citizen", "vaccination", "session"),
        owner=session,
        owner_field="session",
        pk=pk,
    )


def route_stops(route_list: RouteList) -> list[RouteStop]:
    """The stops in order, each with its citizen, referral, visitation, record and the record's
    adverse reactions: a fixed number of queries whatever the number of stops."""
    return list(
        route_list.stops.select_related(
            "citizen", "referral__visitation", "referral__product", "vaccination__product"
        )
        .prefetch_related("vaccination__adverse_reactions")
        .order_by("position", "pk")
    )


def session_bookings(session: PopupSession) -> list[SessionBooking]:
    """A pop-up session's list for the vaccinator: the citizens booked, and those whose outcome
    took them off it (did not come, declined), in time order."""
    return list(
        session.bookings.filter(
            ACTIVE | (Q(status=SessionBooking.Status.CANCELLED) & ~Q(outcome=""))
        )
        .select_related(
            "citizen", "referral__visitation", "referral__product", "vaccination__product"
        )
        .prefetch_related("vaccination__adverse_reactions")
        .order_by("slot_at", "pk")
    )


def _lots_given(records: QuerySet[VaccinationRecord]) -> Counter:
    return Counter(records.valid().values_list("batch", flat=True))


def route_records(route_list: RouteList) -> QuerySet[VaccinationRecord]:
    return VaccinationRecord.objects.filter(
        pk__in=route_list.stops.filter(vaccination__isnull=False).values("vaccination")
    )


def session_records(session: PopupSession) -> QuerySet[VaccinationRecord]:
    return VaccinationRecord.objects.filter(
        pk__in=session.bookings.filter(vaccination__isnull=False).values("vaccination")
    )


@dataclass(frozen=True)
class BatchLeft:
    """A batch a route or a session carries, and the doses still to give from it: what the place
    holds in the ledger less the valid vaccinations recorded and not yet settled."""

    batch: StockBatch
    doses: int


def _batches_left(place: RouteDay | PopupSession, given: Counter) -> list[BatchLeft]:
    return [
        BatchLeft(
            batch=balance.batch, doses=max(balance.quantity - given[balance.batch.lot_number], 0)
        )
        for balance in held_at(place)
        if balance.batch_id is not None
    ]


def route_batches(route_list: RouteList) -> list[BatchLeft]:
    """The batches allocated to the route's day, the first to expire first. Before the route is
    settled, the doses given are not yet in the ledger: they are counted from the records."""
    given = (
        Counter() if route_list.status == Status.DONE else _lots_given(route_records(route_list))
    )
    return _batches_left(route_list.route_day, given)


def session_batches(session: PopupSession) -> list[BatchLeft]:
    given = (
        Counter()
        if session.status == PopupSession.Status.DONE
        else _lots_given(session_records(session))
    )
    return _batches_left(session, given)


@dataclass(frozen=True)
class Vial:
    """One vial of a route: the stops planned to draw from it, and when it was opened and
    finished (with its batch and the end of its after-opening window)."""

    number: int
    planned_stops: int
    opened: VialEvent | None
    finished: VialEvent | None
    usable_until: datetime | None

    @property
    def is_open(self) -> bool:
        return self.opened is not None and self.finished is None


def route_vials(route_list: RouteList, stops: list[RouteStop]) -> list[Vial]:
    """Vials 1 to the route's count, from its vial events (one query)."""
    events = {(e.vial_number, e.kind): e for e in VialEvent.objects.filter(route_list=route_list)}
    planned = Counter(stop.vial_number for stop in stops)
    hours = route_list.product.hours_after_opening
    vials = []
    for number in range(1, max([route_list.vials, *planned.keys(), 0]) + 1):
        opened = events.get((number, VialEvent.Kind.OPENED))
        vials.append(
            Vial(
                number=number,
                planned_stops=planned[number],
                opened=opened,
                finished=events.get((number, VialEvent.Kind.FINISHED)),
                usable_until=opened.at + timedelta(hours=hours) if opened else None,
            )
        )
    return vials
