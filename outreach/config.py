"""The one reader of settings from the environment.

Every setting the product takes from outside goes through ``Env``. Values are parsed strictly:
a malformed value stops the process at start with the variable's name and what was expected,
instead of running with a silently guessed default. ``Env.names`` records every variable read, so a
test can prove that ``.env.example`` documents all of them.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_REQUIRED = object()


class Env:
    def __init__(self, environ_: Mapping[str, str] | None = None):
        self.environ = os.environ if environ_ is None else environ_
        self.names: set[str] = set()

    def _raw(self, name: str, default):
        self.names.add(name)
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            if default is _REQUIRED:
                raise ImproperlyConfigured(f"{name} must be set.")
            return None
        return value.strip()

    def str(self, name: str, default=_REQUIRED) -> str:
        value = self._raw(name, default)
        return default if value is None else value

    def bool(self, name: str, default=_REQUIRED) -> bool:
        value = self._raw(name, default)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")

    def int(self, name: str, default=_REQUIRED, *, minimum: int | None = None) -> int:
        value = self._raw(name, default)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
        return number

    def list(self, name: str, default=_REQUIRED) -> list[str]:
        value = self._raw(name, default)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, choices: tuple[str, ...], default=_REQUIRED) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
        return value

    def url(self, name: str, schemes: tuple[str, ...], default=_REQUIRED) -> str | None:
        value = self._raw(name, default)
        if value is None:
            return default
        parts = urlsplit(value)
        if parts.scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}."
            )
        if parts.scheme not in ("sqlite",) and not parts.hostname:
            raise ImproperlyConfigured(f"{name} has no host name.")
        try:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a malformed port.") from None
        return value

    def hours(self, name: str, default=_REQUIRED) -> tuple[int, int]:
        """A span of whole hours of the day, "07-18": from 07:00 up to (not including) 18:00."""
        value = self.str(name, default)
        first, _dash, last = value.partition("-")
        try:
            start, end = int(first), int(last)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a span of hours like 07-18."
            ) from None
        if not 0 <= start < end <= 24:
            raise ImproperlyConfigured(f"{name}={value!r}: the hours must run forward within 0-24.")
        return start, end

    def key32(self, name: str, *, required: bool) -> str:
        """A 32-byte key in URL-safe base64 (``secrets.token_urlsafe(32)`` makes one), or ""."""
        value = self._raw(name, _REQUIRED if required else None)
        if value is None:
            return ""
        try:
            key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except ValueError:
            raise ImproperlyConfigured(f"{name} is not URL-safe base64.") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"{name} must encode exactly 32 bytes, not {len(key)}.")
        return value

    def database(self, name: str, default: str) -> dict:
        url = self.url(name, ("sqlite", "postgres", "postgresql"), default)
        return environ.Env.db_url_config(url)
