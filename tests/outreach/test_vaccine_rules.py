"""The vaccine rules read as one book per day, and what a changed rule does to what is planned.

The facts are those the system was installed with (March 2021): Comirnaty and Moderna at pop-ups,
Comirnaty and AstraZeneca at home, never Moderna at home, never AstraZeneca for target group 5,
and AstraZeneca paused from 11 March 2021 without an end.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach import services
from outreach.models import TargetGroup, VaccineProduct, VaccineRule
from outreach.vaccine_rules import Pathway, RuleBook, rule_book
from regions.services import route_days, sessions
from tests.outreach.planned import planned_week
from tests.regions import world

pytestmark = pytest.mark.django_db

OUTREACH_GROUPS = (2, 3, 5, 7, 8, 9)
PAUSE = "Sundhedsstyrelsen 11 March 2021: vaccination with AstraZeneca paused in Denmark."


def product(code: str) -> VaccineProduct:
    return VaccineProduct.objects.get(code=code)


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def all_rules(reference_data) -> list[VaccineRule]:
    """Every rule, loaded once: a day's book is then built without a query."""
    return list(VaccineRule.objects.all())


# The book -----------------------------------------------------------------------------------------


def test_it_allows_astrazeneca_at_home_for_group_3_on_the_5th_and_not_on_the_12th(reference_data):
    astrazeneca = product("astrazeneca")
    on_the_5th = rule_book(date(2021, 3, 5)).verdict(astrazeneca, Pathway.HOME, 3)
    on_the_12th = rule_book(date(2021, 3, 12)).verdict(astrazeneca, Pathway.HOME, 3)

    assert on_the_5th.allowed
    assert on_the_5th.rule.valid_from == date(2021, 3, 5)
    assert not on_the_12th.allowed
    assert on_the_12th.reason == f"Not allowed from 2021-03-11: {PAUSE}"


def test_it_has_the_pause_in_force_on_the_12th_and_not_on_the_5th(reference_data):
    in_force_on_5th = {rule.pk for rule in rule_book(date(2021, 3, 5)).rules}
    in_force_on_12th = {rule.pk for rule in rule_book(date(2021, 3, 12)).rules}
    pause = set(VaccineRule.objects.filter(source=PAUSE).values_list("pk", flat=True))

    assert len(pause) == 3  # home, pop-up and site
    assert in_force_on_12th - in_force_on_5th == pause
    assert in_force_on_5th <= in_force_on_12th  # nothing else changed in between


def test_it_never_gives_astrazeneca_to_group_5(all_rules):
    astrazeneca = product("astrazeneca")
    for day in days(date(2021, 3, 5), timezone.localdate()):
        book = RuleBook(day, all_rules)
        for pathway in Pathway.values:
            assert not book.allows(astrazeneca, pathway, 5), (day, pathway)


def test_it_never_uses_moderna_for_home_vaccination(all_rules):
    moderna = product("moderna")
    for day in days(date(2020, 12, 27), timezone.localdate()):
        book = RuleBook(day, all_rules)
        for group in (None, *OUTREACH_GROUPS):
            assert not book.allows(moderna, Pathway.HOME, group), (day, group)


def test_it_allows_comirnaty_at_home_from_the_5th_of_march_2021(all_rules):
    comirnaty = product("comirnaty")
    before = RuleBook(date(2021, 3, 4), all_rules).verdict(comirnaty, Pathway.HOME, 3)
    assert not before.allowed
    assert before.reason == "No rule allows this product on this pathway."
    for day in days(date(2021, 3, 5), timezone.localdate()):
        book = RuleBook(day, all_rules)
        for group in (None, *OUTREACH_GROUPS):
            assert book.allows(comirnaty, Pathway.HOME, group), (day, group)


def test_it_lets_a_ban_win_over_a_newer_permission_for_one_group(reference_data, administrator):
    """The pause has no target group and is older; a permission for group 3 does not lift it."""
    today = timezone.localdate()
    services.vaccine_rule_create(
        user=administrator,
        product=product("astrazeneca"),
        pathway=Pathway.HOME,
        target_group=TargetGroup.objects.get(number=3),
        allowed=True,
        valid_from=today,
        valid_to=None,
        source="A permission for group 3 only",
    )
    verdict = rule_book(today).verdict(product("astrazeneca"), Pathway.HOME, 3)
    assert not verdict.allowed
    assert verdict.rule.source == PAUSE


# The rule services --------------------------------------------------------------------------------


def test_it_refuses_a_rule_without_a_source_or_ending_before_it_starts(
    reference_data, administrator
):
    today = timezone.localdate()
    rule = {
        "user": administrator,
        "product": product("comirnaty"),
        "pathway": Pathway.POPUP,
        "target_group": None,
        "allowed": False,
        "valid_from": today,
    }
    with pytest.raises(ValidationError) as no_source:
        services.vaccine_rule_create(**rule, valid_to=None, source="  ")
    assert "source" in no_source.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        services.vaccine_rule_create(**rule, valid_to=today - timedelta(days=1), source="SST")
    assert backwards.value.message_dict["valid_to"] == ["The last day cannot be before the first."]
    assert not VaccineRule.objects.filter(created_by=administrator).exists()


def test_it_ends_a_rule_only_between_its_start_and_its_end(reference_data, administrator):
    pause = VaccineRule.objects.get(source=PAUSE, pathway=Pathway.HOME)
    with pytest.raises(ValidationError) as too_early:
        services.vaccine_rule_end(rule=pause, user=administrator, valid_to=date(2021, 3, 10))
    assert too_early.value.message_dict["valid_to"] == [
        "A rule cannot end before it starts (2021-03-11)."
    ]
    services.vaccine_rule_end(rule=pause, user=administrator, valid_to=date(2021, 3, 24))
    with pytest.raises(ValidationError) as later:
        services.vaccine_rule_end(rule=pause, user=administrator, valid_to=date(2021, 3, 30))
    assert later.value.message_dict["valid_to"] == ["The rule already ends on 2021-03-24."]
    pause.refresh_from_db()
    assert pause.valid_to == date(2021, 3, 24)


# What is planned ----------------------------------------------------------------------------------


@pytest.fixture
def week(tmp_path, hovedstaden, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice):
    return planned_week(
        tmp_path,
        region=hovedstaden,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
    )


def ban(administrator, code: str, pathway: str, *, group=None, valid_from=None, source: str):
    return services.vaccine_rule_create(
        user=administrator,
        product=product(code),
        pathway=pathway,
        target_group=TargetGroup.objects.get(number=group) if group else None,
        allowed=False,
        valid_from=valid_from or timezone.localdate(),
        valid_to=None,
        source=source,
    )


def test_it_starts_the_week_with_nothing_in_conflict(week):
    assert week.flagged() == {}


def test_it_flags_exactly_the_group_5_booking_when_comirnaty_is_banned_for_group_5(
    week, administrator
):
    today = timezone.localdate()
    _rule, conflicts = ban(
        administrator, "comirnaty", Pathway.POPUP, group=5, source="SST: not for group 5"
    )
    assert conflicts["regions"] == 1
    # Stored in the product's default language (Danish): every coordinator reads the same text.
    assert week.flagged() == {
        "group_5_booking": f"Ikke tilladt fra {today.isoformat()}: SST: not for group 5"
    }


def test_it_clears_the_flag_when_the_ban_ends_before_the_planned_day(week, administrator):
    rule, _conflicts = ban(
        administrator, "comirnaty", Pathway.POPUP, group=5, source="SST: not for group 5"
    )
    _rule, conflicts = services.vaccine_rule_end(
        rule=rule, user=administrator, valid_to=timezone.localdate()
    )
    assert conflicts["regions"] == 0
    assert week.flagged() == {}


def test_it_flags_only_the_route_day_when_comirnaty_is_banned_at_home(week, administrator):
    from_day = timezone.localdate() + timedelta(days=3)
    _rule, conflicts = ban(
        administrator, "comirnaty", Pathway.HOME, valid_from=from_day, source="SST: home paused"
    )
    assert conflicts["regions"] == 1
    assert week.flagged() == {
        "route_day": f"Ikke tilladt fra {from_day.isoformat()}: SST: home paused"
    }


def test_it_leaves_what_is_planned_before_a_ban_starts_alone(week, administrator):
    after_the_week = timezone.localdate() + timedelta(days=8)
    _rule, conflicts = ban(
        administrator, "comirnaty", Pathway.HOME, valid_from=after_the_week, source="Later"
    )
    assert conflicts["regions"] == 0
    assert week.flagged() == {}


def test_it_flags_a_session_and_its_bookings_when_its_vaccine_is_banned_at_pop_ups(
    week, administrator
):
    ban(administrator, "moderna", Pathway.POPUP, source="SST: Moderna paused")
    assert set(week.flagged()) == {"moderna_session", "moderna_group_5_booking"}


def test_it_refuses_a_group_5_citizen_a_session_whose_vaccine_is_banned_for_the_group(
    tmp_path, week, administrator, kbh_caseworker, hovedstaden_coordinator
):
    ban(administrator, "comirnaty", Pathway.POPUP, group=5, source="SST: not for group 5")
    referral = world.referrals(tmp_path, kbh_caseworker, "101", 1, group=5, start=3, accepted=True)
    with pytest.raises(ValidationError) as refused:
        sessions.session_book(
            session=week.comirnaty_session, referral=referral[0], user=hovedstaden_coordinator
        )
    today = timezone.localdate().isoformat()
    assert refused.value.messages == [
        "Comirnaty (BioNTech/Pfizer) may not be given to this citizen (target group 5). "
        f"Not allowed from {today}: SST: not for group 5"
    ]


def test_it_refuses_an_astrazeneca_session_or_route_day_while_the_pause_lasts(
    hovedstaden, noerrebro_practice
):
    day = world.next_week()
    with pytest.raises(ValidationError) as session:
        world.session(hovedstaden, product="astrazeneca", day=day)
    assert session.value.message_dict["product"] == [
        f"COVID-19 Vaccine AstraZeneca may not be used at a pop-up on {day.isoformat()}. "
        f"Not allowed from 2021-03-11: {PAUSE}"
    ]
    with pytest.raises(ValidationError) as route_day:
        world.route_day(noerrebro_practice, product="astrazeneca", day=day)
    assert route_day.value.message_dict["product"] == [
        f"COVID-19 Vaccine AstraZeneca may not be used for home vaccination on "
        f"{day.isoformat()}. Not allowed from 2021-03-11: {PAUSE}"
    ]


def test_it_does_not_flag_what_was_cancelled(week, administrator, hovedstaden_coordinator):
    sessions.session_cancel(session=week.comirnaty_session, user=hovedstaden_coordinator)
    route_days.route_day_cancel(route_day=week.route_day, user=hovedstaden_coordinator)
    ban(administrator, "comirnaty", Pathway.POPUP, source="SST: paused")
    _rule, conflicts = ban(administrator, "comirnaty", Pathway.HOME, source="SST: paused")
    assert conflicts["regions"] == 0
    assert week.flagged() == {}
