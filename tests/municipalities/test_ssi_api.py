"""SSI's integration submits weekly lists over the API and follows their import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from municipalities.models import ContactTask, SsiListImport
from outreach.models import NationalBody
from outreach.roles import Role
from tests.factories import fake_cpr, persona

pytestmark = pytest.mark.django_db
URL = "/api/v1/ssi-lists/"


def national_file(*rows, name="national-w10.csv"):
    body = "cpr;navn;målgruppe;invitationsdato;kommunekode\n" + "".join(r + "\n" for r in rows)
    return SimpleUploadedFile(name, body.encode())


@pytest.fixture
def ssi_client(reference_data):
    integration = persona("ssi-integration", Role.INTEGRATION, NationalBody.objects.get(code="SSI"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=integration).key}")
    return client


def test_it_accepts_a_national_list_and_imports_it(
    ssi_client, tasks_in_process, django_capture_on_commit_callbacks
):
    rows = (
        f"{fake_cpr(1)};Karen Jensen;3;01.03.2021;101",
        f"{fake_cpr(2)};Bo Holm;7;01.03.2021;751",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = ssi_client.post(URL, {"file": national_file(*rows), "week": "2021-W10"})
    assert response.status_code == 202
    body = response.json()
    assert body["duplicate"] is False
    assert body["status_url"].endswith(
        reverse("municipalities-api:ssi-list-detail", kwargs={"pk": body["id"]})
    )
    follow = ssi_client.get(body["status_url"])
    assert follow.status_code == 200
    assert follow.json()["status"] == "done"
    assert follow.json()["counts"]["tasks_opened"] == 2
    assert follow.json()["municipality"] is None
    assert set(ContactTask.objects.values_list("municipality__code", flat=True)) == {"101", "751"}
    assert SsiListImport.objects.get().source == "api"


def test_it_answers_a_repeated_file_with_the_first_import(
    ssi_client, tasks_in_process, django_capture_on_commit_callbacks
):
    row = f"{fake_cpr(1)};Karen Jensen;3;01.03.2021;101"
    with django_capture_on_commit_callbacks(execute=True):
        first = ssi_client.post(URL, {"file": national_file(row)})
        again = ssi_client.post(URL, {"file": national_file(row, name="resent.csv")})
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]


def test_it_rejects_a_malformed_week_with_a_reason(ssi_client):
    response = ssi_client.post(URL, {"file": national_file(), "week": "week ten"})
    assert response.status_code == 400
    assert "week" in response.json()
    assert not SsiListImport.objects.exists()


def test_it_lets_a_caseworker_submit_only_her_own_municipality(client, kbh_caseworker, aarhus):
    client.force_login(kbh_caseworker)
    own = client.post(URL, {"file": national_file(name="a.csv"), "municipality": "101"})
    assert own.status_code == 202
    other = client.post(URL, {"file": national_file(name="b.csv"), "municipality": "751"})
    assert other.status_code == 404
    national = client.post(URL, {"file": national_file(name="c.csv")})
    assert national.status_code == 403


def test_it_hides_an_import_from_another_municipality(client, kbh_caseworker, aarhus_caseworker):
    client.force_login(kbh_caseworker)
    created = client.post(URL, {"file": national_file(), "municipality": "101"}).json()
    client.force_login(aarhus_caseworker)
    assert client.get(f"{URL}{created['id']}/").status_code == 404


def test_it_refuses_anonymous_callers(reference_data):
    response = APIClient().post(URL, {"file": national_file()})
    assert response.status_code == 401
    assert not SsiListImport.objects.exists()


def test_it_publishes_an_openapi_schema_with_the_endpoints(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    assert "/api/v1/ssi-lists/" in schema["paths"]
    assert client.get(reverse("api-docs")).status_code == 200
