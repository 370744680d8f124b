"""Files SSI drops into the inbox folder are imported and moved aside by the beat job."""

import os
import time

import pytest

from municipalities.models import ContactTask, SsiListImport
from municipalities.ssi import inbox
from municipalities.tasks import scan_ssi_inbox
from tests.factories import fake_cpr

pytestmark = pytest.mark.django_db


def drop(folder, name, body: str, *, age: int = 60):
    path = folder / name
    path.write_text(body, encoding="utf-8")
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_it_imports_settled_files_and_moves_them_aside(
    tmp_path, settings, koebenhavn, aarhus, tasks_in_process
):
    settings.SSI_INBOX_DIR = str(tmp_path)
    drop(
        tmp_path,
        "101_uge-2021-W10.csv",
        f"cpr;navn;målgruppe;invitationsdato\n{fake_cpr(1)};Karen;3;01.03.2021\n",
    )
    drop(
        tmp_path,
        "national-2021-W10.csv",
        f"cpr;navn;målgruppe;invitationsdato;kommunekode\n{fake_cpr(2)};Bo;7;01.03.2021;751\n",
    )
    drop(tmp_path, "garbage.csv", "\x00\x01\x02 not a list \x00")
    drop(tmp_path, "arriving.csv", "cpr;navn", age=0)

    assert scan_ssi_inbox.delay().get() == 3

    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == [
        "101_uge-2021-W10.csv",
        "national-2021-W10.csv",
    ]
    assert [p.name for p in (tmp_path / "rejected").iterdir()] == ["garbage.csv"]
    assert (tmp_path / "arriving.csv").exists()  # still being written: next scan
    municipal = SsiListImport.objects.get(original_name="101_uge-2021-W10.csv")
    assert (municipal.municipality.code, municipal.week, municipal.source) == (
        "101",
        "2021-W10",
        "inbox",
    )
    assert SsiListImport.objects.get(original_name="national-2021-W10.csv").municipality is None
    assert set(ContactTask.objects.values_list("municipality__code", flat=True)) == {"101", "751"}


def test_it_moves_a_file_seen_before_without_importing_it_twice(tmp_path, koebenhavn):
    body = f"cpr;navn;målgruppe;invitationsdato\n{fake_cpr(1)};Karen;3;01.03.2021\n"
    drop(tmp_path, "101_a.csv", body)
    inbox.scan(tmp_path)
    drop(tmp_path, "101_a.csv", body)
    inbox.scan(tmp_path)
    assert SsiListImport.objects.count() == 1
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == [
        "101_a.1.csv",
        "101_a.csv",
    ]


def test_it_does_nothing_without_an_inbox_folder(tmp_path):
    assert inbox.scan(tmp_path / "missing") == []
