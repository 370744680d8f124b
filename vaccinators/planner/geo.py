"""Where citizens live and how long it takes to drive between them: two interfaces and their
offline defaults.

The planner needs a point for every address and a matrix of driving times between points. The
defaults need nothing outside the database: an address is placed at its postcode's point
(``outreach.models.Postcode``), and a drive takes the great-circle distance times a road factor at
speeds that depend on the area. Production can plug in a Danish address service (DAWA) and a
road-network matrix (OSRM) by naming their classes in the settings ``PLANNER_GEOCODER`` and
``PLANNER_TRAVEL_TIMES``; the planner only sees the protocols below (ADR 0009).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from vaccinators.planner.types import Point


@runtime_checkable
class Geocoder(Protocol):
    """Turns an address into a point, or None when it cannot place it."""

    def locate(self, street: str, postcode: str, city: str) -> Point | None: ...

    def locate_many(self, addresses: Iterable[tuple[str, str, str]]) -> list[Point | None]:
        """``locate`` for many (street, postcode, city) at once, in the same order; an
        implementation may batch its look-ups."""
        ...


@runtime_checkable
class TravelTimes(Protocol):
    """Driving times (seconds) and distances (metres) between every pair of points, as square
    lists of int lists indexed like ``points``, 0 on the diagonal."""

    def matrix(self, points: Sequence[Point]) -> tuple[list[list[int]], list[list[int]]]: ...


class PostcodeGeocoder:
    """The offline default: an address is placed at its postcode's representative point.

    The street is ignored, so every citizen of a postcode shares one point (in central København
    one point per district); the travel times' minimum hop keeps two such stops apart. An unknown
    postcode falls back to the first postcode whose city name matches. Points are cached per
    instance, so a planning run asks the database once per postcode.
    """

    def __init__(self) -> None:
        self._by_code: dict[str, Point | None] = {}
        self._by_city: dict[str, Point | None] = {}

    def locate(self, street: str, postcode: str, city: str) -> Point | None:
        return self.locate_many([(street, postcode, city)])[0]

    def locate_many(self, addresses: Iterable[tuple[str, str, str]]) -> list[Point | None]:
        from outreach.models import Postcode

        addresses = [(s, (p or "").strip(), (c or "").strip()) for s, p, c in addresses]
        codes = {p for _, p, _ in addresses if p and p not in self._by_code}
        if codes:
            found = {
                code: Point(float(lat), float(lon))
                for code, lat, lon in Postcode.objects.filter(code__in=codes).values_list(
                    "code", "latitude", "longitude"
                )
            }
            for code in codes:
                self._by_code[code] = found.get(code)
        cities = {
            c.casefold()
            for _, p, c in addresses
            if c and self._by_code.get(p) is None and c.casefold() not in self._by_city
        }
        for city in cities:
            row = (
                Postcode.objects.filter(name__iexact=city)
                .order_by("code")
                .values_list("latitude", "longitude")
                .first()
            )
            self._by_city[city] = Point(float(row[0]), float(row[1])) if row else None
        return [
            self._by_code.get(p) or (self._by_city.get(c.casefold()) if c else None)
            for _, p, c in addresses
        ]


EARTH_RADIUS_M = 6_371_000


def great_circle_m(a: Point, b: Point) -> float:
    """The haversine distance in metres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


class GreatCircleTravelTimes:
    """The offline default: great-circle distance times a road factor, at speeds by area.

    - Road distance = great-circle distance x ``road_factor`` (1.3, a common detour factor for
      Danish roads).
    - A trip between two points in a dense city centre (within ``DENSE_AREAS``: København and
      Frederiksberg, the centres of Aarhus, Odense and Aalborg) is driven at ``city_kmh`` (25)
      all the way.
    - Otherwise each end's first (last) ``local_m`` (2.5 km) of road is driven at its local speed
      (25 km/h in a dense centre, ``town_kmh`` 40 elsewhere: streets, villages, turning in and
      parking) and the stretch between at ``open_road_kmh`` (65: main roads, some motorway). A
      20 km rural trip averages about 56 km/h, a 3 km trip in a town 40.
    - Two different stops are never less than ``min_hop_seconds`` (120) apart, even at the same
      point: citizens placed at one postcode point still need a short drive, parking and a walk.

    The formula is symmetric, so the matrix is. It is a planning estimate, not a road network:
    plug in a road-network matrix (OSRM) through ``PLANNER_TRAVEL_TIMES`` for real driving times.
    """

    road_factor = 1.3
    city_kmh = 25.0
    town_kmh = 40.0
    open_road_kmh = 65.0
    local_m = 2_500.0
    min_hop_seconds = 120
    # (centre, radius in metres): København Rådhuspladsen covers København and Frederiksberg.
    DENSE_AREAS: tuple[tuple[Point, float], ...] = (
        (Point(55.6761, 12.5683), 6_000.0),
        (Point(56.1567, 10.2108), 3_000.0),  # Aarhus C
        (Point(55.3959, 10.3883), 2_500.0),  # Odense C
        (Point(57.0488, 9.9217), 2_500.0),  # Aalborg
    )

    def is_dense(self, point: Point) -> bool:
        return any(great_circle_m(point, centre) <= r for centre, r in self.DENSE_AREAS)

    def drive(self, a: Point, b: Point, *, a_dense: bool, b_dense: bool) -> tuple[int, int]:
        """Seconds and metres from ``a`` to ``b`` (two different stops)."""
        road_m = great_circle_m(a, b) * self.road_factor
        if a_dense and b_dense:
            seconds = road_m / (self.city_kmh / 3.6)
        else:
            seconds = 0.0
            for dense in (a_dense, b_dense):
                local = min(road_m / 2, self.local_m)
                seconds += local / ((self.city_kmh if dense else self.town_kmh) / 3.6)
            seconds += max(0.0, road_m - 2 * self.local_m) / (self.open_road_kmh / 3.6)
        return max(self.min_hop_seconds, round(seconds)), round(road_m)

    def matrix(self, points: Sequence[Point]) -> tuple[list[list[int]], list[list[int]]]:
        n = len(points)
        dense = [self.is_dense(p) for p in points]
        durations = [[0] * n for _ in range(n)]
        distances = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                s, m = self.drive(points[i], points[j], a_dense=dense[i], b_dense=dense[j])
                durations[i][j] = durations[j][i] = s
                distances[i][j] = distances[j][i] = m
        return durations, distances


def geocoder() -> Geocoder:
    """The geocoder the settings name (``PLANNER_GEOCODER``), a new instance per call."""
    return import_string(settings.PLANNER_GEOCODER)()


def travel_times() -> TravelTimes:
    """The travel-time source the settings name (``PLANNER_TRAVEL_TIMES``)."""
    return import_string(settings.PLANNER_TRAVEL_TIMES)()
