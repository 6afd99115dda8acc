"""Small directories for the workflow tests: departments, items, subjects, inspectors, experts.

Built with plain inserts so the workflow tests do not depend on the import code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors import Actor
from storage.models import (
    CatalogueYear,
    Department,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    SubjectInspection,
)
from tests.services import task_service

DEPARTMENTS = {
    "SCJG": "市场监督管理局",
    "SThJ": "生态环境局",
    "YJGL": "应急管理局",
}
ITEMS = {
    # code: (name, departments)
    "SC-01": ("食品经营许可检查", ["SCJG"]),
    "SC-02": ("特种设备安全检查", ["SCJG"]),
    "ST-01": ("排污许可执行检查", ["SThJ"]),
    "YJ-01": ("危险化学品安全检查", ["YJGL"]),
}


@dataclass
class Directory:
    """Ids of what was inserted, by department code."""

    departments: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, list[int]] = field(default_factory=dict)  # by risk class (SCJG)
    inspectors: dict[str, list[int]] = field(default_factory=dict)
    experts: list[int] = field(default_factory=list)


async def build_directory(
    session: AsyncSession,
    *,
    subjects_per_class: int = 12,
    inspectors_per_department: int = 6,
    year: int = 2026,
    peak_months: list[int] | None = None,
    experts: int = 0,
) -> Directory:
    """Three departments, four items, SCJG subjects A-D, certified inspectors everywhere."""
    out = Directory()
    for code, name in DEPARTMENTS.items():
        dept = Department(code=code, name_zh=name, name_en=code)
        session.add(dept)
        await session.flush()
        out.departments[code] = dept.id
    session.add(CatalogueYear(year=year))
    for code, (name, depts) in ITEMS.items():
        session.add(InspectionItem(year=year, code=code, name=name, department_codes=depts,
                                   subject_kinds=["enterprise"], checklist=["检查要点"],
                                   methods=["on-site"]))
    await session.flush()
    rows = []
    n = 0
    for risk in "ABCD":
        for i in range(subjects_per_class):
            n += 1
            rows.append({
                "department_id": out.departments["SCJG"], "identifier": f"9142070{n:011d}",
                "name": f"鄂州市测试企业{n}", "kind": "enterprise", "district": "鄂城区"
                if i % 2 == 0 else "华容区", "industry_code": "F5211" if i % 3 else "C1311",
                "risk_class": risk, "status": "active", "active": True,
                "peak_months": peak_months or [], "longitude": 114.89, "latitude": 30.39,
            })
    result = await session.execute(insert(Subject).returning(Subject.id, Subject.risk_class),
                                   rows)
    for sid, risk in result.all():
        out.subjects.setdefault(risk, []).append(sid)
    for lst in out.subjects.values():
        lst.sort()
    for code in DEPARTMENTS:
        dept_items = [c for c, (_, d) in ITEMS.items() if code in d]
        ids = []
        for i in range(inspectors_per_department):
            inspector = Inspector(
                department_id=out.departments[code], staff_no=f"{code}-{i:03d}",
                name=f"{DEPARTMENTS[code][:2]}检查员{i}", certificate_no=f"42{code}{i:05d}",
                certificate_expires_on=dt.date(year + 2, 12, 31), qualified_items=dept_items,
                active=True,
            )
            session.add(inspector)
            await session.flush()
            ids.append(inspector.id)
        out.inspectors[code] = ids
    for i in range(experts):
        expert = Expert(code=f"EXP-{i:03d}", name=f"专家{i}", kind="expert",
                        qualified_items=list(ITEMS), specialties=["化工"])
        session.add(expert)
        await session.flush()
        out.experts.append(expert.id)
    await session.commit()
    return out


async def mark_inspected(session: AsyncSession, subject_id: int, item: str,
                         day: dt.date) -> None:
    """Record a previous inspection of ``subject_id`` for ``item``."""
    session.add(SubjectInspection(subject_id=subject_id, item_code=item, inspected_on=day))
    await session.commit()


async def approved_entry(session: AsyncSession, clock: object) -> int:
    """An approved 2027 plan entry for SCJG + SThJ + YJGL with every item; returns its id."""
    from services.plans import PlanEntryInput, PlanService

    service = PlanService(session, clock)  # type: ignore[arg-type]
    view = await service.submit_entry(
        PlanEntryInput(year=2027, department="SCJG", title="餐饮与危化品联合抽查",
                       items=tuple(ITEMS), departments=tuple(DEPARTMENTS),
                       period_start=dt.date(2027, 3, 1), period_end=dt.date(2027, 10, 31),
                       target_ratio="0.05"),
        actor=Actor.system("scjg-admin"),
    )
    await service.approve(2027, actor=Actor.system("gov"))
    return view.id


def task_spec(entry_id: int, **changes: object) -> object:
    """A joint task of three departments with two teams, from ``entry_id``."""
    from dataclasses import replace

    from services.tasks import TaskSpec

    spec = TaskSpec(
        plan_entry_id=entry_id, name="2027年餐饮与危化品联合抽查", lead_department="SCJG",
        departments=("SCJG", "SThJ", "YJGL"), items=("SC-01", "ST-01", "YJ-01"),
        window_start=dt.date(2027, 4, 1), window_end=dt.date(2027, 5, 31), team_count=2,
        members_per_team={"SCJG": 2, "SThJ": 1, "YJGL": 1},
        sample={"A": {"ratio": "0.25"}, "B": {"ratio": "0.25"}, "C": {"count": 3},
                "D": {"count": 4}},
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


async def approved_task(session: AsyncSession, clock: object, **changes: object) -> int:
    """A task created from the plan and approved by all three departments; returns its id."""

    entry_id = await approved_entry(session, clock)
    tasks = task_service(session, clock)  # type: ignore[arg-type]
    view = await tasks.create(task_spec(entry_id, **changes), actor=Actor.system("organiser"))  # type: ignore[arg-type]
    await tasks.submit(view.id, actor=Actor.system("organiser"))
    for dept in view.departments:
        await tasks.review(view.id, dept, "approve", "", actor=Actor.system(f"{dept}-admin"))
    return view.id


def secret_source(secret: str) -> dict[str, object]:
    """An operator-secret entropy source for ``secret``."""
    import hashlib

    from services.draws import operator_secret_source

    return operator_secret_source(hashlib.sha256(secret.encode()).hexdigest())
