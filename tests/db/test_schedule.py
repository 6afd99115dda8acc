"""The schedule service on both databases: proposal, adjustments, versions, answers, rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.actors import Actor
from services.errors import NotFound, ValidationFailed
from services.geo import Point, distance_km
from services.schedule import (
    AlreadyAnswered,
    NotTeamLeader,
    NotTeamMember,
    ScheduleService,
    StaleSchedule,
    WrongScheduleState,
)
from storage.models import (
    AuditEvent,
    Draw,
    ScheduleDay,
    Subject,
    Task,
    Team,
    TeamMember,
    TeamSchedule,
)
from tests.e2e.seed import World, seed_world
from tests.services import as_inspector

OFFICE = (30.3908, 114.8949)  # 市场监督管理局, central Ezhou
APR = dt.date(2026, 4, 1)


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[World]:
    async with sessions() as session:
        yield await seed_world(session)


@pytest.fixture
async def svc(session: AsyncSession, clock: Any, world: World) -> ScheduleService:
    service = ScheduleService(session, clock)
    await service.set_office("SCJG", *OFFICE, "鄂城区滨湖南路1号", actor=Actor.system("admin"))
    return service


async def actions(session: AsyncSession) -> list[str]:
    return list((await session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("schedule.%"))
        .order_by(AuditEvent.id))).all())


async def test_leader_proposes_one_day_route_from_the_office(
    svc: ScheduleService, world: World, session: AsyncSession
) -> None:
    view = await svc.propose(world.team, as_inspector(world.leader, 1))
    assert (view.version, view.state) == (1, "draft")
    assert view.start == Point(*OFFICE)
    assert view.start_label == "鄂城区滨湖南路1号"
    (day,) = view.days
    assert day.day == APR  # the window's first working day
    assert day.starts_at == dt.time(9, 0)
    # 江南餐饮 is 0.7 km from the office, 好味道 21.6 km further: nearest first
    assert [s.name for s in day.stops] == ["鄂州市江南餐饮有限公司", "华容区好味道小吃店"]
    jiangnan, haowei = Point(30.39, 114.89), Point(30.53, 114.73)
    assert day.km == pytest.approx(
        distance_km(Point(*OFFICE), jiangnan) + distance_km(jiangnan, haowei), abs=1e-9)
    assert day.km == pytest.approx(22.33, abs=0.01)
    assert day.travel_minutes == pytest.approx(day.km * 1.3 / 30 * 60, abs=1)
    assert [a.name for a in view.answers] == ["李四", "王五"]  # the leader is not asked
    assert {a.state for a in view.answers} == {"pending"}
    assert view.leader_name == "张三"
    assert await actions(session) == ["schedule.proposed"]


async def test_only_the_leader_proposes(svc: ScheduleService, world: World,
                                        session: AsyncSession) -> None:
    for someone in (world.member, world.partner, world.idle, None):
        with pytest.raises(NotTeamLeader):
            await svc.propose(world.team, as_inspector(someone, 2))
    assert await svc.current(world.team) is None
    assert await actions(session) == []


async def test_no_office_needs_a_shared_location(session: AsyncSession, clock: Any,
                                                 world: World) -> None:
    svc = ScheduleService(session, clock)
    with pytest.raises(ValidationFailed) as refused:
        await svc.propose(world.team, as_inspector(world.leader, 1))
    assert refused.value.key == "schedule-no-office"
    view = await svc.propose(world.team, as_inspector(world.leader, 1),
                             start=Point(30.53, 114.72), start_label="华容")
    # from Huarong the Huarong shop comes first
    assert [s.name for s in view.days[0].stops][0] == "华容区好味道小吃店"
    with pytest.raises(ValidationFailed):
        await svc.propose(world.team, as_inspector(world.leader, 1), start=Point(95, 0))


async def test_cap_spreads_over_working_days_and_adjustments_keep_the_rules(
    svc: ScheduleService, world: World, session: AsyncSession
) -> None:
    await svc.set_max_visits(world.drawn_task, 1, actor=Actor.system("organiser"))
    view = await svc.propose(world.team, as_inspector(world.leader, 1))
    assert [d.day for d in view.days] == [APR, dt.date(2026, 4, 2)]
    jiangnan, haowei = (d.stops[0].subject_id for d in view.days)
    with pytest.raises(ValidationFailed) as full:
        await svc.move_subject(view.id, as_inspector(world.leader, 1), haowei, APR)
    assert full.value.key == "schedule-day-full"
    for bad, key in ((dt.date(2026, 4, 4), "schedule-not-working-day"),  # Saturday
                     (dt.date(2026, 4, 6), "schedule-not-working-day"),  # 清明 Monday
                     (dt.date(2026, 5, 6), "schedule-outside-window")):
        with pytest.raises(ValidationFailed) as refused:
            await svc.move_day(view.id, as_inspector(world.leader, 1), APR, bad)
        assert refused.value.key == key
    with pytest.raises(NotTeamLeader):
        await svc.move_day(view.id, as_inspector(world.member, 1), APR, dt.date(2026, 4, 7))
    moved = await svc.move_subject(view.id, as_inspector(world.leader, 1), haowei,
                                   dt.date(2026, 4, 7))
    assert [(d.day, [s.subject_id for s in d.stops]) for d in moved.days] == [
        (APR, [jiangnan]), (dt.date(2026, 4, 7), [haowei])]  # 4-02 emptied and dropped
    # not the draft's cap
    await svc.set_max_visits(world.drawn_task, 4, actor=Actor.system("organiser"))
    with pytest.raises(ValidationFailed):
        await svc.move_subject(view.id, as_inspector(world.leader, 1), haowei, APR)
    redated = await svc.move_day(view.id, as_inspector(world.leader, 1), APR, dt.date(2026, 4, 3))
    assert [d.day for d in redated.days] == [dt.date(2026, 4, 3), dt.date(2026, 4, 7)]
    timed = await svc.set_start_time(view.id, as_inspector(world.leader, 1), dt.date(2026, 4, 7),
                                     dt.time(13, 30))
    assert timed.days[1].starts_at == dt.time(13, 30)
    with pytest.raises(ValidationFailed) as late:
        await svc.set_start_time(view.id, as_inspector(world.leader, 1), dt.date(2026, 4, 7),
                                 dt.time(22, 0))
    assert late.value.key == "schedule-bad-time"
    assert (await actions(session)).count("schedule.adjusted") == 3


async def test_swapped_working_saturday_counts_and_may_day_does_not(
    svc: ScheduleService, world: World, session: AsyncSession
) -> None:
    await session.execute(update(Task).where(Task.id == world.drawn_task).values(
        window_start=dt.date(2026, 5, 1), window_end=dt.date(2026, 5, 15)))
    await session.commit()
    view = await svc.propose(world.team, as_inspector(world.leader, 1))
    assert view.days[0].day == dt.date(2026, 5, 6)  # 1–5 May are the Labour Day holiday
    assert dt.date(2026, 5, 9) in view.working_days  # 调休: Saturday 9 May is worked
    assert dt.date(2026, 5, 10) not in view.working_days
    moved = await svc.move_day(view.id, as_inspector(world.leader, 1), dt.date(2026, 5, 6),
                               dt.date(2026, 5, 9))
    assert moved.days[0].day == dt.date(2026, 5, 9)


async def test_reorder_by_hand(svc: ScheduleService, world: World) -> None:
    view = await svc.propose(world.team, as_inspector(world.leader, 1))
    first, second = (s.subject_id for s in view.days[0].stops)
    again = await svc.move_earlier(view.id, as_inspector(world.leader, 1), second)
    assert [s.subject_id for s in again.days[0].stops] == [second, first]
    assert again.days[0].km > view.days[0].km  # the leader's order, not the shortest
    with pytest.raises(ValidationFailed):
        await svc.reorder(view.id, as_inspector(world.leader, 1), APR, [first])
    back = await svc.reorder(view.id, as_inspector(world.leader, 1), APR, [first, second])
    assert back.days[0].km == pytest.approx(view.days[0].km)


async def test_send_confirm_refuse_revise_stale_and_fix(
    svc: ScheduleService, world: World, session: AsyncSession
) -> None:
    v1 = await svc.propose(world.team, as_inspector(world.leader, 1))
    with pytest.raises(NotTeamLeader):
        await svc.send(v1.id, as_inspector(world.member, 2))
    with pytest.raises(WrongScheduleState):
        await svc.answer(v1.id, as_inspector(world.member, 2), confirm=True)  # not sent yet
    sent = await svc.send(v1.id, as_inspector(world.leader, 1))
    assert sent.state == "sent"
    with pytest.raises(WrongScheduleState):
        await svc.set_start_time(v1.id, as_inspector(world.leader, 1), APR, dt.time(10, 0))
    with pytest.raises(WrongScheduleState):
        await svc.propose(world.team, as_inspector(world.leader, 1))
    with pytest.raises(NotTeamMember):
        await svc.answer(v1.id, as_inspector(world.leader, 1), confirm=True)
    with pytest.raises(NotTeamMember):
        await svc.answer(v1.id, as_inspector(world.idle, 9), confirm=True)

    ok = await svc.answer(v1.id, as_inspector(world.member, 2), confirm=True)
    assert (ok.answer, ok.fixed_now, ok.view.state) == ("confirmed", False, "sent")
    with pytest.raises(AlreadyAnswered):
        await svc.answer(v1.id, as_inspector(world.member, 2), confirm=False, reason="x")
    with pytest.raises(ValidationFailed) as no_reason:
        await svc.answer(v1.id, as_inspector(world.partner, 3), confirm=False, reason="  ")
    assert no_reason.value.key == "schedule-reason-required"
    refused = await svc.answer(v1.id, as_inspector(world.partner, 3), confirm=False,
                               reason="4月1日 在省厅培训")
    assert [(a.name, a.state, a.reason) for a in refused.view.refused] == [
        ("李四", "refused", "4月1日 在省厅培训")]

    with pytest.raises(NotTeamLeader):
        await svc.revise(v1.id, as_inspector(world.member, 2))
    v2 = await svc.revise(v1.id, as_inspector(world.leader, 1))
    assert (v2.version, v2.state) == (2, "draft")
    assert [[s.subject_id for s in d.stops] for d in v2.days] == [
        [s.subject_id for s in d.stops] for d in v1.days]
    assert {a.state for a in v2.answers} == {"pending"}  # the old answers lapsed
    assert (await svc.get(v1.id)).state == "superseded"
    with pytest.raises(StaleSchedule) as stale:
        await svc.answer(v1.id, as_inspector(world.member, 2), confirm=True)
    assert stale.value.args_map == {"version": 1, "current": 2}
    with pytest.raises(StaleSchedule):
        await svc.revise(v1.id, as_inspector(world.leader, 1))

    await svc.move_day(v2.id, as_inspector(world.leader, 1), APR, dt.date(2026, 4, 2))
    await svc.send(v2.id, as_inspector(world.leader, 1))
    first = await svc.answer(v2.id, as_inspector(world.partner, 3), confirm=True)
    assert not first.fixed_now
    last = await svc.answer(v2.id, as_inspector(world.member, 2), confirm=True)
    assert last.fixed_now
    assert last.view.state == "fixed"
    assert await actions(session) == [
        "schedule.proposed", "schedule.sent", "schedule.confirmed", "schedule.refused",
        "schedule.revised", "schedule.adjusted", "schedule.sent", "schedule.confirmed",
        "schedule.confirmed", "schedule.fixed"]
    refused_event = await session.scalar(select(AuditEvent).where(
        AuditEvent.action == "schedule.refused"))
    assert refused_event is not None
    assert refused_event.data["reason"] == "4月1日 在省厅培训"
    # a fixed schedule can still be revised (someone falls ill): version 3
    v3 = await svc.revise(v2.id, as_inspector(world.leader, 1))
    assert v3.version == 3


async def test_withdrawn_member_is_not_asked_the_replacement_is(
    svc: ScheduleService, world: World, session: AsyncSession
) -> None:
    view = await svc.propose(world.team, as_inspector(world.leader, 1))
    await svc.send(view.id, as_inspector(world.leader, 1))
    withdrawn = await session.scalar(select(TeamMember).where(
        TeamMember.inspector_id == world.member))
    assert withdrawn is not None
    draw_id = withdrawn.draw_id
    replacement = TeamMember(team_id=world.team, task_id=world.drawn_task,
                             department_id=withdrawn.department_id, inspector_id=world.idle,
                             draw_id=draw_id)
    session.add(replacement)
    await session.flush()
    withdrawn.active, withdrawn.replaced_by_id = False, replacement.id
    withdrawn.withdrawn_reason = "病假"
    await session.commit()
    now = await svc.get(view.id)
    assert [a.name for a in now.answers] == ["李四", "赵六"]
    with pytest.raises(NotTeamMember):
        await svc.answer(view.id, as_inspector(world.member, 2), confirm=True)
    await svc.answer(view.id, as_inspector(world.partner, 3), confirm=True)
    done = await svc.answer(view.id, as_inspector(world.idle, 4), confirm=True)
    assert done.fixed_now


async def test_flags_two_teams_same_day_and_peak_months(
    svc: ScheduleService, world: World, session: AsyncSession
) -> None:
    await session.execute(update(Subject).where(Subject.id == world.subjects[1])
                          .values(peak_months=[4, 5]))
    other_draw = await session.scalar(select(Draw.id).where(Draw.task_id == world.drawn_task)
                                      .limit(1))
    other = Team(task_id=world.review_task, number=1, leader_inspector_id=world.idle)
    session.add(other)
    await session.flush()
    session.add(TeamMember(team_id=other.id, task_id=world.review_task,
                           inspector_id=world.partner, draw_id=other_draw))
    other_schedule = TeamSchedule(team_id=other.id, task_id=world.review_task, version=1,
                                  state="sent", start_latitude=30.0, start_longitude=114.0,
                                  max_visits_per_day=4, created_by="x")
    session.add(other_schedule)
    await session.flush()
    session.add(ScheduleDay(schedule_id=other_schedule.id, day=APR, starts_at=dt.time(9)))
    await session.commit()
    view = await svc.propose(world.team, as_inspector(world.leader, 1))
    assert [(f.kind, f.day, f.name, f.other) for f in view.flags] == [
        ("peak-month", APR, "华容区好味道小吃店", ""),
        ("two-teams", APR, "李四", "2026-LH-002 #1"),
    ]


async def test_schedule_show_lines_and_unknown_team(svc: ScheduleService, world: World) -> None:
    assert [(line.team_number, line.schedule) for line in await svc.for_task(world.drawn_task)
            ] == [(1, None)]
    await svc.propose(world.team, as_inspector(world.leader, 1))
    (line,) = await svc.for_task(world.drawn_task, 1)
    assert line.schedule is not None
    assert line.schedule.version == 1
    with pytest.raises(NotFound):
        await svc.for_task(world.drawn_task, 7)
