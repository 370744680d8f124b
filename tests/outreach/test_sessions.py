"""A login lasts 30 minutes without activity and 12 hours in all, on the server; logging out ends
the session on the server too."""

import datetime
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def signe(client, settings, kbh_caseworker):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(kbh_caseworker)
    return client


def at(minutes):
    return mock.patch(
        "django.utils.timezone.now",
        return_value=timezone.now() + datetime.timedelta(minutes=minutes),
    )


WORKLIST = "/municipalities/101/"


def test_it_logs_out_after_30_minutes_without_activity(signe):
    key = signe.session.session_key
    with at(29):
        assert signe.get(WORKLIST).status_code == 200
    with at(29 + 31):
        response = signe.get(WORKLIST, follow=True)
    assert response.redirect_chain[0][0].startswith("/login/?next=")
    assert "You were logged out after 30 minutes without activity." in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_keeps_the_session_going(signe):
    for minutes in (20, 40, 60, 80):
        with at(minutes):
            assert signe.get(WORKLIST).status_code == 200, minutes


def test_a_poll_is_not_activity(signe):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_OUTREACH_POLL": "true"}
    with at(20):
        assert signe.get(WORKLIST, **headers).status_code == 200
    with at(31):
        timed_out = signe.get(WORKLIST, **headers)
    assert timed_out["HX-Redirect"] == reverse("login")


def test_it_logs_out_12_hours_after_the_login_however_busy(signe):
    for minutes in range(20, 12 * 60, 20):
        with at(minutes):
            assert signe.get(WORKLIST).status_code == 200, minutes
    with at(12 * 60 + 1):
        response = signe.get(WORKLIST, follow=True)
    assert response.redirect_chain[0][0].startswith("/login/?next=")
    assert "You were logged out because you logged in 12 hours ago." in response.content.decode()


def test_the_limits_are_settings(signe, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with at(6):
        assert signe.get(WORKLIST).status_code == 302


def test_logging_out_ends_the_session_on_the_server(signe):
    key = signe.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    signe.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, kept and sent again, opens nothing.
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get(WORKLIST).status_code == 302
