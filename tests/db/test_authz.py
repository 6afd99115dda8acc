"""Authorization in the services (issue 8 item 5): every changing method refuses, with
``Forbidden``, whoever may not act — and changes nothing. docs/permissions.md is the table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors import Actor, Role
from services.calendar import CalendarService, HolidayNotice, NoticeDay
from services.errors import Forbidden
from services.plans import PlanEntryInput, PlanService
from services.schedule import ScheduleService
from services.tasks import TaskService
from storage.models import AuditEvent, Draw, TaskReview
from tests.db.workflow_data import (
    approved_entry,
    approved_task,
    build_directory,
    secret_source,
    task_spec,
)
from tests.services import account_service, draw_service, task_service

ORGANISER = Actor(account_id=1, name="组织者", roles=frozenset({Role.ORGANISER}))
INSPECTOR = Actor(account_id=2, name="检查员", roles=frozenset({Role.INSPECTOR}),
                  department_code="SCJG", inspector_id=1)


def admin(department: str, account_id: int = 7) -> Actor:
    """A department admin's account as the one who acts."""
    return Actor(account_id=account_id, name=f"{department} 管理员",
                 roles=frozenset({Role.DEPT_ADMIN}), department_code=department)


def entry(department: str = "SCJG") -> PlanEntryInput:
    return PlanEntryInput(year=2027, department=department, title="食品经营检查",
                          items=("SC-01",), departments=(department,),
                          period_start=dt.date(2027, 4, 1), period_end=dt.date(2027, 6, 30))


async def _refused(call: Any, key: str, department: str | None = None) -> None:
    with pytest.raises(Forbidden) as refused:
        await call
    assert refused.value.key == key
    if department is not None:
        assert refused.value.args_map["department"] == department


async def _events(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def _in_review(session: AsyncSession, clock: Any) -> tuple[TaskService, int]:
    await build_directory(session)
    entry_id = await approved_entry(session, clock)
    tasks = task_service(session, clock)
    view = await tasks.create(task_spec(entry_id), actor=ORGANISER)  # type: ignore[arg-type]
    await tasks.submit(view.id, actor=ORGANISER)
    return tasks, view.id


# -- the review (会审) -------------------------------------------------------------------------


async def test_only_that_departments_admin_reviews(session: AsyncSession, clock: Any) -> None:
    tasks, task_id = await _in_review(session, clock)
    before = await _events(session)
    for who in (admin("SThJ"), ORGANISER, INSPECTOR):
        await _refused(tasks.review(task_id, "SCJG", "approve", "", who), "forbidden-review",
                       "SCJG")
    assert await _events(session) == before  # nothing recorded, nothing decided
    decisions = (await session.scalars(select(TaskReview.decision))).all()
    assert set(decisions) == {"pending"}
    view = await tasks.review(task_id, "SCJG", "approve", "", admin("SCJG", 9))
    assert [(r.department, r.decision) for r in view.reviews][0] == ("SCJG", "approve")
    row = await session.scalar(select(TaskReview).where(TaskReview.decision == "approve"))
    assert row is not None
    assert row.decided_by == "account:9"
    event = await session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event is not None
    assert event.actor == "account:9"


async def test_a_system_actor_is_named_in_the_trail(session: AsyncSession, clock: Any) -> None:
    tasks, task_id = await _in_review(session, clock)
    await tasks.review(task_id, "SThJ", "return", "太短", Actor.system("cli-operator"))
    event = await session.scalar(select(AuditEvent).where(
        AuditEvent.action == "task.review.returned"))
    assert event is not None
    assert event.actor == "cli-operator"


# -- the task's steps --------------------------------------------------------------------------


async def test_the_task_is_steered_by_the_organiser_or_the_lead(session: AsyncSession,
                                                              clock: Any) -> None:
    await build_directory(session)
    entry_id = await approved_entry(session, clock)
    tasks = task_service(session, clock)
    spec = task_spec(entry_id)
    await _refused(tasks.create(spec, admin("SThJ")), "forbidden-task-create",  # type: ignore[arg-type]
                   "SCJG")
    await _refused(tasks.create(spec, INSPECTOR), "forbidden-task-create")  # type: ignore[arg-type]
    view = await tasks.create(spec, admin("SCJG"))  # type: ignore[arg-type]  # the lead's admin
    await _refused(tasks.submit(view.id, admin("YJGL")), "forbidden-task-submit", "SCJG")
    await _refused(tasks.revise(view.id, {"name": "改名"}, admin("YJGL")),
                   "forbidden-task-revise")
    await _refused(tasks.advance(view.id, "start", admin("SThJ")), "forbidden-task-advance")
    assert (await tasks.get(view.id)).state == "draft"
    assert (await tasks.submit(view.id, ORGANISER)).state == "in_review"


# -- the draws ---------------------------------------------------------------------------------


async def test_a_department_draws_only_its_own_inspectors(session: AsyncSession,
                                                          clock: Any) -> None:
    await build_directory(session)
    task_id = await approved_task(session, clock)
    draws = draw_service(session, clock)
    await _refused(draws.commit_subjects(task_id, secret_source("s"), admin("SThJ")),
                   "forbidden-draw-subjects", "SCJG")
    assert await session.scalar(select(func.count()).select_from(Draw)) == 0
    subjects = await draws.commit_subjects(task_id, secret_source("s"), admin("SCJG"))
    await _refused(draws.complete(subjects.id, {"type": "operator-secret", "secret": "s"},
                                  admin("YJGL")), "forbidden-draw-subjects", "SCJG")
    assert (await draws.get(subjects.id)).status == "committed"
    await draws.complete(subjects.id, {"type": "operator-secret", "secret": "s"}, ORGANISER)
    clock.advance(minutes=1)
    await _refused(draws.commit_inspectors(task_id, "SThJ", secret_source("i"), admin("SCJG")),
                   "forbidden-draw-inspectors", "SThJ")
    await _refused(draws.commit_inspectors(task_id, "SThJ", secret_source("i"), INSPECTOR),
                   "forbidden-draw-inspectors", "SThJ")
    mine = await draws.commit_inspectors(task_id, "SThJ", secret_source("i"), admin("SThJ"))
    assert mine.status == "committed"


# -- the annual plan ---------------------------------------------------------------------------


async def test_a_department_submits_its_own_plan_the_organiser_approves(
    session: AsyncSession, clock: Any,
) -> None:
    await build_directory(session)
    plans = PlanService(session, clock)
    await _refused(plans.submit_entry(entry("SCJG"), admin("SThJ")), "forbidden-plan-submit",
                   "SCJG")
    a = await plans.submit_entry(entry("SCJG"), admin("SCJG"))
    b = await plans.submit_entry(entry("SThJ"), ORGANISER)
    await _refused(plans.merge(2027, [a.id, b.id], admin("SCJG")), "forbidden-plan-merge")
    await _refused(plans.approve(2027, admin("SCJG")), "forbidden-plan-approve")
    assert (await plans.get(2027)).status == "open"
    await plans.approve(2027, ORGANISER)
    await _refused(plans.propose_change(2027, a.id, {"period_end": "2027-07-31"}, "汛期",
                                        admin("SThJ")), "forbidden-plan-change", "SCJG")
    change = await plans.propose_change(2027, a.id, {"period_end": "2027-07-31"}, "汛期",
                                        admin("SCJG"))
    await _refused(plans.review_change(change.id, "approve", "", admin("SCJG")),
                   "forbidden-plan-change-review")
    assert (await plans.review_change(change.id, "approve", "", ORGANISER)).status == "approved"


# -- settings, the calendar, accounts ----------------------------------------------------------


async def test_settings_calendar_and_accounts(session: AsyncSession, clock: Any) -> None:
    await build_directory(session)
    schedules = ScheduleService(session, clock)
    await _refused(schedules.set_office("SCJG", 30.39, 114.89, "滨湖南路1号", admin("SThJ")),
                   "forbidden-set-office", "SCJG")
    await schedules.set_office("SCJG", 30.39, 114.89, "滨湖南路1号", admin("SCJG"))
    notice = HolidayNotice(2027, "测试通知", (NoticeDay(dt.date(2027, 2, 5), False, "春节"),))
    await _refused(CalendarService(session, clock).import_notice(notice, admin("SCJG")),
                   "forbidden-calendar-import")
    accounts = account_service(session, clock)
    await _refused(accounts.invite(department_code="SThJ", name="王五", actor=admin("SCJG")),
                   "forbidden-invite", "SThJ")
    await _refused(accounts.ensure_account(department_code="SCJG", name="赵六",
                                           roles=["organiser"], actor=admin("SCJG")),
                   "forbidden-account-create")
    issued = await accounts.invite(department_code="SCJG", name="王五", actor=admin("SCJG"))
    assert [i.account.name for i in issued] == ["王五"]
