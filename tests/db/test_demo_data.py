"""Demo data: deterministic, valid, inside Ezhou, and loadable twice without duplicates."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from demo.data import (
    DEPARTMENTS,
    DISTRICTS,
    DemoGenerator,
    load_demo_data,
    write_subjects_csv,
)
from services.directories import uscc
from services.directories.importer import DirectoryImporter, ImportRequest
from storage.models import (
    AuditEvent,
    Conflict,
    Department,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    SubjectInspection,
)
from tests.conftest import FixedClock

Sessions = async_sessionmaker[AsyncSession]


def test_same_seed_same_subjects_other_seed_other_subjects() -> None:
    today = dt.date(2026, 3, 2)
    first = list(DemoGenerator(5, today).subjects(200))
    assert first == list(DemoGenerator(5, today).subjects(200))
    assert first != list(DemoGenerator(6, today).subjects(200))


def test_generated_subjects_are_valid_and_inside_ezhou() -> None:
    subjects = list(DemoGenerator(1, dt.date(2026, 3, 2)).subjects(3000))
    assert len({s.identifier for s in subjects}) == 3000
    for s in subjects:
        assert uscc.is_valid(s.identifier), s.identifier
        assert 30.2 <= s.latitude <= 30.6
        assert 114.5 <= s.longitude <= 115.1
        district = next(d for d in DISTRICTS if d.name == s.district)
        assert district.lat[0] <= s.latitude <= district.lat[1]
        assert s.identifier[2:8] == district.division
        assert (s.kind == "individual") == s.identifier.startswith("92")
    risks = [s.risk for s in subjects]
    # most subjects are low or moderate risk, few high
    assert risks.count("B") > risks.count("A") > risks.count("C") > risks.count("D") > 0
    assert any(s.status == "deregistered" for s in subjects)
    assert any(not s.active for s in subjects)
    assert any(s.inspected for s in subjects)


async def test_load_demo_data(sessions: Sessions, clock: FixedClock) -> None:
    async with sessions() as session:
        summary = await load_demo_data(session, clock, subjects=400, seed=11)
    assert summary.loaded
    assert summary.departments == 5
    async with sessions() as session:
        codes = set((await session.scalars(select(Department.code))).all())
        assert codes == {c for c, _, _ in DEPARTMENTS}
        years = set((await session.scalars(select(InspectionItem.year).distinct())).all())
        assert years == {2026, 2027}
        for code, _, _ in DEPARTMENTS:
            items = (
                await session.scalars(select(InspectionItem).where(InspectionItem.year == 2026))
            ).all()
            own = [i for i in items if code in i.department_codes]
            assert own, code
            assert all(i.checklist and i.methods and i.legal_basis for i in own)
        subjects = (await session.scalars(select(Subject))).all()
        assert len(subjects) == summary.subjects > 400
        assert all(uscc.is_valid(s.identifier) for s in subjects if s.kind != "project")
        assert {s.kind for s in subjects} >= {"enterprise", "individual", "project"}
        inspectors = (await session.scalars(select(Inspector))).all()
        today = dt.date(2026, 3, 2)
        assert any(i.certificate_no is None for i in inspectors)
        soon = [
            i
            for i in inspectors
            if i.certificate_expires_on
            and today < i.certificate_expires_on <= today + dt.timedelta(days=60)
        ]
        assert soon
        assert all(i.qualified_items for i in inspectors)
        kinds = set((await session.scalars(select(Expert.kind))).all())
        assert kinds == {"expert", "institution", "research"}
        assert (
            await session.scalar(select(func.count()).select_from(Conflict))
            == summary.conflicts
            > 0
        )
        visits = (await session.scalars(select(SubjectInspection))).all()
        assert len(visits) == summary.inspections > 0
        assert all(v.inspected_on < today for v in visits)
        # every record is audited (tests/unit/test_demo_audit.py); the summary closes the load
        event = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()))).first()
        assert event is not None
        assert event.action == "demo.loaded"
        assert event.data["seed"] == 11

    async with sessions() as session:
        again = await load_demo_data(session, clock, subjects=400, seed=11)
    assert not again.loaded
    assert again.subjects == summary.subjects


async def test_benchmark_csv_imports_cleanly(
    sessions: Sessions, clock: FixedClock, tmp_path: Path
) -> None:
    path = tmp_path / "bench.csv"
    assert write_subjects_csv(path, 500, seed=2, department="SCJG") == 500
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header[0] == "统一社会信用代码"
    assert header[-1] == "所属部门"
    async with sessions() as session:
        session.add(Department(code="SCJG", name_zh="市场监督管理局"))
        await session.commit()
    async with sessions() as session:
        report = await DirectoryImporter(session, clock).run(
            ImportRequest(kind="subjects", path=path, department="SCJG")
        )
    assert report.ok
    assert report.created == 500
