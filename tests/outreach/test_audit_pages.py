"""Rikke audits København: she reads who looked up a citizen of København and what one person
looked up, finds a citizen by CPR number without it ever being in a URL, and makes the citizen's
access report for their request for insight. Aarhus's citizens and people are not hers to see."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import AccessEvent
from tests.factories import persona
from tests.municipalities.casework import citizen_tasks
from tests.outreach.audit import at, full_cpr, looked_up
from tests.vaccinators.test_route_pages import pdf_text

pytestmark = pytest.mark.django_db


def status(client, name: str, pk: int) -> int:
    return client.get(reverse(name, kwargs={"pk": pk})).status_code


@pytest.fixture
def kbh_citizens(tmp_path, koebenhavn):
    return [task.citizen for task in citizen_tasks(tmp_path, "101", 2)]


@pytest.fixture
def aarhus_citizen(tmp_path, aarhus):
    return citizen_tasks(tmp_path, "751", 1, start=100)[0].citizen


@pytest.fixture
def casework(kbh_citizens, aarhus_citizen, koebenhavn, aarhus, kbh_caseworker, aarhus_caseworker):
    """Signe looked up the first København citizen twice; Mads his Aarhus citizen once."""
    yesterday = timezone.localdate() - timedelta(days=1)
    first = kbh_citizens[0]
    looked_up(kbh_caseworker, koebenhavn, first, when=at(yesterday, 9, 15), purpose="Casework")
    looked_up(
        kbh_caseworker, koebenhavn, first, when=at(yesterday, 9, 40),
        action=AccessEvent.Action.REVEAL_CPR, purpose="Casework",
    )  # fmt: skip
    looked_up(aarhus_caseworker, aarhus, aarhus_citizen, when=at(yesterday, 10, 0))


def test_it_lists_who_looked_up_a_koebenhavn_citizen_and_logs_the_audit(
    client, in_english, casework, kbh_citizens, kbh_auditor
):
    client.force_login(kbh_auditor)
    citizen = kbh_citizens[0]

    response = client.get(reverse("audit:citizen-events", kwargs={"pk": citizen.pk}))

    assert response.status_code == 200
    rows = response.text.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 2
    # Newest first: the full CPR shown at 09:40 before the case viewed at 09:15.
    assert rows.index("Showed the full CPR number") < rows.index("Viewed the case")
    assert "Signe Holm" in rows
    assert "København" in rows
    assert "Caseworker" in rows
    assert citizen.masked_cpr in response.text
    assert full_cpr(citizen) not in response.text
    audit = AccessEvent.objects.filter(user=kbh_auditor).get()
    assert (audit.citizen, audit.action, audit.purpose) == (citizen, "view", "Audit")
    assert (audit.organisation_kind, audit.organisation_code, audit.role) == (
        "municipality", "101", "auditor"
    )  # fmt: skip


def test_it_hides_aarhus_from_the_koebenhavn_auditor(
    client, casework, aarhus_citizen, aarhus_caseworker, kbh_caseworker, kbh_auditor
):
    client.force_login(kbh_auditor)

    assert status(client, "audit:citizen-events", aarhus_citizen.pk) == 404
    assert status(client, "audit:user-events", aarhus_caseworker.pk) == 404
    report = reverse("audit:citizen-report-csv", kwargs={"pk": aarhus_citizen.pk})
    assert client.get(report).status_code == 404
    people = client.get(reverse("audit:user-list")).text
    assert "Signe Holm" in people
    assert "Mads Krogh" not in people
    mine = client.get(reverse("audit:user-events", kwargs={"pk": kbh_caseworker.pk}))
    assert mine.status_code == 200


def test_it_shows_the_aarhus_auditor_aarhus_only(
    client, casework, aarhus, kbh_citizens, aarhus_citizen, kbh_caseworker
):
    auditor = persona("ib", "auditor", aarhus)
    client.force_login(auditor)

    citizen_page = reverse("audit:citizen-events", kwargs={"pk": aarhus_citizen.pk})
    assert "Mads Krogh" in client.get(citizen_page).text
    assert status(client, "audit:citizen-events", kbh_citizens[0].pk) == 404
    assert status(client, "audit:user-events", kbh_caseworker.pk) == 404


def test_it_shows_a_regional_auditor_the_regions_municipalities(
    client, casework, hovedstaden, kbh_citizens, aarhus_citizen
):
    auditor = persona("aase", "auditor", hovedstaden)
    client.force_login(auditor)

    assert status(client, "audit:citizen-events", kbh_citizens[0].pk) == 200
    assert status(client, "audit:citizen-events", aarhus_citizen.pk) == 404


def test_it_shows_a_national_auditor_everything(
    client, casework, sst, kbh_citizens, aarhus_citizen
):
    client.force_login(persona("bente", "auditor", sst))

    for citizen in (kbh_citizens[0], aarhus_citizen):
        assert status(client, "audit:citizen-events", citizen.pk) == 200


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("audit:home", {}),
        ("audit:user-list", {}),
        ("audit:anomalies", {}),
        ("audit:citizen-events", {"pk": 0}),
        ("audit:citizen-report-pdf", {"pk": 0}),
    ],
)
def test_it_refuses_the_audit_pages_to_a_caseworker(client, casework, kbh_caseworker, name, kwargs):
    client.force_login(kbh_caseworker)
    if "pk" in kwargs:
        kwargs = {"pk": AccessEvent.objects.filter(user=kbh_caseworker).first().citizen_id}

    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_it_finds_a_citizen_by_cpr_number_in_a_post(
    client, in_english, casework, kbh_citizens, kbh_auditor
):
    client.force_login(kbh_auditor)
    citizen = kbh_citizens[1]
    search = reverse("audit:citizen-search")

    assert client.get(search).status_code == 405
    response = client.post(search, {"cpr": full_cpr(citizen)})

    assert response.status_code == 302
    assert response["Location"] == reverse("audit:citizen-events", kwargs={"pk": citizen.pk})
    assert full_cpr(citizen)[:6] not in response["Location"]
    found = AccessEvent.objects.filter(user=kbh_auditor).get()
    assert (found.action, found.citizen, found.purpose) == ("search", citizen, "Audit")


def test_it_says_so_when_the_cpr_number_is_unknown_or_invalid(
    client, in_english, casework, aarhus_citizen, kbh_auditor
):
    client.force_login(kbh_auditor)
    search = reverse("audit:citizen-search")

    # An Aarhus citizen is not in København's log: the same answer as an unknown number.
    response = client.post(search, {"cpr": full_cpr(aarhus_citizen)}, follow=True)
    assert "No citizen with that CPR number is in the log you audit." in response.text
    assert AccessEvent.objects.get(user=kbh_auditor).citizen is None

    invalid = client.post(search, {"cpr": "12345"})
    assert invalid.status_code == 422
    assert "There is a problem" in invalid.text
    assert 'value="12345"' not in invalid.text


def test_it_lists_one_persons_look_ups_in_a_period(
    client, in_english, casework, kbh_citizens, koebenhavn, kbh_caseworker, kbh_auditor
):
    long_ago = timezone.localdate() - timedelta(days=40)
    looked_up(kbh_caseworker, koebenhavn, kbh_citizens[1], when=at(long_ago, 11, 0))
    client.force_login(kbh_auditor)
    page = reverse("audit:user-events", kwargs={"pk": kbh_caseworker.pk})

    everything = client.get(page)
    assert "3 look-ups." in everything.text
    since = timezone.localdate() - timedelta(days=7)
    recent = client.get(page, {"first": since.isoformat()})
    assert "2 look-ups." in recent.text
    citizen_link = reverse("audit:citizen-events", kwargs={"pk": kbh_citizens[0].pk})
    assert citizen_link in recent.text
    refused = client.get(page, {"first": since.isoformat(), "last": long_ago.isoformat()})
    assert refused.status_code == 422
    assert "The last day cannot be before the first." in refused.text


def test_it_makes_the_citizens_access_report_as_csv(
    client, in_english, casework, kbh_citizens, kbh_auditor
):
    client.force_login(kbh_auditor)
    citizen = kbh_citizens[0]

    response = client.get(reverse("audit:citizen-report-csv", kwargs={"pk": citizen.pk}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date and time", "Organisation", "Role", "Action", "Purpose"]
    # Its own making first, then Signe's two look-ups: organisation and role, never her name.
    assert [row[1:] for row in rows[1:]] == [
        ["København", "Auditor", "Exported", "Citizen's request for insight"],
        ["København", "Caseworker", "Showed the full CPR number", "Casework"],
        ["København", "Caseworker", "Viewed the case", "Casework"],
    ]
    assert "Signe" not in response.content.decode()
    assert full_cpr(citizen) not in response.content.decode()
    export = AccessEvent.objects.filter(user=kbh_auditor).get()
    assert (export.action, export.citizen, export.purpose) == (
        "export", citizen, "Citizen's request for insight"
    )  # fmt: skip


def test_it_makes_the_access_report_as_a_pdf_in_danish_by_default(
    client, casework, kbh_citizens, kbh_auditor
):
    client.force_login(kbh_auditor)
    citizen = kbh_citizens[0]

    response = client.get(reverse("audit:citizen-report-pdf", kwargs={"pk": citizen.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert citizen.masked_cpr in text
    number = full_cpr(citizen)
    assert number not in text
    assert f"{number[:6]}-{number[6:]}" not in text
    assert "København" in text
    assert "Signe" not in text
    assert "Sagsbehandler" in text  # the role, in Danish
    assert AccessEvent.objects.filter(user=kbh_auditor, action="export").count() == 1


def test_it_reads_a_citizens_log_in_a_fixed_number_of_queries(
    client, casework, kbh_citizens, koebenhavn, kbh_caseworker, kbh_lead, kbh_auditor,
    django_assert_max_num_queries,
):  # fmt: skip
    citizen = kbh_citizens[0]
    for n in range(40):
        looked_up(kbh_caseworker if n % 2 else kbh_lead, koebenhavn, citizen)
    client.force_login(kbh_auditor)
    page = reverse("audit:citizen-events", kwargs={"pk": citizen.pk})
    client.get(page)

    with django_assert_max_num_queries(14):
        assert client.get(page).status_code == 200


def test_it_leads_the_auditor_from_the_start_page_to_the_audit_screens(client, kbh_auditor):
    client.force_login(kbh_auditor)

    response = client.get(reverse("start"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("audit:home")
    for name in ("audit:user-list", "audit:anomalies", "audit:citizen-search"):
        assert reverse(name) in response.text
    assert '<label class="form-label" for="id_cpr">' in response.text


def test_it_links_the_access_log_from_the_auditors_other_pages(client, kbh_auditor):
    client.force_login(kbh_auditor)

    members = client.get(reverse("outreach:organisation-members", args=["municipality", "101"]))

    assert f'href="{reverse("audit:home")}"' in members.text
