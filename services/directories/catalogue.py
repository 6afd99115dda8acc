"""Departments and the yearly item catalogue's lock (Art. 7: a city may not add or drop items)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import CatalogueYear, Department, InspectionItem, Inspector, Subject

from services.audit import AuditTrail
from services.clock import Clock
from services.directories.errors import CatalogueLocked, check_year
from services.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class DepartmentView:
    """A department with the size of its directories."""

    code: str
    name_zh: str
    name_en: str
    active: bool
    subjects: int
    inspectors: int


@dataclass(frozen=True)
class CatalogueStatus:
    """One year's item catalogue."""

    year: int
    items: int
    locked_at: dt.datetime | None
    locked_by: str | None


async def list_departments(session: AsyncSession) -> list[DepartmentView]:
    """Every department, by code, with how many subjects and inspectors it keeps."""
    subjects: dict[int, int] = {
        dep: n for dep, n in (await session.execute(
            select(Subject.department_id, func.count()).where(Subject.active.is_(True))
            .group_by(Subject.department_id)
        )).all()
    }
    inspectors: dict[int, int] = {
        dep: n for dep, n in (await session.execute(
            select(Inspector.department_id, func.count()).where(Inspector.active.is_(True))
            .group_by(Inspector.department_id)
        )).all()
    }
    rows = (await session.scalars(select(Department).order_by(Department.code))).all()
    return [
        DepartmentView(d.code, d.name_zh, d.name_en, d.active, subjects.get(d.id, 0),
                       inspectors.get(d.id, 0))
        for d in rows
    ]


async def add_department(
    session: AsyncSession, clock: Clock, *, code: str, name_zh: str, name_en: str = "",
    actor: str,
) -> DepartmentView:
    """Create a department (or rename an existing one with the same code); audited."""
    code = code.strip().upper()
    if not code or len(code) > 32 or not code.replace("-", "").replace("_", "").isalnum():
        raise ValidationFailed("dir-department-code-invalid", code=code)
    if not name_zh.strip():
        raise ValidationFailed("dir-department-name-required")
    found = await session.scalar(select(Department).where(Department.code == code))
    audit = AuditTrail(session, clock)
    if found is None:
        session.add(Department(code=code, name_zh=name_zh.strip(), name_en=name_en.strip()))
        await session.flush()
        await audit.record(actor, "department.created", "department", code,
                           {"name_zh": name_zh.strip(), "name_en": name_en.strip()})
    else:
        changes = {}
        if found.name_zh != name_zh.strip():
            changes["name_zh"] = [found.name_zh, name_zh.strip()]
        if name_en.strip() and found.name_en != name_en.strip():
            changes["name_en"] = [found.name_en, name_en.strip()]
        if changes:
            found.name_zh = name_zh.strip()
            if name_en.strip():
                found.name_en = name_en.strip()
            await session.flush()
            await audit.record(actor, "department.updated", "department", code,
                               {"changes": changes})
    await session.commit()
    return next(d for d in await list_departments(session) if d.code == code)


async def catalogue_status(session: AsyncSession, year: int) -> CatalogueStatus:
    """How many items ``year`` has and whether it is locked."""
    check_year(year)
    count = await session.scalar(
        select(func.count()).select_from(InspectionItem).where(InspectionItem.year == year)
    ) or 0
    row = await session.get(CatalogueYear, year)
    return CatalogueStatus(year, int(count), row.locked_at if row else None,
                           row.locked_by if row else None)


async def lock_catalogue(
    session: AsyncSession, clock: Clock, year: int, *, actor: str
) -> CatalogueStatus:
    """Lock ``year``'s catalogue (Art. 7): from now on its items cannot be imported again."""
    status = await catalogue_status(session, year)
    if status.items == 0:
        raise NotFound("dir-catalogue-empty", year=year)
    if status.locked_at is not None:
        raise CatalogueLocked(year=year, locked_by=status.locked_by or "")
    row = await session.get(CatalogueYear, year)
    now = clock()
    if row is None:
        row = CatalogueYear(year=year)
        session.add(row)
    row.locked_at = now
    row.locked_by = actor
    await session.flush()
    await AuditTrail(session, clock).record(
        actor, "catalogue.locked", "catalogue_year", year, {"items": status.items}
    )
    await session.commit()
    return CatalogueStatus(year, status.items, now, actor)
