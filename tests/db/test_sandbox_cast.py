"""The sandbox's cast (issue 11 item 7): besides the lone inspector of their department and the
leader, team 1's second market-regulation inspector, so a record of theirs has someone to
co-sign it in the sandbox — the leader, the department's other inspector in the team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.data import load_demo_data
from demo.sandbox import (
    ADMIN_UID,
    ENGLISH_UID,
    INSPECTOR_UID,
    LEAD_MEMBER_UID,
    LEADER_UID,
    SUPERVISOR_UID,
    prepare_sandbox,
)
from demo.workflow import LEAD, create_demo_task
from storage.models import Account
from tests.services import demo_task_services, sandbox_services


async def test_team_one_has_two_market_regulation_personas_to_co_sign(
    session: AsyncSession, clock
) -> None:
    await load_demo_data(session, clock, subjects=1500, seed=7)
    summary = await create_demo_task(session, clock, **demo_task_services(session, clock))
    cast = await prepare_sandbox(session, summary, **sandbox_services(session, clock))
    roles = {p["user_id"]: p["role"] for p in cast.personas}
    assert roles == {INSPECTOR_UID: "检查人员", LEADER_UID: "组长",
                     LEAD_MEMBER_UID: "检查人员（市场监管）", ADMIN_UID: "部门管理员",
                     SUPERVISOR_UID: "分管领导", ENGLISH_UID: "组长 (English)"}
    persona = next(p for p in cast.personas if p["user_id"] == LEAD_MEMBER_UID)
    assert persona["role_en"] == "Inspector (market regulation)"
    assert persona["department"] == "鄂州市市场监督管理局"

    bound = {a.telegram_user_id: a.inspector_id for a in (await session.scalars(
        select(Account).where(Account.telegram_user_id.is_not(None)))).all()}
    team = {m.inspector_id: m for m in summary.teams[0].members}
    member, leader = team[bound[LEAD_MEMBER_UID]], team[bound[LEADER_UID]]
    assert (member.department, member.is_leader) == (LEAD, False)
    assert (leader.department, leader.is_leader) == (LEAD, True)
    assert persona["name"] == member.name
    # the lone inspector stays the one of a department with nobody to co-sign
    lone = team[bound[INSPECTOR_UID]]
    assert [m for m in team.values() if m.department == lone.department] == [lone]
