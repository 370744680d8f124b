"""A dump of the database holds no CPR number in the clear: citizens imported the real way, with
contact details, attempts and a decision, and a help request naming a citizen by CPR, leave only
ciphertext and keyed hashes behind (DESIGN.md §5)."""

import os
import shutil
import subprocess
from glob import glob

import pytest
from django.db import connection

from municipalities.models import Visitation
from municipalities.services import cases, help
from outreach.models import Citizen, Municipality
from tests.factories import fake_cpr
from tests.municipalities.casework import citizen_tasks
from tests.services import require_postgresql

COUNT = 6


def pg_dump_binary() -> str:
    found = shutil.which("pg_dump") or next(
        iter(sorted(glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)), None
    )
    if found is None:
        pytest.fail("pg_dump is not installed (apt-get install postgresql-client)")
    return found


def dump(*options: str) -> str:
    db = connection.settings_dict
    command = [pg_dump_binary(), "--no-owner", *options, "--dbname", db["NAME"]]
    for flag, value in (("--host", db["HOST"]), ("--port", db["PORT"]), ("--username", db["USER"])):
        if value:
            command += [flag, str(value)]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})}
    result = subprocess.run(command, env=env, capture_output=True, timeout=120, check=True)
    return result.stdout.decode("utf-8", errors="replace")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_database_dump_holds_no_cpr_in_the_clear(tmp_path, reference_data, kbh_caseworker):
    require_postgresql()
    tasks = citizen_tasks(tmp_path, "101", COUNT)
    task = tasks[0]
    cases.citizen_contact_details_update(
        task=task, user=kbh_caseworker, phone="+45 20 30 40 50", guardian_name="Hanne Holm"
    )
    cases.attempt_record(
        task=task, user=kbh_caseworker, channel="phone", reached=True, answered_by="citizen"
    )
    Citizen.objects.filter(pk=task.citizen_id).update(guardian_name="")
    cases.visitation_decide(
        task=task, user=kbh_caseworker, decision=Visitation.Decision.HOME,
        mobility=Visitation.Mobility.BEDRIDDEN, wants_vaccination=True,
    )  # fmt: skip
    help.help_request_submit(
        municipality=Municipality.objects.get(code="101"), cpr_number=fake_cpr(1),
        name="Borger 1", phone="+45 20 30 40 51", street="Nørregade 1", postcode="1165",
        relation="self", requester_name="", message="Please call me.",
    )  # fmt: skip

    numbers = [fake_cpr(n) for n in range(COUNT)]
    for text in (dump("--data-only"), dump()):
        assert "Borger 1" in text and "+45 20 30 40 51" in text  # the data is in the dump
        for number in numbers:
            digits = number.replace("-", "")
            assert digits not in text, f"{number[:6]}-XXXX in the clear"
            assert number not in text, f"{number[:6]}-XXXX in the clear"
            born = Citizen.objects.get(name=f"Borger {numbers.index(number)}").birth_date
            for line in text.splitlines():
                if born.isoformat() in line:  # the birth date, never beside its sequence
                    assert digits[6:] not in line.split("\t"), line[:80]
