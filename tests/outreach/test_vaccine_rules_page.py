"""The vaccine rules page that every role reads, the national administrator's changes on it, and
what the coordinator then sees on the region's page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.models import AccessEvent, TargetGroup, VaccineProduct, VaccineRule
from outreach.vaccine_rules import Pathway
from regions.services import route_days, sessions
from tests.factories import UserFactory, fake_cpr
from tests.outreach.planned import planned_week
from tests.regions import world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

RULES = reverse("outreach:vaccine-rules")
CREATE = reverse("outreach:vaccine-rule-create")
PAUSE = "Sundhedsstyrelsen 11 March 2021: vaccination with AstraZeneca paused in Denmark."
CONFLICTS = "In conflict with the vaccine rules"


def end_url(rule: VaccineRule) -> str:
    return reverse("outreach:vaccine-rule-end", kwargs={"pk": rule.pk})


def region_url(code: str = "1084") -> str:
    return reverse("regions:region-detail", kwargs={"code": code})


def cell(page, product: str, pathway: str, group: int) -> str:
    """The matrix cell of a product on a pathway for a target group, as text."""
    html = page.content.decode()
    found = re.search(rf'<td id="verdict-{product}-{pathway}-{group}">(.*?)</td>', html, re.S)
    assert found, (product, pathway, group)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def ban_form(**changes) -> dict:
    """The add-a-rule form as the administrator fills it in: Comirnaty not for group 5 at
    pop-ups from today."""
    return {
        "product": VaccineProduct.objects.get(code="comirnaty").pk,
        "pathway": "popup",
        "target_group": "5",
        "allowed": "no",
        "valid_from": timezone.localdate().isoformat(),
        "valid_to": "",
        "source": "Sundhedsstyrelsen: Comirnaty not for group 5 at pop-ups",
        **changes,
    }


@pytest.fixture
def week(tmp_path, hovedstaden, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice):
    return planned_week(
        tmp_path,
        region=hovedstaden,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
    )


# Reading the rules --------------------------------------------------------------------------------


def test_it_shows_astrazeneca_paused_at_home_from_the_12th(client, hovedstaden_coordinator):
    client.force_login(hovedstaden_coordinator)

    on_the_5th = client.get(RULES, {"on": "2021-03-05"})
    assert on_the_5th.status_code == 200
    assert cell(on_the_5th, "astrazeneca", "home", 3).startswith(
        "Allowed Rule in force from 2021-03-05: Sundhedsstyrelsen, udvidet udkørende ordning"
    )
    assert cell(on_the_5th, "astrazeneca", "home", 5) == (
        "Not allowed Rule in force from 2021-03-05: Sundhedsstyrelsen, udvidet udkørende "
        "ordning (marts 2021): AstraZeneca is not used for target group 5."
    )

    on_the_12th = client.get(RULES, {"on": "2021-03-12"})
    assert cell(on_the_12th, "astrazeneca", "home", 3) == (
        f"Not allowed Rule in force from 2021-03-11: {PAUSE}"
    )
    assert "Where and for whom on 2021-03-12" in on_the_12th.content.decode()


def test_it_shows_moderna_only_at_pop_ups_and_sites(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    page = client.get(RULES, {"on": "2021-03-15"})
    for group in (2, 3, 5, 7, 8, 9):
        assert cell(page, "moderna", "home", group).startswith(
            "Not allowed Rule in force from 2021-03-05"
        )
        assert cell(page, "moderna", "popup", group).startswith("Allowed")
        assert cell(page, "moderna", "site", group).startswith("Allowed")
        assert cell(page, "comirnaty", "home", group).startswith("Allowed")


def test_it_shows_each_vaccines_facts(client, noerrebro_gp):
    client.force_login(noerrebro_gp)
    text = client.get(RULES).content.decode()
    assert "with low-dead-volume syringes" in text
    assert "1.8 ml diluent per vial" in text
    assert "Shortest 21 days, recommended 21, longest 42" in text
    assert "Shortest 28 days, recommended 84, longest 84" in text
    assert "6 h at up to 30 °C, or 48 h at 2-8 °C" in text
    assert "15 minutes; 30 after an earlier severe allergic reaction" in text
    assert "EMA, COVID-19 Vaccine Moderna SmPC" in text


def test_it_lists_every_rule_with_its_dates_source_and_who_added_it(client, administrator):
    services.vaccine_rule_end(
        rule=VaccineRule.objects.get(source=PAUSE, pathway="site"),
        user=administrator,
        valid_to=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(administrator)
    client.post(CREATE, ban_form())
    text = client.get(RULES).content.decode()
    assert text.count('<tr id="rule-') == VaccineRule.objects.count() == 16
    assert "Installed with the system" in text
    assert "Anders Friis" in text
    assert "Sundhedsstyrelsen: Comirnaty not for group 5 at pop-ups" in text
    assert (timezone.localdate() + timedelta(days=30)).isoformat() in text


def test_it_shows_the_rules_in_a_constant_number_of_queries(
    client, administrator, django_assert_num_queries
):
    for n in range(10):
        services.vaccine_rule_create(
            user=administrator,
            product=VaccineProduct.objects.get(code="moderna"),
            pathway=Pathway.SITE,
            target_group=TargetGroup.objects.get(number=[2, 3, 5, 7, 8, 9][n % 6]),
            allowed=True,
            valid_from=timezone.localdate(),
            valid_to=None,
            source=f"Decision {n}",
        )
    client.force_login(administrator)
    client.get(RULES)
    # session, user, memberships, grants; the rules in force and all rules; products and
    # target groups for the matrix and again for the form's choices
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_num_queries(11):
        page = client.get(RULES)
    assert page.content.decode().count('<tr id="rule-') == 25


def test_it_shows_today_and_explains_a_day_it_cannot_read(client, hovedstaden_coordinator):
    client.force_login(hovedstaden_coordinator)
    page = client.get(RULES, {"on": "next tuesday"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "Enter the day as a date, for example 2021-03-12." in text
    assert 'value="next tuesday"' in text
    assert f"Where and for whom on {timezone.localdate().isoformat()}" in text


def test_it_shows_the_rules_to_every_role_but_the_forms_to_the_administrator_only(
    client, kbh_caseworker, hovedstaden_coordinator, noerrebro_gp, administrator
):
    for user in (kbh_caseworker, hovedstaden_coordinator, noerrebro_gp):
        client.force_login(user)
        text = client.get(RULES).content.decode()
        assert "All rules" in text
        assert "Add a rule" not in text and "End the rule" not in text
    client.force_login(administrator)
    text = client.get(RULES).content.decode()
    assert "Add a rule" in text and "End the rule" in text


def test_it_refuses_someone_without_a_role(client, reference_data):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(RULES).status_code == 403


def test_it_links_the_rules_from_the_reference_data_and_the_region(
    client, administrator, hovedstaden_coordinator
):
    client.force_login(administrator)
    assert RULES in client.get(reverse("outreach:reference-data")).content.decode()
    client.force_login(hovedstaden_coordinator)
    assert RULES in client.get(region_url()).content.decode()


# Changing the rules -------------------------------------------------------------------------------


def test_it_lets_the_administrator_add_a_rule_and_says_what_is_now_in_conflict(
    client, week, administrator
):
    client.force_login(administrator)
    response = client.post(CREATE, ban_form())
    assert response.status_code == 302
    assert response["Location"] == RULES
    rule = VaccineRule.objects.get(created_by=administrator)
    assert (rule.product.code, rule.pathway, rule.target_group_id) == ("comirnaty", "popup", 5)
    assert (rule.allowed, rule.valid_from, rule.valid_to) == (False, timezone.localdate(), None)
    page = client.get(RULES)
    assert (
        "The rule is added. 1 planned item is now in conflict with the rules; the coordinators "
        "see it on their region&#x27;s page." in page.content.decode()
    )
    assert set(week.flagged()) == {"group_5_booking"}


def test_it_lets_the_administrator_end_a_rule_and_clears_the_conflict(client, week, administrator):
    client.force_login(administrator)
    client.post(CREATE, ban_form())
    rule = VaccineRule.objects.get(created_by=administrator)
    today = timezone.localdate().isoformat()

    response = client.post(end_url(rule), {f"end-{rule.pk}-valid_to": today}, follow=True)
    assert response.redirect_chain == [(RULES, 302)]
    assert (
        "The rule is ended. No planned item is in conflict with the rules."
        in response.content.decode()
    )
    rule.refresh_from_db()
    assert rule.valid_to == timezone.localdate()
    assert week.flagged() == {}


def test_it_refuses_the_coordinator_a_change_to_the_rules(
    client, week, hovedstaden_coordinator, noerrebro_gp
):
    pause = VaccineRule.objects.get(source=PAUSE, pathway="home")
    for user in (hovedstaden_coordinator, noerrebro_gp):
        client.force_login(user)
        assert client.post(CREATE, ban_form()).status_code == 403
        ended = client.post(end_url(pause), {f"end-{pause.pk}-valid_to": "2021-03-24"})
        assert ended.status_code == 403
    pause.refresh_from_db()
    assert pause.valid_to is None
    assert not VaccineRule.objects.filter(created_by__isnull=False).exists()
    assert week.flagged() == {}


def test_it_keeps_what_the_administrator_typed_when_the_rule_is_refused(client, administrator):
    client.force_login(administrator)
    page = client.post(CREATE, ban_form(source="", valid_from="2026-13-01"))
    assert page.status_code == 422
    text = page.content.decode()
    assert "There is a problem" in text
    assert 'value="2026-13-01"' in text
    assert '<option value="5" selected>' in text
    assert '<option value="no" selected>' in text

    backwards = ban_form(valid_from="2021-04-01", valid_to="2021-03-31", source="SST, 1 April")
    page = client.post(CREATE, backwards)
    assert page.status_code == 422
    text = page.content.decode()
    assert "The last day cannot be before the first." in text
    assert "SST, 1 April</textarea>" in text
    assert 'value="2021-03-31"' in text
    assert not VaccineRule.objects.filter(created_by=administrator).exists()


def test_it_explains_an_end_before_the_rule_starts(client, administrator):
    pause = VaccineRule.objects.get(source=PAUSE, pathway="home")
    client.force_login(administrator)
    page = client.post(end_url(pause), {f"end-{pause.pk}-valid_to": "2021-03-01"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "A rule cannot end before it starts (2021-03-11)." in text
    assert 'value="2021-03-01"' in text
    assert re.search(rf'<tr id="rule-{pause.pk}">.*?<details class="details" open>', text, re.S)
    pause.refresh_from_db()
    assert pause.valid_to is None


def test_it_answers_404_for_a_rule_that_does_not_exist(client, administrator):
    client.force_login(administrator)
    missing = VaccineRule(pk=VaccineRule.objects.order_by("pk").last().pk + 1)
    assert client.post(end_url(missing), {}).status_code == 404


# The coordinator's page ---------------------------------------------------------------------------


def test_it_shows_the_coordinator_the_booking_in_conflict_and_logs_the_list(
    client, week, administrator, hovedstaden_coordinator
):
    services.vaccine_rule_create(
        user=administrator,
        product=VaccineProduct.objects.get(code="comirnaty"),
        pathway=Pathway.POPUP,
        target_group=TargetGroup.objects.get(number=5),
        allowed=False,
        valid_from=timezone.localdate(),
        valid_to=None,
        source="SST: not for group 5",
    )
    client.force_login(hovedstaden_coordinator)
    page = client.get(region_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert CONFLICTS in text
    booking = week.group_5_booking
    row = re.search(rf'<tr id="conflicting-booking-{booking.pk}">(.*?)</tr>', text, re.S).group(1)
    assert booking.citizen.name in row
    assert booking.citizen.masked_cpr in row
    # The reason was stored in Danish, the language every coordinator shares.
    assert f"Ikke tilladt fra {timezone.localdate().isoformat()}: SST: not for group 5" in row
    assert fake_cpr(1) not in text
    assert text.count('<tr id="conflicting-') == 1  # the booking only
    assert "Municipalities" in text and "Vaccinators" in text  # the rest of the page stays
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.detail) == (hovedstaden_coordinator, "list", "1")
    assert (event.organisation_kind, event.organisation_code) == ("region", "1084")


def test_it_hides_the_section_when_nothing_is_in_conflict(client, week, hovedstaden_coordinator):
    client.force_login(hovedstaden_coordinator)
    text = client.get(region_url()).content.decode()
    assert CONFLICTS not in text
    assert not AccessEvent.objects.exists()


def test_it_shows_another_regions_conflicts_to_no_one_there(
    client, week, administrator, midtjylland_coordinator
):
    services.vaccine_rule_create(
        user=administrator,
        product=VaccineProduct.objects.get(code="comirnaty"),
        pathway=Pathway.HOME,
        target_group=None,
        allowed=False,
        valid_from=timezone.localdate(),
        valid_to=None,
        source="SST: home paused",
    )
    assert set(week.flagged()) == {"route_day"}
    client.force_login(midtjylland_coordinator)
    assert client.get(region_url("1084")).status_code == 404
    own = client.get(region_url("1082"))
    assert own.status_code == 200
    assert CONFLICTS not in own.content.decode()
    assert not AccessEvent.objects.exists()


def test_it_shows_the_conflicts_in_the_same_number_of_queries_however_many(
    client,
    tmp_path,
    hovedstaden,
    kbh_caseworker,
    hovedstaden_coordinator,
    noerrebro_practice,
    administrator,
    django_assert_num_queries,
):
    hall = world.site(hovedstaden)
    planned = [world.session(hovedstaden, at=hall, day=world.next_week(7 + i)) for i in range(3)]
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", 6, group=3, accepted=True)
    for i, referral in enumerate(referrals):
        sessions.session_book(
            session=planned[i % 3], referral=referral, user=hovedstaden_coordinator
        )
    days = [world.route_day(noerrebro_practice, day=world.next_week(7 + i)) for i in range(3)]
    for pathway in (Pathway.POPUP, Pathway.HOME):
        services.vaccine_rule_create(
            user=administrator,
            product=VaccineProduct.objects.get(code="comirnaty"),
            pathway=pathway,
            target_group=None,
            allowed=False,
            valid_from=timezone.localdate(),
            valid_to=None,
            source="SST: Comirnaty paused",
        )
    client.force_login(hovedstaden_coordinator)
    client.get(region_url())  # the session and the user are loaded once per client

    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_num_queries(13):
        many = client.get(region_url()).content.decode()
    assert many.count('<tr id="conflicting-') == 3 + 6 + 3

    for session in planned[1:]:
        sessions.session_cancel(session=session, user=hovedstaden_coordinator)
    for day in days[1:]:
        route_days.route_day_cancel(route_day=day, user=hovedstaden_coordinator)
    with CaptureQueriesContext(connection) as few_queries:
        few = client.get(region_url()).content.decode()
    assert few.count('<tr id="conflicting-') == 1 + 2 + 1
    assert len(few_queries) == 13  # the same as with many
