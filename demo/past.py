"""The demo's past task: an earlier year's joint task (``past_year``), checked, with records,
photos and results, and published — so the public pages and the national export have
something real to show while the current demo task (``demo.workflow``) stays open for the
sandbox's field work.

Every step runs through the services at the time it would have happened: the services share a
:class:`PastClock` that this module moves (plan in the autumn before, task and draws in February,
the visits on the fixed schedule's days in March, results the next working day, publication in
April). Deterministic for a seed: the draws' operator secrets and the photos come from the seed.
Idempotent: a second call finds the published task and changes nothing; an interrupted run is
taken up where it stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.sandbox import ensure_offices
from demo.workflow import (
    DEMO_ACTOR,
    DEPARTMENTS,
    ITEMS,
    LEAD,
    MEMBERS,
    SCOPE,
    _plan_entry,
)
from services.actors import Actor
from services.clock import SHANGHAI, Clock, local_date
from services.draws import (
    PAIRING_WINDOW_MONTHS,
    DrawRefused,
    DrawService,
    months_before,
    operator_secret_source,
)
from services.plans import PlanService
from services.publication import PublicationService
from services.records import RecordService, Upload
from services.results import ResultEntry, ResultService
from services.schedule import ScheduleService
from services.tasks import TaskService, TaskSpec, TaskState
from storage.models import FinalResult, Subject, Task

PAST_TEAMS = 2
DRAW_ATTEMPTS = 5
PAST_SAMPLE: dict[str, dict[str, Any]] = {
    "A": {"count": 2}, "B": {"count": 3}, "C": {"count": 2}, "D": {"count": 1},
}
FINDING = "后厨未配备有效的防鼠设施，食品原料与杂物混放。"
DISPOSAL = "当场责令改正，限期七日内整改完毕并报送整改照片。"
PHOTO_COLOURS = ((196, 64, 52), (52, 120, 196), (64, 160, 88), (200, 160, 40))


class PastClock:
    """The clock the past task's services share: pinned, moved by this module."""

    def __init__(self) -> None:
        self.now = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> None:
        """Move to ``day`` at ``hour:minute`` in Ezhou."""
        self.now = dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI).astimezone(dt.UTC)


@dataclass(frozen=True)
class PastServices:
    """The services the past task walks through, all built on the same :class:`PastClock`."""

    plans: PlanService
    tasks: TaskService
    draws: DrawService
    schedules: ScheduleService
    records: RecordService
    results: ResultService
    publication: PublicationService


@dataclass(frozen=True)
class PastTaskSummary:
    """What the demo's past task is."""

    task_id: int
    task_code: str
    task_name: str
    state: str
    subjects: int
    records: int
    photos: int
    created: bool


def past_year(today: dt.date) -> int:
    """The past task's year: the latest whose window (March) ended before the draws' pairing
    window (no inspector-subject pairing repeated within PAIRING_WINDOW_MONTHS) begins today.

    A past task inside that window makes its teams' pairings forbidden in the current demo
    task's matching; with the demo's few inspectors per department that leaves, now and then,
    no feasible matching at all (draw-error-no-feasible-matching) — right for a real task,
    where the departments then draw replacements, wrong for a demo that must always start.
    In December 2026 this is 2024; in February 2026, 2023."""
    since = months_before(today, PAIRING_WINDOW_MONTHS)
    year = today.year - 1
    while dt.date(year, 3, 31) >= since:
        year -= 1
    return year


def past_code(today: dt.date) -> str:
    """The past task's jointcheck code."""
    return f"DEMO-{past_year(today)}-001"


def demo_photo(seed: int, n: int, taken: dt.datetime, gps: tuple[float, float] | None
               ) -> bytes:
    """A small JPEG with EXIF time (and position), the same for the same arguments."""
    colour = PHOTO_COLOURS[(seed + n) % len(PHOTO_COLOURS)]
    image = Image.new("RGB", (96, 72), colour)
    # a stripe whose place depends on n: different photos have different hashes
    for x in range(96):
        image.putpixel((x, (n * 7) % 72), (255, 255, 255))
    exif = Image.Exif()
    exif[0x8769] = {36867: taken.strftime("%Y:%m:%d %H:%M:%S")}
    if gps is not None:
        def dms(value: float) -> tuple[float, float, float]:
            degrees = int(value)
            minutes = (value - degrees) * 60
            return (float(degrees), float(int(minutes)), round((minutes - int(minutes)) * 60, 4))
        exif[0x8825] = {1: "N", 2: dms(gps[0]), 3: "E", 4: dms(gps[1])}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif.tobytes())
    return out.getvalue()


def _secret(seed: int, year: int, kind: str, department: str, attempt: int) -> str:
    return hashlib.sha256(f"jointcheck-demo-past-{seed}-{year}-{kind}-{department}-{attempt}"
                          .encode()).hexdigest()[:32]


async def _draws(draws: DrawService, tasks: TaskService, task_id: int, seed: int,
                 year: int) -> None:
    """The draws the task still needs, each committed before its (seeded) secret is revealed."""
    async def draw(kind: str, department: str, actor: Actor) -> None:
        for attempt in range(DRAW_ATTEMPTS):  # a refused draw (no feasible matching) is redone
            secret = _secret(seed, year, kind, department, attempt)
            source = operator_secret_source(hashlib.sha256(secret.encode()).hexdigest())
            if kind == "subjects":
                view = await draws.commit_subjects(task_id, source, actor)
            elif kind == "inspectors":
                view = await draws.commit_inspectors(task_id, department, source, actor)
            else:
                view = await draws.commit_matching(task_id, source, actor)
            try:
                await draws.complete(view.id, {"type": "operator-secret", "secret": secret},
                                     actor)
                return
            except DrawRefused:
                if attempt == DRAW_ATTEMPTS - 1:
                    raise

    if (await tasks.get(task_id)).state == TaskState.APPROVED:
        await draw("subjects", "", DEMO_ACTOR)
    done = {(d.kind, d.department) for d in await draws.for_task(task_id)
            if d.status == "completed"}
    for department in DEPARTMENTS:
        if ("inspectors", department) not in done and (
                await tasks.get(task_id)).state == TaskState.SUBJECTS_DRAWN:
            await draw("inspectors", department, Actor.system(f"demo-{department.lower()}-admin"))
    if (await tasks.get(task_id)).state == TaskState.INSPECTORS_DRAWN:
        await draw("matching", "", DEMO_ACTOR)


def _inspector(inspector_id: int) -> Actor:
    return Actor(account_id=None, name=f"inspector:{inspector_id}",
                 roles=frozenset({"inspector"}), inspector_id=inspector_id)


async def create_past_task(session: AsyncSession, today: dt.date, clock: PastClock,
                           services: PastServices, *, seed: int) -> PastTaskSummary:
    """Last year's task, from plan to publication (idempotent; see the module's doc)."""
    year = past_year(today)
    code = past_code(today)
    s = services
    task_id = await session.scalar(select(Task.id).where(Task.code == code))
    created = task_id is None
    if task_id is None:
        clock.at(dt.date(year - 1, 10, 15))
        entry_id = await _plan_entry(session, clock, s.plans, year)
        clock.at(dt.date(year, 2, 9))
        view = await s.tasks.create(TaskSpec(
            plan_entry_id=entry_id, name=f"{year}年餐饮、排污与危险化学品联合抽查",
            lead_department=LEAD, departments=DEPARTMENTS, items=ITEMS,
            window_start=dt.date(year, 3, 2), window_end=dt.date(year, 3, 31),
            team_count=PAST_TEAMS, members_per_team=MEMBERS, sample=PAST_SAMPLE,
            scope=SCOPE, code=code), DEMO_ACTOR)
        task_id = view.id
        await s.tasks.submit(task_id, DEMO_ACTOR)
        for department in DEPARTMENTS:
            await s.tasks.review(task_id, department, "approve", "同意（演示）",
                                 Actor.system(f"demo-{department.lower()}-admin"))
    task_id = int(task_id)
    if (await s.tasks.get(task_id)).state not in ("published", "archived"):
        clock.at(dt.date(year, 2, 16))
        await _draws(s.draws, s.tasks, task_id, seed, year)
        await _field_work(session, clock, s, task_id, seed=seed, year=year)
    return await _summary(session, s, task_id, created)


async def _field_work(session: AsyncSession, clock: PastClock, s: PastServices, task_id: int,
                      *, seed: int, year: int) -> None:
    """Schedules, visits with records and photos, results, publication: what is not done yet."""
    await ensure_offices(session, s.schedules)  # where the teams set out
    teams = await s.draws.teams(task_id)
    visits: list[tuple[dt.date, int, Any]] = []  # (day, subject, team)
    for team in teams:
        leader = team.leader_inspector_id
        assert leader is not None
        team_id = await s.schedules.team_id(task_id, team.number)
        current = await s.schedules.current(team_id)
        if current is None or current.state == "draft":
            clock.at(dt.date(year, 2, 23))
            proposed = await s.schedules.propose(team_id, _inspector(leader))
            sent = await s.schedules.send(proposed.id, _inspector(leader))
            clock.at(dt.date(year, 2, 24), 9)
            for answer in sent.answers:
                await s.schedules.answer(proposed.id, _inspector(answer.inspector_id), True)
            current = await s.schedules.current(team_id)
        assert current is not None
        assert current.state == "fixed"
        visits += [(day.day, stop.subject_id, team) for day in current.days
                   for stop in day.stops]
    visits.sort(key=lambda v: (v[0], v[1]))
    task = await s.tasks.get(task_id)
    if task.state == TaskState.TEAMS_FORMED:
        clock.at(visits[0][0], 8, 30)
        await s.tasks.advance(task_id, "start", DEMO_ACTOR)
    finding_subject = visits[len(visits) // 2][1]
    photo = 0
    minute = 0
    subjects = {int(i): (lat, lon) for i, lat, lon in (await session.execute(
        select(Subject.id, Subject.latitude, Subject.longitude).where(
            Subject.id.in_([v[1] for v in visits])))).all()}
    for day, subject_id, team in visits:
        minute = (minute + 50) % 240
        clock.at(day, 9 + minute // 60, minute % 60)
        place = subjects.get(subject_id)
        gps = (place[0], place[1]) if place and place[0] is not None and place[1] is not None \
            else None
        for line in await s.records.subject_lines(task_id, subject_id):
            if line.state in ("submitted", "cosigned"):
                continue
            members = [m for m in team.members if m.active and m.department == line.department_code
                       and m.inspector_id is not None]
            if not members:
                continue
            writer = _inspector(members[0].inspector_id)
            view = await s.records.open(writer, task_id, subject_id, line.item_code)
            problem = subject_id == finding_subject and line.department_code == LEAD
            for n in range(1, len(view.points) + 1):
                await s.records.set_answer(view.id, writer, n,
                                           "no" if problem and n == 1 else "yes")
            if "document" not in view.methods:
                await s.records.toggle_method(view.id, writer, "document")
            await s.records.set_text(view.id, writer, "findings", FINDING if problem else "无")
            await s.records.set_text(view.id, writer, "disposal",
                                     DISPOSAL if problem else "无需处置")
            shots = 2 if problem else (1 if line.department_code == LEAD else 0)
            for _ in range(shots):
                photo += 1
                await s.records.add_evidence(view.id, writer, Upload(
                    demo_photo(seed, photo, clock(), gps), "photo", "image/jpeg",
                    f"IMG_{photo:04d}.jpg", f"demo-past-{seed}-{photo}"))
            await s.records.submit(view.id, writer)
            if len(members) > 1 and members[1].inspector_id is not None:
                await s.records.cosign(view.id, _inspector(members[1].inspector_id))
    last_day = visits[-1][0]
    if (await s.tasks.get(task_id)).state == TaskState.IN_PROGRESS:
        clock.at(last_day, 17)
        await s.tasks.advance(task_id, "finish", DEMO_ACTOR)
    entered = set((await session.scalars(select(FinalResult.subject_id).where(
        FinalResult.task_id == task_id))).all())
    clock.at(last_day + dt.timedelta(days=1), 15)
    for _day, subject_id, team in visits:
        if subject_id in entered:
            continue
        assert team.leader_inspector_id is not None
        problem = subject_id == finding_subject
        check = await s.results.check_date(task_id, subject_id)
        entry = ResultEntry(
            categories=("E",) if problem else ("1",),
            summary=FINDING if problem else "未发现问题",
            disposals=("correction",) if problem else ("none",),
            correction_due_on=(check + dt.timedelta(days=7)) if problem and check else None)
        await s.results.enter(_inspector(team.leader_inspector_id), task_id, subject_id, entry)
    if (await s.tasks.get(task_id)).state == TaskState.RESULTS_ENTERED:
        clock.at(last_day + dt.timedelta(days=14), 10)
        await s.publication.publish((await s.tasks.get(task_id)).code, DEMO_ACTOR)


async def _summary(session: AsyncSession, s: PastServices, task_id: int,
                   created: bool) -> PastTaskSummary:
    view = await s.tasks.get(task_id)
    records = await s.records.for_task(task_id)
    photos = len(await s.records.evidence_files([r.id for r in records]))
    subjects = len({r.subject_id for r in records})
    return PastTaskSummary(task_id, view.code, view.name, str(view.state), subjects,
                           len(records), photos, created)


def past_clock_for(clock: Clock) -> tuple[dt.date, PastClock]:
    """Today (from the real clock) and a fresh past clock for the services."""
    return local_date(clock()), PastClock()
