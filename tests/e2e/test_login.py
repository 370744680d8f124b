"""The København caseworker logs in through a real browser and starts her day in Danish."""

import pytest

from tests.e2e.conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("correct-horse-battery")
    page.get_by_role("button", name="Log ind").click()


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
