"""``jointcheck schedule show|office|max-visits`` on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import get_settings
from services.schedule import ScheduleService
from storage.db import create_engine, session_factory
from tests.db.test_cli_planning import jc
from tests.e2e.seed import World, seed_world
from tests.services import as_inspector


@pytest.fixture
def world_db(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
             ) -> Iterator[tuple[str, World]]:
    async def seed() -> World:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            world = await seed_world(session)
        await engine.dispose()
        return world

    world = asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield db_url, world
    get_settings.cache_clear()


def _in_db(db_url: str, clock: Any, call: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            result = await call(ScheduleService(session, clock))
        await engine.dispose()
        return result

    return asyncio.run(run())


def test_show_office_and_answers(world_db: tuple[str, World], clock: Any) -> None:
    db_url, world = world_db
    code, out, err = jc("schedule", "show", "2026-LH-001")
    assert (code, out.strip()) == (0, "第 1 组尚未安排检查日程。"), err
    code, _out, err = jc("schedule", "office", "SCJG", "--lat", "95", "--lon", "114.89")
    assert code == 1
    assert "坐标无效" in err
    code, out, err = jc("schedule", "office", "SCJG", "--lat", "30.3908", "--lon", "114.8949",
                        "--address", "鄂城区滨湖南路1号")
    assert code == 0, err
    assert "已设置 SCJG 的办公地点：30.3908, 114.8949" in out
    code, out, err = jc("schedule", "max-visits", "2026-LH-001", "1")
    assert code == 0, err

    async def plan(svc: ScheduleService) -> None:
        view = await svc.propose(world.team, as_inspector(world.leader, 1))
        await svc.send(view.id, as_inspector(world.leader, 1))
        await svc.answer(view.id, as_inspector(world.partner, 3), confirm=False, reason="出差")

    _in_db(db_url, clock, plan)
    code, out, err = jc("schedule", "show", "2026-LH-001", "--team", "1")
    assert code == 0, err
    assert out.startswith("【2026-LH-001】第 1 组检查日程（第 1 版 · 待组员确认）\n组长：张三\n")
    assert "2026-04-01（周三）09:00 出发 · 1 户" in out
    assert "2026-04-02（周四）09:00 出发 · 1 户" in out
    assert "确认情况（0/2）：" in out
    assert "· 李四（生态环境局）无法参加：出差" in out
    assert "· 王五（市场监督管理局）未答复（尚未绑定机器人）" in out
    code, out, err = jc("schedule", "show", "2026-LH-001", "--lang", "en")
    assert code == 0, err
    assert "· 李四 (生态环境局) cannot take part: 出差" in out
    code, _out, err = jc("schedule", "show", "2026-LH-001", "--team", "5")
    assert code == 1
    assert "没有这个检查小组" in err
    code, _out, err = jc("schedule", "show", "NOPE")
    assert code == 1
