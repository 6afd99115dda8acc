"""Services for tests that hold one session: wired as the composition root wires them
(``bot.container``), with the default figures unless a test passes others."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts import AccountService
from services.actors import Actor, Role
from services.calendar import RESULT_DUE_WORKING_DAYS, CalendarService
from services.clock import Clock
from services.draws import DrawService
from services.plans import PlanService
from services.tasks import TaskService

# the organiser's account (牵头组织部门): publishes, approves plans, steers every task
ORGANISER_ACTOR = Actor(account_id=1, name="组织者", roles=frozenset({Role.ORGANISER}))


def task_service(session: AsyncSession, clock: Clock,
                 result_due_working_days: int = RESULT_DUE_WORKING_DAYS) -> TaskService:
    """A ``TaskService`` with its calendar."""
    return TaskService(session, clock, CalendarService(session, clock, result_due_working_days))


def draw_service(session: AsyncSession, clock: Clock,
                 tasks: TaskService | None = None) -> DrawService:
    """A ``DrawService`` with its task service."""
    return DrawService(session, clock, tasks=tasks or task_service(session, clock))


def account_service(session: AsyncSession, clock: Clock) -> AccountService:
    """An ``AccountService``."""
    return AccountService(session, clock)


def demo_task_services(session: AsyncSession, clock: Clock) -> dict[str, Any]:
    """The services ``demo.workflow.create_demo_task`` takes, on one session."""
    tasks = task_service(session, clock)
    return {"plans": PlanService(session, clock), "tasks": tasks,
            "draws": draw_service(session, clock, tasks)}


def sandbox_services(session: AsyncSession, clock: Clock) -> dict[str, Any]:
    """The services ``demo.sandbox.prepare_sandbox`` takes, on one session."""
    from services.schedule import ScheduleService

    return {"tasks": task_service(session, clock), "accounts": account_service(session, clock),
            "schedules": ScheduleService(session, clock)}


def as_inspector(inspector_id: int | None, account_id: int) -> Actor:
    """An inspector's account as the one who acts (the schedule's leader or a member)."""
    return Actor(account_id=account_id, name=f"inspector {inspector_id}",
                 roles=frozenset({"inspector"}), inspector_id=inspector_id)


def inspector_actor(inspector_id: int) -> Actor:
    """An inspector as the one who acts, without an account (results, referrals: issue 11)."""
    return Actor(account_id=None, name=f"inspector:{inspector_id}", roles=frozenset(
        {"inspector"}), inspector_id=inspector_id)
