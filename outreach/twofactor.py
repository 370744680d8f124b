"""Two factors: the authenticator app a person enrols, their recovery codes, and whether the
session in hand has been verified (ADR 0014).

A person enrols one TOTP authenticator (a django-otp ``TOTPDevice``) and receives one-time
recovery codes (a ``StaticDevice``). A code is accepted once: a TOTP code's time step must be
later than the last one accepted, and a recovery code is deleted when used. Wrong codes slow the
next attempt down (django-otp's throttling: 1, 2, 4, ... seconds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach import access
from outreach.roles import TWO_FACTOR_ROLES

AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"
# The device ``load_demo`` gives every demo user; only its code is ever shown, and only in demo
# mode (the verification page's demo aid).
DEMO_DEVICE_NAME = "demo"
# Set in the session by an identity broker's login that asserted two factors itself (ADR 0014).
BROKER_VERIFIED_KEY = "two_factor_by_broker"


def required_for(user) -> bool:
    """Whether the user must verify a second factor: they hold a role that sees citizen data,
    or they may use the Django admin."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(m.role in TWO_FACTOR_ROLES for m in access.memberships(user))


def is_verified(request) -> bool:
    """Whether this session has passed a second factor (ours, or the identity broker's)."""
    if request.session.get(BROKER_VERIFIED_KEY):
        return True
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def mark_verified_by_broker(request) -> None:
    """For an identity broker's login that asserted two factors (e.g. NSIS "substantial"): the
    session counts as verified without our own code. Call after ``django.contrib.auth.login``."""
    request.session[BROKER_VERIFIED_KEY] = True


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def display_code(token: str) -> str:
    """A recovery code as shown: two groups of four (``abcd-efgh``)."""
    return f"{token[:4]}-{token[4:]}"


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def authenticator_pending(*, user) -> TOTPDevice:
    """The authenticator the user is setting up and has not yet confirmed with a code; made on
    first ask and kept until confirmed, so reloading the page shows the same QR code."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return pending or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None
    throttled: bool = False


@transaction.atomic
def authenticator_confirm(*, user, code: str) -> tuple[TOTPDevice | None, list[str]]:
    """Confirm the pending authenticator with its first code. On success it replaces any earlier
    authenticator, and the user gets a fresh set of recovery codes (returned, to be shown once)."""
    pending = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk")
    ).first()
    if pending is None or not pending.verify_token(_normalised(code)):
        return None, []
    pending.confirmed = True
    pending.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
    return pending, recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """A new set of recovery codes; every earlier code stops working. Returned for showing once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    tokens = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return [display_code(t) for t in tokens]


@transaction.atomic
def code_verify(*, user, code: str) -> Verification:
    """Check a code from the authenticator app (six digits) or a recovery code against the
    user's confirmed devices, each locked for the check so a code cannot be used twice at once."""
    code = _normalised(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    throttled = False
    for device in model.objects.select_for_update().filter(user=user, confirmed=True):
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            throttled = True
        elif device.verify_token(code):
            return Verification(device)
    return Verification(None, throttled=throttled)


def session_verify(request, device) -> None:
    """Mark the session verified by ``device``, under a new session key (the session gained
    rights, so a key seen before must not carry them)."""
    request.session.cycle_key()
    django_otp.login(request, device)


def next_code(device: TOTPDevice) -> str | None:
    """The code the device accepts next: the current time step's, or the next step's when the
    current one was just used (None when both were)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now_t = totp.t()
    t = max(now_t, device.last_t + 1)
    if t > now_t + device.tolerance:
        return None
    totp.drift = device.drift + (t - now_t)
    return f"{totp.token():0{device.digits}d}"


def demo_code(user) -> str | None:
    """In demo mode only: the next code of the user's demo authenticator, so a demo login needs
    no phone. Never anything in production (DEMO_MODE is always off there)."""
    if not settings.DEMO_MODE:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True, name=DEMO_DEVICE_NAME).first()
    return next_code(device) if device else None


@transaction.atomic
def demo_authenticator_ensure(*, user) -> TOTPDevice:
    """The demo user's authenticator (made once, kept across reloads of the demo world)."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Demo authenticators exist only in demo mode.")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device
