"""``/code`` (检查码): the QR of today's visit for an inspector, a clear refusal otherwise."""

from __future__ import annotations

import datetime as dt
import io

import zxingcpp
from PIL import Image
from sqlalchemy import select

from storage.models import InspectionCode, ScheduleStop, TeamSchedule
from tests.codes_world import VISIT_DAY, field_time
from tests.handlers.conftest import Harness


async def _fixed_schedule(h: Harness) -> None:
    async with h.sessions() as session:
        schedule = TeamSchedule(team_id=h.world.team, task_id=h.world.drawn_task, version=1,
                                state="fixed", start_latitude=30.39, start_longitude=114.89,
                                max_visits_per_day=4, created_by="t")
        session.add(schedule)
        await session.flush()
        session.add_all([ScheduleStop(schedule_id=schedule.id, subject_id=s, day=VISIT_DAY,
                                      position=n)
                         for n, s in enumerate(h.world.subjects, start=1)])
        await session.commit()


async def test_code_sends_the_qr_of_todays_visit(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    idle = await h.bound(1004, h.world.idle, name="赵六")
    h.api.allow("sendMessage", "sendPhoto")
    await leader.send("/code")
    (refusal,) = h.api.sent("sendMessage")
    assert "今天没有您在已确定日程中的检查" in refusal.text
    h.api.calls.clear()

    await _fixed_schedule(h)
    h.clock.now = field_time()
    await leader.send("/code")
    (choice,) = h.api.sent("sendMessage")
    assert "今天有 2 个检查点" in choice.text
    assert "/code 1 — 鄂州市江南餐饮有限公司" in choice.text
    h.api.calls.clear()
    await leader.send("/code 2")
    (photo,) = h.api.sent("sendPhoto")
    assert "华容区好味道小吃店" in photo.caption
    assert "04-01 10:00 至 04-01 14:00" in photo.caption
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.photo.data)))
    assert found.text.startswith("http://127.0.0.1:8080/c/")
    h.api.calls.clear()

    await idle.send("/code")
    (none,) = h.api.sent("sendMessage")
    assert "今天没有" in none.text
    async with h.sessions() as session:
        codes = (await session.scalars(select(InspectionCode))).all()
    assert [(c.issued_by_inspector_id, c.expires_at - c.not_before) for c in codes] == [
        (h.world.leader, dt.timedelta(hours=4))]
