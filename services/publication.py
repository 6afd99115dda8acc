"""一公开: what the public sees — the item catalogue, the annual plans, each task with its draws,
the result announcement (检查结果公告, FIELDWORK §6) — and the organiser's publication.

Results come through a read port, :class:`ResultsSource` (the check records live elsewhere):
publication is refused until every drawn subject has a final result, naming what is missing.
A publication is a frozen snapshot; a correction is a new version, the old one kept and shown
as corrected. Public codes are numbered as the national system does: plan ``420700`` + year +
``1`` + sequence (14 characters), task ``420700`` + yyyyMMdd + ``1`` + sequence (18).
Only the result of the inspection act is shown (Art. 16) and no inspector appears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    AnnualPlan,
    Department,
    Draw,
    InspectionItem,
    PlanEntry,
    Publication,
    Subject,
    Task,
    TaskSubject,
)

from services.actors import Actor
from services.audit import AuditTrail
from services.clock import SHANGHAI, Clock
from services.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from services.tasks import TaskState
from services.vocabulary import PlanEntryStatus, PlanStatus

DIVISION_CODE = "420700"  # Ezhou (FIELDWORK §6)
# states in which a task is public: approved by every department, drawn, checked, published
PUBLIC_STATES = (TaskState.APPROVED, TaskState.SUBJECTS_DRAWN, TaskState.INSPECTORS_DRAWN,
                 TaskState.TEAMS_FORMED, TaskState.IN_PROGRESS, TaskState.RESULTS_DUE,
                 TaskState.RESULTS_ENTERED, TaskState.PUBLISHED, TaskState.ARCHIVED)
# every subject's final result is checked again at publication, whatever the state says
PUBLISHABLE_STATES = (TaskState.RESULTS_DUE, TaskState.RESULTS_ENTERED)
CORRECTABLE_STATES = (TaskState.PUBLISHED, TaskState.ARCHIVED)
MISSING_SHOWN = 10
SEARCH_LIMIT = 50


# --------------------------------------------------------------------------- the results port


@dataclass(frozen=True)
class ResultCategory:
    """One 检查结果 category (FIELDWORK §3): its code and labels."""

    code: str
    label_zh: str
    label_en: str = ""


@dataclass(frozen=True)
class ItemResult:
    """The result of one inspection item for one subject (the detail page's row)."""

    item_code: str
    item_name: str
    result_zh: str
    result_en: str = ""


@dataclass(frozen=True)
class SubjectResult:
    """A subject's final result in a task: completion date, categories, per-item results."""

    subject_id: int
    completed_on: dt.date
    categories: tuple[ResultCategory, ...]
    items: tuple[ItemResult, ...] = ()
    remark: str = ""


class ResultsSource(Protocol):
    """Where the final results of a task's checks come from (the results service)."""

    async def final_results(self, task_id: int) -> Mapping[int, SubjectResult]:
        """Final results by subject id; a subject without one is absent."""
        ...


class NoResultsYet:
    """The results source until check records exist: nothing is final, nothing publishable."""

    async def final_results(self, task_id: int) -> Mapping[int, SubjectResult]:
        """No results."""
        return {}


class PublicationIncomplete(DomainError):
    """Publication refused: some drawn subjects have no final result yet."""

    key = "publication-missing-results"


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class DepartmentName:
    """A department as the public reads it."""

    code: str
    name_zh: str
    name_en: str

    def name(self, language: str) -> str:
        """The name in ``language`` (Chinese when no English name)."""
        return self.name_en if language == "en" and self.name_en else self.name_zh


@dataclass(frozen=True)
class CatalogueItem:
    """抽查事项: one item of the catalogue with its legal basis."""

    code: str
    name: str
    legal_basis: str
    departments: tuple[str, ...]
    methods: tuple[str, ...]


@dataclass(frozen=True)
class PublicPlanEntry:
    """One approved line of the annual plan."""

    public_code: str
    title: str
    department: str
    departments: tuple[str, ...]
    items: tuple[str, ...]
    period_start: dt.date
    period_end: dt.date


@dataclass(frozen=True)
class PublicPlan:
    """An approved annual plan (年度部门联合抽查计划)."""

    year: int
    approved_at: dt.datetime | None
    entries: tuple[PublicPlanEntry, ...]


@dataclass(frozen=True)
class PublicDraw:
    """A draw as published: commitment first, the entropy after, then the result."""

    id: int
    kind: str
    department: str | None
    status: str
    commitment: str
    committed_at: dt.datetime
    entropy_source: dict[str, Any]
    entropy_evidence: dict[str, Any] | None
    completed_at: dt.datetime | None
    summary: dict[str, Any]
    reason: str
    supersedes_id: int | None


@dataclass(frozen=True)
class TaskSummary:
    """A task in the public list."""

    code: str
    name: str
    state: str
    lead: DepartmentName
    window_start: dt.date
    window_end: dt.date
    published: bool


@dataclass(frozen=True)
class PublicTask:
    """One task's public page: who, what, where, how many, when, and its draws."""

    id: int
    code: str
    name: str
    state: str
    lead: DepartmentName
    departments: tuple[DepartmentName, ...]
    items: tuple[CatalogueItem, ...]
    scope: dict[str, Any]
    sample: dict[str, Any]
    window_start: dt.date
    window_end: dt.date
    subjects_drawn: int
    draws: tuple[PublicDraw, ...]
    published: bool


@dataclass(frozen=True)
class AnnouncementRow:
    """One subject's line of the announcement."""

    seq: int
    subject_id: int
    name: str
    uscc: str
    completed_on: str
    result_zh: str
    result_en: str
    remark: str
    items: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Announcement:
    """检查结果公告: one published version of a task's results (FIELDWORK §6 layout)."""

    task_code: str
    version: int
    corrected: bool
    reason: str
    published_at: dt.datetime
    title_zh: str
    title_en: str
    columns: dict[str, str]
    rows: tuple[AnnouncementRow, ...]
    earlier: tuple[tuple[int, dt.datetime], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SearchHit:
    """A subject drawn in a public task, with the task and the published result if any."""

    name: str
    uscc: str
    task_code: str
    task_name: str
    result_zh: str | None
    result_en: str | None
    subject_id: int


# --------------------------------------------------------------------------- helpers


def result_labels(result: SubjectResult) -> tuple[str, str]:
    """The announcement's 检查结果 cell in both languages (categories joined)."""
    zh = "；".join(c.label_zh for c in result.categories)
    en = "; ".join(c.label_en or c.label_zh for c in result.categories)
    return zh, en


def title_of(lead_zh: str, lead_en: str, year: int, number: int) -> tuple[str, str]:
    """``{牵头部门}{yyyy}年度第{NNN}号抽查任务检查结果公告`` and its English reading."""
    return (f"{lead_zh}{year}年度第{number:03d}号抽查任务检查结果公告",
            f"{lead_en or lead_zh}: results of spot-check task No. {number:03d} of {year}")


def normalise_query(text: str) -> str:
    """A search as typed: trimmed, full-width spaces folded, at most 100 characters."""
    return " ".join(text.replace("\u3000", " ").split())[:100]


class PublicationService:
    """Reads what the public sees and publishes a task's results (organiser only)."""

    def __init__(self, session: AsyncSession, clock: Clock, results: ResultsSource,
                 division_code: str = DIVISION_CODE) -> None:
        self._session = session
        self._clock = clock
        self._results = results
        self._division = division_code
        self._audit = AuditTrail(session, clock)

    # ------------------------------------------------------------------ reading

    async def _departments(self) -> dict[int, DepartmentName]:
        rows = (await self._session.scalars(select(Department))).all()
        return {d.id: DepartmentName(d.code, d.name_zh, d.name_en) for d in rows}

    async def department_names(self) -> dict[str, DepartmentName]:
        """Every department's names by code."""
        return {d.code: d for d in (await self._departments()).values()}

    async def catalogue_years(self) -> list[int]:
        """Years that have catalogue items, newest first."""
        years = (await self._session.scalars(
            select(InspectionItem.year).distinct().order_by(InspectionItem.year.desc()))).all()
        return list(years)

    async def catalogue(self, year: int) -> list[CatalogueItem]:
        """抽查事项清单 of ``year``: active items with their legal basis."""
        rows = (await self._session.scalars(
            select(InspectionItem).where(InspectionItem.year == year,
                                         InspectionItem.active.is_(True))
            .order_by(InspectionItem.code))).all()
        return [CatalogueItem(r.code, r.name, r.legal_basis, tuple(r.department_codes),
                              tuple(r.methods)) for r in rows]

    async def plans(self) -> list[PublicPlan]:
        """Approved annual plans, newest first, with their approved or merged-into entries."""
        plans = (await self._session.scalars(
            select(AnnualPlan).where(AnnualPlan.status == PlanStatus.APPROVED)
            .order_by(AnnualPlan.year.desc()))).all()
        departments = await self._departments()
        out = []
        for plan in plans:
            entries = (await self._session.scalars(
                select(PlanEntry).where(PlanEntry.plan_id == plan.id,
                                        PlanEntry.status == PlanEntryStatus.APPROVED)
                .order_by(PlanEntry.id))).all()
            lines = []
            for e in entries:
                lines.append(PublicPlanEntry(
                    public_code=await self._plan_code(e.id),
                    title=e.title,
                    department=departments[e.submitted_by_department_id].name_zh,
                    departments=tuple(e.department_codes), items=tuple(e.item_codes),
                    period_start=e.period_start, period_end=e.period_end))
            out.append(PublicPlan(plan.year, plan.approved_at, tuple(lines)))
        return out

    async def _plan_code(self, entry_id: int | None) -> str:
        """``420700`` + year + ``1`` + the entry's sequence in its year (14 characters)."""
        if entry_id is None:
            return ""
        entry = await self._session.get(PlanEntry, entry_id)
        if entry is None:
            return ""
        plan = await self._session.get(AnnualPlan, entry.plan_id)
        seq = int(await self._session.scalar(
            select(func.count()).select_from(PlanEntry)
            .where(PlanEntry.plan_id == entry.plan_id, PlanEntry.id <= entry_id)) or 0)
        return f"{self._division}{plan.year if plan else 0:04d}1{seq:03d}"

    async def tasks(self) -> list[TaskSummary]:
        """Public tasks, newest first."""
        departments = await self._departments()
        rows = (await self._session.scalars(
            select(Task).where(Task.state.in_(PUBLIC_STATES)).order_by(Task.id.desc()))).all()
        published = await self._published_task_ids()
        return [TaskSummary(t.code, t.name, t.state, departments[t.lead_department_id],
                            t.window_start, t.window_end, t.id in published) for t in rows]

    async def _published_task_ids(self) -> set[int]:
        return set((await self._session.scalars(select(Publication.task_id).distinct())).all())

    async def _public_task_row(self, code: str) -> Task:
        task = await self._session.scalar(select(Task).where(Task.code == code))
        if task is None or task.state not in PUBLIC_STATES:
            raise NotFound("publication-no-task", code=code)
        return task

    async def task(self, code: str) -> PublicTask:
        """One public task with its items (and legal bases) and its draws."""
        task = await self._public_task_row(code)
        departments = await self._departments()
        by_code = {d.code: d for d in departments.values()}
        items = {i.code: i for i in await self.catalogue(task.item_year)}
        draws = (await self._session.scalars(
            select(Draw).where(Draw.task_id == task.id).order_by(Draw.id))).all()
        drawn = int(await self._session.scalar(
            select(func.count()).select_from(TaskSubject)
            .where(TaskSubject.task_id == task.id)) or 0)
        return PublicTask(
            id=task.id, code=task.code, name=task.name, state=task.state,
            lead=departments[task.lead_department_id],
            departments=tuple(by_code.get(c, DepartmentName(c, c, c))
                              for c in task.department_codes),
            items=tuple(items.get(c, CatalogueItem(c, c, "", (), ())) for c in task.item_codes),
            scope=dict(task.scope), sample=dict(task.sample),
            window_start=task.window_start, window_end=task.window_end,
            subjects_drawn=drawn,
            draws=tuple(PublicDraw(
                id=d.id, kind=d.kind,
                department=departments[d.department_id].code if d.department_id else None,
                status=d.status, commitment=d.manifest_sha256, committed_at=d.committed_at,
                entropy_source=dict(d.entropy_source),
                entropy_evidence=dict(d.entropy_evidence) if d.entropy_evidence else None,
                completed_at=d.completed_at, summary=dict(d.summary), reason=d.reason,
                supersedes_id=d.supersedes_id) for d in draws),
            published=task.id in await self._published_task_ids())

    async def draw_task_code(self, draw_id: int) -> str:
        """The public task a draw belongs to (NotFound when the task is not public)."""
        task = await self._session.scalar(
            select(Task).join(Draw, Draw.task_id == Task.id).where(Draw.id == draw_id))
        if task is None or task.state not in PUBLIC_STATES:
            raise NotFound("publication-no-draw", id=draw_id)
        return task.code

    async def announcement(self, code: str, version: int | None = None) -> Announcement | None:
        """The published announcement (the latest version unless asked); None before."""
        task = await self._public_task_row(code)
        versions = (await self._session.scalars(
            select(Publication).where(Publication.task_id == task.id)
            .order_by(Publication.version))).all()
        if not versions:
            return None
        chosen = versions[-1] if version is None else next(
            (p for p in versions if p.version == version), None)
        if chosen is None:
            raise NotFound("publication-no-version", code=code, version=version or 0)
        snap = chosen.snapshot
        rows = tuple(AnnouncementRow(
            seq=r["seq"], subject_id=r["subject_id"], name=r["name"], uscc=r["uscc"],
            completed_on=r["completed_on"], result_zh=r["result_zh"], result_en=r["result_en"],
            remark=r.get("remark", ""), items=tuple(r.get("items", ())))
            for r in snap["rows"])
        return Announcement(
            task_code=task.code, version=chosen.version, corrected=chosen.version > 1,
            reason=chosen.reason, published_at=chosen.published_at,
            title_zh=snap["title_zh"], title_en=snap["title_en"], columns=dict(snap["columns"]),
            rows=rows,
            earlier=tuple((p.version, p.published_at) for p in versions if p is not chosen))

    async def subject_detail(self, code: str, subject_id: int
                             ) -> tuple[Announcement, AnnouncementRow]:
        """One subject's detail page (序号 · 检查事项 · 检查结果) in the latest announcement."""
        published = await self.announcement(code)
        row = next((r for r in published.rows if r.subject_id == subject_id),
                   None) if published else None
        if published is None or row is None:
            raise NotFound("publication-no-subject", code=code)
        return published, row

    async def search(self, text: str) -> list[SearchHit]:
        """Subjects drawn in public tasks whose name contains ``text`` or whose USCC is it."""
        query = normalise_query(text)
        if len(query) < 2:
            return []
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = (select(Subject, Task)
                .join(TaskSubject, TaskSubject.subject_id == Subject.id)
                .join(Task, Task.id == TaskSubject.task_id)
                .where(Task.state.in_(PUBLIC_STATES),
                       or_(Subject.name.like(pattern, escape="\\"),
                           Subject.identifier == query.upper()))
                .order_by(Task.id.desc(), Subject.name).limit(SEARCH_LIMIT))
        hits = []
        latest: dict[str, Announcement | None] = {}
        for subject, task in (await self._session.execute(stmt)).all():
            if task.code not in latest:
                latest[task.code] = await self.announcement(task.code)
            published = latest[task.code]
            row = next((r for r in published.rows if r.subject_id == subject.id),
                       None) if published else None
            hits.append(SearchHit(subject.name, subject.identifier, task.code, task.name,
                                  row.result_zh if row else None,
                                  row.result_en if row else None, subject.id))
        return hits

    # ------------------------------------------------------------------ publishing

    async def missing_results(self, code: str) -> list[tuple[int, str, str]]:
        """Drawn subjects without a final result: (id, name, USCC)."""
        task = await self._task_by_code(code)
        results = await self._results.final_results(task.id)
        rows = (await self._session.execute(
            select(Subject.id, Subject.name, Subject.identifier)
            .join(TaskSubject, TaskSubject.subject_id == Subject.id)
            .where(TaskSubject.task_id == task.id).order_by(Subject.id))).all()
        return [(r[0], r[1], r[2]) for r in rows if r[0] not in results]

    async def _task_by_code(self, code: str) -> Task:
        task = await self._session.scalar(select(Task).where(Task.code == code))
        if task is None:
            raise NotFound("publication-no-task", code=code)
        return task

    async def publish(self, code: str, actor: Actor, *, reason: str = "") -> Announcement:
        """Publish the task's results (a correction when already published: give ``reason``).

        Only the organiser or the lead department's admin (or the system) may (Art. 16: the
        departments publish the results of the acts they took part in, through the lead);
        refused first, before anything is read out. Refused before every drawn subject has a
        final result, with what is missing."""
        task = await self._task_by_code(code)
        departments = await self._departments()
        lead = departments[task.lead_department_id]
        actor.require_department(lead.code, "publish", organiser_too=True, code=code)
        correcting = task.state in CORRECTABLE_STATES
        if not correcting and task.state not in PUBLISHABLE_STATES:
            raise IllegalTransition("publication-wrong-state", code=code, state=task.state)
        if correcting and not reason.strip():
            raise ValidationFailed("publication-correction-needs-reason", code=code)
        results = await self._results.final_results(task.id)
        subjects = (await self._session.scalars(
            select(Subject).join(TaskSubject, TaskSubject.subject_id == Subject.id)
            .where(TaskSubject.task_id == task.id).order_by(Subject.id))).all()
        missing = [s for s in subjects if s.id not in results]
        if missing or not subjects:
            shown = "、".join(f"{s.name}（{s.identifier}）" for s in missing[:MISSING_SHOWN])
            raise PublicationIncomplete(code=code, count=len(missing), subjects=shown or "-")
        now = self._clock()
        earlier = (await self._session.scalars(
            select(Publication).where(Publication.task_id == task.id)
            .order_by(Publication.version))).all()
        if earlier:
            first = earlier[0]
            task_code, plan_code, number, year = (first.public_task_code, first.public_plan_code,
                                                  first.number, first.year)
            for old in earlier:
                if old.superseded_at is None:
                    old.superseded_at = now
        else:
            task_code, plan_code, number, year = await self._new_codes(task, now)
        title_zh, title_en = title_of(lead.name_zh, lead.name_en, year, number)
        snapshot = {
            "title_zh": title_zh, "title_en": title_en,
            "columns": await self._columns(task, lead, plan_code, task_code, departments),
            "rows": [self._row(n, s, results[s.id]) for n, s in enumerate(
                sorted(subjects, key=lambda s: (results[s.id].completed_on, s.id)), start=1)],
        }
        version = len(earlier) + 1
        self._session.add(Publication(
            task_id=task.id, version=version, public_task_code=task_code,
            public_plan_code=plan_code, number=number, year=year, snapshot=snapshot,
            reason=reason.strip(), published_by=actor.label, published_at=now))
        if task.state in PUBLISHABLE_STATES:
            task.state = "published"
        await self._audit.record(actor, "publication.publish", "task", str(task.id),
                                 {"code": task.code, "version": version,
                                  "public_task_code": task_code, "reason": reason.strip(),
                                  "subjects": len(subjects)})
        await self._session.commit()
        announcement = await self.announcement(code)
        assert announcement is not None
        return announcement

    async def _new_codes(self, task: Task, now: dt.datetime) -> tuple[str, str, int, int]:
        day = now.astimezone(SHANGHAI).date()
        same_day = int(await self._session.scalar(
            select(func.count(func.distinct(Publication.task_id)))
            .where(Publication.public_task_code.like(f"{self._division}{day:%Y%m%d}1%"))) or 0)
        task_code = f"{self._division}{day:%Y%m%d}1{same_day + 1:03d}"
        plan_code = await self._plan_code(task.plan_entry_id) or f"{self._division}{day.year}1000"
        lead_tasks = select(Task.id).where(Task.lead_department_id == task.lead_department_id)
        number = int(await self._session.scalar(
            select(func.count(func.distinct(Publication.task_id)))
            .where(Publication.year == day.year, Publication.task_id.in_(lead_tasks))) or 0) + 1
        return task_code, plan_code, number, day.year

    async def _columns(self, task: Task, lead: DepartmentName, plan_code: str, task_code: str,
                       departments: Mapping[int, DepartmentName]) -> dict[str, str]:
        entry = await self._session.get(PlanEntry, task.plan_entry_id) \
            if task.plan_entry_id else None
        by_code = {d.code: d for d in departments.values()}
        names = [by_code[c].name_zh if c in by_code else c for c in task.department_codes]
        joint = len(task.department_codes) > 1
        return {
            "plan_code": plan_code, "plan_name": entry.title if entry else task.name,
            "task_code": task_code, "task_name": task.name, "jointcheck_code": task.code,
            "type_zh": "定向（部门联合）" if joint else "定向",
            "type_en": "targeted (joint)" if joint else "targeted",
            "authority": "、".join(names), "lead": lead.name_zh,
            "items": "、".join(task.item_codes),
        }

    @staticmethod
    def _row(seq: int, subject: Subject, result: SubjectResult) -> dict[str, Any]:
        zh, en = result_labels(result)
        return {"seq": seq, "subject_id": subject.id, "name": subject.name,
                "uscc": subject.identifier, "completed_on": result.completed_on.isoformat(),
                "result_zh": zh, "result_en": en, "remark": result.remark,
                "categories": [c.code for c in result.categories],
                "items": [{"seq": str(n), "item_code": i.item_code, "item_name": i.item_name,
                           "result_zh": i.result_zh, "result_en": i.result_en or i.result_zh}
                          for n, i in enumerate(result.items, start=1)]}


def missing_text(missing: Sequence[tuple[int, str, str]]) -> str:
    """The missing subjects as one line."""
    return "、".join(f"{name}（{uscc}）" for _id, name, uscc in missing[:MISSING_SHOWN])
