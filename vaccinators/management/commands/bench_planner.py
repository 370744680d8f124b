import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from vaccinators.planner import benchmark


class Command(BaseCommand):
    help = (
        "Benchmark the route planner on generated days of home visits in Region Hovedstaden's "
        "postcodes: solve time, doses wasted, vial windows and drive time against a long run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default=benchmark.DEFAULT_SIZES,
            help="Home visits wanted / vaccinators, comma-separated (default %(default)s).",
        )
        parser.add_argument("--seeds", type=int, default=5, help="Instances per size.")
        parser.add_argument("--threads", type=int, default=1, help="VROOM's threads.")
        parser.add_argument(
            "--long-factor",
            type=float,
            default=10,
            help="The long run's time as a multiple of the planner's (default %(default)s).",
        )
        parser.add_argument("--json", action="store_true", help="Print only the JSON result.")

    def handle(self, sizes: str, seeds: int, threads: int, long_factor: float, json: bool,
               **options):  # fmt: skip
        try:
            parsed = benchmark.parse_sizes(sizes)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if seeds < 1 or threads < 1 or long_factor <= 0:
            raise CommandError("--seeds and --threads must be at least 1, --long-factor above 0.")
        result = benchmark.run(sizes=parsed, seeds=seeds, threads=threads, long_factor=long_factor)
        if json:
            self.stdout.write(jsonlib.dumps(result, indent=2))
        else:
            self.stdout.write(table(result))


def table(result: dict) -> str:
    """The result as a table a person reads."""
    product, settings = result["product"], result["settings"]
    lines = [
        f"{result['region']} ({result['postcode_points']} postcode points), "
        f"{product['code']} ({product['doses_per_vial']} doses, {product['window_hours']:g} h "
        f"after opening), VROOM {result['machine']['vroom']} level "
        f"{settings['exploration_level']}, {settings['threads']} thread(s), "
        f"{result['machine']['cpus']} CPUs",
        "",
        f"{'size':>6} {'cand.':>5} {'solve s mean/max':>17} {'stops min-max':>13} "
        f"{'wasted':>6} {'windows':>7} {'late':>4} {'drive gap % mean/max':>21}",
    ]
    for size in result["sizes"]:
        solve, stops, gap = size["solve_seconds"], size["stops"], size["drive_gap_percent"]
        lines.append(
            f"{size['size']:>6} {size['candidates']:>5} "
            f"{solve['mean']:>8.2f}/{solve['max']:<8.2f} "
            f"{stops['min']:>6}-{stops['max']:<6} {size['waste']:>6} "
            f"{size['window_violations']:>7} {size['after_hours']:>4} "
            f"{_figure(gap['mean']):>10}/{_figure(gap['max']):<6} ({gap['compared']} compared)"
        )
    lines.append("")
    for name, met in result["targets"].items():
        sizes = ", ".join(
            f"{size['size']} {_verdict(size['targets'][name])}" for size in result["sizes"]
        )
        lines.append(f"{'met    ' if met else 'NOT MET'}  {name} ({sizes})")
    return "\n".join(lines)


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else "met" if met else "not met"


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
