"""The caseworker sees on the citizen's case how the vaccinations went: the kernel's records, an
invalidated one struck through with its reason, acute reactions, when dose 2 is due and that it is
with the region; and tells the vaccinator about allergies and the way in."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from municipalities.models import Visitation
from regions.services.dose_two import dose_two_referrals_create
from tests.outreach.records import days_ago, invalidate, reaction, vaccinated
from tests.regions.world import referrals

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def case_url(referral, name="case-detail"):
    return reverse(f"municipalities:{name}", kwargs={"code": "101", "pk": referral.task_id})


@pytest.fixture
def referral(tmp_path, kbh_caseworker):
    return referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home", accepted=True)[0]


@pytest.fixture
def dose_one(referral, noerrebro_gp, noerrebro_practice):
    return vaccinated(
        referral, vaccinator=noerrebro_practice, by=noerrebro_gp, given_at=days_ago(16),
        batch="FA4597",
    )  # fmt: skip


def vaccination_row(page: str, record) -> str:
    start = page.index(f'id="vaccination-{record.pk}"')
    return page[start : page.index("</tr>", start)]


def test_it_shows_a_vaccination_from_the_record(client, dose_one, kbh_caseworker, noerrebro_gp):
    reaction(dose_one, by=noerrebro_gp, severity="moderate", symptoms="Dizziness")
    client.force_login(kbh_caseworker)
    page = client.get(case_url(dose_one.citizen.referrals.get())).content.decode()

    row = vaccination_row(page, dose_one)
    assert "Dose 1" in row and "<del>" not in row
    assert "Comirnaty" in row and "Batch FA4597" in row
    assert date_format(timezone.localtime(dose_one.given_at), "SHORT_DATETIME_FORMAT") in row
    assert "Home visit" in row
    assert "Lægerne på Nørrebrogade" in row
    assert "15 minutes, done" in row
    assert "Moderate" in row and "Dizziness" in row and "onset" in row
    earliest, due, latest = (
        date_format(day, "SHORT_DATE_FORMAT") for day in dose_one.dose_two_window()
    )
    window = page[page.index('id="dose-two-window"') :]
    assert f"from {earliest}, due {due}, at the latest {latest}." in window


def test_it_strikes_through_an_invalidated_record_with_its_reason(
    client, dose_one, kbh_caseworker, noerrebro_gp, noerrebro_practice
):
    invalidate(dose_one, by=noerrebro_gp, reason="Registered on the wrong citizen")
    correct = vaccinated(
        dose_one.citizen.referrals.get(), vaccinator=noerrebro_practice, by=noerrebro_gp,
        given_at=days_ago(15), batch="FA4598", complete=False,
    )  # fmt: skip
    client.force_login(kbh_caseworker)
    page = client.get(case_url(dose_one.citizen.referrals.get())).content.decode()

    wrong = vaccination_row(page, dose_one)
    assert "<del>" in wrong and "Invalidated" in wrong
    assert "Registered on the wrong citizen" in wrong
    right = vaccination_row(page, correct)
    assert "<del>" not in right and "Batch FA4598" in right


def test_it_shows_dose_two_with_the_region(client, dose_one, kbh_caseworker, settings):
    settings.DOSE_TWO_LEAD_DAYS = 7
    assert dose_two_referrals_create(today=days_ago(0).date()) == 1
    client.force_login(kbh_caseworker)
    page = client.get(case_url(dose_one.citizen.referrals.get(dose=1))).content.decode()
    assert "Dose 2 is with the region (home vaccination, Comirnaty" in page
    assert "accepted" in page[page.index('id="dose-two-referral"') :]
    assert "dose 2, Comirnaty" in page[page.index('id="referral-status"') :]


def test_it_says_when_nothing_is_recorded(client, referral, kbh_caseworker):
    client.force_login(kbh_caseworker)
    page = client.get(case_url(referral)).content.decode()
    assert "No vaccination is recorded." in page
    assert 'id="dose-two-window"' not in page


def test_it_hides_the_records_from_another_municipality(client, dose_one, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    assert client.get(case_url(dose_one.citizen.referrals.get())).status_code == 404


def test_it_saves_allergy_and_access_notes_for_the_vaccinator(client, referral, kbh_caseworker):
    client.force_login(kbh_caseworker)
    response = client.post(
        case_url(referral, "case-visitation"),
        {
            "visitation-wants_vaccination": "1",
            "visitation-mobility": Visitation.Mobility.BEDRIDDEN,
            "visitation-decision": Visitation.Decision.HOME,
            "visitation-severe_allergy": "on",
            "visitation-access_notes": "Key box by the back door, code 1234. A friendly dog.",
        },
    )
    assert response.status_code == 302
    current = Visitation.objects.get(task_id=referral.task_id, superseded_at__isnull=True)
    assert current.severe_allergy is True
    assert current.access_notes == "Key box by the back door, code 1234. A friendly dog."
    page = client.get(case_url(referral)).content.decode()
    (checkbox,) = re.findall(r'<input type="checkbox" name="visitation-severe_allergy"[^>]*>', page)
    assert 'class="form-checkbox"' in checkbox and "checked" in checkbox
    assert "A friendly dog." in page


@pytest.mark.parametrize("invalidated", [0, 6])
def test_it_keeps_the_case_page_queries_flat_with_records(
    client, dose_one, kbh_caseworker, noerrebro_gp, noerrebro_practice, invalidated,
    django_assert_max_num_queries,
):  # fmt: skip
    referral = dose_one.citizen.referrals.get()
    for n in range(invalidated):
        record = invalidate(
            vaccinated(
                referral, vaccinator=noerrebro_practice, by=noerrebro_gp, dose=2,
                given_at=days_ago(5 - n % 5), complete=False,
            ),
            by=noerrebro_gp, reason=f"Mistake {n}",
        )  # fmt: skip
        reaction(record, by=noerrebro_gp, severity="mild")
    reaction(dose_one, by=noerrebro_gp)
    client.force_login(kbh_caseworker)
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(22):
        page = client.get(case_url(referral))
    assert page.content.decode().count("<del>") == 3 * invalidated
