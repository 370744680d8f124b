"""Kasper publishes the reviewed routes: the vials and consumables go from the store to the route
day, Lise's practice (and only hers) sees its list, and the citizens are scheduled at their planned
arrival. When something is wrong (too little stock, a referral returned meanwhile) nothing changes
and he is told why. A rule changed after publishing flags the stops it no longer allows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Referral
from municipalities.services import cases
from outreach import access
from outreach import services as outreach_services
from outreach.models import TargetGroup, VaccineProduct, VaccineRule
from regions.models import StockBalance, StockMovement
from regions.services import stock
from tests.regions import world
from tests.vaccinators.planning import home_pool, oesterbro_practice, planned, run_for
from vaccinators.models import RouteList, RouteListGroupObjectPermission
from vaccinators.services import publishing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The pages in English, the language of the source strings the tests look for."""


@pytest.fixture
def kasper(hovedstaden_coordinator):
    return hovedstaden_coordinator


@pytest.fixture
def lise(noerrebro_gp):
    return noerrebro_gp


def publish_url(run):
    return reverse("planning:run-publish", kwargs={"code": "1084", "pk": run.pk})


def run_url(run):
    return reverse("planning:run-detail", kwargs={"code": "1084", "pk": run.pk})


def balances() -> list[tuple]:
    return sorted(
        StockBalance.objects.values_list(
            "holder__route_day", "batch__lot_number", "consumable", "quantity"
        ),
        key=repr,
    )


def noerrebro_run(tmp_path, kasper, caseworker, region, practice, citizens=6, **kwargs):
    home_pool(tmp_path, caseworker, citizens, **kwargs)
    run = planned(run_for(region=region, coordinator=kasper, practices=[practice]))
    return run, RouteList.objects.get(planning_run=run)


def test_publishing_allocates_the_vials_grants_the_practice_and_schedules_the_citizens(
    client, kasper, lise, viby_gp, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice,
):  # fmt: skip
    world.stocked(hovedstaden, kasper, vials=10)
    run, route_list = noerrebro_run(
        tmp_path, kasper, kbh_caseworker, hovedstaden, noerrebro_practice
    )
    stops = list(route_list.stops.order_by("position"))
    assert stops and route_list.vials >= 1
    # A draft is the coordinator's: no vaccinator sees it.
    assert not access.route_lists_visible_to(lise).exists()
    assert access.route_lists_visible_to(kasper).filter(pk=route_list.pk).exists()

    client.force_login(kasper)
    response = client.post(publish_url(run), {"route_list": route_list.pk})
    assert response.status_code == 302
    assert "1 route list is published" in client.get(response["Location"]).text
    route_list.refresh_from_db()
    assert (route_list.status, route_list.published_by) == ("published", kasper)
    run.refresh_from_db()
    assert run.status == "published"

    # The vials went from the store to the route day, first expiry first, with consumables.
    held = StockBalance.objects.get(holder__route_day=route_list.route_day, batch__isnull=False)
    assert held.quantity == route_list.vials * 6
    in_store = StockBalance.objects.get(
        holder__route_day=None, holder__session=None, batch__isnull=False
    )
    assert in_store.quantity == (10 - route_list.vials) * 6
    kit = StockBalance.objects.get(
        holder__route_day=route_list.route_day, consumable="anaphylaxis_kit"
    )
    assert kit.quantity == 1
    assert StockMovement.objects.filter(kind="allocation", batch__isnull=False).count() == 1

    # Lise's practice sees the list; the Viby practice does not.
    assert list(access.route_lists_visible_to(lise)) == [route_list]
    assert not access.route_lists_visible_to(viby_gp).exists()
    grant = RouteListGroupObjectPermission.objects.get(content_object=route_list)
    assert grant.group.role_group.vaccinator_organisation == noerrebro_practice
    assert grant.permission.codename == "view_routelist"

    # Every citizen on it is scheduled at the planned arrival, and out of the pool.
    for stop in stops:
        referral = Referral.objects.get(pk=stop.referral_id)
        assert (referral.status, referral.scheduled_for) == ("scheduled", stop.planned_arrival)


def test_publishing_with_too_little_stock_changes_nothing(
    client, kasper, lise, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice
):
    world.stocked(hovedstaden, kasper, vials=2)
    run, route_list = noerrebro_run(
        tmp_path, kasper, kbh_caseworker, hovedstaden, noerrebro_practice, citizens=12
    )
    assert route_list.vials == 2
    # Someone takes a vial for another day meanwhile.
    other_day = world.route_day(oesterbro_practice(hovedstaden), day=world.next_week(3))
    stock.stock_allocate(place=other_day, user=kasper, vials=1)
    before = balances()
    client.force_login(kasper)
    response = client.post(publish_url(run))
    page = client.get(response["Location"]).text
    assert "Not enough Comirnaty" in page and "Nothing was changed." in page
    assert balances() == before
    route_list.refresh_from_db()
    assert route_list.status == "draft"
    assert not RouteListGroupObjectPermission.objects.exists()
    assert not access.route_lists_visible_to(lise).exists()
    assert set(Referral.objects.values_list("status", flat=True)) == {"accepted"}


def test_publishing_refuses_a_route_with_a_referral_returned_meanwhile(
    kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice
):
    world.stocked(hovedstaden, kasper, vials=10)
    _run, route_list = noerrebro_run(
        tmp_path, kasper, kbh_caseworker, hovedstaden, noerrebro_practice
    )
    returned = route_list.stops.order_by("position").first()
    cases.referral_return(referral=returned.referral, comment="Indlagt på hospitalet")
    before = balances()
    with pytest.raises(ValidationError) as refused:
        publishing.route_list_publish(route_list=route_list, user=kasper)
    assert returned.citizen.name in str(refused.value)
    assert "No longer waiting for a home visit" in str(refused.value)
    assert balances() == before
    assert RouteList.objects.get(pk=route_list.pk).status == "draft"
    assert Referral.objects.filter(status="scheduled").count() == 0


def test_publishing_one_draft_of_a_day_discards_the_others(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice
):
    world.stocked(hovedstaden, kasper, vials=10)
    home_pool(tmp_path, kbh_caseworker, 6)
    first = planned(run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice]))
    second = planned(
        run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice])
    )
    kept = RouteList.objects.get(planning_run=first)
    other = RouteList.objects.get(planning_run=second)
    assert kept.route_day_id == other.route_day_id
    publishing.route_list_publish(route_list=kept, user=kasper)
    other.refresh_from_db()
    assert other.status == "discarded"
    with pytest.raises(ValidationError) as refused:
        publishing.route_list_publish(route_list=other, user=kasper)
    assert "Only a draft can be published" in str(refused.value)
    # The day is taken: a new run for it is refused too.
    with pytest.raises(ValidationError) as refused:
        run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice])
    assert "already published" in str(refused.value)


def test_publishing_every_route_is_all_or_nothing(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice
):
    world.stocked(hovedstaden, kasper, vials=10)
    oesterbro = oesterbro_practice(hovedstaden)
    home_pool(tmp_path, kbh_caseworker, 24)
    run = planned(
        run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice, oesterbro])
    )
    with_stops = RouteList.objects.filter(planning_run=run, stops__isnull=False).distinct()
    assert with_stops.exists()
    last = with_stops.order_by("-pk").first().stops.order_by("-position").first()
    cases.referral_return(referral=last.referral, comment="Flyttet")
    client.force_login(kasper)
    client.post(publish_url(run))
    assert not RouteList.objects.filter(status="published").exists()
    assert Referral.objects.filter(status="scheduled").count() == 0
    client.post(
        reverse("planning:stop-move", kwargs={"code": "1084", "pk": run.pk, "stop_pk": last.pk}),
        {"to": "pool"},
    )
    client.post(publish_url(run))
    assert set(RouteList.objects.filter(planning_run=run).values_list("status", flat=True)) <= {
        "published",
        "discarded",
    }
    run.refresh_from_db()
    assert run.status == "published"


def test_a_rule_change_after_publishing_flags_the_stops_it_no_longer_allows(
    client, kasper, administrator, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice
):
    world.stocked(hovedstaden, kasper, vials=10)
    home_pool(tmp_path, kbh_caseworker, 3, group=3)
    home_pool(tmp_path, kbh_caseworker, 3, group=5, start=3)
    run = planned(run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice]))
    route_list = RouteList.objects.get(planning_run=run)
    publishing.route_list_publish(route_list=route_list, user=kasper)
    groups = {
        stop.pk: stop.citizen.target_group_id for stop in route_list.stops.select_related("citizen")
    }
    assert set(groups.values()) == {3, 5}

    comirnaty = VaccineProduct.objects.get(code="comirnaty")
    rule, conflicts = outreach_services.vaccine_rule_create(
        user=administrator,
        product=comirnaty,
        pathway=VaccineRule.Pathway.HOME,
        target_group=TargetGroup.objects.get(number=5),
        allowed=False,
        valid_from=timezone.localdate(),
        valid_to=None,
        source="SST: Comirnaty paused at home for target group 5",
    )
    group_5 = [pk for pk, group in groups.items() if group == 5]
    assert conflicts["vaccinators"] == len(group_5)
    flagged = dict(route_list.stops.values_list("pk", "rule_conflict"))
    for pk, group in groups.items():
        assert ("paused at home for target group 5" in flagged[pk]) == (group == 5)
    route_list.refresh_from_db()
    # Stored in the product's default language, so every coordinator reads the same text.
    assert route_list.rule_conflict.startswith(f"Ved {len(group_5)} stop må borgerne ikke længere")

    client.force_login(kasper)
    review = client.get(run_url(run)).text
    assert "In conflict with the rules:" in review
    listing = client.get(reverse("planning:run-list", kwargs={"code": "1084"})).text
    assert "Published route lists in conflict with the vaccine rules" in listing

    # The rule ends today: the list's day is allowed again, and the flags go.
    _rule, conflicts = outreach_services.vaccine_rule_end(
        rule=rule, user=administrator, valid_to=timezone.localdate()
    )
    assert conflicts["vaccinators"] == 0
    assert set(route_list.stops.values_list("rule_conflict", flat=True)) == {""}
    route_list.refresh_from_db()
    assert route_list.rule_conflict == ""
