"""A caseworker uploads the weekly list, follows it while it runs, and reads the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from municipalities.exports import csv_text, safe_cell
from municipalities.models import SsiListImport
from tests.factories import fake_cpr

pytestmark = pytest.mark.django_db

HEADER = "cpr;navn;målgruppe;invitationsdato\n"


def list_file(*rows: str, name="uge10.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "".join(r + "\n" for r in rows)).encode())


def upload(client, upload_file, week="2021-W10"):
    with_callbacks = client.post(
        reverse("municipalities:import-list", kwargs={"code": "101"}),
        {"file": upload_file, "week": week},
    )
    return with_callbacks


@pytest.fixture
def signed_in(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    return client


def test_it_imports_an_uploaded_list_and_shows_the_report(
    signed_in, django_capture_on_commit_callbacks, tasks_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            signed_in,
            list_file(f"{fake_cpr(1)};Karen Jensen;3;01.03.2021", "0000;Forkert;3;01.03.2021"),
        )
    list_import = SsiListImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "municipalities:import-detail", kwargs={"code": "101", "pk": list_import.pk}
    )
    page = signed_in.get(response["Location"]).content.decode()
    assert list_import.status == "done"
    assert list_import.uploaded_by.username == "signe"
    assert "2021-W10" in page
    assert "hx-get" not in page  # finished: no more polling
    assert fake_cpr(1).replace("-", "") not in page
    listing = signed_in.get(reverse("municipalities:import-list", kwargs={"code": "101"}))
    assert "uge10.csv" in listing.content.decode()


def test_it_polls_while_the_list_is_being_imported(signed_in):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("municipalities.tasks.process_ssi_list.delay", lambda pk: None)
        upload(signed_in, list_file(f"{fake_cpr(1)};Karen Jensen;3;01.03.2021"))
    list_import = SsiListImport.objects.get()
    assert list_import.status == "received"
    kwargs = {"code": "101", "pk": list_import.pk}
    page = signed_in.get(reverse("municipalities:import-detail", kwargs=kwargs)).content.decode()
    assert 'hx-trigger="every 2s"' in page
    status = reverse("municipalities:import-status", kwargs=kwargs)
    assert "HX-Refresh" not in signed_in.get(status, HTTP_HX_REQUEST="true")
    SsiListImport.objects.filter(pk=list_import.pk).update(status="done")
    assert signed_in.get(status, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_it_explains_an_empty_upload_and_keeps_the_form(signed_in):
    response = upload(signed_in, SimpleUploadedFile("tom.csv", b""))
    assert response.status_code == 422
    assert "tom" in response.content.decode().lower()
    assert not SsiListImport.objects.exists()


def test_it_refuses_a_malformed_week(signed_in):
    response = upload(signed_in, list_file(f"{fake_cpr(1)};Karen;3;01.03.2021"), week="uge 10")
    assert response.status_code == 422
    assert not SsiListImport.objects.exists()


def test_it_points_a_second_upload_of_the_same_file_to_the_first(
    signed_in, django_capture_on_commit_callbacks, tasks_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(signed_in, list_file(f"{fake_cpr(1)};Karen;3;01.03.2021"))
        second = upload(signed_in, list_file(f"{fake_cpr(1)};Karen;3;01.03.2021", name="igen.csv"))
    assert SsiListImport.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_it_offers_the_rejected_rows_as_a_safe_csv(
    signed_in, django_capture_on_commit_callbacks, tasks_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, list_file(f"{fake_cpr(1)};Karen;3;=1+1", "x;Bo;3;01.03.2021"))
    list_import = SsiListImport.objects.get()
    response = signed_in.get(
        reverse("municipalities:import-errors", kwargs={"code": "101", "pk": list_import.pk})
    )
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    cells = [cell for line in body.splitlines() for cell in line.split(";")]
    assert len(body.splitlines()) == 3
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@")) for cell in cells)


def test_it_neutralises_formulas_in_exported_cells():
    assert safe_cell("=HYPERLINK()") == "'=HYPERLINK()"
    assert safe_cell("-1") == "'-1"
    assert safe_cell("Karen") == "Karen"
    assert "'@SUM" in csv_text(["a"], [["@SUM(A1)"]])


def test_it_hides_koebenhavns_imports_from_aarhus(
    client, kbh_caseworker, aarhus_caseworker, django_capture_on_commit_callbacks,
    tasks_in_process,
):  # fmt: skip
    client.force_login(kbh_caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, list_file(f"{fake_cpr(1)};Karen;3;01.03.2021"))
    pk = SsiListImport.objects.get().pk
    client.force_login(aarhus_caseworker)
    for name in ("import-detail", "import-status", "import-errors"):
        url = reverse(f"municipalities:{name}", kwargs={"code": "101", "pk": pk})
        assert client.get(url).status_code == 404, name
        # Even under their own municipality's address, another municipality's import is not there.
        url = reverse(f"municipalities:{name}", kwargs={"code": "751", "pk": pk})
        assert client.get(url).status_code == 404, name


def test_it_forbids_uploads_to_a_coordinator(client, hovedstaden_coordinator):
    client.force_login(hovedstaden_coordinator)
    response = client.get(reverse("municipalities:import-list", kwargs={"code": "101"}))
    assert response.status_code == 403


def test_it_lets_the_national_administrator_import_a_national_list(
    client, administrator, kbh_caseworker, django_capture_on_commit_callbacks, tasks_in_process
):
    client.force_login(administrator)
    body = (
        "cpr;navn;målgruppe;invitationsdato;kommunekode\n"
        f"{fake_cpr(1)};Karen;3;01.03.2021;101\n{fake_cpr(2)};Bo;7;01.03.2021;0751\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("municipalities:national-import-list"),
            {"file": SimpleUploadedFile("dk.csv", body.encode()), "week": "2021-W10"},
        )
    list_import = SsiListImport.objects.get()
    assert response["Location"] == reverse(
        "municipalities:national-import-detail", kwargs={"pk": list_import.pk}
    )
    assert list_import.municipality is None
    assert list_import.tasks_opened == 2
    page = client.get(response["Location"]).content.decode()
    assert "dk.csv" in page
    # The caseworker sees the national list among København's, without its details.
    client.force_login(kbh_caseworker)
    listing = client.get(reverse("municipalities:import-list", kwargs={"code": "101"}))
    assert "dk.csv" in listing.content.decode()
    assert client.get(response["Location"]).status_code == 404


def test_it_forbids_national_lists_to_a_national_auditor(client, sst):
    from outreach.roles import Role
    from tests.factories import persona

    client.force_login(persona("bente", Role.AUDITOR, sst))
    assert client.get(reverse("municipalities:national-import-list")).status_code == 403
