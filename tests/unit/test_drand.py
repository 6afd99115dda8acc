"""drand quicknet entropy: the BLS signature checked offline, the round's timing, the evidence."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from verifier import verify_draw as vd

ROOT = Path(__file__).resolve().parents[2]
# A verbatim copy of ../shared/testdata/drand-quicknet.json (the chain's public data and one
# published round), kept in the repository so that any clone runs these tests.
TESTDATA = json.loads((ROOT / "tests" / "data" / "drand-quicknet.json").read_text("utf-8"))
CHAIN, ROUND = TESTDATA["chain"], TESTDATA["rounds"][0]
# Round 657413 was published at 2023-09-15T11:00:03Z.
PUBLISHED = "2023-09-15T11:00:03Z"


def chain() -> dict[str, Any]:
    return {
        "public_key": CHAIN["public_key"],
        "period": CHAIN["period"],
        "genesis_time": CHAIN["genesis_time"],
    }


def drand_source(round_number: int = ROUND["round"]) -> dict[str, Any]:
    return {
        "type": "drand",
        "chain_hash": CHAIN["hash"],
        "public_key": CHAIN["public_key"],
        "period": CHAIN["period"],
        "genesis_time": CHAIN["genesis_time"],
        "round": round_number,
    }


def drand_manifest(committed_at: str = "2023-09-15T10:59:30Z", **source: Any) -> dict[str, Any]:
    return {
        "spec": vd.SPEC,
        "kind": "subjects",
        "task": {"code": "2023-JC-001", "items": ["SCJG-01"], "year": 2023},
        "committed_at": committed_at,
        "entropy_source": {**drand_source(), **source},
        "pool": {"A": list(range(1, 30)), "B": list(range(30, 100))},
        "exclusions": [],
        "allocation": {"A": 3, "B": 7},
        "parameters": {},
    }


def relay_json() -> str:
    """The round as a drand relay's HTTP API returns it."""
    return json.dumps(
        {
            "round": ROUND["round"],
            "randomness": ROUND["randomness"],
            "signature": ROUND["signature"],
        }
    )


def test_the_vectors_carry_the_same_round_as_the_test_data() -> None:
    vectors = json.loads((ROOT / "docs" / "draw-vectors.json").read_text(encoding="utf-8"))
    assert vectors["drand"]["round"] == {
        "round": ROUND["round"],
        "signature": ROUND["signature"],
        "randomness": ROUND["randomness"],
    }
    assert vectors["drand"]["chain"]["public_key"] == CHAIN["public_key"]
    assert vectors["drand"]["chain"]["hash"] == CHAIN["hash"]


def test_the_published_round_verifies() -> None:
    assert vd.verify_drand(chain(), ROUND["round"], ROUND["signature"]) is True


def test_the_same_signature_under_the_next_round_fails() -> None:
    assert vd.verify_drand(chain(), ROUND["round"] + 1, ROUND["signature"]) is False


def test_a_signature_with_one_bit_flipped_fails() -> None:
    signature = bytearray(bytes.fromhex(ROUND["signature"]))
    signature[-1] ^= 1
    assert vd.verify_drand(chain(), ROUND["round"], signature.hex()) is False


def test_randomness_is_the_sha256_of_the_signature() -> None:
    evidence = vd.drand_evidence(relay_json())
    assert evidence == {
        "type": "drand",
        "round": 657413,
        "signature": ROUND["signature"],
        "randomness": ROUND["randomness"],
    }
    assert hashlib.sha256(bytes.fromhex(ROUND["signature"])).hexdigest() == ROUND["randomness"]


def test_round_publication_time() -> None:
    assert vd.drand_round_time(chain(), 1) == CHAIN["genesis_time"]
    assert vd.drand_round_time(chain(), ROUND["round"]) == 1694775603


def test_a_draw_on_a_drand_round_reproduces_from_its_bundle() -> None:
    manifest = drand_manifest()
    evidence = vd.drand_evidence(relay_json())
    result = vd.compute_result(manifest, evidence)
    assert vd.derive_key(manifest, bytes.fromhex(ROUND["randomness"])) == vd._key_from_commitment(
        vd.commitment(manifest), bytes.fromhex(ROUND["randomness"])
    )
    report = vd.verify_bundle(vd.make_bundle(manifest, evidence, result))
    assert report.ok, report.differences
    assert report.notes == [
        "entropy: drand: public randomness beacon round, unknown to anyone at commit time"
    ]


def test_a_round_published_before_the_commitment_is_refused() -> None:
    manifest = drand_manifest(committed_at=PUBLISHED)
    with pytest.raises(vd.EntropyError) as caught:
        vd.compute_result(manifest, vd.drand_evidence(relay_json()))
    assert caught.value.code == "drand-round-too-early"
    assert caught.value.details == {
        "round": 657413,
        "published_at": PUBLISHED,
        "committed_at": PUBLISHED,
    }


def test_evidence_for_another_round_than_declared_is_refused() -> None:
    evidence = {**vd.drand_evidence(relay_json()), "round": 657414}
    with pytest.raises(vd.EntropyError) as caught:
        vd.compute_result(drand_manifest(), evidence)
    assert (caught.value.code, caught.value.details) == (
        "drand-round-mismatch",
        {"declared": 657413, "given": 657414},
    )


def test_declaring_the_next_round_and_presenting_this_signature_fails() -> None:
    manifest = drand_manifest(round=657414)
    evidence = {**vd.drand_evidence(relay_json()), "round": 657414}
    with pytest.raises(vd.EntropyError) as caught:
        vd.compute_result(manifest, evidence)
    assert caught.value.code == "drand-bad-signature"


def test_recorded_randomness_must_match_the_signature() -> None:
    evidence = {**vd.drand_evidence(relay_json()), "randomness": "00" * 32}
    with pytest.raises(vd.EntropyError) as caught:
        vd.compute_result(drand_manifest(), evidence)
    assert caught.value.code == "drand-randomness-mismatch"


def test_an_unknown_chain_or_a_foreign_key_is_refused() -> None:
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(drand_manifest(chain_hash="ab" * 32), vd.drand_evidence(relay_json()))
    assert caught.value.code == "drand-unknown-chain"
    with pytest.raises(vd.DrawError) as caught:
        vd.compute_result(drand_manifest(public_key="a0" * 96), vd.drand_evidence(relay_json()))
    assert (caught.value.code, caught.value.details["field"]) == (
        "drand-chain-mismatch",
        "public_key",
    )


def test_the_verifier_without_py_ecc_says_it_cannot_check_the_signature(tmp_path: Path) -> None:
    manifest = drand_manifest()
    evidence = vd.drand_evidence(relay_json())
    bundle = vd.make_bundle(manifest, evidence, vd.compute_result(manifest, evidence))
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    command = [sys.executable, str(ROOT / "verifier" / "verify_draw.py"), str(path)]
    env = {"PATH": os.environ.get("PATH", "")}
    with_ecc = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert with_ecc.returncode == 0, with_ecc.stdout
    bare = subprocess.run(
        [sys.executable, "-I", "-S", *command[1:]],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert bare.returncode == 1
    assert "DIFFERS:     entropy: drand-unavailable reason=py_ecc is not installed" in bare.stdout
