"""The demo world has today's home visits planned and published in each demo region."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from outreach import access
from outreach.demo import REGIONS
from outreach.models import User
from vaccinators.models import RouteList

pytestmark = pytest.mark.django_db


def test_each_demo_region_has_todays_route_lists_published_to_its_practices():
    call_command("load_demo")
    for code in REGIONS:
        published = RouteList.objects.filter(
            region__code=code, date=timezone.localdate(), status=RouteList.Status.PUBLISHED
        )
        assert published.exists(), code
        for route_list in published:
            stops = route_list.stops.select_related("referral")
            # Whole vials of Comirnaty: nothing wasted on the demo day.
            assert stops.count() % route_list.product.doses_per_vial == 0
            assert route_list.expected_waste == 0
            assert {stop.referral.status for stop in stops} == {"scheduled"}
            practice = route_list.vaccinator_organisation
            gp = User.objects.get(groups__role_group__vaccinator_organisation=practice)
            assert access.route_lists_visible_to(gp).filter(pk=route_list.pk).exists()
            others = User.objects.filter(
                groups__role_group__vaccinator_organisation__region__code=code
            )
            for other in others.exclude(pk=gp.pk):
                assert not access.route_lists_visible_to(other).filter(pk=route_list.pk).exists()


def test_a_second_load_plans_nothing_again():
    call_command("load_demo")
    lists = RouteList.objects.count()
    call_command("load_demo")
    assert RouteList.objects.count() == lists
