"""Kasper, Hovedstaden's coordinator, takes a pop-up referral from the inbox into a session in a
real browser: he accepts it, books it, watches the vial arithmetic change and sends vials to the
session. Midtjylland's coordinator gets 404 on that session.

Buttons are found by the forms' actions, so the journey reads the same in Danish and English; the
texts checked are the Danish ones the coordinator sees."""

import pytest

from municipalities.models import Referral
from regions.models import StockBalance
from tests.e2e.conftest import serious_violations
from tests.e2e.test_login import log_in
from tests.regions import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(page, action: str, within: str = "main"):
    """Press the button of the form posting to ``.../<action>/`` and wait for the next page."""
    with page.expect_navigation():
        page.locator(f"{within} form[action*='/{action}/'] button[type=submit]").first.click()


def test_it_takes_a_pop_up_referral_into_a_session_with_its_vials(
    browser, live_server, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator,
    midtjylland_coordinator,
):  # fmt: skip
    accepted = world.referrals(tmp_path, kbh_caseworker, "101", 6, accepted=True)
    (new,) = world.referrals(tmp_path, kbh_caseworker, "101", 1, start=20)
    session = world.session(hovedstaden)
    world.stocked(hovedstaden, hovedstaden_coordinator, vials=4)
    from regions.services import sessions

    for referral in accepted:
        sessions.session_book(session=session, referral=referral, user=hovedstaden_coordinator)

    kasper = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(kasper, live_server, "kasper")
    kasper.wait_for_load_state()

    # The new referral is in the inbox; he accepts it.
    kasper.goto(f"{live_server.url}/regions/1084/referrals/")
    row = kasper.locator(f"#referral-{new.pk}")
    assert "Borger 20" in row.inner_text()
    assert serious_violations(kasper) == []
    with kasper.expect_navigation():
        row.locator("form[action$='/accept/'] button").click()
    assert "godkendt" in kasper.locator(".alert").first.inner_text().lower()
    assert Referral.objects.get(pk=new.pk).status == "accepted"

    # Six booked fill one Comirnaty vial; the seventh opens a second one and wastes five.
    session_url = f"{live_server.url}/regions/1084/sessions/{session.pk}/"
    kasper.goto(session_url)
    assert "6 booket = 1 hætteglas, ingen doser går til spilde." in kasper.inner_text(
        "#vial-arithmetic"
    )
    press(kasper, "book")
    assert "7 booket = 2 hætteglas, 5 doser ville gå til spilde." in kasper.inner_text(
        "#vial-arithmetic"
    )
    assert Referral.objects.get(pk=new.pk).status == "scheduled"
    assert serious_violations(kasper) == []

    # He sends the two vials the session opens (first expiry first out).
    kasper.fill("form[action$='/allocate/'] input[name$='vials']", "2")
    press(kasper, "allocate")
    held = StockBalance.objects.get(holder__session=session, batch__isnull=False)
    assert held.quantity == 12
    assert serious_violations(kasper) == []

    # Midtjylland's coordinator cannot see the session at all.
    maja = browser.new_context().new_page()
    log_in(maja, live_server, "maja")
    maja.wait_for_load_state()
    assert maja.goto(session_url).status == 404
    for page in (kasper, maja):
        page.context.close()
