"""Every page each role reaches passes axe-core's WCAG 2.1 AA rules without serious violations,
on a desktop and on a 320 px phone."""

import pytest
from django.utils import timezone

from municipalities import services
from municipalities.models import ContactTask
from municipalities.ssi.weeks import parse_week
from outreach.models import Municipality, Region, VaccinatorOrganisation
from regions.services import sessions, staff, stock
from tests.e2e.conftest import serious_violations
from tests.e2e.test_login import enter_code
from tests.factories import fake_cpr
from tests.regions import world
from tests.vaccinators.planning import home_pool, planned, run_for
from vaccinators.services import outcomes, publishing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("lone", ["/municipalities/101/", "/municipalities/101/dashboard/",
              "/municipalities/101/imports/", "/municipalities/101/imports/{list}/",
              "/organisations/municipality/101/members/", "/regions/1084/"]),
    ("kasper", ["/regions/1084/", "/organisations/vaccinator/990101/members/"]),
    ("lise", ["/vaccinators/990101/route-lists/"]),
    ("signe", ["/municipalities/101/dashboard/", "/municipalities/101/?stage=open",
               "/municipalities/101/cases/{case}/"]),
    ("anders", ["/reference-data/", "/organisations/national/SST/members/",
                "/municipalities/national/imports/"]),
    ("lone", ["/municipalities/101/transport/", "/municipalities/101/help-requests/",
              "/municipalities/101/help-page/"]),
    ("kasper", ["/regions/1084/referrals/", "/regions/1084/sites/", "/regions/1084/sessions/",
                "/regions/1084/sessions/{session}/", "/regions/1084/dashboard/",
                "/regions/1084/stock/", "/regions/1084/route-days/",
                "/regions/1084/route-days/{route_day}/", "/regions/1084/staff/", "/rules/"]),
    ("lise", ["/vaccinators/990101/sessions/", "/vaccinators/990101/sessions/{session}/"]),
    ("anders", ["/rules/?on=2021-03-12"]),
    ("kasper", ["/regions/1084/pool/", "/regions/1084/planning/", "/regions/1084/planning/{run}/",
                "/regions/1084/planning/{draft_run}/"]),
    ("lise", ["/vaccinators/990101/route-lists/", "/vaccinators/990101/route-lists/{route_list}/",
              "/vaccinators/990101/route-lists/{route_list}/?print=1"]),
    ("signe", ["/municipalities/101/cases/{vaccinated_case}/"]),
    # Last, so that the others' look-ups fill the access log.
    ("rikke", ["/audit/", "/audit/users/", "/audit/users/{caseworker}/?first=2021-03-01",
               "/audit/citizens/{citizen}/", "/audit/anomalies/"]),
    ("nobody", ["/help/101/", "/help/101/thanks/"]),
    ("nobody", ["/"]),
]  # fmt: skip


def koebenhavns_list(tmp_path):
    """An imported list with a rejected row, so the report and its error table are checked."""
    path = tmp_path / "uge10.csv"
    path.write_text(
        f"cpr;navn;målgruppe;invitationsdato\n{fake_cpr(1)};Karen Jensen;3;01.03.2021\n"
        "0000;Forkert;3;01.03.2021\n",
        encoding="utf-8",
    )
    list_import, _created = services.ssi_list_import_receive(
        path=path, original_name=path.name, source="command",
        municipality=Municipality.objects.get(code="101"), week=parse_week("2021-W10"),
    )  # fmt: skip
    services.ssi_list_import_process(list_import_id=list_import.pk)
    return list_import.pk


def regional_desk(tmp_path, caseworker, coordinator):
    """A session with booked citizens, citizens waiting, stock allocated, a route day with staff:
    every part of the regional pages has rows."""
    region = Region.objects.get(code="1084")
    practice = VaccinatorOrganisation.objects.get(code="990101")
    referrals = world.referrals(tmp_path / "desk", caseworker, "101", 4, accepted=True, start=50)
    world.referrals(tmp_path / "desk", caseworker, "101", 1, start=60)
    session = world.session(region, vaccinator=practice)
    for referral in referrals[:3]:
        sessions.session_book(session=session, referral=referral, user=coordinator)
    world.stocked(region, coordinator, vials=6)
    stock.stock_allocate(place=session, user=coordinator, vials=1)
    route_day = world.route_day(practice)
    person = staff.staff_member_create(
        region=region, name="Birgitte Bruun", role="vaccinator", organisation=practice
    )
    staff.staff_assign(staff=person, place=session, user=coordinator)
    staff.staff_assign(staff=person, place=route_day, user=coordinator)
    return session.pk, route_day.pk


def home_visits(tmp_path, caseworker, coordinator, gp):
    """Today's route published to the Nørrebro practice, its checklist confirmed and its first
    citizen vaccinated (the countdown and the reaction form show); next week's run left as a
    draft, so the review's move and reorder forms are checked too."""
    region = Region.objects.get(code="1084")
    practice = VaccinatorOrganisation.objects.get(code="990101")
    home_pool(tmp_path / "home", caseworker, 13, start=70)
    today = planned(run_for(region=region, coordinator=coordinator, practices=[practice],
                            day=timezone.localdate()))  # fmt: skip
    (route_list,) = publishing.planning_run_publish(planning_run=today, user=coordinator)
    outcomes.checklist_confirm(
        route_list=route_list, user=gp, anaphylaxis_kit=True, adrenaline=True,
        oxygen_or_emergency_plan=True, it_access=True,
    )  # fmt: skip
    first = route_list.stops.order_by("position").first()
    outcomes.stop_outcome_record(stop=first, user=gp, outcome="vaccinated")
    draft = planned(run_for(region=region, coordinator=coordinator, practices=[practice],
                            day=world.next_week(8)))  # fmt: skip
    return today.pk, draft.pk, route_list.pk, first.referral.task_id


@pytest.mark.parametrize("width", [1280, 320])
def test_it_has_no_serious_accessibility_violations(
    browser, live_server, django_user_model, width, tmp_path,
    kbh_lead, kbh_caseworker, hovedstaden_coordinator, noerrebro_gp, administrator, kbh_auditor,
):  # fmt: skip
    django_user_model.objects.create_user("nobody", password="correct-horse-battery")
    list_pk = koebenhavns_list(tmp_path)
    case_pk = ContactTask.objects.get(municipality__code="101").pk
    session_pk, route_day_pk = regional_desk(tmp_path, kbh_caseworker, hovedstaden_coordinator)
    run_pk, draft_pk, route_list_pk, vaccinated_case = home_visits(
        tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_gp
    )
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    found = {}
    try:
        for username, paths in PAGES:
            context.clear_cookies()
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Brugernavn").fill(username)
            page.get_by_label("Adgangskode").fill("correct-horse-battery")
            page.get_by_role("button", name="Log ind").click()
            page.wait_for_load_state()
            if "/login/verify/" in page.url:
                enter_code(page, username)
            for path in (
                p.format(
                    list=list_pk,
                    case=case_pk,
                    session=session_pk,
                    route_day=route_day_pk,
                    run=run_pk,
                    draft_run=draft_pk,
                    route_list=route_list_pk,
                    vaccinated_case=vaccinated_case,
                    caseworker=kbh_caseworker.pk,
                    citizen=ContactTask.objects.get(pk=case_pk).citizen_id,
                )
                for p in paths
            ):
                response = page.goto(f"{live_server.url}{path}")
                found[(username, path)] = (response.status, serious_violations(page))
                assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    finally:
        context.close()
    assert {key: v for key, v in found.items() if v[1]} == {}
    # The error pages were among those checked.
    assert found[("lone", "/regions/1084/")][0] == 404
    assert found[("signe", "/municipalities/101/dashboard/")][0] == 403
    assert {v[0] for key, v in found.items() if key[0] == "rikke"} == {200}
