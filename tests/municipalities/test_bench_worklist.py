"""The worklist benchmark runs end to end at a small size: every page measured, every target
judged. A smoke test of the command, not of speed; it runs on SQLite and on PostgreSQL alike
(no ``services`` mark), building in the test database with ``--in-place``."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.models import ContactTask
from outreach.models import Citizen

pytestmark = pytest.mark.django_db

PAGES = {
    "trivial",
    "worklist_first",
    "worklist_filtered",
    "worklist_deep",
    "worklist_name_search",
    "case_page",
    "dashboard",
}


def bench(*options: str) -> str:
    out = StringIO()
    call_command("bench_worklist", "--in-place", "--tasks", "300", "--requests", "5", *options,
                 stdout=out)  # fmt: skip
    return out.getvalue()


def test_it_builds_the_cases_and_measures_every_page_through_the_whole_stack(koebenhavn):
    result = json.loads(bench("--json"))

    assert result["tasks"] == 300
    assert result["requests"] == 5
    assert set(result["pages"]) == PAGES
    for name, page in result["pages"].items():
        assert page["queries"] > 0, name
        assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["max_ms"], name
    pages = result["pages"]
    assert pages["trivial"]["status"] == 302
    # Every worklist page costs more than the trivial view, and the deep page no more than the
    # first.
    for name in ("worklist_first", "worklist_filtered", "worklist_deep"):
        assert pages[name]["queries"] > pages["trivial"]["queries"]
    assert pages["worklist_deep"]["queries"] == pages["worklist_first"]["queries"]
    assert "after=" in pages["worklist_deep"]["url"]
    # The name search and the case page write their access event in a transaction.
    assert pages["worklist_name_search"]["of_which_begin_commit"] == 2

    data = result["data"]
    assert sum(data["by_stage"].values()) == 300
    assert data["by_stage"]["new"] > 0 and data["by_stage"]["closed"] > 0
    assert data["attempts"] > 0 and data["visitations"] > 0 and data["referrals"] > 0
    assert 0 < data["deep_page_after_rows"] < data["to_do_tasks"]
    assert Citizen.objects.filter(municipality=koebenhavn).count() == 300
    assert ContactTask.objects.filter(municipality=koebenhavn).count() == 300
    assert result["derived"]["worklist_queries_beyond_trivial"]["worklist_first"] > 0
    assert all(isinstance(met, bool) for met in result["targets"].values())


def test_it_replaces_a_previous_run_and_prints_a_table(koebenhavn):
    bench("--json")
    table = bench()

    assert Citizen.objects.filter(municipality=koebenhavn).count() == 300
    for name in PAGES:
        assert name in table
    assert "worklist_p95_under_50_ms" in table
