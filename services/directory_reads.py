"""Paged reads of the directories for the admin API (issue 13 item 5): one department's
subjects, a page at a time, with the total so a client knows when it is done."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import Department, Subject

from services.errors import NotFound

MAX_PAGE = 500


@dataclass(frozen=True)
class SubjectRow:
    """One subject as the directory holds it."""

    id: int
    identifier: str
    name: str
    kind: str
    address: str
    district: str
    industry_code: str
    longitude: float | None
    latitude: float | None
    risk_class: str
    status: str
    active: bool


@dataclass(frozen=True)
class SubjectPage:
    """One page of a department's subjects, by id."""

    department: str
    total: int
    offset: int
    limit: int
    subjects: tuple[SubjectRow, ...]


class DirectoryReads:
    """Read-only views of the directories."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def subjects(self, department_code: str, offset: int = 0, limit: int = 100,
                       active_only: bool = False) -> SubjectPage:
        """``limit`` subjects of the department from ``offset`` (ordered by id)."""
        department = await self._session.scalar(
            select(Department).where(Department.code == department_code))
        if department is None:
            raise NotFound("error-unknown-department", code=department_code)
        offset = max(0, offset)
        limit = max(1, min(limit, MAX_PAGE))
        where = [Subject.department_id == department.id]
        if active_only:
            where.append(Subject.active.is_(True))
        total = await self._session.scalar(select(func.count()).select_from(Subject).where(*where))
        rows = (await self._session.scalars(
            select(Subject).where(*where).order_by(Subject.id).offset(offset).limit(limit))).all()
        return SubjectPage(
            department=department.code, total=int(total or 0), offset=offset, limit=limit,
            subjects=tuple(SubjectRow(
                id=s.id, identifier=s.identifier, name=s.name, kind=s.kind, address=s.address,
                district=s.district, industry_code=s.industry_code, longitude=s.longitude,
                latitude=s.latitude, risk_class=s.risk_class, status=s.status, active=s.active)
                for s in rows))
