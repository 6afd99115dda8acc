"""``jointcheck draw commit|complete --drand-relay`` end to end: local relays over real HTTP,
the draw in the database, the bundle verified."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.config import get_settings
from tests.db.test_cli_draws import approved, committed_id
from tests.db.test_cli_planning import cli_db, jc, plan_and_task
from tests.unit.test_drand import ROUND
from tests.unit.test_drand_relay import PUBLISHED, down, relay

__all__ = ["cli_db", "down", "relay"]  # the fixtures, re-used


# --------------------------------------------------------------------------- the CLI


def test_a_drand_draw_through_relays_end_to_end(cli_db: str, relay: str, down: str,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    task = plan_and_task()
    approved(task)
    monkeypatch.setenv("JOINTCHECK_DRAND_RELAYS", f"{down},{relay}/good")
    get_settings.cache_clear()
    # committed two minutes before the round comes out (the engine refuses a round that
    # already existed at commit time)
    monkeypatch.setattr("cli.common.utc_now",
                        lambda: PUBLISHED - dt.timedelta(minutes=2))

    code, out, err = jc("draw", "commit", task, "subjects", "--drand-relay",
                        "--relay", f"{relay}/liar")
    assert code == 1
    assert f"drand 中继 {relay}/liar 返回的 quicknet 链信息“public_key”与已知的公开信息不符" in err
    assert jc("draw", "list", task)[1].strip() == "该任务还没有摇号。"
    code, out, err = jc("draw", "commit", task, "subjects", "--drand-relay",
                        "--drand", str(tmp_path / "chain.json"))
    assert code == 1
    assert "请选择且只选择一种随机源：--drand 文件、--drand-relay" in err

    code, out, err = jc("draw", "commit", task, "subjects", "--drand-relay",
                        "--round", str(ROUND["round"]))
    assert code == 0, err
    assert f"跳过一个中继：无法连接 drand 中继 {down}（ConnectError" in err
    assert f"已从 drand 中继 {relay}/good 取得数据" in out
    assert "随机源：drand quicknet 第 657413 轮（承诺时尚未产生）" in out
    draw = committed_id(out)

    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/lagging")
    assert code == 1
    assert " ".join(err.split()) == (
        f"✗ drand 第 657413 轮还没有发布：中继 {relay}/lagging 尚无此轮，按该链的时间表它将于"
        "北京时间 2023-09-15 19:00:03 发布。未作任何更改；摇号仍为“已承诺”，可在此之后再完成。")
    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/lagging",
                        "--lang", "en")
    assert code == 1
    assert "drand round 657413 is not published yet" in " ".join(err.split())
    assert "2023-09-15 19:00:03 (Beijing time)" in " ".join(err.split())
    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/liar")
    assert code == 1
    assert "返回的是第 657414 轮，而请求的是第 657413 轮，已拒绝" in " ".join(err.split())
    code, out, err = jc("draw", "complete", draw, "--drand-relay", "--relay", f"{relay}/garbage")
    assert code == 1
    assert "返回的不是预期的 drand JSON" in " ".join(err.split())
    code, out, _ = jc("draw", "show", draw)
    assert "已承诺，待摇号" in out

    code, out, err = jc("draw", "complete", draw, "--drand-relay")
    assert code == 0, err
    assert f"已从 drand 中继 {relay}/good 取得数据" in out
    assert f"摇号 {draw} 已完成" in out
    bundle = tmp_path / "draw.json"
    assert jc("draw", "bundle", draw, "-o", str(bundle))[0] == 0
    code, out, _ = jc("draw", "verify", str(bundle))
    assert code == 0, out
    assert "核验通过：摇号结果逐字节重算一致" in out
    evidence = json.loads(bundle.read_text(encoding="utf-8"))["entropy"]
    assert evidence["signature"] == ROUND["signature"]
