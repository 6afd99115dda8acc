"""Whether a queued notification still says something true: one check per kind.

A row made pointless by a later fact (the review was decided, the member withdrawn, the
schedule confirmed or replaced, the results in) is cancelled with the reason returned here,
never sent. The sender asks just before it sends; the scans sweep the waiting rows too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    AnnualPlan,
    CheckRecord,
    Department,
    Draw,
    FinalResult,
    Referral,
    ScheduleAnswer,
    Task,
    TaskReview,
    TaskSubject,
    TeamMember,
    TeamSchedule,
)

from services.notification_kinds import (
    ConfirmPayload,
    CosignPayload,
    DrawDuePayload,
    DrawnPayload,
    InspectionDayPayload,
    NotificationKind,
    Payload,
    PlanApprovalPayload,
    ReferralPayload,
    ResultsPayload,
    ReviewPayload,
    ScheduleDuePayload,
)
from services.tasks import TaskState
from services.vocabulary import DrawStatus, PlanStatus, ReviewDecision

K = NotificationKind
Check = Callable[[AsyncSession, Payload], Awaitable[str | None]]
CLOSED_STATES = ("published", "archived")
# the states in which a team's schedule counts as proposed
PROPOSED = ("sent", "fixed")


async def _task_closed(session: AsyncSession, task_id: int) -> str | None:
    task = await session.get(Task, task_id)
    if task is None:
        return "task gone"
    return f"task {task.state}" if task.state in CLOSED_STATES else None


async def _drawn(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, DrawnPayload)
    if payload.member_id is not None:
        member = await session.get(TeamMember, payload.member_id)
        if member is None or not member.active:
            return "member withdrawn"
    return await _task_closed(session, payload.task_id)


async def _review(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, ReviewPayload)
    task = await session.get(Task, payload.task_id)
    if task is None or task.state != TaskState.IN_REVIEW:
        return "review over"
    if payload.review_id is not None:
        review = await session.get(TaskReview, payload.review_id)
        if review is None or review.decision != ReviewDecision.PENDING:
            return "review decided"
    return None


async def _draw_due(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, DrawDuePayload)
    drawn = await session.scalar(
        select(func.count(Draw.id))
        .join(Department, Department.id == Draw.department_id)
        .where(Draw.task_id == payload.task_id, Draw.kind == "inspectors",
               Draw.status == DrawStatus.COMPLETED, Department.code == payload.department)
    )
    return "inspectors drawn" if drawn else await _task_closed(session, payload.task_id)


async def _schedule_due(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, ScheduleDuePayload)
    proposed = await session.scalar(
        select(func.count(TeamSchedule.id))
        .where(TeamSchedule.team_id == payload.team_id, TeamSchedule.state.in_(PROPOSED))
    )
    return "schedule proposed" if proposed else await _task_closed(session, payload.task_id)


async def member_withdrawn(session: AsyncSession, team_id: int, inspector_id: int) -> bool:
    """True when the inspector is no longer an active member of the team."""
    active = await session.scalar(
        select(func.count(TeamMember.id)).where(
            TeamMember.team_id == team_id, TeamMember.inspector_id == inspector_id,
            TeamMember.active.is_(True))
    )
    return not active


async def _confirm(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, ConfirmPayload)
    schedule = await session.get(TeamSchedule, payload.schedule_id)
    if schedule is None or schedule.state not in PROPOSED:
        return "schedule replaced"
    answered = await session.scalar(
        select(func.count(ScheduleAnswer.id)).where(
            ScheduleAnswer.schedule_id == payload.schedule_id,
            ScheduleAnswer.inspector_id == payload.inspector_id)
    )
    if answered:
        return "answered"
    if await member_withdrawn(session, payload.team_id, payload.inspector_id):
        return "member withdrawn"
    return None


async def _inspection_day(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, InspectionDayPayload)
    schedule = await session.get(TeamSchedule, payload.schedule_id)
    if schedule is None or schedule.state not in PROPOSED:
        return "schedule replaced"
    member = await session.get(TeamMember, payload.member_id)
    if member is None or not member.active:
        return "member withdrawn"
    return await _task_closed(session, payload.task_id)


async def results_in(session: AsyncSession, task_id: int, team_id: int) -> bool:
    """Whether the team's results are in: every subject matched to the team has its final
    result (Art. 13), or the task is past results (published, archived) or gone."""
    task = await session.get(Task, task_id)
    if task is None or task.state in CLOSED_STATES:
        return True
    missing = await session.scalar(
        select(func.count()).select_from(TaskSubject).where(
            TaskSubject.task_id == task_id, TaskSubject.team_id == team_id,
            ~select(FinalResult.id).where(
                FinalResult.task_id == task_id,
                FinalResult.subject_id == TaskSubject.subject_id).exists()))
    return not missing


async def _referral(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, ReferralPayload)
    row = await session.get(Referral, payload.referral_id)
    return "referral acknowledged" if row is None or row.acknowledged_at else None


async def _cosign(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, CosignPayload)
    row = await session.get(CheckRecord, payload.record_id)
    if row is None:
        return "record gone"
    if row.cosigned_at is not None:
        return "record co-signed"
    return "record amended" if row.amendments != payload.amendment else None


async def _results(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, ResultsPayload)
    return "results in" if await results_in(session, payload.task_id, payload.team_id) else None


async def _plan_approval(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, PlanApprovalPayload)
    status = await session.scalar(select(AnnualPlan.status).where(AnnualPlan.year == payload.year))
    return "plan approved" if status == PlanStatus.APPROVED else None


CHECKS: dict[NotificationKind, Check] = {
    K.DRAWN: _drawn,
    K.LEADER: _drawn,
    K.REVIEW: _review,
    K.REVIEW_PENDING: _review,
    K.DRAW_DUE: _draw_due,
    K.SCHEDULE_DUE: _schedule_due,
    K.CONFIRM_DUE: _confirm,
    K.CONFIRM_LATE: _confirm,
    K.INSPECTION_TOMORROW: _inspection_day,
    K.RESULTS_DUE: _results,
    K.RESULTS_OVERDUE: _results,
    K.OVERDUE_ESCALATION: _results,
    K.PLAN_APPROVAL: _plan_approval,
    K.REFERRAL: _referral,
    K.COSIGN: _cosign,
}


async def obsolete_reason(
    session: AsyncSession, kind: NotificationKind, payload: Payload
) -> str | None:
    """Why the row should not be sent any more, or None when it still holds."""
    check = CHECKS.get(kind)
    return None if check is None else await check(session, payload)
