"""Lise, a GP at Nørrebro, works today's route on her phone: her route lists, one card per stop with
what she needs at the door, the safety checklist, outcomes in one or two taps, vials, an acute
reaction, a printable list and a PDF. Peter in Viby, and another practice in Hovedstaden, see
none of it; nor does Lise see a draft."""

import re
import zlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Referral, Visitation
from outreach import cpr
from outreach.models import AccessEvent, AdverseReaction, Citizen, VaccinationRecord
from outreach.roles import Role
from tests.factories import PracticeFactory, persona
from tests.vaccinators.routes import published_route
from vaccinators.models import RouteList, RouteStop, VialEvent
from vaccinators.services import outcomes

pytestmark = pytest.mark.django_db

CHECKLIST = {
    "anaphylaxis_kit": "on",
    "adrenaline": "on",
    "oxygen_or_emergency_plan": "on",
    "it_access": "on",
}


def url(name, route_list, **kwargs):
    return reverse(
        f"vaccinators:{name}",
        kwargs={"code": route_list.vaccinator_organisation.code, "pk": route_list.pk, **kwargs},
    )


def full_cpr(citizen) -> str:
    number = cpr.vault().decrypt(citizen.cpr_encrypted).replace("-", "")
    return f"{number[:6]}-{number[6:]}"


def stop(route_list, position):
    return RouteStop.objects.select_related("citizen", "referral").get(
        route_list=route_list, position=position
    )


@pytest.fixture
def route(tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice):
    route_list = published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=4,
        severe_allergy=(1,),
    )
    first = stop(route_list, 1)
    Citizen.objects.filter(pk=first.citizen_id).update(
        street="Nørrebrogade 12, 3. th.",
        postcode="2200",
        city="København N",
        phone="35 12 34 56",
        guardian_name="Hanne Holm",
        guardian_phone="20 30 40 50",
        guardian_relation="datter",
    )
    Visitation.objects.filter(pk=first.referral.visitation_id).update(
        access_notes="Nøglen i nøgleboksen, kode 1944. Hunden er venlig."
    )
    third = stop(route_list, 3)
    Referral.objects.filter(pk=third.referral_id).update(dose=2, product=route_list.product)
    RouteStop.objects.filter(pk=third.pk).update(dose=2)
    return route_list


def test_it_lists_todays_and_coming_route_lists_and_the_sessions(
    client, in_english, tmp_path, route, kbh_caseworker, hovedstaden, hovedstaden_coordinator,
    noerrebro_practice, noerrebro_gp,
):  # fmt: skip
    from tests.regions import world

    coming = published_route(
        tmp_path, caseworker=kbh_caseworker, coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice, stops=2, start=10, stock_vials=0,
        day=timezone.localdate() + timedelta(days=2),
    )  # fmt: skip
    draft = published_route(
        tmp_path, caseworker=kbh_caseworker, coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice, stops=1, start=20, stock_vials=0,
        day=timezone.localdate() + timedelta(days=4), status=RouteList.Status.DRAFT,
    )  # fmt: skip
    session = world.session(hovedstaden, vaccinator=noerrebro_practice)
    client.force_login(noerrebro_gp)
    page = client.get(reverse("vaccinators:routelist-list", kwargs={"code": "990101"}))
    assert page.status_code == 200
    assert [r.pk for r in page.context["todays"]] == [route.pk]
    assert [r.pk for r in page.context["coming"]] == [coming.pk]
    assert url("routelist-detail", route) in page.text
    assert url("routelist-detail", draft) not in page.text
    assert "4 stops, Comirnaty" in page.text
    assert [s.pk for s, _vials in page.context["sessions"]] == [session.pk]


def test_it_shows_one_card_per_stop_with_what_is_needed_at_the_door(
    client, in_english, route, noerrebro_gp
):
    client.force_login(noerrebro_gp)
    page = client.get(url("routelist-detail", route))
    assert page.status_code == 200
    text = page.text
    first = stop(route, 1)
    assert [s.position for s in page.context["stops"]] == [1, 2, 3, 4]
    assert text.index("1. Borger 0") < text.index("2. Borger 1") < text.index("4. Borger 3")
    assert first.citizen.masked_cpr in text
    assert full_cpr(first.citizen) not in text
    assert (
        'href="https://www.openstreetmap.org/search?query=N%C3%B8rrebrogade+12%2C+3.+th.%2C+2200'
        in text
    )
    assert 'href="tel:35123456"' in text
    assert "Hanne Holm (datter)" in text and 'href="tel:20304050"' in text
    assert "Nøglen i nøgleboksen, kode 1944." in text
    assert "Earlier severe allergic reaction: observe 30 minutes." in text
    assert "Dose 2, with Comirnaty (BioNTech/Pfizer) (the product of dose 1)." in text
    # Before the checklist: the checklist form, no outcome buttons.
    assert url("routelist-checklist", route) in text
    assert 'value="vaccinated"' not in text
    event = AccessEvent.objects.get(user=noerrebro_gp)
    assert (event.action, event.organisation_code, event.detail) == ("list", "990101", "4")


def test_it_works_a_route_from_checklist_to_finish(client, in_english, route, noerrebro_gp):
    client.force_login(noerrebro_gp)
    refused = client.post(url("routelist-checklist", route), {"anaphylaxis_kit": "on"})
    assert refused.status_code == 422
    assert "Bring adrenaline in date before the first vaccination." in refused.text
    refused = client.post(
        url("stop-outcome", route, stop_pk=stop(route, 1).pk), {"outcome": "vaccinated"}
    )
    assert refused.status_code == 422
    assert "Confirm the safety checklist" in refused.text

    confirmed = client.post(url("routelist-checklist", route), CHECKLIST)
    assert confirmed.status_code == 302
    page = client.get(url("routelist-detail", route))
    assert page.text.count('value="vaccinated"') == 4
    assert "Confirmed at" in page.text

    opened = client.post(url("vial-open", route, vial=1), {})
    assert opened.status_code == 302
    assert VialEvent.objects.get(kind="opened").batch == "EK9788"

    first = stop(route, 1)
    done = client.post(url("stop-outcome", route, stop_pk=first.pk), {"outcome": "vaccinated"})
    assert done.status_code == 302 and done["Location"].endswith(f"#stop-{first.pk}")
    page = client.get(done["Location"])
    assert "Borger 0 is vaccinated (dose 1, Comirnaty (BioNTech/Pfizer), batch EK9788)" in page.text
    assert "Observe for 15 minutes, until" in page.text
    assert "data-observation-until=" in page.text and "js/observation.js" in page.text
    assert "Dose 2 is due on" in page.text

    away = client.post(
        url("stop-outcome", route, stop_pk=stop(route, 2).pk), {"outcome": "not_home"}
    )
    assert away.status_code == 302
    assert Referral.objects.get(pk=stop(route, 2).referral_id).status == "accepted"
    declined = client.post(
        url("stop-outcome", route, stop_pk=stop(route, 3).pk),
        {"outcome": "declined", "note": "Vil tale med sin læge."},
    )
    assert declined.status_code == 302
    returned = Referral.objects.get(pk=stop(route, 3).referral_id)
    assert returned.status == "returned" and returned.comment.endswith("Vil tale med sin læge.")

    record = VaccinationRecord.objects.get()
    onset = timezone.localtime(record.given_at).strftime("%Y-%m-%dT%H:%M")
    prefix = f"reaction-{first.pk}-"
    missing = client.post(
        url("stop-reaction", route, stop_pk=first.pk), {prefix + "onset_at": onset}
    )
    assert missing.status_code == 422 and "This field is required." in missing.text
    reaction = client.post(
        url("stop-reaction", route, stop_pk=first.pk),
        {
            prefix + "onset_at": onset,
            prefix + "symptoms": "Urticaria on the arm",
            prefix + "severity": "mild",
            prefix + "reported_onward": "on",
        },
    )
    assert reaction.status_code == 302
    saved = AdverseReaction.objects.get()
    assert (saved.record, saved.severity, saved.reported_onward) == (record, "mild", True)
    assert "Urticaria on the arm" in client.get(url("routelist-detail", route)).text

    finished_vial = client.post(url("vial-finish", route, vial=1), {"doses_left": "99"})
    assert finished_vial.status_code == 422 and "from 0 to 6" in finished_vial.text
    finished_vial = client.post(url("vial-finish", route, vial=1), {"doses_left": "2"})
    assert finished_vial.status_code == 302

    finished = client.post(url("routelist-finish", route))
    assert finished.status_code == 302
    route.refresh_from_db()
    assert route.status == RouteList.Status.DONE
    page = client.get(url("routelist-detail", route))
    assert 'value="vaccinated"' not in page.text
    assert url("routelist-finish", route) not in page.text
    # A reaction noticed late can still be written down.
    assert url("stop-reaction", route, stop_pk=first.pk) in page.text


def test_it_takes_back_a_wrong_vaccination(client, in_english, route, noerrebro_gp):
    client.force_login(noerrebro_gp)
    client.post(url("routelist-checklist", route), CHECKLIST)
    first = stop(route, 1)
    client.post(url("stop-outcome", route, stop_pk=first.pk), {"outcome": "vaccinated"})
    empty = client.post(url("stop-correct", route, stop_pk=first.pk), {"reason": ""})
    assert empty.status_code == 422
    taken_back = client.post(url("stop-correct", route, stop_pk=first.pk), {"reason": "Wrong door"})
    assert taken_back.status_code == 302
    record = VaccinationRecord.objects.get()
    assert record.invalidation_reason == "Wrong door"
    assert stop(route, 1).outcome == ""


def test_it_hides_the_route_from_other_practices(
    client, route, viby_gp, viby_practice, hovedstaden
):
    client.force_login(viby_gp)
    for code in ("990201", "990101"):
        for name in ("routelist-detail", "routelist-pdf"):
            address = reverse(f"vaccinators:{name}", kwargs={"code": code, "pk": route.pk})
            assert client.get(address).status_code == 404
    neighbour = PracticeFactory(code="990102", name="Lægehuset Nørre Allé", region=hovedstaden)
    karen = persona("karen", Role.VACCINATOR, neighbour, first_name="Karen", last_name="Lind")
    client.force_login(karen)
    for code in ("990102", "990101"):
        address = reverse("vaccinators:routelist-detail", kwargs={"code": code, "pk": route.pk})
        assert client.get(address).status_code == 404
    outcome = reverse(
        "vaccinators:stop-outcome",
        kwargs={"code": "990102", "pk": route.pk, "stop_pk": stop(route, 1).pk},
    )
    assert client.post(outcome, {"outcome": "vaccinated"}).status_code == 404
    assert not AccessEvent.objects.exists()


def test_it_hides_a_draft_from_the_gp(
    client, tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice, noerrebro_gp
):
    draft = published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=2,
        status=RouteList.Status.DRAFT,
    )
    client.force_login(noerrebro_gp)
    assert client.get(url("routelist-detail", draft)).status_code == 404
    assert client.get(url("routelist-pdf", draft)).status_code == 404


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF's content streams (fpdf2 compresses them)."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            found.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            found.append(stream.decode("latin-1"))
    return "\n".join(found)


def test_it_prints_the_list_and_makes_a_pdf(client, in_english, route, noerrebro_gp):
    client.force_login(noerrebro_gp)
    printable = client.get(url("routelist-detail", route) + "?print=1")
    assert printable.status_code == 200
    assert "<form" not in printable.text.split('id="main-content"')[1]
    assert "Borger 0" in printable.text

    response = client.get(url("routelist-pdf", route))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    first = stop(route, 1)
    assert "Borger 0" in text
    assert first.citizen.masked_cpr in text
    assert full_cpr(first.citizen) not in text
    assert "Nørrebrogade 12" in text  # Danish letters in the core font's latin-1
    assert "Lægerne på Nørrebrogade" in text
    assert "observe 30 minutes" in text

    actions = list(
        AccessEvent.objects.filter(user=noerrebro_gp).order_by("pk").values_list("action", "detail")
    )
    assert actions == [("print", "4"), ("export", "4")]


def test_it_reads_the_route_page_in_a_fixed_number_of_queries(
    client, tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice, noerrebro_gp,
    django_assert_max_num_queries,
):  # fmt: skip
    """The route with 2 stops, then with 12, each time with its last stop vaccinated and a
    reaction recorded: the page costs the same number of queries."""
    from tests.regions import world

    route_list = published_route(
        tmp_path, caseworker=kbh_caseworker, coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice, stops=2,
    )  # fmt: skip
    outcomes.checklist_confirm(
        route_list=route_list, user=noerrebro_gp, anaphylaxis_kit=True, adrenaline=True,
        oxygen_or_emergency_plan=True, it_access=True,
    )  # fmt: skip
    client.force_login(noerrebro_gp)

    def vaccinate_last_and_count() -> int:
        last = route_list.stops.order_by("-position").first()
        done = outcomes.stop_outcome_record(stop=last, user=noerrebro_gp, outcome="vaccinated")
        outcomes.adverse_reaction_record(
            record=done.vaccination, user=noerrebro_gp, onset_at=timezone.now(),
            symptoms="Dizzy", severity="mild", adrenaline_given=False, emergency_called=False,
            reported_onward=False,
        )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("routelist-detail", route_list)).status_code == 200
        return len(queries)

    small = vaccinate_last_and_count()
    more = world.referrals(
        tmp_path, kbh_caseworker, "101", 10, pathway="home", accepted=True, start=10
    )
    for position, referral in enumerate(more, start=3):
        arrival = route_list.starts_at + timedelta(minutes=20 * position)
        RouteStop.objects.create(
            route_list=route_list, position=position, referral=referral,
            citizen_id=referral.citizen_id, planned_arrival=arrival, service_minutes=20,
            observation_minutes=15, vial_number=1 + (position - 1) // 6,
        )  # fmt: skip
        Referral.objects.filter(pk=referral.pk).update(status="scheduled", scheduled_for=arrival)
    large = vaccinate_last_and_count()
    assert small == large, (small, large)
    with django_assert_max_num_queries(small):
        client.get(url("routelist-detail", route_list))
