"""Issue 9 item 23: what docs/draw-spec.md pins beyond the vectors file holds in the engine."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from verifier import verify_draw as vd

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "docs" / "draw-vectors.json").read_text(encoding="utf-8"))
SPEC = (ROOT / "docs" / "draw-spec.md").read_text(encoding="utf-8")
DRAWS = {d["name"]: d for d in VECTORS["draws"]}


def test_a_secret_with_a_lone_surrogate_is_evidence_invalid() -> None:
    draw = DRAWS["subjects, operator secret"]
    evidence = vd.parse_json('{"type": "operator-secret", "secret": "abc\\ud800"}')
    with pytest.raises(vd.EntropyError) as caught:
        vd.compute_result(draw["manifest"], evidence, workers=1)
    assert caught.value.code == "evidence-invalid"
    assert caught.value.details == {"field": "secret", "reason": "lone surrogate"}


def test_a_manifest_with_a_lone_surrogate_is_not_canonical() -> None:
    manifest: dict[str, Any] = {**DRAWS["subjects, operator secret"]["manifest"]}
    manifest["task"] = {**manifest["task"], "code": "x\ud800"}
    with pytest.raises(vd.DrawError) as caught:
        vd.commitment(manifest)
    assert caught.value.code == "non-canonical-value"


def test_the_whitespace_the_spec_lists_is_what_codes_refuse() -> None:
    listed = re.search(r"whitespace is exactly.*?: (space, .*?U\+3000)\.", SPEC, re.S)
    assert listed is not None
    chars: set[int] = set()
    for raw in listed.group(1).replace("\n", " ").split(", "):
        part = raw.strip()
        if part == "space":
            chars.add(0x20)
            continue
        m = re.fullmatch(r"U\+([0-9A-F]{4})(?:–U\+([0-9A-F]{4}))?", part)
        assert m, part
        lo = int(m.group(1), 16)
        chars.update(range(lo, int(m.group(2) or m.group(1), 16) + 1))
    refused = {c for c in range(sys.maxunicode + 1)
               if c not in (0x3A,) and not 0xD800 <= c <= 0xDFFF
               and not vd._CODE.match(chr(c))}
    assert refused == chars


def test_a_subject_id_equal_to_a_member_id_is_allowed() -> None:
    draw = DRAWS["matching"]
    manifest = {**draw["manifest"], "subjects": [1, 2, 3, 4, 11]}  # 11 is also inspector 11
    result = vd.compute_result(manifest, draw["evidence"], workers=1)
    assert sorted(s for team in result["assignment"].values() for s in team) == [1, 2, 3, 4, 11]


def test_witnessed_and_drand_vectors_list_tickets() -> None:
    for name in ("subjects, witnessed numbers", "subjects, drand quicknet round 657413"):
        assert DRAWS[name]["tickets"], name
