"""Real Celery workers as subprocesses, for tests that kill one mid-task and start another."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """A ``DATABASE_URL`` for the database this test runs on (the test database)."""
    db = connection.settings_dict
    assert connection.vendor == "postgresql", "a worker subprocess needs a shared database"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{db['HOST'] or ''}{port}/{quote(db['NAME'], safe='')}"


def redis_url_with_db(url: str, db: int) -> str:
    """The same Redis server, another database number."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


class Worker:
    """``celery -A outreach worker`` in its own process, its output in a log file."""

    def __init__(self, name: str, queue: str, env: dict[str, str], log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "outreach", "worker", "--pool=solo",
                   "--concurrency=1", "--loglevel=INFO", "-Q", queue, "-n", f"{name}@%h",
                   "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no ack, no rollback on the worker's side."""
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it takes too long."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, *, deadline: float, what: str, workers: list[Worker], every=0.1):
    """Poll ``condition`` until true; past ``deadline`` (a ``time.monotonic()``) fail with the
    workers' output."""
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.name} ---\n{w.output()[-6000:]}" for w in workers)
            pytest.fail(f"timed out waiting for {what}\n{logs}", pytrace=False)
        time.sleep(every)
