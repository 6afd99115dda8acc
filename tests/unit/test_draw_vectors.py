"""docs/draw-vectors.json: the engine reproduces every vector, and so does a second, plain
implementation written here from docs/draw-spec.md alone (hashlib, hmac and json only)."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from verifier import verify_draw as vd

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "docs" / "draw-vectors.json").read_text(encoding="utf-8"))
DRAWS = {draw["name"]: draw for draw in VECTORS["draws"]}


# --- the second implementation, straight from the spec --------------------------------------


def spec_canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def spec_entropy(evidence: dict[str, Any]) -> bytes:
    if evidence["type"] == "operator-secret":
        return evidence["secret"].encode()
    if evidence["type"] == "witnessed":
        return ("".join(f"{int(v)}." for v in evidence["values"]) + "/").encode()
    return hashlib.sha256(bytes.fromhex(evidence["signature"])).digest()


def spec_key(manifest: dict[str, Any], evidence: dict[str, Any]) -> bytes:
    manifest_hash = hashlib.sha256(spec_canonical(manifest)).digest()
    return hmac.new(manifest_hash, spec_entropy(evidence), hashlib.sha256).digest()


def spec_ticket(key: bytes, prefix: str, position: int) -> bytes:
    # One plain HMAC per ticket (the engine computes them in PBKDF2 blocks).
    block = (position // 65536).to_bytes(4, "big")
    offset = (position % 65536 + 1).to_bytes(4, "big")
    return hmac.digest(key, prefix.encode() + block + offset, "sha256")


def spec_lowest(key: bytes, prefix: str, ids: list[int], n: int) -> list[int]:
    positions = sorted(range(len(ids)), key=lambda p: (spec_ticket(key, prefix, p), p))
    return [ids[p] for p in positions[:n]]


def spec_rand_below(key: bytes, label: str, n: int) -> int:
    limit = (2**64 // n) * n
    counter = 0
    while True:
        block = hmac.digest(key, f"{label}:{counter}".encode(), "sha256")
        for word in (int.from_bytes(block[i : i + 8], "big") for i in range(0, 32, 8)):
            if word < limit:
                return word % n
        counter += 1


def spec_deal(order: list[int], teams: int) -> dict[str, list[int]]:
    dealt: dict[str, list[int]] = {str(t): [] for t in range(1, teams + 1)}
    for rank, person in enumerate(order):
        dealt[str(rank % teams + 1)].append(person)
    return {team: sorted(members) for team, members in dealt.items()}


def spec_result(manifest: dict[str, Any], key: bytes) -> dict[str, Any]:
    kind = manifest["kind"]
    if kind == "subjects":
        strata = sorted(set(manifest["pool"]) | set(manifest["allocation"]))
        return {
            "selected": {
                s: sorted(
                    spec_lowest(
                        key,
                        f"subject:{s}:",
                        manifest["pool"].get(s, []),
                        manifest["allocation"].get(s, 0),
                    )
                )
                for s in strata
            },
            "tickets_label_scheme": "subject:<stratum>: + position in pool.<stratum>",
        }
    if kind in ("inspectors", "experts"):
        prefix = f"inspector:{manifest['department']}:" if kind == "inspectors" else "expert:"
        needed = manifest["team_count"] * manifest["per_team"]
        teams = spec_deal(
            spec_lowest(key, prefix, manifest["pool"], needed), manifest["team_count"]
        )
        scheme = "inspector:<department>:" if kind == "inspectors" else "expert:"
        result: dict[str, Any] = {
            "teams": teams,
            "tickets_label_scheme": f"{scheme} + position in pool; deal: rank mod team_count",
        }
        if manifest.get("is_lead"):
            result["leaders"] = {
                t: spec_lowest(key, f"leader:{t}:", members, 1)[0] for t, members in teams.items()
            }
            result["tickets_label_scheme"] += "; leader:<team>: + position in teams.<team>"
        return result
    if kind == "replacement":
        salt, forbidden = manifest["salt"], set(manifest["forbidden"])
        eligible = [
            p
            for p in manifest["pool"]
            if all(
                hashlib.sha256(f"pair:{salt}:{p}:{s}".encode()).hexdigest() not in forbidden
                for s in manifest["team_subjects"]
            )
        ]
        prefix = f"replacement:{manifest['department']}:{manifest['team']}:"
        chosen = spec_lowest(key, prefix, eligible, 1)[0]
        leader = None
        if manifest["redraw_leader"]:
            lead = set(manifest["lead_members"])
            candidates = sorted(lead | {chosen} if manifest.get("is_lead") else lead)
            leader = spec_lowest(key, f"leader:{manifest['team']}:", candidates, 1)[0]
        return {
            "replacement": chosen,
            "leader": leader,
            "tickets_label_scheme": (
                "replacement:<department>:<team>: + position in eligible; "
                "leader:<team>: + position in leader candidates"
            ),
        }
    raise AssertionError(f"the plain implementation does not cover {kind}")


# --- the vectors file itself ---------------------------------------------------------------


def test_vectors_file_is_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_draw_vectors", ROOT / "docs" / "make_draw_vectors.py"
    )
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.render(generator.build()) == (ROOT / "docs" / "draw-vectors.json").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("vector", VECTORS["canonical_json"], ids=lambda v: v["canonical"][:20])
def test_canonical_json_vectors(vector: dict[str, Any]) -> None:
    assert vd.canonical_json(vector["value"]).decode() == vector["canonical"]
    assert spec_canonical(vector["value"]).decode() == vector["canonical"]


def test_ticket_vectors() -> None:
    key = bytes.fromhex(VECTORS["tickets"]["key_hex"])
    positions = set()
    for vector in VECTORS["tickets"]["vectors"]:
        prefix, position = vector["prefix"], vector["position"]
        message = bytes.fromhex(vector["message_hex"])
        assert hmac.digest(key, message, "sha256").hex() == vector["ticket_hex"]
        assert spec_ticket(key, prefix, position).hex() == vector["ticket_hex"]
        assert vd.ticket_at(key, prefix, position).hex() == vector["ticket_hex"]
        positions.add(position)
    assert {0, 65_535, 65_536} <= positions  # both sides of a block boundary
    assert any(not v["prefix"].isascii() for v in VECTORS["tickets"]["vectors"])


def test_bulk_ranking_reproduces_the_ticket_vectors() -> None:
    # The engine's PBKDF2 blocks, checked against the plain HMACs of the vectors.
    key = bytes.fromhex(VECTORS["tickets"]["key_hex"])
    for vector in VECTORS["tickets"]["vectors"]:
        prefix, position = vector["prefix"].encode(), vector["position"]
        block, offset = divmod(position, 65536)
        tickets = vd._block_tickets(key, prefix, block, position + 1, None)
        assert tickets[offset] == (bytes.fromhex(vector["ticket_hex"]), position)


def test_rand_below_vectors_include_rejections() -> None:
    key = bytes.fromhex(VECTORS["rand_below"]["key_hex"])
    notes = set()
    for vector in VECTORS["rand_below"]["vectors"]:
        assert vd.rand_below(key, vector["label"], vector["n"]) == vector["value"]
        assert spec_rand_below(key, vector["label"], vector["n"]) == vector["value"]
        notes.add(vector.get("note"))
    assert {"first word rejected", "whole first block rejected"} <= notes


def test_entropy_vectors() -> None:
    for vector in VECTORS["entropy"]:
        expected = bytes.fromhex(vector["entropy_hex"])
        assert vd.entropy_bytes(vector["source"], vector["evidence"]) == expected
        assert spec_entropy(vector["evidence"]) == expected


def test_salted_pair_hash_vectors() -> None:
    for vector in VECTORS["salted_pair_hash"]:
        assert (
            vd.salted_pair_hash(vector["salt"], vector["inspector_id"], vector["subject_id"])
            == vector["hash"]
        )


def test_drand_vector() -> None:
    drand = VECTORS["drand"]
    chain = drand["chain"]
    assert vd.drand_round_time(chain, drand["round"]["round"]) == drand["published_at"]
    assert vd.verify_drand(chain, drand["round"]["round"], drand["round"]["signature"]) is True
    negative = drand["negative"]
    assert vd.verify_drand(chain, negative["round"], negative["signature"]) is False


@pytest.mark.parametrize("draw", VECTORS["draws"], ids=lambda d: d["name"])
def test_engine_reproduces_every_draw(draw: dict[str, Any]) -> None:
    manifest, evidence = draw["manifest"], draw["evidence"]
    assert vd.canonical_json(manifest).decode() == draw["canonical_manifest"]
    assert vd.commitment(manifest) == draw["commitment"]
    entropy = vd.entropy_bytes(manifest["entropy_source"], evidence)
    assert entropy.hex() == draw["entropy_hex"]
    key = vd.derive_key(manifest, entropy)
    assert key.hex() == draw["key_hex"]
    for entry in draw["tickets"]:
        assert vd.ticket_at(key, entry["prefix"], entry["position"]).hex() == entry["ticket_hex"]
    assert vd.compute_result(manifest, evidence, workers=1) == draw["result"]
    assert vd.compute_result(manifest, evidence, workers=3) == draw["result"]
    bundle = vd.make_bundle(manifest, evidence, draw["result"])
    assert vd.verify_bundle(bundle).ok


@pytest.mark.parametrize(
    "name",
    [n for n in DRAWS if DRAWS[n]["manifest"]["kind"] != "matching"],
)
def test_a_plain_second_implementation_agrees(name: str) -> None:
    draw = DRAWS[name]
    manifest = draw["manifest"]
    assert hashlib.sha256(spec_canonical(manifest)).hexdigest() == draw["commitment"]
    key = spec_key(manifest, draw["evidence"])
    assert key.hex() == draw["key_hex"]
    for entry in draw["tickets"]:
        assert spec_ticket(key, entry["prefix"], entry["position"]).hex() == entry["ticket_hex"]
    assert spec_result(manifest, key) == draw["result"]


def test_matching_vector_follows_the_documented_ranks() -> None:
    # Without conflicts the algorithm reduces to: rank r goes to team_order[r mod T].
    draw = DRAWS["matching, no conflicts"]
    manifest = draw["manifest"]
    key = spec_key(manifest, draw["evidence"])
    order = spec_lowest(key, "match:subject:", manifest["subjects"], len(manifest["subjects"]))
    teams = [str(t) for t in spec_lowest(key, "match:team:", [1, 2, 3], 3)]
    expected: dict[str, list[int]] = {t: [] for t in ("1", "2", "3")}
    for rank, subject in enumerate(order):
        expected[teams[rank % 3]].append(subject)
    assert draw["result"]["assignment"] == {t: sorted(v) for t, v in expected.items()}


@pytest.mark.parametrize("vector", VECTORS["refusals"], ids=lambda v: v["name"])
def test_refusal_vectors(vector: dict[str, Any]) -> None:
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(vector["manifest"], vector["evidence"], workers=1)
    assert caught.value.code == vector["error"]["code"]
    assert caught.value.details == vector["error"]["details"]


def test_the_spec_shows_the_worked_example_of_the_vectors() -> None:
    spec = (ROOT / "docs" / "draw-spec.md").read_text(encoding="utf-8")
    draw = DRAWS["subjects, operator secret"]
    assert draw["canonical_manifest"] in spec
    assert f"{len(draw['canonical_manifest'].encode())} bytes)" in spec
    tickets = [entry["ticket_hex"] for entry in draw["tickets"]]
    for value in (draw["commitment"], draw["key_hex"], *tickets):
        assert value in spec
    for other in VECTORS["draws"]:
        assert other["commitment"][:16] in spec
