"""Whether a queued notification still says something true: one check per kind.

A row made pointless by a later fact (the review was decided, the member withdrawn, the
schedule confirmed or replaced, the results in) is cancelled with the reason returned here,
never sent. The sender asks just before it sends; the scans sweep the waiting rows too.
"""

from __future__ import annotations

import datetime as dt
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
    ScheduleStop,
    Task,
    TaskReview,
    TaskSubject,
    TeamMember,
    TeamSchedule,
)

from services.clock import local_date
from services.notification_kinds import (
    ConfirmPayload,
    CorrectionDuePayload,
    CosignPayload,
    DrawDuePayload,
    DrawnPayload,
    InspectionDayPayload,
    NotificationKind,
    Payload,
    PlanApprovalPayload,
    RecordMissingPayload,
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


def _aware(instant: dt.datetime) -> dt.datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=dt.UTC)


async def team_check_date(session: AsyncSession, task_id: int, team_id: int) -> dt.date | None:
    """The check date the team's results deadline counts from (Art. 16): of the team's subjects
    still without a final result, the earliest check date — a subject's check date is the day of
    its last submitted record (as ``ResultService.check_date``), before any record its visit day
    in the team's current schedule, without one the task's window end. None: nothing missing."""
    task = await session.get(Task, task_id)
    if task is None:
        return None
    missing = (await session.scalars(select(TaskSubject.subject_id).where(
        TaskSubject.task_id == task_id, TaskSubject.team_id == team_id,
        ~select(FinalResult.id).where(
            FinalResult.task_id == task_id,
            FinalResult.subject_id == TaskSubject.subject_id).exists()))).all()
    if not missing:
        return None
    submitted = dict((await session.execute(
        select(CheckRecord.subject_id, func.max(CheckRecord.submitted_at))
        .where(CheckRecord.task_id == task_id, CheckRecord.subject_id.in_(missing),
               CheckRecord.state == "submitted", CheckRecord.submitted_at.is_not(None))
        .group_by(CheckRecord.subject_id))).all())
    schedule_id = await session.scalar(
        select(TeamSchedule.id).where(TeamSchedule.team_id == team_id,
                                      TeamSchedule.state.in_(PROPOSED))
        .order_by(TeamSchedule.version.desc()).limit(1))
    planned: dict[int, dt.date] = {}
    if schedule_id is not None:
        planned = dict((await session.execute(
            select(ScheduleStop.subject_id, func.max(ScheduleStop.day))
            .where(ScheduleStop.schedule_id == schedule_id,
                   ScheduleStop.subject_id.in_(missing))
            .group_by(ScheduleStop.subject_id))).all())
    dates = []
    for subject_id in missing:
        last = submitted.get(subject_id)
        dates.append(local_date(_aware(last)) if last is not None
                     else planned.get(subject_id) or task.window_end)
    return min(dates)


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
    if await results_in(session, payload.task_id, payload.team_id):
        return "results in"
    if payload.check_date is not None and \
            await team_check_date(session, payload.task_id, payload.team_id) != payload.check_date:
        return "deadline moved"
    return None


async def _record_missing(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, RecordMissingPayload)
    submitted = await session.scalar(select(func.count(CheckRecord.id)).where(
        CheckRecord.task_id == payload.task_id, CheckRecord.subject_id == payload.subject_id,
        CheckRecord.department_id == payload.department_id, CheckRecord.state == "submitted"))
    if submitted:
        return "record submitted"
    schedule = await session.get(TeamSchedule, payload.schedule_id)
    if schedule is None or schedule.state not in PROPOSED:
        return "schedule replaced"
    member = await session.get(TeamMember, payload.member_id)
    if member is None or not member.active:
        return "member withdrawn"
    return await _task_closed(session, payload.task_id)


async def _correction(session: AsyncSession, payload: Payload) -> str | None:
    assert isinstance(payload, CorrectionDuePayload)
    row = await session.get(FinalResult, payload.result_id)
    if row is None:
        return "result gone"
    if "correction" not in (row.disposals or []) or \
            row.correction_due_on != payload.correction_due_on:
        return "result changed"
    return None


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
    K.RECORD_MISSING: _record_missing,
    K.CORRECTION_DUE: _correction,
}


async def obsolete_reason(
    session: AsyncSession, kind: NotificationKind, payload: Payload
) -> str | None:
    """Why the row should not be sent any more, or None when it still holds."""
    check = CHECKS.get(kind)
    return None if check is None else await check(session, payload)
