"""Personas: the people whose work the tests describe.

A caseworker in København and one in Aarhus who must see nothing of København's; a municipal lead;
a coordinator per region; a GP per practice; the national administrator; an auditor.
"""

import importlib

import pytest
from django.apps import apps
from django.http import HttpRequest
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from outreach.models import Municipality, NationalBody, Postcode, Region
from outreach.roles import Role
from tests.factories import PracticeFactory, authenticator_for, persona


class TwoFactorClient(Client):
    """The test client, where ``force_login`` also verifies the second factor the way a device
    does (``django_otp.login`` records the device in the session): like skipping the password, it
    skips the code. The real login, with a code, is tested in tests/outreach/test_two_factor.py.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
        session.save()

    def login(self, **credentials):
        """The password alone (the session is not yet verified). Axes needs the request."""
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        return super().login(request=request, **credentials)


@pytest.fixture
def client():
    return TwoFactorClient()


pytest_plugins = ["tests.leakscan"]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly speaks English unless a test says otherwise; requests still get
    Danish from the middleware. Without this, the language of one test's request leaks into the
    next test's messages."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    """The migrations' reference data, reloaded if a transactional test flushed it."""
    if not Municipality.objects.exists():
        for name in ("0002_reference_data", "0003_target_groups", "0008_vaccine_facts"):
            importlib.import_module(f"outreach.migrations.{name}").load(apps, None)


@pytest.fixture
def koebenhavn(reference_data):
    return Municipality.objects.get(code="101")


@pytest.fixture
def frederiksberg(reference_data):
    return Municipality.objects.get(code="147")


@pytest.fixture
def aarhus(reference_data):
    return Municipality.objects.get(code="751")


@pytest.fixture
def hovedstaden(reference_data):
    return Region.objects.get(code="1084")


@pytest.fixture
def midtjylland(reference_data):
    return Region.objects.get(code="1082")


@pytest.fixture
def sst(reference_data):
    return NationalBody.objects.get(code="SST")


@pytest.fixture
def noerrebro_practice(hovedstaden):
    return PracticeFactory(code="990101", name="Lægerne på Nørrebrogade", region=hovedstaden)


@pytest.fixture
def viby_practice(midtjylland):
    return PracticeFactory(
        code="990201",
        name="Lægerne i Viby",
        region=midtjylland,
        postcode=Postcode.objects.get(code="8260"),
    )


@pytest.fixture
def kbh_caseworker(koebenhavn):
    return persona("signe", Role.CASEWORKER, koebenhavn, first_name="Signe", last_name="Holm")


@pytest.fixture
def kbh_lead(koebenhavn):
    return persona("lone", Role.LEAD, koebenhavn, first_name="Lone", last_name="Berg")


@pytest.fixture
def kbh_auditor(koebenhavn):
    return persona("rikke", Role.AUDITOR, koebenhavn, first_name="Rikke", last_name="Dahl")


@pytest.fixture
def aarhus_caseworker(aarhus):
    return persona("mads", Role.CASEWORKER, aarhus, first_name="Mads", last_name="Krogh")


@pytest.fixture
def hovedstaden_coordinator(hovedstaden):
    return persona("kasper", Role.COORDINATOR, hovedstaden, first_name="Kasper", last_name="Lund")


@pytest.fixture
def midtjylland_coordinator(midtjylland):
    return persona(
        "maja", Role.COORDINATOR, midtjylland, first_name="Maja", last_name="Vestergaard"
    )


@pytest.fixture
def noerrebro_gp(noerrebro_practice):
    return persona("lise", Role.VACCINATOR, noerrebro_practice, first_name="Lise", last_name="Bach")


@pytest.fixture
def viby_gp(viby_practice):
    return persona("peter", Role.VACCINATOR, viby_practice, first_name="Peter", last_name="Juhl")


@pytest.fixture
def administrator(sst):
    return persona("anders", Role.ADMINISTRATOR, sst, first_name="Anders", last_name="Friis")


@pytest.fixture
def tasks_in_process():
    """Run Celery tasks where they are sent, even when REDIS_URL points at a real broker."""
    from outreach.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def in_english(client, settings):
    """The test client reads the pages in English (the language a person can choose), for tests
    that check English wording; the Danish default is checked by the browser tests."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
