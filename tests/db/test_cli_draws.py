"""``jointcheck draw …``: commit, complete, show, list, bundle, verify, withdraw."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from tests.db.test_cli_planning import ROOT, cli_db, jc, plan_and_task

__all__ = ["cli_db"]  # the fixture, re-used


def approved(task: str) -> None:
    assert jc("task", "submit", task)[0] == 0
    for dept in ("SCJG", "SThJ", "YJGL"):
        assert jc("task", "review", task, "approve", "--department", dept)[0] == 0


def committed_id(out: str) -> str:
    match = re.search(r"已承诺摇号 (\d+)", out)
    assert match, out
    return match.group(1)


def test_whole_draw_sequence_and_public_verification(cli_db: str, tmp_path: Path) -> None:
    task = plan_and_task()
    approved(task)
    secret = tmp_path / "secret.txt"
    secret.write_text("一个只有操作员知道的口令\n", encoding="utf-8")
    code, out, err = jc("draw", "commit", task, "inspectors", "--department", "SCJG",
                        "--secret-file", str(secret))
    assert code == 1
    assert "需要先到“已抽取检查对象”" in err
    code, out, err = jc("draw", "commit", task, "subjects", "--secret-file", str(secret))
    assert code == 0, err
    assert "操作员密钥是最弱的随机源" in err
    subjects = committed_id(out)
    sha = hashlib.sha256("一个只有操作员知道的口令".encode()).hexdigest()
    assert f"随机源：操作员密钥（哈希 {sha}）" in out
    assert "各风险分类抽取数：A 类 3、B 类 3、C 类 3、D 类 4" in out  # in words, not JSON
    code, _, err = jc("draw", "complete", subjects, "--secret", "别的口令")
    assert code == 1
    assert "操作员密钥与事先承诺的哈希不符" in err  # the engine's own message
    code, out, err = jc("draw", "complete", subjects, "--secret-file", str(secret))
    assert code == 0, err
    assert "抽取结果：A 类 3、B 类 3、C 类 3、D 类 4" in out
    for dept in ("SCJG", "SThJ", "YJGL"):
        code, out, err = jc("draw", "commit", task, "inspectors", "--department", dept,
                            "--witnessed", f"{dept} 掷骰子", "--count", "3")
        assert code == 0, err
        draw = committed_id(out)
        code, _, err = jc("draw", "complete", draw, "--values", "3,5")
        assert code == 1
        assert "事先声明 3 个，提供了 2 个" in err
        code, _, err = jc("draw", "complete", draw, "--values", "3,x,6",
                          "--witness", "张三")
        assert code == 1
        assert "第 2 个数值“x”" in err  # people count from 1 (issue 9 item 16)
        code, out, err = jc("draw", "complete", draw, "--values", "3,5,6",
                            "--witness", "张三", "--witness", "李四")
        assert code == 0, err
    code, out, err = jc("draw", "commit", task, "matching", "--secret-sha256",
                        hashlib.sha256(b"m").hexdigest())
    matching = committed_id(out)
    code, out, err = jc("draw", "complete", matching, "--secret", "m", "--lang", "en")
    assert code == 0, err
    # 13 subjects over two teams (the salt is fresh per draw, so which team gets 7 varies)
    loads = re.search(r'drawn: \{"assignment": \{"1": (\d+), "2": (\d+)\}\}', out)
    assert loads, out
    assert sorted(map(int, loads.groups())) == [6, 7]
    code, out, _ = jc("task", "show", task)
    assert "已组队匹配" in out
    assert out.count("组长") == 2
    assert f"第 1 组（检查对象 {loads.group(1)} 个）" in out

    bundle = tmp_path / "matching.json"
    code, out, err = jc("draw", "bundle", matching, "-o", str(bundle))
    assert code == 0, err
    code, out, _ = jc("draw", "verify", str(bundle))
    assert code == 0
    assert "核验通过：摇号结果逐字节重算一致" in out
    standalone = subprocess.run([sys.executable, str(ROOT / "verifier" / "verify_draw.py"),
                                 str(bundle)], capture_output=True, text=True, check=False)
    assert standalone.returncode == 0, standalone.stdout
    data = json.loads(bundle.read_text(encoding="utf-8"))
    first = data["result"]["assignment"]["1"]
    first[0], data["result"]["assignment"]["2"][0] = data["result"]["assignment"]["2"][0], first[0]
    bundle.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = jc("draw", "verify", str(bundle))
    assert code == 1
    assert "不符：result.assignment.1" in out
    assert "核验未通过" in err

    code, out, _ = jc("draw", "list", task)
    assert len(re.findall(r"— 已完成 —", out)) == 5


def test_withdrawal_from_the_cli(cli_db: str, tmp_path: Path) -> None:
    task = plan_and_task()
    approved(task)
    for kind, extra in (("subjects", []), ("inspectors", ["--department", "SCJG"]),
                        ("inspectors", ["--department", "SThJ"]),
                        ("inspectors", ["--department", "YJGL"])):
        code, out, err = jc("draw", "commit", task, kind, *extra, "--secret-sha256",
                            hashlib.sha256(b"k").hexdigest())
        assert code == 0, err
        assert jc("draw", "complete", committed_id(out), "--secret", "k")[0] == 0
    code, out, _ = jc("task", "show", task)
    sthj = re.search(r"^\s+(\d+) \S+（SThJ）", out, re.M)
    assert sthj, out
    inspector = sthj.group(1)
    code, _, err = jc("draw", "withdraw", task, "--inspector", inspector, "--reason", "",
                      "--secret-sha256", hashlib.sha256(b"r").hexdigest())
    assert code == 1
    assert "退出（替补）必须说明原因" in err
    code, out, err = jc("draw", "withdraw", task, "--inspector", inspector, "--reason", "病假",
                        "--secret-sha256", hashlib.sha256(b"r").hexdigest())
    assert code == 0, err
    assert "原因：病假" in out
    code, out, err = jc("draw", "complete", committed_id(out), "--secret", "r")
    assert code == 0, err
    code, out, _ = jc("task", "show", task)
    assert f"{inspector} " in out
    assert "已退出：病假" in out
