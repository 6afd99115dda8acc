"""Typed outbox rows: a row waits for its ``due_at``; a row a later fact made pointless (the
review decided, the member withdrawn) is cancelled with its reason and never delivered."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from demo.accounts import Persona, bind_demo_accounts
from services.accounts import AccountService
from services.notification_kinds import (
    NotificationKind,
    PlanApprovalPayload,
    PlanMissingPayload,
)
from services.notifications import (
    NotificationScanner,
    OutboxSender,
    OutgoingMessage,
    RateLimiter,
    RetryAfter,
    enqueue,
)
from storage.models import Account, Outbox, TaskReview, TeamMember
from tests.conftest import FixedClock
from tests.e2e.seed import World, seed_world


async def _free_sleep(_seconds: float) -> None:
    return None


class Inbox:
    """A deliver callable that keeps what it was given."""

    def __init__(self) -> None:
        self.messages: list[OutgoingMessage] = []

    async def __call__(self, message: OutgoingMessage) -> None:
        self.messages.append(message)


def sender(sessions: async_sessionmaker[AsyncSession], clock: FixedClock,
           inbox: Inbox) -> OutboxSender:
    return OutboxSender(sessions, clock, inbox, RateLimiter(per_second=1000, sleep=_free_sleep,
                                                            per_chat_per_second=1000))


async def seeded(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sessions() as session:
        world = await seed_world(session)
        await bind_demo_accounts(session, AccountService(session, clock), [
            Persona(1001, "张三", "SCJG", inspector_id=world.leader),
            Persona(1003, "李四", "HBJ", inspector_id=world.partner, language="en"),
            Persona(1100, "陈主任", "SCJG", roles=("dept_admin",)),
        ])
    return world


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[Outbox]:
    async with sessions() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())


async def test_a_row_waits_until_its_due_time(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await seeded(sessions, clock)
    async with sessions() as session:
        organiser = await session.scalar(select(Account.id).where(Account.name == "陈主任"))
        assert organiser is not None
        await enqueue(session, account_id=organiser, kind=NotificationKind.PLAN_APPROVAL,
                      dedup_key="plan-approval:2027", due_at=clock() + dt.timedelta(hours=2),
                      payload=PlanApprovalPayload(year=2027, deadline=dt.date(2026, 12, 31),
                                                  entries=4))
        await session.commit()
    inbox = Inbox()
    assert (await sender(sessions, clock, inbox).send_due()).sent == 0
    clock.advance(hours=1, minutes=59)
    assert (await sender(sessions, clock, inbox).send_due()).sent == 0
    assert inbox.messages == []
    clock.advance(minutes=1)
    assert (await sender(sessions, clock, inbox).send_due()).sent == 1
    (message,) = inbox.messages
    assert message.kind is NotificationKind.PLAN_APPROVAL
    assert message.payload == PlanApprovalPayload(year=2027, deadline=dt.date(2026, 12, 31),
                                                  entries=4)
    (row,) = await rows(sessions)
    assert row.status == "sent"


async def test_a_review_decided_before_sending_is_cancelled_never_sent(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seeded(sessions, clock)
    async with sessions() as session:
        await NotificationScanner(session, clock).scan()
        # 陈主任 approves through /review before the sender got to the notice
        await session.execute(update(TaskReview).where(TaskReview.task_id == world.review_task)
                              .values(decision="approved"))
        await session.commit()
    inbox = Inbox()
    report = await sender(sessions, clock, inbox).send_due()
    assert (report.sent, report.cancelled) == (2, 1)
    assert {m.chat_id for m in inbox.messages} == {1001, 1003}  # the drawn notices
    (review_row,) = [r for r in await rows(sessions) if r.kind == "review"]
    assert review_row.status == "cancelled"
    assert review_row.cancel_reason == "review decided"
    assert review_row.sent_at is None
    clock.advance(hours=1)
    assert (await sender(sessions, clock, inbox).send_due()).sent == 0


async def test_a_member_withdrawn_before_the_notice_went_out_is_not_told(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seeded(sessions, clock)
    async with sessions() as session:
        await NotificationScanner(session, clock).scan()
        await session.execute(update(TeamMember).where(TeamMember.inspector_id == world.partner)
                              .values(active=False, withdrawn_reason="回避"))
        await session.commit()
        # the next scan sweeps the waiting row: cancelled at once, visible before any send
        await NotificationScanner(session, clock).scan()
    partner_row = next(r for r in await rows(sessions) if r.kind == "drawn"
                       and r.payload["member_id"] is not None
                       and r.account_id != 0 and r.payload["is_leader"] is False)
    assert (partner_row.status, partner_row.cancel_reason) == ("cancelled", "member withdrawn")
    inbox = Inbox()
    await sender(sessions, clock, inbox).send_due()
    assert 1003 not in {m.chat_id for m in inbox.messages}
    assert 1001 in {m.chat_id for m in inbox.messages}
    async with sessions() as session:
        assert await NotificationScanner(session, clock).scan() == 0  # and never enqueued again


class SteppedTime:
    """Monotonic time that moves only when the sender sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_a_busy_chat_does_not_hold_up_the_messages_to_other_chats(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await seeded(sessions, clock)
    async with sessions() as session:
        people = dict((await session.execute(select(Account.telegram_user_id, Account.id)
                                             .where(Account.telegram_user_id.is_not(None)))).all())
        # three reminders to 1001 first, then one each to 1003 and 1100, all due now
        for n, chat in enumerate((1001, 1001, 1001, 1003, 1100)):
            await enqueue(session, account_id=people[chat], kind=NotificationKind.PLAN_MISSING,
                          dedup_key=f"plan-missing:{n}", due_at=clock(),
                          payload=PlanMissingPayload(year=2027, deadline=dt.date(2026, 11, 30),
                                                     departments=(f"D{n}",)))
        await session.commit()
    time = SteppedTime()
    inbox = Inbox()
    the_sender = OutboxSender(sessions, clock, inbox, RateLimiter(
        per_second=1000, per_chat_per_second=1, monotonic=time, sleep=time.sleep))
    assert (await the_sender.send_due()).sent == 5
    # 1003 and 1100 do not wait behind 1001's second message; 1001 gets one a second
    assert [m.chat_id for m in inbox.messages] == [1001, 1003, 1100, 1001, 1001]
    assert [m.payload.departments for m in inbox.messages if m.chat_id == 1001] == [
        ("D0",), ("D1",), ("D2",)]
    assert time.now - 1000.0 == pytest.approx(2.0, abs=0.01)


async def _reminders(sessions: async_sessionmaker[AsyncSession], clock: FixedClock,
                     chats: tuple[int, ...]) -> None:
    """A plan-missing reminder to each of ``chats`` in turn, all due now."""
    await seeded(sessions, clock)
    async with sessions() as session:
        people = dict((await session.execute(select(Account.telegram_user_id, Account.id)
                                             .where(Account.telegram_user_id.is_not(None)))).all())
        for n, chat in enumerate(chats):
            await enqueue(session, account_id=people[chat], kind=NotificationKind.PLAN_MISSING,
                          dedup_key=f"plan-missing:{n}", due_at=clock(),
                          payload=PlanMissingPayload(year=2027, deadline=dt.date(2026, 11, 30),
                                                     departments=(f"D{n}",)))
        await session.commit()


async def test_the_next_row_is_claimed_while_one_is_delivered_but_deliveries_go_one_by_one(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """The pipeline: while message k is with Telegram, row k+1 is already read and claimed
    (its lease taken); yet no two deliveries overlap, each row is marked sent before the next
    delivery starts, and the order is the rows' order."""
    await _reminders(sessions, clock, (1001, 1003, 1100))
    ids = [row.id for row in await rows(sessions)]
    delivered: list[int] = []
    in_flight = 0
    overlaps = 0
    claimed_meanwhile: list[bool] = []

    async def deliver(message: OutgoingMessage) -> None:
        nonlocal in_flight, overlaps
        in_flight += 1
        overlaps += in_flight > 1
        async with sessions() as session:  # every row before this one is marked already
            before = (await session.scalars(select(Outbox).where(
                Outbox.id.in_(delivered)))).all()
            assert all(row.sent_at is not None for row in before)
        following = ids.index(message.id) + 1
        if following < len(ids):  # wait (at most 5 s) for the next row's claim to land
            for _ in range(500):
                async with sessions() as session:
                    row = await session.get(Outbox, ids[following])
                    assert row is not None
                    if row.attempts == 1:
                        break
                await asyncio.sleep(0.01)
            claimed_meanwhile.append(row.attempts == 1 and row.sent_at is None)
        delivered.append(message.id)
        in_flight -= 1

    time = SteppedTime()
    report = await OutboxSender(sessions, clock, deliver, RateLimiter(
        per_second=1000, per_chat_per_second=1000, monotonic=time, sleep=time.sleep)).send_due()
    assert report.sent == 3
    assert overlaps == 0
    assert claimed_meanwhile == [True, True]
    assert delivered == ids
    assert all(row.status == "sent" and row.attempts == 1 for row in await rows(sessions))


async def test_a_429_mid_pass_gives_the_claimed_next_row_back_untouched(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Telegram answers the second message with "retry after 30": that row waits 30 s, the row
    already claimed behind it is handed back as it was (due now, no attempt counted), nothing
    else goes in this pass, and the next pass after the wait sends the rest once each."""
    await _reminders(sessions, clock, (1001, 1003, 1100, 1001, 1003))
    ids = [row.id for row in await rows(sessions)]
    inbox = Inbox()
    refused: list[int] = []

    async def deliver(message: OutgoingMessage) -> None:
        if message.id == ids[1] and not refused:
            refused.append(message.id)
            raise RetryAfter(30)
        await inbox(message)

    time = SteppedTime()
    the_sender = OutboxSender(sessions, clock, deliver, RateLimiter(
        per_second=1000, per_chat_per_second=1000, monotonic=time, sleep=time.sleep))
    report = await the_sender.send_due()
    assert (report.sent, report.rescheduled) == (1, 1)
    after = {row.id: row for row in await rows(sessions)}
    assert after[ids[1]].due_at.replace(tzinfo=None) == (
        clock() + dt.timedelta(seconds=30)).replace(tzinfo=None)
    assert after[ids[1]].attempts == 1
    assert [(after[i].status, after[i].attempts) for i in ids[2:]] == [("pending", 0)] * 3
    assert after[ids[2]].due_at.replace(tzinfo=None) == clock().replace(tzinfo=None)
    time.now += 30
    clock.advance(seconds=30)
    assert (await the_sender.send_due()).sent == 4
    assert sorted(m.id for m in inbox.messages) == ids
    assert {row.status for row in await rows(sessions)} == {"sent"}
