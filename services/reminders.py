"""Reminders and escalation (issue 12 item 1, 2): idempotent scans enqueue outbox rows, each with
its ``due_at`` on the official working-day calendar (with 调休) and out of the quiet hours.

The due-time rules are pure functions of a ``WorkingDays`` calendar and a ``ReminderPolicy`` (the
settings' figures), tested with a pinned clock; ``ReminderScanner`` reads the facts and enqueues
each reminder once (its ``dedup_key``), so a repeat scan adds nothing. A reminder whose fact has
changed is cancelled by ``services.obsolete`` before it goes out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    Account,
    AnnualPlan,
    CheckRecord,
    Department,
    Draw,
    FinalResult,
    Inspector,
    Outbox,
    PlanEntry,
    ScheduleAnswer,
    ScheduleDay,
    ScheduleStop,
    Subject,
    Task,
    TaskReview,
    Team,
    TeamMember,
    TeamSchedule,
)

from services.calendar import CalendarService, WorkingDays
from services.clock import Clock, local_date
from services.notification_kinds import (
    ConfirmPayload,
    CorrectionDuePayload,
    DigestDepartment,
    DigestLine,
    DigestPayload,
    DrawDuePayload,
    InspectionDayPayload,
    NotificationKind,
    Payload,
    PlanApprovalPayload,
    PlanMissingPayload,
    RecordMissingPayload,
    ResultsPayload,
    ReviewPayload,
    ScheduleDuePayload,
    Stop,
)
from services.notifications import enqueue
from services.obsolete import PROPOSED, results_in, team_check_date
from services.records import finding_stated
from services.reminder_times import (
    ReminderPolicy,
    at_local,
    before_window_due,
    confirm_due,
    correction_due,
    inspection_eve_due,
    month_day,
    on_day_due,
    out_of_quiet_hours,
    record_missing_due,
    results_due_on,
    results_soon_due,
    review_pending_due,
    working_days_before,
    working_days_between,
)
from services.tasks import TaskState
from services.vocabulary import DrawStatus, PlanStatus, ReviewDecision

K = NotificationKind
DRAW_STATES = (TaskState.APPROVED, TaskState.SUBJECTS_DRAWN, TaskState.INSPECTORS_DRAWN)
FIELD_STATES = ("teams_formed", "in_progress", "results_due")


# -- the scans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamResults:
    """One team's results deadline and the check date it counts from."""

    task: Task
    team: Team
    last_visit: dt.date  # the check date (see ``ReminderScanner.team_results``)
    due_on: dt.date


@dataclass(frozen=True)
class Recipient:
    """A bound, active account."""

    id: int
    roles: tuple[str, ...]
    department_id: int | None
    inspector_id: int | None


class ReminderScanner:
    """Finds every deadline worth a reminder and enqueues it once, with its due time."""

    def __init__(self, session: AsyncSession, clock: Clock, calendar: CalendarService,
                 policy: ReminderPolicy) -> None:
        self._session = session
        self._clock = clock
        self._calendar = calendar
        self.policy = policy
        self._rules: WorkingDays | None = None
        self._accounts: list[Recipient] | None = None

    async def rules(self) -> WorkingDays:
        """The working-day calendar around today (imported notices, then the package)."""
        if self._rules is None:
            today = local_date(self._clock())
            self._rules = await self._calendar.rules_for(
                today - dt.timedelta(days=400), today + dt.timedelta(days=800))
        return self._rules

    async def scan(self) -> int:
        """Every reminder scan (not committed); how many rows were new."""
        self._accounts = None
        total = 0
        for scan in (self.scan_review_pending, self.scan_draw_due, self.scan_schedule_due,
                     self.scan_confirmations, self.scan_inspection_eve,
                     self.scan_record_missing, self.scan_results, self.scan_corrections,
                     self.scan_plan, self.scan_digest):
            total += await scan()
        return total

    # -- helpers -----------------------------------------------------------------------------

    async def _recipients(self) -> list[Recipient]:
        if self._accounts is None:
            rows = (await self._session.scalars(
                select(Account).where(Account.active.is_(True),
                                      Account.telegram_user_id.is_not(None))
                .order_by(Account.id))).all()
            self._accounts = [Recipient(a.id, tuple(a.roles or ()), a.department_id,
                                        a.inspector_id) for a in rows]
        return self._accounts

    async def _with_role(self, role: str, department_id: int | None = None,
                         *, city_wide_too: bool = False) -> list[int]:
        out = []
        for r in await self._recipients():
            if role not in r.roles:
                continue
            if department_id is None or r.department_id == department_id or (
                    city_wide_too and r.department_id is None):
                out.append(r.id)
        return out

    async def _account_of(self, inspector_id: int | None) -> int | None:
        if inspector_id is None:
            return None
        return next((r.id for r in await self._recipients() if r.inspector_id == inspector_id),
                    None)

    async def _put(self, account_ids: Iterable[int], kind: NotificationKind, key: str,
                   payload: Payload, due_at: dt.datetime) -> int:
        count = 0
        for account_id in dict.fromkeys(account_ids):
            count += await enqueue(self._session, account_id=account_id, kind=kind,
                                   dedup_key=f"{kind}:{key}:{account_id}", payload=payload,
                                   due_at=due_at)
        return count

    def _task_ref(self, task: Task) -> dict[str, Any]:
        return {"task_id": task.id, "task_code": task.code, "task_name": task.name,
                "window_start": task.window_start, "window_end": task.window_end}

    async def _current_schedule(self, team_id: int) -> TeamSchedule | None:
        return await self._session.scalar(
            select(TeamSchedule).where(TeamSchedule.team_id == team_id,
                                       TeamSchedule.state.in_(PROPOSED))
            .order_by(TeamSchedule.version.desc()).limit(1))

    # -- 会审 pending ----------------------------------------------------------------------------

    async def scan_review_pending(self) -> int:
        """A review pending for more than N working days → the department's admins again."""
        rules = await self.rules()
        rows = (await self._session.execute(
            select(TaskReview, Task, Department)
            .join(Task, Task.id == TaskReview.task_id)
            .join(Department, Department.id == TaskReview.department_id)
            .where(TaskReview.decision == ReviewDecision.PENDING,
                   Task.state == TaskState.IN_REVIEW)
            .order_by(TaskReview.id))).all()
        count = 0
        for review, task, department in rows:
            # the review was asked when its first notice was queued (TaskReview keeps no time)
            asked = await self._session.scalar(
                select(func.min(Outbox.due_at)).where(
                    Outbox.dedup_key.like(f"{K.REVIEW}:{review.id}:%")))
            if asked is None:
                continue
            payload = ReviewPayload(**self._task_ref(task), department=department.code,
                                    department_name=department.name_zh, round=review.round,
                                    review_id=review.id,
                                    days=self.policy.review_pending_working_days)
            due = review_pending_due(rules, _aware(asked), self.policy)
            admins = await self._with_role("dept_admin", department.id)
            count += await self._put(admins, K.REVIEW_PENDING, str(review.id), payload, due)
        return count

    # -- draws -------------------------------------------------------------------------------

    async def scan_draw_due(self) -> int:
        """A department that has not drawn N working days before the window → its admins and
        the organiser."""
        rules = await self.rules()
        today = local_date(self._clock())
        tasks = (await self._session.scalars(
            select(Task).where(Task.state.in_(DRAW_STATES), Task.window_start > today)
            .order_by(Task.id))).all()
        if not tasks:
            return 0
        departments = {d.code: d for d in (await self._session.scalars(select(Department))).all()}
        organisers = await self._with_role("organiser")
        count = 0
        for task in tasks:
            drawn = set((await self._session.scalars(
                select(Draw.department_id).where(
                    Draw.task_id == task.id, Draw.kind == "inspectors",
                    Draw.status == DrawStatus.COMPLETED))).all())
            due = before_window_due(rules, task.window_start,
                                    self.policy.draw_lead_working_days, self.policy)
            for code in task.department_codes:
                department = departments.get(code)
                if department is None or department.id in drawn:
                    continue
                payload = DrawDuePayload(
                    **self._task_ref(task), department=code,
                    department_name=department.name_zh,
                    working_days=self.policy.draw_lead_working_days)
                admins = await self._with_role("dept_admin", department.id)
                count += await self._put([*admins, *organisers], K.DRAW_DUE,
                                         f"{task.id}:{code}", payload, due)
        return count

    # -- schedules ---------------------------------------------------------------------------

    async def scan_schedule_due(self) -> int:
        """No schedule proposed N working days before the window → the team leader."""
        rules = await self.rules()
        today = local_date(self._clock())
        rows = (await self._session.execute(
            select(Team, Task).join(Task, Task.id == Team.task_id)
            .where(Task.state.in_(FIELD_STATES), Task.window_start > today,
                   Team.leader_inspector_id.is_not(None))
            .order_by(Team.id))).all()
        count = 0
        for team, task in rows:
            if await self._current_schedule(team.id) is not None:
                continue
            leader = await self._account_of(team.leader_inspector_id)
            if leader is None:
                continue
            payload = ScheduleDuePayload(
                **self._task_ref(task), team_id=team.id,
                team_number=team.number, working_days=self.policy.schedule_lead_working_days)
            due = before_window_due(rules, task.window_start,
                                    self.policy.schedule_lead_working_days, self.policy)
            count += await self._put([leader], K.SCHEDULE_DUE, str(team.id), payload, due)
        return count

    async def scan_confirmations(self) -> int:
        """A member who has not confirmed a sent schedule within N working days → the member;
        one working day later → the leader."""
        rules = await self.rules()
        rows = (await self._session.execute(
            select(TeamSchedule, Team, Task)
            .join(Team, Team.id == TeamSchedule.team_id)
            .join(Task, Task.id == TeamSchedule.task_id)
            .where(TeamSchedule.state == "sent", TeamSchedule.sent_at.is_not(None))
            .order_by(TeamSchedule.id))).all()
        count = 0
        for schedule, team, task in rows:
            answered = set((await self._session.scalars(
                select(ScheduleAnswer.inspector_id)
                .where(ScheduleAnswer.schedule_id == schedule.id))).all())
            members = (await self._session.execute(
                select(TeamMember.inspector_id, Inspector.name)
                .join(Inspector, Inspector.id == TeamMember.inspector_id)
                .where(TeamMember.team_id == team.id, TeamMember.active.is_(True))
                .order_by(TeamMember.id))).all()
            leader = await self._account_of(team.leader_inspector_id)
            sent = _aware(schedule.sent_at or self._clock())
            for inspector_id, name in members:
                if inspector_id in answered or inspector_id == team.leader_inspector_id:
                    continue
                payload = ConfirmPayload(
                    **self._task_ref(task), team_id=team.id,
                    team_number=team.number, schedule_id=schedule.id, inspector_id=inspector_id,
                    member_name=name)
                key = f"{schedule.id}:{inspector_id}"
                member = await self._account_of(inspector_id)
                if member is not None:
                    count += await self._put([member], K.CONFIRM_DUE, key, payload,
                                             confirm_due(rules, sent, self.policy))
                if leader is not None:
                    count += await self._put(
                        [leader], K.CONFIRM_LATE, key, payload,
                        confirm_due(rules, sent, self.policy, escalated=True))
        return count

    async def scan_inspection_eve(self) -> int:
        """Inspection tomorrow → each member, at 17:00 the working day before, with the stops."""
        rules = await self.rules()
        today = local_date(self._clock())
        rows = (await self._session.execute(
            select(TeamSchedule, Team, Task)
            .join(Team, Team.id == TeamSchedule.team_id)
            .join(Task, Task.id == TeamSchedule.task_id)
            .where(TeamSchedule.state.in_(PROPOSED), Task.state.in_(FIELD_STATES))
            .order_by(TeamSchedule.id))).all()
        count = 0
        for schedule, team, task in rows:
            if (current := await self._current_schedule(team.id)) is None or \
                    current.id != schedule.id:
                continue
            days = (await self._session.scalars(
                select(ScheduleDay).where(ScheduleDay.schedule_id == schedule.id,
                                          ScheduleDay.day > today)
                .order_by(ScheduleDay.day))).all()
            members = (await self._session.execute(
                select(TeamMember.id, TeamMember.inspector_id)
                .where(TeamMember.team_id == team.id, TeamMember.active.is_(True))
                .order_by(TeamMember.id))).all()
            for sday in days:
                stops = (await self._session.execute(
                    select(Subject.name, Subject.address)
                    .join(ScheduleStop, ScheduleStop.subject_id == Subject.id)
                    .where(ScheduleStop.schedule_id == schedule.id,
                           ScheduleStop.day == sday.day)
                    .order_by(ScheduleStop.position))).all()
                if not stops:
                    continue
                due = inspection_eve_due(rules, sday.day, self.policy)
                for member_id, inspector_id in members:
                    account = await self._account_of(inspector_id)
                    if account is None:
                        continue
                    payload = InspectionDayPayload(
                        **self._task_ref(task), team_id=team.id,
                        team_number=team.number, schedule_id=schedule.id, member_id=member_id,
                        day=sday.day, starts_at=sday.starts_at.strftime("%H:%M"),
                        stops=tuple(Stop(name=n, address=a or "") for n, a in stops))
                    count += await self._put([account], K.INSPECTION_TOMORROW,
                                             f"{schedule.id}:{sday.day.isoformat()}:{member_id}",
                                             payload, due)
        return count

    # -- a visit without its record by the evening -------------------------------------------

    async def scan_record_missing(self) -> int:
        """Each stop of the team's current schedule, today or later: a member whose department
        has no submitted record of the subject by 20:00 that day → that member (queued ahead,
        cancelled the moment the record is submitted)."""
        today = local_date(self._clock())
        rows = (await self._session.execute(
            select(TeamSchedule, Team, Task)
            .join(Team, Team.id == TeamSchedule.team_id)
            .join(Task, Task.id == TeamSchedule.task_id)
            .where(TeamSchedule.state.in_(PROPOSED), Task.state.in_(FIELD_STATES))
            .order_by(TeamSchedule.id))).all()
        departments = {d.id: d for d in (await self._session.scalars(select(Department))).all()}
        count = 0
        for schedule, team, task in rows:
            if (current := await self._current_schedule(team.id)) is None or \
                    current.id != schedule.id:
                continue
            stops = (await self._session.execute(
                select(ScheduleStop.day, ScheduleStop.subject_id, Subject.name)
                .join(Subject, Subject.id == ScheduleStop.subject_id)
                .where(ScheduleStop.schedule_id == schedule.id, ScheduleStop.day >= today)
                .order_by(ScheduleStop.day, ScheduleStop.position))).all()
            if not stops:
                continue
            members = (await self._session.execute(
                select(TeamMember.id, TeamMember.inspector_id, TeamMember.department_id)
                .where(TeamMember.team_id == team.id, TeamMember.active.is_(True),
                       TeamMember.inspector_id.is_not(None))
                .order_by(TeamMember.id))).all()
            submitted = set((await self._session.execute(
                select(CheckRecord.subject_id, CheckRecord.department_id)
                .where(CheckRecord.task_id == task.id, CheckRecord.state == "submitted")
            )).all())
            for day, subject_id, subject_name in stops:
                due = record_missing_due(day, self.policy)
                for member_id, inspector_id, department_id in members:
                    department = departments.get(department_id) if department_id else None
                    if department is None or (subject_id, department_id) in submitted:
                        continue
                    account = await self._account_of(inspector_id)
                    if account is None:
                        continue
                    payload = RecordMissingPayload(
                        **self._task_ref(task), team_id=team.id, team_number=team.number,
                        schedule_id=schedule.id, member_id=member_id, inspector_id=inspector_id,
                        department=department.code, department_id=department.id,
                        subject_id=subject_id, subject_name=subject_name, day=day)
                    count += await self._put(
                        [account], K.RECORD_MISSING,
                        f"{schedule.id}:{subject_id}:{day.isoformat()}:{member_id}", payload, due)
        return count

    # -- correction orders (责令改正) -----------------------------------------------------------

    async def scan_corrections(self) -> int:
        """A final result ordering a correction (disposal ``correction``) whose deadline is today
        or later → the admins of the department that ordered it (those whose submitted record of
        the subject states a finding; without one the task's lead department), on the deadline
        (the first working day on or after it) at the reminder time."""
        rules = await self.rules()
        today = local_date(self._clock())
        rows = (await self._session.execute(
            select(FinalResult, Task, Team, Subject)
            .join(Task, Task.id == FinalResult.task_id)
            .join(Team, Team.id == FinalResult.team_id)
            .join(Subject, Subject.id == FinalResult.subject_id)
            .where(FinalResult.correction_due_on.is_not(None),
                   FinalResult.correction_due_on >= today - dt.timedelta(days=14))
            .order_by(FinalResult.id))).all()
        departments = {d.id: d for d in (await self._session.scalars(select(Department))).all()}
        count = 0
        for result, task, team, subject in rows:
            deadline = result.correction_due_on
            if "correction" not in (result.disposals or []) or deadline is None:
                continue
            due = correction_due(rules, deadline, self.policy)
            if local_date(due) < today:
                continue
            records = (await self._session.execute(
                select(CheckRecord.department_id, CheckRecord.findings)
                .where(CheckRecord.task_id == task.id, CheckRecord.subject_id == subject.id,
                       CheckRecord.state == "submitted")
                .order_by(CheckRecord.id))).all()
            ordering = list(dict.fromkeys(d for d, findings in records
                                          if finding_stated(findings)))
            if not ordering and task.lead_department_id is not None:
                ordering = [task.lead_department_id]
            for department_id in ordering:
                department = departments.get(department_id)
                if department is None:
                    continue
                payload = CorrectionDuePayload(
                    **self._task_ref(task), result_id=result.id, subject_id=subject.id,
                    subject_name=subject.name, team_number=team.number,
                    department=department.code, department_name=department.name_zh,
                    correction_due_on=deadline)
                admins = await self._with_role("dept_admin", department.id)
                count += await self._put(admins, K.CORRECTION_DUE,
                                         f"{result.id}:{deadline.isoformat()}:{department.code}",
                                         payload, due)
        return count

    # -- results (Art. 16) ---------------------------------------------------------------------

    async def team_results(self) -> list[TeamResults]:
        """Each field team's results deadline (Art. 16): ``result_due_working_days`` after the
        check date — of the team's subjects still without a final result, the earliest check
        date (``services.obsolete.team_check_date``: the day of a subject's last submitted
        record, as ``ResultService.check_date``; before any record its scheduled visit day, or
        the task's window end)."""
        rules = await self.rules()
        rows = (await self._session.execute(
            select(Team, Task).join(Task, Task.id == Team.task_id)
            .where(Task.state.in_(FIELD_STATES)).order_by(Task.id, Team.number))).all()
        out = []
        for team, task in rows:
            if await results_in(self._session, task.id, team.id):
                continue
            check = await team_check_date(self._session, task.id, team.id)
            if check is None:
                continue
            out.append(TeamResults(task, team, check, results_due_on(rules, check, self.policy)))
        return out

    async def _leader_and_department(self, team: Team) -> tuple[str, str, int | None]:
        if team.leader_inspector_id is None:
            return "", "", None
        row = (await self._session.execute(
            select(Inspector.name, Department.name_zh, Department.id)
            .join(Department, Department.id == Inspector.department_id)
            .where(Inspector.id == team.leader_inspector_id))).first()
        return (row[0], row[1], row[2]) if row else ("", "", None)

    async def scan_results(self) -> int:
        """Results due in N working days and due today → the leader; overdue → the leader every
        working day, and once escalated to the supervisors and the organiser."""
        rules = await self.rules()
        today = local_date(self._clock())
        count = 0
        organisers = await self._with_role("organiser")
        for item in await self.team_results():
            task, team, due_on = item.task, item.team, item.due_on
            leader = await self._account_of(team.leader_inspector_id)
            leader_name, dept_name, dept_id = await self._leader_and_department(team)
            base = {**self._task_ref(task), "team_id": team.id, "team_number": team.number,
                    "due_on": due_on, "leader_name": leader_name, "department_name": dept_name,
                    "check_date": item.last_visit}
            check = item.last_visit.isoformat()
            if leader is not None and today <= due_on:
                soon = ResultsPayload(**base, days_left=self.policy.results_soon_working_days)
                count += await self._put([leader], K.RESULTS_DUE, f"{team.id}:soon:{check}", soon,
                                         results_soon_due(rules, due_on, self.policy))
                count += await self._put([leader], K.RESULTS_DUE, f"{team.id}:today:{check}",
                                         ResultsPayload(**base, days_left=0),
                                         on_day_due(due_on, self.policy))
            if today <= due_on or not rules.status(today).is_working:
                continue
            late = working_days_between(rules, due_on, today)
            payload = ResultsPayload(**base, days_late=late)
            if leader is not None:
                count += await self._put([leader], K.RESULTS_OVERDUE,
                                         f"{team.id}:{today.isoformat()}", payload,
                                         on_day_due(today, self.policy))
            supervisors: list[int] = []
            for department_id in {task.lead_department_id, dept_id} - {None}:
                supervisors += await self._with_role("supervisor", department_id,
                                                     city_wide_too=True)
            first_late = rules.add_working_days(due_on, 1).due_on
            count += await self._put([*supervisors, *organisers], K.OVERDUE_ESCALATION,
                                     str(team.id), payload,
                                     max(self._clock(), on_day_due(first_late, self.policy)))
        return count

    # -- the supervisor's digest ---------------------------------------------------------------

    async def digest(self, department_ids: Sequence[int] | None = None) -> DigestPayload:
        """What is overdue and due this week (to Sunday), per department (the task's lead)."""
        rules = await self.rules()
        today = local_date(self._clock())
        week_end = today + dt.timedelta(days=6 - today.weekday())
        per: dict[int, DigestDepartment] = {}
        names = {d.id: d for d in (await self._session.scalars(select(Department))).all()}
        overdue: dict[int, list[DigestLine]] = defaultdict(list)
        soon: dict[int, list[DigestLine]] = defaultdict(list)
        for item in await self.team_results():
            dept = item.task.lead_department_id
            if department_ids is not None and dept not in department_ids:
                continue
            line = DigestLine(task_id=item.task.id, task_code=item.task.code,
                              team_number=item.team.number, due_on=item.due_on,
                              days_late=working_days_between(rules, item.due_on, today))
            if item.due_on < today:
                overdue[dept].append(line)
            elif item.due_on <= week_end:
                soon[dept].append(line)
        for dept in sorted(set(overdue) | set(soon)):
            d = names.get(dept)
            per[dept] = DigestDepartment(
                department=d.code if d else "", department_name=d.name_zh if d else "",
                overdue=tuple(overdue[dept]), due_this_week=tuple(soon[dept]))
        return DigestPayload(day=today, departments=tuple(per.values()))

    async def overdue(self, department_code: str | None = None) -> list[DigestLine]:
        """What is late now (``/overdue``): every department's, or one department's."""
        digest = await self.digest()
        return [line for dept in digest.departments
                if department_code is None or dept.department == department_code
                for line in dept.overdue]

    async def scan_digest(self) -> int:
        """Each supervisor, every working day at 08:30: one digest (city-wide supervisors see
        every department)."""
        rules = await self.rules()
        now = self._clock()
        today = local_date(now)
        if not rules.status(today).is_working:
            return 0
        due = at_local(today, self.policy.digest_time, self.policy.timezone)
        if now < due:
            return 0  # the digest is built when it is due, with that morning's facts
        count = 0
        for r in await self._recipients():
            if "supervisor" not in r.roles:
                continue
            payload = await self.digest(None if r.department_id is None else [r.department_id])
            count += await self._put([r.id], K.DIGEST, today.isoformat(), payload,
                                     out_of_quiet_hours(due, self.policy))
        return count

    # -- the annual plan (Art. 11) -------------------------------------------------------------

    async def scan_plan(self) -> int:
        """From 15 November, each working day until the submission deadline: the departments
        that have not submitted next year's plan → the organiser; the approval deadline
        (31 December): N working days before and on the day → the organiser."""
        rules = await self.rules()
        today = local_date(self._clock())
        year = today.year + 1
        start = month_day(today.year, self.policy.plan_reminders_from)
        submit_by = month_day(today.year, self.policy.plan_submission_deadline)
        approve_by = month_day(today.year, self.policy.plan_approval_deadline)
        organisers = await self._with_role("organiser")
        if not organisers or today < start or today > approve_by:
            return 0
        plan = await self._session.scalar(select(AnnualPlan).where(AnnualPlan.year == year))
        count = 0
        if today <= submit_by and rules.status(today).is_working:
            submitted: set[int] = set()
            if plan is not None:
                submitted = set((await self._session.scalars(
                    select(PlanEntry.submitted_by_department_id)
                    .where(PlanEntry.plan_id == plan.id))).all())
            missing = tuple(d.name_zh for d in (await self._session.scalars(
                select(Department).where(Department.active.is_(True)).order_by(Department.code)
            )).all() if d.id not in submitted)
            if missing:
                count += await self._put(
                    organisers, K.PLAN_MISSING, f"{year}:{today.isoformat()}",
                    PlanMissingPayload(year=year, deadline=submit_by, departments=missing),
                    on_day_due(today, self.policy))
        if plan is None or plan.status != PlanStatus.APPROVED:
            entries = 0 if plan is None else int(await self._session.scalar(
                select(func.count(PlanEntry.id)).where(PlanEntry.plan_id == plan.id)) or 0)
            payload = PlanApprovalPayload(year=year, deadline=approve_by, entries=entries)
            lead = working_days_before(rules, approve_by,
                                       self.policy.plan_approval_lead_working_days)
            for label, day in (("lead", lead), ("day", approve_by)):
                if today <= day:
                    count += await self._put(organisers, K.PLAN_APPROVAL, f"{year}:{label}",
                                             payload, on_day_due(day, self.policy))
        return count


def _aware(instant: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC instants."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=dt.UTC)


__all__ = ["ReminderPolicy", "ReminderScanner", "TeamResults"]
