"""Inspection codes on both databases: issuing during a scheduled visit, the live status, the
scan log, revocation when an inspector withdraws, the business's confirmation and rating."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.actors import Actor
from services.errors import Forbidden, NotFound, ValidationFailed
from services.inspection_codes import CodeRefused, CodeSigner, CodeStatus
from storage.models import (
    AuditEvent,
    CodeScan,
    InspectionCode,
    ScheduleStop,
    Task,
    TaskSubject,
    Team,
    TeamMember,
    TeamSchedule,
    VisitConfirmation,
)
from tests.codes_world import code_service, enter_final_result, field_time, scheduled_world
from tests.conftest import FixedClock
from tests.db.test_draws_db import ORGANISER, _all_draws, _setup
from tests.db.workflow_data import secret_source
from tests.e2e.seed import World
from tests.services import draw_service

LEADER = Actor(account_id=1, name="张三", roles=frozenset({"inspector"}))
SIGNER = CodeSigner(Ed25519PrivateKey.from_private_bytes(bytes(32)))


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[World]:
    async with sessions() as session:
        yield await scheduled_world(session)


@pytest.fixture
def at_visit(clock: FixedClock) -> FixedClock:
    clock.now = field_time()
    return clock


async def actions(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("code.%")).order_by(AuditEvent.id))).all())


async def test_a_code_of_todays_visit_is_valid_and_every_scan_is_logged(
    session: AsyncSession, world: World, at_visit: FixedClock
) -> None:
    codes = code_service(session, at_visit, SIGNER)
    stops = await codes.todays_stops(world.partner)
    assert [s.name for _stop, _task, s in stops] == ["鄂州市江南餐饮有限公司",
                                                      "华容区好味道小吃店"]
    with pytest.raises(ValidationFailed):
        await codes.issue_today(world.partner, 3, LEADER)
    issued = await codes.issue_today(world.partner, 1, LEADER)
    assert issued.payload.uscc == "91420700MA4KXXXX1A"
    assert sorted(issued.payload.inspector_ids) == sorted([world.leader, world.member,
                                                           world.partner])
    assert issued.payload.expires_at - issued.payload.not_before == dt.timedelta(hours=4)
    view = await codes.check(issued.token, ip="203.0.113.7")
    assert view.status == CodeStatus.VALID
    assert [i.name for i in view.items] == ["排污许可执行情况的检查",
                                            "食品经营许可和备案情况的检查"]
    assert view.items[1].legal_basis == "《中华人民共和国食品安全法》第三十五条"
    assert {(p.name, p.certificate) for p in view.inspectors} == {
        ("张三", "4207****01"), ("王五", "4207****02"), ("李四", "4207****01")}
    assert [(d.code, d.phone) for d in view.departments] == [("SCJG", "0711-3206311"),
                                                            ("HBJ", "0711-3223560")]
    assert (await codes.check(issued.token, business_uscc="91420700MA4KXXXX2B",
                              ip="203.0.113.7")).status == CodeStatus.WRONG_BUSINESS
    assert (await codes.check(issued.token, business_uscc=" 91420700ma4kxxxx1a ")
            ).status == CodeStatus.VALID
    at_visit.advance(hours=4)
    assert (await codes.check(issued.token, ip="198.51.100.2")).status == CodeStatus.EXPIRED
    tampered = issued.token[:30] + ("A" if issued.token[30] != "A" else "B") + issued.token[31:]
    assert (await codes.check(tampered, ip="198.51.100.2")).status == CodeStatus.TAMPERED
    scans = await codes.scans(issued.payload.nonce)
    assert [s.status for s in scans] == ["valid", "wrong_business", "valid", "expired"]
    assert scans[0].ip_sha256 == scans[1].ip_sha256 != scans[3].ip_sha256
    assert scans[2].ip_sha256 == ""
    everything = (await session.scalars(select(CodeScan))).all()
    assert len(everything) == 5
    assert not any("203.0.113.7" in (s.ip_sha256 + s.nonce) for s in everything)
    assert await actions(session) == ["code.issue"]


async def test_no_code_without_a_visit_today_nor_for_someone_else(
    session: AsyncSession, world: World, at_visit: FixedClock
) -> None:
    codes = code_service(session, at_visit, SIGNER)
    with pytest.raises(CodeRefused) as none:
        await codes.issue_today(world.idle, 1, LEADER)
    assert none.value.key == "codes-no-visit-today"
    at_visit.advance(days=1)
    with pytest.raises(CodeRefused):
        await codes.issue_today(world.leader, 1, LEADER)
    # an operator's code for a visit: only the organiser or the system; a member only
    with pytest.raises(Forbidden):
        await codes.issue("JC-DEMO-0001", "91420700MA4KXXXX1A", world.leader, LEADER)
    assert await codes.todays_stops(world.leader) == []  # the day after: nothing
    with pytest.raises(NotFound):
        await codes.issue("NO-SUCH", "91420700MA4KXXXX1A", world.leader, ORGANISER)
    assert (await session.scalars(select(InspectionCode))).all() == []


async def test_an_operators_code_for_a_later_day_is_not_yet_valid(
    session: AsyncSession, world: World, at_visit: FixedClock
) -> None:
    at_visit.advance(days=-1)
    codes = code_service(session, at_visit, SIGNER)
    task = await session.get(Task, world.drawn_task)
    assert task is not None
    code = task.code
    issued = await codes.issue(code, "91420700MA4KXXXX2B", world.partner, ORGANISER)
    assert (await codes.check(issued.token)).status == CodeStatus.NOT_YET
    assert issued.payload.not_before == dt.datetime(2026, 3, 31, 22, 0, tzinfo=dt.UTC)
    at_visit.advance(days=1)  # 10:00 on the day
    assert (await codes.check(issued.token)).status == CodeStatus.VALID
    at_visit.advance(hours=10)  # 20:00
    assert (await codes.check(issued.token)).status == CodeStatus.EXPIRED
    with pytest.raises(Forbidden):
        await codes.issue(code, "91420700MA4KXXXX2B", world.idle, ORGANISER)


async def test_revoked_by_hand_and_completed_by_the_final_result(
    session: AsyncSession, world: World, at_visit: FixedClock
) -> None:
    codes = code_service(session, at_visit, SIGNER)
    first = await codes.issue_today(world.leader, 1, LEADER)
    second = await codes.issue_today(world.leader, 2, LEADER)
    with pytest.raises(Forbidden):
        await codes.revoke(first.payload.nonce, "丢失", LEADER)
    await codes.revoke(first.payload.nonce, "丢失", ORGANISER)
    assert (await codes.check(first.token)).status == CodeStatus.REVOKED
    await enter_final_result(session, world, world.subjects[1])
    assert (await codes.check(second.token)).status == CodeStatus.COMPLETED
    assert await actions(session) == ["code.issue", "code.issue", "code.revoke"]


async def test_confirmation_and_rating_refuse_bad_input_and_change_nothing(
    session: AsyncSession, world: World, at_visit: FixedClock
) -> None:
    codes = code_service(session, at_visit, SIGNER)
    issued = await codes.issue_today(world.leader, 1, LEADER)
    nonce = issued.payload.nonce
    csrf = codes.csrf_token(nonce)
    other = await codes.issue_today(world.leader, 2, LEADER)
    for bad in ("", "x" * 64, codes.csrf_token(other.payload.nonce)):
        with pytest.raises(CodeRefused) as refused:
            await codes.confirm(issued.token, bad)
        assert refused.value.key == "codes-form-csrf"
    with pytest.raises(CodeRefused) as early:
        await codes.rate(issued.token, csrf, "5", "")
    assert early.value.key == "codes-rate-needs-confirm"
    assert (await session.scalars(select(VisitConfirmation))).all() == []
    at_visit.advance(minutes=30)
    confirmed_at = await codes.confirm(issued.token, csrf)
    assert confirmed_at == at_visit.now
    assert await codes.confirm(issued.token, csrf) == confirmed_at  # once
    for rating, comment, key in (("0", "", "codes-rating-range"), ("6", "", "codes-rating-range"),
                                 ("四", "", "codes-rating-range"), ("", "", "codes-rating-range"),
                                 ("5", "长" * 501, "codes-comment-too-long")):
        with pytest.raises(ValidationFailed) as bad:
            await codes.rate(issued.token, csrf, rating, comment)
        assert bad.value.key == key
    row = await session.scalar(select(VisitConfirmation))
    assert row is not None
    assert row.rating is None
    await codes.rate(issued.token, csrf, " 4 ", "态度\x1b[31m很好\x00，\n按时到达")
    await session.refresh(row)
    assert (row.rating, row.comment) == (4, "态度[31m很好，\n按时到达")
    view = await codes.check(issued.token, log=False)
    assert (view.confirmed_at, view.rating) == (confirmed_at, 4)
    (shown,) = await codes.confirmations(world.drawn_task, world.subjects[0])
    assert (shown.token_id, shown.rating) == (nonce, 4)
    # an expired code can no longer be answered
    at_visit.advance(hours=5)
    with pytest.raises(CodeRefused) as late:
        await codes.rate(issued.token, csrf, "1", "")
    assert late.value.key == "codes-form-expired"
    assert await actions(session) == ["code.issue", "code.issue", "code.confirm", "code.rate"]


async def test_withdrawing_an_inspector_revokes_their_codes(session: AsyncSession,
                                                           clock: Any) -> None:
    _directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    await _all_draws(session, clock, draws, task_id)
    team = (await draws.teams(task_id))[0]
    team_id = await session.scalar(select(Team.id).where(Team.task_id == task_id,
                                                         Team.number == team.number))
    link = await session.scalar(select(TaskSubject).where(TaskSubject.task_id == task_id,
                                                          TaskSubject.team_id == team_id))
    assert link is not None
    schedule = TeamSchedule(team_id=team_id or 0, task_id=task_id, version=1, state="fixed",
                            start_latitude=30.39, start_longitude=114.89,
                            max_visits_per_day=4, created_by="t")
    session.add(schedule)
    await session.flush()
    session.add(ScheduleStop(schedule_id=schedule.id, subject_id=link.subject_id,
                             day=clock().astimezone(dt.timezone(dt.timedelta(hours=8))).date(),
                             position=1))
    await session.commit()
    codes = code_service(session, clock, SIGNER)
    leaving = next(m for m in team.members if m.department == "SThJ" and m.inspector_id)
    staying = next(m for m in team.members if m.department == "SCJG" and m.inspector_id)
    issued = await codes.issue_today(staying.inspector_id or 0, 1, LEADER)
    assert (await codes.check(issued.token)).status == CodeStatus.VALID
    committed = await draws.withdraw(task_id, leaving.inspector_id or 0, "病假",
                                     secret_source("r"), Actor.system("sthj-admin"))
    assert (await codes.check(issued.token)).status == CodeStatus.VALID  # not yet replaced
    await draws.complete(committed.id, {"type": "operator-secret", "secret": "r"}, ORGANISER)
    row = await session.scalar(select(InspectionCode))
    assert row is not None
    await session.refresh(row)
    assert row.revoked_at is not None
    assert row.revoked_reason == "withdrawn: 病假"
    assert (await codes.check(issued.token)).status == CodeStatus.REVOKED
    # a new code names the replacement and is valid
    fresh = await codes.issue_today(staying.inspector_id or 0, 1, LEADER)
    assert leaving.inspector_id not in fresh.payload.inspector_ids
    assert (await codes.check(fresh.token)).status == CodeStatus.VALID
    members = (await session.scalars(select(TeamMember.inspector_id).where(
        TeamMember.team_id == team_id, TeamMember.active.is_(True)))).all()
    assert set(fresh.payload.inspector_ids) == {i for i in members if i is not None}
