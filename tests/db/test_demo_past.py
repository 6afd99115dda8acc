"""Issue 13 item 7: the demo's past task — checked, with records, photos and results, and
published — beside the current demo task, which stays open for the sandbox's field work."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.config import Settings, get_settings
from bot.container import make_container
from cli.demo import banner
from cli.main import app as cli
from demo.data import load_demo_data
from demo.past import PastClock, PastServices, PastTaskSummary, create_past_task, past_code
from demo.workflow import create_demo_task
from services.audit import AuditTrail
from services.clock import local_date
from services.draws import DrawService
from services.plans import PlanService
from services.publication import NoResultsYet, PublicationService
from services.records import RecordService
from services.results import ResultService
from services.schedule import ScheduleService
from services.tasks import TaskService
from storage.db import create_engine, session_factory
from storage.files import LocalFileStore, read_all
from storage.migrate import upgrade_async
from storage.models import (
    AuditEvent,
    CheckRecord,
    Evidence,
    FinalResult,
    Publication,
    Subject,
    Task,
    TaskSubject,
)
from tests.conftest import FixedClock
from tests.services import demo_task_services
from web.app import create_web_app

Sessions = async_sessionmaker[AsyncSession]


async def run_past(sessions: Sessions, clock: FixedClock, files: Path, seed: int = 7
                   ) -> PastTaskSummary:
    """The past task as ``jointcheck demo`` makes it: services of the container on a past clock."""
    settings = Settings(bot_token=None, files_dir=files)
    past = PastClock()
    container = make_container(settings, sessions=sessions, clock=past)
    try:
        async with container() as request:
            services = PastServices(**{name: await request.get(kind) for name, kind in (
                ("plans", PlanService), ("tasks", TaskService), ("draws", DrawService),
                ("schedules", ScheduleService), ("records", RecordService),
                ("results", ResultService), ("publication", PublicationService))})
            return await create_past_task(await request.get(AsyncSession),
                                          local_date(clock()), past, services, seed=seed)
    finally:
        await container.close()


async def counts(session: AsyncSession) -> tuple[int, ...]:
    out = []
    for model in (Task, CheckRecord, Evidence, FinalResult, Publication, AuditEvent):
        out.append(int(await session.scalar(select(func.count()).select_from(model)) or 0))
    return tuple(out)


async def test_the_past_task_is_published_with_records_photos_and_results(
        sessions: Sessions, clock: FixedClock, tmp_path: Path) -> None:
    async with sessions() as session:
        await load_demo_data(session, clock, subjects=400, seed=7)
    started = time.perf_counter()
    summary = await run_past(sessions, clock, tmp_path / "files")
    took = time.perf_counter() - started
    async with sessions() as session:  # then the current task, as ``jointcheck demo`` does
        current = await create_demo_task(session, clock, **demo_task_services(session, clock))
    assert took < 30
    assert summary.created
    assert summary.state == "published"
    assert summary.task_code == past_code(local_date(clock())) == "DEMO-2023-001"
    async with sessions() as session:
        task = await session.scalar(select(Task).where(Task.code == summary.task_code))
        assert task is not None
        assert task.window_end < local_date(clock())
        drawn = set((await session.scalars(select(TaskSubject.subject_id).where(
            TaskSubject.task_id == task.id))).all())
        results = (await session.scalars(select(FinalResult).where(
            FinalResult.task_id == task.id))).all()
        assert drawn
        assert {r.subject_id for r in results} == drawn
        assert sorted({c for r in results for c in r.categories}) == ["1", "E"]
        corrected = next(r for r in results if "E" in r.categories)
        assert corrected.correction_due_on is not None
        records = (await session.scalars(select(CheckRecord).where(
            CheckRecord.task_id == task.id))).all()
        assert {r.subject_id for r in records} == drawn
        assert all(r.state == "submitted" for r in records)
        assert sum(r.findings != "无" for r in records) == 1
        assert any(r.cosigned_by_inspector_id is not None for r in records)  # SCJG has two
        evidence = (await session.scalars(select(Evidence).join(
            CheckRecord, CheckRecord.id == Evidence.record_id).where(
                CheckRecord.task_id == task.id))).all()
        assert len(evidence) == summary.photos >= 3
        assert all(e.exif_taken_at and e.exif_taken_at.startswith("2023:03") for e in evidence)
        store = LocalFileStore(tmp_path / "files")
        for e in evidence:
            data = await read_all(store, e.sha256)
            assert hashlib.sha256(data).hexdigest() == e.sha256
        # the current demo task is untouched and still before its field work
        still = await session.get(Task, current.task_id)
        assert still is not None
        assert still.state == current.state == "teams_formed"
        assert await session.scalar(select(func.count()).select_from(CheckRecord).where(
            CheckRecord.task_id == current.task_id)) == 0
        before = await counts(session)

    again = await run_past(sessions, clock, tmp_path / "files")
    assert not again.created
    assert again.state == "published"
    async with sessions() as session:
        assert await counts(session) == before

    # the public pages show it
    settings = Settings(bot_token=None, files_dir=tmp_path / "files")
    app = create_web_app(settings, make_container(settings, sessions=sessions, clock=clock))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://web") as client:
        page = await client.get(f"/public/tasks/{summary.task_code}/results")
        index = await client.get("/public/tasks")
    assert page.status_code == 200
    assert "检查结果公告" in page.text
    assert "发现问题已责令改正" in page.text
    assert "未发现问题" in page.text
    async with sessions() as session:
        ann = await PublicationService(session, clock, NoResultsYet()).announcement(
            summary.task_code)
        assert ann is not None
        assert {r.subject_id for r in ann.rows} == drawn
        for row in ann.rows:
            assert row.name in page.text
    assert index.status_code == 200
    assert summary.task_code in index.text
    async with sessions() as session:
        assert (await AuditTrail(session, clock).verify()).intact


def test_the_national_export_of_the_past_task(
        db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: FixedClock) -> None:
    async def seed() -> str:
        engine = create_engine(db_url)
        try:
            sessions = session_factory(engine)
            async with sessions() as session:
                await load_demo_data(session, clock, subjects=300, seed=3)
            return (await run_past(sessions, clock, tmp_path / "files", seed=3)).task_code
        finally:
            await engine.dispose()

    code = asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(cli, ["publish", "export", code, "--format", "gsxt",
                                       "-o", "out.csv"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["raninsPlanId", "raninsPlaneName", "raninsTaskId"]
    result = header.index("raninsCheckResName")
    # one row per subject × item; the one finding (SCJG's item at one subject) shows
    assert len(body) == 24
    assert sorted(r[result] for r in body) == ["发现问题"] + ["未发现问题"] * 23
    assert {r[header.index("insDate")][:7] for r in body} == {"2023-03"}


def test_the_banner_names_the_public_pages() -> None:
    text = banner("http://127.0.0.1:8081/", "http://127.0.0.1:8080/",
                  "DEMO-2023-001")
    assert "http://127.0.0.1:8081/" in text
    assert "public pages: http://127.0.0.1:8080/public/tasks" in text
    assert "http://127.0.0.1:8080/public/tasks/DEMO-2023-001/results" in text


async def fingerprint(url: str, files: Path, seed: int, instant: dt.datetime
                      ) -> tuple[object, ...]:
    """The past task made on a fresh SQLite database: who was drawn, what was found, photos."""
    await upgrade_async(url)
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        async with sessions() as session:
            await load_demo_data(session, FixedClock(instant), subjects=300, seed=seed)
        summary = await run_past(sessions, FixedClock(instant), files, seed=seed)
        async with sessions() as session:
            drawn = sorted((await session.scalars(select(Subject.identifier).join(
                TaskSubject, TaskSubject.subject_id == Subject.id).where(
                    TaskSubject.task_id == summary.task_id))).all())
            found = sorted((await session.execute(select(Subject.identifier, CheckRecord.item_code,
                                                         CheckRecord.findings).join(
                CheckRecord, CheckRecord.subject_id == Subject.id))).all())
            photos = sorted((await session.scalars(select(Evidence.sha256))).all())
        return summary.task_code, drawn, [tuple(f) for f in found], photos
    finally:
        await engine.dispose()


async def test_the_same_seed_makes_the_same_past_task(tmp_path: Path, clock: FixedClock) -> None:
    first = await fingerprint(f"sqlite+aiosqlite:///{tmp_path}/a.db", tmp_path / "fa", 5,
                              clock())
    second = await fingerprint(f"sqlite+aiosqlite:///{tmp_path}/b.db", tmp_path / "fb", 5,
                               clock())
    assert first == second
    assert len(first[3]) >= 3  # photos, byte for byte the same


def test_the_past_task_lies_outside_the_pairing_window() -> None:
    """Its teams' pairings must not constrain the current demo task's matching (with the demo's
    few inspectors that left, now and then, no feasible matching and a demo that did not start)."""
    import datetime as dt

    from demo.past import past_year
    from services.draws import PAIRING_WINDOW_MONTHS, months_before

    for today in (dt.date(2026, 12, 3), dt.date(2026, 3, 2), dt.date(2027, 1, 1),
                  dt.date(2028, 4, 1)):
        year = past_year(today)
        assert dt.date(year, 3, 31) < months_before(today, PAIRING_WINDOW_MONTHS)
        assert dt.date(year + 1, 3, 31) >= months_before(today, PAIRING_WINDOW_MONTHS)
    assert past_year(dt.date(2026, 12, 3)) == 2024
    assert past_year(dt.date(2026, 3, 2)) == 2023
