"""Every page each role reaches passes axe-core's WCAG 2.1 AA rules without serious violations,
on a desktop and on a 320 px phone."""

import pytest

from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("lone", ["/municipalities/101/", "/municipalities/101/dashboard/",
              "/organisations/municipality/101/members/", "/regions/1084/"]),
    ("kasper", ["/regions/1084/", "/organisations/vaccinator/990101/members/"]),
    ("lise", ["/vaccinators/990101/route-lists/"]),
    ("signe", ["/municipalities/101/dashboard/"]),
    ("anders", ["/reference-data/", "/organisations/national/SST/members/"]),
    ("nobody", ["/"]),
]  # fmt: skip


@pytest.mark.parametrize("width", [1280, 320])
def test_it_has_no_serious_accessibility_violations(
    browser, live_server, django_user_model, width,
    kbh_lead, kbh_caseworker, hovedstaden_coordinator, noerrebro_gp, administrator,
):  # fmt: skip
    django_user_model.objects.create_user("nobody", password="correct-horse-battery")
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    found = {}
    try:
        for username, paths in PAGES:
            context.clear_cookies()
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Brugernavn").fill(username)
            page.get_by_label("Adgangskode").fill("correct-horse-battery")
            page.get_by_role("button", name="Log ind").click()
            page.wait_for_load_state()
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                found[(username, path)] = (response.status, serious_violations(page))
                assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    finally:
        context.close()
    assert {key: v for key, v in found.items() if v[1]} == {}
    # The error pages were among those checked.
    assert found[("lone", "/regions/1084/")][0] == 404
    assert found[("signe", "/municipalities/101/dashboard/")][0] == 403
