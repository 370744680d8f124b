"""PostgreSQL restarted under the running app: while it is away a page answers 503 and says to
try again; once it is back the next request answers 200, without restarting the app.

The app runs as a subprocess (gunicorn) whose database connections go through a loopback proxy,
so cutting them leaves the test's own connection alone."""

import os
import subprocess
import sys
import time
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from tests.faults.proxy import Proxy, _free_port
from tests.services import require_postgresql
from tests.workers import ROOT, database_url

STARTUP = 60  # seconds for the app to answer, at most


def get(url: str, session: str = "") -> tuple[int, str]:
    """GET an http://127.0.0.1 URL: (status, body)."""
    parts = urlsplit(url)
    http = HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        http.request("GET", parts.path, headers={"Cookie": f"sessionid={session}"})
        response = http.getresponse()
        return response.status, response.read().decode()
    finally:
        http.close()


def terminate_app_connections() -> int:
    """What a server restart does to its clients: every other backend on the database ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def app_through_proxy(tmp_path, reference_data):
    require_postgresql()
    db = connection.settings_dict
    proxy = Proxy(int(db["PORT"] or 5432), db["HOST"] or "127.0.0.1")
    url = database_url().replace(f"{db['HOST']}:{db['PORT']}", f"127.0.0.1:{proxy.port}", 1)
    assert str(proxy.port) in url
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=url, DEBUG="0", DATABASE_CONN_MAX_AGE="60", LOG_LEVEL="WARNING")
    log = tmp_path / "app.log"
    with open(log, "wb") as out:
        app = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "outreach.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP
    try:
        while True:
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or app.poll() is not None:
                pytest.fail(f"the app did not start:\n{log.read_text()[-4000:]}", pytrace=False)
            time.sleep(0.3)
        yield base, proxy
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
        proxy.cut()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_app_recovers_from_a_database_restart_without_a_restart_of_its_own(
    client, kbh_caseworker, app_through_proxy
):
    base, proxy = app_through_proxy
    client.force_login(kbh_caseworker)  # a session in the shared database, for the app
    session = client.cookies["sessionid"].value
    worklist = base + reverse("municipalities:municipality-worklist", kwargs={"code": "101"})
    assert get(worklist, session)[0] == 200

    # The server goes away: every connection closed, new ones refused.
    proxy.cut()
    terminate_app_connections()
    started = time.monotonic()
    status, body = get(worklist, session)
    assert status == 503
    assert "<h1>" in body and "Traceback" not in body  # a page that says to try again
    assert get(base + "/healthz")[0] == 503
    assert time.monotonic() - started < 20

    # Back: the next request reconnects by itself.
    proxy.restore()
    assert get(worklist, session)[0] == 200
    assert get(base + "/healthz")[0] == 200

    # A restart the proxy does not see: the server ends the app's connection itself.
    assert terminate_app_connections() >= 1
    assert get(worklist, session)[0] == 200
