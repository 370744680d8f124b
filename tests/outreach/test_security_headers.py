"""Every response carries the Content Security Policy (no inline script), and the other headers
and cookie flags; with production's variables Django's deployment checks find nothing."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/login/", "/municipalities/101/", "/help/101/", "/healthz", "/api/docs/", "/nowhere/"]
)
def test_it_sends_the_policy_on_every_response(client, kbh_caseworker, path):
    client.force_login(kbh_caseworker)
    response = client.get(path)
    policy = directives(response)
    assert policy["script-src"] == "script-src 'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_it_serves_the_api_docs_script_as_a_file(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and "<style>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_it_sets_the_cookies_httponly(client, kbh_caseworker):
    response = client.post(
        reverse("login"), {"username": "signe", "password": "correct-horse-battery"}
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=\s*[\"']", re.I), "on* event handler"),
    (re.compile(r"<[a-z][^>]*\shx-on", re.I), "hx-on (needs eval)"),
    (re.compile(r"<style", re.I), "inline <style>"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=\s*[\"']", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def check_deploy(**extra) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHON": sys.executable, **extra}
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "check_deploy.sh")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_the_deployment_checks_pass_with_production_variables():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_catch_a_production_weakness():
    result = check_deploy(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr
