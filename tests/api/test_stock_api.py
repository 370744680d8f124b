"""Kasper, Hovedstaden's coordinator, reads his region's stock and ledger through the API; Maja's
Midtjylland is not his to read, nor his to hers."""

import pytest
from django.urls import reverse

from regions.models import StockMovement
from tests.api.conftest import api_client_for
from tests.regions import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(hovedstaden, midtjylland, hovedstaden_coordinator, midtjylland_coordinator):
    world.stocked(hovedstaden, hovedstaden_coordinator, lot="EK9788", vials=10)
    world.stocked(midtjylland, midtjylland_coordinator, lot="FA1234", vials=4)


def test_it_shows_the_regions_balances_and_totals(kasper_api, stocked):
    response = kasper_api.get(reverse("regions-api:stock-detail", kwargs={"code": "1084"}))
    assert response.status_code == 200
    body = response.json()
    vaccine = [b for b in body["balances"] if b["batch"]]
    assert [(b["batch"], b["quantity"], b["holder"]["kind"]) for b in vaccine] == [
        ("EK9788", 60, "store")
    ]
    assert any(b["consumable"] for b in body["balances"])
    (totals,) = body["totals"]
    assert (totals["received"], totals["on_hand"]) == (60, 60)


def test_it_pages_the_ledger_newest_first(kasper_api, stocked, hovedstaden):
    response = kasper_api.get(reverse("regions-api:stock-movement-list", kwargs={"code": "1084"}))
    assert response.status_code == 200
    body = response.json()
    ledger = StockMovement.objects.filter(region=hovedstaden)
    assert body["count"] == ledger.count()
    assert [m["id"] for m in body["results"]] == list(ledger.values_list("pk", flat=True)[:50])
    assert "FA1234" not in response.content.decode()
    wrong = kasper_api.get(
        reverse("regions-api:stock-movement-list", kwargs={"code": "1084"}), {"page": "0"}
    )
    assert wrong.status_code == 400


def test_it_keeps_each_coordinator_to_their_own_region(
    kasper_api, midtjylland_coordinator, stocked
):
    assert (
        kasper_api.get(reverse("regions-api:stock-detail", kwargs={"code": "1082"})).status_code
        == 404
    )
    maja_api = api_client_for(midtjylland_coordinator)
    assert (
        maja_api.get(
            reverse("regions-api:stock-movement-list", kwargs={"code": "1084"})
        ).status_code
        == 404
    )


def test_it_refuses_a_caller_without_a_token(client, stocked):
    response = client.get(reverse("regions-api:stock-detail", kwargs={"code": "1084"}))
    assert response.status_code == 401
