"""A budget of actions per client per hour, counted in Django's cache (Redis in production).

The client is REMOTE_ADDR, never X-Forwarded-For: that header is whatever the caller wants it to
be. Behind a reverse proxy the proxy must hand the client's address on as REMOTE_ADDR, or every
citizen shares the proxy's budget. The address is kept in the cache only as a keyed hash.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.crypto import salted_hmac

HOUR = 60 * 60


def _key(request, scope: str) -> str:
    client = request.META.get("REMOTE_ADDR", "")
    digest = salted_hmac("outreach.ratelimit", f"{scope}:{client}", algorithm="sha256")
    return f"ratelimit:{scope}:{digest.hexdigest()[:32]}"


def used(request, scope: str) -> int:
    """How much of the budget the client has used in the current window."""
    return cache.get(_key(request, scope), 0)


def hit(request, scope: str, *, window: int = HOUR) -> int:
    """Count one action and return the count in the window (which starts at the first action).

    ``incr`` is atomic in Redis, so two requests at once cannot both see the last free slot.
    """
    key = _key(request, scope)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the window ran out between add and incr
        cache.set(key, 1, timeout=window)
        return 1
