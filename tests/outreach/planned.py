"""A week of planned work in Hovedstaden for the vaccine rule tests, made through the real
services: a Comirnaty pop-up session with a target-group-3 and a target-group-5 citizen booked, a
Moderna session at the same hall with another group-5 citizen, and a Comirnaty route day of the
Nørrebro practice, all a week from today."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outreach.models import Region, User, VaccinatorOrganisation
from regions.models import PopupSession, RouteDay, SessionBooking
from regions.services import sessions
from tests.regions import world


@dataclass
class PlannedWeek:
    comirnaty_session: PopupSession
    group_3_booking: SessionBooking
    group_5_booking: SessionBooking
    moderna_session: PopupSession
    moderna_group_5_booking: SessionBooking
    route_day: RouteDay

    def items(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def flagged(self) -> dict[str, str]:
        """The items' conflicts as the database has them now, by name; unflagged ones left out."""
        found = {}
        for name, item in self.items().items():
            item.refresh_from_db(fields=["rule_conflict"])
            if item.rule_conflict:
                found[name] = item.rule_conflict
        return found


def planned_week(
    tmp_path: Path,
    *,
    region: Region,
    caseworker: User,
    coordinator: User,
    practice: VaccinatorOrganisation,
) -> PlannedWeek:
    hall = world.site(region)
    comirnaty = world.session(region, at=hall)
    moderna = world.session(region, product="moderna", at=hall)
    group_3 = world.referrals(tmp_path, caseworker, "101", 1, group=3, accepted=True)[0]
    group_5 = world.referrals(tmp_path, caseworker, "101", 2, group=5, start=1, accepted=True)

    def book(session, referral):
        return sessions.session_book(session=session, referral=referral, user=coordinator)

    return PlannedWeek(
        comirnaty_session=comirnaty,
        group_3_booking=book(comirnaty, group_3),
        group_5_booking=book(comirnaty, group_5[0]),
        moderna_session=moderna,
        moderna_group_5_booking=book(moderna, group_5[1]),
        route_day=world.route_day(practice),
    )
