"""Lise, a GP at Nørrebro, reads her published route list and records outcomes through the API:
the same services as her phone page, so the safety checklist gates the first outcome, a stop
takes one outcome, and a vaccination reaches the record and the referral."""

import pytest
from django.urls import reverse

from municipalities.models import Referral
from outreach.models import AccessEvent, Outcome, VaccinationRecord
from tests.api.conftest import api_client_for
from tests.regions import world
from tests.vaccinators.routes import published_route
from vaccinators.models import RouteList, RouteStop
from vaccinators.services import outcomes

pytestmark = pytest.mark.django_db

CHECKLIST = {
    "anaphylaxis_kit": True,
    "adrenaline": True,
    "oxygen_or_emergency_plan": True,
    "it_access": True,
}


@pytest.fixture
def route(tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice):
    return published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=3,
        severe_allergy=(1,),
    )


def detail_url(route_list, code="990101"):
    return reverse("vaccinators-api:routelist-detail", kwargs={"code": code, "pk": route_list.pk})


def outcome_url(route_list, position):
    stop = RouteStop.objects.get(route_list=route_list, position=position)
    return reverse(
        "vaccinators-api:stop-outcome",
        kwargs={"code": "990101", "pk": route_list.pk, "stop_pk": stop.pk},
    )


def test_it_lists_and_shows_her_published_route_with_its_stops(lise_api, noerrebro_gp, route):
    listed = lise_api.get(reverse("vaccinators-api:routelist-list", kwargs={"code": "990101"}))
    assert listed.status_code == 200
    assert [(r["id"], r["stop_count"]) for r in listed.json()] == [(route.pk, 3)]

    response = lise_api.get(detail_url(route))
    assert response.status_code == 200
    body = response.json()
    assert body["checklist_confirmed"] is False
    stops = body["stops"]
    assert [stop["position"] for stop in stops] == [1, 2, 3]
    assert stops[0]["citizen"]["name"] == "Borger 0"
    assert stops[0]["citizen"]["masked_cpr"].endswith("-XXXX")
    assert [stop["severe_allergy"] for stop in stops] == [False, True, False]
    assert AccessEvent.objects.filter(
        user=noerrebro_gp, action=AccessEvent.Action.LIST, organisation_code="990101"
    ).exists()


def test_it_hides_another_practices_route_and_a_draft(
    tmp_path, lise_api, viby_gp, route, kbh_caseworker, hovedstaden_coordinator,
    noerrebro_practice, viby_practice, midtjylland_coordinator,
):  # fmt: skip
    draft = published_route(
        tmp_path / "draft",
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=1,
        start=40,
        stock_vials=0,
        day=world.next_week(),
        status=RouteList.Status.DRAFT,
    )
    assert lise_api.get(detail_url(draft)).status_code == 404
    peter_api = api_client_for(viby_gp)
    assert peter_api.get(detail_url(route, code="990201")).status_code == 404
    assert peter_api.get(detail_url(route)).status_code == 404
    refused = peter_api.post(outcome_url(route, 1), {"outcome": "vaccinated"}, format="json")
    assert refused.status_code == 404


def test_it_refuses_an_outcome_until_the_checklist_is_confirmed(lise_api, route):
    response = lise_api.post(outcome_url(route, 1), {"outcome": "vaccinated"}, format="json")
    assert response.status_code == 409
    assert "Confirm the safety checklist" in response.json()["detail"]

    missing = lise_api.post(
        reverse("vaccinators-api:routelist-checklist", kwargs={"code": "990101", "pk": route.pk}),
        {**CHECKLIST, "adrenaline": False},
        format="json",
    )
    assert missing.status_code == 400
    assert "adrenaline in date" in missing.json()["adrenaline"][0]
    assert not VaccinationRecord.objects.exists()


def test_it_records_a_vaccination_as_the_phone_page_does(lise_api, noerrebro_gp, route):
    confirmed = lise_api.post(
        reverse("vaccinators-api:routelist-checklist", kwargs={"code": "990101", "pk": route.pk}),
        CHECKLIST,
        format="json",
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == RouteList.Status.IN_PROGRESS

    response = lise_api.post(outcome_url(route, 2), {"outcome": "vaccinated"}, format="json")
    assert response.status_code == 201
    body = response.json()
    stop = RouteStop.objects.select_related("vaccination", "referral").get(pk=body["stop"]["id"])
    record = stop.vaccination
    assert (record.dose, record.batch, record.given_by) == (1, "EK9788", noerrebro_gp)
    assert record.observation_minutes == 30  # an earlier severe allergic reaction
    assert stop.referral.status == Referral.Status.DONE
    assert body["stop"]["outcome"] == Outcome.VACCINATED
    assert body["stop"]["vaccination"]["batch"] == "EK9788"
    assert "Observe for 30 minutes" in body["message"]


def test_it_answers_a_second_outcome_for_a_stop_with_a_conflict(lise_api, noerrebro_gp, route):
    outcomes.checklist_confirm(route_list=route, user=noerrebro_gp, **CHECKLIST)
    first = lise_api.post(outcome_url(route, 1), {"outcome": "not_home"}, format="json")
    assert first.status_code == 201
    again = lise_api.post(outcome_url(route, 1), {"outcome": "vaccinated"}, format="json")
    assert again.status_code == 409
    assert "already has an outcome" in again.json()["detail"]
    assert RouteStop.objects.get(route_list=route, position=1).outcome == Outcome.NOT_HOME
    assert not VaccinationRecord.objects.exists()


def test_it_answers_a_batch_not_of_the_route_with_the_field_at_fault(lise_api, noerrebro_gp, route):
    outcomes.checklist_confirm(route_list=route, user=noerrebro_gp, **CHECKLIST)
    response = lise_api.post(
        outcome_url(route, 1), {"outcome": "vaccinated", "batch": 999999}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["batch"] == ["Choose a batch from the list."]
    unknown = lise_api.post(outcome_url(route, 1), {"outcome": "asleep"}, format="json")
    assert unknown.status_code == 400
    assert "outcome" in unknown.json()
