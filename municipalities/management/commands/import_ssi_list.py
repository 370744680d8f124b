import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from municipalities import selectors, services
from municipalities.models import SsiListImport
from municipalities.ssi.weeks import parse_week
from outreach.models import Municipality


class Command(BaseCommand):
    help = (
        "Import one SSI weekly list (CSV or XLSX) to the end and print its report. Exit status 0 "
        "when the file was accepted (even with bad rows), 1 when it was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--municipality", help="Code of the municipality whose list this is (omit: national)."
        )
        parser.add_argument(
            "--week", help="The list's ISO week, e.g. 2021-W10 (default: this week)."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, path: Path, municipality, week, json: bool, **options):
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        owner = None
        if municipality:
            owner = Municipality.objects.filter(code=municipality.lstrip("0") or "0").first()
            if owner is None:
                raise CommandError(f"No municipality with code {municipality!r}.")
        try:
            monday = parse_week(week) if week else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        list_import, created = services.ssi_list_import_receive(
            path=path,
            original_name=path.name,
            source=SsiListImport.Source.COMMAND,
            municipality=owner,
            week=monday,
        )
        if not list_import.is_finished:  # new, or left unfinished by an earlier run
            list_import = services.ssi_list_import_process(list_import_id=list_import.pk)
        report = selectors.import_report(list_import)
        report["duplicate_of_earlier_import"] = not created
        self._print(report, as_json=json)
        if list_import.status == SsiListImport.Status.REJECTED:
            raise SystemExit(1)

    def _print(self, report: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        if report["duplicate_of_earlier_import"]:
            self.stdout.write(f"This file was imported before (import {report['id']}).")
        self.stdout.write(f"{report['file']}, week {report['week']}: {report['status']}")
        if report["rejection_reason"]:
            self.stdout.write(f"Rejected: {report['rejection_reason']}")
        for name, value in report["counts"].items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {value}")
        if report["extra_columns"]:
            self.stdout.write(f"  ignored columns: {', '.join(report['extra_columns'])}")
        for error in report["errors"][:50]:
            self.stdout.write(f"  line {error['line']} ({error['cpr']}): {error['reason']}")
        if len(report["errors"]) > 50:
            self.stdout.write(f"  ... and {len(report['errors']) - 50} more rows rejected")
