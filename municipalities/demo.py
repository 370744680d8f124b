"""The municipalities' part of the demo world: one week's SSI list per demo municipality, imported
through the same pipeline as every real list, and then a fortnight of casework on a share of each
municipality's tasks, so every worklist stage, decision and referral status is there to look at.

The casework goes through the same services a caseworker's, a lead's and the region's actions go
through (claims, attempts, decisions, referrals, rides, help requests), so the denormalised task
columns are exactly what real work leaves. It is done once per municipality: when the municipality
already has contact attempts (the demo's, or someone's trying the demo), it is left alone, so
loading the demo again changes nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from municipalities import services
from municipalities.models import (
    ContactAttempt,
    ContactTask,
    Referral,
    SsiListImport,
    TransportBooking,
    Visitation,
)
from municipalities.services import cases, tasks
from municipalities.services import help as help_services
from municipalities.services import transport as transport_services
from municipalities.ssi import synthetic
from municipalities.ssi.weeks import parse_week
from outreach import cpr
from outreach.demo import MUNICIPALITIES
from outreach.models import Municipality, User

DEMO_WEEK = "2021-W09"
ROWS_PER_MUNICIPALITY = 40

D = Visitation.Decision
M = Visitation.Mobility


def load(municipality_codes: list[str]) -> list[str]:
    """Import the demo week's list of each municipality (once: the same file is the same import),
    then work a share of its tasks into every state (once)."""
    notes = []
    with tempfile.TemporaryDirectory() as folder:
        for code in municipality_codes:
            municipality = Municipality.objects.get(code=code)
            path = Path(folder) / f"{code}_ssi-{DEMO_WEEK}.csv"
            synthetic.write_national_file(
                path,
                rows=ROWS_PER_MUNICIPALITY,
                seed=int(code),
                bad_fraction=0.05,
                municipality_codes=[code],
            )
            list_import, created = services.ssi_list_import_receive(
                path=path,
                original_name=path.name,
                source=SsiListImport.Source.COMMAND,
                municipality=municipality,
                week=parse_week(DEMO_WEEK),
            )
            if created or not list_import.is_finished:
                list_import = services.ssi_list_import_process(list_import_id=list_import.pk)
            notes.append(
                f"SSI list {DEMO_WEEK} for {municipality}: {list_import.rows_accepted} citizens, "
                f"{list_import.rows_rejected} rows rejected"
            )
            notes.append(casework_load(municipality))
    return notes


class _Desk:
    """One municipality's demo staff at work on its cases, through the services."""

    def __init__(self, municipality: Municipality):
        self.slug = MUNICIPALITIES[municipality.code]
        self.municipality = municipality
        self.caseworker = User.objects.get(username=f"{self.slug}.caseworker")
        self.lead = User.objects.get(username=f"{self.slug}.lead")
        self.now = timezone.now()
        self.site = f"Vaccinationscenter {municipality.name}"

    def days_ago(self, days: int, hour: int = 10) -> datetime:
        return (timezone.localtime(self.now) - timedelta(days=days)).replace(
            hour=hour, minute=0, second=0, microsecond=0
        )

    def in_days(self, days: int, hour: int = 10) -> datetime:
        return self.days_ago(-days, hour)

    def not_reached(self, task: ContactTask, *days: int) -> None:
        for day in days:
            cases.attempt_record(
                task=task, user=self.caseworker, channel=ContactAttempt.Channel.PHONE,
                reached=False, note="Intet svar.", made_at=self.days_ago(day, 9 + day % 6),
            )  # fmt: skip

    def reached(self, task: ContactTask, who: str = "citizen", note: str = "") -> None:
        channel = ContactAttempt.Channel.GUARDIAN if who == "guardian" else "phone"
        cases.attempt_record(
            task=task, user=self.caseworker, channel=channel, reached=True, answered_by=who,
            note=note or "Talt med borgeren.", made_at=self.days_ago(1, 11),
        )  # fmt: skip

    def decide(self, task: ContactTask, decision: str, **data) -> Visitation:
        if decision in (D.POPUP, D.HOME) and task.citizen.has_guardian:
            data.setdefault("guardian_informed_at", self.days_ago(1, 12))
            data.setdefault("guardian_informed_how", Visitation.GuardianInformedHow.PHONE)
            data.setdefault("guardian_informed_by", self.caseworker.get_full_name())
        return cases.visitation_decide(task=task, user=self.caseworker, decision=decision, **data)

    def refer(self, task: ContactTask, decision: str, mobility: str, **data) -> Referral:
        self.reached(task)
        visitation = self.decide(task, decision, wants_vaccination=True, mobility=mobility, **data)
        return Referral.objects.get(visitation=visitation)

    def done_with(self, task: ContactTask) -> None:
        """Give the claim back, as a caseworker does when they move on to the next citizen."""
        task.refresh_from_db()
        if task.claimed_by_id == self.caseworker.pk:
            tasks.task_release(task=task, user=self.caseworker)


# Each state: what the demo staff do to one task to put it there.


def _claimed(desk: _Desk, task: ContactTask) -> None:
    tasks.task_claim(task=task, user=desk.caseworker)


def _assigned(desk: _Desk, task: ContactTask) -> None:
    tasks.task_assign(task=task, assignee=desk.caseworker, by=desk.lead)


def _call_later_due(desk: _Desk, task: ContactTask) -> None:
    tasks.task_call_later(task=task, user=desk.caseworker, at=desk.in_days(1))
    # A call-back that came due two hours ago: the service only takes times ahead, so the demo
    # moves the time back once it is recorded (as if the call-back had been set a day earlier).
    ContactTask.objects.filter(pk=task.pk).update(call_later_at=desk.now - timedelta(hours=2))


def _call_later_future(desk: _Desk, task: ContactTask) -> None:
    tasks.task_call_later(task=task, user=desk.caseworker, at=desk.in_days(2, 14))


def _not_reached_on_several_days(desk: _Desk, task: ContactTask) -> None:
    desk.not_reached(task, 3, 2)


def _reached(desk: _Desk, task: ContactTask) -> None:
    desk.not_reached(task, 2)
    desk.reached(task, note="Borgeren vil gerne vaccineres; ringer tilbage om transport.")


def _helped_to_book(desk: _Desk, task: ContactTask) -> None:
    desk.reached(task)
    desk.decide(
        task, D.HELP_TO_BOOK, wants_vaccination=True, mobility=M.WITH_RELATIVES,
        booking_site=desk.site, booking_at=desk.in_days(4, 13),
    )  # fmt: skip


def _site_transport(desk: _Desk, task: ContactTask) -> None:
    desk.reached(task)
    booking_at = desk.in_days(5, 10)
    visitation = desk.decide(
        task, D.SITE_TRANSPORT, wants_vaccination=True, mobility=M.TRANSPORT_WHEELCHAIR,
        booking_site=desk.site, booking_at=booking_at,
    )  # fmt: skip
    ride = TransportBooking.objects.get(visitation=visitation)
    transport_services.transport_booking_update(
        booking=ride, user=desk.caseworker, destination=desk.site,
        pickup_at=booking_at - timedelta(minutes=45), note="Kørestol. Ring på hos naboen.",
    )  # fmt: skip
    transport_services.transport_booking_mark_booked(booking=ride, user=desk.caseworker)


def _popup_requested(desk: _Desk, task: ContactTask) -> None:
    desk.refer(task, D.POPUP, M.TRANSPORT_SITTING)


def _home_accepted_with_guardian(desk: _Desk, task: ContactTask) -> None:
    # A bedridden citizen under guardianship: the guardian is recorded and told before referring.
    cases.citizen_contact_details_update(
        task=task, user=desk.caseworker, guardian_name="Karin Holm",
        guardian_phone="20 30 40 50", guardian_relation="Værge (datter)",
    )  # fmt: skip
    task.citizen.refresh_from_db()
    desk.reached(task, who="guardian", note="Værgen siger ja til vaccination i hjemmet.")
    visitation = desk.decide(
        task, D.HOME, wants_vaccination=True, mobility=M.BEDRIDDEN,
        guardian_informed_at=desk.days_ago(1, 12),
        guardian_informed_how=Visitation.GuardianInformedHow.PHONE,
        guardian_informed_by=desk.caseworker.get_full_name(),
    )  # fmt: skip
    cases.referral_accept(referral=Referral.objects.get(visitation=visitation))


def _home_accepted(desk: _Desk, task: ContactTask) -> None:
    # The home-visit pool the region's planner fills a day from (the vaccinators' demo).
    referral = desk.refer(
        task, D.HOME, M.BEDRIDDEN,
        access_notes="Nøgleboks ved hoveddøren, kode 1945. Ring på, før du går ind.",
    )  # fmt: skip
    cases.referral_accept(referral=referral)


def _home_accepted_allergy(desk: _Desk, task: ContactTask) -> None:
    referral = desk.refer(
        task, D.HOME, M.LYING_TRANSPORT, severe_allergy=True,
        note="Fik et alvorligt allergisk anfald efter en penicillinindsprøjtning i 2015.",
    )  # fmt: skip
    cases.referral_accept(referral=referral)


def _declined(desk: _Desk, task: ContactTask) -> None:
    desk.reached(task, note="Ønsker ikke vaccination.")
    desk.decide(task, D.DECLINED, wants_vaccination=False)


def _unreachable(desk: _Desk, task: ContactTask) -> None:
    desk.not_reached(task, 5, 4, 3)
    desk.decide(task, D.UNREACHABLE)


def _not_relevant(desk: _Desk, task: ContactTask) -> None:
    desk.reached(task, who="relative", note="Sønnen fortæller, at hun er vaccineret i Tyskland.")
    desk.decide(task, D.NOT_RELEVANT, not_relevant_reason=Visitation.NotRelevantReason.VACCINATED)


def _popup_accepted(desk: _Desk, task: ContactTask) -> None:
    # The region's part of the demo books accepted pop-up referrals into a session.
    referral = desk.refer(task, D.POPUP, M.ALONE)
    cases.referral_accept(referral=referral)


def _popup_accepted_sitting(desk: _Desk, task: ContactTask) -> None:
    referral = desk.refer(task, D.POPUP, M.TRANSPORT_SITTING)
    cases.referral_accept(referral=referral)


def _home_done(desk: _Desk, task: ContactTask) -> None:
    referral = desk.refer(task, D.HOME, M.LYING_TRANSPORT)
    cases.referral_accept(referral=referral)
    cases.referral_schedule(referral=referral, scheduled_for=desk.days_ago(1, 9))
    cases.referral_complete(referral=referral)


def _popup_returned(desk: _Desk, task: ContactTask) -> None:
    referral = desk.refer(task, D.POPUP, M.TRANSPORT_SITTING)
    cases.referral_return(
        referral=referral,
        comment="Ingen pop-up-session i området før om tre uger; overvej transport til et "
        "vaccinationscenter.",
    )


STATES: list[tuple[str, Callable[[_Desk, ContactTask], None]]] = [
    ("claimed by the caseworker", _claimed),
    ("assigned by the lead", _assigned),
    ("call-back due", _call_later_due),
    ("call-back later", _call_later_future),
    ("not reached on several days", _not_reached_on_several_days),
    ("reached", _reached),
    ("helped to book", _helped_to_book),
    ("transport to a site", _site_transport),
    ("pop-up referral requested", _popup_requested),
    ("home referral accepted (guardian)", _home_accepted_with_guardian),
    ("declined", _declined),
    ("unreachable", _unreachable),
    ("not relevant", _not_relevant),
    ("pop-up referral accepted", _popup_accepted),
    ("pop-up referral accepted, sitting", _popup_accepted_sitting),
    ("home referral done", _home_done),
    ("pop-up referral returned", _popup_returned),
    ("home referral accepted", _home_accepted),
    ("home referral accepted, earlier severe allergic reaction", _home_accepted_allergy),
    ("home referral accepted", _home_accepted),
    ("home referral accepted", _home_accepted),
    ("home referral accepted", _home_accepted),
    ("home referral accepted", _home_accepted),
]


@transaction.atomic
def casework_load(municipality: Municipality) -> str:
    """Work the first of the municipality's tasks into every state, once; the rest stay new
    (and overdue: the demo lists are from 2021)."""
    if ContactAttempt.objects.filter(task__municipality=municipality).exists():
        return f"Casework in {municipality}: already there, left as it is"
    desk = _Desk(municipality)
    open_tasks = list(
        ContactTask.objects.filter(municipality=municipality, status=ContactTask.Status.OPEN)
        .select_related("citizen")
        .order_by("pk")
    )
    worked = list(zip(STATES, open_tasks, strict=False))
    for (_name, work), task in worked:
        work(desk, task)
        if work is not _claimed:
            desk.done_with(task)

    help_services.contact_info_update(
        municipality=municipality, user=desk.lead, phone="33 66 33 66",
        hours="Mandag-fredag kl. 9-15", email=f"vaccination@{desk.slug}.example.dk",
        text=(
            "Har du eller en, du kender, brug for hjælp til at bestille tid til vaccination eller "
            "til transport til vaccinationsstedet? Ring til os, eller udfyld formularen, så "
            "ringer vi dig op. Kan du ikke forlade dit hjem, finder vi en løsning sammen med dig."
        ),
    )  # fmt: skip
    untouched = open_tasks[len(worked)] if len(open_tasks) > len(worked) else None
    if untouched is not None:
        # A daughter asks for her father, with his CPR number: it matches his task.
        help_services.help_request_submit(
            municipality=municipality, name=untouched.citizen.name, phone="40 50 60 70",
            street=untouched.citizen.street, postcode=untouched.citizen.postcode,
            relation="relative", requester_name="Mette Jensen",
            message="Min far kan ikke selv bestille tid. Kan I hjælpe?",
            cpr_number=cpr.vault().decrypt(untouched.citizen.cpr_encrypted),
        )  # fmt: skip
    help_services.help_request_submit(
        municipality=municipality, name="Birthe Nielsen", phone="50 60 70 80",
        street="Skolevej 3", postcode="", relation="home_care", requester_name="Hjemmeplejen",
        message="Borgeren har ikke fået brev, men vil gerne vaccineres i hjemmet.",
        cpr_number=None,
    )  # fmt: skip
    return f"Casework in {municipality}: {len(worked)} cases worked into every state"
