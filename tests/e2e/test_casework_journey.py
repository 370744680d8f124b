"""The København caseworker works one citizen's case in a real browser, from the worklist to a
referral for home vaccination, while a colleague is kept out by the claim and Aarhus sees nothing.

Fields and buttons are found by their form names and actions, so the journey reads the same in
Danish and English; the texts checked are the Danish ones the caseworker sees."""

import pytest

from municipalities.models import ContactTask, Referral
from tests.e2e.conftest import serious_violations
from tests.e2e.test_login import log_in
from tests.factories import fake_cpr
from tests.municipalities.casework import import_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, action: str):
    """Press the button of the form posting to ``.../<action>/`` and wait for htmx to swap."""
    with page.expect_response(lambda response: f"/{action}/" in response.url):
        page.locator(f"form[action$='/{action}/'] button[type=submit]").first.click()


def test_it_takes_a_bedridden_citizen_with_a_guardian_to_a_home_referral(
    browser, live_server, tmp_path, kbh_caseworker, kbh_lead, aarhus_caseworker
):
    import_list(tmp_path, "101", [f"{fake_cpr(7)};Ellen Holm;3;01.03.2021"])
    task = ContactTask.objects.get()
    case_url = f"{live_server.url}/municipalities/101/cases/{task.pk}/"

    signe = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(signe, live_server, "signe")
    signe.wait_for_url("**/municipalities/101/")

    # She claims Ellen from the worklist; the row says it is hers, in place.
    row = signe.locator(f"#task-{task.pk}")
    assert "Ellen Holm" in row.inner_text()
    with signe.expect_response(lambda response: "/claim/" in response.url):
        row.locator("button[type=submit]").click()
    assert "Dig" in signe.locator(f"#task-{task.pk}").inner_text()

    # Her lead, in another browser, cannot take the case while Signe holds it.
    lone = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(lone, live_server, "lone")
    lone.wait_for_url("**/municipalities/101/")
    lone.goto(case_url)
    assert "Signe Holm" in lone.locator("main").inner_text()
    assert lone.locator("form[action$='/claim/']").count() == 0
    submit(lone, "attempts")
    assert "arbejder med denne borger" in lone.locator("#case").inner_text()

    signe.goto(case_url)
    # Not reached first, then reached: her daughter answered.
    signe.select_option("#id_attempt-channel", "phone")
    signe.check("#id_attempt-reached_0")
    submit(signe, "attempts")
    signe.select_option("#id_attempt-channel", "relative")
    signe.check("#id_attempt-reached_1")
    signe.select_option("#id_attempt-answered_by", "relative")
    signe.fill("#id_attempt-note", "Datteren siger, at hun er sengeliggende.")
    submit(signe, "attempts")
    assert "Datteren siger" in signe.locator("#case").inner_text()

    # She records Ellen's guardian.
    signe.fill("#id_details-guardian_name", "Hanne Holm")
    signe.fill("#id_details-guardian_relation", "Datter")
    signe.fill("#id_details-guardian_phone", "22334455")
    submit(signe, "contact-details")

    # Home vaccination for a bedridden citizen: stopped until the guardian is informed.
    signe.select_option("#id_visitation-wants_vaccination", "1")
    signe.select_option("#id_visitation-mobility", "bedridden")
    signe.select_option("#id_visitation-decision", "home")
    submit(signe, "visitation")
    assert "værge" in signe.locator(".error-summary").inner_text()
    assert not Referral.objects.exists()

    signe.fill("#id_visitation-guardian_informed_at", "2021-03-09T10:30")
    signe.select_option("#id_visitation-guardian_informed_how", "phone")
    signe.fill("#id_visitation-guardian_informed_by", "Signe Holm")
    submit(signe, "visitation")
    assert "anmodet" in signe.locator("#referral-status").inner_text().lower()
    assert serious_violations(signe) == []
    referral = Referral.objects.get()
    assert (referral.pathway, referral.status) == ("home", "requested")

    # Aarhus's caseworker gets 404 on Ellen's case.
    mads = browser.new_context().new_page()
    log_in(mads, live_server, "mads")
    mads.wait_for_url("**/municipalities/751/")
    assert mads.goto(case_url).status == 404
    for page in (signe, lone, mads):
        page.context.close()
