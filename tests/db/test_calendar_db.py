"""Imported holiday notices and the configured result deadline, stored in the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors import Actor
from services.calendar import CalendarService, HolidayNotice, NoticeDay
from storage.models import AuditEvent, CalendarDay

D = dt.date


def _notice_2027() -> HolidayNotice:
    days = [NoticeDay(D(2027, 2, 5) + dt.timedelta(days=i), False, "春节") for i in range(8)]
    days.append(NoticeDay(D(2027, 2, 14), True, "春节"))  # a Sunday, worked
    return HolidayNotice(2027, "测试通知", tuple(days))


async def test_imported_year_is_used_and_audited(session: AsyncSession, clock) -> None:
    service = CalendarService(session, clock)
    before = await service.add_working_days(D(2027, 2, 3), 5)
    assert before.assumed_years == (2027,)
    report = await service.import_notice(_notice_2027(), actor=Actor.system("admin"))
    assert (report.year, report.holidays, report.swapped_working_days) == (2027, 8, 1)
    assert not (await service.day(D(2027, 2, 8))).is_working  # Monday inside the holiday
    assert (await service.day(D(2027, 2, 14))).is_working  # the swapped Sunday
    due = await service.add_working_days(D(2027, 2, 3), 5)
    # 2/4 (1), 2/5-2/12 off, 2/14 Sun (2), 2/15, 16, 17 (5)
    assert due.due_on == D(2027, 2, 17)
    assert not due.assumes_weekends_only
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar.import"))
    assert event is not None
    assert event.data["holidays"] == 8


async def test_reimport_replaces_the_year(session: AsyncSession, clock) -> None:
    service = CalendarService(session, clock)
    await service.import_notice(_notice_2027(), actor=Actor.system("admin"))
    smaller = HolidayNotice(2027, "更正通知", (NoticeDay(D(2027, 2, 8), False, "春节"),))
    report = await service.import_notice(smaller, actor=Actor.system("admin"))
    assert report.replaced
    days = (await session.scalars(select(CalendarDay.day))).all()
    assert days == [D(2027, 2, 8)]
    assert (await service.day(D(2027, 2, 9))).is_working
    assert (await service.year(2027)).imported_from == "更正通知"


async def test_result_due_on_uses_configured_days(session: AsyncSession, clock) -> None:
    due = await CalendarService(session, clock, result_due_working_days=5).result_due_on(
        D(2026, 9, 29))
    # 9/30, 10/8, 10/9, 10/10 (Sat, worked), 10/12
    assert due.due_on == D(2026, 10, 12)
