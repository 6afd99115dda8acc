"""抽查任务: the joint task, its review by every department (会审) and its states (Art. 3, 12, 24).

draft → in_review → approved (or returned → draft) → subjects_drawn → inspectors_drawn →
teams_formed → in_progress → results_due → results_entered → published → archived.
``results_entered`` is reached only by ``ResultService`` when every subject of every team has
its final result (Art. 13, 16); publication is refused before that. Each step is an *action* with
the states it may start from; anything else is refused with the list of what is possible now,
and every step lands in the audit trail. The draw steps are taken by ``DrawService`` when a
draw completes, never by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import AnnualPlan, PlanEntry, Task, TaskReview

from services.actors import Actor
from services.audit import AuditTrail, jsonable
from services.calendar import CalendarService
from services.clock import Clock, local_date
from services.errors import IllegalTransition, NotFound, ValidationFailed
from services.plans import (
    RISK_CLASSES,
    SubjectScope,
    check_items,
    department_codes_by_id,
    departments_by_code,
    parse_ratio,
)
from services.review_brief import ReviewBrief, review_brief
from services.vocabulary import PlanEntryStatus, PlanStatus, ReviewDecision


class TaskState(StrEnum):
    """Where a task is in its life."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETURNED = "returned"
    SUBJECTS_DRAWN = "subjects_drawn"
    INSPECTORS_DRAWN = "inspectors_drawn"
    TEAMS_FORMED = "teams_formed"
    IN_PROGRESS = "in_progress"
    RESULTS_DUE = "results_due"
    RESULTS_ENTERED = "results_entered"
    PUBLISHED = "published"
    ARCHIVED = "archived"


S = TaskState


@dataclass(frozen=True)
class Step:
    """One action of the workflow: the states it may start from and where it leads."""

    action: str
    sources: frozenset[TaskState]
    target: TaskState
    by_draw: bool = False  # taken only by a completed draw
    by_results: bool = False  # taken only when the last final result is entered


STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step("submit", frozenset({S.DRAFT}), S.IN_REVIEW),
        Step("approve", frozenset({S.IN_REVIEW}), S.APPROVED),
        Step("return", frozenset({S.IN_REVIEW}), S.RETURNED),
        Step("reopen", frozenset({S.RETURNED}), S.DRAFT),
        Step("draw-subjects", frozenset({S.APPROVED}), S.SUBJECTS_DRAWN, by_draw=True),
        Step("draw-inspectors", frozenset({S.SUBJECTS_DRAWN}), S.INSPECTORS_DRAWN, by_draw=True),
        Step("form-teams", frozenset({S.INSPECTORS_DRAWN}), S.TEAMS_FORMED, by_draw=True),
        Step("start", frozenset({S.TEAMS_FORMED}), S.IN_PROGRESS),
        Step("finish", frozenset({S.IN_PROGRESS}), S.RESULTS_DUE),
        Step("enter-results", frozenset({S.TEAMS_FORMED, S.IN_PROGRESS, S.RESULTS_DUE}),
             S.RESULTS_ENTERED, by_results=True),
        Step("publish", frozenset({S.RESULTS_ENTERED}), S.PUBLISHED),
        Step("archive", frozenset({S.PUBLISHED}), S.ARCHIVED),
    )
}
# what a person may do by hand with ``task advance``; review and draws have their own commands
MANUAL_ACTIONS = ("start", "finish", "publish", "archive")


def allowed_actions(state: str) -> list[str]:
    """The actions possible from ``state``."""
    return [s.action for s in STEPS.values() if state in s.sources]


class ReviewLine(NamedTuple):
    """One department's decision in the current review round."""

    department: str
    decision: ReviewDecision
    comment: str


@dataclass(frozen=True)
class TaskSpec:
    """What the organiser enters to create a joint task from an approved plan entry."""

    plan_entry_id: int
    name: str
    lead_department: str
    departments: tuple[str, ...]
    items: tuple[str, ...]
    window_start: dt.date
    window_end: dt.date
    team_count: int
    members_per_team: Mapping[str, int]
    sample: Mapping[str, Mapping[str, Any]]  # {"A": {"ratio": "0.05"}, "D": {"count": 40}}
    scope: Mapping[str, Any] = field(default_factory=dict)
    needs_experts: bool = False
    experts_per_team: int = 0
    code: str | None = None


@dataclass(frozen=True)
class TaskView:
    """A task as services hand it to the CLI, the bot and the web."""

    id: int
    code: str
    name: str
    state: str
    lead_department: str
    departments: tuple[str, ...]
    items: tuple[str, ...]
    item_year: int
    scope: dict[str, Any]
    sample: dict[str, Any]
    team_count: int
    members_per_team: dict[str, int]
    needs_experts: bool
    experts_per_team: int
    window_start: dt.date
    window_end: dt.date
    plan_entry_id: int | None
    review_round: int
    reviews: tuple[ReviewLine, ...]
    deadlines: dict[str, Any]
    created_by: str

    @property
    def next_actions(self) -> list[str]:
        """What can happen next."""
        return allowed_actions(self.state)


_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def normalise_sample(sample: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Sample size per risk class: a ratio (exact decimal text) or a count, one per class."""
    if not sample:
        raise ValidationFailed("task-no-sample")
    out: dict[str, dict[str, Any]] = {}
    for key, rule in sample.items():
        risk = str(key).upper()
        if risk not in RISK_CLASSES:
            raise ValidationFailed("scope-bad-risk-class", value=str(key))
        if not isinstance(rule, Mapping) or len(rule) != 1 or (
            "ratio" not in rule and "count" not in rule
        ):
            raise ValidationFailed("task-bad-sample", risk=risk, value=str(rule))
        if "ratio" in rule:
            ratio = parse_ratio(rule["ratio"])
            assert ratio is not None
            out[risk] = {"ratio": format(ratio, "f")}
        else:
            try:
                count = int(rule["count"])
            except (TypeError, ValueError) as exc:
                raise ValidationFailed("task-bad-sample", risk=risk, value=str(rule)) from exc
            if count < 0 or str(count) != str(rule["count"]).strip():
                raise ValidationFailed("task-bad-sample", risk=risk, value=str(rule))
            out[risk] = {"count": count}
    return dict(sorted(out.items()))


class TaskService:
    """Creates tasks from the plan, runs the review and moves tasks through their states."""

    def __init__(self, session: AsyncSession, clock: Clock,
                 calendar: CalendarService) -> None:
        self._session = session
        self._clock = clock
        self._calendar = calendar
        self._audit = AuditTrail(session, clock)

    # ----------------------------------------------------------------- reading

    async def row(self, task_id: int, *, lock: bool = False) -> Task:
        """The task's row (for other services), locked for update when asked."""
        stmt = select(Task).where(Task.id == task_id)
        if lock:
            stmt = stmt.with_for_update()
        task = await self._session.scalar(stmt)
        if task is None:
            raise NotFound("task-not-found", id=task_id)
        return task

    async def by_code(self, code: str) -> TaskView:
        """The task with this code."""
        task = await self._session.scalar(select(Task).where(Task.code == code))
        if task is None:
            raise NotFound("task-not-found", id=code)
        return await self._view(task)

    async def resolve(self, ref: str | int) -> int:
        """A task id from an id or a code, as people type them."""
        if isinstance(ref, int) or str(ref).isdigit():
            task = await self._session.get(Task, int(ref))
            if task is not None:
                return task.id
        task_id = await self._session.scalar(select(Task.id).where(Task.code == str(ref)))
        if task_id is None:
            raise NotFound("task-not-found", id=str(ref))
        return int(task_id)

    async def _round(self, task_id: int) -> int:
        value = await self._session.scalar(
            select(func.max(TaskReview.round)).where(TaskReview.task_id == task_id)
        )
        return int(value or 0)

    async def _view(self, task: Task, codes: dict[int, str] | None = None) -> TaskView:
        codes = codes or await department_codes_by_id(self._session)
        review_round = await self._round(task.id)
        reviews = (await self._session.scalars(
            select(TaskReview).where(TaskReview.task_id == task.id,
                                     TaskReview.round == review_round)
        )).all() if review_round else []
        order = {code: n for n, code in enumerate(task.department_codes)}
        lines = sorted(
            (ReviewLine(codes[r.department_id], ReviewDecision.parse(r.decision), r.comment)
             for r in reviews),
            key=lambda line: order.get(line.department, 99),
        )
        return TaskView(
            id=task.id, code=task.code, name=task.name, state=task.state,
            lead_department=codes[task.lead_department_id],
            departments=tuple(task.department_codes), items=tuple(task.item_codes),
            item_year=task.item_year, scope=dict(task.scope), sample=dict(task.sample),
            team_count=task.team_count,
            members_per_team={k: int(v) for k, v in task.members_per_team.items()},
            needs_experts=task.needs_experts, experts_per_team=task.experts_per_team,
            window_start=task.window_start, window_end=task.window_end,
            plan_entry_id=task.plan_entry_id, review_round=review_round,
            reviews=tuple(lines), deadlines=dict(task.deadlines), created_by=task.created_by,
        )

    async def get(self, task_id: int) -> TaskView:
        """One task with its current review round."""
        return await self._view(await self.row(task_id))

    async def list_tasks(self, state: str | None = None, department: str | None = None
                         ) -> list[TaskView]:
        """Tasks, newest first, optionally in one state or involving one department."""
        stmt = select(Task).order_by(Task.id.desc())
        if state:
            if state not in {s.value for s in TaskState}:
                raise ValidationFailed("task-bad-state", state=state)
            stmt = stmt.where(Task.state == state)
        codes = await department_codes_by_id(self._session)
        views = [await self._view(t, codes) for t in (await self._session.scalars(stmt)).all()]
        if department:
            views = [v for v in views if department in v.departments]
        return views

    async def pending_reviews(self, department_code: str) -> list[TaskView]:
        """Tasks waiting for ``department_code``'s review in their current round."""
        found = await departments_by_code(self._session, [department_code])
        department = found[department_code]
        tasks = (await self._session.scalars(
            select(Task).where(Task.state == TaskState.IN_REVIEW).order_by(Task.id)
        )).all()
        out = []
        for task in tasks:
            view = await self._view(task)
            if any(line.department == department.code and line.decision == ReviewDecision.PENDING
                   for line in view.reviews):
                out.append(view)
        return out

    # ----------------------------------------------------------------- steps

    async def _lead_or_organiser(self, task: Task, actor: Actor, action: str,
                                 step: str = "") -> None:
        """The organiser, the lead department's admin, or the system may steer the task."""
        codes = await department_codes_by_id(self._session)
        actor.require_department(codes[task.lead_department_id], f"task-{action}",
                                 organiser_too=True, code=task.code, step=step or action)

    async def _step(self, task: Task, action: str, actor: Actor | str,
                    data: dict[str, Any] | None = None) -> None:
        step = STEPS.get(action)
        if step is None:
            raise ValidationFailed("task-unknown-action", action=action,
                                   allowed=", ".join(STEPS))
        if task.state not in step.sources:
            raise IllegalTransition(
                "task-illegal-step", code=task.code, state=task.state, action=action,
                allowed=", ".join(allowed_actions(task.state)) or "-",
            )
        before = task.state
        task.state = step.target.value
        task.updated_at = self._clock()
        await self._audit.record(actor, f"task.{action}", "task", task.id, {
            "code": task.code, "from": before, "to": task.state, **(data or {})})

    async def record_draw_step(self, task_id: int, action: str, actor: str,
                               data: dict[str, Any]) -> None:
        """Taken by ``DrawService`` when a draw completes; the caller commits."""
        task = await self.row(task_id, lock=True)
        await self._step(task, action, actor, data)

    async def record_results_entered(self, task_id: int, actor: Actor | str,
                                     data: dict[str, Any]) -> None:
        """Taken by ``ResultService`` when the last final result is in; the caller commits.
        Refused from any state but teams_formed, in_progress and results_due."""
        task = await self.row(task_id, lock=True)
        task.deadlines = {**task.deadlines, "results_entered": data.get("on")}
        await self._step(task, "enter-results", actor, data)

    async def advance(self, task_id: int, action: str, actor: Actor,
                      finished_on: dt.date | None = None) -> TaskView:
        """A manual step: start, finish (the check finished: results due in 20 working days),
        publish, archive. Draw steps and review steps are refused here with the right command.

        Date rules (docs/task-dates.md): the day of ``start`` or ``finish`` is ``finished_on``
        or today (Asia/Shanghai), never in the future. ``start`` falls inside the window;
        ``finish`` on or after the window's first day and the day the checks started.
        ``publish`` needs the results of the checks (issue 9 item 17)."""
        task = await self.row(task_id, lock=True)
        await self._lead_or_organiser(task, actor, "advance", action)
        step = STEPS.get(action)
        if step is not None and step.by_draw:
            raise IllegalTransition("task-step-by-draw", code=task.code, action=action)
        if step is not None and step.by_results:
            raise IllegalTransition("task-step-by-results", code=task.code, action=action)
        if step is not None and action not in MANUAL_ACTIONS:
            raise IllegalTransition("task-step-by-review", code=task.code, action=action)
        data: dict[str, Any] = {}
        today = local_date(self._clock())
        day = finished_on or today
        if step is not None and task.state in step.sources and action in ("start", "finish"):
            if day > today:
                raise ValidationFailed("task-day-in-future", code=task.code,
                                       day=day.isoformat(), today=today.isoformat())
            if day < task.window_start:
                key = "task-start-before-window" if action == "start" else \
                    "task-finished-before-window"
                raise ValidationFailed(key, code=task.code,
                                       day=day.isoformat(), start=task.window_start.isoformat())
        if action == "start" and task.state in STEPS["start"].sources:
            if day > task.window_end:
                raise ValidationFailed("task-start-after-window", code=task.code,
                                       day=day.isoformat(), end=task.window_end.isoformat())
            task.deadlines = {**task.deadlines, "check_started": day.isoformat()}
            data = {"check_started": day.isoformat()}
        if action == "finish" and task.state in STEPS["finish"].sources:
            started = task.deadlines.get("check_started")
            if isinstance(started, str) and day.isoformat() < started:
                raise ValidationFailed("task-finished-before-start", code=task.code,
                                       day=day.isoformat(), started=started)
            due = await self._calendar.result_due_on(day)
            task.deadlines = {
                **task.deadlines, "check_finished": day.isoformat(),
                "results_due": due.due_on.isoformat(), "results_due_working_days":
                    due.working_days, "results_due_assumed_years": list(due.assumed_years),
            }
            data = {"check_finished": day.isoformat(), "results_due":
                    due.due_on.isoformat(), "assumed_years": list(due.assumed_years)}
        if action == "publish" and task.state == S.RESULTS_DUE:
            # some subject still has no final result (检查结果): nothing can be published
            raise IllegalTransition("task-publish-results-missing", code=task.code)
        await self._step(task, action, actor, data)
        await self._session.commit()
        return await self._view(task)

    # ----------------------------------------------------------------- creation

    async def create(self, spec: TaskSpec, actor: Actor) -> TaskView:
        """A draft joint task from an approved plan entry (Art. 12): the organiser, the lead
        department's admin or the system."""
        actor.require_department(spec.lead_department, "task-create", organiser_too=True)
        entry = await self._session.get(PlanEntry, spec.plan_entry_id)
        if entry is None:
            raise NotFound("plan-entry-not-found", id=spec.plan_entry_id)
        plan = await self._session.get(AnnualPlan, entry.plan_id)
        assert plan is not None
        if plan.status != PlanStatus.APPROVED or entry.status != PlanEntryStatus.APPROVED:
            raise IllegalTransition("task-entry-not-approved", id=entry.id, status=entry.status,
                                    plan=plan.status)
        values = await self._validated(spec, entry, plan.year)
        code = spec.code or await self._next_code(plan.year)
        if not _CODE.match(code):
            raise ValidationFailed("task-bad-code", code=code)
        if await self._session.scalar(select(Task.id).where(Task.code == code)) is not None:
            raise ValidationFailed("task-code-taken", code=code)
        task = Task(code=code, plan_entry_id=entry.id, state=TaskState.DRAFT.value,
                    created_by=actor.label, deadlines={}, created_at=self._clock(),
                    updated_at=self._clock(), **values)
        self._session.add(task)
        await self._session.flush()
        await self._audit.record(actor, "task.create", "task", task.id,
                                 {"code": code, "to": task.state, **jsonable(values)})
        await self._session.commit()
        return await self._view(task)

    async def _next_code(self, year: int) -> str:
        prefix = f"JC{year}-"
        count = await self._session.scalar(
            select(func.count()).select_from(Task).where(Task.code.startswith(prefix))
        )
        n = int(count or 0) + 1
        while await self._session.scalar(select(Task.id).where(Task.code == f"{prefix}{n:03d}")):
            n += 1
        return f"{prefix}{n:03d}"

    async def _validated(self, spec: TaskSpec, entry: PlanEntry, year: int) -> dict[str, Any]:
        if not spec.name.strip():
            raise ValidationFailed("task-no-name")
        departments = list(dict.fromkeys(spec.departments or ()))
        if spec.lead_department not in departments:
            departments.insert(0, spec.lead_department)
        else:  # the lead first: it is shown and reviewed first
            departments.remove(spec.lead_department)
            departments.insert(0, spec.lead_department)
        found = await departments_by_code(self._session, departments)
        outside = [d for d in departments if d not in entry.department_codes]
        if outside:
            raise ValidationFailed("task-department-not-in-entry", department=", ".join(outside),
                                   entry=entry.id)
        items = list(dict.fromkeys(spec.items))
        if not items:
            raise ValidationFailed("plan-no-items")
        outside = [i for i in items if i not in entry.item_codes]
        if outside:
            raise ValidationFailed("task-item-not-in-entry", item=", ".join(outside),
                                   entry=entry.id)
        item_year = await check_items(self._session, items, year)
        if spec.window_end < spec.window_start:
            raise ValidationFailed("plan-bad-period", start=spec.window_start.isoformat(),
                                   end=spec.window_end.isoformat())
        if spec.window_start < entry.period_start or spec.window_end > entry.period_end:
            raise ValidationFailed("task-window-outside-entry",
                                   start=spec.window_start.isoformat(),
                                   end=spec.window_end.isoformat(),
                                   entry_start=entry.period_start.isoformat(),
                                   entry_end=entry.period_end.isoformat())
        if spec.team_count < 1:
            raise ValidationFailed("task-bad-team-count", value=spec.team_count)
        members = {str(k): int(v) for k, v in spec.members_per_team.items()}
        missing = [d for d in departments if d not in members]
        extra = [d for d in members if d not in departments]
        if missing or extra:
            raise ValidationFailed("task-members-per-department",
                                   departments=", ".join(missing + extra))
        if any(v < 0 for v in members.values()):
            raise ValidationFailed("task-bad-members", value=str(members))
        if members[spec.lead_department] < 1:
            # the leader is drawn from the lead department's members of each team (Art. 13)
            raise ValidationFailed("task-lead-needs-member", department=spec.lead_department)
        per_team = sum(members.values())
        if per_team < 2:
            raise ValidationFailed("draw-too-few-certified-per-team", per_team=per_team)
        if spec.needs_experts and spec.experts_per_team < 1:
            raise ValidationFailed("task-experts-per-team", value=spec.experts_per_team)
        scope = SubjectScope.from_dict(dict(spec.scope) or dict(entry.subject_scope))
        sample = normalise_sample(spec.sample)
        if scope.risk_classes:
            outside = [r for r in sample if r not in scope.risk_classes]
            if outside:
                raise ValidationFailed("task-sample-outside-scope", risk=", ".join(outside))
        return {
            "name": spec.name.strip(), "lead_department_id": found[spec.lead_department].id,
            "department_codes": departments, "item_codes": items, "item_year": item_year,
            "scope": scope.to_dict(), "sample": sample, "team_count": spec.team_count,
            "members_per_team": {d: members[d] for d in departments},
            "needs_experts": spec.needs_experts,
            "experts_per_team": spec.experts_per_team if spec.needs_experts else 0,
            "window_start": spec.window_start, "window_end": spec.window_end,
        }

    async def revise(self, task_id: int, changes: Mapping[str, Any], actor: Actor) -> TaskView:
        """Change a draft (or a returned task, which goes back to draft) before resubmitting."""
        task = await self.row(task_id, lock=True)
        await self._lead_or_organiser(task, actor, "revise")
        if task.state not in (S.DRAFT, S.RETURNED):
            raise IllegalTransition("task-illegal-step", code=task.code, state=task.state,
                                    action="revise",
                                    allowed=", ".join(allowed_actions(task.state)) or "-")
        view = await self._view(task)
        allowed = {"name", "departments", "items", "window_start", "window_end", "team_count",
                   "members_per_team", "sample", "scope", "needs_experts", "experts_per_team",
                   "lead_department"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationFailed("task-bad-change", keys=", ".join(sorted(unknown)))
        spec = TaskSpec(
            plan_entry_id=task.plan_entry_id or 0, name=view.name,
            lead_department=view.lead_department, departments=view.departments,
            items=view.items, window_start=view.window_start, window_end=view.window_end,
            team_count=view.team_count, members_per_team=view.members_per_team,
            sample=view.sample, scope=view.scope, needs_experts=view.needs_experts,
            experts_per_team=view.experts_per_team, code=view.code,
        )
        updates: dict[str, Any] = {
            k: (tuple(v) if k in ("departments", "items") else v) for k, v in changes.items()
        }
        spec = replace(spec, **updates)
        entry = await self._session.get(PlanEntry, spec.plan_entry_id)
        if entry is None:
            raise NotFound("plan-entry-not-found", id=spec.plan_entry_id)
        plan = await self._session.get(AnnualPlan, entry.plan_id)
        assert plan is not None
        values = await self._validated(spec, entry, plan.year)
        if task.state == S.RETURNED:
            await self._step(task, "reopen", actor)
        for key, value in values.items():
            setattr(task, key, value)
        await self._audit.record(actor, "task.revise", "task", task.id,
                                 {"code": task.code, **jsonable(dict(changes))})
        await self._session.commit()
        return await self._view(task)

    async def reopen(self, task_id: int, actor: Actor) -> TaskView:
        """A returned task goes back to draft, to be revised and resubmitted."""
        task = await self.row(task_id, lock=True)
        await self._lead_or_organiser(task, actor, "reopen")
        await self._step(task, "reopen", actor)
        await self._session.commit()
        return await self._view(task)

    # ----------------------------------------------------------------- review (会审)

    async def submit(self, task_id: int, actor: Actor) -> TaskView:
        """Push the task to every participating department for review: a new round."""
        task = await self.row(task_id, lock=True)
        await self._lead_or_organiser(task, actor, "submit")
        new_round = await self._round(task.id) + 1
        await self._step(task, "submit", actor, {"round": new_round})
        found = await departments_by_code(self._session, task.department_codes)
        for code in task.department_codes:
            self._session.add(TaskReview(task_id=task.id, round=new_round,
                                         department_id=found[code].id,
                                         decision=ReviewDecision.PENDING.value,
                                         comment=""))
        await self._session.commit()
        return await self._view(task)

    async def review(self, task_id: int, department_code: str,
                     decision: ReviewDecision | str, comment: str,
                     actor: Actor) -> TaskView:
        """One department approves, or returns with a comment; all approve → approved (Art. 12).

        Only that department's admin (or the system) decides for it: the organiser does not."""
        task = await self.row(task_id, lock=True)
        self.check_may_review(department_code, actor)
        decision = ReviewDecision.parse(decision)
        if decision == ReviewDecision.PENDING:
            raise ValidationFailed("review-bad-decision", decision=decision.value)
        if task.state != S.IN_REVIEW:
            raise IllegalTransition("review-not-in-review", code=task.code, state=task.state)
        if department_code not in task.department_codes:
            raise ValidationFailed("review-not-participant", code=task.code,
                                   department=department_code)
        if decision == ReviewDecision.RETURN and not comment.strip():
            raise ValidationFailed("review-return-needs-comment")
        found = await departments_by_code(self._session, [department_code])
        review_round = await self._round(task.id)
        row = await self._session.scalar(
            select(TaskReview).where(TaskReview.task_id == task.id,
                                     TaskReview.round == review_round,
                                     TaskReview.department_id == found[department_code].id)
        )
        if row is None:  # pragma: no cover - submit creates one row per department
            raise NotFound("review-not-found", code=task.code, department=department_code)
        if ReviewDecision.parse(row.decision) != ReviewDecision.PENDING:
            raise IllegalTransition("review-already-decided", code=task.code,
                                    department=department_code,
                                    decision=ReviewDecision.parse(row.decision).value)
        row.decision = decision.value
        row.comment = comment.strip()
        row.decided_by = actor.label
        row.decided_at = self._clock()
        # the audit trail's action names keep the words of the events already chained
        await self._audit.record(actor, f"task.review.{_AUDIT_WORD[decision]}", "task", task.id, {
            "code": task.code, "round": review_round, "department": department_code,
            "comment": row.comment})
        if decision == ReviewDecision.RETURN:
            await self._step(task, "return", actor,
                             {"round": review_round, "department": department_code})
        else:
            await self._session.flush()
            pending = await self._session.scalar(
                select(func.count()).select_from(TaskReview).where(
                    TaskReview.task_id == task.id, TaskReview.round == review_round,
                    TaskReview.decision != ReviewDecision.APPROVE.value)
            )
            if not pending:
                await self._step(task, "approve", actor, {"round": review_round})
        await self._session.commit()
        return await self._view(task)

    @staticmethod
    def check_may_review(department_code: str, actor: Actor) -> None:
        """Refuses (``Forbidden``) whoever may not decide for ``department_code``: only that
        department's admin (or the system). The bot asks before it asks for a comment."""
        actor.require_department(department_code, "review")

    async def review_history(self, task_id: int) -> list[tuple[int, ReviewLine]]:
        """Every round's decisions, oldest first."""
        task = await self.row(task_id)
        codes = await department_codes_by_id(self._session)
        rows = (await self._session.scalars(
            select(TaskReview).where(TaskReview.task_id == task.id)
            .order_by(TaskReview.round, TaskReview.id)
        )).all()
        return [(r.round, ReviewLine(codes[r.department_id], ReviewDecision.parse(r.decision),
                                     r.comment)) for r in rows]

    async def review_brief(self, task_id: int, department_code: str) -> ReviewBrief:
        """What ``department_code``'s reviewer needs on the card (services/review_brief.py)."""
        return await review_brief(self._session, task_id, department_code)


def review_summary(reviews: Sequence[ReviewLine]) -> dict[str, int]:
    """How many departments approved, returned, or have not decided."""
    out = {"approved": 0, "returned": 0, "pending": 0}
    for line in reviews:
        out[_SUMMARY_WORD[line.decision]] += 1
    return out


_AUDIT_WORD = {ReviewDecision.APPROVE: "approved", ReviewDecision.RETURN: "returned"}
_SUMMARY_WORD = {ReviewDecision.PENDING: "pending", **_AUDIT_WORD}
