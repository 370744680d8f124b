import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from municipalities.ssi import benchmark


class Command(BaseCommand):
    help = (
        "Benchmark the SSI import on PostgreSQL: a synthetic national file of --rows rows, timed "
        "against a raw COPY of the same file (in a throwaway database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="Print only the JSON result.")

    def handle(self, rows: int, seed: int, json: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_ingest needs PostgreSQL: set DATABASE_URL.")
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        creation = connection.creation
        original = connection.settings_dict["NAME"]
        database = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            result = benchmark.run(rows, seed=seed)
            result["database"] = database
        finally:
            creation.destroy_test_db(original, verbosity=0)
        if not json:
            self.stderr.write(
                f"{rows} rows: COPY {result['a_raw_copy']['seconds']} s; import "
                f"{result['b_full_import']['ratio_to_copy']}x, again "
                f"{result['c_same_file_again']['ratio_to_copy']}x, next week "
                f"{result['d_next_week']['ratio_to_copy']}x"
            )
        self.stdout.write(json_dumps(result))


def json_dumps(result: dict) -> str:
    return jsonlib.dumps(result, indent=2, default=str)
