"""The vial-aware route planner: VROOM (through pyvroom) with capacities in whole vials.

Model (DESIGN.md §9, ADR 0009). Every vaccinator is a vehicle that leaves their practice at the
start of their hours and is back by the end; every candidate is a job with its priority and its
service time (vaccination + observation). A vehicle's capacity is a number of vials times the
doses drawn from each, so VROOM, which first maximises the priorities served and then the number
of jobs, fills whole vials when there are more candidates than doses. A route that still ends
part-way into a vial (the hours ran out, or too few candidates) has its capacity rounded down to
whole vials and the problem is solved again: fewer vials are opened rather than doses wasted.

After each solve every vial's after-opening window is checked (the first stop drawing from it
opens it; the last one's service must end within the window). When a window binds, the route
draws fewer doses from each vial (as many as fitted in the broken window) and the problem is
solved again: a vial that cannot be emptied in time wastes its rest, but is never used late.

Times are seconds and timezone-aware datetimes. Nothing here touches the database.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vaccinators.planner.geo import TravelTimes
from vaccinators.planner.types import (
    Candidate,
    Plan,
    PlannedRoute,
    PlannedStop,
    Vehicle,
    VialProduct,
)

# Each round either lowers a vehicle's vials or its doses per vial, so the loop ends by itself;
# this only bounds a pathological instance.
MAX_ROUNDS = 12
# The rounds that settle the vials solve at this (VROOM's fastest) exploration level; only the
# settled capacities are solved at the level asked for (about ten times slower at level 5).
PROBE_LEVEL = 1


def plan(
    vehicles: Sequence[Vehicle],
    candidates: Sequence[Candidate],
    product: VialProduct,
    *,
    travel: TravelTimes,
    exploration_level: int = 5,
    threads: int = 1,
    vials_available: int | None = None,
    max_waste: int | None = None,
) -> Plan:
    """Routes for ``vehicles`` over ``candidates``: whole vials, vial windows kept, hours kept.

    ``vials_available`` caps the vials of all routes together (the region's stock; None: no cap),
    each vehicle's ``max_vials`` its own. Candidates not routed are returned in ``unassigned``.
    Routes come in the vehicles' order; a vaccinator given no stops has no route. ``threads``:
    VROOM's (two halve the time on a two-core worker). Violations are worded in the active
    language.

    When the whole pool holds fewer candidates than one vial's doses, one vial is opened for them
    (on one route) only if it wastes at most ``max_waste`` doses (default: the setting
    ``PLANNER_MAX_WASTED_DOSES``); otherwise nobody is routed and they wait for more.
    """
    started = time.perf_counter()
    vehicles, candidates = list(vehicles), list(candidates)
    if max_waste is None:
        max_waste = getattr(settings, "PLANNER_MAX_WASTED_DOSES", 0)
    if not vehicles or not candidates or vials_available == 0:
        return Plan([], [c.id for c in candidates], time.perf_counter() - started)
    problem = _Problem.build(vehicles, candidates, product, travel)
    solver = _Solver(problem, exploration_level=exploration_level, threads=threads)
    if len(candidates) < product.doses_per_vial:
        routes = _small_pool(problem, solver, max_waste=max_waste)
    else:
        routes = _whole_vials(problem, solver, vials_available=vials_available)
    planned = [
        problem.route(v, stops, per_vial) for v, (stops, per_vial) in enumerate(routes) if stops
    ]
    routed = {problem.candidates[j].id for stops, _ in routes for j in stops}
    return Plan(
        routes=planned,
        unassigned=[c.id for c in candidates if c.id not in routed],
        solve_seconds=time.perf_counter() - started,
        solver_runs=solver.runs,
    )


def evaluate(
    vehicle: Vehicle,
    candidates_in_order: Sequence[Candidate],
    product: VialProduct,
    *,
    travel: TravelTimes,
    doses_per_vial: int | None = None,
) -> PlannedRoute:
    """A route as the coordinator left it (stops moved or reordered by hand), recomputed: arrivals,
    drives, vials (stop i draws from vial i // doses_per_vial + 1), waste, and what is now wrong
    (a vial used after its window closed, back after working hours, more vials than carried).

    ``doses_per_vial`` is the route's as planned (``PlannedRoute.doses_per_vial``) when the window
    made the planner draw fewer than the product's; default: the product's.
    """
    problem = _Problem.build([vehicle], list(candidates_in_order), product, travel)
    per_vial = doses_per_vial or product.doses_per_vial
    return problem.route(0, list(range(len(candidates_in_order))), per_vial)


def plan_fixed(
    vehicles: Sequence[Vehicle],
    candidates: Sequence[Candidate],
    product: VialProduct,
    *,
    travel: TravelTimes,
    vials: Mapping[int, tuple[int, int]],
    budget_seconds: float,
    exploration_level: int = 5,
    threads: int = 1,
    seed: int = 0,
    noise: float = 0.05,
) -> Plan:
    """The yardstick for the planner's drive time: VROOM solved again and again with each
    vehicle's vials fixed (``vials``: vehicle id -> (vials, doses per vial), as a plan ended),
    until ``budget_seconds`` are spent. The first run is the planner's own last solve; each later
    one feeds the jobs in a new random order and perturbs every driving time by up to ``noise``
    (both change where VROOM's heuristics start and which local optimum they end in), and is
    judged on the true times. Returns the run with the least drive time among those that fill
    every vial within its window (``solver_runs``: how many runs were made)."""
    started = time.perf_counter()
    problem = _Problem.build(list(vehicles), list(candidates), product, travel)
    solver = _Solver(problem, exploration_level=exploration_level, threads=threads)
    per_vial = [vials.get(v.id, (0, product.doses_per_vial))[1] for v in problem.vehicles]
    capacities = [vials.get(v.id, (0, 0))[0] * per_vial[i] for i, v in enumerate(problem.vehicles)]
    rng = random.Random(seed)  # noqa: S311 (perturbs a search, not secrets)  # nosec B311
    order, durations, best = list(range(len(problem.candidates))), None, None
    while solver.runs == 0 or time.perf_counter() - started < budget_seconds:
        routes = solver.solve(capacities, job_order=order, durations=durations)
        planned = [problem.route(v, stops, per_vial[v]) for v, stops in enumerate(routes)]
        if all(len(r.stops) == capacities[v] and not r.violations for v, r in enumerate(planned)):
            drive = sum(r.drive_seconds for r in planned)
            if best is None or drive < sum(r.drive_seconds for r in best):
                best = planned
        rng.shuffle(order)
        durations = _perturbed(problem.durations, noise, rng)
    routed = {s.candidate_id for r in best or [] for s in r.stops}
    return Plan(
        routes=[r for r in best or [] if r.stops],
        unassigned=[c.id for c in problem.candidates if c.id not in routed],
        solve_seconds=time.perf_counter() - started,
        solver_runs=solver.runs,
    )


def _perturbed(durations: list[list[int]], noise: float, rng: random.Random) -> list[list[int]]:
    n = len(durations)
    out = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            out[i][j] = out[j][i] = round(durations[i][j] * (1 + rng.uniform(-noise, noise)))
    return out


@dataclass
class _Problem:
    """The instance with its matrix: location i < len(vehicles) is vehicle i's practice, location
    len(vehicles) + j candidate j's home."""

    vehicles: list[Vehicle]
    candidates: list[Candidate]
    product: VialProduct
    durations: list[list[int]]
    distances: list[list[int]]
    t0: datetime

    @classmethod
    def build(cls, vehicles, candidates, product, travel: TravelTimes) -> _Problem:
        points = [v.start for v in vehicles] + [c.location for c in candidates]
        durations, distances = travel.matrix(points)
        t0 = min(v.starts_at for v in vehicles)
        return cls(vehicles, candidates, product, durations, distances, t0)

    def location(self, j: int) -> int:
        return len(self.vehicles) + j

    def timeline(self, v: int, stops: list[int]) -> tuple[list[datetime], datetime, int, int]:
        """Arrivals at ``stops`` (candidate indices) in order when vehicle ``v`` leaves at its
        start and serves each stop on arrival; the return time, drive seconds and metres."""
        at, here, drive, metres, arrivals = self.vehicles[v].starts_at, v, 0, 0, []
        for j in stops:
            there = self.location(j)
            drive += self.durations[here][there]
            metres += self.distances[here][there]
            at += timedelta(seconds=self.durations[here][there])
            arrivals.append(at)
            at += timedelta(seconds=self.candidates[j].service_seconds)
            here = there
        if stops:
            drive += self.durations[here][v]
            metres += self.distances[here][v]
            at += timedelta(seconds=self.durations[here][v])
        return arrivals, at, drive, metres

    def broken_vials(self, stops: list[int], arrivals: list[datetime], per_vial: int):
        """Per vial whose window the route breaks: (vial, first stop index, the stop index that
        ends too late, how many of its stops fit in the window)."""
        window = timedelta(seconds=self.product.window_seconds)
        broken = []
        for first in range(0, len(stops), per_vial):
            members = range(first, min(first + per_vial, len(stops)))
            closes = arrivals[first] + window
            late = [
                i
                for i in members
                if arrivals[i] + timedelta(seconds=self.candidates[stops[i]].service_seconds)
                > closes
            ]
            if late:
                broken.append((first // per_vial + 1, first, late[-1], late[0] - first))
        return broken

    def route(self, v: int, stops: list[int], per_vial: int) -> PlannedRoute:
        vehicle = self.vehicles[v]
        arrivals, returns_at, drive, metres = self.timeline(v, stops)
        vials = -(-len(stops) // per_vial)
        planned, here = [], v
        for i, j in enumerate(stops):
            there = self.location(j)
            planned.append(
                PlannedStop(
                    candidate_id=self.candidates[j].id,
                    arrival=arrivals[i],
                    vial=i // per_vial + 1,
                    drive_seconds=self.durations[here][there],
                    distance_m=self.distances[here][there],
                )
            )
            here = there
        violations = []
        for vial, first, last, _fit in self.broken_vials(stops, arrivals, per_vial):
            ends = arrivals[last] + timedelta(seconds=self.candidates[stops[last]].service_seconds)
            violations.append(
                _(
                    "Vial %(vial)d is opened at %(opened)s and must be used by %(closes)s, but "
                    "stop %(stop)d ends at %(ends)s."
                )
                % {
                    "vial": vial,
                    "opened": _clock(arrivals[first]),
                    "closes": _clock(
                        arrivals[first] + timedelta(seconds=self.product.window_seconds)
                    ),
                    "stop": last + 1,
                    "ends": _clock(ends),
                }
            )
        if stops and returns_at > vehicle.ends_at:
            violations.append(
                _("Back at the practice at %(back)s, after the working day ends at %(ends)s.")
                % {"back": _clock(returns_at), "ends": _clock(vehicle.ends_at)}
            )
        if vehicle.max_vials is not None and vials > vehicle.max_vials:
            violations.append(
                _("The route needs %(vials)d vials; at most %(max)d can be carried.")
                % {"vials": vials, "max": vehicle.max_vials}
            )
        return PlannedRoute(
            vehicle_id=vehicle.id,
            stops=planned,
            vials=vials,
            drive_seconds=drive,
            distance_m=metres,
            returns_at=returns_at if stops else vehicle.starts_at,
            waste=vials * self.product.doses_per_vial - len(stops),
            violations=violations,
            doses_per_vial=per_vial,
        )


class _Solver:
    """One VROOM solve of the problem for given capacities (in doses) per vehicle."""

    def __init__(self, problem: _Problem, *, exploration_level: int, threads: int):
        self.problem = problem
        self.exploration_level = exploration_level
        self.threads = threads
        self.runs = 0

    def solve(
        self,
        capacities: list[int],
        *,
        level: int | None = None,
        fixed_cost: int = 0,
        job_order: Sequence[int] | None = None,
        durations: list[list[int]] | None = None,
    ) -> list[list[int]]:
        """The candidate indices each vehicle serves, in order. ``job_order`` and ``durations``
        (the benchmark's long run) feed VROOM the jobs in another order and other times."""
        # Imported here: pyvroom loads numpy and pandas, which pages that only need the value
        # types should not pay for.
        import vroom

        p = self.problem
        if not any(c > 0 for c in capacities):
            return [[] for _ in p.vehicles]
        problem = vroom.Input()
        problem.set_durations_matrix("car", durations or p.durations)
        for v, vehicle in enumerate(p.vehicles):
            if capacities[v] <= 0:
                continue
            problem.add_vehicle(
                vroom.Vehicle(
                    v + 1,
                    start=v,
                    end=v,
                    capacity=[capacities[v]],
                    time_window=vroom.TimeWindow(
                        _seconds(vehicle.starts_at - p.t0), _seconds(vehicle.ends_at - p.t0)
                    ),
                    costs=vroom.VehicleCosts(fixed=fixed_cost),
                )
            )
        for j in job_order if job_order is not None else range(len(p.candidates)):
            candidate = p.candidates[j]
            problem.add_job(
                vroom.Job(
                    j + 1,
                    location=p.location(j),
                    default_service=candidate.service_seconds,
                    delivery=[1],
                    priority=_vroom_priority(candidate.priority),
                )
            )
        self.runs += 1
        steps = problem.solve(
            exploration_level=level or self.exploration_level, nb_threads=self.threads
        ).routes
        routes: list[list[int]] = [[] for _ in p.vehicles]
        if "id" not in steps:  # no job served at all: pyvroom drops the empty column
            return routes
        jobs = steps[steps["type"] == "job"]
        for vehicle_id, job_id in zip(jobs["vehicle_id"], jobs["id"], strict=True):
            routes[int(vehicle_id) - 1].append(int(job_id) - 1)
        return routes


def _whole_vials(
    problem: _Problem, solver: _Solver, *, vials_available: int | None
) -> list[tuple[list[int], int]]:
    """Solve, round partial vials down, repair broken windows, solve again, until the routes
    are whole vials within their windows. Returns (stops, doses per vial) per vehicle."""
    p, dpv = problem, problem.product.doses_per_vial
    per_vial = [dpv] * len(p.vehicles)
    stop_cap = _stops_the_hours_allow(p)
    routes: list[list[int]] = [[] for _ in p.vehicles]
    settled = solver.exploration_level <= PROBE_LEVEL
    for _round in range(MAX_ROUNDS):
        want = [
            min(stop_cap[v] // per_vial[v], _no_cap(vehicle.max_vials))
            for v, vehicle in enumerate(p.vehicles)
        ]
        vials = _share(want, vials_available, per_vial, len(p.candidates))
        routes = solver.solve(
            [vials[v] * per_vial[v] for v in range(len(p.vehicles))],
            level=None if settled else PROBE_LEVEL,
        )
        changed = False
        for v, stops in enumerate(routes):
            arrivals, _back, _drive, _m = p.timeline(v, stops)
            broken = p.broken_vials(stops, arrivals, per_vial[v])
            fits = min((fit for *_, fit in broken), default=per_vial[v])
            if 0 < fits < per_vial[v]:
                # The window binds: draw only as many doses from each vial as fitted in it.
                per_vial[v] = fits
                changed = True
            elif len(stops) < vials[v] * per_vial[v]:
                # The hours (or the pool) ran out before the vials did: never plan more vials
                # than this route filled.
                stop_cap[v] = len(stops)
                # A partial vial is solved again; so are whole vials short of their capacity when
                # the stock is what held another vehicle back (it may take the vials left).
                stock_bound = vials_available is not None and sum(vials) >= vials_available
                changed = (
                    changed
                    or len(stops) % per_vial[v] != 0
                    or (stock_bound and any(w > got for w, got in zip(want, vials, strict=True)))
                )
        if not changed:
            if settled:
                break
            settled = True  # solve the settled capacities once more, at the level asked for
    return [
        (stops[: len(stops) - len(stops) % per_vial[v]], per_vial[v])
        for v, stops in enumerate(routes)
    ]


def _small_pool(problem: _Problem, solver: _Solver, *, max_waste: int):
    """Fewer candidates than one vial: one route opens one vial if that wastes at most
    ``max_waste`` doses, else nobody is routed."""
    p, n, dpv = problem, len(problem.candidates), problem.product.doses_per_vial
    none = [([], dpv) for _ in p.vehicles]
    if dpv - n > max_waste:
        return none
    capacities = [0 if v.max_vials == 0 else n for v in p.vehicles]
    # A fixed cost per vehicle used: one route with every candidate beats two half-empty vials.
    routes = solver.solve(capacities, fixed_cost=24 * 3600)
    best = max(range(len(routes)), key=lambda v: len(routes[v]))
    if dpv - len(routes[best]) > max_waste:
        return none
    return [(stops if v == best else [], dpv) for v, stops in enumerate(routes)]


def _stops_the_hours_allow(problem: _Problem) -> list[int]:
    """Per vehicle, an upper bound on the stops its hours allow: k stops take at least k of the
    shortest services and k + 1 of the shortest drives."""
    p = problem
    service = min(c.service_seconds for c in p.candidates)
    n = len(p.durations)
    hop = min((p.durations[i][j] for i in range(n) for j in range(n) if i != j), default=0)
    bounds = []
    for vehicle in p.vehicles:
        hours = _seconds(vehicle.ends_at - vehicle.starts_at)
        if service + hop <= 0:
            bounds.append(len(p.candidates))
        else:
            bounds.append(max(0, (hours - hop) // (service + hop)))
    return bounds


def _share(
    want: list[int], available: int | None, per_vial: list[int], candidates: int
) -> list[int]:
    """Vials per vehicle: what each could use, within the stock and the candidates. A vial at a
    time goes to the vehicle with the most unmet want, so scarce stock is spread evenly."""
    vials = [0] * len(want)
    budget = available if available is not None else sum(want)
    doses = 0
    while budget > 0:
        open_ = [v for v in range(len(want)) if vials[v] < want[v]]
        open_ = [v for v in open_ if doses + per_vial[v] <= candidates]
        if not open_:
            break
        v = max(open_, key=lambda w: (want[w] - vials[w], -w))
        vials[v] += 1
        doses += per_vial[v]
        budget -= 1
    return vials


def _vroom_priority(priority: int) -> int:
    """The candidate's priority (0-100) in VROOM's band 51-100.

    VROOM maximises the sum of the priorities served before the number of jobs, and one of its
    moves replaces several jobs of a route with one unassigned job of higher priority. With every
    priority above 50, two jobs always outweigh one, so it never trades two low-priority stops for
    one high-priority stop: a full vial is not emptied by one for a far, urgent citizen (which
    would cost the route a whole vial when rounded down); between routes of the same length the
    higher priorities still win.
    """
    return 51 + round(max(0, min(100, priority)) * 49 / 100)


def _no_cap(value: int | None) -> int:
    return 10**6 if value is None else value


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")
