"""The vial-aware route planner (DESIGN.md §9, ADR 0009): plain values in, plain values out.

``plan`` builds the day's routes, ``evaluate`` recomputes one the coordinator edited by hand;
``geocoder()`` and ``travel_times()`` give the configured address and travel-time sources.
"""

from vaccinators.planner.geo import Geocoder, TravelTimes, geocoder, travel_times
from vaccinators.planner.solve import evaluate, plan
from vaccinators.planner.types import (
    Candidate,
    Plan,
    PlannedRoute,
    PlannedStop,
    Point,
    Vehicle,
    VialProduct,
)

__all__ = [
    "Candidate",
    "Geocoder",
    "Plan",
    "PlannedRoute",
    "PlannedStop",
    "Point",
    "TravelTimes",
    "Vehicle",
    "VialProduct",
    "evaluate",
    "geocoder",
    "plan",
    "travel_times",
]
