"""SSI's weekly lists become citizens and contact tasks (DESIGN.md §7), through one pipeline."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from municipalities import services
from municipalities.models import ContactTask, SsiImportError, SsiListImport
from municipalities.ssi.weeks import parse_week
from outreach import cpr
from outreach.models import Citizen, Municipality
from tests.factories import fake_cpr

pytestmark = pytest.mark.django_db

HEADER = "cpr;navn;målgruppe;invitationsdato;kommunekode\n"


def write(tmp_path: Path, name: str, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def row(n: int, municipality: str = "101", name: str | None = None, group: int = 3) -> str:
    return f"{fake_cpr(n)};{name or f'Borger {n}'};{group};01.03.2021;{municipality}"


def run_import(path: Path, *, week: str, municipality: str | None = None) -> SsiListImport:
    list_import, created = services.ssi_list_import_receive(
        path=path,
        original_name=path.name,
        source=SsiListImport.Source.COMMAND,
        municipality=Municipality.objects.get(code=municipality) if municipality else None,
        week=parse_week(week),
    )
    assert created
    return services.ssi_list_import_process(list_import_id=list_import.pk)


def open_tasks(code: str = "101") -> set[str]:
    return set(
        ContactTask.objects.filter(municipality__code=code, status="open").values_list(
            "citizen__name", flat=True
        )
    )


def test_it_turns_a_list_into_citizens_and_open_tasks(tmp_path, koebenhavn):
    result = run_import(write(tmp_path, "w10.csv", [row(1), row(2), row(3)]), week="2021-W10")
    assert result.status == "done"
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 3, 0)
    assert (result.citizens_new, result.tasks_opened) == (3, 3)
    assert open_tasks() == {"Borger 1", "Borger 2", "Borger 3"}
    citizen = Citizen.objects.get(name="Borger 1")
    number = fake_cpr(1).replace("-", "")
    assert cpr.vault().decrypt(citizen.cpr_encrypted) == number
    assert citizen.cpr_hash == cpr.vault().lookup_hash(number)
    assert citizen.masked_cpr == number[:6] + "-XXXX"
    assert number.encode() not in bytes(citizen.cpr_encrypted)
    assert citizen.target_group_id == 3


def test_it_follows_the_weekly_semantics_over_three_weeks(tmp_path, koebenhavn):
    run_import(write(tmp_path, "w10.csv", [row(1), row(2), row(3)]), week="2021-W10")

    # Week 11: 1 and 2 still unbooked, 3 booked on their own, 4 is new.
    week11 = run_import(write(tmp_path, "w11.csv", [row(1), row(2), row(4)]), week="2021-W11")
    assert (week11.tasks_still_open, week11.tasks_auto_closed, week11.tasks_opened) == (2, 1, 1)
    assert open_tasks() == {"Borger 1", "Borger 2", "Borger 4"}
    closed = ContactTask.objects.get(citizen__name="Borger 3")
    assert (closed.status, closed.close_reason) == ("closed", "booked")
    still = ContactTask.objects.get(citizen__name="Borger 1")
    assert (still.times_listed, still.last_listed_week) == (2, parse_week("2021-W11"))

    # Week 12: 3 is back (the same task reopens), 2 is gone.
    week12 = run_import(write(tmp_path, "w12.csv", [row(1), row(3), row(4)]), week="2021-W12")
    assert (week12.tasks_reopened, week12.tasks_auto_closed, week12.tasks_opened) == (1, 1, 0)
    assert open_tasks() == {"Borger 1", "Borger 3", "Borger 4"}
    assert ContactTask.objects.filter(citizen__name="Borger 3").count() == 1
    assert ContactTask.objects.get(citizen__name="Borger 3").times_listed == 2


def test_it_closes_nothing_with_a_list_older_than_the_newest(tmp_path, koebenhavn):
    run_import(write(tmp_path, "w11.csv", [row(1), row(2)]), week="2021-W11")
    late = run_import(write(tmp_path, "w10.csv", [row(1), row(3)]), week="2021-W10")
    assert late.tasks_auto_closed == 0
    assert open_tasks() == {"Borger 1", "Borger 2", "Borger 3"}


def test_it_leaves_a_triaged_task_open_when_the_citizen_drops_off(tmp_path, koebenhavn):
    run_import(write(tmp_path, "w10.csv", [row(1), row(2)]), week="2021-W10")
    ContactTask.objects.filter(citizen__name="Borger 1").update(triaged=True)
    run_import(write(tmp_path, "w11.csv", [row(2)]), week="2021-W11")
    assert open_tasks() == {"Borger 1", "Borger 2"}


def test_it_moves_a_citizen_listed_by_another_municipality(tmp_path, koebenhavn, aarhus):
    run_import(write(tmp_path, "kbh.csv", [row(1), row(2)]), week="2021-W10", municipality="101")
    moved = run_import(
        write(tmp_path, "aar.csv", [row(1, municipality="751")]),
        week="2021-W11",
        municipality="751",
    )
    assert (moved.tasks_moved, moved.tasks_opened, moved.citizens_updated) == (1, 1, 1)
    assert open_tasks("101") == {"Borger 2"}
    assert open_tasks("751") == {"Borger 1"}
    old = ContactTask.objects.get(citizen__name="Borger 1", municipality__code="101")
    assert old.close_reason == "moved"
    assert Citizen.objects.get(name="Borger 1").municipality.code == "751"


def test_it_reports_bad_rows_and_keeps_the_good_ones(tmp_path, koebenhavn):
    rows = [
        row(1),
        "0102031234X;Forkert CPR;3;01.03.2021;101",
        f"{fake_cpr(2)};Umulig dato;3;31.02.2021;101",
        f"{fake_cpr(3)};Forkert gruppe;13;01.03.2021;101",
        row(4),
        row(1, name="Dublet"),
        row(5, municipality="751"),
    ]
    result = run_import(write(tmp_path, "bad.csv", rows), week="2021-W10", municipality="101")
    assert result.status == "done"
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (7, 2, 5)
    assert open_tasks() == {"Borger 1", "Borger 4"}
    errors = list(SsiImportError.objects.filter(list_import=result).order_by("line"))
    assert [e.line for e in errors] == [3, 4, 5, 7, 8]
    assert "earlier in the file" in errors[3].reason or "tidligere" in errors[3].reason
    assert errors[3].masked_cpr == fake_cpr(1)[:6] + "-XXXX"
    assert "751" in errors[4].reason
    for error in errors:
        assert len([c for c in error.masked_cpr if c.isdigit()]) <= 6
        assert fake_cpr(2).replace("-", "") not in error.reason


def test_it_needs_a_known_municipality_code_in_a_national_file(tmp_path, koebenhavn):
    rows = [row(1, municipality="101"), row(2, municipality="751"), row(3, municipality="999")]
    result = run_import(write(tmp_path, "national.csv", rows), week="2021-W10")
    assert (result.rows_accepted, result.rows_rejected) == (2, 1)
    assert open_tasks("101") == {"Borger 1"}
    assert open_tasks("751") == {"Borger 2"}
    assert "999" in result.errors.get().reason


def test_it_writes_nothing_when_the_same_list_comes_again(tmp_path, koebenhavn):
    run_import(write(tmp_path, "w10.csv", [row(1), row(2)]), week="2021-W10")
    before = list(Citizen.objects.values_list("id", "updated_at").order_by("id"))
    again = run_import(write(tmp_path, "w10b.csv", [row(1), row(2), ""]), week="2021-W10")
    assert (again.citizens_new, again.citizens_updated, again.tasks_opened) == (0, 0, 0)
    assert list(Citizen.objects.values_list("id", "updated_at").order_by("id")) == before
    assert ContactTask.objects.get(citizen__name="Borger 1").times_listed == 1


def test_it_treats_the_same_file_twice_as_one_import(tmp_path, koebenhavn):
    path = write(tmp_path, "w10.csv", [row(1)])
    first = run_import(path, week="2021-W10")
    second, created = services.ssi_list_import_receive(
        path=path, original_name="again.csv", source="command", municipality=None
    )
    assert not created
    assert second == first
    assert SsiListImport.objects.count() == 1


def test_it_deletes_the_file_once_imported(tmp_path, koebenhavn):
    result = run_import(write(tmp_path, "w10.csv", [row(1)]), week="2021-W10")
    assert not result.file


def test_it_rejects_an_unreadable_file_whole(tmp_path, koebenhavn):
    path = tmp_path / "list.csv"
    path.write_bytes(b"\x00\x01\x02PDF garbage\x00" * 100)
    result = run_import(path, week="2021-W10")
    assert result.status == "rejected"
    assert result.rejection_reason
    assert not Citizen.objects.exists()


def test_it_imports_from_the_command_line_with_a_json_report(tmp_path, koebenhavn, capsys):
    path = write(tmp_path, "w10.csv", [row(1), "bad;row;x;y;101"])
    call_command(
        "import_ssi_list", str(path), "--municipality", "101", "--week", "2021-W10", "--json"
    )
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "done"
    assert report["counts"]["rows_accepted"] == 1
    assert report["errors"][0]["line"] == 3


def test_it_exits_1_from_the_command_line_when_the_file_is_rejected(tmp_path, koebenhavn):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_ssi_list", str(path), "--municipality", "101")
    assert exit_.value.code == 1


def test_it_closes_nothing_with_a_list_whose_rows_were_all_rejected(tmp_path, koebenhavn):
    run_import(write(tmp_path, "w10.csv", [row(1), row(2)]), week="2021-W10", municipality="101")
    misdirected = run_import(
        write(tmp_path, "w11.csv", [row(3, municipality="751")]),
        week="2021-W11",
        municipality="101",
    )
    assert (misdirected.rows_accepted, misdirected.tasks_auto_closed) == (0, 0)
    assert open_tasks() == {"Borger 1", "Borger 2"}


def test_it_does_not_count_a_skipped_duplicate_as_covering_its_municipality(
    tmp_path, koebenhavn, aarhus
):
    run_import(write(tmp_path, "aar.csv", [row(5, municipality="751")]), week="2021-W10")
    rows = [row(1, municipality="101"), row(1, municipality="751")]
    national = run_import(write(tmp_path, "dk.csv", rows), week="2021-W11")
    assert national.tasks_auto_closed == 0
    assert open_tasks("751") == {"Borger 5"}


def test_it_moves_and_reopens_nothing_with_an_older_list(tmp_path, koebenhavn, aarhus):
    run_import(write(tmp_path, "kbh10.csv", [row(1), row(2)]), week="2021-W10", municipality="101")
    run_import(
        write(tmp_path, "aar11.csv", [row(1, municipality="751", name="Nyt Navn")]),
        week="2021-W11",
        municipality="751",
    )
    run_import(write(tmp_path, "kbh11.csv", [row(3)]), week="2021-W11", municipality="101")
    late = run_import(
        write(tmp_path, "kbh10b.csv", [row(1), row(2), row(4)]), week="2021-W10", municipality="101"
    )
    assert (late.tasks_moved, late.tasks_reopened, late.tasks_auto_closed) == (0, 0, 0)
    assert late.tasks_opened == 1  # Borger 4 was never listed before
    assert open_tasks("751") == {"Nyt Navn"}
    assert open_tasks("101") == {"Borger 3", "Borger 4"}
    assert Citizen.objects.get(name="Nyt Navn").municipality.code == "751"


def test_it_rejects_a_row_with_a_value_too_long_to_store_and_keeps_the_rest(tmp_path, koebenhavn):
    header = "cpr;navn;målgruppe;invitationsdato;postnummer\n"
    rows = [
        f"{fake_cpr(1)};Karen;3;01.03.2021;2200 København N",
        f"{fake_cpr(2)};{'x' * 201};3;01.03.2021;",
        f"{fake_cpr(3)};Bo;3;01.03.2021;2200",
    ]
    result = run_import(
        write(tmp_path, "long.csv", rows, header=header), week="2021-W10", municipality="101"
    )
    assert (result.rows_accepted, result.rows_rejected) == (1, 2)
    assert open_tasks() == {"Bo"}


def test_it_finishes_a_rerun_of_a_finished_import_without_changes(tmp_path, koebenhavn):
    done = run_import(write(tmp_path, "w10.csv", [row(1)]), week="2021-W10")
    stale = SsiListImport.objects.get(pk=done.pk)
    SsiListImport.objects.filter(pk=done.pk).update(status="processing")
    SsiListImport.objects.filter(pk=done.pk).update(status="done")
    again = services.ssi_list_import_process(list_import_id=stale.pk)
    assert again.status == "done"
    assert ContactTask.objects.count() == 1
