"""Helpers for casework tests: a municipality's list imported, and the tasks it opened."""

from pathlib import Path

from municipalities import services
from municipalities.models import ContactTask
from municipalities.ssi.weeks import parse_week
from outreach.models import Municipality
from tests.factories import fake_cpr


def import_list(tmp_path: Path, code: str, rows: list[str], week: str = "2021-W10") -> None:
    """Import an SSI list of ``rows`` ("cpr;name;group;invited") for municipality ``code``."""
    path = tmp_path / f"{code}-{week}.csv"
    path.write_text("cpr;navn;målgruppe;invitationsdato\n" + "\n".join(rows), encoding="utf-8")
    list_import, _ = services.ssi_list_import_receive(
        path=path, original_name=path.name, source="command",
        municipality=Municipality.objects.get(code=code), week=parse_week(week),
    )  # fmt: skip
    services.ssi_list_import_process(list_import_id=list_import.pk)


def citizen_tasks(tmp_path: Path, code: str, count: int, *, group: int = 3, start: int = 0):
    """``count`` citizens on ``code``'s list, and their open tasks in priority order."""
    import_list(
        tmp_path,
        code,
        [f"{fake_cpr(n)};Borger {n};{group};01.03.2021" for n in range(start, start + count)],
    )
    return list(
        ContactTask.objects.filter(municipality__code=code, status="open").order_by(
            "priority", "birth_date", "invited_on", "id"
        )
    )
