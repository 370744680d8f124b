import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from municipalities import worklist_benchmark as benchmark


class Command(BaseCommand):
    help = (
        "Benchmark the caseworker's pages on PostgreSQL: one municipality with --tasks contact "
        "tasks in mixed stages (in a throwaway database), queries and server time per page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=100_000)
        parser.add_argument(
            "--requests", type=int, default=200, help="Timed requests per page (after 5 warm-up)."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--municipality", default="101", help="The municipality's code.")
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Build and measure in the configured database itself (any engine), replacing "
            "the municipality's citizens and cases there. For tests; never on real data.",
        )
        parser.add_argument("--json", action="store_true", help="Print only the JSON result.")

    def handle(self, tasks: int, requests: int, seed: int, municipality: str, in_place: bool,
               json: bool, **options):  # fmt: skip
        if tasks < 1 or requests < 1:
            raise CommandError("--tasks and --requests must be at least 1.")
        if in_place:
            result = benchmark.run(tasks, requests=requests, seed=seed, code=municipality)
            result["database"] = connection.settings_dict["NAME"]
        else:
            if connection.vendor != "postgresql":
                raise CommandError("bench_worklist needs PostgreSQL (set DATABASE_URL).")
            creation = connection.creation
            original = connection.settings_dict["NAME"]
            database = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                result = benchmark.run(tasks, requests=requests, seed=seed, code=municipality)
                result["database"] = database
            finally:
                creation.destroy_test_db(original, verbosity=0)
        if json:
            self.stdout.write(jsonlib.dumps(result, indent=2, default=str))
        else:
            self.stdout.write(table(result))


def table(result: dict) -> str:
    """The result as a table a person reads."""
    data, derived = result["data"], result["derived"]
    lines = [
        f"{result['tasks']:,} tasks in municipality {result['municipality']} "
        f"({data['to_do_tasks']:,} to do; built in {data['seconds']} s), "
        f"{result['requests']} requests per page; {result['machine']['database']} "
        f"{result['machine']['database_version']}",
        "",
        f"{'page':<22} {'queries':>7} {'(BEGIN/COMMIT)':>14} {'p50 ms':>8} {'p95 ms':>8}  url",
    ]
    for name, page in result["pages"].items():
        lines.append(
            f"{name:<22} {page['queries']:>7} {page['of_which_begin_commit']:>14} "
            f"{page['p50_ms']:>8.1f} {page['p95_ms']:>8.1f}  {page['url']}"
        )
    beyond = ", ".join(f"{k} {v}" for k, v in derived["worklist_queries_beyond_trivial"].items())
    lines += [
        "",
        f"worklist queries beyond the trivial view: {beyond}",
        f"deep page / first page: p95 {derived['deep_to_first_p95']}, "
        f"p50 {derived['deep_to_first_p50']} "
        f"(deep page after {data['deep_page_after_rows']:,} rows)",
        "",
    ]
    lines += [
        f"{'met    ' if met else 'NOT MET'}  {name}" for name, met in result["targets"].items()
    ]
    return "\n".join(lines)
