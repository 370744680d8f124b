import json

from django.core.management.base import BaseCommand

from outreach import retention


class Command(BaseCommand):
    help = (
        "Delete access events and closed cases past their retention "
        "(ACCESS_EVENT_RETENTION_MONTHS, CLOSED_CASE_RETENTION_MONTHS) and print the rows deleted "
        "per kind as JSON. With --dry-run, count them and delete nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *, dry_run: bool, **options):
        counts = retention.purge_past_retention(dry_run=dry_run)
        self.stdout.write(json.dumps({"dry_run": dry_run, "deleted": counts}, sort_keys=True))
