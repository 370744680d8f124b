"""Five wrong passwords for one username from one address lock that login for 30 minutes; the
page says so without telling whether the username exists."""

import datetime
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def browser(settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def attempt(browser, username, password, **headers):
    return browser.post(reverse("login"), {"username": username, "password": password}, **headers)


def test_it_locks_the_login_after_five_wrong_passwords(browser, kbh_caseworker):
    for _ in range(4):
        assert attempt(browser, "signe", "wrong").status_code == 200
    locked = attempt(browser, "signe", "wrong")
    assert locked.status_code == 429
    assert "too many failed attempts" in locked.content.decode()
    assert "30 minutes" in locked.content.decode()
    # Now even the right password is refused, and nobody is logged in.
    refused = attempt(browser, "signe", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_it_lets_the_right_password_in_after_the_cool_off(browser, kbh_caseworker):
    for _ in range(5):
        attempt(browser, "signe", "wrong")
    assert attempt(browser, "signe", PASSWORD).status_code == 429
    later = timezone.now() + datetime.timedelta(minutes=31)
    # Axes reads the clock through its own imports of ``now``.
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("axes.attempts.now", return_value=later),
        mock.patch("axes.handlers.proxy.now", return_value=later),
    ):
        assert attempt(browser, "signe", PASSWORD)["Location"] == "/"


def test_it_locks_only_that_username_from_that_address(browser, kbh_caseworker, kbh_lead):
    for _ in range(5):
        attempt(browser, "signe", "wrong")
    assert attempt(browser, "lone", PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert attempt(elsewhere, "signe", PASSWORD).status_code == 302


def test_it_says_the_same_for_a_username_that_does_not_exist(browser, kbh_caseworker):
    pages = []
    for username in ("signe", "no-such-person"):
        for _ in range(5):
            response = attempt(browser, username, "wrong")
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        pages.append((response.status_code, page.replace(username, "")))
    assert pages[0] == pages[1]
    assert pages[0][0] == 429


def test_a_successful_login_starts_the_count_again(browser, kbh_caseworker):
    for _ in range(4):
        attempt(browser, "signe", "wrong")
    assert attempt(browser, "signe", PASSWORD).status_code == 302
    browser.post(reverse("logout"))
    for _ in range(4):
        assert attempt(browser, "signe", "wrong").status_code == 200
    assert attempt(browser, "signe", PASSWORD).status_code == 302


def test_it_counts_the_address_the_tls_proxy_saw_in_production(rf, settings):
    from outreach.lockout import client_ip

    settings.PRODUCTION = True
    settings.BEHIND_TLS_PROXY = True
    request = rf.post(
        "/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"  # the client may have written the first one
    settings.PRODUCTION = False
    assert client_ip(request) == "10.0.0.1"
