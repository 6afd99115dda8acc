"""Issue 9 item 22: a bundle with a key twice, at any depth, is refused (draw-spec §2, §11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from verifier import verify_draw as vd

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "docs" / "draw-vectors.json").read_text(encoding="utf-8"))
PARSING = VECTORS["bundle_parsing"]


def test_the_accepted_text_verifies() -> None:
    for case in PARSING["accepted"]:
        assert vd.verify_bundle(vd.parse_json(case["text"])).ok


@pytest.mark.parametrize("case", PARSING["refused"], ids=lambda c: c["name"])
def test_every_duplicate_is_refused_by_the_parser(case: dict[str, str]) -> None:
    # json.loads alone accepts each of these (it keeps the last key)
    json.loads(case["text"])
    with pytest.raises(vd.DuplicateKeyError, match=f'"{case["duplicate"]}"'):
        vd.parse_json(case["text"])


@pytest.mark.parametrize("case", PARSING["refused"], ids=lambda c: c["name"])
def test_the_standalone_verifier_and_the_cli_refuse_them(
    case: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(case["text"], encoding="utf-8")
    assert vd.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "duplicate key" in out
    assert "MATCH" not in out
    result = CliRunner().invoke(app, ["draw", "verify", str(path)])
    assert result.exit_code == 1
    assert "duplicate key" in result.output


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        vd.parse_json('{"a": NaN}')
