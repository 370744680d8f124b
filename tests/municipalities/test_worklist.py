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
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
