"""Logging in: every role lands on its own start page; the header says who and as what."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.roles import Role
from tests.factories import persona, totp_code

pytestmark = pytest.mark.django_db


def log_in(client, username, password="correct-horse-battery"):  # noqa: S107
    """The whole login: the password, then the code from the person's authenticator app."""
    response = client.post(
        reverse("login"), {"username": username, "password": password}, follow=True
    )
    landed = response.redirect_chain[-1][0] if response.redirect_chain else ""
    if landed.startswith(reverse("login-verify")):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        response = client.post(landed, {"code": totp_code(device)}, follow=True)
    return response


@pytest.mark.parametrize(
    ("persona_name", "landing"),
    [
        ("kbh_caseworker", "/municipalities/101/"),
        ("kbh_lead", "/municipalities/101/"),
        ("kbh_auditor", "/audit/"),
        ("hovedstaden_coordinator", "/regions/1084/"),
        ("noerrebro_gp", "/vaccinators/990101/route-lists/"),
        ("administrator", "/reference-data/"),
    ],
)
def test_it_lands_each_role_on_its_own_start_page(client, request, persona_name, landing):
    user = request.getfixturevalue(persona_name)
    response = log_in(client, user.username)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_it_shows_the_user_organisation_and_role_in_the_header(client, kbh_caseworker):
    page = log_in(client, "signe").content.decode()
    assert "Signe Holm" in page
    assert "København" in page
    assert "Sagsbehandler" in page  # Danish by default


def test_it_gives_the_lead_a_link_to_the_dashboard(client, kbh_lead):
    page = log_in(client, "lone").content.decode()
    assert reverse("municipalities:municipality-dashboard", kwargs={"code": "101"}) in page


def test_it_does_not_give_a_caseworker_the_dashboard_link(client, kbh_caseworker):
    page = log_in(client, "signe").content.decode()
    assert reverse("municipalities:municipality-dashboard", kwargs={"code": "101"}) not in page


def test_it_rejects_a_wrong_password_with_a_message(client, kbh_caseworker):
    response = client.post(reverse("login"), {"username": "signe", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "korrekt brugernavn" in response.content.decode()


def test_it_tells_a_user_without_a_role_to_ask_for_one(client, django_user_model):
    django_user_model.objects.create_user("nobody", password="correct-horse-battery")
    response = log_in(client, "nobody")
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"


def test_it_logs_out_on_post_only(client, kbh_caseworker):
    log_in(client, "signe")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/municipalities/101/").status_code == 302


def test_it_switches_between_memberships(client, kbh_caseworker, frederiksberg):
    persona("signe", Role.CASEWORKER, frederiksberg)
    first = log_in(client, "signe")
    assert first.redirect_chain[-1][0] == "/municipalities/101/"
    assert 'name="membership"' in first.content.decode()

    frb = next(m for m in first.context["memberships"] if m.municipality == frederiksberg)
    switched = client.post(
        reverse("outreach:membership-switch"), {"membership": frb.pk}, follow=True
    )
    assert switched.redirect_chain[-1][0] == "/municipalities/147/"
    assert switched.context["active_membership"] == frb
    # The choice is remembered: the start page now leads to Frederiksberg.
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/municipalities/147/"


def test_it_refuses_to_switch_to_a_membership_the_user_does_not_hold(
    client, kbh_caseworker, aarhus_caseworker
):
    log_in(client, "signe")
    aarhus_membership = aarhus_caseworker.groups.get().role_group
    response = client.post(
        reverse("outreach:membership-switch"), {"membership": aarhus_membership.pk}
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("outreach:membership-switch"), {"membership": "x"}).status_code == 400
    )


def test_it_serves_danish_by_default_and_english_when_chosen(client):
    assert "Log ind" in client.get(reverse("login")).content.decode()
    client.post(reverse("set-language"), {"language": "en", "next": "/login/"})
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Log in" in page


def test_it_ignores_the_browsers_language_until_the_user_chooses(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "da"
