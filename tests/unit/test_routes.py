"""Routes: the exact order equals brute force, the solver is close, days respect the cap."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.errors import ValidationFailed
from services.geo import Point
from services.routes import (
    distance_matrix,
    exact_order,
    order_stops,
    path_km,
    polish,
    solver_order,
    spread_over_days,
    travel_minutes,
)

OFFICE = Point(30.3908, 114.8949)  # central Ezhou
points = st.builds(Point, st.floats(30.2, 30.6), st.floats(114.5, 115.1))


def brute_force(start: Point, stops: list[Point]) -> float:
    return min(path_km(start, stops, p) for p in itertools.permutations(range(len(stops))))


@settings(max_examples=40, deadline=None)
@given(st.lists(points, min_size=0, max_size=7))
def test_exact_order_is_the_brute_force_optimum(stops: list[Point]) -> None:
    route = exact_order(OFFICE, stops)
    assert sorted(route.order) == list(range(len(stops)))
    assert route.km == pytest.approx(path_km(OFFICE, stops, route.order), abs=1e-9)
    if stops:
        assert route.km == pytest.approx(brute_force(OFFICE, stops), abs=1e-9)


def test_exact_order_on_a_line_visits_nearest_first() -> None:
    # stops east of the office along one parallel, given out of order
    stops = [Point(30.39, 114.95 + 0.01 * k) for k in (3, 1, 4, 0, 2)]
    route = exact_order(Point(30.39, 114.94), stops)
    assert route.order == (3, 1, 4, 0, 2)
    assert route.km == pytest.approx(path_km(Point(30.39, 114.94), stops, (3, 1, 4, 0, 2)))


@settings(max_examples=60, deadline=None)
@given(st.lists(points, min_size=1, max_size=9), st.randoms(use_true_random=False))
def test_polish_keeps_every_stop_and_never_lengthens(
    stops: list[Point], rnd: random.Random,
) -> None:
    given_order = list(range(len(stops)))
    rnd.shuffle(given_order)
    polished = polish(distance_matrix(OFFICE, stops), given_order)
    assert sorted(polished) == list(range(len(stops)))
    assert path_km(OFFICE, stops, polished) <= path_km(OFFICE, stops, given_order) + 1e-9


def test_polish_uncrosses_a_zigzag_along_a_street() -> None:
    # five stops along one parallel east of the start, visited out of order: the straight
    # walk east is the only local optimum of 2-opt and Or-opt here
    start = Point(30.39, 114.94)
    stops = [Point(30.39, 114.95 + 0.01 * k) for k in range(5)]
    zigzag = [4, 0, 3, 1, 2]
    assert polish(distance_matrix(start, stops), zigzag) == [0, 1, 2, 3, 4]


def test_solver_is_within_two_percent_of_the_optimum_on_nine_stops() -> None:
    rng = random.Random(7)
    gaps = []
    for _ in range(5):
        stops = [Point(rng.uniform(30.2, 30.6), rng.uniform(114.5, 115.1)) for _ in range(9)]
        exact = exact_order(OFFICE, stops)
        solved = solver_order(OFFICE, stops, time_limit_ms=300)  # room for a loaded machine
        assert sorted(solved.order) == list(range(9))
        assert not solved.exact
        gaps.append(solved.km / exact.km - 1)
    assert min(gaps) >= -1e-9  # nothing beats the optimum
    assert max(gaps) < 0.02


def test_order_stops_uses_the_solver_above_twelve() -> None:
    rng = random.Random(3)
    stops = [Point(rng.uniform(30.2, 30.6), rng.uniform(114.5, 115.1)) for _ in range(14)]
    route = order_stops(OFFICE, stops)
    assert not route.exact
    assert sorted(route.order) == list(range(14))
    assert order_stops(OFFICE, stops[:12]).exact


def test_travel_minutes() -> None:
    # 23.08 km of air distance × 1.3 road factor at 30 km/h = 60.008 min → 61
    assert travel_minutes(23.08) == 61
    assert travel_minutes(0) == 0
    assert travel_minutes(11.538461538) == 30


DAYS = [dt.date(2026, 4, d) for d in (1, 2, 3, 7, 8)]


def test_spread_fills_the_fewest_days_evenly() -> None:
    rng = random.Random(11)
    subjects = [Point(rng.uniform(30.2, 30.6), rng.uniform(114.5, 115.1)) for _ in range(7)]
    plans = spread_over_days(OFFICE, subjects, DAYS, max_per_day=3)
    assert [p.day for p in plans] == DAYS[:3]
    assert sorted(len(p.stops) for p in plans) == [2, 2, 3]
    assert sorted(i for p in plans for i in p.stops) == list(range(7))
    for p in plans:  # each day is the optimum for its own stops
        day_stops = [subjects[i] for i in p.stops]
        assert p.km == pytest.approx(path_km(OFFICE, day_stops, range(len(day_stops))))
        assert p.km == pytest.approx(brute_force(OFFICE, day_stops))


def test_spread_refuses_a_window_too_short() -> None:
    subjects = [OFFICE] * 11
    with pytest.raises(ValidationFailed) as refused:
        spread_over_days(OFFICE, subjects, DAYS, max_per_day=2)
    assert refused.value.key == "schedule-window-too-short"
    assert refused.value.args_map == {"subjects": 11, "days": 5, "per_day": 2}
    with pytest.raises(ValidationFailed):
        spread_over_days(OFFICE, subjects, DAYS, max_per_day=0)
    assert spread_over_days(OFFICE, [], DAYS, max_per_day=2) == []
