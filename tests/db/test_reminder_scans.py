"""Reminder scans on a migrated database: each reminder queued once with its due time (a repeat
scan queues nothing), cancelled when its fact changes, overdue results escalated once to the
supervisors and the organiser, the supervisor's digest once a working day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from demo.accounts import Persona, bind_demo_accounts
from services.accounts import AccountService
from services.calendar import CalendarService
from services.clock import SHANGHAI
from services.notification_kinds import DigestPayload, parse_payload
from services.notifications import NotificationScanner
from services.reminder_times import ReminderPolicy, results_due_on
from services.reminders import ReminderScanner
from storage.models import Account, Outbox, Task, TaskReview
from tests.conftest import FixedClock
from tests.e2e.seed import World, seed_world

POLICY = ReminderPolicy()


def bj(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.UTC)


async def seeded(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sessions() as session:
        world = await seed_world(session)
        await bind_demo_accounts(session, AccountService(session, clock), [
            Persona(1001, "张三", "SCJG", inspector_id=world.leader),
            Persona(1100, "陈主任", "SCJG", roles=("dept_admin",)),
            Persona(1200, "周督查", "SCJG", roles=("supervisor",)),
            Persona(1300, "吴组织", "SCJG", roles=("organiser",)),
        ])
    return world


async def scan(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> int:
    async with sessions() as session:
        calendar = CalendarService(session, clock, POLICY.result_due_working_days)
        reminders = ReminderScanner(session, clock, calendar, POLICY)
        return await NotificationScanner(session, clock, POLICY, reminders).scan()


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, Outbox]]:
    """(account name, kind, row) for every outbox row."""
    async with sessions() as session:
        names = {a.id: a.name for a in (await session.scalars(select(Account))).all()}
        return [(names[r.account_id], r.kind, r) for r in
                (await session.scalars(select(Outbox).order_by(Outbox.id))).all()]


def due(row: Outbox) -> dt.datetime:
    return row.due_at if row.due_at.tzinfo else row.due_at.replace(tzinfo=dt.UTC)


async def test_reminders_are_queued_once_with_their_due_times(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await seeded(sessions, clock)
    assert await scan(sessions, clock) > 0
    assert await scan(sessions, clock) == 0  # a repeat scan queues nothing
    queued = {(name, kind): due(r) for name, kind, r in await rows(sessions)}
    # review asked Mon 2 Mar 09:00 (its notice): reminded two working days later
    assert queued[("陈主任", "review_pending")] == bj(2026, 3, 4, 9)
    # the window opens Wed 1 Apr: no schedule 5 working days before → the leader, 25 Mar 09:00
    assert queued[("张三", "schedule_due")] == bj(2026, 3, 25, 9)
    assert ("张三", "results_due") in queued
    assert not any(kind == "overdue_escalation" for _, kind in queued)


async def test_a_review_reminder_is_cancelled_once_the_review_is_done(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seeded(sessions, clock)
    await scan(sessions, clock)
    async with sessions() as session:
        await session.execute(update(TaskReview).where(TaskReview.task_id == world.review_task)
                              .values(decision="approved"))
        await session.execute(update(Task).where(Task.id == world.review_task)
                              .values(state="approved"))
        await session.commit()
    await scan(sessions, clock)
    (pending,) = [r for _, kind, r in await rows(sessions) if kind == "review_pending"]
    assert (pending.status, pending.cancel_reason) == ("cancelled", "review over")


async def test_overdue_results_go_to_the_leader_daily_and_escalate_once(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seeded(sessions, clock)
    async with sessions() as session:
        rules = await CalendarService(session, clock, 20).rules_for(dt.date(2026, 1, 1),
                                                                   dt.date(2026, 12, 31))
    # no schedule: the last visit counts as the window's end, 30 Apr
    due_on = results_due_on(rules, dt.date(2026, 4, 30), POLICY)
    first_late = rules.add_working_days(due_on, 1).due_on
    clock.now = bj(first_late.year, first_late.month, first_late.day, 10)
    await scan(sessions, clock)
    assert await scan(sessions, clock) == 0
    got = await rows(sessions)
    overdue = [(n, r) for n, k, r in got if k == "results_overdue"]
    escalated = sorted(n for n, k, _ in got if k == "overdue_escalation")
    assert [n for n, _ in overdue] == ["张三"]
    assert overdue[0][1].payload["days_late"] == 1
    assert escalated == ["吴组织", "周督查"]
    (digest_row,) = [r for n, k, r in got if k == "digest"]
    digest = parse_payload("digest", digest_row.payload)
    assert isinstance(digest, DigestPayload)
    (scjg,) = digest.departments
    assert scjg.department == "SCJG"
    assert [(x.task_id, x.team_number, x.days_late) for x in scjg.overdue] == [
        (world.drawn_task, 1, 1)]

    second_late = rules.add_working_days(due_on, 2).due_on
    clock.now = bj(second_late.year, second_late.month, second_late.day, 10)
    await scan(sessions, clock)
    got = await rows(sessions)
    assert sum(k == "results_overdue" for _, k, _ in got) == 2  # every working day
    assert sum(k == "overdue_escalation" for _, k, _ in got) == 2  # still once each
    assert sum(k == "digest" for _, k, _ in got) == 2  # one per supervisor per day

    async with sessions() as session:  # the results are published: nothing more is sent
        await session.execute(update(Task).where(Task.id == world.drawn_task)
                              .values(state="published"))
        await session.commit()
    await scan(sessions, clock)
    for _, kind, row in await rows(sessions):
        if kind == "results_overdue":
            assert (row.status, row.cancel_reason) == ("cancelled", "results in")
