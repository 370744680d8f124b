"""Kasper plans a day of home visits: he chooses the day, the vaccine and the practices working it,
the planner runs as a job and reports its progress, and he reviews the draft routes: stops with
their arrival, vial and drive, totals, the doses expected wasted, a map sketch. He moves and
reorders stops and sees the times recomputed and the problems a change makes."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from municipalities.models import Visitation
from outreach.models import AccessEvent, VaccineProduct
from regions.models import PlanningRun, RouteDay
from regions.selectors.pool import home_visit_pool
from regions.selectors.sessions import local_span
from tests.regions import world
from tests.vaccinators.planning import home_pool, oesterbro_practice, planned, run_for
from vaccinators.models import RouteList, RouteStop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The pages in English, the language of the source strings the tests look for."""


@pytest.fixture
def kasper(hovedstaden_coordinator):
    return hovedstaden_coordinator


@pytest.fixture
def oesterbro(hovedstaden):
    return oesterbro_practice(hovedstaden)


@pytest.fixture
def stocked(hovedstaden, kasper):
    return world.stocked(hovedstaden, kasper, vials=10)


def list_url(code="1084"):
    return reverse("planning:run-list", kwargs={"code": code})


def create_url(code="1084"):
    return reverse("planning:run-create", kwargs={"code": code})


def run_url(run, code="1084"):
    return reverse("planning:run-detail", kwargs={"code": code, "pk": run.pk})


def move_url(run, stop):
    return reverse("planning:stop-move", kwargs={"code": "1084", "pk": run.pk, "stop_pk": stop.pk})


def reorder_url(run, stop):
    return reverse(
        "planning:stop-reorder", kwargs={"code": "1084", "pk": run.pk, "stop_pk": stop.pk}
    )


def form_data(day, practices, product="comirnaty", hours=("08:00", "15:00")):
    data = {"date": day.isoformat(), "product": VaccineProduct.objects.get(code=product).pk}
    for practice in practices:
        data[f"v{practice.pk}_include"] = "on"
        data[f"v{practice.pk}_starts_at"], data[f"v{practice.pk}_ends_at"] = hours
    return data


def stops_of(route_list) -> list[RouteStop]:
    return list(route_list.stops.order_by("position"))


def test_it_plans_a_day_in_process_and_shows_the_routes_for_review(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice, oesterbro,
    stocked, django_capture_on_commit_callbacks, tasks_in_process,
):  # fmt: skip
    referrals = home_pool(tmp_path, kbh_caseworker, 12)
    allergic = referrals[0].visitation
    Visitation.objects.filter(pk=allergic.pk).update(severe_allergy=True)
    day = world.next_week()
    client.force_login(kasper)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(), form_data(day, [noerrebro_practice, oesterbro]))
    run = PlanningRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run_url(run)
    assert (run.status, run.progress, run.candidates) == ("done", 100, 12)
    # One route day was made for each practice, with the hours given, and one draft list each.
    route_days = RouteDay.objects.filter(date=day).order_by("vaccinator_organisation__name")
    assert [(d.vaccinator_organisation, d.starts_at) for d in route_days] == [
        (oesterbro, time(8)),
        (noerrebro_practice, time(8)),
    ]
    drafts = RouteList.objects.filter(planning_run=run)
    assert sorted(d.route_day_id for d in drafts) == sorted(d.pk for d in route_days)
    assert {d.status for d in drafts} == {"draft"}
    stops = RouteStop.objects.filter(route_list__planning_run=run)
    assert stops.count() == run.planned > 0
    assert run.planned + run.left_over == 12
    for route_list in drafts:
        assert route_list.vials * 6 - len(stops_of(route_list)) == route_list.expected_waste
        for stop in stops_of(route_list):
            assert route_list.starts_at <= stop.planned_arrival <= route_list.ends_at
            allergy = stop.referral.visitation.severe_allergy
            assert stop.observation_minutes == (30 if allergy else 15)
            assert stop.service_minutes == 10 + stop.observation_minutes
            assert 1 <= stop.vial_number <= route_list.vials
    # Drafts promise nobody a time: everyone is still in the pool.
    assert len(home_visit_pool(hovedstaden, day)) == 12

    page = client.get(run_url(run))
    text = page.text
    assert page.status_code == 200
    assert "Route A: Lægehuset på Østerbro" in text and "Route B: Lægerne på Nørrebrogade" in text
    assert "<svg" in text and "Map sketch of the routes" in text and "The map as text" in text
    assert "https://" not in text and "http://" not in text  # no tile server, no remote script
    first = stops.order_by("route_list", "position").first()
    assert first.citizen.masked_cpr in text
    event = AccessEvent.objects.get(user=kasper, purpose="Planning run review")
    assert (event.action, event.detail) == ("list", str(run.planned))


def test_it_shows_the_progress_while_the_job_waits_and_refreshes_itself(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice, stocked
):
    home_pool(tmp_path, kbh_caseworker, 2)
    run = run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice])
    client.force_login(kasper)
    page = client.get(run_url(run)).text
    assert run.status == "queued"
    assert 'hx-trigger="every 2s"' in page
    assert "Refresh the page" in page and run_url(run) in page
    fragment = client.get(run_url(run), headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="planning-run"')
    assert "<html" not in fragment.text
    done = planned(run)
    assert (done.status, done.progress, done.progress_note) == ("done", 100, "Ready for review")
    fragment = client.get(run_url(run), headers={"HX-Request": "true"}).text
    assert "hx-trigger" not in fragment
    assert "Route A: Lægerne på Nørrebrogade" in fragment


def test_it_prefills_the_form_from_the_days_route_days(
    client, kasper, noerrebro_practice, oesterbro
):
    day = world.next_week(3)
    RouteDay.objects.create(
        region=noerrebro_practice.region,
        vaccinator_organisation=noerrebro_practice,
        date=day,
        starts_at=time(9, 30),
        ends_at=time(13, 0),
        product=VaccineProduct.objects.get(code="comirnaty"),
    )
    client.force_login(kasper)
    response = client.get(list_url(), {"date": day.isoformat()})
    form = response.context["form"]
    rows = {row.organisation.pk: row for row in form.rows()}
    assert rows[noerrebro_practice.pk].include.value() is True
    assert rows[noerrebro_practice.pk].starts_at.value() == time(9, 30)
    assert rows[oesterbro.pk].include.value() is False
    assert rows[oesterbro.pk].starts_at.value() == time(8)
    assert "Has a route day 09:30\N{EN DASH}13:00 with Comirnaty" in response.text


def test_it_refuses_a_vaccine_the_rules_do_not_allow_at_home(client, kasper, noerrebro_practice):
    client.force_login(kasper)
    response = client.post(
        create_url(), form_data(world.next_week(), [noerrebro_practice], product="moderna")
    )
    assert response.status_code == 422
    assert "may not be used for home vaccination" in response.text
    assert not PlanningRun.objects.exists() and not RouteDay.objects.exists()
    response = client.post(create_url(), {"date": world.next_week().isoformat(), "product": 1})
    assert response.status_code == 422
    assert "Choose at least one vaccinator." in response.text


def test_it_fails_in_words_without_vaccine_in_the_store(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice
):
    home_pool(tmp_path, kbh_caseworker, 2)
    run = planned(run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice]))
    assert run.status == "failed"
    assert "Comirnaty" in run.error
    assert not RouteList.objects.exists()
    client.force_login(kasper)
    page = client.get(run_url(run)).text
    assert "The planning failed" in page and escape(run.error) in page


def test_it_fails_in_words_when_the_planner_breaks(
    tmp_path, kasper, kbh_caseworker, hovedstaden, noerrebro_practice, stocked, monkeypatch,
    tasks_in_process, django_capture_on_commit_callbacks,
):  # fmt: skip
    home_pool(tmp_path, kbh_caseworker, 2)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("vaccinators.planner.plan", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice])
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error  # a sentence in the product's language, never the traceback
    assert "RuntimeError" not in run.error


def test_a_rerun_replaces_the_runs_drafts(
    tmp_path, kasper, kbh_caseworker, hovedstaden, noerrebro_practice, stocked
):
    home_pool(tmp_path, kbh_caseworker, 6)
    run = run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice])
    first = planned(run)
    before = list(RouteStop.objects.values_list("referral_id", "position", "planned_arrival"))
    second = planned(run)
    assert RouteList.objects.filter(planning_run=run).count() == 1
    after = list(RouteStop.objects.values_list("referral_id", "position", "planned_arrival"))
    assert sorted(after) == sorted(before)
    assert (second.planned, second.left_over) == (first.planned, first.left_over)


def test_moving_and_reordering_stops_recomputes_the_times(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice, stocked
):
    home_pool(tmp_path, kbh_caseworker, 6)
    run = planned(run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice]))
    route = RouteList.objects.get(planning_run=run)
    first, second, *_rest = stops_of(route)
    client.force_login(kasper)
    response = client.post(reorder_url(run, second), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == f"{run_url(run)}#stop-{second.pk}"
    moved, pushed = RouteStop.objects.get(pk=second.pk), RouteStop.objects.get(pk=first.pk)
    assert (moved.position, pushed.position) == (1, 2)
    assert moved.planned_arrival < pushed.planned_arrival
    # It no longer waits for the first visit (and its observation) to end.
    assert moved.planned_arrival < second.planned_arrival
    response = client.post(reorder_url(run, moved), {"direction": "up"})
    assert "The stop is already the first." in client.get(response["Location"]).text

    # Off the route: the citizen is back in the pool, the route a stop shorter.
    count = len(stops_of(route))
    client.post(move_url(run, pushed), {"to": "pool"})
    assert len(stops_of(route)) == count - 1
    assert not RouteStop.objects.filter(pk=pushed.pk).exists()
    assert [s.position for s in stops_of(route)] == list(range(1, count))


def test_moving_stops_onto_a_short_day_shows_the_broken_window(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice, oesterbro,
    stocked,
):  # fmt: skip
    home_pool(tmp_path, kbh_caseworker, 6)
    day = world.next_week()
    world.route_day(noerrebro_practice, day=day)  # 08:00-15:00
    RouteDay.objects.create(
        region=hovedstaden,
        vaccinator_organisation=oesterbro,
        date=day,
        starts_at=time(8, 0),
        ends_at=time(8, 20),
        product=VaccineProduct.objects.get(code="comirnaty"),
    )
    run = planned(
        run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice, oesterbro])
    )
    long_day = RouteList.objects.get(planning_run=run, vaccinator_organisation=noerrebro_practice)
    short_day = RouteList.objects.get(planning_run=run, vaccinator_organisation=oesterbro)
    assert stops_of(short_day) == []  # no visit fits in 20 minutes
    assert short_day.violations == ""
    client.force_login(kasper)
    stop = stops_of(long_day)[0]
    response = client.post(move_url(run, stop), {"to": str(short_day.pk)})
    assert response["Location"] == f"{run_url(run)}#route-{short_day.pk}"
    short_day.refresh_from_db()
    assert [s.pk for s in stops_of(short_day)] == [stop.pk]
    assert short_day.violations  # in words, from the planner's evaluation
    assert short_day.ends_at > local_span(day, time(8, 0), time(8, 20))[1]
    page = client.get(run_url(run)).text
    assert "Problems on this route" in page
    assert short_day.violations.splitlines()[0] in page


def test_the_review_reads_the_same_queries_for_more_stops(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice, oesterbro,
    stocked,
):  # fmt: skip
    home_pool(tmp_path, kbh_caseworker, 6)
    small = planned(run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice]))
    home_pool(tmp_path, kbh_caseworker, 12, start=6)
    big = planned(
        run_for(
            region=hovedstaden,
            coordinator=kasper,
            practices=[oesterbro],
            day=world.next_week(2),
        )
    )
    assert big.planned > small.planned
    client.force_login(kasper)
    client.get(run_url(small))
    with CaptureQueriesContext(connection) as few:
        client.get(run_url(small))
    with CaptureQueriesContext(connection) as many:
        client.get(run_url(big))
    assert len(many) == len(few)


def test_another_regions_coordinator_gets_404_and_a_gp_too(
    client, kasper, tmp_path, kbh_caseworker, hovedstaden, noerrebro_practice, stocked,
    midtjylland_coordinator, noerrebro_gp,
):  # fmt: skip
    home_pool(tmp_path, kbh_caseworker, 6)
    run = planned(run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice]))
    stop = RouteStop.objects.first()
    for user in (midtjylland_coordinator, noerrebro_gp):
        client.force_login(user)
        assert client.get(run_url(run)).status_code == 404
        assert client.get(list_url()).status_code == 404
        assert client.post(move_url(run, stop), {"to": "pool"}).status_code == 404
    client.force_login(midtjylland_coordinator)
    assert client.get(run_url(run, code="1082")).status_code == 404
    assert RouteStop.objects.filter(pk=stop.pk).exists()


def test_a_run_uses_a_days_route_day_only_with_its_vaccine_and_not_in_the_past(
    kasper, hovedstaden, noerrebro_practice
):
    day = world.next_week()
    RouteDay.objects.create(
        region=hovedstaden,
        vaccinator_organisation=noerrebro_practice,
        date=day,
        starts_at=time(8, 0),
        ends_at=time(15, 0),
        product=VaccineProduct.objects.get(code="astrazeneca"),
    )
    with pytest.raises(ValidationError) as refused:
        run_for(region=hovedstaden, coordinator=kasper, practices=[noerrebro_practice], day=day)
    assert "Lægerne på Nørrebrogade: the route day on" in str(refused.value)
    assert "is planned with COVID-19 Vaccine AstraZeneca" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        run_for(
            region=hovedstaden,
            coordinator=kasper,
            practices=[noerrebro_practice],
            day=day - timedelta(days=8),
        )
    assert "A day in the past cannot be planned." in str(refused.value)
    assert not PlanningRun.objects.exists()
