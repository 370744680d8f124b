"""The registry export: vaccination records as FHIR R4 Immunization JSON, scoped like every page,
with no CPR number or name in it."""

from datetime import datetime

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from outreach import cpr
from outreach.models import AccessEvent, NationalBody
from outreach.roles import Role
from tests.factories import persona
from tests.outreach.records import days_ago, invalidate, reaction, vaccinated
from tests.regions.world import referrals

pytestmark = pytest.mark.django_db
LIST = "/api/v1/immunizations/"
FHIR_JSON = "application/fhir+json"


def detail(record) -> str:
    return reverse("outreach-api:immunization-detail", kwargs={"pk": record.pk})


@pytest.fixture
def world(
    tmp_path,
    kbh_caseworker,
    aarhus_caseworker,
    noerrebro_gp,
    noerrebro_practice,
    viby_gp,
    viby_practice,
):
    """Two København citizens vaccinated by Lise's practice (one at home, one at a pop-up), one
    Aarhus citizen by the practice in Viby."""
    home = referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home", accepted=True)[0]
    popup = referrals(tmp_path, kbh_caseworker, "101", 1, start=1, accepted=True)[0]
    aarhus = referrals(tmp_path, aarhus_caseworker, "751", 1, start=2, accepted=True)[0]
    return {
        "kbh_home": vaccinated(
            home, vaccinator=noerrebro_practice, by=noerrebro_gp, given_at=days_ago(30)
        ),
        "kbh_popup": vaccinated(
            popup, vaccinator=noerrebro_practice, by=noerrebro_gp, given_at=days_ago(20)
        ),
        "aarhus": vaccinated(aarhus, vaccinator=viby_practice, by=viby_gp, given_at=days_ago(10)),
    }


def ids(bundle) -> set[str]:
    return {entry["resource"]["id"] for entry in bundle["entry"]}


def record_ids(*records) -> set[str]:
    return {str(record.pk) for record in records}


def read(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    return response.json()


def assert_is_an_r4_immunization(resource):
    """The elements FHIR R4 requires of an Immunization (1..1: status, vaccineCode, patient,
    occurrence[x]), with the values the standard allows."""
    assert resource["resourceType"] == "Immunization"
    assert resource["status"] in ("completed", "entered-in-error", "not-done")
    code = resource["vaccineCode"]
    assert code["text"] and all(c["system"] and c["code"] for c in code["coding"])
    assert resource["patient"]["type"] == "Patient"
    assert resource["patient"]["identifier"]["value"]
    assert datetime.fromisoformat(resource["occurrenceDateTime"]).tzinfo is not None
    for applied in resource["protocolApplied"]:
        assert applied["doseNumberPositiveInt"] >= 1 and applied["seriesDosesPositiveInt"] == 2


# What the export says ---------------------------------------------------------------------------


def test_it_exports_a_record_as_an_r4_immunization(client, world, kbh_caseworker, noerrebro_gp):
    record = world["kbh_home"]
    reaction(record, by=noerrebro_gp, adrenaline_given=True, emergency_called=True)
    client.force_login(kbh_caseworker)

    resource = read(client, detail(record))

    assert_is_an_r4_immunization(resource)
    assert resource["id"] == str(record.pk)
    assert resource["status"] == "completed" and "statusReason" not in resource
    codings = {c["system"]: c["code"] for c in resource["vaccineCode"]["coding"]}
    assert codings["https://ec.europa.eu/health/documents/community-register/html/"] == (
        "EU/1/20/1528"
    )
    assert codings["http://snomed.info/sct"] == "1119349007"
    assert resource["vaccineCode"]["text"] == record.product.name
    assert resource["patient"]["identifier"]["value"] == str(record.citizen_id)
    assert resource["occurrenceDateTime"] == days_ago(30).isoformat()
    assert resource["lotNumber"] == "EK9788"
    actor = resource["performer"][0]["actor"]
    assert actor["identifier"]["value"] == "990101" and actor["type"] == "Organization"
    assert resource["location"]["display"] == "Home visit"
    assert resource["extension"][0]["valueCoding"]["code"] == "home"
    assert resource["protocolApplied"][0]["doseNumberPositiveInt"] == 1
    (found,) = resource["reaction"]
    assert found["date"].startswith(days_ago(30).date().isoformat())
    assert found["detail"]["display"].startswith("Anaphylaxis; adrenaline given")
    assert datetime.fromisoformat(resource["recorded"])


def test_it_marks_a_pop_up_vaccination_as_such(client, world, kbh_caseworker):
    client.force_login(kbh_caseworker)
    resource = read(client, detail(world["kbh_popup"]))
    assert resource["extension"][0]["valueCoding"]["code"] == "popup"
    assert resource["location"]["display"] == "Pop-up session"


def test_it_exports_an_invalidated_record_as_entered_in_error(
    client, world, kbh_caseworker, noerrebro_gp
):
    invalidate(world["kbh_home"], by=noerrebro_gp, reason="Registered on the wrong citizen")
    client.force_login(kbh_caseworker)
    resource = read(client, detail(world["kbh_home"]))
    assert_is_an_r4_immunization(resource)
    assert resource["status"] == "entered-in-error"
    assert resource["statusReason"]["text"] == "Registered on the wrong citizen"


def test_it_never_exports_a_cpr_number_or_a_name(client, world, administrator):
    client.force_login(administrator)
    body = client.get(LIST).content.decode()
    assert len(read(client)["entry"]) == 3
    for record in world.values():
        citizen = record.citizen
        number = cpr.vault().decrypt(citizen.cpr_encrypted)
        for secret in (number, number[:6] + "-" + number[6:], number[6:], citizen.name):
            assert secret not in body
        assert citizen.masked_cpr not in body
        assert citizen.birth_date.isoformat() not in body


def test_it_answers_in_fhir_json_whatever_the_client_accepts(client, world, administrator):
    client.force_login(administrator)
    response = client.get(LIST, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith(FHIR_JSON)


# Who sees what -----------------------------------------------------------------------------------


def test_it_shows_a_caseworker_her_municipalitys_records_only(
    client, world, kbh_caseworker, aarhus_caseworker
):
    client.force_login(kbh_caseworker)
    assert ids(read(client)) == record_ids(world["kbh_home"], world["kbh_popup"])
    client.force_login(aarhus_caseworker)
    assert ids(read(client)) == record_ids(world["aarhus"])


def test_it_shows_a_coordinator_the_records_of_citizens_referred_to_the_region(
    client, world, hovedstaden_coordinator, midtjylland_coordinator
):
    client.force_login(hovedstaden_coordinator)
    bundle = read(client)
    assert ids(bundle) == record_ids(world["kbh_home"], world["kbh_popup"])
    assert bundle["total"] == 2
    client.force_login(midtjylland_coordinator)
    assert ids(read(client)) == record_ids(world["aarhus"])


def test_it_shows_a_practice_the_records_it_made(client, world, noerrebro_gp, viby_gp):
    client.force_login(noerrebro_gp)
    assert ids(read(client)) == record_ids(world["kbh_home"], world["kbh_popup"])
    client.force_login(viby_gp)
    assert ids(read(client)) == record_ids(world["aarhus"])


def test_it_answers_404_for_a_record_of_another_organisation(
    client, world, aarhus_caseworker, viby_gp, midtjylland_coordinator
):
    for user in (aarhus_caseworker, viby_gp, midtjylland_coordinator):
        client.force_login(user)
        response = client.get(detail(world["kbh_home"]))
        assert response.status_code == 404
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response.json()["issue"][0]["code"] == "not-found"
    assert not AccessEvent.objects.filter(citizen_id=world["kbh_home"].citizen_id).exists()


def test_it_refuses_a_role_that_reads_no_records(client, world, kbh_auditor):
    client.force_login(kbh_auditor)
    response = client.get(LIST)
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"


def test_it_serves_the_registry_integration_with_a_token(world, reference_data):
    integration = persona("registry", Role.INTEGRATION, NationalBody.objects.get(code="SSI"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=integration).key}")
    assert ids(read(client)) == record_ids(*world.values())
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    refused = client.get(LIST)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert refused.json()["resourceType"] == "OperationOutcome"


def test_it_logs_one_export_event_per_citizen(client, world, hovedstaden_coordinator):
    client.force_login(hovedstaden_coordinator)
    read(client)
    events = AccessEvent.objects.filter(action="export")
    assert {event.citizen_id for event in events} == {
        world["kbh_home"].citizen_id,
        world["kbh_popup"].citizen_id,
    }
    assert events.count() == 2
    assert {(e.organisation_code, e.role, e.user_id) for e in events} == {
        ("1084", "coordinator", hovedstaden_coordinator.pk)
    }
    read(client, detail(world["kbh_home"]))
    assert events.filter(citizen_id=world["kbh_home"].citizen_id).count() == 2


# Searching and paging ----------------------------------------------------------------------------


def test_it_pages_with_a_next_link(
    client, tmp_path, kbh_caseworker, noerrebro_gp, noerrebro_practice
):
    made = [
        vaccinated(r, vaccinator=noerrebro_practice, by=noerrebro_gp, given_at=days_ago(20 + n))
        for n, r in enumerate(referrals(tmp_path, kbh_caseworker, "101", 5, accepted=True))
    ]
    client.force_login(kbh_caseworker)
    seen, url, pages = [], LIST + "?_count=2", 0
    while url:
        bundle = read(client, url)
        pages += 1
        assert bundle["type"] == "searchset" and bundle["total"] == 5
        assert len(bundle["entry"]) <= 2
        for entry in bundle["entry"]:
            assert entry["fullUrl"].endswith(detail_path(entry["resource"]["id"]))
            assert_is_an_r4_immunization(entry["resource"])
        seen += [entry["resource"]["id"] for entry in bundle["entry"]]
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    assert pages == 3
    assert sorted(seen) == sorted(str(record.pk) for record in made)


def detail_path(pk: str) -> str:
    return reverse("outreach-api:immunization-detail", kwargs={"pk": int(pk)})


def test_it_filters_by_date_and_status(client, world, administrator, noerrebro_gp):
    invalidate(world["kbh_popup"], by=noerrebro_gp, reason="Wrong batch number")
    client.force_login(administrator)
    since = days_ago(25).date().isoformat()
    assert ids(read(client, date=f"ge{since}")) == record_ids(world["kbh_popup"], world["aarhus"])
    assert ids(read(client, date=[f"ge{since}", f"le{days_ago(15).date()}"])) == record_ids(
        world["kbh_popup"]
    )
    assert ids(read(client, date=days_ago(10).date().isoformat())) == record_ids(world["aarhus"])
    assert ids(read(client, status="entered-in-error")) == record_ids(world["kbh_popup"])
    assert ids(read(client, status="completed")) == record_ids(world["kbh_home"], world["aarhus"])
    assert len(read(client, status="completed,entered-in-error")["entry"]) == 3


@pytest.mark.parametrize(
    "params", [{"date": "ge15-03-2021"}, {"status": "done"}, {"_count": "many"}, {"_count": "999"}]
)
def test_it_explains_a_bad_search(client, world, administrator, params):
    client.force_login(administrator)
    response = client.get(LIST, params)
    assert response.status_code == 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "invalid"
    assert next(iter(params)) in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize("count", [3, 30])
def test_it_keeps_the_list_queries_flat(
    client,
    tmp_path,
    kbh_caseworker,
    noerrebro_gp,
    noerrebro_practice,
    django_assert_max_num_queries,
    count,
):
    for referral in referrals(tmp_path, kbh_caseworker, "101", count, accepted=True):
        record = vaccinated(referral, vaccinator=noerrebro_practice, by=noerrebro_gp)
        reaction(record, by=noerrebro_gp, severity="mild")
    client.force_login(kbh_caseworker)
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(11):
        assert len(read(client)["entry"]) == count


def test_it_is_in_the_openapi_schema(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    assert "/api/v1/immunizations/" in schema["paths"]
    assert "/api/v1/immunizations/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/immunizations/"]["get"]["parameters"]}
    assert {"date", "status", "_count"} <= parameters
