"""A world with a fixed schedule whose stops are today, for the inspection codes' tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection_codes import CodeSigner, InspectionCodeService
from storage.models import FinalResult, ScheduleStop, TeamSchedule
from tests.conftest import SHANGHAI, FixedClock
from tests.e2e.seed import World, seed_world

VISIT_DAY = dt.date(2026, 4, 1)
PHONES = {"SCJG": "0711-3206311", "HBJ": "0711-3223560"}


def field_time() -> dt.datetime:
    """10:00 in Ezhou on the visit day."""
    return dt.datetime(2026, 4, 1, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)


async def scheduled_world(session: AsyncSession) -> World:
    """``seed_world`` plus team 1's fixed schedule: both subjects on ``VISIT_DAY``."""
    world = await seed_world(session)
    schedule = TeamSchedule(team_id=world.team, task_id=world.drawn_task, version=1,
                            state="fixed", start_latitude=30.39, start_longitude=114.89,
                            max_visits_per_day=4, created_by="t")
    session.add(schedule)
    await session.flush()
    session.add_all([ScheduleStop(schedule_id=schedule.id, subject_id=s, day=VISIT_DAY,
                                  position=n) for n, s in enumerate(world.subjects, start=1)])
    await session.commit()
    return world


def code_service(session: AsyncSession, clock: FixedClock, signer: CodeSigner
                 ) -> InspectionCodeService:
    return InspectionCodeService(session, clock, signer, valid_minutes=240,
                                 department_phones=PHONES)


async def enter_final_result(session: AsyncSession, world: World, subject: int) -> None:
    """The leader's final result for ``subject`` (the visit is completed)."""
    session.add(FinalResult(task_id=world.drawn_task, team_id=world.team, subject_id=subject,
                            categories=["1"], check_date=VISIT_DAY, due_on=VISIT_DAY,
                            entered_on=VISIT_DAY, entered_by_inspector_id=world.leader,
                            entered_at=field_time()))
    await session.commit()
