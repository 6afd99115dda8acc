"""Notifications: idempotent scans into the outbox, and the one sender that delivers each row
once, within Telegram's limits, waiting out a 429 (through the scripted Bot API)."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import SendMessage
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from bot.worker import telegram_deliver
from demo.accounts import Persona, bind_demo_accounts
from handlers.callbacks import ReviewCb
from services.accounts import AccountService
from services.notifications import (
    NotificationScanner,
    OutboxSender,
    OutgoingMessage,
    RateLimiter,
)
from storage.models import Outbox, Team
from tests.handlers.conftest import Harness

DRAWN_PARTNER_EN = (
    "You were drawn for the joint inspection task [2026-LH-001] "
    "2026年餐饮服务单位食品安全联合抽查.\n"
    "Team: 1\n"
    "Leader: 张三 (市场监督管理局)\n"
    "Inspection window: 2026-04-01 to 2026-04-30\n"
    "Send /tasks for the details."
)
DRAWN_LEADER_ZH = (
    "您已被抽中参加联合抽查任务【2026-LH-001】2026年餐饮服务单位食品安全联合抽查。\n"
    "小组：第 1 组\n"
    "组长：您本人\n"
    "检查时间：2026-04-01 至 2026-04-30\n"
    "发送 /tasks 查看详情。"
)


class FakeTime:
    """Monotonic time that only moves when the sender sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def bind_people(h: Harness) -> None:
    async with h.sessions() as session:
        await bind_demo_accounts(session, AccountService(session, h.clock), [
            Persona(1001, "张三", "SCJG", inspector_id=h.world.leader),
            Persona(1003, "李四", "HBJ", inspector_id=h.world.partner, language="en"),
            Persona(1004, "赵六", "SCJG", inspector_id=h.world.idle),
            Persona(1100, "陈主任", "SCJG", roles=("dept_admin",)),
        ])


async def scan(h: Harness) -> int:
    async with h.sessions() as session:
        return await NotificationScanner(session, h.clock).scan()


def sender(h: Harness, time: FakeTime) -> OutboxSender:
    limiter = RateLimiter(monotonic=time, sleep=time.sleep)
    return OutboxSender(h.sessions, h.clock, telegram_deliver(h.bot), limiter)


async def outbox(h: Harness) -> list[Outbox]:
    async with h.sessions() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())


async def test_scans_enqueue_each_fact_once(h: Harness) -> None:
    await bind_people(h)
    # drawn: 张三, 李四 (王五 is not bound; 赵六 was not drawn); to review: 陈主任
    assert await scan(h) == 3
    assert await scan(h) == 0
    rows = await outbox(h)
    assert sorted(r.kind for r in rows) == ["drawn", "drawn", "review"]


async def test_the_sender_delivers_each_row_once_in_the_recipients_language(h: Harness) -> None:
    await bind_people(h)
    await scan(h)
    h.api.allow("sendMessage")
    time = FakeTime()
    report = await sender(h, time).send_due()
    assert report.sent == 3
    by_chat = {c.chat_id: c for c in h.api.sent()}
    assert by_chat[1001].text == DRAWN_LEADER_ZH
    assert by_chat[1003].text == DRAWN_PARTNER_EN
    assert by_chat[1100].text.startswith("【会审】2026-LH-002 ")
    (buttons,) = by_chat[1100].reply_markup.inline_keyboard
    assert buttons[0].callback_data == ReviewCb(
        task_id=h.world.review_task, department="SCJG", review_round=1, action="approve"
    ).pack()
    assert all(r.sent_at == h.clock.now for r in await outbox(h))

    assert (await sender(h, time).send_due()).sent == 0  # a restart sends nothing again
    await scan(h)
    assert (await sender(h, time).send_due()).sent == 0
    assert len(h.api.sent()) == 3


async def test_a_429_is_waited_out_and_the_message_still_arrives(h: Harness) -> None:
    await bind_people(h)
    await scan(h)
    h.api.allow("sendMessage")
    h.api.fail_next("sendMessage", TelegramRetryAfter(
        method=SendMessage(chat_id=1001, text="x"), message="Too Many Requests", retry_after=7,
    ))
    time = FakeTime()
    the_sender = sender(h, time)
    report = await the_sender.send_due()
    assert (report.sent, report.rescheduled) == (0, 1)
    first = (await outbox(h))[0]
    assert first.due_at == h.clock.now + dt.timedelta(seconds=7)
    assert first.sent_at is None
    assert "retry after 7" in first.last_error

    h.clock.advance(seconds=8)
    report = await the_sender.send_due()
    assert report.sent == 3
    assert sum(time.slept) >= 7  # the sender paused as long as Telegram asked
    assert sorted(c.chat_id for c in h.api.sent()) == [1001, 1003, 1100]


async def test_a_blocked_bot_marks_the_row_failed_and_never_retries(h: Harness) -> None:
    await bind_people(h)
    await scan(h)
    h.api.allow("sendMessage")
    h.api.fail_next("sendMessage", TelegramForbiddenError(
        method=SendMessage(chat_id=1001, text="x"),
        message="Forbidden: bot was blocked by the user",
    ))
    time = FakeTime()
    report = await sender(h, time).send_due()
    assert (report.sent, report.failed) == (2, 1)
    failed = [r for r in await outbox(h) if r.failed_at is not None]
    assert [r.last_error for r in failed] == ["Forbidden: bot was blocked by the user"]
    h.clock.advance(hours=1)
    assert (await sender(h, time).send_due()).sent == 0


async def test_members_told_before_the_leader_was_drawn_are_told_who_leads(h: Harness) -> None:
    async with h.sessions() as session:
        await session.execute(update(Team).values(leader_inspector_id=None))
        await session.commit()
    await bind_people(h)
    await scan(h)
    h.api.allow("sendMessage")
    await sender(h, FakeTime()).send_due()
    partner_first = next(c for c in h.api.sent() if c.chat_id == 1003)
    assert "Leader: you will be told once the lead department has drawn" in partner_first.text

    async with h.sessions() as session:
        await session.execute(update(Team).values(leader_inspector_id=h.world.leader))
        await session.commit()
    assert await scan(h) == 2  # 张三 and 李四 hear who leads; nobody else
    h.api.calls.clear()
    await sender(h, FakeTime()).send_due()
    texts = {c.chat_id: c.text for c in h.api.sent()}
    assert texts[1003] == "The leader of team 1 of task [2026-LH-001] is 张三 (市场监督管理局)."


async def test_two_senders_at_once_send_each_row_once(h: Harness) -> None:
    await bind_people(h)
    await scan(h)
    delivered: list[int] = []

    async def slow_deliver(message: OutgoingMessage) -> None:
        await asyncio.sleep(0.05)  # both senders are busy at the same time
        delivered.append(message.id)

    def a_sender() -> OutboxSender:
        time = FakeTime()
        return OutboxSender(h.sessions, h.clock, slow_deliver,
                            RateLimiter(monotonic=time, sleep=time.sleep))

    first, second = await asyncio.gather(a_sender().send_due(), a_sender().send_due())
    assert first.sent + second.sent == 3
    assert sorted(delivered) == sorted(r.id for r in await outbox(h))
    assert all(r.sent_at is not None and r.attempts == 1 for r in await outbox(h))


@settings(max_examples=30, deadline=None)
@given(chats=st.lists(st.integers(1, 4), min_size=1, max_size=120))
async def test_the_limiter_keeps_telegrams_limits(chats: list[int]) -> None:
    time = FakeTime()
    limiter = RateLimiter(per_second=25, monotonic=time, sleep=time.sleep)
    sent: list[tuple[float, int]] = []
    for chat in chats:
        await limiter.acquire(chat)
        sent.append((time.now, chat))
    for chat in set(chats):
        stamps = [t for t, c in sent if c == chat]
        assert all(b - a >= 1.0 - 1e-9 for a, b in zip(stamps, stamps[1:], strict=False))
    stamps = [t for t, _ in sent]
    for start in stamps:
        assert sum(1 for t in stamps if start <= t < start + 1.0) <= 30
