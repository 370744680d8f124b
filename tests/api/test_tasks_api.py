"""Signe, a caseworker in København, works her tasks through the API as on the worklist: she sees
København's tasks only, finds a citizen by CPR number in a POST body, and every answer naming
citizens leaves an access event."""

import pytest
from django.urls import reverse

from municipalities.models import ContactTask
from municipalities.selectors import worklist
from outreach.models import AccessEvent
from tests.factories import fake_cpr
from tests.municipalities.casework import citizen_tasks

pytestmark = pytest.mark.django_db


def tasks_url(code="101"):
    return reverse("municipalities-api:task-list", kwargs={"code": code})


def search_url(code="101"):
    return reverse("municipalities-api:citizen-cpr-search", kwargs={"code": code})


@pytest.fixture
def kbh_tasks(tmp_path, koebenhavn):
    (tmp_path / "kbh").mkdir()
    return citizen_tasks(tmp_path / "kbh", "101", 3)


@pytest.fixture
def aarhus_tasks(tmp_path, aarhus):
    (tmp_path / "aarhus").mkdir()
    return citizen_tasks(tmp_path / "aarhus", "751", 2, start=50)


def test_it_lists_only_her_own_municipalitys_tasks_in_priority_order(
    signe_api, kbh_tasks, aarhus_tasks
):
    response = signe_api.get(tasks_url())
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [task.pk for task in kbh_tasks]
    assert body["next"] is None
    first = body["results"][0]
    assert first["citizen"]["name"] == kbh_tasks[0].citizen.name
    assert first["citizen"]["masked_cpr"].endswith("-XXXX")
    assert "cpr" not in first["citizen"]

    assert signe_api.get(tasks_url("751")).status_code == 404
    aarhus_task = aarhus_tasks[0]
    detail = reverse("municipalities-api:task-detail", kwargs={"code": "101", "pk": aarhus_task.pk})
    assert signe_api.get(detail).status_code == 404
    citizen = reverse(
        "municipalities-api:citizen-detail", kwargs={"code": "101", "pk": aarhus_task.citizen_id}
    )
    assert signe_api.get(citizen).status_code == 404


def test_it_pages_the_worklist_after_the_last_task_shown(signe_api, kbh_tasks, monkeypatch):
    monkeypatch.setattr(worklist, "PAGE_SIZE", 2)
    first = signe_api.get(tasks_url()).json()
    assert [row["id"] for row in first["results"]] == [t.pk for t in kbh_tasks[:2]]
    second = signe_api.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [kbh_tasks[2].pk]
    assert second["next"] is None


def test_it_answers_a_wrong_filter_with_the_fields_at_fault(signe_api, kbh_tasks):
    response = signe_api.get(tasks_url(), {"stage": "sleeping", "after": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"stage", "after"}


def test_it_logs_every_citizen_a_page_of_the_worklist_shows(signe_api, kbh_caseworker, kbh_tasks):
    signe_api.get(tasks_url())
    events = AccessEvent.objects.filter(user=kbh_caseworker, action=AccessEvent.Action.LIST)
    assert {event.citizen_id for event in events} == {task.citizen_id for task in kbh_tasks}
    assert {(e.organisation_code, e.role) for e in events} == {("101", "caseworker")}


def test_it_shows_a_task_and_a_citizen_with_the_masked_cpr_only(
    signe_api, kbh_caseworker, kbh_tasks
):
    task = kbh_tasks[0]
    response = signe_api.get(
        reverse("municipalities-api:task-detail", kwargs={"code": "101", "pk": task.pk})
    )
    assert response.status_code == 200
    assert response.json()["citizen"]["id"] == task.citizen_id
    assert fake_cpr(0).replace("-", "")[6:] not in response.content.decode()
    response = signe_api.get(
        reverse("municipalities-api:citizen-detail", kwargs={"code": "101", "pk": task.citizen_id})
    )
    assert response.status_code == 200
    assert response.json()["tasks"] == [task.pk]
    viewed = AccessEvent.objects.filter(
        user=kbh_caseworker, action=AccessEvent.Action.VIEW, citizen_id=task.citizen_id
    )
    assert viewed.count() == 2


def test_it_finds_a_citizen_by_cpr_in_a_post_body_and_logs_the_search(
    signe_api, kbh_caseworker, kbh_tasks
):
    wanted = ContactTask.objects.get(citizen__name="Borger 1", municipality__code="101")
    response = signe_api.post(search_url(), {"cpr": fake_cpr(1)}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["found"] is True
    assert body["task"]["id"] == wanted.pk
    assert body["task_url"].endswith(
        reverse("municipalities-api:task-detail", kwargs={"code": "101", "pk": wanted.pk})
    )
    event = AccessEvent.objects.get(user=kbh_caseworker, action=AccessEvent.Action.SEARCH)
    assert event.citizen_id == wanted.citizen_id


def test_it_does_not_find_another_municipalitys_citizen(signe_api, kbh_tasks, aarhus_tasks):
    response = signe_api.post(search_url(), {"cpr": fake_cpr(50)}, format="json")
    assert response.status_code == 200
    assert response.json()["found"] is False
    assert response.json()["task"] is None
    assert "København" in response.json()["message"]


def test_it_refuses_a_cpr_search_by_get_and_a_malformed_number(signe_api, kbh_tasks):
    assert signe_api.get(search_url(), {"cpr": fake_cpr(1)}).status_code == 405
    response = signe_api.post(search_url(), {"cpr": "12345"}, format="json")
    assert response.status_code == 400
    assert response.json()["cpr"]
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).exists()


def test_it_answers_a_code_no_organisation_can_have_with_not_found(signe_api, kbh_tasks):
    for code in ("10\x001", "10\n1", "999"):
        response = signe_api.get(tasks_url(code))
        assert response.status_code == 404, code
        assert response.json() == {"detail": "Not found."}


def test_it_filters_the_worklist_as_the_page_does(tmp_path, signe_api, koebenhavn):
    (tmp_path / "first").mkdir()
    (tmp_path / "next").mkdir()
    booked = citizen_tasks(tmp_path / "first", "101", 2, group=3)
    # The next list has other citizens only: the first two booked on their own.
    waiting = citizen_tasks(tmp_path / "next", "101", 2, group=7, start=10)

    def ids(**filters):
        response = signe_api.get(tasks_url(), filters)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [task.pk for task in waiting]
    assert ids(target_group=3) == []
    closed = ids(stage="closed", target_group=3)
    assert sorted(closed) == sorted(task.pk for task in booked)
    assert ids(stage="closed", target_group=7) == []
