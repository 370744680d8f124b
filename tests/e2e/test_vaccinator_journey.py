"""A day of home visits, end to end in a real browser: Kasper, Hovedstaden's coordinator, plans
today for the Nørrebro practice and publishes it; Lise, its GP, on a 360 px phone, confirms the
safety checklist, records one citizen vaccinated (with an acute adverse reaction) and one not at
home; the København caseworker sees the vaccination on the case page; a GP of another practice
gets 404 on the route list.

Buttons are found by the forms' actions and values, so the journey reads the same in Danish and
English; the texts checked are the Danish ones people see."""

import pytest
from django.utils import timezone

from municipalities.models import Referral
from outreach.models import AdverseReaction, VaccinationRecord, VaccineProduct
from regions.models import StockBalance
from tests.e2e.conftest import serious_violations
from tests.e2e.test_login import log_in
from tests.regions import world
from tests.vaccinators.planning import home_pool
from vaccinators.models import RouteList

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, selector: str):
    """Press a button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_day_of_home_visits_from_planning_to_the_case_page(
    browser, live_server, tmp_path, tasks_in_process, kbh_caseworker, hovedstaden,
    hovedstaden_coordinator, noerrebro_practice, noerrebro_gp, viby_gp,
):  # fmt: skip
    # Seven citizens wait for a home visit: one vial of Comirnaty takes six of them.
    referrals = home_pool(tmp_path, kbh_caseworker, 7)
    world.stocked(hovedstaden, hovedstaden_coordinator, vials=4)
    today = timezone.localdate()

    # Kasper plans today for the Nørrebro practice.
    kasper = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(kasper, live_server, "kasper")
    kasper.wait_for_load_state()
    kasper.goto(f"{live_server.url}/regions/1084/planning/?date={today:%Y-%m-%d}")
    assert serious_violations(kasper) == []
    kasper.locator(f"input[name='v{noerrebro_practice.pk}_include']").check()
    kasper.select_option(
        "select[name='product']", str(VaccineProduct.objects.get(code="comirnaty").pk)
    )
    submit(kasper, "form[action$='/planning/new/'] button[type=submit]")
    route_list = RouteList.objects.get(vaccinator_organisation=noerrebro_practice, date=today)
    stops = list(route_list.stops.order_by("position"))
    assert len(stops) == 6 and route_list.expected_waste == 0
    assert kasper.locator("#planning-run svg").count() >= 1  # the map sketch
    assert serious_violations(kasper) == []

    # He publishes it: the vial and its consumables go to the route day.
    submit(kasper, "form[action$='/publish/'] button[type=submit]")
    route_list.refresh_from_db()
    assert route_list.status == RouteList.Status.PUBLISHED
    assert (
        StockBalance.objects.get(
            holder__route_day=route_list.route_day_id, batch__isnull=False
        ).quantity
        == 6
    )

    # Lise opens today's list on her phone.
    lise = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    log_in(lise, live_server, "lise")
    lise.wait_for_load_state()
    lise.goto(f"{live_server.url}/vaccinators/990101/route-lists/")
    route_url = f"/vaccinators/990101/route-lists/{route_list.pk}/"
    submit(lise, f"a[href$='{route_url}']")
    assert serious_violations(lise) == [] and fits_the_screen(lise)

    # No outcome before the safety checklist; she confirms it.
    assert lise.locator("form[action$='/outcome/']").count() == 0
    for box in lise.locator("form[action$='/checklist/'] input[type=checkbox]").all():
        box.check()
    submit(lise, "form[action$='/checklist/'] button[type=submit]")
    assert serious_violations(lise) == [] and fits_the_screen(lise)

    # The first citizen: vaccinated, one tap; the observation counts down.
    first, second = stops[0], stops[1]
    submit(lise, f"#stop-{first.pk} button[name=outcome][value=vaccinated]")
    record = VaccinationRecord.objects.get(citizen=first.citizen_id)
    assert (record.dose, record.product.code, record.batch) == (1, "comirnaty", "EK9788")
    countdown = lise.locator(f"#stop-{first.pk} [data-countdown]")
    countdown.wait_for()
    assert ":" in countdown.inner_text()  # "14:59 tilbage"

    # The second is not at home: back in the region's pool.
    submit(lise, f"#stop-{second.pk} button[name=outcome][value=not_home]")
    assert Referral.objects.get(pk=second.referral_id).status == "accepted"

    # The first citizen reacts: she records it.
    card = lise.locator(f"#stop-{first.pk}")
    card.locator("details:has(form[action$='/reaction/']) > summary").click()
    card.locator("textarea[name$=symptoms]").fill("Udslæt og hævelse i ansigtet efter 10 minutter.")
    card.locator("select[name$=severity]").select_option("moderate")
    card.locator("input[name$=adrenaline_given]").check()
    submit(lise, f"#stop-{first.pk} form[action$='/reaction/'] button[type=submit]")
    reaction = AdverseReaction.objects.get(record=record)
    assert reaction.severity == "moderate" and reaction.adrenaline_given
    assert serious_violations(lise) == [] and fits_the_screen(lise)

    # Signe, the caseworker, sees the vaccination on the citizen's case.
    signe = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(signe, live_server, "signe")
    signe.wait_for_load_state()
    task_id = referrals[[r.pk for r in referrals].index(first.referral_id)].task_id
    signe.goto(f"{live_server.url}/municipalities/101/cases/{task_id}/")
    history = signe.inner_text("main")
    assert "Comirnaty" in history and "EK9788" in history
    assert serious_violations(signe) == []

    # A GP of another practice cannot see the list at all.
    peter = browser.new_context().new_page()
    log_in(peter, live_server, "peter")
    peter.wait_for_load_state()
    assert peter.goto(f"{live_server.url}{route_url}").status == 404
    assert (
        peter.goto(f"{live_server.url}/vaccinators/990201/route-lists/{route_list.pk}/").status
        == 404
    )
    for page in (kasper, lise, signe, peter):
        page.context.close()
