"""The key pages run under the Content Security Policy without a single violation: the design
system's script, htmx, the observation countdown and Swagger UI all load as files."""

import pytest

from tests.e2e.test_login import log_in
from tests.e2e.test_pages_accessibility import home_visits
from tests.regions import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every violation the page reports, from before any of its own scripts run.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


def violations_on(page, url) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations")


def test_the_key_pages_load_without_a_policy_violation(
    browser, live_server, tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator,
    noerrebro_gp,
):  # fmt: skip
    world.stocked(hovedstaden, hovedstaden_coordinator, vials=6)
    _run, draft, route_list, vaccinated_case = home_visits(
        tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_gp
    )
    visits = [
        ("signe", ["/municipalities/101/", f"/municipalities/101/cases/{vaccinated_case}/",
                   "/api/docs/"]),
        ("lise", [f"/vaccinators/990101/route-lists/{route_list}/"]),
        ("kasper", [f"/regions/1084/planning/{draft}/", "/regions/1084/dashboard/"]),
    ]  # fmt: skip
    found = {}
    console = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.on(
        "console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None
    )
    try:
        for username, paths in visits:
            context.clear_cookies()
            log_in(page, live_server, username)
            for path in paths:
                found[(username, path)] = violations_on(page, f"{live_server.url}{path}")
                if path == "/api/docs/":
                    page.locator(".swagger-ui .info").wait_for()  # Swagger UI's script ran
                if "route-lists" in path:
                    countdown = page.locator("[data-countdown]").first
                    assert countdown.inner_text().strip()  # observation.js ran
        assert {key: v for key, v in found.items() if v} == {}
        assert console == []

        # The listener itself hears a violation: an inline style added now is refused.
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')"
        )
        page.wait_for_function("window.__violations.length > 0")
        assert "style-src" in page.evaluate("window.__violations")[0]
    finally:
        context.close()
