"""The København caseworker logs in through a real browser and starts her day in Danish."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach import services
from outreach.models import User
from outreach.roles import Role
from tests.e2e.conftest import serious_violations
from tests.factories import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def log_in(page, live_server, username):
    """The password, then the code the person's authenticator app shows (computed from the
    persona's known key)."""
    page.goto(f"{live_server.url}/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("correct-horse-battery")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    if "/login/verify/" in page.url:
        enter_code(page, username)


def enter_code(page, username):
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.locator("input[name=code]").fill(totp_code(device))
    page.locator("form[action$='/login/verify/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_it_logs_the_caseworker_in_to_her_worklist_in_danish(page, live_server, kbh_caseworker):
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/login/?next=/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert serious_violations(page) == []

    log_in(page, live_server, "signe")

    page.wait_for_url("**/municipalities/101/")
    heading = page.get_by_role("heading", level=1)
    assert "Arbejdsliste" in heading.inner_text()
    assert "København" in page.locator("main").inner_text()
    header = page.locator("header").first.inner_text()
    assert "Signe Holm" in header
    assert "Sagsbehandler" in header
    assert serious_violations(page) == []


def test_it_fits_a_phone_screen_without_sideways_scrolling(browser, live_server, kbh_lead):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        log_in(page, live_server, "lone")
        page.wait_for_url("**/municipalities/101/")
        for path in ("/municipalities/101/", "/municipalities/101/dashboard/"):
            page.goto(f"{live_server.url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{path} is {width}px wide"
            assert serious_violations(page) == [], path
    finally:
        context.close()


def test_it_starts_with_a_skip_link_to_the_main_content(page, live_server, kbh_caseworker):
    log_in(page, live_server, "signe")
    page.wait_for_url("**/municipalities/101/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main-content"
    assert page.locator("main#main-content").count() == 1


def test_it_switches_to_english_when_chosen(page, live_server, kbh_caseworker):
    log_in(page, live_server, "signe")
    page.wait_for_url("**/municipalities/101/")
    page.get_by_label("Sprog").select_option("en")
    page.locator("form[action$='/language/'] button").click()
    page.wait_for_load_state()
    assert "Worklist" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    assert serious_violations(page) == []


def test_it_asks_for_the_code_on_an_accessible_page(page, live_server, kbh_caseworker):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("signe")
    page.get_by_label("Adgangskode").fill("correct-horse-battery")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/login/verify/**")
    assert serious_violations(page) == []
    page.locator("input[name=code]").fill("000000")
    page.locator("form[action$='/login/verify/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login/verify/" in page.url  # a wrong code lets nobody in
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [1280, 320])
def test_it_enrols_a_new_caseworker_with_a_qr_code(browser, live_server, koebenhavn, width):
    user = User.objects.create_user("ny", password="correct-horse-battery")
    services.membership_grant(user=user, role=Role.CASEWORKER, organisation=koebenhavn)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Brugernavn").fill("ny")
        page.get_by_label("Adgangskode").fill("correct-horse-battery")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url("**/login/enrol/**")
        qr = page.locator("img.outreach-qr")
        assert qr.is_visible()
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []

        pending = TOTPDevice.objects.get(user=user, confirmed=False)
        page.locator("input[name=code]").fill(totp_code(pending))
        page.locator("form[action$='/login/enrol/'] button[type=submit]").click()
        page.wait_for_url("**/login/recovery-codes/")
        assert page.locator(".outreach-recovery-codes li").count() == 10
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        page.locator("main a.button").click()
        page.wait_for_url("**/municipalities/101/")
    finally:
        context.close()
