"""What goes into the planner and what comes out: plain values, no database.

The planner (``vaccinators.planner.solve``) knows nothing of Django models: the planning run turns
the home-visit pool and the route days into these, and the plan back into route lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Vehicle:
    """One vaccinator working that day: leaves the practice at ``starts_at``, is back by
    ``ends_at``. ``max_vials`` caps what they may carry (stock), None for no cap."""

    id: int
    start: Point
    starts_at: datetime
    ends_at: datetime
    max_vials: int | None = None


@dataclass(frozen=True)
class Candidate:
    """A citizen in the pool who could be visited. ``priority`` 0-100, higher first (target group,
    days waiting, dose 2 falling due); ``service_seconds`` is vaccination plus observation."""

    id: int
    location: Point
    priority: int
    service_seconds: int


@dataclass(frozen=True)
class VialProduct:
    """How many doses a vial holds and how long an opened vial may be used."""

    doses_per_vial: int
    window_seconds: int


@dataclass(frozen=True)
class PlannedStop:
    candidate_id: int
    arrival: datetime
    vial: int  # 1-based: the vial this dose is drawn from
    drive_seconds: int  # from the previous stop (or the practice)
    distance_m: int


@dataclass
class PlannedRoute:
    vehicle_id: int
    stops: list[PlannedStop]
    vials: int
    drive_seconds: int  # including the drive back to the practice
    distance_m: int
    returns_at: datetime
    waste: int  # doses left in opened vials
    violations: list[str] = field(default_factory=list)  # in words, for the coordinator
    # Doses drawn from each vial on this route: the product's, or fewer when the after-opening
    # window could not be kept otherwise (0: not given, read the product's).
    doses_per_vial: int = 0


@dataclass
class Plan:
    routes: list[PlannedRoute]
    unassigned: list[int]  # candidate ids left in the pool
    solve_seconds: float
    solver_runs: int = 0  # VROOM solves it took (rounding down and window repairs re-solve)
