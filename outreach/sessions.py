"""How long a login lasts: SESSION_IDLE_MINUTES without activity, and SESSION_ABSOLUTE_HOURS in
all, enforced on the server from two times kept in the session (ADR 0014).

The session's cookie also expires after the absolute limit, but a cookie can be kept; the server's
check cannot. An htmx poll (a fragment refreshing itself, marked with the ``Outreach-Poll``
header) is not activity: a page left open on a progress bar still times out.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

LOGIN_AT_KEY = "login_at"
ACTIVITY_KEY = "last_activity"
POLL_HEADER = "Outreach-Poll"
# Activity is written at most once a minute: the session is not saved on every request.
ACTIVITY_RESOLUTION_SECONDS = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def _now() -> float:
    return timezone.now().timestamp()


def session_stamp_login(sender, request, user, **kwargs) -> None:
    """On every login (``user_logged_in``): the session starts now."""
    now = _now()
    request.session[LOGIN_AT_KEY] = now
    request.session[ACTIVITY_KEY] = now


def is_poll(request) -> bool:
    return bool(request.headers.get("HX-Request") and request.headers.get(POLL_HEADER))


def session_check(request) -> str | None:
    """End the session if it has been idle or lasted too long, and say which (None if it goes
    on). Otherwise note the request as activity, unless it is a poll."""
    session = request.session
    now = _now()
    login_at = session.get(LOGIN_AT_KEY)
    last = session.get(ACTIVITY_KEY)
    if login_at is None or last is None:
        # A session from before these limits: it starts counting now.
        session[LOGIN_AT_KEY] = session[ACTIVITY_KEY] = now
        return None
    if now - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
        logout(request)
        return ABSOLUTE
    if now - last > settings.SESSION_IDLE_MINUTES * 60:
        logout(request)
        return IDLE
    if not is_poll(request) and now - last >= ACTIVITY_RESOLUTION_SECONDS:
        session[ACTIVITY_KEY] = now
    return None
