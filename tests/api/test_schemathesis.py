"""Schemathesis against a live server, once per role: every operation of the OpenAPI schema is
called with generated input (valid and invalid) under that role's API token, and no answer may
be a server error or differ from what the schema says (status code, content type, body).

The run is bounded (a fixed seed, a fixed number of examples per operation) so that it takes the
same time and finds the same things on every run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.api import world

pytestmark = [pytest.mark.api_fuzz, pytest.mark.django_db(transaction=True)]

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)
MAX_EXAMPLES = 15
SEED = 20210315
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
ROLES = ("caseworker", "coordinator", "vaccinator", "integration", "auditor", "administrator")


@pytest.fixture
def api_world(
    tmp_path,
    tasks_in_process,
    kbh_caseworker,
    hovedstaden_coordinator,
    noerrebro_practice,
    noerrebro_gp,
    kbh_auditor,
    administrator,
):
    return world.build(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        vaccinator=noerrebro_gp,
        auditor=kbh_auditor,
        administrator=administrator,
    )


def _failures(report: Path) -> list[str]:
    """The failed and errored test cases of a JUnit report, with their messages."""
    found = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):  # noqa: S314 (our own file)
        for problem in [*case.findall("failure"), *case.findall("error")]:
            text = "\n".join(filter(None, (problem.get("message"), problem.text)))
            found.append(f"{case.get('name')}: {text.strip()[:2000]}")
    return found


def _fuzz(role: str, api_world, live_server, folder: Path) -> list[str]:
    """Run schemathesis with ``role``'s token; the failures it reports."""
    report = folder / f"schemathesis-{role}.xml"
    config = folder / "schemathesis.toml"
    config.write_text(api_world.schemathesis_config(), encoding="utf-8")
    command = [
        SCHEMATHESIS,
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{live_server.url}/api/schema/?format=json",
        "--header",
        f"Authorization: Token {api_world.tokens()[role]}",
        # A connection per request: the test server's replies on a kept-alive connection wait
        # for the client's delayed acknowledgement (some 40 ms each).
        "--header",
        "Connection: close",
        "--checks",
        CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--generation-with-security-parameters",
        "false",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=300, cwd=folder, check=False
    )
    print(run.stdout)  # shown with -s, or under a failure
    if not report.exists():
        return [f"{role}: schemathesis did not run:\n{run.stdout[-5000:]}{run.stderr[-5000:]}"]
    failures = [f"{role}: {failure}" for failure in _failures(report)]
    if run.returncode != 0 and not failures:
        failures.append(f"{role}: schemathesis exited {run.returncode}:\n{run.stdout[-8000:]}")
    return failures


def test_it_answers_every_generated_request_as_the_schema_says(api_world, live_server, tmp_path):
    """One profile per role, against one world (set up once: the roles share it)."""
    failures = [
        failure for role in ROLES for failure in _fuzz(role, api_world, live_server, tmp_path)
    ]
    assert not failures, "\n\n".join(failures)
