"""Lockout after repeated wrong passwords (django-axes): whose attempts count together, and the
page a locked-out login gets. The page never says whether the username exists."""

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str:
    """The address a login comes from. Behind the TLS proxy it is the last address in
    X-Forwarded-For (the one the proxy added; anything before it the client could have written)."""
    if settings.PRODUCTION and settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
