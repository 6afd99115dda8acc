"""The demo's joint task: plan → approval → task → review by every department → draws.

Runs on the demo directories (``demo/data.py``). The draws use an **operator secret**
committed by its hash before each draw: the only entropy an offline demo can honestly offer
(no drand relay, no live witnesses). It is labelled the weakest source in every manifest, in
the bundle and here; real draws use a drand round or witnessed numbers (docs/workflow.md).
Idempotent: a second call returns the task the first one made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.data import ITEMS_CATALOGUE
from services.actors import Actor
from services.clock import Clock, local_date
from services.draws import DrawService, DrawView, operator_secret_source
from services.plans import PlanEntryInput, PlanService
from services.tasks import TaskService, TaskSpec, TaskState
from storage.models import AnnualPlan, Inspector, PlanEntry, Subject, Task

DEMO_ACTOR = Actor.system("demo-organiser")  # the demo acts as named system actors
GOVERNMENT = Actor.system("demo-government")
LEAD = "SCJG"
DEPARTMENTS = ("SCJG", "STHJ", "YJGL")
ITEMS = ("SCJG-002", "STHJ-001", "YJGL-001")  # food business, discharge permits, hazardous chem.
MEMBERS = {"SCJG": 2, "STHJ": 1, "YJGL": 1}
TEAMS = 3
SAMPLE: dict[str, dict[str, Any]] = {
    "A": {"count": 3}, "B": {"ratio": "0.002"}, "C": {"count": 3}, "D": {"count": 3},
}


def items_scope(items: tuple[str, ...]) -> dict[str, list[str]]:
    """The subjects the task's items apply to: their kinds and GB/T 4754 industries, so the
    draw never sends a food inspector to a beauty salon (issue 9 item 19)."""
    catalogue = {t.code: t for t in ITEMS_CATALOGUE}
    chosen = [catalogue[code] for code in items]
    kinds = sorted({k for t in chosen for k in t.kinds})
    scope: dict[str, list[str]] = {"kinds": kinds}
    if all(t.industries for t in chosen):  # an item for every industry leaves it open
        scope["industries"] = sorted({i for t in chosen for i in t.industries})
    return scope


SCOPE = items_scope(ITEMS)
ENTROPY_LABEL = "operator-secret (weakest source: an offline demo has no drand relay or witnesses)"


@dataclass(frozen=True)
class DemoMember:
    """A drawn inspector as the demo prints it."""

    inspector_id: int
    name: str
    department: str
    is_leader: bool


@dataclass(frozen=True)
class DemoTeam:
    """A drawn team."""

    number: int
    leader_inspector_id: int | None
    members: tuple[DemoMember, ...]
    subject_ids: tuple[int, ...]


@dataclass(frozen=True)
class DemoTaskSummary:
    """What the demo created and drew."""

    task_id: int
    task_code: str
    task_name: str
    plan_year: int
    plan_entry_id: int
    state: str
    window_start: dt.date
    window_end: dt.date
    subjects_by_stratum: dict[str, int]
    subject_names: dict[int, str]
    teams: tuple[DemoTeam, ...]
    draw_ids: tuple[int, ...]
    commitments: tuple[str, ...]
    entropy: str
    created: bool  # False when an earlier run had made it already


def demo_plan_year(today: dt.date, plans: PlanService) -> int:
    """Next year while its submissions are open (until 30 Nov), else the year after."""
    next_year = today.year + 1
    return next_year if today <= plans.submission_closes(next_year) else next_year + 1


async def _plan_entry(session: AsyncSession, clock: Clock, plans: PlanService,
                      year: int) -> int:
    """An approved entry for the demo task: submitted and approved, or added by a reviewed
    change when that year's plan was approved already."""
    title = f"{year}年餐饮、排污与危险化学品部门联合抽查"
    existing = await session.scalar(
        select(PlanEntry.id).join(AnnualPlan, AnnualPlan.id == PlanEntry.plan_id)
        .where(AnnualPlan.year == year, PlanEntry.title == title,
               PlanEntry.status == "approved"))
    if existing is not None:
        return int(existing)
    plan = await session.scalar(select(AnnualPlan).where(AnnualPlan.year == year))
    entry = PlanEntryInput(
        year=year, department=LEAD, title=title, items=ITEMS, departments=DEPARTMENTS,
        period_start=dt.date(year, 3, 1), period_end=dt.date(year, 6, 30), target_ratio="3%")
    if plan is not None and plan.status == "approved":
        change = await plans.propose_change(year, None, {
            "department": LEAD, "title": title, "items": list(ITEMS),
            "departments": list(DEPARTMENTS), "period_start": entry.period_start.isoformat(),
            "period_end": entry.period_end.isoformat(), "target_ratio": "3%"},
            "演示：年度计划批准后新增联合抽查", DEMO_ACTOR)
        done = await plans.review_change(change.id, "approve", "同意（演示）", GOVERNMENT)
        assert done.applied_entry_id is not None
        return done.applied_entry_id
    view = await plans.submit_entry(entry, DEMO_ACTOR)
    await plans.approve(year, GOVERNMENT)
    return view.id


async def create_demo_task(session: AsyncSession, clock: Clock, *, plans: PlanService,
                           tasks: TaskService, draws: DrawService) -> DemoTaskSummary:
    """Plan, task, review by all departments and every draw, for the demo (idempotent).

    The services come from the composition root, on ``session``'s scope."""
    year = demo_plan_year(local_date(clock()), plans)
    code = f"DEMO-{year}-001"
    created = False
    task_id = await session.scalar(select(Task.id).where(Task.code == code))
    if task_id is None:
        created = True
        entry_id = await _plan_entry(session, clock, plans, year)
        view = await tasks.create(TaskSpec(
            plan_entry_id=entry_id, name=f"{year}年餐饮、排污与危险化学品联合抽查",
            lead_department=LEAD, departments=DEPARTMENTS, items=ITEMS,
            window_start=dt.date(year, 3, 2), window_end=dt.date(year, 3, 31), team_count=TEAMS,
            members_per_team=MEMBERS, sample=SAMPLE,
            scope=SCOPE, code=code), DEMO_ACTOR)
        task_id = view.id
        await tasks.submit(task_id, DEMO_ACTOR)
        for department in DEPARTMENTS:
            await tasks.review(task_id, department, "approve", "同意（演示）",
                               Actor.system(f"demo-{department.lower()}-admin"))
    task_id = int(task_id)
    await _run_draws(draws, tasks, task_id)
    return await _summary(session, draws, tasks, task_id, year=year, created=created)


async def _draw(draws: DrawService,
                commit: Callable[[dict[str, Any]], Awaitable[DrawView]], actor: Actor) -> None:
    """Commit with a fresh secret's hash, then reveal the secret to complete."""
    secret = secrets.token_hex(16)
    view = await commit(operator_secret_source(hashlib.sha256(secret.encode()).hexdigest()))
    await draws.complete(view.id, {"type": "operator-secret", "secret": secret}, actor)


def _inspectors_commit(draws: DrawService, task_id: int, department: str
                       ) -> Callable[[dict[str, Any]], Awaitable[DrawView]]:
    def commit(source: dict[str, Any]) -> Awaitable[DrawView]:
        return draws.commit_inspectors(task_id, department, source,
                                       Actor.system(f"demo-{department.lower()}-admin"))

    return commit


async def _run_draws(draws: DrawService, tasks: TaskService, task_id: int) -> None:
    """Whatever draws the task still needs, in order; each committed before its entropy."""
    done = {(d.kind, d.department) for d in await draws.for_task(task_id)
            if d.status == "completed"}
    if (await tasks.get(task_id)).state == TaskState.APPROVED:
        await _draw(draws, lambda src: draws.commit_subjects(task_id, src, DEMO_ACTOR),
                    DEMO_ACTOR)
    for department in DEPARTMENTS:
        if ("inspectors", department) not in done and (
                await tasks.get(task_id)).state == TaskState.SUBJECTS_DRAWN:
            await _draw(draws, _inspectors_commit(draws, task_id, department),
                        Actor.system(f"demo-{department.lower()}-admin"))
    if (await tasks.get(task_id)).state == TaskState.INSPECTORS_DRAWN:
        await _draw(draws, lambda src: draws.commit_matching(task_id, src, DEMO_ACTOR),
                    DEMO_ACTOR)


async def _summary(session: AsyncSession, draws: DrawService, tasks: TaskService, task_id: int,
                   *, year: int, created: bool) -> DemoTaskSummary:
    view = await tasks.get(task_id)
    teams = await draws.teams(task_id)
    all_draws = await draws.for_task(task_id)
    subjects = next((d for d in all_draws if d.kind == "subjects"), None)
    by_stratum = dict(subjects.summary.get("drawn", {}).get("selected", {})) if subjects else {}
    subject_ids = sorted({s for t in teams for s in t.subject_ids})
    names = {int(i): n for i, n in (await session.execute(
        select(Subject.id, Subject.name).where(Subject.id.in_(subject_ids)))).all()}
    inspector_names = {int(i): n for i, n in (await session.execute(
        select(Inspector.id, Inspector.name).where(Inspector.id.in_(
            [m.inspector_id for t in teams for m in t.members if m.inspector_id])))).all()}
    return DemoTaskSummary(
        task_id=task_id, task_code=view.code, task_name=view.name, plan_year=year,
        plan_entry_id=view.plan_entry_id or 0, state=view.state,
        window_start=view.window_start, window_end=view.window_end,
        subjects_by_stratum=by_stratum, subject_names=names,
        teams=tuple(
            DemoTeam(t.number, t.leader_inspector_id, tuple(
                DemoMember(m.inspector_id, inspector_names.get(m.inspector_id, m.name),
                           m.department or "", m.is_leader)
                for m in t.members if m.active and m.inspector_id is not None),
                t.subject_ids)
            for t in teams),
        draw_ids=tuple(d.id for d in all_draws),
        commitments=tuple(d.commitment for d in all_draws),
        entropy=ENTROPY_LABEL, created=created,
    )
