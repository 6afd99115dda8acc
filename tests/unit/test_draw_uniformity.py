"""Uniformity: over many entropies every subset of a small pool is drawn equally often.

The same chi-square check is run against deliberately biased selectors, which must fail it, so
that the check itself is shown to have teeth.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest

from verifier import verify_draw as vd

POOL = list(range(1, 11))
CHOOSE = 3
TRIALS = 20_000
# The engine must pass at this level; a biased selector must fall far below it.
ALPHA = 1e-3


def chi_square_p_value(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X ~ chi-square(dof): the regularised upper gamma Q(dof/2, x/2)."""
    a, x = dof / 2, statistic / 2
    if x <= 0:
        return 1.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # series for the lower function P, then Q = 1 - P
        term = total = 1 / a
        n = 0
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= x / (a + n)
            total += term
        return max(0.0, 1 - total * math.exp(log_prefix))
    # Lentz's continued fraction for Q
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(log_prefix) * h


def test_chi_square_p_values_match_known_quantiles() -> None:
    # Textbook table values: chi2(9) 95th percentile 16.919, chi2(119) 99.9th about 169.8.
    assert chi_square_p_value(16.919, 9) == pytest.approx(0.05, abs=1e-4)
    assert chi_square_p_value(2.0, 2) == pytest.approx(math.exp(-1), rel=1e-12)
    assert chi_square_p_value(169.8, 119) == pytest.approx(0.0016, abs=3e-4)


def manifest() -> dict[str, Any]:
    return {
        "spec": vd.SPEC,
        "kind": "subjects",
        "task": {"code": "U-1", "items": ["X"], "year": 2026},
        "committed_at": "2026-03-05T02:00:00Z",
        "entropy_source": {"type": "witnessed", "description": "five dice", "count": 5},
        "pool": {"A": POOL},
        "exclusions": [],
        "allocation": {"A": CHOOSE},
        "parameters": {},
    }


DIGEST = vd.commitment(manifest())


def witnessed(trial: int) -> dict[str, Any]:
    return {
        "type": "witnessed",
        "values": list(f"{trial:05d}"),
        "witnesses": ["赵六"],
    }


Selector = Callable[[dict[str, Any], int], tuple[int, ...]]


def engine(m: dict[str, Any], trial: int) -> tuple[int, ...]:
    result = vd.compute_result(m, witnessed(trial), manifest_sha256=DIGEST, workers=1)
    return tuple(result["selected"]["A"])


def key_for(m: dict[str, Any], trial: int) -> bytes:
    return vd._key_from_commitment(DIGEST, vd.entropy_bytes(m["entropy_source"], witnessed(trial)))


def first_by_id(m: dict[str, Any], trial: int) -> tuple[int, ...]:
    """A selector that ignores the entropy: the k smallest ids."""
    return tuple(POOL[:CHOOSE])


def modulo_picks(m: dict[str, Any], trial: int) -> tuple[int, ...]:
    """Sequential picks by a bare modulo of a 4-bit number (16 mod 10 != 0: biased)."""
    key = key_for(m, trial)
    remaining = list(POOL)
    chosen = []
    for pick in range(CHOOSE):
        index = (vd.label_hmac(key, f"pick:{pick}")[0] & 0x0F) % len(remaining)
        chosen.append(remaining.pop(index))
    return tuple(sorted(chosen))


def truncated_tickets(m: dict[str, Any], trial: int) -> tuple[int, ...]:
    """Lowest tickets, but each ticket cut to 3 bits so that ties fall to the lower id."""
    key = key_for(m, trial)
    ranked = sorted(
        range(len(POOL)), key=lambda p: (vd.ticket_at(key, "subject:A:", p)[0] >> 5, p)
    )
    return tuple(sorted(POOL[p] for p in ranked[:CHOOSE]))


def subset_p_value(selector: Selector, trials: int = TRIALS) -> float:
    """Chi-square of how often each of the C(10, 3) = 120 subsets came out."""
    m = manifest()
    counts = Counter(selector(m, trial) for trial in range(trials))
    cells = list(combinations(POOL, CHOOSE))
    expected = trials / len(cells)
    statistic = sum((counts.get(cell, 0) - expected) ** 2 / expected for cell in cells)
    return chi_square_p_value(statistic, len(cells) - 1)


def id_frequency_p_value(selector: Selector, trials: int = TRIALS) -> float:
    """Chi-square of each id's selection frequency (each trial selects CHOOSE distinct ids).

    An id is selected with probability p = 3/10 per trial, so its count has variance
    trials * p * (1 - p); the ten standardised squares sum to chi-square with 9 degrees of
    freedom (one is lost to the fixed total).
    """
    m = manifest()
    counts = Counter(i for trial in range(trials) for i in selector(m, trial))
    p = CHOOSE / len(POOL)
    mean, variance = trials * p, trials * p * (1 - p)
    statistic = sum((counts.get(i, 0) - mean) ** 2 / variance for i in POOL)
    return chi_square_p_value(statistic * (len(POOL) - 1) / len(POOL), len(POOL) - 1)


@pytest.fixture(scope="module")
def engine_draws() -> list[tuple[int, ...]]:
    m = manifest()
    return [engine(m, trial) for trial in range(TRIALS)]


def test_engine_draws_every_subset_equally_often(engine_draws: list[tuple[int, ...]]) -> None:
    draws = iter(engine_draws)
    assert subset_p_value(lambda _m, _t: next(draws)) > ALPHA


def test_engine_selects_every_id_equally_often(engine_draws: list[tuple[int, ...]]) -> None:
    draws = iter(engine_draws)
    assert id_frequency_p_value(lambda _m, _t: next(draws)) > ALPHA


@pytest.mark.parametrize("selector", [first_by_id, modulo_picks, truncated_tickets])
def test_a_biased_selector_fails_the_same_check(selector: Selector) -> None:
    assert subset_p_value(selector) < ALPHA / 1000


def test_rand_below_is_uniform_where_a_bare_modulo_is_not() -> None:
    n, trials = 100, TRIALS
    key = vd.derive_key(manifest(), b"rand_below uniformity")
    fair = Counter(vd.rand_below(key, f"u:{i}", n) for i in range(trials))
    biased = Counter(vd.label_hmac(key, f"u:{i}")[0] % n for i in range(trials))
    expected = trials / n

    def p_value(counts: Counter[int]) -> float:
        statistic = sum((counts.get(v, 0) - expected) ** 2 / expected for v in range(n))
        return chi_square_p_value(statistic, n - 1)

    assert set(fair) == set(range(n))
    assert p_value(fair) > ALPHA
    assert p_value(biased) < ALPHA / 1000
