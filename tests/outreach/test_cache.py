"""With Redis away the cache fails soft: reads miss, writes are skipped, nothing raises, and no
call waits long. Pages that use it (the public help form's rate limit) stay up (ADR 0016)."""

import time

import pytest

pytestmark = pytest.mark.django_db

REFUSED = "redis://127.0.0.1:9/0"  # nothing listens on loopback port 9


@pytest.fixture
def redis_away(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "outreach.cache.FailSoftRedisCache",
            "LOCATION": REFUSED,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    from django.core.cache import cache

    return cache


def test_it_misses_and_skips_without_raising(redis_away, caplog):
    cache = redis_away
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    assert cache.incr("k") == 1  # as if the first action in its window: rate limits fail open
    assert cache.get_many(["k"]) == {}
    cache.delete("k")
    assert time.monotonic() - started < 5
    assert "Redis did not answer" in caplog.text
    assert "'k'" not in caplog.text  # keys may be derived from a client's address: not logged


def test_the_help_form_is_served_and_accepted_with_redis_away(redis_away, client, koebenhavn):
    from municipalities.models import HelpRequest
    from tests.municipalities.test_help_requests import filled_in, page_url

    assert client.get(page_url()).status_code == 200
    response = client.post(page_url(), filled_in())
    assert response.status_code == 302
    assert HelpRequest.objects.filter(name="Karen Jensen").exists()
