"""``jointcheck plan|task|calendar …`` on a migrated database (both backends), and the locale
files covering every message key the workflow can raise."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.config import get_settings
from bot.i18n import has
from cli.main import app as cli
from storage.db import create_engine, session_factory
from tests.db.workflow_data import build_directory

ROOT = Path(__file__).resolve().parents[2]
YEAR = dt.date.today().year + 2  # submissions for it are open whatever today is  # noqa: DTZ011


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The CLI pointed at a migrated test database holding three departments' directories."""

    async def seed() -> None:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            await build_directory(session, year=YEAR - 1)
        await engine.dispose()

    asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def jc(*args: str) -> tuple[int, str, str]:
    """Run ``jointcheck ARGS``; exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def plan_and_task() -> str:
    """An approved plan entry and a draft task from it; returns the task code."""
    code, out, err = jc("plan", "submit", "--year", str(YEAR), "--department", "SCJG",
                        "--title", "餐饮与危化品联合抽查", "--items", "SC-01,ST-01,YJ-01",
                        "--departments", "SCJG,SThJ,YJGL", "--from", f"{YEAR}-03-01",
                        "--to", f"{YEAR}-10-31", "--ratio", "5%")
    assert code == 0, err
    assert f"已报送计划条目 1（{YEAR} 年度）" in out
    code, out, err = jc("plan", "approve", str(YEAR))
    assert code == 0, err
    code, out, err = jc("task", "create", "--entry", "1", "--name", "联合抽查", "--lead", "SCJG",
                        "--departments", "SCJG,SThJ,YJGL", "--items", "SC-01,ST-01,YJ-01",
                        "--from", f"{YEAR}-04-01", "--to", f"{YEAR}-05-31", "--teams", "2",
                        "--members", "SCJG=2,SThJ=1,YJGL=1", "--sample", "A=25%,B=0.25,C=3,D=4")
    assert code == 0, err
    match = re.search(r"已建立任务 (\S+)（编号 1）", out)
    assert match, out
    return match.group(1)


def test_plan_commands(cli_db: str) -> None:
    code, out, err = jc("plan", "submit", "--year", str(YEAR), "--department", "SCJG",
                        "--title", "t", "--items", "SC-01", "--from", f"{YEAR}-13-01",
                        "--to", f"{YEAR}-10-31")
    assert code == 1
    assert f"日期“{YEAR}-13-01”格式不对" in err
    code, out, err = jc("plan", "submit", "--year", str(YEAR), "--department", "SCJG",
                        "--title", "t", "--items", "NOPE", "--from", f"{YEAR}-03-01",
                        "--to", f"{YEAR}-10-31", "--lang", "en")
    assert code == 1
    assert "Not in the" in err
    assert "NOPE" in err
    plan_and_task()
    code, out, _ = jc("plan", "show", str(YEAR))
    assert code == 0
    assert f"{YEAR} 年度部门联合抽查计划 — 已批准" in out
    assert f"报送截止：{YEAR - 1}-11-30；批准截止：{YEAR - 1}-12-31" in out
    code, _, err = jc("plan", "submit", "--year", str(YEAR), "--department", "SCJG",
                      "--title", "late", "--items", "SC-01", "--from", f"{YEAR}-03-01",
                      "--to", f"{YEAR}-04-30")
    assert code == 1
    assert "已批准，只能通过计划调整" in err
    code, out, err = jc("plan", "change", str(YEAR), "--entry", "1", "--set",
                        f"period_end={YEAR}-11-30", "--reason", "汛期顺延")
    assert code == 0, err
    code, out, err = jc("plan", "review-change", "1", "approve", "--comment", "同意")
    assert code == 0, err
    assert "计划调整 1：已同意" in out
    code, out, _ = jc("plan", "show", str(YEAR))
    assert f"{YEAR}-03-01 至 {YEAR}-11-30" in out


def test_task_review_cycle_and_illegal_steps(cli_db: str) -> None:
    task = plan_and_task()
    code, out, err = jc("task", "advance", task, "start")
    assert code == 1
    assert (f"任务 {task} 当前状态为“草稿”，不能执行“开始检查（start）”；"
            "现在可以：提交会审（submit）") in err
    code, out, _ = jc("task", "show", task)
    # values in words (issue 9 item 16): percentages, translated scope, next step named
    assert "抽查：A 类 25%、B 类 25%、C 类 3 个、D 类 4 个；范围：全部检查对象" in out
    assert "下一步：提交会审（submit）" in out
    code, _, err = jc("task", "review", task, "maybe", "--department", "SThJ")
    assert code != 0
    assert "review-decision" not in err
    assert jc("task", "submit", task)[0] == 0
    code, out, err = jc("task", "pending", "SThJ")
    assert task in out
    code, _, err = jc("task", "review", task, "return", "--department", "SThJ")
    assert code == 1
    assert "退回时必须填写意见" in err
    code, out, err = jc("task", "review", task, "return", "--department", "SThJ",
                        "--comment", "与汛期冲突", "--lang", "en")
    assert code == 0, err
    assert "— returned" in out
    assert "SThJ: returned (与汛期冲突)" in out
    code, out, err = jc("task", "revise", task, "--from", f"{YEAR}-09-01", "--to",
                        f"{YEAR}-09-30")
    assert code == 0, err
    assert "草稿" in out
    code, out, _ = jc("task", "submit", task)
    assert "第 2 轮会审" in out
    for dept in ("SCJG", "SThJ", "YJGL"):
        code, out, err = jc("task", "review", task, "approve", "--department", dept)
        assert code == 0, err
    assert "— 会审通过" in out
    code, out, err = jc("task", "advance", task, "draw-subjects")
    assert code == 1
    assert "由摇号完成时自动进行" in err
    code, out, _ = jc("task", "list", "--state", "approved")
    assert task in out


def test_calendar_commands(cli_db: str, tmp_path: Path) -> None:
    code, out, _ = jc("calendar", "due", "2026-02-13")
    assert code == 0
    assert "2026-03-19（周四）" in out
    code, out, _ = jc("calendar", "check", "2026", "--lang", "en")
    assert "chinese_calendar" in out
    assert "2026-02-16 Mon 春节" in out
    assert "2026-02-14 Sat 春节" in out  # a swapped working Saturday
    unknown = YEAR + 10
    code, out, err = jc("calendar", "due", f"{unknown}-02-01", "--days", "5")
    assert code == 0
    assert f"{unknown} 年的放假安排尚未导入" in err
    notice = tmp_path / "notice.csv"
    first_monday = next(dt.date(unknown, 2, d) for d in range(1, 8)
                        if dt.date(unknown, 2, d).weekday() == 0)
    rows = [f"{first_monday + dt.timedelta(days=i)},休,春节" for i in range(5)]
    sunday = first_monday + dt.timedelta(days=13)
    rows.append(f"{sunday},班,春节")
    notice.write_text("日期,类型,名称\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = jc("calendar", "import", str(notice))
    assert code == 0, err
    assert f"已导入 {unknown} 年放假安排：放假 5 天，调休上班 1 天" in out
    code, out, err = jc("calendar", "due", str(first_monday - dt.timedelta(days=3)), "--days",
                        "2")
    # Friday before the holiday week: the week is off, so the 2nd working day is Tuesday after
    assert str(first_monday + dt.timedelta(days=8)) in out
    assert "尚未导入" not in err
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型\n2030-02-04,班\n", encoding="utf-8")  # a Monday
    code, _, err = jc("calendar", "import", str(bad))
    assert code == 1
    assert "调休上班日只能是周六或周日" in err


_RAISED = re.compile(
    r'(?:ValidationFailed|NotFound|IllegalTransition|DrawRefused|DeadlinePassed)\(\s*"([a-z0-9-]+)"'
)
_TR = re.compile(r'\btr\(\s*"([a-z0-9-]+)"')


def test_every_workflow_message_key_exists_in_both_languages() -> None:
    keys: set[str] = set()
    for path in ("services/calendar.py", "services/plans.py", "services/tasks.py",
                 "services/draws.py", "cli/planning.py", "cli/draws.py"):
        text = (ROOT / path).read_text(encoding="utf-8")
        keys |= set(_RAISED.findall(text)) | set(_TR.findall(text))
    from services.tasks import STEPS, TaskState

    keys |= {f"state-{s.value}" for s in TaskState}
    keys |= {f"draw-kind-{k}" for k in ("subjects", "inspectors", "experts", "matching",
                                         "replacement")}
    keys |= {f"draw-status-{s}" for s in ("committed", "completed", "failed")}
    keys |= {f"cli-draw-source-{s}" for s in ("drand", "witnessed", "operator-secret")}
    keys |= {f"cal-source-{s}" for s in ("imported", "package", "weekends-only")}
    keys |= {f"weekday-{n}" for n in range(7)}
    assert len(keys) > 150
    assert STEPS
    missing = {lang: sorted(k for k in keys if not has(k, lang)) for lang in ("zh_CN", "en")}
    assert missing == {"zh_CN": [], "en": []}
