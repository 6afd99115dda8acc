"""抽查检查结果: the team's final result per subject, entered by the leader (Art. 13, 16).

The leader sees, per subject, every department's records (submitted, co-signed, missing) and
enters the result: one or more result categories (FIELDWORK §3, ``services/vocab``), a
summary, the disposal measures (§4) and a correction deadline when a correction was ordered.
The check date starts the deadline: 20 working days on the official calendar (Art. 16); a late
entry is accepted and marked late. When every subject of every team of the task has its
result, the task moves to ``results_entered`` — before that, publication is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import CheckRecord, FinalResult, Inspector, Subject, Task, TaskSubject, Team

from services import vocab
from services.actors import Actor
from services.audit import AuditTrail, jsonable
from services.calendar import CalendarService
from services.clock import Clock, local_date
from services.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from services.records import FIELD_STATES, ItemLine, RecordService, RecordView
from services.tasks import TaskService

MAX_SUMMARY_CHARS = 2000
NO_PROBLEM = "1"
FOLLOW_UP = "A"


class ResultNotLeader(DomainError):
    """Only the team's leader enters its final results (Art. 13)."""

    key = "result-not-leader"


class ResultInvalid(DomainError):
    """The categories or measures do not fit together; ``reason`` says how."""

    key = "result-invalid"


@dataclass(frozen=True)
class ResultEntry:
    """What the leader enters for one subject."""

    categories: tuple[str, ...]
    summary: str
    disposals: tuple[str, ...]
    disposal_other: str = ""
    correction_due_on: dt.date | None = None
    check_date: dt.date | None = None  # default: the day of the last submitted record


@dataclass(frozen=True)
class ResultView:
    """A final result as the bot, the PDF, the exports and the public pages see it."""

    id: int
    task_id: int
    task_code: str
    team_number: int
    subject_id: int
    subject_name: str
    subject_identifier: str
    categories: tuple[str, ...]
    summary: str
    disposals: tuple[str, ...]
    disposal_other: str
    correction_due_on: dt.date | None
    check_date: dt.date
    due_on: dt.date
    due_assumed_years: tuple[int, ...]
    entered_on: dt.date
    late: bool
    entered_by: str
    entered_by_certificate: str
    entered_at: dt.datetime
    revisions: int

    def category_labels(self, language: str | None = "zh") -> list[str]:
        """The categories in words, in the vocabulary's order."""
        return vocab.results().labels(self.categories, language)


@dataclass(frozen=True)
class SubjectSheet:
    """What the leader sees of one subject: every department × item line, the records and
    the result so far, and when it is due."""

    task_id: int
    subject_id: int
    subject_name: str
    team_number: int
    lines: tuple[ItemLine, ...]
    records: tuple[RecordView, ...]
    result: ResultView | None
    check_date: dt.date | None
    due_on: dt.date | None

    @property
    def unconfirmed(self) -> tuple[RecordView, ...]:
        """Submitted records nobody co-signed."""
        return tuple(r for r in self.records if r.locked and not r.confirmed)

    @property
    def missing(self) -> tuple[ItemLine, ...]:
        """Department × item lines without a submitted record."""
        return tuple(line for line in self.lines if line.state in ("missing", "draft"))


@dataclass(frozen=True)
class EntryOutcome:
    """The result entered, and whether it completed the task (→ results_entered)."""

    result: ResultView
    task_state: str
    task_completed: bool
    revised: bool


@dataclass(frozen=True)
class TaskProgress:
    """How many subjects of a task have their final result."""

    task_id: int
    subjects: int
    with_result: int
    late: int
    missing: tuple[int, ...] = field(default=())


def validate_entry(entry: ResultEntry) -> ResultEntry:
    """The categories and measures as data (FIELDWORK §3, §4), normalised; refusals name the
    rule that was broken."""
    results, disposals = vocab.results(), vocab.disposals()
    if not entry.categories:
        raise ResultInvalid(reason="no-category")
    unknown = results.unknown(entry.categories)
    if unknown:
        raise ValidationFailed("result-unknown-category", codes=", ".join(unknown))
    categories = results.ordered(entry.categories)
    subkinds = [c for c in categories if (results.get(c) or vocab.Term("", "", "")).flag(
        "parent") == FOLLOW_UP]
    if FOLLOW_UP in categories and not subkinds:
        raise ResultInvalid(reason="follow-up-needs-kind")
    if subkinds and FOLLOW_UP not in categories:
        categories = results.ordered([*categories, FOLLOW_UP])  # a sub-kind implies A
    if NO_PROBLEM in categories and len(categories) > 1:
        raise ResultInvalid(reason="no-problem-alone")
    if not entry.disposals:
        raise ResultInvalid(reason="no-disposal")
    unknown = disposals.unknown(entry.disposals)
    if unknown:
        raise ValidationFailed("result-unknown-disposal", codes=", ".join(unknown))
    measures = disposals.ordered(entry.disposals)
    if "none" in measures and len(measures) > 1:
        raise ResultInvalid(reason="nothing-further-alone")
    other = entry.disposal_other.strip()
    if "other" in measures and not other:
        raise ResultInvalid(reason="other-needs-text")
    needs_deadline = any((disposals.get(m) or vocab.Term("", "", "")).flag("needs_deadline")
                         for m in measures)
    if needs_deadline and entry.correction_due_on is None:
        raise ResultInvalid(reason="correction-needs-deadline")
    if not needs_deadline and entry.correction_due_on is not None:
        raise ResultInvalid(reason="deadline-without-correction")
    summary = entry.summary.strip()
    if not summary:
        raise ResultInvalid(reason="no-summary")
    if len(summary) > MAX_SUMMARY_CHARS or len(other) > MAX_SUMMARY_CHARS:
        raise ValidationFailed("record-text-too-long", field="summary", limit=MAX_SUMMARY_CHARS)
    return ResultEntry(tuple(categories), summary, tuple(measures),
                       other if "other" in measures else "", entry.correction_due_on,
                       entry.check_date)


class ResultService:
    """The leader's final results and the task's move to ``results_entered``."""

    def __init__(self, session: AsyncSession, clock: Clock, calendar: CalendarService,
                 tasks: TaskService, records: RecordService) -> None:
        self._session = session
        self._clock = clock
        self._calendar = calendar
        self._tasks = tasks
        self._records = records
        self._audit = AuditTrail(session, clock)

    async def _team_of(self, task_id: int, subject_id: int) -> tuple[Task, Team, Subject]:
        link = await self._session.scalar(select(TaskSubject).where(
            TaskSubject.task_id == task_id, TaskSubject.subject_id == subject_id))
        if link is None or link.team_id is None:
            raise NotFound("record-subject-not-in-task", task_id=task_id, subject_id=subject_id)
        task = await self._session.get(Task, task_id)
        team = await self._session.get(Team, link.team_id)
        subject = await self._session.get(Subject, subject_id)
        assert task
        assert team
        assert subject
        return task, team, subject

    async def _leader_check(self, team: Team, inspector_id: int | None) -> None:
        if inspector_id is None or team.leader_inspector_id != inspector_id:
            raise ResultNotLeader(team=team.number)

    async def check_date(self, task_id: int, subject_id: int) -> dt.date | None:
        """The day the check ended: the last submission of a record of the subject (Shanghai)."""
        last = await self._session.scalar(select(func.max(CheckRecord.submitted_at)).where(
            CheckRecord.task_id == task_id, CheckRecord.subject_id == subject_id,
            CheckRecord.state == "submitted"))
        return local_date(last) if last else None

    async def _view(self, row: FinalResult) -> ResultView:
        task = await self._session.get(Task, row.task_id)
        team = await self._session.get(Team, row.team_id)
        subject = await self._session.get(Subject, row.subject_id)
        leader = await self._session.get(Inspector, row.entered_by_inspector_id)
        assert task
        assert team
        assert subject
        return ResultView(
            id=row.id, task_id=task.id, task_code=task.code, team_number=team.number,
            subject_id=subject.id, subject_name=subject.name,
            subject_identifier=subject.identifier, categories=tuple(row.categories),
            summary=row.summary, disposals=tuple(row.disposals),
            disposal_other=row.disposal_other, correction_due_on=row.correction_due_on,
            check_date=row.check_date, due_on=row.due_on,
            due_assumed_years=tuple(row.due_assumed_years), entered_on=row.entered_on,
            late=row.late, entered_by=leader.name if leader else "?",
            entered_by_certificate=(leader.certificate_no or "") if leader else "",
            entered_at=row.entered_at, revisions=row.revisions)

    async def get(self, task_id: int, subject_id: int) -> ResultView | None:
        """The subject's final result, or None."""
        row = await self._session.scalar(select(FinalResult).where(
            FinalResult.task_id == task_id, FinalResult.subject_id == subject_id))
        return await self._view(row) if row else None

    async def for_task(self, task_id: int) -> list[ResultView]:
        """Every final result of a task, by team and subject."""
        rows = (await self._session.scalars(select(FinalResult).where(
            FinalResult.task_id == task_id).order_by(FinalResult.team_id,
                                                     FinalResult.subject_id))).all()
        return [await self._view(r) for r in rows]

    async def sheet(self, task_id: int, subject_id: int) -> SubjectSheet:
        """The leader's view of one subject: records by department and item, the result."""
        _task, team, subject = await self._team_of(task_id, subject_id)
        lines = await self._records.subject_lines(task_id, subject_id)
        records = await self._records.for_subject(task_id, subject_id)
        result = await self.get(task_id, subject_id)
        check_date = result.check_date if result else await self.check_date(task_id, subject_id)
        due = (await self._calendar.result_due_on(check_date)).due_on if check_date else None
        return SubjectSheet(task_id, subject_id, subject.name, team.number, tuple(lines),
                            tuple(records), result, check_date, due)

    async def team_sheets(self, inspector_id: int | None, task_id: int) -> list[SubjectSheet]:
        """Every subject of the leader's team in the task, in visiting order."""
        team = await self._session.scalar(select(Team).where(
            Team.task_id == task_id, Team.leader_inspector_id == inspector_id)) \
            if inspector_id is not None else None
        if team is None:
            raise ResultNotLeader(team="-")
        links = (await self._session.scalars(select(TaskSubject).where(
            TaskSubject.task_id == task_id, TaskSubject.team_id == team.id)
            .order_by(TaskSubject.visit_order, TaskSubject.subject_id))).all()
        return [await self.sheet(task_id, link.subject_id) for link in links]

    async def enter(self, actor: Actor, task_id: int, subject_id: int,
                    entry: ResultEntry, *, reason: str = "") -> EntryOutcome:
        """Enter (or, with a reason, revise) the subject's final result.

        Only the team's leader (``actor.inspector_id``) may: anyone else, a system actor
        included (it has no inspector to sign the form), is refused with ``ResultNotLeader``;
        the audit trail names ``actor.label``."""
        task, team, subject = await self._team_of(task_id, subject_id)
        inspector_id = actor.inspector_id
        await self._leader_check(team, inspector_id)
        assert inspector_id is not None
        who = actor.label
        if task.state not in FIELD_STATES:
            raise IllegalTransition("result-task-closed", code=task.code, state=task.state)
        entry = validate_entry(entry)
        today = local_date(self._clock())
        check_date = entry.check_date or await self.check_date(task_id, subject_id) or today
        if check_date > today:
            raise ValidationFailed("task-day-in-future", code=task.code,
                                   day=check_date.isoformat(), today=today.isoformat())
        if entry.correction_due_on is not None and entry.correction_due_on < check_date:
            raise ResultInvalid(reason="correction-before-check")
        due = await self._calendar.result_due_on(check_date)
        late = today > due.due_on
        row = await self._session.scalar(select(FinalResult).where(
            FinalResult.task_id == task_id, FinalResult.subject_id == subject_id)
            .with_for_update())
        values = {
            "categories": list(entry.categories), "summary": entry.summary,
            "disposals": list(entry.disposals), "disposal_other": entry.disposal_other,
            "correction_due_on": entry.correction_due_on, "check_date": check_date,
            "due_on": due.due_on, "due_assumed_years": list(due.assumed_years),
            "entered_on": today, "late": late,
        }
        revised = row is not None
        if row is None:
            row = FinalResult(task_id=task_id, team_id=team.id, subject_id=subject_id,
                              entered_by_inspector_id=inspector_id, entered_at=self._clock(),
                              revisions=0, **values)
            self._session.add(row)
            await self._session.flush()
            await self._audit.record(who, "result.entered", "final_result", row.id, {
                "task": task.code, "subject_id": subject_id, **jsonable(values)})
        else:
            if not reason.strip():
                raise ValidationFailed("result-revise-needs-reason")
            before = {k: getattr(row, k) for k in values}
            for key, value in values.items():
                setattr(row, key, value)
            row.revisions += 1
            row.entered_by_inspector_id = inspector_id
            row.entered_at = self._clock()
            await self._audit.record(who, "result.revised", "final_result", row.id, {
                "task": task.code, "subject_id": subject_id, "reason": reason.strip(),
                "before": jsonable(before), "after": jsonable(values)})
        await self._session.flush()
        progress = await self.progress(task_id)
        completed = False
        if not progress.missing and task.state != "results_entered":
            await self._tasks.record_results_entered(task_id, who, {
                "on": today.isoformat(), "subjects": progress.subjects, "late": progress.late})
            completed = True
        await self._session.commit()
        return EntryOutcome(await self._view(row), task.state, completed, revised)

    async def working_days_late(self, due_on: dt.date, on: dt.date) -> int:
        """How many working days ``on`` is after ``due_on`` (0 when not after it)."""
        if on <= due_on:
            return 0
        rules = await self._calendar.rules_for(due_on, on)
        day, count = due_on, 0
        while day < on:
            day += dt.timedelta(days=1)
            count += rules.status(day).is_working
        return count

    async def late_by(self, result: ResultView) -> int:
        """How many working days after its deadline the result was entered (0: on time)."""
        return await self.working_days_late(result.due_on, result.entered_on) if result.late \
            else 0

    async def progress(self, task_id: int) -> TaskProgress:
        """Subjects of the task (every team) with and without a final result."""
        subjects = (await self._session.scalars(select(TaskSubject.subject_id).where(
            TaskSubject.task_id == task_id, TaskSubject.team_id.is_not(None)))).all()
        rows = (await self._session.execute(select(FinalResult.subject_id, FinalResult.late)
                                            .where(FinalResult.task_id == task_id))).all()
        done = {subject_id for subject_id, _late in rows}
        return TaskProgress(task_id, len(subjects), len(done & set(subjects)),
                            sum(1 for _s, late in rows if late),
                            tuple(sorted(set(subjects) - done)))
