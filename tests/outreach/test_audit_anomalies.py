"""Rikke's anomaly report for København: a day far above a person's usual, a look-up that the
organisation's own work does not explain, and one made at night, each leading to the person's or
the citizen's page; a caseworker's ordinary days raise nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.municipalities.casework import citizen_tasks
from tests.outreach.audit import at, looked_up, weekdays_before

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_day():
    """The latest Monday-to-Friday before today: inside the default period of 7 days."""
    return weekdays_before(timezone.localdate(), 1)[0]


@pytest.fixture
def citizens(tmp_path, koebenhavn):
    return [task.citizen for task in citizen_tasks(tmp_path, "101", 12)]


@pytest.fixture
def ordinary_work(citizens, report_day, koebenhavn, kbh_caseworker):
    """Signe looks up 3 citizens a day, in the morning, on 10 working days and on the report day."""
    for day in [report_day, *weekdays_before(report_day, 10)]:
        for n, citizen in enumerate(citizens[:3]):
            looked_up(kbh_caseworker, koebenhavn, citizen, when=at(day, 9, 10 * n))


@pytest.fixture
def report(client, in_english, kbh_auditor, settings):
    settings.AUDIT_VOLUME_FLOOR = 5
    settings.AUDIT_VOLUME_FACTOR = 3
    settings.AUDIT_WORKING_HOURS = (7, 18)
    client.force_login(kbh_auditor)

    def get(**period):
        response = client.get(reverse("audit:anomalies"), period)
        assert response.status_code == 200
        return response.text

    return get


def section(page: str, heading: str) -> str:
    """The part of the report under one heading."""
    return page.split(f">{heading}</h2>")[1].split("<h2")[0].split("</main>")[0]


def rows(part: str) -> int:
    return part.split("<tbody>")[1].count("<tr>") if "<tbody>" in part else 0


def test_it_raises_nothing_for_ordinary_work(report, ordinary_work):
    page = report()

    for heading in (
        "Unusual volume",
        "Outside the organisation's own work",
        "Outside working hours",
    ):
        assert "None." in section(page, heading)


def test_it_finds_a_day_far_above_a_persons_usual(
    report, ordinary_work, citizens, report_day, koebenhavn, kbh_lead
):
    # Lone's usual day is 2 citizens; on the report day she looks up all 12.
    for day in weekdays_before(report_day, 5):
        for citizen in citizens[:2]:
            looked_up(kbh_lead, koebenhavn, citizen, when=at(day, 10))
    for n, citizen in enumerate(citizens):
        looked_up(kbh_lead, koebenhavn, citizen, when=at(report_day, 11, n))

    volume = section(report(), "Unusual volume")

    assert "Lone Berg" in volume
    assert "Signe Holm" not in volume
    assert '<td data-title="Citizens looked up">12</td>' in volume
    assert '<td data-title="Usual day">2</td>' in volume
    day = report_day.isoformat()
    person = reverse("audit:user-events", kwargs={"pk": kbh_lead.pk})
    assert f'href="{person}?first={day}&amp;last={day}"' in volume


def test_it_finds_look_ups_outside_the_organisations_own_work(
    report, ordinary_work, citizens, report_day, aarhus, koebenhavn, aarhus_caseworker,
    kbh_caseworker, noerrebro_practice, noerrebro_gp,
):  # fmt: skip
    looked_up(aarhus_caseworker, aarhus, citizens[4], when=at(report_day, 10), purpose="Casework")
    looked_up(kbh_caseworker, koebenhavn, citizens[5], when=at(report_day, 10, 5), allowed=False)
    # A practice with no route or session for the citizen.
    looked_up(noerrebro_gp, noerrebro_practice, citizens[6], when=at(report_day, 10, 10))

    outside = section(report(), "Outside the organisation's own work")

    assert rows(outside) == 3
    assert "Mads Krogh" in outside and "Aarhus" in outside
    assert "No, refused" in outside
    assert "Lise Bach" in outside
    for citizen in citizens[4:7]:
        assert reverse("audit:citizen-events", kwargs={"pk": citizen.pk}) in outside


def test_it_finds_look_ups_outside_working_hours(
    report, ordinary_work, citizens, report_day, koebenhavn, kbh_caseworker
):
    looked_up(kbh_caseworker, koebenhavn, citizens[7], when=at(report_day, 22, 30))
    saturday = report_day - timedelta(days=(report_day.weekday() + 2) % 7)
    looked_up(kbh_caseworker, koebenhavn, citizens[8], when=at(saturday, 10))
    looked_up(kbh_caseworker, koebenhavn, citizens[9], when=at(report_day, 6, 59))

    page = report(first=(report_day - timedelta(days=7)).isoformat(), last=report_day.isoformat())
    after_hours = section(page, "Outside working hours")

    assert rows(after_hours) == 2  # the report day and the Saturday
    assert '<td data-title="Look-ups">2</td>' in after_hours  # 06:59 and 22:30
    assert "06:59\u201322:30" in after_hours  # an en dash between them
    assert "Signe Holm" in after_hours


def test_it_reports_in_a_fixed_number_of_queries(
    report, ordinary_work, citizens, report_day, koebenhavn, kbh_lead,
    django_assert_max_num_queries,
):  # fmt: skip
    report()
    for day in weekdays_before(report_day, 8):
        for citizen in citizens:
            looked_up(kbh_lead, koebenhavn, citizen, when=at(day, 20))

    with django_assert_max_num_queries(16):
        report()


def test_it_refuses_a_period_that_ends_before_it_starts(client, in_english, kbh_auditor):
    client.force_login(kbh_auditor)

    response = client.get(reverse("audit:anomalies"), {"first": "2021-03-12", "last": "2021-03-01"})

    assert response.status_code == 422
    assert "The last day cannot be before the first." in response.text
