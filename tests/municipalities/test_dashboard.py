"""The municipal lead's dashboard: how far the listed citizens have come, what is overdue, who
carries what. The casework is set up row by row here, the way a caseworker's actions leave it
(attempt count, stage, decision in force, referral status on the task)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities import services
from municipalities.models import ContactAttempt, ContactTask, Referral, Visitation
from municipalities.selectors import dashboard as dashboard_selectors
from municipalities.ssi.weeks import parse_week
from outreach.models import AccessEvent, Municipality
from outreach.roles import Role
from tests.factories import fake_cpr, persona

pytestmark = pytest.mark.django_db

D = Visitation.Decision


def import_list(tmp_path: Path, code: str, week: str, rows: list[str]) -> None:
    path = tmp_path / f"{code}-{week}.csv"
    path.write_text("cpr;navn;målgruppe;invitationsdato\n" + "\n".join(rows), encoding="utf-8")
    list_import, _ = services.ssi_list_import_receive(
        path=path, original_name=path.name, source="command",
        municipality=Municipality.objects.get(code=code), week=parse_week(week),
    )  # fmt: skip
    services.ssi_list_import_process(list_import_id=list_import.pk)


def task_of(name: str) -> ContactTask:
    return ContactTask.objects.select_related("citizen__municipality__region").get(
        citizen__name=name, status=ContactTask.Status.OPEN
    )


def attempt(task, by, *, reached: bool, days_ago: int = 0) -> None:
    made_at = timezone.now() - timedelta(days=days_ago)
    ContactAttempt.objects.create(
        task=task, citizen=task.citizen, channel="phone", reached=reached,
        answered_by="citizen" if reached else "", made_at=made_at, made_by=by,
    )  # fmt: skip
    task.attempts += 1
    task.last_attempt_at, task.last_attempt_reached = made_at, reached
    if task.stage in (ContactTask.Stage.NEW, ContactTask.Stage.CONTACTING):
        task.stage = ContactTask.Stage.REACHED if reached else ContactTask.Stage.CONTACTING
    task.save()


CLOSING = {D.HELP_TO_BOOK: "helped", D.DECLINED: "declined", D.UNREACHABLE: "unreachable"}


def decide(task, by, decision: str, *, days_ago: int = 0) -> Visitation:
    now = timezone.now() - timedelta(days=days_ago)
    previous = Visitation.objects.filter(task=task, superseded_at__isnull=True).first()
    if previous:
        previous.superseded_at = now
        previous.save()
        Referral.objects.filter(task=task, status__in=Referral.ACTIVE).update(status="withdrawn")
    visitation = Visitation.objects.create(
        task=task, citizen=task.citizen, decision=decision, decided_at=now, decided_by=by
    )
    if previous:
        previous.superseded_by = visitation
        previous.save()
    task.triaged = True
    if decision in (D.POPUP, D.HOME):
        Referral.objects.create(
            task=task, citizen=task.citizen, municipality=task.municipality,
            region=task.citizen.municipality.region, visitation=visitation, pathway=decision,
            requested_by=by,
        )  # fmt: skip
        task.stage, task.referral_status = ContactTask.Stage.REFERRED, "requested"
    if decision in CLOSING:
        task.status, task.close_reason = ContactTask.Status.CLOSED, CLOSING[decision]
        task.closed_at, task.stage = now, ContactTask.Stage.CLOSED
    task.save()
    return visitation


def region_sets(task, status: str) -> None:
    Referral.objects.filter(task=task, status__in=Referral.ACTIVE).update(status=status)
    ContactTask.objects.filter(pk=task.pk).update(referral_status=status)


@pytest.fixture
def kbh_week(tmp_path, kbh_caseworker, kbh_lead, aarhus_caseworker):
    """Six citizens listed in week 10 and two more in week 11, and a fortnight's casework:

    Anna (3): not reached ten days ago, reached today, pop-up referral the region scheduled.
    Bent (3): reached; the lead's pop-up decision was revised to home by Signe (referral requested).
    Carl (3): assigned to Signe, not contacted.   Dora (7): reached, declined (the lead decided).
    Erik (7): Signe holds the claim.   Frida (9): the lead's claim ran out.
    Gurli (3, week 11): reached, helped to book.   Hans (3, week 11): not due until next week.
    """
    week_10 = [
        f"{fake_cpr(1)};Anna Tre;3;01.03.2021", f"{fake_cpr(2)};Bent Tre;3;01.03.2021",
        f"{fake_cpr(3)};Carl Tre;3;01.03.2021", f"{fake_cpr(4)};Dora Syv;7;01.03.2021",
        f"{fake_cpr(5)};Erik Syv;7;01.03.2021", f"{fake_cpr(6)};Frida Ni;9;01.03.2021",
    ]  # fmt: skip
    import_list(tmp_path, "101", "2021-W10", week_10)
    import_list(tmp_path, "101", "2021-W11", [
        *week_10, f"{fake_cpr(7)};Gurli Tre;3;08.03.2021", f"{fake_cpr(8)};Hans Tre;3;08.03.2021",
    ])  # fmt: skip
    import_list(tmp_path, "751", "2021-W10", [f"{fake_cpr(9)};Aarhus Borger;3;01.03.2021"])
    signe, lone = kbh_caseworker, kbh_lead

    anna = task_of("Anna Tre")
    attempt(anna, signe, reached=False, days_ago=10)
    attempt(anna, signe, reached=True)
    decide(anna, signe, D.POPUP)
    region_sets(anna, "accepted")
    region_sets(anna, "scheduled")

    bent = task_of("Bent Tre")
    attempt(bent, signe, reached=True)
    decide(bent, lone, D.POPUP, days_ago=3)
    decide(bent, signe, D.HOME)

    ContactTask.objects.filter(citizen__name="Carl Tre").update(assigned_to=signe)
    dora = task_of("Dora Syv")
    attempt(dora, signe, reached=True)
    decide(dora, lone, D.DECLINED)
    ContactTask.objects.filter(citizen__name="Erik Syv").update(
        claimed_by=signe, claim_expires_at=timezone.now() + timedelta(minutes=10)
    )
    ContactTask.objects.filter(citizen__name="Frida Ni").update(
        claimed_by=lone, claim_expires_at=timezone.now() - timedelta(minutes=1)
    )
    gurli = task_of("Gurli Tre")
    attempt(gurli, signe, reached=True)
    decide(gurli, signe, D.HELP_TO_BOOK)
    ContactTask.objects.filter(citizen__name="Hans Tre").update(
        due_on=timezone.localdate() + timedelta(days=3)
    )

    aarhus_task = task_of("Aarhus Borger")
    attempt(aarhus_task, aarhus_caseworker, reached=True)
    decide(aarhus_task, aarhus_caseworker, D.POPUP)


def steps(row) -> tuple:
    return row.listed, row.contacted, row.assessed, row.referred, row.scheduled


def the_funnel(**wanted):
    koebenhavn = Municipality.objects.get(code="101")
    weeks = dashboard_selectors.listed_weeks(koebenhavn)
    return dashboard_selectors.funnel(
        koebenhavn, dashboard_selectors.DashboardFilter(**wanted), weeks=weeks, groups=[2, 3, 7, 9]
    )


def test_it_counts_the_funnel_from_listed_to_scheduled(kbh_week):
    funnel = the_funnel()
    assert steps(funnel.total) == (8, 4, 4, 2, 1)
    assert funnel.total.decisions == {D.POPUP: 1, D.HOME: 1, D.DECLINED: 1, D.HELP_TO_BOOK: 1}


def test_it_counts_the_funnel_per_week_first_listed(kbh_week):
    funnel = the_funnel()
    assert [(row.key, steps(row)) for row in funnel.by_week] == [
        (parse_week("2021-W10"), (6, 3, 3, 2, 1)),
        (parse_week("2021-W11"), (2, 1, 1, 0, 0)),
    ]


def test_it_counts_the_funnel_per_target_group(kbh_week):
    funnel = the_funnel()
    assert [(row.key, steps(row)) for row in funnel.by_group] == [
        (2, (0, 0, 0, 0, 0)),
        (3, (5, 3, 3, 2, 1)),
        (7, (2, 1, 1, 0, 0)),
        (9, (1, 0, 0, 0, 0)),
    ]


def test_it_narrows_the_funnel_to_a_group_and_to_weeks(kbh_week):
    assert steps(the_funnel(target_group=7).total) == (2, 1, 1, 0, 0)
    assert steps(the_funnel(week_from=parse_week("2021-W11")).total) == (2, 1, 1, 0, 0)
    assert steps(the_funnel(week_to=parse_week("2021-W10"), target_group=3).total) == (
        3, 2, 2, 2, 1,
    )  # fmt: skip


def test_it_lists_the_most_overdue_tasks_first(kbh_week):
    count, overdue = dashboard_selectors.overdue_tasks(Municipality.objects.get(code="101"))
    assert count == 3
    assert [task.citizen.name for task in overdue] == ["Carl Tre", "Erik Syv", "Frida Ni"]


def test_it_shows_each_persons_workload(kbh_week):
    rows = dashboard_selectors.workload(Municipality.objects.get(code="101"))
    assert {row.name: (row.assigned, row.claimed, row.attempts, row.decisions) for row in rows} == {
        "Lone Berg": (0, 0, 0, 2),
        "Signe Holm": (1, 1, 4, 3),
    }


@pytest.mark.usefixtures("in_english")
def test_it_shows_the_lead_the_dashboard(client, kbh_week, kbh_lead):
    client.force_login(kbh_lead)
    page = client.get(reverse("municipalities:municipality-dashboard", kwargs={"code": "101"}))
    assert page.status_code == 200
    text = page.content.decode()
    # A chart per funnel view, each named, each with its table.
    assert text.count('role="img"') == 5
    assert text.count("<table") >= 7
    assert "Citizens first listed in weeks 2021-W10 to 2021-W11." in text
    assert "Not yet recorded in this system" in text
    for name in ("Carl Tre", "Erik Syv", "Frida Ni"):
        assert name in text
    assert "Hans Tre" not in text and "Aarhus Borger" not in text
    carl = task_of("Carl Tre")
    assert reverse("municipalities:case-detail", kwargs={"code": "101", "pk": carl.pk}) in text
    assert fake_cpr(3).replace("-", "") not in text
    # The team is still there.
    assert "Signe Holm" in text and "Lone Berg" in text


def test_it_logs_the_overdue_list_as_one_access_event(client, kbh_week, kbh_lead):
    client.force_login(kbh_lead)
    client.get(reverse("municipalities:municipality-dashboard", kwargs={"code": "101"}))
    event = AccessEvent.objects.get(user=kbh_lead)
    assert (event.action, event.detail, event.organisation_code) == (
        "list",
        "dashboard overdue: 3",
        "101",
    )
    assert event.citizen is None


def test_it_filters_by_week_and_target_group(client, kbh_week, kbh_lead):
    client.force_login(kbh_lead)
    url = reverse("municipalities:municipality-dashboard", kwargs={"code": "101"})
    page = client.get(url, {"week_from": "2021-W11", "week_to": "2021-W11", "target_group": "3"})
    assert page.status_code == 200
    funnel = page.context["funnel"]
    assert steps(funnel.total) == (2, 1, 1, 0, 0)
    assert [row.key for _label, row in page.context["week_rows"]] == [parse_week("2021-W11")]
    # Overdue follows the group, not the weeks: Carl is in group 3 and overdue.
    assert [task.citizen.name for task, _days in page.context["overdue"]] == ["Carl Tre"]


def test_it_refuses_weeks_in_the_wrong_order(client, kbh_week, kbh_lead):
    client.force_login(kbh_lead)
    url = reverse("municipalities:municipality-dashboard", kwargs={"code": "101"})
    page = client.get(url, {"week_from": "2021-W11", "week_to": "2021-W10"})
    assert page.status_code == 422
    assert "week_to" in page.context["form"].errors


@pytest.mark.usefixtures("in_english")
def test_it_shows_an_empty_municipality_without_failing(client, kbh_lead):
    client.force_login(kbh_lead)
    page = client.get(reverse("municipalities:municipality-dashboard", kwargs={"code": "101"}))
    assert page.status_code == 200
    assert "No SSI list has been imported yet" in page.content.decode()
    assert not AccessEvent.objects.exists()


def test_it_defaults_to_the_last_eight_weeks_with_data():
    weeks = [parse_week(f"2021-W{n:02d}") for n in range(20, 8, -1)]
    assert dashboard_selectors.default_week_range(weeks) == (
        parse_week("2021-W13"),
        parse_week("2021-W20"),
    )


def test_it_forbids_a_caseworker(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    url = reverse("municipalities:municipality-dashboard", kwargs={"code": "101"})
    assert client.get(url).status_code == 403


def test_it_hides_koebenhavn_from_aarhus(client, aarhus, aarhus_caseworker, koebenhavn):
    aarhus_lead = persona("aarhus.lead", Role.LEAD, aarhus)
    url = reverse("municipalities:municipality-dashboard", kwargs={"code": "101"})
    for user in (aarhus_lead, aarhus_caseworker):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("citizens", [3, 30])
def test_it_keeps_its_queries_fixed_however_many_tasks(
    client, tmp_path, kbh_caseworker, kbh_lead, citizens, django_assert_num_queries
):
    import_list(tmp_path, "101", "2021-W10", [
        f"{fake_cpr(n)};Borger {n};{(2, 3, 7)[n % 3]};01.03.2021" for n in range(citizens)
    ])  # fmt: skip
    for n, task in enumerate(ContactTask.objects.select_related("citizen__municipality__region")):
        attempt(task, kbh_caseworker, reached=n % 2 == 0)
        if n % 2 == 0:
            decide(task, kbh_caseworker, D.POPUP)
        else:
            ContactTask.objects.filter(pk=task.pk).update(
                assigned_to=kbh_caseworker,
                claimed_by=kbh_lead,
                claim_expires_at=timezone.now() + timedelta(minutes=5),
            )
    client.force_login(kbh_lead)
    url = reverse("municipalities:municipality-dashboard", kwargs={"code": "101"})
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_num_queries(22):
        assert client.get(url).status_code == 200
