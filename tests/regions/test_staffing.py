"""Kasper puts vaccinators and dilution staff on pop-up sessions and route days. A person booked at
crossing hours is allowed (a plan is fixed in steps) but flagged in words wherever it shows."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from regions.models import StaffAssignment, StaffMember
from regions.selectors.staff import assignments_at
from regions.services import route_days as route_day_services
from regions.services import sessions as session_services
from regions.services import staff as staff_services
from regions.services.staff import ValidationError
from tests.regions import world

pytestmark = pytest.mark.django_db

FLAG = "Booked elsewhere at the same time"


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The pages in English, the language of the source strings the tests look for."""


@pytest.fixture
def kasper(hovedstaden_coordinator):
    return hovedstaden_coordinator


@pytest.fixture
def session(hovedstaden):
    return world.session(hovedstaden)  # 09:00-12:00 next week


@pytest.fixture
def route_day(noerrebro_practice):
    return world.route_day(noerrebro_practice)  # 08:00-15:00 next week


@pytest.fixture
def lise(hovedstaden, noerrebro_practice):
    return staff_services.staff_member_create(
        region=hovedstaden,
        name="Lise Bach",
        role=StaffMember.Role.VACCINATOR,
        organisation=noerrebro_practice,
        phone="+45 35 12 34 56",
    )


def at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def staff_url(code="1084"):
    return reverse("regions:staff-list", kwargs={"code": code})


def assign_url(code="1084"):
    return reverse("regions:staff-assign", kwargs={"code": code})


def test_it_flags_a_person_at_a_session_and_a_route_day_whose_hours_cross(
    client, kasper, lise, session, route_day
):
    staff_services.staff_assign(staff=lise, place=session, user=kasper)
    staff_services.staff_assign(staff=lise, place=route_day, user=kasper)
    client.force_login(kasper)
    text = client.get(staff_url()).content.decode()
    assert text.count(FLAG) == 2
    detail = reverse("regions:route-day-detail", kwargs={"code": "1084", "pk": route_day.pk})
    assert client.get(detail).content.decode().count(FLAG) == 1


def test_it_does_not_flag_hours_that_only_meet(client, kasper, lise, session, route_day):
    staff_services.staff_assign(staff=lise, place=session, user=kasper)  # until 12:00
    staff_services.staff_assign(
        staff=lise,
        place=route_day,
        user=kasper,
        starts_at=at(route_day.date, 12),
        ends_at=at(route_day.date, 15),
    )
    client.force_login(kasper)
    assert FLAG not in client.get(staff_url()).content.decode()


def test_it_stops_flagging_once_the_other_plan_is_cancelled(kasper, lise, session, route_day):
    staff_services.staff_assign(staff=lise, place=session, user=kasper)
    staff_services.staff_assign(staff=lise, place=route_day, user=kasper)
    route_day_services.route_day_cancel(route_day=route_day, user=kasper)
    assert [a.overlaps for a in assignments_at(session)] == [False]


def test_it_refuses_to_assign_the_same_person_twice_to_one_place(client, kasper, lise, session):
    staff_services.staff_assign(staff=lise, place=session, user=kasper)
    with pytest.raises(ValidationError, match="Lise Bach is already assigned to"):
        staff_services.staff_assign(staff=lise, place=session, user=kasper)
    client.force_login(kasper)
    response = client.post(
        assign_url(), {"assign-staff": lise.pk, "assign-place": f"session:{session.pk}"}
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert f"Lise Bach is already assigned to {session}." in text
    assert StaffAssignment.objects.count() == 1


def test_it_assigns_from_the_staff_page_with_the_places_hours_by_default(
    client, kasper, lise, session
):
    client.force_login(kasper)
    response = client.post(
        assign_url(), {"assign-staff": lise.pk, "assign-place": f"session:{session.pk}"}
    )
    assert response.status_code == 302
    assert response["Location"] == staff_url()
    assignment = StaffAssignment.objects.get()
    assert (assignment.session, assignment.role) == (session, "vaccinator")
    assert (assignment.starts_at, assignment.ends_at) == (at(session.date, 9), at(session.date, 12))
    page = client.get(staff_url()).content.decode()
    assert "Lise Bach is on Pop-up session at Nørrebrohallen" in page


def test_it_assigns_from_a_route_days_page_for_chosen_hours_and_goes_back_there(
    client, kasper, lise, route_day
):
    client.force_login(kasper)
    detail = reverse("regions:route-day-detail", kwargs={"code": "1084", "pk": route_day.pk})
    page = client.get(detail).content.decode()
    assert f'name="assign-place" value="route_day:{route_day.pk}"' in page
    response = client.post(
        assign_url(),
        {
            "assign-staff": lise.pk,
            "assign-place": f"route_day:{route_day.pk}",
            "assign-role": "dilution",
            "assign-starts_at": "10:00",
            "assign-ends_at": "13:30",
            "next": detail,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == detail
    assignment = StaffAssignment.objects.get()
    assert (assignment.route_day, assignment.role) == (route_day, "dilution")
    assert assignment.starts_at == at(route_day.date, 10)
    assert "Lise Bach" in client.get(detail).content.decode()


def test_it_refuses_hours_that_end_before_they_start_and_keeps_them(client, kasper, lise, session):
    client.force_login(kasper)
    response = client.post(
        assign_url(),
        {
            "assign-staff": lise.pk,
            "assign-place": f"session:{session.pk}",
            "assign-starts_at": "11:00",
            "assign-ends_at": "10:00",
        },
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert "The assignment must end after it starts." in text
    assert 'value="11:00"' in text
    assert StaffAssignment.objects.count() == 0


def test_it_offers_only_places_still_to_come(client, kasper, lise, session, hovedstaden):
    cancelled = world.session(hovedstaden, day=world.next_week(9))
    session_services.session_cancel(session=cancelled, user=kasper)
    client.force_login(kasper)
    page = client.get(staff_url()).content.decode()
    assert f'value="session:{session.pk}"' in page
    assert f'value="session:{cancelled.pk}"' not in page
    response = client.post(
        assign_url(), {"assign-staff": lise.pk, "assign-place": f"session:{cancelled.pk}"}
    )
    assert response.status_code == 422


def test_it_adds_a_person_of_the_region_or_of_its_vaccinators(client, kasper, noerrebro_practice):
    client.force_login(kasper)
    url = reverse("regions:staff-create", kwargs={"code": "1084"})
    response = client.post(
        url, {"person-name": "Jonas Krag", "person-role": "dilution", "person-organisation": ""}
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "person-name": "Lise Bach",
            "person-role": "vaccinator",
            "person-organisation": noerrebro_practice.pk,
            "person-phone": "35 12 34 56",
        },
    )
    assert response.status_code == 302
    page = client.get(staff_url()).content.decode()
    assert "Jonas Krag" in page
    assert "The region&#x27;s own staff" in page or "The region's own staff" in page
    assert "Lægerne på Nørrebrogade" in page
    response = client.post(url, {"person-name": "", "person-role": "vaccinator"})
    assert response.status_code == 422
    assert StaffMember.objects.count() == 2


def test_it_takes_a_person_off(client, kasper, lise, session):
    assignment = staff_services.staff_assign(staff=lise, place=session, user=kasper)
    client.force_login(kasper)
    url = reverse("regions:staff-unassign", kwargs={"code": "1084", "pk": assignment.pk})
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == staff_url()
    assert StaffAssignment.objects.count() == 0


def test_it_answers_404_for_another_regions_person_session_or_assignment(
    client, kasper, lise, session, midtjylland, midtjylland_coordinator, viby_practice
):
    theirs = staff_services.staff_member_create(
        region=midtjylland, name="Peter Juhl", role="vaccinator", organisation=viby_practice
    )
    their_session = world.session(midtjylland, at=world.site(midtjylland, "Viby Hallen", "8260"))
    their_assignment = staff_services.staff_assign(
        staff=theirs, place=their_session, user=midtjylland_coordinator
    )
    client.force_login(kasper)
    posts = [
        {"assign-staff": theirs.pk, "assign-place": f"session:{session.pk}"},
        {"assign-staff": lise.pk, "assign-place": f"session:{their_session.pk}"},
        {"assign-staff": lise.pk, "assign-place": "route_day:999999"},
        {"assign-staff": "x", "assign-place": f"session:{session.pk}"},
    ]
    for data in posts:
        assert client.post(assign_url(), data).status_code == 404
    unassign = reverse("regions:staff-unassign", kwargs={"code": "1084", "pk": their_assignment.pk})
    assert client.post(unassign).status_code == 404
    assert StaffAssignment.objects.count() == 1


@pytest.mark.parametrize(
    "name,method", [("staff-list", "get"), ("staff-create", "post"), ("staff-assign", "post")]
)
def test_it_hides_the_staff_pages_from_another_regions_coordinator(
    client, midtjylland_coordinator, name, method
):
    client.force_login(midtjylland_coordinator)
    url = reverse(f"regions:{name}", kwargs={"code": "1084"})
    assert getattr(client, method)(url).status_code == 404


def test_it_hides_an_assignment_from_another_regions_coordinator(
    client, kasper, lise, session, midtjylland_coordinator
):
    assignment = staff_services.staff_assign(staff=lise, place=session, user=kasper)
    client.force_login(midtjylland_coordinator)
    for code in ("1084", "1082"):
        url = reverse("regions:staff-unassign", kwargs={"code": code, "pk": assignment.pk})
        assert client.post(url).status_code == 404
    assert StaffAssignment.objects.count() == 1


@pytest.mark.parametrize("people", [2, 15])
def test_it_keeps_the_staff_pages_queries_flat(
    client, kasper, hovedstaden, noerrebro_practice, django_assert_max_num_queries, people
):
    site = world.site(hovedstaden)
    sessions = [world.session(hovedstaden, at=site) for _ in range(3)]
    day = world.route_day(noerrebro_practice)
    for n in range(people):
        person = staff_services.staff_member_create(
            region=hovedstaden,
            name=f"Person {n}",
            role="vaccinator",
            organisation=noerrebro_practice if n % 2 else None,
        )
        for place in (*sessions, day):
            staff_services.staff_assign(staff=person, place=place, user=kasper)
    client.force_login(kasper)
    # Session, user, memberships, grants; assignments counted and paged; people; the assign
    # form's people, sessions and route days; the person form's organisations.
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(12):
        page = client.get(staff_url())
    assert page.status_code == 200
    assert page.content.decode().count(FLAG) == min(people * 4, 50)
