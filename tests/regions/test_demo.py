"""The demo world gives each demo region something to look at on every regional screen."""

import pytest
from django.core.management import call_command

from municipalities.models import Referral
from outreach.demo import REGIONS
from regions.models import PopupSession, PopupSite, RouteDay, StaffAssignment, StockMovement
from regions.selectors.sessions import active_bookings

pytestmark = pytest.mark.django_db


def test_it_gives_each_demo_region_sites_sessions_stock_and_referrals_in_every_state():
    call_command("load_demo")
    for code in REGIONS:
        assert PopupSite.objects.filter(region__code=code).count() == 2
        sessions = PopupSession.objects.filter(region__code=code)
        assert {s.product.code for s in sessions} == {"comirnaty", "moderna"}
        assert sum(active_bookings(s).count() for s in sessions) >= 1
        assert RouteDay.objects.filter(region__code=code).exists()
        assert StaffAssignment.objects.filter(staff__region__code=code).count() == 3
        kinds = set(StockMovement.objects.filter(region__code=code).values_list("kind", flat=True))
        assert kinds == {"receipt", "allocation"}
        statuses = set(Referral.objects.filter(region__code=code).values_list("status", flat=True))
        assert statuses >= {"requested", "accepted", "scheduled", "done", "returned"}


def test_it_leaves_the_regions_alone_on_a_second_load():
    call_command("load_demo")
    movements = StockMovement.objects.count()
    call_command("load_demo")
    assert StockMovement.objects.count() == movements
