"""The schedule loop with the real bot process against the emulator: the leader plans and
sends, two members confirm, the schedule is fixed and everyone is told (issue 10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from demo.accounts import Persona
from services.actors import Actor
from services.clock import local_date, utc_now
from services.schedule import ScheduleService
from storage.models import Task, TeamSchedule
from tests.e2e.botproc import Emulator
from tests.e2e.seed import World
from tests.e2e.test_bot_e2e import (  # noqa: F401 -- fixtures, re-used
    bind,
    emu,
    emulator_base,
    in_db,
    start_bot,
    text_in,
    world,
)

pytestmark = pytest.mark.e2e


def _prepare(url: str, seeded: World) -> None:
    """The office, and a window in the future (the bot runs on the real clock)."""
    start = local_date(utc_now()) + dt.timedelta(days=14)

    async def work(session: AsyncSession) -> None:
        await session.execute(update(Task).where(Task.id == seeded.drawn_task).values(
            window_start=start, window_end=start + dt.timedelta(days=30)))
        await session.commit()
        await ScheduleService(session, utc_now).set_office(
            "SCJG", 30.3908, 114.8949, "鄂城区滨湖南路1号", actor=Actor.system("test"))

    in_db(url, work)


def _states(url: str) -> list[tuple[int, str]]:
    async def work(session: AsyncSession) -> list[tuple[int, str]]:
        rows = (await session.execute(
            select(TeamSchedule.version, TeamSchedule.state).order_by(TeamSchedule.version)
        )).all()
        return [(v, s) for v, s in rows]

    return in_db(url, work)


def _button(message: dict[str, object], label: str) -> str:
    markup = message["reply_markup"]
    assert isinstance(markup, dict)
    return next(b["callback_data"] for row in markup["inline_keyboard"] for b in row
                if b["text"] == label)


def test_leader_plans_two_members_confirm_and_everyone_is_told(
    emu: Emulator, db_url: str, world: World, start_bot: Callable[[], None]  # noqa: F811
) -> None:
    _prepare(db_url, world)
    bind(db_url, Persona(6001, "张三", "SCJG", inspector_id=world.leader),
         Persona(6002, "王五", "SCJG", inspector_id=world.member),
         Persona(6003, "李四", "HBJ", inspector_id=world.partner))
    for user, name in ((6001, "三"), (6002, "五"), (6003, "四")):
        emu.user(user, name)
    start_bot()

    emu.send(6001, "/tasks")
    listing = text_in(emu, 6001, lambda t: t.startswith("我的检查任务"))
    emu.tap(6001, listing["message_id"], listing["reply_markup"]["inline_keyboard"][0][0][
        "callback_data"])
    overview = text_in(emu, 6001, lambda t: t.startswith("【2026-LH-001】") and "组员" in t)
    emu.tap(6001, overview["message_id"], _button(overview, "安排检查日程"))
    draft = text_in(emu, 6001, lambda t: "检查日程（第 1 版 · 草稿，未发送）" in t)
    assert "1. 鄂州市江南餐饮有限公司" in draft["text"]
    assert "约 22.3 公里" in draft["text"]
    emu.tap(6001, draft["message_id"], _button(draft, "📤 发送给组员"))

    for member in (6002, 6003):
        asked = text_in(emu, member, lambda t: t.startswith("组长 张三 发来检查日程"))
        emu.tap(member, asked["message_id"], _button(asked, "✅ 确认"))
        text_in(emu, member, lambda t: t.endswith("已确认第 1 版日程。"))

    status = text_in(emu, 6001, lambda t: "（第 1 版 · 已确定）" in t)
    assert status["message_id"] == draft["message_id"]  # edited in place
    assert "确认情况（2/2）" in status["text"]
    fixed = "【2026-LH-001】第 1 组检查日程（第 1 版）已确定：全体组员已确认。"
    for person in (6001, 6002, 6003):
        text_in(emu, person, lambda t: t == fixed)
    assert _states(db_url) == [(1, "fixed")]
