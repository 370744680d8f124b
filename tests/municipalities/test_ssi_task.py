"""The import job: an id in, the import out; a failure leaves a clear status, never "processing"."""

import pytest

from municipalities import services
from municipalities.models import SsiListImport
from municipalities.tasks import process_ssi_list
from tests.factories import fake_cpr

pytestmark = pytest.mark.django_db


def received(tmp_path, koebenhavn):
    path = tmp_path / "list.csv"
    path.write_text(f"cpr;navn;målgruppe;invitationsdato\n{fake_cpr(1)};Karen;3;01.03.2021\n")
    list_import, _created = services.ssi_list_import_receive(
        path=path, original_name="list.csv", source="command", municipality=koebenhavn
    )
    return list_import


def test_it_processes_an_import_given_only_its_id(tmp_path, koebenhavn, tasks_in_process):
    list_import = received(tmp_path, koebenhavn)
    assert process_ssi_list.delay(list_import.pk).get() == "done"
    assert process_ssi_list.delay(list_import.pk).get() == "done"  # again: nothing changes
    assert SsiListImport.objects.get().tasks_opened == 1


def test_it_marks_an_import_that_crashed_as_rejected(
    tmp_path, koebenhavn, tasks_in_process, monkeypatch
):
    list_import = received(tmp_path, koebenhavn)

    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("municipalities.ssi.pipeline._apply", crash)
    with pytest.raises(RuntimeError):
        process_ssi_list.delay(list_import.pk).get()
    list_import.refresh_from_db()
    assert list_import.status == "rejected"
    assert "fejl i systemet" in list_import.rejection_reason  # stored in the product's language
