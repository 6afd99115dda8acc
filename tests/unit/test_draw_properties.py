"""Rules every draw keeps whatever the entropy and the input order (property tests)."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier import verify_draw as vd

SALT = "0badc0de" * 4
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def witnessed(count: int = 3) -> dict[str, Any]:
    return {"type": "witnessed", "description": "福彩3D 第2026058期", "count": count}


def evidence(values: list[int]) -> dict[str, Any]:
    return {"type": "witnessed", "values": [str(v) for v in values], "witnesses": ["李四", "王五"]}


entropies = st.lists(st.integers(0, 9), min_size=3, max_size=3)


def attempt(manifest: dict[str, Any], values: list[int]) -> dict[str, Any] | vd.DrawError:
    """The result, or the refusal the engine raised (so that properties can assert on both)."""
    try:
        return vd.compute_result(manifest, evidence(values))
    except vd.DrawError as exc:
        return exc


def subjects_manifest(pool: dict[str, list[int]], allocation: dict[str, int]) -> dict[str, Any]:
    return {
        "spec": vd.SPEC,
        "kind": "subjects",
        "task": {"code": "P-1", "items": ["X"], "year": 2026},
        "committed_at": "2026-03-05T02:00:00Z",
        "entropy_source": witnessed(),
        "pool": pool,
        "exclusions": [],
        "allocation": allocation,
        "parameters": {},
    }


@st.composite
def stratified_pools(draw: st.DrawFn) -> tuple[dict[str, list[int]], dict[str, int]]:
    ids = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=60, unique=True))
    strata = draw(st.lists(st.sampled_from("ABCD"), min_size=len(ids), max_size=len(ids)))
    pool: dict[str, list[int]] = {}
    for subject, stratum in zip(ids, strata, strict=True):
        pool.setdefault(stratum, []).append(subject)  # deliberately in read order, unsorted
    allocation = {s: draw(st.integers(0, len(members))) for s, members in pool.items()}
    return pool, allocation


@PROPERTY_SETTINGS
@given(stratified_pools(), entropies, st.randoms(use_true_random=False))
def test_subjects_follow_allocation_and_ignore_read_order(
    drawn: tuple[dict[str, list[int]], dict[str, int]], values: list[int], shuffler: Any
) -> None:
    pool, allocation = drawn
    manifest = vd.normalise_manifest(subjects_manifest(pool, allocation))
    reread = {s: shuffler.sample(ids, len(ids)) for s, ids in reversed(list(pool.items()))}
    again = vd.normalise_manifest(subjects_manifest(reread, allocation))
    assert vd.commitment(again) == vd.commitment(manifest)
    result = vd.compute_result(manifest, evidence(values))
    assert vd.compute_result(again, evidence(values)) == result
    for stratum, members in pool.items():
        chosen = result["selected"][stratum]
        assert len(chosen) == allocation[stratum]
        assert len(set(chosen)) == len(chosen)
        assert set(chosen) <= set(members)
    # Reproducible from the bundle alone.
    assert vd.verify_bundle(vd.make_bundle(manifest, evidence(values), result)).ok


@PROPERTY_SETTINGS
@given(stratified_pools(), entropies)
def test_unsorted_pool_is_refused_not_silently_reordered(
    drawn: tuple[dict[str, list[int]], dict[str, int]], values: list[int]
) -> None:
    pool, allocation = drawn
    manifest = subjects_manifest(pool, allocation)
    ordered = all(ids == sorted(ids) for ids in pool.values())
    outcome = attempt(manifest, values)
    if ordered:
        assert not isinstance(outcome, vd.DrawError)
    else:
        assert isinstance(outcome, vd.DrawError)
        assert outcome.code == "manifest-not-canonical"


@PROPERTY_SETTINGS
@given(
    st.integers(1, 5),
    st.integers(0, 4),
    st.booleans(),
    st.lists(st.integers(1, 500), min_size=0, max_size=40, unique=True),
    entropies,
)
def test_inspector_teams_have_their_size_and_a_leader_among_their_members(
    team_count: int, per_team: int, is_lead: bool, pool: list[int], values: list[int]
) -> None:
    manifest = {
        "spec": vd.SPEC,
        "kind": "inspectors",
        "committed_at": "2026-03-05T02:00:00Z",
        "entropy_source": witnessed(),
        "department": "YJGL",
        "is_lead": is_lead,
        "team_count": team_count,
        "per_team": per_team,
        "pool": sorted(pool),
        "exclusions": [],
        "parameters": {},
    }
    result = attempt(manifest, values)
    if is_lead and per_team == 0:
        assert isinstance(result, vd.DrawError)
        assert result.code == "no-lead-members"
        return
    if team_count * per_team > len(pool):
        assert isinstance(result, vd.DrawError)
        assert result.code == "pool-too-small"
        assert result.details["needed"] == team_count * per_team
        return
    assert not isinstance(result, vd.DrawError)
    teams = result["teams"]
    assert sorted(teams, key=int) == [str(i) for i in range(1, team_count + 1)]
    everyone = [member for members in teams.values() for member in members]
    assert len(everyone) == len(set(everyone)) == team_count * per_team
    assert set(everyone) <= set(pool)
    assert all(len(members) == per_team for members in teams.values())
    if is_lead:
        assert all(result["leaders"][team] in teams[team] for team in teams)
    else:
        assert "leaders" not in result


@st.composite
def matching_cases(draw: st.DrawFn) -> tuple[dict[str, Any], set[tuple[int, int]]]:
    team_count = draw(st.integers(1, 3))
    subjects = sorted(draw(st.lists(st.integers(1, 40), min_size=0, max_size=7, unique=True)))
    teams: dict[str, dict[str, list[int]]] = {}
    next_id = 100
    for team in range(1, team_count + 1):
        size = draw(st.integers(1, 2))
        teams[str(team)] = {"members": list(range(next_id, next_id + size))}
        next_id += size
    members = [m for entry in teams.values() for m in entry["members"]]
    all_pairs = [(i, s) for i in members for s in subjects]
    # Dense enough that many instances need subjects moved along augmenting paths, and many
    # have no balanced matching at all.
    pairs = (
        draw(st.sets(st.sampled_from(all_pairs), max_size=len(all_pairs))) if all_pairs else set()
    )
    manifest = {
        "spec": vd.SPEC,
        "kind": "matching",
        "committed_at": "2026-03-05T02:00:00Z",
        "entropy_source": witnessed(),
        "team_count": team_count,
        "subjects": subjects,
        "teams": teams,
        "salt": SALT,
        "forbidden": sorted({vd.salted_pair_hash(SALT, i, s) for i, s in pairs}),
    }
    return manifest, pairs


def feasible_by_brute_force(manifest: dict[str, Any], pairs: set[tuple[int, int]]) -> bool:
    teams = sorted(manifest["teams"], key=int)
    subjects = manifest["subjects"]
    for choice in itertools.product(teams, repeat=len(subjects)):
        loads = [choice.count(team) for team in teams]
        if max(loads) - min(loads) > 1:
            continue
        if all(
            (member, subject) not in pairs
            for subject, team in zip(subjects, choice, strict=True)
            for member in manifest["teams"][team]["members"]
        ):
            return True
    return False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matching_cases(), entropies)
def test_matching_is_refused_exactly_when_no_balanced_conflict_free_matching_exists(
    case: tuple[dict[str, Any], set[tuple[int, int]]], values: list[int]
) -> None:
    manifest, pairs = case
    feasible = feasible_by_brute_force(manifest, pairs)
    result = attempt(manifest, values)
    if not feasible:
        assert isinstance(result, vd.DrawError)
        assert result.code == "no-feasible-matching"
        return
    assert not isinstance(result, vd.DrawError)
    assignment = result["assignment"]
    loads = [len(assignment[team]) for team in manifest["teams"]]
    assert max(loads) - min(loads) <= 1
    assert sorted(s for ids in assignment.values() for s in ids) == manifest["subjects"]
    for team, ids in assignment.items():
        for subject in ids:
            for member in manifest["teams"][team]["members"]:
                assert (member, subject) not in pairs
    assert vd.compute_result(manifest, evidence(values)) == result


@PROPERTY_SETTINGS
@given(
    st.lists(st.integers(1, 300), min_size=1, max_size=20, unique=True),
    st.lists(st.integers(1000, 1010), min_size=1, max_size=4, unique=True),
    st.data(),
    entropies,
)
def test_replacement_is_from_the_pool_and_free_of_conflicts(
    pool: list[int], team_subjects: list[int], data: st.DataObject, values: list[int]
) -> None:
    pairs = set(
        data.draw(st.lists(st.tuples(st.sampled_from(pool), st.sampled_from(team_subjects))))
    )
    manifest = {
        "spec": vd.SPEC,
        "kind": "replacement",
        "committed_at": "2026-03-05T02:00:00Z",
        "entropy_source": witnessed(),
        "department": "WSJK",
        "team": "1",
        "withdrawn": 999,
        "reason": "late conflict declaration",
        "pool": sorted(pool),
        "team_subjects": sorted(team_subjects),
        "salt": SALT,
        "forbidden": sorted({vd.salted_pair_hash(SALT, i, s) for i, s in pairs}),
        "redraw_leader": True,
        "is_lead": True,
        "lead_members": [998],
    }
    conflict_free = [p for p in pool if all((p, s) not in pairs for s in team_subjects)]
    result = attempt(manifest, values)
    if not conflict_free:
        assert isinstance(result, vd.DrawError)
        assert result.code == "no-eligible-replacement"
        return
    assert not isinstance(result, vd.DrawError)
    assert result["replacement"] in conflict_free
    assert result["leader"] in {998, result["replacement"]}


@PROPERTY_SETTINGS
@given(stratified_pools(), entropies, st.integers(0, 2))
def test_a_changed_input_never_verifies(
    drawn: tuple[dict[str, list[int]], dict[str, int]], values: list[int], what: int
) -> None:
    pool, allocation = drawn
    manifest = vd.normalise_manifest(subjects_manifest(pool, allocation))
    bundle = vd.make_bundle(
        manifest, evidence(values), vd.compute_result(manifest, evidence(values))
    )
    if what == 0:  # a pool entry replaced by an id nobody had
        stratum = next(iter(bundle["manifest"]["pool"]))
        bundle["manifest"] = {**manifest, "pool": {**manifest["pool"], stratum: [20_000]}}
    elif what == 1:  # a parameter
        bundle["manifest"] = {**manifest, "parameters": {"window_months": 6}}
    else:  # the entropy
        bundle["entropy"] = evidence([(values[0] + 1) % 10, *values[1:]])
    report = vd.verify_bundle(bundle)
    if what < 2:
        assert not report.ok
        assert report.differences[0].startswith("commitment: recorded")
        return
    # Other entropy, same manifest: it verifies only if that entropy draws the same subjects,
    # which happens only when the allocation leaves no choice.
    forced = all(allocation[s] in (0, len(ids)) for s, ids in pool.items())
    assert report.ok == forced or report.ok == (
        vd.compute_result(manifest, bundle["entropy"]) == bundle["result"]
    )
    if not report.ok:
        assert report.differences[0].startswith("result.selected.")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a JSON value (dict keys and list indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value[:6]):
            found += paths(sub, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), json_values)
def test_the_verifier_answers_any_tampered_bundle_without_crashing(
    data: st.DataObject, replacement: Any
) -> None:
    pool = {"A": [1, 2, 3, 4], "B": [10, 11, 12]}
    manifest = subjects_manifest(pool, {"A": 2, "B": 1})
    bundle = vd.make_bundle(
        manifest, evidence([1, 2, 3]), vd.compute_result(manifest, evidence([1, 2, 3]))
    )
    bundle = json.loads(json.dumps(bundle))
    # Witness names are evidence for people, not input to the draw: changing them changes no
    # byte that is re-computed, so they are the one place a change may go unnoticed.
    places = [p for p in paths(bundle)[1:] if p[:2] != ("entropy", "witnesses")]
    where = data.draw(st.sampled_from(places))
    target = bundle
    for step in where[:-1]:
        target = target[step]
    original = target[where[-1]]
    target[where[-1]] = replacement
    report = vd.verify_bundle(bundle)
    if vd.canonical_json(replacement) == vd.canonical_json(original):
        assert report.ok
    elif where[0] == "entropy":
        # Other evidence may still be valid and, by chance, draw the same subjects.
        outcome: Any
        try:
            outcome = vd.compute_result(bundle["manifest"], bundle["entropy"])
        except (vd.DrawError, TypeError, ValueError, KeyError, AttributeError, IndexError):
            outcome = None
        assert report.ok == (outcome == bundle["result"])
    else:  # the spec, the manifest, the commitment or the result
        assert not report.ok
    assert report.ok or report.differences
