"""Two factors, the real way: the password, then a code from the authenticator app (or a recovery
code). None of these tests use ``force_login``'s shortcut."""

import datetime
import os
import re
import subprocess
import sys
from base64 import b32decode
from binascii import hexlify
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.models import User
from tests.factories import UserFactory, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def browser(settings):
    """A client without the test shortcut: only the pages log anyone in. It reads English (the
    wording checked here; the Danish catalogue is checked as a whole elsewhere)."""
    return english(Client(), settings)


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def password(browser, username):
    return browser.post(reverse("login"), {"username": username, "password": PASSWORD})


def enter(browser, code, url="/login/verify/"):
    return browser.post(url, {"code": code})


def device_of(user):
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_it_asks_for_the_code_after_the_password(browser, kbh_caseworker):
    landed = password(browser, "signe")
    assert landed["Location"] == "/"
    to_verify = browser.get("/")
    assert to_verify["Location"] == "/login/verify/?next=%2F"
    page = browser.get(to_verify["Location"])
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()

    response = browser.post(to_verify["Location"], {"code": totp_code(device_of(kbh_caseworker))})
    assert response["Location"] == "/"
    assert browser.get("/")["Location"] == "/municipalities/101/"
    assert browser.get("/municipalities/101/").status_code == 200


def test_it_refuses_a_case_page_until_the_code_is_entered(browser, kbh_caseworker):
    password(browser, "signe")
    response = browser.get("/municipalities/101/cases/1/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/verify/?next=")
    # An htmx request is sent to the verification page as a whole page.
    search = reverse("municipalities:worklist-cpr-search", kwargs={"code": "101"})
    fragment = browser.post(search, HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == "/login/verify/"
    # The API on the session answers 403 in JSON instead of a redirect.
    api = browser.get(reverse("outreach-api:immunization-list"))
    assert api.status_code == 403
    assert "detail" in api.json()


def test_it_refuses_a_wrong_code_and_then_slows_down(browser, kbh_caseworker):
    password(browser, "signe")
    device = device_of(kbh_caseworker)
    wrong = enter(browser, "000000" if totp_code(device) != "000000" else "111111")
    assert wrong.status_code == 422
    assert "The code is wrong" in wrong.content.decode()
    # Right away, even the right code waits: wrong codes slow the next try down.
    throttled = enter(browser, totp_code(device))
    assert throttled.status_code == 422
    assert "Too many wrong codes" in throttled.content.decode()
    later = timezone.now() + datetime.timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert enter(browser, totp_code(device)).status_code == 302


def test_it_refuses_a_code_used_before(browser, kbh_caseworker, settings):
    device = device_of(kbh_caseworker)
    password(browser, "signe")
    code = totp_code(device)
    assert enter(browser, code).status_code == 302

    again = english(Client(), settings)
    password(again, "signe")
    reused = enter(again, code)
    assert reused.status_code == 422
    assert "already been used" in reused.content.decode()
    assert again.get("/municipalities/101/").status_code == 302


def test_it_takes_a_recovery_code_once(browser, kbh_caseworker):
    token = StaticToken.objects.filter(device__user=kbh_caseworker).first()
    assert token is None  # personas have none until they enrol: make a set the real way
    password(browser, "signe")
    enter(browser, totp_code(device_of(kbh_caseworker)))
    renewed = browser.post(reverse("account-recovery-codes-renew"))
    assert renewed["Location"] == reverse("login-recovery-codes")
    codes = re.findall(
        r">([a-z2-7]{4}-[a-z2-7]{4})<", browser.get(renewed["Location"]).content.decode()
    )
    assert len(codes) == 10

    other = Client()
    password(other, "signe")
    used = enter(other, codes[0].upper())  # as typed, in capitals with the hyphen
    assert used["Location"] == "/"
    assert other.get("/municipalities/101/").status_code == 200
    third = Client()
    password(third, "signe")
    assert enter(third, codes[0]).status_code == 422
    assert StaticToken.objects.filter(device__user=kbh_caseworker).count() == 9


def test_it_enrols_a_new_user_with_a_qr_code_and_a_first_code(browser, koebenhavn):
    from outreach import services
    from outreach.roles import Role

    user = UserFactory(username="ny")
    services.membership_grant(user=user, role=Role.CASEWORKER, organisation=koebenhavn)
    password(browser, "ny")
    assert browser.get("/")["Location"] == "/login/enrol/?next=%2F"
    assert browser.get("/login/verify/")["Location"].startswith("/login/enrol/")
    page = browser.get("/login/enrol/?next=%2F")
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    assert hexlify(b32decode(secret)).decode() == pending.key
    # Reloading shows the same key; a wrong code confirms nothing.
    assert secret in browser.get("/login/enrol/").content.decode().replace(" ", "")
    assert browser.post("/login/enrol/?next=%2F", {"code": "12345x"}).status_code == 422
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    later = timezone.now() + datetime.timedelta(seconds=2)  # past the wrong code's slow-down
    with mock.patch("django.utils.timezone.now", return_value=later):
        confirmed = browser.post("/login/enrol/?next=%2F", {"code": totp_code(pending)})
    assert confirmed["Location"] == reverse("login-recovery-codes")
    codes_page = browser.get(confirmed["Location"]).content.decode()
    assert len(re.findall(r">([a-z2-7]{4}-[a-z2-7]{4})<", codes_page)) == 10
    assert 'href="/"' in codes_page
    # Shown once: a reload sends the person to the security page instead.
    assert browser.get(confirmed["Location"])["Location"] == reverse("account-security")
    assert browser.get("/municipalities/101/").status_code == 200


def test_it_does_not_let_the_password_alone_replace_the_app(browser, kbh_caseworker):
    password(browser, "signe")
    response = browser.get("/login/enrol/")
    assert response["Location"].startswith("/login/verify/")
    assert not TOTPDevice.objects.filter(user=kbh_caseworker, confirmed=False).exists()


def test_it_replaces_the_app_from_the_security_page(browser, kbh_caseworker):
    old = device_of(kbh_caseworker)
    password(browser, "signe")
    enter(browser, totp_code(old))
    security = browser.get(reverse("account-security")).content.decode()
    assert "Set up the authenticator app" in security
    browser.get("/login/enrol/")
    new = TOTPDevice.objects.get(user=kbh_caseworker, confirmed=False)
    assert browser.post("/login/enrol/", {"code": totp_code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=kbh_caseworker)) == [new]


def test_it_lets_a_user_without_a_role_in_with_the_password_alone(browser, django_user_model):
    django_user_model.objects.create_user("nobody", password=PASSWORD)
    password(browser, "nobody")
    assert browser.get("/").status_code == 200


def test_it_keeps_the_django_admin_behind_the_second_factor(browser, sst):
    admin = User.objects.create_superuser("drift", password=PASSWORD)
    password(browser, "drift")
    assert browser.get("/admin/")["Location"].startswith("/login/enrol/")
    browser.get("/login/enrol/")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    browser.post("/login/enrol/", {"code": totp_code(device)})
    assert browser.get("/admin/").status_code == 200


def test_the_admin_site_itself_refuses_an_unverified_staff_member(rf, sst):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    staff = User.objects.create_superuser("drift", password=PASSWORD)
    request = rf.get("/admin/")
    request.session = SessionStore()
    request.user = staff
    staff.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    staff.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


def test_it_counts_a_broker_login_that_asserted_two_factors(browser, kbh_caseworker):
    password(browser, "signe")
    session = browser.session
    session["two_factor_by_broker"] = True
    session.save()
    assert browser.get("/municipalities/101/").status_code == 200


def test_it_shows_the_demo_code_only_in_demo_mode(browser, kbh_caseworker, settings):
    TOTPDevice.objects.filter(user=kbh_caseworker).update(name="demo")
    password(browser, "signe")
    settings.DEMO_MODE = True
    shown = browser.get("/login/verify/")
    code = shown.context["demo_code"]
    assert code == totp_code(device_of(kbh_caseworker))
    assert code in shown.content.decode()
    settings.DEMO_MODE = False
    hidden = browser.get("/login/verify/")
    assert hidden.context["demo_code"] is None
    assert code not in hidden.content.decode()


def test_an_identity_broker_plugs_in_through_the_environment():
    """A broker's backend joins after the lockout and our passwords; its view serves /login/."""
    show = (
        "from django.conf import settings; from django.urls import resolve; "
        "print(settings.AUTHENTICATION_BACKENDS); print(resolve('/login/').func.__name__)"
    )
    environment = {
        **os.environ,
        "EXTRA_AUTHENTICATION_BACKENDS": "django.contrib.auth.backends.RemoteUserBackend",
        "LOGIN_VIEW": "django.contrib.auth.views.redirect_to_login",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        capture_output=True, text=True, env=environment, cwd=ROOT, timeout=60, check=True,
    )  # fmt: skip
    backends, view = result.stdout.strip().splitlines()[-2:]
    assert backends == str(
        [
            "axes.backends.AxesBackend",
            "django.contrib.auth.backends.ModelBackend",
            "django.contrib.auth.backends.RemoteUserBackend",
            "guardian.backends.ObjectPermissionBackend",
        ]
    )
    assert view == "redirect_to_login"
