"""A map sketch of a run's routes, drawn as SVG from the planned coordinates: no map tiles, no
external script. Latitude and longitude are projected onto the drawing (longitude shortened by the
cosine of the middle latitude, so distances look right in Denmark) and fitted into its box.

Each route has a letter, a colour and a line style (solid, dashed, dotted, ...), so no route is
told from another by its colour alone; stops are labelled with the route's letter and their number
on it. The offline geocoder places an address at its postcode's point, so several stops can share
one point: they are spread on a small circle around it to stay readable.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

WIDTH, HEIGHT, MARGIN = 640, 420, 28
SPREAD = 11  # px: the radius stops sharing a point are spread on

# Colours with at least 4.5:1 contrast on white, each with its own line style.
STYLES = [
    ("#0059b3", "", _("solid line")),
    ("#b34700", "10 5", _("dashed line")),
    ("#1a7340", "2 5", _("dotted line")),
    ("#6f2da8", "12 4 2 4", _("dash-dot line")),
    ("#1a1a1a", "18 6", _("long dashes")),
    ("#a3004f", "5 3", _("short dashes")),
]


@dataclass
class MapStop:
    x: float
    y: float
    label: str
    number: int
    place: str  # postcode and city, for the text alternative
    # Where the label goes from the circle: up and right, or away from the shared point.
    dx: float = 8
    dy: float = -7
    anchor: str = "start"


@dataclass
class MapRoute:
    letter: str
    name: str
    colour: str
    dash: str
    style: str
    start: tuple[float, float]
    stops: list[MapStop] = field(default_factory=list)

    @property
    def square(self) -> tuple[float, float]:
        """The top left corner of the practice's square (16 px)."""
        return self.start[0] - 8, self.start[1] - 8

    @property
    def path(self) -> str:
        """The SVG points of the round trip: the practice, the stops in order, the practice."""
        points = [self.start, *((s.x, s.y) for s in self.stops), self.start]
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


@dataclass
class RouteMap:
    routes: list[MapRoute]
    width: int = WIDTH
    height: int = HEIGHT


def route_map(route_lists) -> RouteMap | None:
    """The sketch of ``route_lists`` (with their stops prefetched), or None when nothing has
    coordinates."""
    located = [r for r in route_lists if r.start_latitude is not None]
    points = [(r.start_latitude, r.start_longitude) for r in located] + [
        (s.latitude, s.longitude) for r in located for s in r.stops.all() if s.latitude is not None
    ]
    if not points:
        return None
    middle = math.radians(sum(lat for lat, _lon in points) / len(points))
    xs = [lon * math.cos(middle) for _lat, lon in points]
    ys = [-lat for lat, _lon in points]
    spread_x, spread_y = (max(xs) - min(xs)) or 1e-3, (max(ys) - min(ys)) or 1e-3
    scale = min((WIDTH - 2 * MARGIN) / spread_x, (HEIGHT - 2 * MARGIN) / spread_y)
    offset_x = (WIDTH - spread_x * scale) / 2
    offset_y = (HEIGHT - spread_y * scale) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return (
            offset_x + (lon * math.cos(middle) - min(xs)) * scale,
            offset_y + (-lat - min(ys)) * scale,
        )

    routes = []
    sharing: dict[tuple[int, int], list[MapStop]] = {}
    for index, route_list in enumerate(route_lists):
        if route_list.start_latitude is None:
            continue
        colour, dash, style = STYLES[index % len(STYLES)]
        letter = route_letter(index)
        route = MapRoute(
            letter=letter,
            name=route_list.vaccinator_organisation.name,
            colour=colour,
            dash=dash,
            style=str(style),
            start=project(route_list.start_latitude, route_list.start_longitude),
        )
        for stop in route_list.stops.all():
            if stop.latitude is None:
                continue
            x, y = project(stop.latitude, stop.longitude)
            citizen = stop.citizen
            drawn = MapStop(
                x=x,
                y=y,
                label=f"{letter}{stop.position}",
                number=stop.position,
                place=f"{citizen.postcode} {citizen.city}".strip(),
            )
            route.stops.append(drawn)
            sharing.setdefault((round(x), round(y)), []).append(drawn)
        routes.append(route)
    for together in sharing.values():
        if len(together) < 2:
            continue
        for n, stop in enumerate(together):
            angle = 2 * math.pi * n / len(together)
            stop.x += SPREAD * math.cos(angle)
            stop.y += SPREAD * math.sin(angle)
            stop.dx = 9 * math.cos(angle)
            stop.dy = 9 * math.sin(angle) + 4
            stop.anchor = (
                "start" if math.cos(angle) > 0.1 else "end" if math.cos(angle) < -0.1 else "middle"
            )
    return RouteMap(routes=routes)


def route_letter(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: the name of the route at ``index`` on the map and in the
    review."""
    letters = string.ascii_uppercase
    return (
        letters[index]
        if index < len(letters)
        else f"{letters[index // 26 - 1]}{letters[index % 26]}"
    )
