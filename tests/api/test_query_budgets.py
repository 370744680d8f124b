"""The list answers read in a fixed number of queries, however many rows they show: twice the
rows, the same count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.municipalities.casework import citizen_tasks
from tests.regions import world
from tests.vaccinators.routes import published_route

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_it_reads_a_page_of_the_worklist_in_fixed_queries(tmp_path, signe_api, koebenhavn):
    url = reverse("municipalities-api:task-list", kwargs={"code": "101"})
    (tmp_path / "a").mkdir()
    citizen_tasks(tmp_path / "a", "101", 3)
    few = queries(signe_api, url)
    (tmp_path / "b").mkdir()
    citizen_tasks(tmp_path / "b", "101", 9)
    assert queries(signe_api, url) == few


def test_it_reads_a_route_list_in_fixed_queries(
    tmp_path, lise_api, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice
):
    def route(stops, start, day):
        return published_route(
            tmp_path / str(start),
            caseworker=kbh_caseworker,
            coordinator=hovedstaden_coordinator,
            practice=noerrebro_practice,
            stops=stops,
            start=start,
            day=day,
            severe_allergy=(0,),
        )

    short, long = route(2, 0, world.next_week(1)), route(8, 20, world.next_week(2))

    def url(route_list):
        return reverse(
            "vaccinators-api:routelist-detail", kwargs={"code": "990101", "pk": route_list.pk}
        )

    assert queries(lise_api, url(long)) == queries(lise_api, url(short))


def test_it_reads_the_stock_and_the_ledger_in_fixed_queries(
    kasper_api, hovedstaden, hovedstaden_coordinator
):
    stock = reverse("regions-api:stock-detail", kwargs={"code": "1084"})
    ledger = reverse("regions-api:stock-movement-list", kwargs={"code": "1084"})
    world.stocked(hovedstaden, hovedstaden_coordinator, lot="EK9788")
    few = (queries(kasper_api, stock), queries(kasper_api, ledger))
    world.stocked(hovedstaden, hovedstaden_coordinator, lot="EK9789")
    world.stocked(hovedstaden, hovedstaden_coordinator, lot="EK9790")
    assert (queries(kasper_api, stock), queries(kasper_api, ledger)) == few
