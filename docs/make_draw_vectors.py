"""Regenerate docs/draw-vectors.json, the test vectors of docs/draw-spec.md.

``python docs/make_draw_vectors.py`` writes the file; ``--check`` exits 1 when the file on disk
differs from what the engine produces now (tests/unit/test_draw_vectors.py checks the same).
A vector changes only with the spec version: never regenerate to make a failing test pass.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier import verify_draw as vd  # noqa: E402

OUT = ROOT / "docs" / "draw-vectors.json"
SECRET = "jointcheck test vector secret"
SALT = "9f86d081884c7d659a2feaa0c55ad015"
COMMITTED_AT = "2026-03-05T02:00:00Z"

# The drand quicknet chain and one of its rounds (../shared/testdata/drand-quicknet.json).
DRAND_CHAIN = {
    "hash": "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    "public_key": vd.KNOWN_DRAND_CHAINS[
        "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
    ]["public_key"],
    "period": 3,
    "genesis_time": 1692803367,
    "schemeID": "bls-unchained-g1-rfc9380",
}
DRAND_ROUND = {
    "round": 657413,
    "signature": (
        "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be"
        "41076862b98fad56e91a6b85b89cd97b"
    ),
    "randomness": "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587",
}


def secret_source() -> dict[str, Any]:
    return {
        "type": "operator-secret",
        "sha256": hashlib.sha256(SECRET.encode()).hexdigest(),
        "label": "weakest",
    }


def secret_evidence() -> dict[str, Any]:
    return {"type": "operator-secret", "secret": SECRET}


def witnessed_source() -> dict[str, Any]:
    return {"type": "witnessed", "description": "福彩3D 2026-03-05 第2026058期", "count": 3}


def witnessed_evidence() -> dict[str, Any]:
    return {"type": "witnessed", "values": ["4", "0", "9"], "witnesses": ["张三", "李四"]}


def drand_source() -> dict[str, Any]:
    return {
        "type": "drand",
        "chain_hash": DRAND_CHAIN["hash"],
        "public_key": DRAND_CHAIN["public_key"],
        "period": DRAND_CHAIN["period"],
        "genesis_time": DRAND_CHAIN["genesis_time"],
        "round": DRAND_ROUND["round"],
    }


def drand_evidence() -> dict[str, Any]:
    return {
        "type": "drand",
        "round": DRAND_ROUND["round"],
        "signature": DRAND_ROUND["signature"],
        "randomness": DRAND_ROUND["randomness"],
    }


def head(kind: str, source: dict[str, Any], committed_at: str = COMMITTED_AT) -> dict[str, Any]:
    return {"spec": vd.SPEC, "kind": kind, "committed_at": committed_at, "entropy_source": source}


Ranked = list[tuple[str, list[int]]]


def manifests() -> list[tuple[str, dict[str, Any], dict[str, Any], Ranked]]:
    """(name, manifest, evidence, the ranked lists (prefix, ids) whose tickets it lists)."""
    task = {"code": "2026-JC-007", "items": ["SCJG-01", "SCJG-04"], "year": 2026}
    subjects = {
        **head("subjects", secret_source()),
        "task": task,
        "pool": {"A": [101, 102, 103, 104, 105], "B": [201, 202, 203, 204, 205, 206, 207, 208]},
        "exclusions": [{"id": 106, "reason": "inspected for SCJG-01 on 2025-11-20"}],
        "allocation": {"A": 2, "B": 3},
        "parameters": {"ratio_per_mille": {"A": 400, "B": 375}, "window_months": 12},
    }
    subject_lists = [("subject:A:", subjects["pool"]["A"]), ("subject:B:", subjects["pool"]["B"])]
    witnessed_subjects = {**subjects, "entropy_source": witnessed_source()}
    drand_subjects = {
        **subjects,
        "entropy_source": drand_source(),
        "committed_at": "2023-09-15T10:55:00Z",
        "task": {"code": "2023-JC-001", "items": ["SCJG-01"], "year": 2023},
    }
    inspectors = {
        **head("inspectors", secret_source()),
        "task": task,
        "department": "SCJG",
        "is_lead": True,
        "team_count": 2,
        "per_team": 2,
        "pool": [11, 12, 13, 14, 15, 16, 17],
        "exclusions": [{"id": 18, "reason": "certificate expires 2026-03-31"}],
        "parameters": {"qualified_items": ["SCJG-01", "SCJG-04"]},
    }
    inspector_lists = [("inspector:SCJG:", inspectors["pool"])]
    experts = {
        **head("experts", secret_source()),
        "task": task,
        "team_count": 2,
        "per_team": 1,
        "pool": [501, 502, 503],
        "exclusions": [],
        "parameters": {},
    }
    pairs = [(11, 1), (11, 2), (12, 1), (14, 3), (21, 4)]
    matching = {
        **head("matching", secret_source()),
        "task": task,
        "team_count": 2,
        "subjects": [1, 2, 3, 4, 5],
        "teams": {"1": {"members": [11, 12, 21]}, "2": {"members": [13, 14, 22]}},
        "salt": SALT,
        "forbidden": sorted({vd.salted_pair_hash(SALT, i, s) for i, s in pairs}),
    }
    matching_lists = [("match:subject:", matching["subjects"]), ("match:team:", [1, 2])]
    open_matching = {
        **matching,
        "team_count": 3,
        "subjects": [1, 2, 3, 4, 5, 6, 7, 8],
        "teams": {"1": {"members": [11]}, "2": {"members": [13]}, "3": {"members": [15]}},
        "forbidden": [],
    }
    open_lists = [("match:subject:", open_matching["subjects"]), ("match:team:", [1, 2, 3])]
    big_ids = {
        **subjects,
        "pool": {"A": [2**53 + 1, 2**53 + 2, 2**60, 2**63 - 1], "B": [201, 202, 203, 204]},
        "exclusions": [],
    }
    replacement = {
        **head("replacement", secret_source()),
        "task": task,
        "department": "SCJG",
        "team": "2",
        "withdrawn": 13,
        "reason": "病假",
        "pool": [15, 16, 17],
        "team_subjects": [3, 4],
        "salt": SALT,
        "forbidden": sorted({vd.salted_pair_hash(SALT, 15, 3)}),
        "redraw_leader": True,
        "is_lead": True,
        "lead_members": [14],
    }
    return [
        ("subjects, operator secret", subjects, secret_evidence(), subject_lists),
        ("subjects, witnessed numbers", witnessed_subjects, witnessed_evidence(), subject_lists),
        ("subjects, drand quicknet round 657413", drand_subjects, drand_evidence(),
         subject_lists),
        (
            "inspectors, lead department",
            inspectors,
            secret_evidence(),
            inspector_lists,
        ),
        ("experts", experts, secret_evidence(), [("expert:", experts["pool"])]),
        ("matching", matching, secret_evidence(), matching_lists),
        (
            "replacement",
            replacement,
            secret_evidence(),
            # The eligible list: the pool [15, 16, 17] without 15 (a conflict with subject 3).
            [("replacement:SCJG:2:", [16, 17])],
        ),
        ("matching, no conflicts", open_matching, secret_evidence(), open_lists),
        # ids above 2^53 (JavaScript's exact integers): parse them as big integers (§2)
        ("subjects, ids above 2^53", big_ids, secret_evidence(),
         [("subject:A:", big_ids["pool"]["A"]), ("subject:B:", big_ids["pool"]["B"])]),
    ]


def refusals() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Manifests an implementation must refuse, with the error it must give."""
    found = {name: (m, e) for name, m, e, _lists in manifests()}
    subjects, evidence = found["subjects, operator secret"]
    matching, _ = found["matching"]
    inspectors, _ = found["inspectors, lead department"]
    replacement, _ = found["replacement"]
    big = 2**53 + 1  # above JavaScript's exact integers: still a valid id (§2)
    return [
        ("replacement team with a leading zero", {**replacement, "team": "02"}, evidence),
        ("replacement team in non-ASCII digits", {**replacement, "team": "\u0662"}, evidence),
        ("replacement team zero", {**replacement, "team": "0"}, evidence),
        ("lead_members include the withdrawn person",
         {**replacement, "lead_members": [13, 14]}, evidence),
        ("inspector in two teams",
         {**matching, "teams": {"1": {"members": [11, 12, 21]}, "2": {"members": [12, 13]}}},
         evidence),
        ("stratum code with an ideographic space",
         {**subjects, "pool": {"A\u3000": [101], "B": [201, 202, 203]},
          "allocation": {"A\u3000": 1, "B": 3}}, evidence),
        ("id above 2^63 - 1", {**subjects, "pool": {"A": [101, 2**63], "B": [201, 202, 203]}},
         evidence),
        ("stratum too small with ids above 2^53",
         {**subjects, "pool": {"A": [big], "B": [201, 202, 203]}}, evidence),
        ("null exclusions", {**subjects, "exclusions": None}, evidence),
        ("stratum too small", {**subjects, "allocation": {"A": 6, "B": 3}}, evidence),
        ("pool not sorted", {**subjects, "pool": {"A": [102, 101], "B": [201]}}, evidence),
        ("inspectors too few", {**inspectors, "per_team": 4}, evidence),
        (
            "no balanced matching",
            {
                **matching,
                "forbidden": sorted({vd.salted_pair_hash(SALT, 11, s) for s in (1, 2, 3, 4, 5)}),
            },
            evidence,
        ),
        (
            "secret does not match",
            subjects,
            {"type": "operator-secret", "secret": SECRET + "!"},
        ),
        (
            "drand round published before the commitment",
            {
                **found["subjects, drand quicknet round 657413"][0],
                "committed_at": "2023-09-15T11:00:03Z",
            },
            drand_evidence(),
        ),
    ]


def rand_below_vectors(key: bytes) -> list[dict[str, Any]]:
    """Bounded integers, including labels whose first words are rejected."""
    vectors = []
    for label, n in (("example", 10), ("example", 1), ("example", 2**64)):
        vectors.append({"label": label, "n": n, "value": vd.rand_below(key, label, n)})
    n = 2**63 + 1  # about half of all 64-bit words are rejected
    wanted = {"first word rejected": 1, "whole first block rejected": 4}
    for note, rejected in wanted.items():
        for i in range(10_000):
            label = f"rejection-{i}"
            words = [
                int.from_bytes(vd.label_hmac(key, f"{label}:{c}")[o : o + 8], "big")
                for c in range(3)
                for o in range(0, 32, 8)
            ]
            first_ok = next(w for w in words if w < n)
            if words.index(first_ok) == rejected:
                vectors.append(
                    {"label": label, "n": n, "value": vd.rand_below(key, label, n), "note": note}
                )
                break
    return vectors


def ticket_message(prefix: str, position: int) -> bytes:
    """The HMAC message of a ticket, written out here from the spec (§7)."""
    block, offset = divmod(position, 65_536)
    return prefix.encode("utf-8") + block.to_bytes(4, "big") + (offset + 1).to_bytes(4, "big")


def build() -> dict[str, Any]:
    """Every vector, computed by the engine."""
    key = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
    draws = []
    for name, manifest, evidence, given_lists in manifests():
        entropy = vd.entropy_bytes(manifest["entropy_source"], evidence)
        draw_key = vd.derive_key(manifest, entropy)
        result = vd.compute_result(manifest, evidence, workers=1)
        lists = list(given_lists)
        for team, members in result.get("teams", {}).items() if "leaders" in result else []:
            lists.append((f"leader:{team}:", members))
        if result.get("leader") is not None:
            candidates = sorted({*manifest["lead_members"], result["replacement"]})
            lists.append((f"leader:{manifest['team']}:", candidates))
        draws.append(
            {
                "name": name,
                "manifest": manifest,
                "canonical_manifest": vd.canonical_json(manifest).decode("utf-8"),
                "commitment": vd.commitment(manifest),
                "evidence": evidence,
                "entropy_hex": entropy.hex(),
                "key_hex": draw_key.hex(),
                "tickets": [
                    {
                        "prefix": prefix,
                        "position": position,
                        "id": candidate,
                        "ticket_hex": vd.ticket_at(draw_key, prefix, position).hex(),
                    }
                    for prefix, ids in lists
                    for position, candidate in enumerate(ids)
                ],
                "result": result,
            }
        )
    refused = []
    for name, manifest, evidence in refusals():
        try:
            vd.compute_result(manifest, evidence, workers=1)
        except vd.DrawError as exc:
            refused.append(
                {
                    "name": name,
                    "manifest": manifest,
                    "evidence": evidence,
                    "error": {"code": exc.code, "details": exc.details},
                }
            )
        else:
            raise SystemExit(f"refusal vector {name!r} was not refused")
    canonical_examples: list[Any] = [
        {"b": [3, 1, True, None], "a": {"名称": '鄂州\n"x"', "z": -5}, "A": False},
        ["\x01\x1f\t\u2028\x7f", "", "\\"],
        {"": 0, "a:b": [], "é": {}, "e": "é"},
    ]
    return {
        "spec": vd.SPEC,
        "about": (
            "Test vectors of docs/draw-spec.md. Hex is lowercase. 'canonical' strings are the "
            "exact UTF-8 text whose SHA-256 is the commitment."
        ),
        "canonical_json": [
            {"value": value, "canonical": vd.canonical_json(value).decode("utf-8")}
            for value in canonical_examples
        ],
        "tickets": {
            "key_hex": key.hex(),
            "vectors": [
                {
                    "prefix": prefix,
                    "position": position,
                    "message_hex": ticket_message(prefix, position).hex(),
                    "ticket_hex": vd.ticket_at(key, prefix, position).hex(),
                }
                for prefix, position in (
                    ("subject:A:", 0),
                    ("subject:A:", 1),
                    ("subject:A:", 65_535),
                    ("subject:A:", 65_536),
                    ("inspector:SCJG:", 6_723_862),
                    ("leader:3:", 2),
                    ("检查:", 70_000),
                )
            ],
        },
        "rand_below": {"key_hex": key.hex(), "vectors": rand_below_vectors(key)},
        "entropy": [
            {
                "source": source,
                "evidence": evidence,
                "entropy_hex": vd.entropy_bytes(source, evidence).hex(),
            }
            for source, evidence in (
                (secret_source(), secret_evidence()),
                (
                    {"type": "witnessed", "description": "dice", "count": 4},
                    {"type": "witnessed", "values": ["6", "01", "0", "12"], "witnesses": ["王五"]},
                ),
                (drand_source(), drand_evidence()),
            )
        ],
        "salted_pair_hash": [
            {
                "salt": SALT,
                "inspector_id": 11,
                "subject_id": 2,
                "hash": vd.salted_pair_hash(SALT, 11, 2),
            }
        ],
        "drand": {
            "chain": DRAND_CHAIN,
            "round": DRAND_ROUND,
            "published_at": vd.drand_round_time(DRAND_CHAIN, DRAND_ROUND["round"]),
            "verifies": True,
            "negative": {
                "round": DRAND_ROUND["round"] + 1,
                "signature": DRAND_ROUND["signature"],
                "verifies": False,
            },
        },
        "draws": draws,
        "refusals": refused,
        "bundle_parsing": bundle_parsing(draws[0]),
    }


def bundle_parsing(draw: dict[str, Any]) -> dict[str, Any]:
    """§11: texts with a key twice at some depth, each refused; the clean text verifies."""

    def canon(value: Any) -> str:
        return vd.canonical_json(value).decode("utf-8")

    manifest = draw["manifest"]
    good = canon({"spec": vd.SPEC, "manifest": manifest, "commitment": draw["commitment"],
                  "entropy": draw["evidence"], "result": draw["result"]})
    manifest_text = canon(manifest)
    source_text = canon(manifest["entropy_source"])
    refused = [
        ("spec twice at the top level", good[:-1] + ',"spec":"jointcheck-draw/2"}', "spec"),
        ("pool twice in the manifest",
         good.replace(manifest_text, manifest_text[:-1] + ',"pool":[]}', 1), "pool"),
        ("label twice in manifest.entropy_source",
         good.replace(source_text, source_text[:-1] + ',"label":"strong"}', 1), "label"),
    ]
    for name, text, _key in refused:
        try:
            vd.parse_json(text)
        except vd.DuplicateKeyError:
            continue
        raise SystemExit(f"bundle_parsing vector {name!r} was not refused")
    return {
        "about": (
            "Bundle texts as a verifier receives them (§11): a key twice in any object, at "
            "any depth, is refused before anything is computed; the same bundle without the "
            "duplicate verifies."
        ),
        "accepted": [{"name": "the 'subjects, operator secret' vector as a bundle",
                      "text": good}],
        "refused": [{"name": n, "text": t, "duplicate": k} for n, t, k in refused],
    }


def render(vectors: dict[str, Any]) -> str:
    """The file's text: indented JSON (the canonical forms are inside it as strings)."""
    return json.dumps(vectors, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    """Write the vectors, or with --check compare them with the file."""
    text = render(build())
    if sys.argv[1:] == ["--check"]:
        same = OUT.read_text(encoding="utf-8") == text
        print("docs/draw-vectors.json is up to date" if same else "docs/draw-vectors.json differs")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
