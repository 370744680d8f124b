"""A caseworker works a citizen's case: claim, attempts, decision, referral, reopen."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ContactTask, Referral, TransportBooking, Visitation
from municipalities.services import cases, tasks
from outreach.models import AccessEvent, Citizen
from tests.municipalities.casework import citizen_tasks

pytestmark = pytest.mark.django_db
D = Visitation.Decision
M = Visitation.Mobility


def case_url(task, name="case-detail"):
    return reverse(f"municipalities:{name}", kwargs={"code": task.municipality.code, "pk": task.pk})


@pytest.fixture
def task(tmp_path, koebenhavn):
    return citizen_tasks(tmp_path, "101", 1)[0]


def test_it_lets_only_one_caseworker_hold_a_task(task, kbh_caseworker, kbh_lead):
    tasks.task_claim(task=task, user=kbh_caseworker)
    with pytest.raises(tasks.TaskClaimed, match="working on this citizen"):
        tasks.task_claim(task=task, user=kbh_lead)


def test_it_lets_another_claim_once_the_lease_ran_out(task, kbh_caseworker, kbh_lead):
    tasks.task_claim(task=task, user=kbh_caseworker)
    ContactTask.objects.filter(pk=task.pk).update(
        claim_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert tasks.task_claim(task=task, user=kbh_lead).claimed_by == kbh_lead


def test_it_moves_the_task_along_with_attempts(task, kbh_caseworker):
    cases.attempt_record(task=task, user=kbh_caseworker, channel="phone", reached=False)
    task.refresh_from_db()
    assert (task.stage, task.attempts, task.last_attempt_reached) == ("contacting", 1, False)
    cases.attempt_record(
        task=task, user=kbh_caseworker, channel="phone", reached=True, answered_by="citizen"
    )
    task.refresh_from_db()
    assert (task.stage, task.attempts, task.last_attempt_reached) == ("reached", 2, True)


def test_it_allows_unreachable_only_after_attempts_on_different_days(task, kbh_caseworker):
    now = timezone.now()
    for days_ago in (0, 0, 0):
        cases.attempt_record(
            task=task, user=kbh_caseworker, channel="phone", reached=False,
            made_at=now - timedelta(days=days_ago, minutes=5),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="different days"):
        cases.visitation_decide(task=task, user=kbh_caseworker, decision=D.UNREACHABLE)
    cases.attempt_record(
        task=task, user=kbh_caseworker, channel="letter", reached=False,
        made_at=now - timedelta(days=3),
    )  # fmt: skip
    cases.visitation_decide(task=task, user=kbh_caseworker, decision=D.UNREACHABLE)
    task.refresh_from_db()
    assert (task.status, task.close_reason) == ("closed", "unreachable")


def test_it_requires_a_justification_for_home_vaccination_of_a_mobile_citizen(task, kbh_caseworker):
    with pytest.raises(ValidationError) as refused:
        cases.visitation_decide(
            task=task, user=kbh_caseworker, decision=D.HOME, mobility=M.TRANSPORT_SITTING,
            wants_vaccination=True,
        )  # fmt: skip
    assert "justification" in refused.value.message_dict
    cases.visitation_decide(
        task=task, user=kbh_caseworker, decision=D.HOME, mobility=M.TRANSPORT_SITTING,
        wants_vaccination=True, justification="Severe dementia; cannot leave home calmly.",
    )  # fmt: skip
    assert Referral.objects.get(task=task).pathway == "home"


def test_it_refuses_a_referral_until_the_guardian_is_informed(task, kbh_caseworker):
    Citizen.objects.filter(pk=task.citizen_id).update(guardian_name="Hanne Holm")
    decision = {"decision": D.HOME, "mobility": M.BEDRIDDEN, "wants_vaccination": True}
    with pytest.raises(ValidationError) as refused:
        cases.visitation_decide(task=task, user=kbh_caseworker, **decision)
    assert "guardian_informed_at" in refused.value.message_dict
    assert not Referral.objects.exists()
    cases.visitation_decide(
        task=task, user=kbh_caseworker, **decision, guardian_informed_at=timezone.now(),
        guardian_informed_how="phone", guardian_informed_by="Signe",
    )  # fmt: skip
    task.refresh_from_db()
    assert (task.stage, task.referral_status) == ("referred", "requested")


def test_it_arranges_transport_for_a_pop_up(task, kbh_caseworker):
    cases.visitation_decide(
        task=task, user=kbh_caseworker, decision=D.POPUP, mobility=M.TRANSPORT_WHEELCHAIR,
        wants_vaccination=True,
    )  # fmt: skip
    ride = TransportBooking.objects.get(task=task)
    assert (ride.kind, ride.pathway, ride.status) == ("wheelchair", "popup", "to_arrange")


def test_it_keeps_the_history_when_a_decision_is_revised(task, kbh_caseworker):
    cases.visitation_decide(
        task=task, user=kbh_caseworker, decision=D.POPUP, mobility=M.TRANSPORT_SITTING,
        wants_vaccination=True,
    )  # fmt: skip
    cases.visitation_decide(
        task=task, user=kbh_caseworker, decision=D.HOME, mobility=M.BEDRIDDEN,
        wants_vaccination=True,
    )  # fmt: skip
    old, new = Visitation.objects.filter(task=task).order_by("pk")
    assert old.superseded_by == new and new.superseded_at is None
    assert list(Referral.objects.filter(task=task).values_list("pathway", "status")) == [
        ("home", "requested"),
        ("popup", "withdrawn"),
    ]
    assert TransportBooking.objects.get(task=task).status == "cancelled"


def test_it_reopens_a_declined_citizen(task, kbh_caseworker):
    cases.visitation_decide(task=task, user=kbh_caseworker, decision=D.DECLINED)
    task.refresh_from_db()
    assert (task.status, task.close_reason) == ("closed", "declined")
    cases.task_reopen(task=task, user=kbh_caseworker)
    task.refresh_from_db()
    assert task.status == "open" and task.stage == "new"


def test_it_reopens_the_task_when_the_region_returns_the_referral(task, kbh_caseworker):
    cases.visitation_decide(
        task=task, user=kbh_caseworker, decision=D.HOME, mobility=M.BEDRIDDEN,
        wants_vaccination=True,
    )  # fmt: skip
    referral = Referral.objects.get(task=task)
    cases.referral_return(referral=referral, comment="The citizen is in hospital.")
    task.refresh_from_db()
    assert (task.stage, task.referral_status) == ("returned", "returned")
    assert task.return_comment == "The citizen is in hospital."


def test_it_keeps_the_phone_history(task, kbh_caseworker):
    cases.citizen_contact_details_update(task=task, user=kbh_caseworker, phone="22 33 44 55")
    cases.citizen_contact_details_update(task=task, user=kbh_caseworker, phone="99 88 77 66")
    changes = task.citizen.contact_details_changes.order_by("pk")
    assert [(c.old_value, c.new_value) for c in changes] == [
        ("", "22 33 44 55"),
        ("22 33 44 55", "99 88 77 66"),
    ]


def test_it_does_not_open_a_new_task_for_a_declined_citizen_on_the_next_list(
    tmp_path, koebenhavn, kbh_caseworker
):
    task = citizen_tasks(tmp_path, "101", 1)[0]
    cases.visitation_decide(task=task, user=kbh_caseworker, decision=D.DECLINED)
    from tests.factories import fake_cpr
    from tests.municipalities.casework import import_list

    import_list(tmp_path, "101", [f"{fake_cpr(0)};Borger 0;3;01.03.2021"], week="2021-W11")
    assert ContactTask.objects.filter(citizen_id=task.citizen_id).count() == 1


# Through the pages ------------------------------------------------------------------------------


def test_it_shows_the_case_and_logs_the_view(client, task, kbh_caseworker):
    client.force_login(kbh_caseworker)
    page = client.get(case_url(task))
    assert page.status_code == 200
    assert task.citizen.masked_cpr in page.content.decode()
    event = AccessEvent.objects.get()
    assert (event.user, event.citizen_id, event.action) == (kbh_caseworker, task.citizen_id, "view")
    assert event.role == "caseworker" and event.organisation_code == "101"


def test_it_hides_the_case_from_another_municipality(client, task, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    assert client.get(case_url(task)).status_code == 404
    assert client.post(case_url(task, "case-claim")).status_code == 404
    assert client.post(case_url(task, "case-cpr-reveal")).status_code == 404
    assert not AccessEvent.objects.exists()


def test_it_reveals_the_cpr_only_on_request_and_logs_it(client, task, kbh_caseworker):
    from tests.factories import fake_cpr

    client.force_login(kbh_caseworker)
    assert fake_cpr(0) not in client.get(case_url(task)).content.decode()
    page = client.post(case_url(task, "case-cpr-reveal"))
    assert fake_cpr(0) in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert AccessEvent.objects.filter(action="reveal_cpr", citizen_id=task.citizen_id).exists()


@pytest.mark.usefixtures("in_english")
def test_it_finds_a_case_by_cpr_through_a_post(client, task, kbh_caseworker):
    from tests.factories import fake_cpr

    client.force_login(kbh_caseworker)
    url = reverse("municipalities:worklist-cpr-search", kwargs={"code": "101"})
    response = client.post(url, {"cpr": fake_cpr(0)})
    assert response.status_code == 302 and response["Location"] == case_url(task)
    assert fake_cpr(0).replace("-", "")[6:] not in response["Location"]
    assert AccessEvent.objects.filter(action="search", citizen_id=task.citizen_id).exists()
    bad = client.post(url, {"cpr": "123"})
    assert bad.status_code == 422 and "10 digits" in bad.content.decode()


def test_it_records_an_attempt_in_place_with_htmx(client, task, kbh_caseworker):
    client.force_login(kbh_caseworker)
    response = client.post(
        case_url(task, "case-attempt"),
        {"attempt-channel": "phone", "attempt-reached": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="case"' in response.content.decode()
    assert "<html" not in response.content.decode()
    task.refresh_from_db()
    assert task.attempts == 1 and task.claimed_by == kbh_caseworker


@pytest.mark.usefixtures("in_english")
def test_it_refuses_a_second_caseworker_with_a_clear_message(
    client, task, kbh_caseworker, kbh_lead
):
    tasks.task_claim(task=task, user=kbh_lead)
    client.force_login(kbh_caseworker)
    response = client.post(
        case_url(task, "case-attempt"), {"attempt-channel": "phone", "attempt-reached": "0"}
    )
    assert response.status_code == 422
    assert "working on this citizen" in response.content.decode()
    task.refresh_from_db()
    assert task.attempts == 0


@pytest.mark.parametrize("attempts", [1, 30])
def test_it_keeps_the_case_page_queries_flat(
    client, task, kbh_caseworker, django_assert_max_num_queries, attempts
):
    client.force_login(kbh_caseworker)
    for day in range(attempts):
        cases.attempt_record(
            task=task, user=kbh_caseworker, channel="phone", reached=False,
            made_at=timezone.now() - timedelta(days=day, minutes=1),
        )  # fmt: skip
    url = case_url(task)
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
