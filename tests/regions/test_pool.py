"""Kasper's home-visit pool: who waits for a vaccinator at home on a day, with the vaccines the
rules allow each of them. AstraZeneca is never offered to target group 5; a second dose only with
the vaccine of the first and not before its day; returned and scheduled referrals do not wait."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Referral
from municipalities.services import cases
from outreach import services as outreach_services
from outreach.models import AccessEvent, VaccineProduct, VaccineRule
from regions.selectors.pool import home_visit_pool, priority_of
from tests.regions import world
from tests.vaccinators.planning import home_pool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The pages in English, the language of the source strings the tests look for."""


@pytest.fixture
def kasper(hovedstaden_coordinator):
    return hovedstaden_coordinator


def product(code: str) -> VaccineProduct:
    return VaccineProduct.objects.get(code=code)


def names(entries) -> list[str]:
    return sorted(entry.citizen.name for entry in entries)


def lift_the_astrazeneca_pause(administrator) -> None:
    """End the 11 March 2021 pause of AstraZeneca at home: it is then allowed at home again,
    except for target group 5."""
    pause = VaccineRule.objects.get(
        product__code="astrazeneca", pathway="home", target_group=None, allowed=False
    )
    outreach_services.vaccine_rule_end(
        rule=pause, user=administrator, valid_to=timezone.localdate() - timedelta(days=1)
    )


def test_it_pools_the_accepted_home_referrals_with_the_vaccines_allowed_at_home(
    tmp_path, kbh_caseworker, hovedstaden
):
    home_pool(tmp_path, kbh_caseworker, 2)
    world.referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home", start=10)  # not accepted
    world.referrals(tmp_path, kbh_caseworker, "101", 1, start=20, accepted=True)  # pop-up
    entries = home_visit_pool(hovedstaden, world.next_week())
    assert names(entries) == ["Borger 0", "Borger 1"]
    # Moderna may not travel once opened; AstraZeneca is paused from 11 March 2021.
    assert [[p.code for p in entry.products] for entry in entries] == [["comirnaty"]] * 2
    assert {entry.dose for entry in entries} == {1}


def test_it_never_offers_astrazeneca_to_target_group_5(
    tmp_path, kbh_caseworker, hovedstaden, administrator
):
    home_pool(tmp_path, kbh_caseworker, 1, group=3)
    home_pool(tmp_path, kbh_caseworker, 1, group=5, start=1)
    day = world.next_week()
    assert home_visit_pool(hovedstaden, day, product("astrazeneca")) == []  # paused for all
    lift_the_astrazeneca_pause(administrator)
    by_name = {e.citizen.name: e for e in home_visit_pool(hovedstaden, day)}
    assert {p.code for p in by_name["Borger 0"].products} == {"astrazeneca", "comirnaty"}
    assert [p.code for p in by_name["Borger 1"].products] == ["comirnaty"]
    assert names(home_visit_pool(hovedstaden, day, product("astrazeneca"))) == ["Borger 0"]
    assert names(home_visit_pool(hovedstaden, day, product("comirnaty"))) == [
        "Borger 0",
        "Borger 1",
    ]


def test_it_gives_dose_2_only_with_the_dose_1_vaccine_and_not_before_its_day(
    tmp_path, kbh_caseworker, hovedstaden, administrator
):
    lift_the_astrazeneca_pause(administrator)
    first, second = home_pool(tmp_path, kbh_caseworker, 2)
    day = world.next_week()
    Referral.objects.filter(pk=second.pk).update(
        dose=2,
        product=product("astrazeneca"),
        not_before=day + timedelta(days=2),
        due_on=day + timedelta(days=10),
    )
    assert names(home_visit_pool(hovedstaden, day)) == ["Borger 0"]
    assert names(home_visit_pool(hovedstaden, day + timedelta(days=1))) == ["Borger 0"]
    on_the_day = {e.citizen.name: e for e in home_visit_pool(hovedstaden, day + timedelta(days=2))}
    assert [p.code for p in on_the_day["Borger 1"].products] == ["astrazeneca"]
    assert on_the_day["Borger 1"].dose == 2
    assert on_the_day["Borger 1"].due_on == day + timedelta(days=10)
    # Comirnaty is allowed at home for the group, but not for a second dose after AstraZeneca.
    later = day + timedelta(days=2)
    assert names(home_visit_pool(hovedstaden, later, product("comirnaty"))) == ["Borger 0"]
    assert first.pk in {e.referral.pk for e in home_visit_pool(hovedstaden, later)}


def test_it_leaves_out_returned_scheduled_and_other_regions_referrals(
    tmp_path, kbh_caseworker, aarhus_caseworker, hovedstaden
):
    returned, scheduled, waiting = home_pool(tmp_path, kbh_caseworker, 3)
    home_pool(tmp_path, aarhus_caseworker, 1, code="751", start=50)  # Midtjylland's
    cases.referral_return(referral=returned, comment="Flyttet til plejehjem")
    cases.referral_schedule(referral=scheduled, scheduled_for=timezone.now() + timedelta(days=3))
    assert [e.referral.pk for e in home_visit_pool(hovedstaden, world.next_week())] == [waiting.pk]


def test_it_puts_a_dose_2_falling_due_before_those_waiting_for_dose_1(
    tmp_path, kbh_caseworker, hovedstaden
):
    day = world.next_week()
    group_2 = home_pool(tmp_path, kbh_caseworker, 1, group=2)[0]
    group_9 = home_pool(tmp_path, kbh_caseworker, 1, group=9, start=1)[0]
    Referral.objects.filter(pk=group_9.pk).update(
        dose=2, product=product("comirnaty"), not_before=day - timedelta(days=20), due_on=day
    )
    assert [e.referral.pk for e in home_visit_pool(hovedstaden, day)] == [group_9.pk, group_2.pk]
    assert priority_of(target_group=2, days_waiting=7, dose=1, due_on=None, day=day) == 47
    assert priority_of(target_group=9, days_waiting=7, dose=2, due_on=day, day=day) == 57
    assert priority_of(target_group=2, days_waiting=400, dose=2, due_on=day, day=day) == 100


def pool_url(code="1084"):
    return reverse("regions:pool", kwargs={"code": code})


def test_the_pool_page_counts_per_vaccine_and_dose_and_lists_masked_cprs(
    client, kasper, tmp_path, kbh_caseworker
):
    referrals = home_pool(tmp_path, kbh_caseworker, 3)
    Referral.objects.filter(pk=referrals[0].pk).update(
        dose=2, product=product("comirnaty"), due_on=world.next_week(3)
    )
    client.force_login(kasper)
    response = client.get(pool_url(), {"day": world.next_week().isoformat()})
    assert response.status_code == 200
    counts = response.context["counts"]
    assert [(c.product.code, c.dose_1, c.dose_2) for c in counts] == [("comirnaty", 2, 1)]
    page = response.text
    masked = referrals[1].citizen.masked_cpr
    assert masked in page and masked.endswith("-XXXX")
    assert '<td data-title="Postcode">2100</td>' in page  # Borger 1 lives in 2100
    assert "Borger 1" not in page  # the pool lists no names
    event = AccessEvent.objects.get(user=kasper)
    assert (event.action, event.organisation_code, event.detail) == ("list", "1084", "3")


def test_the_pool_page_reads_the_same_queries_for_many_citizens(
    client, kasper, tmp_path, kbh_caseworker
):
    home_pool(tmp_path, kbh_caseworker, 2)
    client.force_login(kasper)
    client.get(pool_url())
    with CaptureQueriesContext(connection) as few:
        client.get(pool_url())
    home_pool(tmp_path, kbh_caseworker, 10, start=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(pool_url())
    assert len(response.context["page"].object_list) == 12
    assert len(many) == len(few)


def test_another_regions_coordinator_and_a_gp_get_404(
    client, midtjylland_coordinator, noerrebro_gp
):
    for user in (midtjylland_coordinator, noerrebro_gp):
        client.force_login(user)
        assert client.get(pool_url()).status_code == 404
