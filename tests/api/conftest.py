"""API clients for the personas: each holds its own token, as an integration would."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.api.world import token_for


def api_client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    # The messages in English (the language a person can choose), for tests that read them.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def signe_api(kbh_caseworker):
    return api_client_for(kbh_caseworker)


@pytest.fixture
def lise_api(noerrebro_gp):
    return api_client_for(noerrebro_gp)


@pytest.fixture
def kasper_api(hovedstaden_coordinator):
    return api_client_for(hovedstaden_coordinator)
