"""Settings come from the environment through one strict reader that fails loudly."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from outreach.config import Env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("method", "value", "message"),
    [
        ("bool", "maybe", "is not a boolean"),
        ("int", "ten", "is not a whole number"),
    ],
)
def test_it_rejects_a_malformed_value_by_name(method, value, message):
    env = Env({"SETTING": value})
    with pytest.raises(ImproperlyConfigured, match=f"SETTING='{value}' {message}"):
        getattr(env, method)("SETTING", None)


def test_it_parses_booleans_lists_and_urls():
    env = Env({"A": "yes", "B": "0", "C": "a.dk, b.dk,", "R": "redis://127.0.0.1:6379/0"})
    assert env.bool("A") is True
    assert env.bool("B") is False
    assert env.list("C") == ["a.dk", "b.dk"]
    assert env.url("R", ("redis",)) == "redis://127.0.0.1:6379/0"
    assert env.bool("MISSING", False) is False


@pytest.mark.parametrize("url", ["mysql://db/x", "redis://", "postgres://db:port/x", "not a url"])
def test_it_rejects_a_malformed_database_url(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": url}).database("DATABASE_URL", "sqlite:///x")


KEYS = {"CPR_ENCRYPTION_KEY": "a" * 43, "CPR_LOOKUP_KEY": "b" * 43}


def run_check(**variables):
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    if variables.get("OUTREACH_ENV") == "production":
        environment.update(KEYS)
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_check(OUTREACH_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="x.dk")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_to_start_in_production_without_hosts():
    result = run_check(OUTREACH_ENV="production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_it_refuses_production_with_hosts_that_name_nothing():
    result = run_check(OUTREACH_ENV="production", SECRET_KEY="k" * 60, ALLOWED_HOSTS=" , ")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name at least one host" in result.stderr


def test_it_refuses_debug_in_production():
    result = run_check(
        OUTREACH_ENV="production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="x.dk", DEBUG="1"
    )
    assert result.returncode != 0
    assert "DEBUG cannot be on" in result.stderr


def test_it_fails_at_start_on_a_malformed_redis_url():
    result = run_check(REDIS_URL="http://127.0.0.1:6379")
    assert result.returncode != 0
    assert "REDIS_URL must be a URL starting with redis://" in result.stderr


def test_it_starts_in_production_with_the_required_variables():
    result = run_check(OUTREACH_ENV="production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="x.dk")
    assert result.returncode == 0, result.stderr


def test_it_documents_every_variable_in_env_example():
    from outreach.settings import env

    documented = set(
        re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE)
    )
    assert env.names - documented == set()
    assert documented - env.names == set()


def test_it_refuses_to_start_in_production_without_the_cpr_keys():
    result = run_check(
        OUTREACH_ENV="production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="x.dk", CPR_LOOKUP_KEY=""
    )
    assert result.returncode != 0
    assert "CPR_LOOKUP_KEY must be set" in result.stderr


def test_it_refuses_a_cpr_key_of_the_wrong_length():
    result = run_check(CPR_ENCRYPTION_KEY="c2hvcnQ")
    assert result.returncode != 0
    assert "CPR_ENCRYPTION_KEY must encode exactly 32 bytes" in result.stderr
