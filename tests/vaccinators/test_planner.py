"""The route planner on small instances whose right answer can be stated: whole vials when there
are more candidates than doses, every vial used within its window (also where the window binds),
working hours kept, fewer vials rather than waste, the urgent citizens first, and a hand-edited
route checked again. No database, except for the geocoder."""

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from outreach.models import Postcode
from vaccinators.planner import (
    Candidate,
    Point,
    Vehicle,
    VialProduct,
    evaluate,
    geocoder,
    plan,
    travel_times,
)
from vaccinators.planner.geo import GreatCircleTravelTimes, PostcodeGeocoder

DAY = datetime(2021, 3, 15, 8, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
PRACTICE = Point(55.93, 12.30)  # Hillerød: outside the dense city
COMIRNATY = VialProduct(doses_per_vial=6, window_seconds=6 * 3600)
VACCINATION_AND_OBSERVATION = 20 * 60
TRAVEL = GreatCircleTravelTimes()


def east(metres: float, north: float = 0, of: Point = PRACTICE) -> Point:
    return Point(
        of.lat + north / 111_320, of.lon + metres / (111_320 * math.cos(math.radians(of.lat)))
    )


def around(n: int, *, within_m: float, first_id: int = 1, priority: int = 50, **kw):
    """``n`` candidates spread evenly over a disc around the practice (a sunflower pattern)."""
    out = []
    for i in range(n):
        r, angle = within_m * math.sqrt((i + 0.5) / n), i * 2.39996
        out.append(
            Candidate(
                id=first_id + i,
                location=east(r * math.cos(angle), r * math.sin(angle)),
                priority=priority,
                service_seconds=kw.get("service_seconds", VACCINATION_AND_OBSERVATION),
            )
        )
    return out


def vaccinator(id: int = 1, *, hours: float = 8, start: Point = PRACTICE, **kw) -> Vehicle:
    return Vehicle(id, start, DAY, DAY + timedelta(hours=hours), **kw)


def ids(route) -> list[int]:
    return [stop.candidate_id for stop in route.stops]


def assert_windows_kept(route, candidates, product):
    """Each vial: its first stop opens it; the last stop drawing from it ends within the window."""
    service = {c.id: c.service_seconds for c in candidates}
    vials = {}
    for stop in route.stops:
        vials.setdefault(stop.vial, []).append(stop)
    for number, stops in vials.items():
        ends = stops[-1].arrival + timedelta(seconds=service[stops[-1].candidate_id])
        assert ends <= stops[0].arrival + timedelta(seconds=product.window_seconds), number


def test_it_fills_whole_vials_when_there_are_more_candidates_than_doses():
    candidates = around(20, within_m=2_000)

    result = plan([vaccinator()], candidates, COMIRNATY, travel=TRAVEL)

    [route] = result.routes
    # 8 hours of 20-minute visits allow 18-21 stops: three whole vials, the rest stay in the pool.
    assert len(route.stops) == 18
    assert route.vials == 3 and route.waste == 0
    assert [stop.vial for stop in route.stops] == [1] * 6 + [2] * 6 + [3] * 6
    assert sorted(result.unassigned + ids(route)) == [c.id for c in candidates]
    assert len(result.unassigned) == 2


def test_it_opens_no_more_vials_than_the_stock_holds():
    result = plan([vaccinator()], around(20, within_m=2_000), COMIRNATY, travel=TRAVEL,
                  vials_available=2)  # fmt: skip

    [route] = result.routes
    assert len(route.stops) == 12 and route.vials == 2 and route.waste == 0


def test_it_cuts_a_route_back_to_whole_vials_when_the_hours_run_out_part_way_into_one():
    # Spread over 15 km, five hours reach 7-11 stops: one vial, not a second one opened for a
    # few doses.
    candidates = around(30, within_m=15_000)
    day = vaccinator(hours=5)

    result = plan([day], candidates, COMIRNATY, travel=TRAVEL)

    [route] = result.routes
    assert len(route.stops) == 6 and route.vials == 1 and route.waste == 0
    assert route.returns_at <= day.ends_at
    assert route.violations == []


def test_it_opens_fewer_vials_rather_than_waste_when_there_are_fewer_candidates_than_doses():
    candidates = around(8, within_m=2_000)

    result = plan(
        [vaccinator(1), vaccinator(2, start=east(500))], candidates, COMIRNATY, travel=TRAVEL
    )

    assert [(len(r.stops), r.vials, r.waste) for r in result.routes] == [(6, 1, 0)]
    assert len(result.unassigned) == 2


def test_it_opens_a_vial_for_a_pool_smaller_than_one_vial_only_when_the_waste_is_small():
    four = around(4, within_m=2_000)
    vaccinators = [vaccinator(1), vaccinator(2, start=east(800))]

    allowed = plan(vaccinators, four, COMIRNATY, travel=TRAVEL, max_waste=2)
    refused = plan(vaccinators, four, COMIRNATY, travel=TRAVEL, max_waste=1)

    # All four on one route, one vial, two doses wasted; or nobody, waiting for more.
    assert [(len(r.stops), r.vials, r.waste) for r in allowed.routes] == [(4, 1, 2)]
    assert allowed.unassigned == []
    assert refused.routes == [] and sorted(refused.unassigned) == [1, 2, 3, 4]


def test_it_takes_the_small_pool_allowance_from_the_settings(settings):
    settings.PLANNER_MAX_WASTED_DOSES = 0
    assert plan([vaccinator()], around(5, within_m=1_000), COMIRNATY, travel=TRAVEL).routes == []

    settings.PLANNER_MAX_WASTED_DOSES = 1
    [route] = plan([vaccinator()], around(5, within_m=1_000), COMIRNATY, travel=TRAVEL).routes
    assert len(route.stops) == 5 and route.waste == 1


def test_it_keeps_every_vial_window_and_the_working_hours():
    carried_one = 0
    for seed, hours in enumerate((4, 6, 8)):
        candidates = around(40, within_m=8_000 + 2_000 * seed)
        vaccinators = [
            vaccinator(1, hours=hours),
            vaccinator(2, hours=hours + 1, start=east(4_000)),
            vaccinator(3, hours=hours, start=east(-3_000, 2_000), max_vials=1),
        ]

        result = plan(vaccinators, candidates, COMIRNATY, travel=TRAVEL)

        assert result.routes, hours
        for route in result.routes:
            day = next(v for v in vaccinators if v.id == route.vehicle_id)
            assert route.returns_at <= day.ends_at
            assert route.stops[0].arrival >= day.starts_at
            assert route.violations == []
            assert len(route.stops) % 6 == 0 and route.waste == 0
            assert_windows_kept(route, candidates, COMIRNATY)
            if route.vehicle_id == 3:
                assert route.vials == 1
                carried_one += 1
    assert carried_one


def test_it_draws_fewer_doses_from_each_vial_when_the_window_would_close_before_it_is_empty():
    # Ten doses a vial, two hours once opened, 15 minutes a visit plus a 2-minute hop: ten
    # visits take 2 h 48 min, so no order empties a vial in time. Seven fit (1 h 57 min).
    product = VialProduct(doses_per_vial=10, window_seconds=2 * 3600)
    candidates = around(40, within_m=400, service_seconds=15 * 60)

    result = plan([vaccinator()], candidates, product, travel=TRAVEL)

    [route] = result.routes
    assert route.violations == []
    assert route.doses_per_vial == 7
    assert len(route.stops) % 7 == 0 and len(route.stops) >= 21
    assert [s.vial for s in route.stops] == [i // 7 + 1 for i in range(len(route.stops))]
    assert route.waste == route.vials * 10 - len(route.stops) == route.vials * 3
    assert_windows_kept(route, candidates, product)

    # The same stops drawn ten to a vial break the first vial's window, and say so.
    by_id = {c.id: c for c in candidates}
    full = evaluate(vaccinator(), [by_id[i] for i in ids(route)], product, travel=TRAVEL)
    assert full.violations and full.violations[0].startswith("Vial 1 is opened at 08:02")
    # Given the planned doses per vial, the hand check agrees with the plan.
    again = evaluate(vaccinator(), [by_id[i] for i in ids(route)], product, travel=TRAVEL,
                     doses_per_vial=route.doses_per_vial)  # fmt: skip
    assert again.violations == [] and again.stops == route.stops


def test_it_chooses_urgent_citizens_over_nearer_ones_when_there_are_too_many():
    near = around(12, within_m=500, first_id=1, priority=10)
    far = around(12, within_m=3_000, first_id=101, priority=90)
    far = [Candidate(c.id, east(3_000, of=c.location), c.priority, c.service_seconds) for c in far]

    result = plan([vaccinator()], near + far, COMIRNATY, travel=TRAVEL, vials_available=2)

    [route] = result.routes
    assert sorted(ids(route)) == [c.id for c in far]
    assert sorted(result.unassigned) == [c.id for c in near]


def test_it_visits_stops_on_a_line_in_order():
    # Six citizens 1-6 km east of the practice, listed shuffled: out along the line and back.
    line = [
        Candidate(id=km, location=east(km * 1_000), priority=50, service_seconds=900)
        for km in (4, 1, 6, 3, 5, 2)
    ]

    [route] = plan([vaccinator()], line, COMIRNATY, travel=TRAVEL).routes

    assert ids(route) in ([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1])
    legs = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 0)]
    assert route.drive_seconds == sum(
        TRAVEL.drive(east(a * 1_000), east(b * 1_000), a_dense=False, b_dense=False)[0]
        for a, b in legs
    )
    assert route.distance_m == pytest.approx(2 * 6_000 * TRAVEL.road_factor, rel=0.01)


def test_it_flags_a_hand_reordered_route_that_opens_a_vial_too_early():
    product = VialProduct(doses_per_vial=6, window_seconds=2 * 3600)
    here = around(6, within_m=300, first_id=1, service_seconds=15 * 60)
    there = [
        Candidate(c.id + 10, east(25_000, of=c.location), 50, 15 * 60)
        for c in around(6, within_m=300)
    ]

    as_planned = evaluate(vaccinator(), here + there, product, travel=TRAVEL)
    # The coordinator moves one of the far stops into the first vial's run.
    moved = evaluate(vaccinator(), here[:5] + there[:1] + here[5:] + there[1:], product,
                     travel=TRAVEL)  # fmt: skip

    assert as_planned.violations == []
    assert as_planned.vials == 2 and as_planned.waste == 0
    assert len(moved.violations) == 2
    assert moved.violations[0].startswith("Vial 1 is opened at")
    assert "but stop 6 ends at" in moved.violations[0]
    assert moved.violations[1].startswith("Vial 2 is opened at")
    assert moved.drive_seconds > as_planned.drive_seconds


def test_it_recomputes_arrivals_and_flags_a_route_past_working_hours():
    stops = around(6, within_m=2_000)

    route = evaluate(vaccinator(hours=1.5), stops, COMIRNATY, travel=TRAVEL)

    durations, _ = TRAVEL.matrix([PRACTICE, *(c.location for c in stops)])
    expected = DAY + timedelta(seconds=durations[0][1])
    assert route.stops[0].arrival == expected
    for i in range(1, 6):
        expected += timedelta(seconds=stops[i - 1].service_seconds + durations[i][i + 1])
        assert route.stops[i].arrival == expected
    assert route.returns_at == expected + timedelta(seconds=1200 + durations[6][0])
    assert route.returns_at > DAY + timedelta(hours=1.5)
    assert route.violations == [
        f"Back at the practice at {route.returns_at:%H:%M}, after the working day ends at 09:30."
    ]


def test_it_flags_a_route_given_more_vials_than_the_vaccinator_carries():
    route = evaluate(vaccinator(max_vials=1), around(8, within_m=1_000), COMIRNATY, travel=TRAVEL)

    assert route.vials == 2 and route.waste == 4
    assert route.violations == ["The route needs 2 vials; at most 1 can be carried."]


def test_it_plans_nothing_without_vials_or_vaccinators():
    candidates = around(12, within_m=1_000)

    assert (
        plan([vaccinator()], candidates, COMIRNATY, travel=TRAVEL, vials_available=0).routes == []
    )
    assert plan([], candidates, COMIRNATY, travel=TRAVEL).unassigned == [c.id for c in candidates]


def test_travel_times_are_symmetric_with_a_minimum_hop_between_two_stops():
    copenhagen = Point(55.6761, 12.5683)
    points = [
        PRACTICE,
        east(3_000),
        east(3_000),  # a second citizen at the same postcode point
        copenhagen,
        east(3_000, of=copenhagen),
        east(40_000),
    ]

    durations, distances = TRAVEL.matrix(points)

    for i in range(len(points)):
        assert durations[i][i] == 0 and distances[i][i] == 0
        for j in range(len(points)):
            assert durations[i][j] == durations[j][i]
            assert distances[i][j] == distances[j][i]
            if i != j:
                assert durations[i][j] >= 120
    assert (durations[1][2], distances[1][2]) == (120, 0)
    # Road distance is 1.3 x the great circle; 3 km in central København is slower than in a town.
    assert distances[0][1] == pytest.approx(3_900, rel=0.01)
    assert durations[3][4] > durations[0][1]
    assert durations[3][4] == pytest.approx(3.9 / 25 * 3600, rel=0.01)
    assert durations[0][1] == pytest.approx(3.9 / 40 * 3600, rel=0.01)
    # Long trips get faster on the open road: 40 km averages well over town speed.
    assert durations[0][5] < 52 / 40 * 3600


class FixedTravelTimes:
    """Every hop ten minutes and a kilometre: the loader test's stand-in for a road network."""

    def matrix(self, points):
        n = len(points)
        return (
            [[0 if i == j else 600 for j in range(n)] for i in range(n)],
            [[0 if i == j else 1000 for j in range(n)] for i in range(n)],
        )


def test_the_travel_time_source_is_the_one_the_settings_name(settings):
    assert isinstance(travel_times(), GreatCircleTravelTimes)

    settings.PLANNER_TRAVEL_TIMES = "tests.vaccinators.test_planner.FixedTravelTimes"
    source = travel_times()
    [route] = plan([vaccinator()], around(6, within_m=500), COMIRNATY, travel=source).routes

    assert isinstance(source, FixedTravelTimes)
    assert route.drive_seconds == 7 * 600 and route.distance_m == 7 * 1000


@pytest.mark.django_db
def test_the_geocoder_places_an_address_at_its_postcode(reference_data, django_assert_num_queries):
    places = geocoder()
    noerrebro = Postcode.objects.get(code="2200")

    with django_assert_num_queries(1):
        found = places.locate_many(
            [("Nørrebrogade 1", "2200", "København N"), ("Jagtvej 2", "2200", "København N")]
        )

    assert isinstance(places, PostcodeGeocoder)
    assert found[0] == found[1] == Point(float(noerrebro.latitude), float(noerrebro.longitude))
    with django_assert_num_queries(0):  # remembered for the rest of the run
        assert places.locate("Nørrebrogade 3", "2200", "") == found[0]
    # An unknown postcode falls back to the city's name; neither known: not placed.
    assert places.locate("Torvet 1", "9999", "Hillerød") == places.locate("", "3400", "")
    assert places.locate("Nowhere 1", "0000", "Atlantis") is None
