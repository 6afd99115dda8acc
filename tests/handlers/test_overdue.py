"""/overdue: a supervisor sees what is late, a button each; others are refused politely."""

from __future__ import annotations

import datetime as dt

from handlers.callbacks import TaskCb
from services.calendar import WorkingDays
from services.clock import SHANGHAI
from services.reminder_times import ReminderPolicy, results_due_on
from tests.handlers.conftest import Harness


def first_late_day() -> dt.datetime:
    rules = WorkingDays({})
    # the seeded team has no schedule: its last visit counts as the window's end, 30 Apr
    due_on = results_due_on(rules, dt.date(2026, 4, 30), ReminderPolicy())
    late = rules.add_working_days(due_on, 1).due_on
    return dt.datetime.combine(late, dt.time(10), tzinfo=SHANGHAI).astimezone(dt.UTC)


async def test_a_supervisor_sees_the_late_team_with_a_button(h: Harness) -> None:
    supervisor = await h.bound(5200, role="supervisor", name="周督查")
    h.api.allow("sendMessage")
    await supervisor.send("/overdue")
    assert h.api.texts() == ["目前没有逾期事项。"]
    h.api.calls.clear()

    h.clock.now = first_late_day()
    await supervisor.send("/overdue")
    (call,) = h.api.sent()
    assert call.text.splitlines()[0] == "逾期事项 1 项："
    assert "逾期【2026-LH-001】第 1 组" in call.text
    assert "逾期 1 个工作日" in call.text
    (button,) = call.reply_markup.inline_keyboard[0]
    assert button.text == "【2026-LH-001】第 1 组"
    assert button.callback_data == TaskCb(task_id=h.world.drawn_task).pack()


async def test_an_inspector_may_not_ask(h: Harness) -> None:
    inspector = await h.bound(5201, h.world.member, name="王五", language_code="en")
    h.api.allow("sendMessage")
    await inspector.send("/overdue")
    assert h.api.texts() == [
        "Only supervisors, the organiser and department admins can see what is overdue."]


async def test_progress_gives_the_art_22_figures_and_a_chart(h: Harness) -> None:
    organiser = await h.bound(5202, role="organiser", name="吴组织")
    h.api.allow("sendMessage", "sendPhoto")
    await organiser.send("/progress")
    (text,) = h.api.texts()
    assert text.splitlines() == [
        "【工作进度】（第二十二条）",
        "生态环境局：任务 2，抽取对象 0，已检查 0，有结果 0（按时 0，逾期 0），移送未结 0",
        "市场监督管理局：任务 2，抽取对象 2，已检查 0，有结果 0（按时 0，逾期 0），移送未结 0",
    ]
    (photo,) = h.api.sent("sendPhoto")
    png = photo.request.photo.data  # type: ignore[attr-defined]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5000  # a drawn chart (a missing CJK glyph would fail: warnings are errors)
