"""Project-wide checks that CI relies on: migrations match the models, dependencies are pinned."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations --check found changes:\n{out.getvalue()} ({exit_})")


def test_it_pins_every_dependency_exactly():
    """CI and every machine install exactly the versions the suite ran against: each direct
    requirement is pinned with ``==``, and each package they pull in is pinned in the lock file
    the Makefile installs with."""
    root = Path(__file__).resolve().parents[2]
    direct = requirement_lines(root / "requirements.txt")
    locked = requirement_lines(root / "requirements.lock")
    assert direct, "requirements.txt lists no packages"
    unpinned = [line for line in direct + locked if not PINNED.fullmatch(line)]
    assert unpinned == []
    names = {canonical(line) for line in locked}
    assert {canonical(line) for line in direct} - names == set()


PINNED = re.compile(r"[A-Za-z0-9._\[\],-]+==[A-Za-z0-9.+!-]+")


def requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def canonical(line: str) -> str:
    return re.sub(r"[-_.]+", "-", line.split("==")[0].split("[")[0]).lower()
