"""Tests that need a real service skip without it, except under REQUIRE_SERVICES=1 (CI), where a
missing service is a failure: CI must prove those paths, never skip them."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("REQUIRE_SERVICES", "") == "1"


def require(available: bool, reason: str) -> None:
    if available:
        return
    if REQUIRED:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def require_redis() -> None:
    require(bool(settings.REDIS_URL), "Redis is not configured (set REDIS_URL)")


def require_postgresql() -> None:
    require(connection.vendor == "postgresql", "the database is not PostgreSQL (set DATABASE_URL)")


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    require(os.path.exists(path), "Chromium is not installed (apt-get install chromium)")
    return path
