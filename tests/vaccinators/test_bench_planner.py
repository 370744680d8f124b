"""The planner benchmark runs end to end at a small size: generated days in Region Hovedstaden's
postcodes, every figure reported and every target judged (and met). A smoke test of the command;
the figures at full size are in docs/benchmarks.md."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def bench(*options: str) -> str:
    out = StringIO()
    call_command("bench_planner", "--sizes", "12/2,18/3", "--seeds", "2", "--long-factor", "2",
                 *options, stdout=out)  # fmt: skip
    return out.getvalue()


def test_it_plans_generated_days_and_judges_every_target(reference_data):
    result = json.loads(bench("--json"))

    assert result["region"] == "Region Hovedstaden"
    assert result["product"] == {"code": "comirnaty", "doses_per_vial": 6, "window_hours": 6.0}
    assert [s["size"] for s in result["sizes"]] == ["12/2", "18/3"]
    for size in result["sizes"]:
        assert size["seeds"] == 2 and len(size["runs"]) == 2
        # More candidates than doses: 1.3 times the stock's doses.
        assert size["candidates"] == round(1.3 * size["doses"]) > size["doses"]
        assert 0 < size["stops"]["min"] <= size["stops"]["max"] <= size["doses"]
        assert size["stops"]["min"] % 6 == 0
        assert 0 < size["solve_seconds"]["mean"] <= size["solve_seconds"]["max"]
        for run in size["runs"]:
            assert run["stops"] + run["unassigned"] == run["candidates"]
            assert run["vials"] * 6 == run["stops"] + run["waste"]
            assert run["long_run_solves"] >= 1
            assert run["long_run_drive_seconds"] is None or run["long_run_drive_seconds"] > 0
            assert run["drive_gap_percent"] is None or run["drive_gap_percent"] >= 0
        assert size["drive_gap_percent"]["compared"] >= 1
        assert all(size["targets"].values())
    assert result["targets"] == {
        "solved_in_under_2_s_up_to_60_visits": True,
        "no_dose_wasted_when_candidates_outnumber_doses": True,
        "no_vial_window_violated": True,
        "working_hours_kept": True,
        "drive_within_3_percent_of_the_long_run": True,
    }


def test_it_prints_a_table_a_person_reads(reference_data):
    out = bench()

    assert "Region Hovedstaden" in out and "12/2" in out and "18/3" in out
    assert out.count("met    ") == 5


def test_it_refuses_a_size_it_cannot_read(reference_data):
    with pytest.raises(CommandError, match="visits/vaccinators"):
        call_command("bench_planner", "--sizes", "60x4")
