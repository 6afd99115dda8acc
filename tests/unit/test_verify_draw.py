"""The draw engine and verifier (verifier/verify_draw.py): encoding, tickets, kinds, bundles."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import has, t
from verifier import verify_draw as vd

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "verifier" / "verify_draw.py"
SECRET = "把这串密钥封存在信封里"
SALT = "5f1d" * 8


def secret_source(secret: str = SECRET) -> dict[str, Any]:
    return {
        "type": "operator-secret",
        "sha256": hashlib.sha256(secret.encode()).hexdigest(),
        "label": "weakest",
    }


def secret_evidence(secret: str = SECRET) -> dict[str, Any]:
    return {"type": "operator-secret", "secret": secret}


def subjects_manifest(**changes: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "spec": vd.SPEC,
        "kind": "subjects",
        "task": {"code": "2026-JC-007", "items": ["SCJG-01", "SCJG-04"], "year": 2026},
        "committed_at": "2026-03-05T02:00:00Z",
        "entropy_source": secret_source(),
        "pool": {"A": [11, 12, 13, 14, 15], "B": list(range(100, 140)), "C": [7, 8, 9]},
        "exclusions": [{"id": 3, "reason": "inactive"}, {"id": 4, "reason": "inspected 2025"}],
        "allocation": {"A": 2, "B": 6, "C": 0},
        "parameters": {"ratio_per_mille": {"A": 400, "B": 150, "C": 0}, "window_months": 12},
    }
    manifest.update(changes)
    return manifest


def base(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "spec": vd.SPEC,
        "kind": kind,
        "committed_at": "2026-03-05T02:00:00Z",
        "entropy_source": secret_source(),
        **fields,
    }


# --- canonical JSON ------------------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8() -> None:
    value = {"b": [3, 1, True, None], "a": {"名称": '鄂州\n"x"', "z": -5}, "A": False}
    assert vd.canonical_json(value) == (
        '{"A":false,"a":{"z":-5,"名称":"鄂州\\n\\"x\\""},"b":[3,1,true,null]}'.encode()
    )


def test_canonical_json_escapes_control_characters_in_lowercase_hex() -> None:
    assert (
        vd.canonical_json(["\x01\x1f\t\u2028\x7f"]) == '["\\u0001\\u001f\\t\u2028\x7f"]'.encode()
    )


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"ratio": 0.05}, "$.ratio"),
        ({"pool": {"A": [1, 2.0]}}, "$.pool.A[1]"),
        ({"x": (1, 2)}, "$.x"),
        ({1: "int key"}, "$"),
        ({"nan": float("nan")}, "$.nan"),
    ],
)
def test_canonical_json_refuses_floats_tuples_and_int_keys(value: Any, path: str) -> None:
    with pytest.raises(vd.DrawError) as caught:
        vd.canonical_json(value)
    assert caught.value.code == "non-canonical-value"
    assert caught.value.details["path"] == path


def test_canonical_json_of_millions_of_ids_matches_a_plain_encoding() -> None:
    ids = list(range(1, 3_000_000, 7))
    manifest = {"pool": {"B": ids, "A": ids[:5]}, "z": "终"}
    expected = (
        '{"pool":{"A":['
        + ",".join(map(str, ids[:5]))
        + '],"B":['
        + ",".join(map(str, ids))
        + ']},"z":"终"}'
    ).encode()
    assert vd.canonical_json(manifest) == expected
    assert vd.commitment(manifest) == hashlib.sha256(expected).hexdigest()


# --- key, tickets, bounded integers --------------------------------------------------------


def ranked(key: bytes, prefix: str, ids: list[int]) -> list[int]:
    """``ids`` by the reference ticket of their position (§8), one hmac.digest each."""
    order = sorted(range(len(ids)), key=lambda p: (vd.ticket_at(key, prefix, p), p))
    return [ids[p] for p in order]


def test_key_and_ticket_follow_the_hmac_definitions() -> None:
    manifest = subjects_manifest()
    entropy = b"entropy bytes"
    digest = hashlib.sha256(vd.canonical_json(manifest)).digest()
    key = vd.derive_key(manifest, entropy)
    assert key == hmac.new(digest, entropy, hashlib.sha256).digest()
    label = b"subject:A:" + bytes([0, 0, 0, 1, 0, 0, 0, 3])  # position 65536 + 2
    assert vd.ticket_at(key, "subject:A:", 65_538) == hmac.new(key, label, "sha256").digest()
    assert vd.label_hmac(key, "n:0") == hmac.new(key, b"n:0", "sha256").digest()


@pytest.mark.parametrize("key", [b"", b"k" * 32, b"long key " * 20])
def test_bulk_tickets_equal_the_reference_ticket(key: bytes) -> None:
    size = vd.TICKET_BLOCK + 5
    prefix = "inspector:卫健委:".encode()
    bulk = vd._block_tickets(key, prefix, 0, size, None) + vd._block_tickets(
        key, prefix, 1, size, None
    )
    assert [position for _ticket, position in bulk] == list(range(size))
    for position in (0, 1, 65_535, 65_536, 65_540):
        assert bulk[position][0] == vd.ticket_at(key, "inspector:卫健委:", position)


def test_lowest_takes_lowest_tickets_and_breaks_ties_by_position() -> None:
    key = b"\x01" * 32
    ids = list(range(1, 200))
    assert vd._Ranker(key).lowest("x:", ids, 17) == ranked(key, "x:", ids)[:17]


@pytest.fixture(scope="module")
def block_spanning_order() -> list[int]:
    """70,000 ids across a block boundary, ranked by the reference ticket."""
    key = b"\x02" * 32
    return ranked(key, "subject:B:", list(range(5, 5 + 3 * 70_000, 3)))


@pytest.mark.parametrize("workers", [1, 3])
@pytest.mark.parametrize("n", [0, 1, 50, 3_500, 65_537, 69_999, 70_000])
def test_bulk_ranking_equals_the_reference_across_a_block_boundary(
    block_spanning_order: list[int], workers: int, n: int
) -> None:
    ids = list(range(5, 5 + 3 * 70_000, 3))
    ranker = vd._Ranker(b"\x02" * 32, workers)
    assert ranker.lowest("subject:B:", ids, n) == block_spanning_order[:n]


def test_a_too_tight_prefilter_falls_back_to_ranking_everything(
    monkeypatch: pytest.MonkeyPatch, block_spanning_order: list[int]
) -> None:
    # A threshold that lets nobody through: the ranking must not change.
    monkeypatch.setattr(vd, "_prefilter_threshold", lambda n, size: b"\x00" * 8)
    ids = list(range(5, 5 + 3 * 70_000, 3))
    ranker = vd._Ranker(b"\x02" * 32, 2)
    assert ranker.lowest("subject:B:", ids, 40) == block_spanning_order[:40]


def test_threads_give_exactly_the_single_thread_result() -> None:
    pool = {"A": list(range(1, 150_000, 2)), "B": list(range(2, 200_000, 2)), "C": [200_001]}
    manifest = subjects_manifest(pool=pool, allocation={"A": 70, "B": 300, "C": 1}, exclusions=[])
    serial = vd.compute_result(manifest, secret_evidence(), workers=1)
    assert vd.compute_result(manifest, secret_evidence(), workers=3) == serial
    assert {len(ids) for ids in serial["selected"].values()} == {70, 300, 1}


def test_an_invalid_pool_is_refused_while_threads_compute() -> None:
    pool = {"A": list(range(1, 150_000, 2)), "B": [3, *range(150_000, 200_000)]}
    manifest = subjects_manifest(pool=pool, allocation={"A": 7, "B": 3}, exclusions=[])
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(manifest, secret_evidence(), workers=2)
    assert caught.value.details == {"field": "pool", "reason": "id in two strata"}


def test_rand_below_stays_in_range_and_is_deterministic() -> None:
    key = vd.derive_key(subjects_manifest(), b"x")
    values = [vd.rand_below(key, f"n:{i}", 7) for i in range(500)]
    assert set(values) == set(range(7))
    assert values == [vd.rand_below(key, f"n:{i}", 7) for i in range(500)]
    assert vd.rand_below(key, "one", 1) == 0
    assert 0 <= vd.rand_below(key, "huge", 2**64) < 2**64


def test_rand_below_rejects_words_at_or_above_the_limit() -> None:
    # With n = 2**63 + 1 the limit is n itself, so about half the words are rejected and the
    # first accepted word must be the answer (not a reduced rejected one).
    key = b"\x07" * 32
    n = 2**63 + 1
    for label in ("a", "b", "c", "d", "e", "f"):
        words = []
        for counter in range(3):
            block = vd.label_hmac(key, f"{label}:{counter}")
            words += [int.from_bytes(block[i : i + 8], "big") for i in range(0, 32, 8)]
        first_ok = next(w for w in words if w < n)
        assert vd.rand_below(key, label, n) == first_ok


def test_rand_below_refuses_an_empty_range() -> None:
    with pytest.raises(vd.DrawError) as caught:
        vd.rand_below(b"k", "x", 0)
    assert caught.value.code == "bad-bound"


# --- entropy -------------------------------------------------------------------------------


def test_witnessed_values_encode_as_rfc3797() -> None:
    source = {"type": "witnessed", "description": "福彩3D 第2026058期", "count": 4}
    evidence = {"type": "witnessed", "values": ["7", "05", "0", "12"], "witnesses": ["张三"]}
    assert vd.entropy_bytes(source, evidence) == b"7.5.0.12./"


@pytest.mark.parametrize(
    ("evidence", "code"),
    [
        (
            {"type": "witnessed", "values": ["1", "2"], "witnesses": ["张三"]},
            "witnessed-count-mismatch",
        ),
        (
            {"type": "witnessed", "values": ["1", "2", "x"], "witnesses": ["张三"]},
            "witnessed-bad-value",
        ),
        (
            {"type": "witnessed", "values": ["1", "2", "-3"], "witnesses": ["张三"]},
            "witnessed-bad-value",
        ),
        (
            {"type": "witnessed", "values": ["1", "2", "3"], "witnesses": []},
            "witnessed-no-witnesses",
        ),
        (
            {"type": "witnessed", "values": ["1", "2", "3"], "witnesses": [" "]},
            "witnessed-no-witnesses",
        ),
        ({"type": "operator-secret", "secret": "x"}, "entropy-type-mismatch"),
    ],
)
def test_witnessed_evidence_must_match_what_was_declared(
    evidence: dict[str, Any], code: str
) -> None:
    source = {"type": "witnessed", "description": "dice", "count": 3}
    with pytest.raises(vd.EntropyError) as caught:
        vd.entropy_bytes(source, evidence)
    assert caught.value.code == code


def test_operator_secret_must_match_its_committed_hash() -> None:
    assert vd.entropy_bytes(secret_source(), secret_evidence()) == SECRET.encode()
    with pytest.raises(vd.EntropyError) as caught:
        vd.entropy_bytes(secret_source(), secret_evidence(SECRET + " "))
    assert caught.value.code == "secret-mismatch"
    assert caught.value.details["declared"] == secret_source()["sha256"]


# --- subjects ------------------------------------------------------------------------------


def test_subjects_draw_follows_the_allocation_and_skips_nobody_else() -> None:
    manifest = subjects_manifest()
    result = vd.compute_result(manifest, secret_evidence())
    selected = result["selected"]
    assert {k: len(v) for k, v in selected.items()} == {"A": 2, "B": 6, "C": 0}
    for stratum, ids in selected.items():
        assert ids == sorted(ids)
        assert set(ids) <= set(manifest["pool"][stratum])
    key = vd.derive_key(manifest, SECRET.encode())
    expected_b = ranked(key, "subject:B:", manifest["pool"]["B"])
    assert selected["B"] == sorted(expected_b[:6])


def test_subjects_refuse_a_stratum_that_cannot_supply_its_allocation() -> None:
    manifest = subjects_manifest(allocation={"A": 6, "B": 1})
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(manifest, secret_evidence())
    assert caught.value.code == "pool-too-small"
    assert caught.value.details == {"scope": "A", "stratum": "A", "needed": 6, "available": 5}
    assert (
        t(caught.value.key, "zh_CN", **caught.value.args_map)
        == "“A”的候选不足：需要 6 个，只有 5 个。"
    )
    assert t(caught.value.key, "en", **caught.value.args_map) == (
        'Not enough candidates in "A": 6 needed, 5 available.'
    )


def test_allocation_for_a_stratum_without_pool_is_refused() -> None:
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(subjects_manifest(allocation={"D": 1}), secret_evidence())
    assert caught.value.details["available"] == 0


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"pool": {"A": [12, 11]}}, "manifest-not-canonical", "pool.A"),
        ({"pool": {"A": [11, 11]}}, "manifest-not-canonical", "pool.A"),
        ({"pool": {"A": [11, "12"]}}, "manifest-invalid", "pool.A"),
        ({"pool": {"A": [1, True]}}, "manifest-invalid", "pool.A"),
        ({"pool": {"A": [-1, 2]}}, "manifest-not-canonical", "pool.A"),
        ({"pool": {"A": [1, 2], "B": [2, 3]}}, "manifest-invalid", "pool"),
        (
            {"exclusions": [{"id": 5, "reason": "x"}, {"id": 4, "reason": "y"}]},
            "manifest-not-canonical",
            "exclusions",
        ),
        (
            {"exclusions": [{"id": 5, "reason": "x"}, {"id": 5, "reason": "x"}]},
            "manifest-not-canonical",
            "exclusions",
        ),
        *(
            ({"exclusions": [{"id": 1, "reason": "a"}, {"id": 2, "reason": "b"}, bad]},
             "manifest-invalid", "exclusions[2]")
            for bad in (
                {"id": 3},
                {"id": 3, "why": "x"},
                {"id": 3, "reason": "c", "more": 1},
                {"id": True, "reason": "c"},
                {"id": "3", "reason": "c"},
                {"id": 3, "reason": 7},
                [3, "c"],
            )
        ),
        ({"committed_at": "2026-03-05 02:00:00"}, "manifest-invalid", "committed_at"),
        ({"committed_at": "2026-02-30T02:00:00Z"}, "manifest-invalid", "committed_at"),
        ({"task": {"code": "X", "items": ["b", "a"], "year": 2026}}, "manifest-invalid", "task"),
    ],
)
def test_an_unordered_or_malformed_manifest_is_refused(
    changes: dict[str, Any], code: str, field: str
) -> None:
    manifest = subjects_manifest(**changes)
    if "pool" in changes:
        manifest["allocation"] = {"A": 1}
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(manifest, secret_evidence())
    assert caught.value.code == code
    assert caught.value.details.get("field") == field


def test_an_excluded_subject_may_not_be_in_the_pool() -> None:
    manifest = subjects_manifest(exclusions=[{"id": 12, "reason": "deregistered"}])
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(manifest, secret_evidence())
    assert (caught.value.code, caught.value.details) == ("excluded-in-pool", {"id": 12})


def test_normalise_manifest_sorts_what_the_spec_orders() -> None:
    messy = subjects_manifest(
        pool={"A": [15, 11, 13, 12, 14], "B": [139, 100] + list(range(101, 139)), "C": [9, 7, 8]},
        exclusions=[{"id": 4, "reason": "inspected 2025"}, {"id": 3, "reason": "inactive"}],
        task={"code": "2026-JC-007", "items": ["SCJG-04", "SCJG-01"], "year": 2026},
    )
    clean = vd.normalise_manifest(messy)
    assert vd.commitment(clean) == vd.commitment(subjects_manifest())
    assert messy["pool"]["A"][0] == 15  # the input is left alone


def test_wrong_spec_or_kind_is_refused() -> None:
    for changes, code in (
        ({"spec": "other/1"}, "unsupported-spec"),
        ({"kind": "x"}, "unknown-kind"),
    ):
        with pytest.raises(vd.DrawError) as caught:
            vd.compute_result(subjects_manifest(**changes), secret_evidence())
        assert caught.value.code == code


# --- inspectors, experts -------------------------------------------------------------------


def inspectors_manifest(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "department": "SCJG",
        "is_lead": True,
        "team_count": 3,
        "per_team": 2,
        "pool": list(range(200, 215)),
        "exclusions": [{"id": 199, "reason": "certificate expires 2026-03-31"}],
        "parameters": {"items": ["SCJG-01"]},
    }
    fields.update(changes)
    return base("inspectors", **fields)


def test_inspectors_are_the_lowest_tickets_dealt_round_robin_with_leaders() -> None:
    manifest = inspectors_manifest()
    result = vd.compute_result(manifest, secret_evidence())
    key = vd.derive_key(manifest, SECRET.encode())
    order = ranked(key, "inspector:SCJG:", manifest["pool"])[:6]
    assert result["teams"] == {
        "1": sorted([order[0], order[3]]),
        "2": sorted([order[1], order[4]]),
        "3": sorted([order[2], order[5]]),
    }
    for team, members in result["teams"].items():
        assert result["leaders"][team] == ranked(key, f"leader:{team}:", members)[0]


def test_a_participating_department_draws_no_leaders() -> None:
    result = vd.compute_result(inspectors_manifest(is_lead=False), secret_evidence())
    assert "leaders" not in result


def test_inspectors_refused_when_the_directory_cannot_fill_the_teams() -> None:
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(inspectors_manifest(per_team=6), secret_evidence())
    assert caught.value.code == "pool-too-small"
    assert caught.value.details == {
        "scope": "SCJG",
        "department": "SCJG",
        "needed": 18,
        "available": 15,
    }
    assert t(caught.value.key, "zh_CN", **caught.value.args_map) == (
        "“SCJG”的候选不足：需要 18 个，只有 15 个。"
    )


def test_lead_department_must_send_someone_to_every_team() -> None:
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(inspectors_manifest(per_team=0), secret_evidence())
    assert caught.value.code == "no-lead-members"


def test_experts_are_dealt_to_teams() -> None:
    manifest = base("experts", team_count=2, per_team=1, pool=[31, 32, 33, 34])
    result = vd.compute_result(manifest, secret_evidence())
    assert sorted(len(v) for v in result["teams"].values()) == [1, 1]
    assert set(result["teams"]["1"] + result["teams"]["2"]) < {31, 32, 33, 34}


# --- matching ------------------------------------------------------------------------------


def matching_manifest(pairs: list[tuple[int, int]], **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "team_count": 3,
        "subjects": list(range(1, 12)),
        "teams": {
            "1": {"members": [201, 202]},
            "2": {"members": [203, 204]},
            "3": {"members": [205, 206]},
        },
        "salt": SALT,
        "forbidden": sorted({vd.salted_pair_hash(SALT, i, s) for i, s in pairs}),
    }
    fields.update(changes)
    return base("matching", **fields)


def test_matching_balances_loads_and_avoids_every_forbidden_pair() -> None:
    pairs = [(201, s) for s in range(1, 8)] + [(204, 9), (205, 10), (206, 11)]
    manifest = matching_manifest(pairs)
    assignment = vd.compute_result(manifest, secret_evidence())["assignment"]
    assert sorted(len(v) for v in assignment.values()) == [3, 4, 4]
    assert sorted(s for v in assignment.values() for s in v) == list(range(1, 12))
    for s in range(1, 8):
        assert s not in assignment["1"]
    assert 9 not in assignment["2"]
    assert 10 not in assignment["3"]
    assert 11 not in assignment["3"]


def test_matching_refuses_when_no_balanced_assignment_exists() -> None:
    # Team 1 may take none of the 11 subjects, but balance needs it to take three.
    pairs = [(201, s) for s in range(1, 12)]
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(matching_manifest(pairs), secret_evidence())
    assert caught.value.code == "no-feasible-matching"
    assert caught.value.details["subjects"] == 11
    assert t(caught.value.key, "zh_CN", **caught.value.args_map) == (
        "无法在避开回避关系和近期重复检查的前提下，把 11 个检查对象均衡分配给 3 个小组。"
    )


def test_matching_with_more_teams_than_subjects_gives_at_most_one_each() -> None:
    manifest = matching_manifest([], subjects=[4, 8])
    assignment = vd.compute_result(manifest, secret_evidence())["assignment"]
    assert sorted(len(v) for v in assignment.values()) == [0, 1, 1]


def test_forbidden_list_must_be_sorted_hashes() -> None:
    hashes = [vd.salted_pair_hash(SALT, 201, 1), vd.salted_pair_hash(SALT, 202, 2)]
    manifest = matching_manifest([], forbidden=sorted(hashes, reverse=True))
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(manifest, secret_evidence())
    assert caught.value.code == "manifest-not-canonical"


def test_salted_pair_hash_is_sha256_of_the_documented_label() -> None:
    assert vd.salted_pair_hash("ab", 7, 9) == hashlib.sha256(b"pair:ab:7:9").hexdigest()


# --- replacement ---------------------------------------------------------------------------


def replacement_manifest(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "department": "SCJG",
        "team": "2",
        "withdrawn": 203,
        "reason": "病假（2026-03-10 起）",
        "pool": [220, 221, 222, 223],
        "team_subjects": [5, 6],
        "salt": SALT,
        "forbidden": sorted(
            {vd.salted_pair_hash(SALT, 220, 5), vd.salted_pair_hash(SALT, 222, 6)}
        ),
        "redraw_leader": True,
        "is_lead": True,
        "lead_members": [204],
    }
    fields.update(changes)
    return base("replacement", **fields)


def test_replacement_never_brings_a_conflict_into_the_team() -> None:
    manifest = replacement_manifest()
    result = vd.compute_result(manifest, secret_evidence())
    assert result["replacement"] in {221, 223}
    key = vd.derive_key(manifest, SECRET.encode())
    # The eligible list is the pool in its order without the conflicting 220 and 222.
    expected = ranked(key, "replacement:SCJG:2:", [221, 223])[0]
    assert result["replacement"] == expected
    assert result["leader"] == ranked(key, "leader:2:", sorted([204, expected]))[0]


def test_replacement_without_leader_redraw_leaves_the_leader_alone() -> None:
    result = vd.compute_result(replacement_manifest(redraw_leader=False), secret_evidence())
    assert result["leader"] is None


def test_replacement_refused_when_every_candidate_conflicts() -> None:
    manifest = replacement_manifest(pool=[220, 222])
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(manifest, secret_evidence())
    assert caught.value.code == "no-eligible-replacement"
    assert caught.value.details == {"department": "SCJG", "team": "2", "available": 2}


# --- bundles -------------------------------------------------------------------------------


def good_bundle() -> dict[str, Any]:
    manifest = subjects_manifest()
    return json.loads(
        json.dumps(
            vd.make_bundle(
                manifest, secret_evidence(), vd.compute_result(manifest, secret_evidence())
            )
        )
    )


def test_a_bundle_reproduces_from_itself_alone() -> None:
    bundle = good_bundle()
    assert set(bundle) == {"spec", "manifest", "commitment", "entropy", "result"}
    report = vd.verify_bundle(bundle)
    assert report.ok, report.differences
    assert report.differences == []
    assert any("WEAKEST" in note for note in report.notes)


def test_a_changed_pool_entry_is_caught_by_the_commitment() -> None:
    bundle = good_bundle()
    bundle["manifest"]["pool"]["B"][-1] = 140
    report = vd.verify_bundle(bundle)
    assert not report.ok
    assert report.differences[0].startswith(f"commitment: recorded {bundle['commitment']}")


def test_a_changed_parameter_is_caught_by_the_commitment() -> None:
    bundle = good_bundle()
    bundle["manifest"]["parameters"]["window_months"] = 6
    report = vd.verify_bundle(bundle)
    assert not report.ok
    assert "commitment" in report.differences[0]


def test_a_changed_entropy_is_named() -> None:
    bundle = good_bundle()
    bundle["entropy"]["secret"] = "another secret"
    report = vd.verify_bundle(bundle)
    assert not report.ok
    assert report.differences == [
        "entropy: secret-mismatch computed="
        + hashlib.sha256(b"another secret").hexdigest()
        + ", declared="
        + bundle["manifest"]["entropy_source"]["sha256"]
    ]


def test_a_changed_result_names_the_missing_and_extra_ids() -> None:
    bundle = good_bundle()
    selected = bundle["result"]["selected"]["B"]
    dropped = selected[0]
    outsider = next(i for i in range(100, 140) if i not in selected)
    selected[0] = outsider
    selected.sort()
    report = vd.verify_bundle(bundle)
    assert report.differences == [
        f"result.selected.B: missing ids [{dropped}]; extra ids [{outsider}]"
    ]


def test_a_changed_commitment_alone_is_named() -> None:
    bundle = good_bundle()
    bundle["commitment"] = "0" * 64
    report = vd.verify_bundle(bundle)
    assert report.differences == [
        "commitment: recorded "
        + "0" * 64
        + ", re-computed "
        + vd.commitment(bundle["manifest"])
        + " (the manifest is not the one committed)"
    ]


def test_a_bundle_missing_its_result_is_refused() -> None:
    bundle = good_bundle()
    del bundle["result"]
    assert vd.verify_bundle(bundle).differences == ["bundle: missing field 'result'"]


def test_make_bundle_records_the_commitment() -> None:
    manifest = copy.deepcopy(subjects_manifest())
    bundle = vd.make_bundle(manifest, secret_evidence(), {"selected": {}})
    assert bundle["commitment"] == vd.commitment(manifest)
    assert bundle["spec"] == vd.SPEC


# --- the command line, in a bare interpreter -----------------------------------------------


def run_verifier(path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, str(VERIFIER), str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8"},
        cwd=path.parent,
    )


def test_verifier_runs_without_site_packages_and_says_match(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(good_bundle(), ensure_ascii=False), encoding="utf-8")
    done = run_verifier(path, "-I", "-S")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verdict:     MATCH" in done.stdout
    assert "WEAKEST" in done.stdout


def test_verifier_exits_1_and_prints_what_differs(tmp_path: Path) -> None:
    bundle = good_bundle()
    bundle["result"]["selected"]["A"] = []
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    done = run_verifier(path, "-I", "-S")
    assert done.returncode == 1
    expected = ", ".join(map(str, good_bundle()["result"]["selected"]["A"]))
    assert f"DIFFERS:     result.selected.A: missing ids [{expected}]" in done.stdout
    assert "verdict:     MISMATCH" in done.stdout


def test_verifier_run_from_services_is_not_shadowed_by_sibling_modules(tmp_path: Path) -> None:
    # Run the plain way (no -I): Python puts services/ first on the path.
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(good_bundle()), encoding="utf-8")
    done = run_verifier(path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_verifier_reports_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text("{not json", encoding="utf-8")
    done = run_verifier(path, "-I", "-S")
    assert done.returncode == 1
    assert done.stdout.startswith("FAIL: cannot read the bundle")


def test_verifier_module_imports_only_the_standard_library() -> None:
    code = (
        "import sys; sys.path.insert(0, 'verifier'); import verify_draw; "
        "print(sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] "
        "not in sys.stdlib_module_names and m not in ('verify_draw', '__main__')))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.strip() == "[]"


def test_no_random_module_in_the_engine() -> None:
    source = VERIFIER.read_text(encoding="utf-8")
    assert "import random" not in source
    assert "from random" not in source


# --- error codes and their messages ---------------------------------------------------------


def test_every_error_code_raised_is_listed_and_has_messages_in_both_languages() -> None:
    import re

    source = VERIFIER.read_text(encoding="utf-8")
    raised = set(re.findall(r'(?:DrawError|EntropyError)\(\s*"([a-z-]+)"', source))
    assert raised <= set(vd.ERROR_CODES)
    for code in vd.ERROR_CODES:
        assert has(f"draw-error-{code}", "zh_CN"), code
        assert has(f"draw-error-{code}", "en"), code


def test_matching_moves_an_earlier_subject_to_make_room() -> None:
    # Subject 1 comes first and takes team 1; subject 2 may only go to team 1 (inspector 102
    # of team 2 declared a conflict with it), so subject 1 must move along to team 2.
    forbidden = frozenset({vd.salted_pair_hash(SALT, 102, 2)})
    matcher = vd._Matcher([1, 2], ["1", "2"], {"1": [101], "2": [102]}, SALT, forbidden)
    assert matcher.run() == {"1": [2], "2": [1]}


def test_matching_fills_every_team_to_the_floor_before_any_gets_one_more() -> None:
    # 5 subjects, 2 teams: loads 3 and 2. Subjects 1-3 may only go to team 1 and come first;
    # a greedy pass would put 4 there too and leave team 2 short of 2 with only subject 5.
    forbidden = frozenset(vd.salted_pair_hash(SALT, 102, s) for s in (1, 2, 3))
    matcher = vd._Matcher([1, 2, 3, 4, 5], ["1", "2"], {"1": [101], "2": [102]}, SALT, forbidden)
    assert matcher.run() == {"1": [1, 2, 3], "2": [4, 5]}


def test_an_operator_secret_source_must_say_it_is_the_weakest() -> None:
    source = {**secret_source(), "label": "strong"}
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(subjects_manifest(entropy_source=source), secret_evidence())
    assert caught.value.details == {"field": "entropy_source.label", "reason": "not 'weakest'"}


def test_a_changed_leader_is_named() -> None:
    manifest = inspectors_manifest()
    result = vd.compute_result(manifest, secret_evidence())
    tampered = copy.deepcopy(result)
    other = next(m for m in result["teams"]["2"] if m != result["leaders"]["2"])
    tampered["leaders"]["2"] = other
    report = vd.verify_bundle(vd.make_bundle(manifest, secret_evidence(), tampered))
    assert report.differences == [
        f"result.leaders.2: recorded {other}, re-computed {result['leaders']['2']}"
    ]


def test_a_manifest_the_engine_refuses_is_reported_not_raised() -> None:
    manifest = subjects_manifest(allocation={"A": 9})
    bundle = vd.make_bundle(manifest, secret_evidence(), {"selected": {"A": []}})
    report = vd.verify_bundle(bundle)
    assert not report.ok
    assert report.differences == [
        "manifest: pool-too-small available=5, needed=9, scope=A, stratum=A"
    ]


def test_verifier_reads_a_bundle_from_standard_input() -> None:
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(VERIFIER), "-"],
        input=json.dumps(good_bundle()),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert "draw kind:   subjects" in done.stdout
