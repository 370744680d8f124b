"""Kasper, Hovedstaden's coordinator, works through the referrals the municipalities send: he
accepts them or returns them with a comment the caseworker sees. Midtjylland sees none of them."""

import pytest
from django.urls import reverse

from municipalities.models import ContactTask, Referral
from outreach.models import AccessEvent
from tests.regions import world

pytestmark = pytest.mark.django_db


def inbox(code="1084"):
    return reverse("regions:referral-list", kwargs={"code": code})


def test_it_lists_the_new_referrals_of_the_region_only(
    client, in_english, tmp_path, kbh_caseworker, aarhus_caseworker, hovedstaden_coordinator
):
    world.referrals(tmp_path, kbh_caseworker, "101", 2)
    world.referrals(tmp_path, aarhus_caseworker, "751", 1, start=10)
    client.force_login(hovedstaden_coordinator)
    response = client.get(inbox())
    assert response.status_code == 200
    assert [r.municipality.code for r, _form in response.context["rows"]] == ["101", "101"]
    assert "Borger 0" in response.text and "Borger 10" not in response.text
    event = AccessEvent.objects.get(user=hovedstaden_coordinator)
    assert (event.action, event.organisation_code, event.detail) == ("list", "1084", "2")


def test_it_filters_by_pathway_municipality_and_status(
    client, tmp_path, kbh_caseworker, hovedstaden_coordinator
):
    world.referrals(tmp_path, kbh_caseworker, "101", 2)
    world.referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home", start=5)
    client.force_login(hovedstaden_coordinator)
    rows = client.get(inbox(), {"pathway": "home"}).context["rows"]
    assert [r.pathway for r, _form in rows] == ["home"]
    assert client.get(inbox(), {"municipality": "147"}).context["rows"] == []
    assert client.get(inbox(), {"status": "accepted"}).context["rows"] == []
    assert len(client.get(inbox(), {"waiting_days": "0"}).context["rows"]) == 3
    assert client.get(inbox(), {"waiting_days": "3"}).context["rows"] == []
    assert client.get(inbox(), {"waiting_days": "-1"}).status_code == 422


def test_it_accepts_a_home_referral_into_the_home_visit_pool(
    client, in_english, tmp_path, kbh_caseworker, hovedstaden_coordinator
):
    (referral,) = world.referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home")
    client.force_login(hovedstaden_coordinator)
    response = client.post(
        reverse("regions:referral-accept", kwargs={"code": "1084", "pk": referral.pk}),
        follow=True,
    )
    assert "is accepted and in the home-visit pool" in response.text
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert ContactTask.objects.get(pk=referral.task_id).referral_status == "accepted"
    again = client.post(
        reverse("regions:referral-accept", kwargs={"code": "1084", "pk": referral.pk})
    )
    assert again.status_code == 422
    assert "cannot change to accepted" in again.text


def test_it_returns_a_referral_with_the_comment_the_caseworker_sees(
    client, in_english, tmp_path, kbh_caseworker, hovedstaden_coordinator
):
    (referral,) = world.referrals(tmp_path, kbh_caseworker, "101", 1)
    client.force_login(hovedstaden_coordinator)
    url = reverse("regions:referral-return", kwargs={"code": "1084", "pk": referral.pk})
    refused = client.post(url, {f"return-{referral.pk}-comment": "  "})
    assert refused.status_code == 422
    assert "This field is required" in refused.text
    client.post(url, {f"return-{referral.pk}-comment": "No pop-up in Valby before April."})
    referral.refresh_from_db()
    task = ContactTask.objects.get(pk=referral.task_id)
    assert referral.status == "returned"
    assert (task.stage, task.return_comment) == ("returned", "No pop-up in Valby before April.")
    client.force_login(kbh_caseworker)
    case = client.get(reverse("municipalities:case-detail", kwargs={"code": "101", "pk": task.pk}))
    assert "No pop-up in Valby before April." in case.text


def test_it_hides_the_inbox_and_its_referrals_from_another_region(
    client, tmp_path, kbh_caseworker, midtjylland_coordinator
):
    (referral,) = world.referrals(tmp_path, kbh_caseworker, "101", 1)
    client.force_login(midtjylland_coordinator)
    assert client.get(inbox()).status_code == 404
    accept = reverse("regions:referral-accept", kwargs={"code": "1082", "pk": referral.pk})
    assert client.post(accept).status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == "requested"


def test_it_refuses_a_caseworker_the_regions_inbox(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    assert client.get(inbox()).status_code == 404


def test_it_lists_the_inbox_in_the_same_queries_for_few_and_many(
    client, tmp_path, kbh_caseworker, hovedstaden_coordinator, django_assert_num_queries
):
    world.referrals(tmp_path, kbh_caseworker, "101", 2)
    client.force_login(hovedstaden_coordinator)
    client.get(inbox())
    # session, user, memberships, grants, municipalities (filter), count, page, access event,
    # and the savepoint and its release around the page and its access event
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_num_queries(11) as few:
        client.get(inbox())
    world.referrals(tmp_path, kbh_caseworker, "101", 12, start=20)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(inbox())


def test_it_switches_language_back_to_the_inbox_after_a_refused_return(
    client, tmp_path, kbh_caseworker, hovedstaden_coordinator
):
    (referral,) = world.referrals(tmp_path, kbh_caseworker, "101", 1)
    client.force_login(hovedstaden_coordinator)
    refused = client.post(
        reverse("regions:referral-return", kwargs={"code": "1084", "pk": referral.pk}),
        {f"return-{referral.pk}-comment": ""},
        HTTP_REFERER=f"http://testserver{inbox()}?pathway=popup",
    )
    assert refused.status_code == 422
    # The switch leads back to the inbox, not to the address that only takes posts.
    assert refused.context["language_next"] == f"http://testserver{inbox()}?pathway=popup"
    assert client.get(inbox()).context["language_next"] == inbox()
