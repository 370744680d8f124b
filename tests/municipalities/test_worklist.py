"""The caseworker's worklist shows her municipality's open tasks, most urgent first."""

from pathlib import Path

import pytest
from django.urls import reverse

from municipalities import services
from municipalities.ssi.weeks import parse_week
from outreach.models import Municipality
from tests.factories import fake_cpr

pytestmark = pytest.mark.django_db


def import_list(tmp_path: Path, code: str, rows: list[str]):
    path = tmp_path / f"{code}.csv"
    path.write_text("cpr;navn;målgruppe;invitationsdato\n" + "\n".join(rows), encoding="utf-8")
    list_import, _ = services.ssi_list_import_receive(
        path=path, original_name=path.name, source="command",
        municipality=Municipality.objects.get(code=code),
        week=parse_week("2021-W10"),
    )  # fmt: skip
    services.ssi_list_import_process(list_import_id=list_import.pk)


def test_it_lists_open_tasks_by_target_group_priority(client, tmp_path, kbh_caseworker):
    import_list(tmp_path, "101", [
        f"{fake_cpr(1)};Ni Jensen;9;01.03.2021",
        f"{fake_cpr(2)};Tre Hansen;3;01.03.2021",
        f"{fake_cpr(3)};Syv Olsen;7;01.03.2021",
        f"{fake_cpr(4)};To Holm;2;01.03.2021",
    ])  # fmt: skip
    client.force_login(kbh_caseworker)
    page = client.get(reverse("municipalities:municipality-worklist", kwargs={"code": "101"}))
    text = page.content.decode()
    order = [text.index(name) for name in ("To Holm", "Tre Hansen", "Syv Olsen", "Ni Jensen")]
    assert order == sorted(order)
    assert fake_cpr(1)[:6] + "-XXXX" in text
    assert fake_cpr(1).replace("-", "") not in text


def test_it_shows_nothing_of_another_municipality(client, tmp_path, kbh_caseworker, aarhus):
    import_list(tmp_path, "751", [f"{fake_cpr(1)};Aarhus Borger;3;01.03.2021"])
    client.force_login(kbh_caseworker)
    page = client.get(reverse("municipalities:municipality-worklist", kwargs={"code": "101"}))
    assert "Aarhus Borger" not in page.content.decode()


def test_it_keeps_its_queries_flat_with_many_tasks(
    client, tmp_path, kbh_caseworker, django_assert_max_num_queries
):
    import_list(tmp_path, "101", [f"{fake_cpr(n)};Borger {n};3;01.03.2021" for n in range(60)])
    client.force_login(kbh_caseworker)
    url = reverse("municipalities:municipality-worklist", kwargs={"code": "101"})
    # Session, user, memberships (every page); grants, colleagues for the filter, one page of tasks.
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200


# Filters, pages, claims --------------------------------------------------------------------------

from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from municipalities.models import ContactTask  # noqa: E402
from municipalities.services import cases, tasks  # noqa: E402
from outreach.models import AccessEvent  # noqa: E402

WORKLIST = "/municipalities/101/"


def names_on(page) -> list[str]:
    return [task.citizen.name for task in page.context["rows"]]


def test_it_pages_through_every_task_once_in_priority_order(client, tmp_path, kbh_caseworker):
    rows = [
        f"{fake_cpr(n)};Borger {n:03};{(2, 3, 5, 7, 8, 9)[n % 6]};01.03.2021" for n in range(120)
    ]
    import_list(tmp_path, "101", rows)
    client.force_login(kbh_caseworker)
    seen, url = [], WORKLIST
    while url:
        page = client.get(url)
        seen += [task.pk for task in page.context["rows"]]
        after = page.context["next_after"]
        url = f"{WORKLIST}?after={after}" if after else None
    expected = list(
        ContactTask.objects.order_by("priority", "birth_date", "invited_on", "id").values_list(
            "pk", flat=True
        )
    )
    assert seen == expected and len(seen) == 120


def test_it_filters_by_group_age_stage_and_name(client, tmp_path, kbh_caseworker):
    import_list(tmp_path, "101", [
        f"{fake_cpr(1)};Anna Tre;3;01.03.2021",
        f"{fake_cpr(2)};Bent Syv;7;01.03.2021",
        f"{fake_cpr(3)};Carl Syv;7;01.03.2021",
    ])  # fmt: skip
    bent = ContactTask.objects.get(citizen__name="Bent Syv")
    cases.attempt_record(task=bent, user=kbh_caseworker, channel="phone", reached=False)
    client.force_login(kbh_caseworker)
    assert names_on(client.get(WORKLIST, {"target_group": 7})) == ["Bent Syv", "Carl Syv"][
        :: 1 if bent.birth_date <= ContactTask.objects.get(citizen__name="Carl Syv").birth_date
        else -1
    ]  # fmt: skip
    assert names_on(client.get(WORKLIST, {"stage": "contacting"})) == ["Bent Syv"]
    assert names_on(client.get(WORKLIST, {"name": "anna"})) == ["Anna Tre"]
    assert AccessEvent.objects.filter(action="search", detail__contains="anna").exists()
    age = bent.citizen.age
    band = (
        "85-plus" if age >= 85 else "75-84" if age >= 75 else "65-74" if age >= 65 else "under-65"
    )
    assert "Bent Syv" in names_on(client.get(WORKLIST, {"age_band": band}))


def test_it_hides_a_call_later_task_until_its_time(client, tmp_path, kbh_caseworker):
    import_list(tmp_path, "101", [f"{fake_cpr(1)};Anna Senere;3;01.03.2021"])
    task = ContactTask.objects.get()
    tasks.task_call_later(task=task, user=kbh_caseworker, at=timezone.now() + timedelta(hours=2))
    client.force_login(kbh_caseworker)
    assert names_on(client.get(WORKLIST)) == []
    assert names_on(client.get(WORKLIST, {"call_later": "waiting"})) == ["Anna Senere"]
    ContactTask.objects.update(call_later_at=timezone.now() - timedelta(minutes=1))
    assert names_on(client.get(WORKLIST, {"call_later": "due"})) == ["Anna Senere"]
    assert names_on(client.get(WORKLIST)) == ["Anna Senere"]


def test_it_filters_by_assignee_and_overdue(client, tmp_path, kbh_caseworker, kbh_lead):
    import_list(tmp_path, "101", [
        f"{fake_cpr(1)};Anna Mig;3;01.03.2021", f"{fake_cpr(2)};Bent Ingen;3;01.03.2021",
    ])  # fmt: skip
    anna = ContactTask.objects.get(citizen__name="Anna Mig")
    tasks.task_assign(task=anna, assignee=kbh_caseworker, by=kbh_lead)
    ContactTask.objects.filter(pk=anna.pk).update(due_on=timezone.localdate() + timedelta(days=3))
    ContactTask.objects.exclude(pk=anna.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(kbh_caseworker)
    assert names_on(client.get(WORKLIST, {"assignee": "me"})) == ["Anna Mig"]
    assert names_on(client.get(WORKLIST, {"assignee": "none"})) == ["Bent Ingen"]
    assert names_on(client.get(WORKLIST, {"overdue": "on"})) == ["Bent Ingen"]


@pytest.mark.usefixtures("in_english")
def test_it_claims_from_the_row_in_place(client, tmp_path, kbh_caseworker, kbh_lead):
    import_list(tmp_path, "101", [f"{fake_cpr(1)};Anna Krav;3;01.03.2021"])
    task = ContactTask.objects.get()
    url = f"/municipalities/101/cases/{task.pk}/claim/"
    client.force_login(kbh_caseworker)
    mine = client.post(url, headers={"HX-Request": "true", "HX-Target": f"task-{task.pk}"})
    assert mine.status_code == 200 and mine.content.decode().lstrip().startswith("<tr")
    client.force_login(kbh_lead)
    theirs = client.post(url, headers={"HX-Request": "true", "HX-Target": f"task-{task.pk}"})
    assert theirs.status_code == 409
    assert "Signe Holm is working on this citizen" in theirs.content.decode()


def test_it_keeps_deep_pages_to_the_same_queries(
    client, tmp_path, kbh_caseworker, django_assert_max_num_queries
):
    import_list(tmp_path, "101", [f"{fake_cpr(n)};Borger {n};3;01.03.2021" for n in range(120)])
    client.force_login(kbh_caseworker)
    after = client.get(WORKLIST).context["next_after"]
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(7):
        assert client.get(WORKLIST, {"after": after, "stage": "open"}).status_code == 200
