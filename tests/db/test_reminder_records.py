"""The reminders that read records and results, on a migrated database: results due counted
from the check date of the submitted records (a moved check date cancels the old reminder), a
correction order's deadline → the ordering department's admins once, cancelled when the result
changes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.calendar import CalendarService
from services.reminder_times import results_due_on
from storage.models import CheckRecord, FinalResult, ScheduleStop, TeamSchedule
from tests.conftest import FixedClock
from tests.db.test_reminder_scans import POLICY, bj, due, rows, scan, seeded


async def test_results_due_counts_from_the_records_check_date(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seeded(sessions, clock)
    await scan(sessions, clock)
    before = {r.dedup_key: r for _, k, r in await rows(sessions) if k == "results_due"}
    assert before
    assert all(r.payload["check_date"] == "2026-04-30" for r in before.values())
    async with sessions() as session:  # the team submits a record of one subject on 5 March
        session.add(CheckRecord(
            task_id=world.drawn_task, team_id=world.team, subject_id=world.subjects[0],
            item_code="X", department_id=world.scjg, state="submitted",
            opened_by_inspector_id=world.leader, submitted_by_inspector_id=world.leader,
            submitted_at=bj(2026, 3, 5, 15), findings="无"))
        await session.commit()
        rules = await CalendarService(session, clock, 20).rules_for(dt.date(2026, 1, 1),
                                                                   dt.date(2026, 12, 31))
    await scan(sessions, clock)
    assert await scan(sessions, clock) == 0
    got = [r for _, k, r in await rows(sessions) if k == "results_due"]
    old = [r for r in got if r.dedup_key in before]
    assert {(r.status, r.cancel_reason) for r in old} == {("cancelled", "deadline moved")}
    (today,) = [r for r in got if r.status == "pending" and ":today:" in r.dedup_key]
    expected = results_due_on(rules, dt.date(2026, 3, 5), POLICY)
    assert today.payload["due_on"] == expected.isoformat()
    assert due(today) == bj(expected.year, expected.month, expected.day, 9)


async def test_a_correction_deadline_reaches_the_ordering_department_once(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seeded(sessions, clock)
    async with sessions() as session:
        record = CheckRecord(
            task_id=world.drawn_task, team_id=world.team, subject_id=world.subjects[0],
            item_code="X", department_id=world.scjg, state="submitted",
            opened_by_inspector_id=world.leader, submitted_by_inspector_id=world.leader,
            submitted_at=bj(2026, 3, 5, 15), findings="未按规定公示经营信息")
        result = FinalResult(
            task_id=world.drawn_task, team_id=world.team, subject_id=world.subjects[0],
            categories=["E"], summary="责令改正", disposals=["correction"],
            correction_due_on=dt.date(2026, 10, 3), check_date=dt.date(2026, 3, 5),
            due_on=dt.date(2026, 4, 2), entered_on=dt.date(2026, 3, 6),
            entered_by_inspector_id=world.leader, entered_at=bj(2026, 3, 6, 10))
        session.add_all([record, result])
        await session.commit()
        result_id = result.id
    await scan(sessions, clock)
    assert await scan(sessions, clock) == 0
    (row,) = [(n, r) for n, k, r in await rows(sessions) if k == "correction_due"]
    name, outbox = row
    assert name == "陈主任"  # SCJG's admin: its record stated the finding
    # 3 Oct is in the National Day holiday: the deadline runs to Thursday 8 Oct
    assert due(outbox) == bj(2026, 10, 8, 9)
    async with sessions() as session:  # the leader revises the deadline: the old row is void
        await session.execute(update(FinalResult).where(FinalResult.id == result_id)
                              .values(correction_due_on=dt.date(2026, 11, 2)))
        await session.commit()
    await scan(sessions, clock)
    got = [r for _, k, r in await rows(sessions) if k == "correction_due"]
    assert [(r.status, r.cancel_reason) for r in got] == [
        ("cancelled", "result changed"), ("pending", "")]
    assert due(got[1]) == bj(2026, 11, 2, 9)


async def test_a_visit_without_its_record_reminds_the_inspector_at_20_00_unless_submitted(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seeded(sessions, clock)
    async with sessions() as session:
        schedule = TeamSchedule(team_id=world.team, task_id=world.drawn_task, version=1,
                                state="fixed", start_latitude=30.39, start_longitude=114.89,
                                max_visits_per_day=4, created_by="t")
        session.add(schedule)
        await session.flush()
        session.add_all([
            ScheduleStop(schedule_id=schedule.id, subject_id=world.subjects[1],
                         day=dt.date(2026, 4, 1), position=1),
            ScheduleStop(schedule_id=schedule.id, subject_id=world.subjects[0],
                         day=dt.date(2026, 4, 2), position=1)])
        await session.commit()
    await scan(sessions, clock)
    assert await scan(sessions, clock) == 0
    got = sorted(((n, due(r), r.payload["subject_id"]) for n, k, r in await rows(sessions)
                  if k == "record_missing"), key=lambda x: x[1])
    # 张三 is the only bound member (SCJG); one reminder per visit, that evening at 20:00
    assert got == [("张三", bj(2026, 4, 1, 20), world.subjects[1]),
                   ("张三", bj(2026, 4, 2, 20), world.subjects[0])]
    async with sessions() as session:  # SCJG submits its record of the first visit
        session.add(CheckRecord(
            task_id=world.drawn_task, team_id=world.team, subject_id=world.subjects[1],
            item_code="X", department_id=world.scjg, state="submitted",
            opened_by_inspector_id=world.member, submitted_by_inspector_id=world.member,
            submitted_at=bj(2026, 4, 1, 16), findings="无"))
        await session.commit()
    await scan(sessions, clock)
    states = {r.payload["subject_id"]: (r.status, r.cancel_reason)
              for _, k, r in await rows(sessions) if k == "record_missing"}
    assert states == {world.subjects[1]: ("cancelled", "record submitted"),
                      world.subjects[0]: ("pending", "")}
