"""Routes: each day's stops in the order that travels least, and subjects spread over days.

A day's route starts at a start point (the lead department's office, or where the leader
is) and visits every stop once; it does not come back (the team ends the day where the last
visit is). Distances are great-circle kilometres between WGS-84 points. Up to
``EXACT_MAX_STOPS`` stops the order is the exact optimum (Held–Karp dynamic programming,
O(2ⁿ·n²)); above, OR-Tools' routing solver (cheapest-arc or Christofides start,
Lin–Kernighan and the usual moves, guided local search under a time limit). Travel time is
an estimate: air distance times a road factor at an urban speed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from services.errors import ValidationFailed
from services.geo import Point, distance_km

EXACT_MAX_STOPS = 12
# roads are longer than the great circle; 1.3 is the usual urban detour index
ROAD_FACTOR = 1.3
URBAN_SPEED_KMH = 30.0
SOLVER_TIME_LIMIT_MS = 150


@dataclass(frozen=True)
class RouteOrder:
    """The visiting order of a day's stops (indexes into the stops given) and its length."""

    order: tuple[int, ...]
    km: float
    exact: bool

    @property
    def travel_minutes(self) -> int:
        """Driving time estimate (``travel_minutes``)."""
        return travel_minutes(self.km)


def travel_minutes(km: float) -> int:
    """Driving time estimate: air km × road factor at urban speed, rounded up to a minute."""
    return math.ceil(round(km * ROAD_FACTOR / URBAN_SPEED_KMH * 60, 6))


def distance_matrix(start: Point, stops: Sequence[Point]) -> list[list[float]]:
    """Great-circle km between every pair of ``[start, *stops]``."""
    points = [start, *stops]
    return [[distance_km(a, b) for b in points] for a in points]


def path_km(start: Point, stops: Sequence[Point], order: Sequence[int]) -> float:
    """Length of visiting ``stops`` in ``order`` from ``start`` (no return)."""
    total = 0.0
    here = start
    for i in order:
        total += distance_km(here, stops[i])
        here = stops[i]
    return total


def exact_order(start: Point, stops: Sequence[Point]) -> RouteOrder:
    """The shortest open path from ``start`` through every stop (Held–Karp).

    ``best[mask][j]``: shortest path from the start through the stops in ``mask`` ending at
    ``j``. Ties go to the lexicographically first order, so the answer is deterministic.
    """
    n = len(stops)
    if n == 0:
        return RouteOrder((), 0.0, True)
    d = distance_matrix(start, stops)
    full = 1 << n
    inf = math.inf
    best = [[inf] * n for _ in range(full)]
    parent = [[-1] * n for _ in range(full)]
    for j in range(n):
        best[1 << j][j] = d[0][j + 1]
    for mask in range(1, full):
        row = best[mask]
        for j in range(n):
            here = row[j]
            if here == inf:
                continue
            dj = d[j + 1]
            for k in range(n):
                bit = 1 << k
                if mask & bit:
                    continue
                nxt = mask | bit
                cost = here + dj[k + 1]
                if cost < best[nxt][k] - 1e-12:
                    best[nxt][k] = cost
                    parent[nxt][k] = j
    last_row = best[full - 1]
    end = min(range(n), key=lambda j: last_row[j])
    order: list[int] = []
    mask, j = full - 1, end
    while j != -1:
        order.append(j)
        prev = parent[mask][j]
        mask ^= 1 << j
        j = prev
    order.reverse()
    return RouteOrder(tuple(order), last_row[end], True)


def polish(d: Sequence[Sequence[float]], order: Sequence[int]) -> list[int]:
    """``order`` improved to a local optimum of 2-opt and Or-opt moves (open path from node 0).

    ``d`` is :func:`distance_matrix` (node 0 the start, stop ``i`` is node ``i + 1``);
    ``order`` holds stop indexes. 2-opt reverses a stretch; Or-opt moves a run of 1–3 stops,
    either way round, elsewhere. Each pass is O(n²) and a move is taken only when it shortens
    the path by more than a millimetre, so the loop ends. The solver is time-limited: on a
    loaded machine it may stop early, and this pass keeps such a route from being poor.
    """
    path = [0, *(i + 1 for i in order)]
    n = len(path)

    def arc(a: int, b: int) -> float:
        return d[path[a]][path[b]] if b < n else 0.0

    improved = True
    while improved:
        improved = False
        for i in range(1, n - 1):  # 2-opt: reverse path[i..j]
            for j in range(i + 1, n):
                delta = (d[path[i - 1]][path[j]] + arc(i, j + 1)
                         - d[path[i - 1]][path[i]] - arc(j, j + 1))
                if delta < -1e-6:
                    path[i:j + 1] = reversed(path[i:j + 1])
                    improved = True
        for size in (1, 2, 3):  # Or-opt: move path[i..i+size-1] after position k
            i = 1
            while i + size <= n:
                run = path[i:i + size]
                rest = path[:i] + path[i + size:]
                removed = (d[path[i - 1]][run[0]] + (d[run[-1]][path[i + size]]
                           if i + size < n else 0.0)
                           - (d[path[i - 1]][path[i + size]] if i + size < n else 0.0))
                best, where, flip = -1e-6, -1, False
                for k in range(len(rest)):
                    nxt = rest[k + 1] if k + 1 < len(rest) else None
                    for rev in (False, True):
                        first, last = (run[-1], run[0]) if rev else (run[0], run[-1])
                        added = d[rest[k]][first] + (d[last][nxt] - d[rest[k]][nxt]
                                                     if nxt is not None else 0.0)
                        gain = added - removed
                        if gain < best and k != i - 1:
                            best, where, flip = gain, k, rev
                if where >= 0:
                    piece = run[::-1] if flip else run
                    path = rest[:where + 1] + piece + rest[where + 1:]
                    improved = True
                i += 1
    return [node - 1 for node in path[1:]]


def solver_time_limit_ms(stops: int) -> int:
    """The solver's time: 150 ms up to 30 stops (the target is under 200 ms), 5 ms a stop
    above (60 stops: 300 ms), which keeps big days within a few percent of a long run."""
    return max(SOLVER_TIME_LIMIT_MS, 5 * stops)


def solver_order(start: Point, stops: Sequence[Point],
                 time_limit_ms: int | None = None) -> RouteOrder:
    """A short open path by OR-Tools' routing solver (guided local search, time-limited).

    The open end is a dummy node at zero distance from every stop: the route start → stops →
    dummy is then exactly an open path. Distances go in as whole metres.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    from ortools.util import optional_boolean_pb2

    n = len(stops)
    if n <= 1:
        return RouteOrder(tuple(range(n)), path_km(start, stops, range(n)), True)
    d = distance_matrix(start, stops)
    dummy = n + 1
    metres = [[round(x * 1000) for x in row] + [0] for row in d]
    metres.append([0] * (n + 2))
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [dummy])
    routing = pywrapcp.RoutingModel(manager)

    def cost(i: int, j: int) -> int:
        return int(metres[manager.IndexToNode(i)][manager.IndexToNode(j)])

    callback = routing.RegisterTransitCallback(cost)
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    params = pywrapcp.DefaultRoutingSearchParameters()
    # measured on random Ezhou days (bench/route_bench.py and side runs against the best of
    # several 3-5 s runs): above 30 stops Christofides' start ends closer (0.5-2.2 % against
    # 2.0-2.4 % at 50 stops in 250 ms); up to 30 the cheapest-arc start is as good or better
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.CHRISTOFIDES if n > 30
        else routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC)
    params.local_search_operators.use_lin_kernighan = optional_boolean_pb2.BOOL_TRUE
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(time_limit_ms or solver_time_limit_ms(n))
    solution = routing.SolveWithParameters(params)
    if solution is None:  # pragma: no cover -- every permutation is feasible
        raise RuntimeError("the routing solver found no route")
    order: list[int] = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index) - 1)
        index = solution.Value(routing.NextVar(index))
    order = polish(d, order)
    return RouteOrder(tuple(order), path_km(start, stops, order), False)


def order_stops(start: Point, stops: Sequence[Point],
                time_limit_ms: int | None = None) -> RouteOrder:
    """The day's visiting order: exact for small days, the solver above."""
    if len(stops) <= EXACT_MAX_STOPS:
        return exact_order(start, stops)
    return solver_order(start, stops, time_limit_ms)


@dataclass(frozen=True)
class DayPlan:
    """One day of a proposal: its date, the stops in visiting order (indexes into the
    subjects given) and the route's length."""

    day: dt.date
    stops: tuple[int, ...]
    km: float


def spread_over_days(
    start: Point, subjects: Sequence[Point], working_days: Sequence[dt.date],
    max_per_day: int,
) -> list[DayPlan]:
    """Spread subjects over the first working days needed, at most ``max_per_day`` a day.

    One tour through all subjects (the same solver) is cut into consecutive runs of nearly
    equal size, so each day covers one stretch of the map; each day is then ordered again
    from the start point. Refuses when the window's working days cannot hold them all.
    """
    if max_per_day < 1:
        raise ValidationFailed("schedule-max-per-day", value=max_per_day)
    n = len(subjects)
    if n == 0:
        return []
    days_needed = math.ceil(n / max_per_day)
    if days_needed > len(working_days):
        raise ValidationFailed(
            "schedule-window-too-short", subjects=n, days=len(working_days),
            per_day=max_per_day,
        )
    tour = order_stops(start, subjects).order
    base, extra = divmod(n, days_needed)
    plans: list[DayPlan] = []
    at = 0
    for k in range(days_needed):
        size = base + (1 if k < extra else 0)
        chunk = tour[at:at + size]
        at += size
        route = order_stops(start, [subjects[i] for i in chunk])
        stops = tuple(chunk[i] for i in route.order)
        plans.append(DayPlan(working_days[k], stops, route.km))
    return plans
