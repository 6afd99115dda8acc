"""The sandbox's cast: demo persons chosen from the demo task's real draw, bound to chat users.

The demo task (``demo/workflow.py``) is fully drawn, so its inspectors have something
to see in /tasks. A second task is left waiting for one department's review (会审), so the
department admin has Approve / Return buttons to press. Nobody is invented: the inspectors and
the team leader are the people the draw picked. Team 1 holds two inspectors of the lead
department (``MEMBERS``), the leader and one member, so a record of the member's is co-signed
by the leader in the sandbox (enforcement on site needs two officers of the department).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.accounts import Persona, bind_demo_accounts
from demo.workflow import (
    DEMO_ACTOR,
    DEPARTMENTS,
    ITEMS,
    LEAD,
    MEMBERS,
    SAMPLE,
    SCOPE,
    TEAMS,
    DemoTaskSummary,
)
from services.accounts import AccountService, Role
from services.actors import Actor
from services.schedule import ScheduleService
from services.tasks import TaskService, TaskSpec, TaskState
from storage.models import Department, DepartmentOffice, Task

# Telegram user ids of the sandbox's people (the emulator's chat users).
INSPECTOR_UID = 910001
LEADER_UID = 910002
ADMIN_UID = 910003
SUPERVISOR_UID = 910004
ENGLISH_UID = 910005
LEAD_MEMBER_UID = 910006  # team 1's second inspector of the lead department (the leader co-signs)
REVIEWING_DEPARTMENT = "STHJ"


@dataclass(frozen=True)
class SandboxCast:
    """Who the sandbox page offers, and the task that waits for review."""

    personas: list[dict[str, Any]]
    review_task_code: str
    review_task_state: str  # in_review on a first run; what it became on a later one


async def _department_names(session: AsyncSession) -> dict[str, tuple[str, str]]:
    rows = (await session.execute(select(Department.code, Department.name_zh,
                                         Department.name_en))).all()
    return {code: (zh, en) for code, zh, en in rows}


async def ensure_review_task(
    session: AsyncSession, tasks: TaskService, summary: DemoTaskSummary
) -> str:
    """A second task, approved by every department but ``REVIEWING_DEPARTMENT`` (idempotent)."""
    code = f"DEMO-{summary.plan_year}-002"
    if await session.scalar(select(Task.id).where(Task.code == code)) is not None:
        return code
    view = await tasks.create(TaskSpec(
        plan_entry_id=summary.plan_entry_id,
        name=f"{summary.plan_year}年第二批餐饮与排污联合抽查（待会审）",
        lead_department=LEAD, departments=DEPARTMENTS, items=ITEMS,
        window_start=dt.date(summary.plan_year, 5, 6),
        window_end=dt.date(summary.plan_year, 6, 26),
        team_count=TEAMS, members_per_team=MEMBERS, sample=SAMPLE,
        scope=SCOPE, code=code), DEMO_ACTOR)
    await tasks.submit(view.id, DEMO_ACTOR)
    for department in DEPARTMENTS:
        if department != REVIEWING_DEPARTMENT:
            await tasks.review(view.id, department, "approve", "同意（演示）",
                               Actor.system(f"demo-{department.lower()}-admin"))
    after = await tasks.get(view.id)
    assert after.state == TaskState.IN_REVIEW
    return code


# where the demo departments' teams set out (central Ezhou, WGS-84): the schedule's start point
DEMO_OFFICE = (30.3908, 114.8949, "鄂州市鄂城区（演示办公地点）")


async def ensure_offices(session: AsyncSession, schedules: ScheduleService) -> None:
    """Office coordinates for every demo department that has none yet."""
    for department in (await session.scalars(select(Department))).all():
        if await session.get(DepartmentOffice, department.id) is None:
            await schedules.set_office(department.code, *DEMO_OFFICE, actor=Actor.system("demo"))


async def prepare_sandbox(
    session: AsyncSession, summary: DemoTaskSummary, *, tasks: TaskService,
    accounts: AccountService, schedules: ScheduleService,
) -> SandboxCast:
    """Bind the demo persons to their chat users and describe them for the page's picker."""
    review_code = await ensure_review_task(session, tasks, summary)
    await ensure_offices(session, schedules)
    names = await _department_names(session)
    first, second = summary.teams[0], summary.teams[1 % len(summary.teams)]
    leader = next(m for m in first.members if m.is_leader)
    member = next(m for m in first.members if not m.is_leader and m.department != LEAD)
    lead_member = next(m for m in first.members if not m.is_leader and m.department == LEAD)
    english = next(m for m in second.members if m.is_leader)

    def dept(code: str) -> dict[str, str]:
        zh, en = names.get(code, (code, code))
        return {"department": zh, "department_en": en}

    cast = [
        (Persona(INSPECTOR_UID, member.name, member.department, (), member.inspector_id),
         {"role": "检查人员", "role_en": "Inspector", "language_code": "zh-hans",
          "description": f"被抽中参加第{first.number}组联合抽查",
          "description_en": f"Drawn into team {first.number} of the joint inspection",
          **dept(member.department)}),
        (Persona(LEADER_UID, leader.name, leader.department, (), leader.inspector_id),
         {"role": "组长", "role_en": "Team leader", "language_code": "zh-hans",
          "description": f"从牵头部门抽中的第{first.number}组组长",
          "description_en": f"Leader of team {first.number}, drawn from the lead department",
          **dept(leader.department)}),
        (Persona(LEAD_MEMBER_UID, lead_member.name, lead_member.department, (),
                 lead_member.inspector_id),
         {"role": "检查人员（市场监管）", "role_en": "Inspector (market regulation)",
          "language_code": "zh-hans",
          "description": f"第{first.number}组第二名市场监管检查人员",
          "description_en": f"Team {first.number}'s second market-regulation inspector",
          **dept(lead_member.department)}),
        (Persona(ADMIN_UID, "王五", REVIEWING_DEPARTMENT, (Role.DEPT_ADMIN.value,)),
         {"role": "部门管理员", "role_en": "Department admin", "language_code": "zh-hans",
          "description": f"任务 {review_code} 等待本部门会审",
          "description_en": f"Task {review_code} waits for this department's review",
          **dept(REVIEWING_DEPARTMENT)}),
        (Persona(SUPERVISOR_UID, "赵六", LEAD, (Role.SUPERVISOR.value,)),
         {"role": "分管领导", "role_en": "Supervisor", "language_code": "zh-hans",
          "description": "接收期限与逾期提醒", "description_en": "Receives deadline reminders",
          **dept(LEAD)}),
        (Persona(ENGLISH_UID, english.name, english.department, (), english.inspector_id, "en"),
         {"role": "组长 (English)", "role_en": "Team leader (English)", "language_code": "en",
          "description": f"第{second.number}组组长，界面为英文",
          "description_en": f"Leader of team {second.number}, uses the bot in English",
          **dept(english.department)}),
    ]
    await bind_demo_accounts(session, accounts, [p for p, _ in cast])
    personas = [
        {"user_id": p.user_id, "name": p.name, "name_en": p.name, **extra}
        for p, extra in cast
    ]
    review_id = await session.scalar(select(Task.id).where(Task.code == review_code))
    assert review_id is not None  # ensure_review_task made it
    review_state = str((await tasks.get(review_id)).state)
    return SandboxCast(personas=personas, review_task_code=review_code,
                       review_task_state=review_state)
