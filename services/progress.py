"""Progress figures of Art. 22 per department (issue 12 item 3): tasks, subjects drawn, visited,
with a result, results on time and late, referrals open.

The check records, results and referrals are another branch's tables; until they land those
figures are ``None`` (shown "—"), and ``DepartmentProgress`` is the shape they will fill.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import Department, Subject, Task, TaskSubject


@dataclass(frozen=True)
class DepartmentProgress:
    """One department's figures; ``None``: not recorded yet (needs the records branch)."""

    code: str
    name: str
    tasks: int
    subjects_drawn: int
    visited: int | None = None
    with_result: int | None = None
    on_time: int | None = None
    late: int | None = None
    referrals_open: int | None = None


class ProgressService:
    """Reads the figures; changes nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_department(self, department_code: str | None = None
                            ) -> list[DepartmentProgress]:
        """Every active department's figures (or one department's), by code."""
        departments = (await self._session.scalars(
            select(Department).where(Department.active.is_(True)).order_by(Department.code)
        )).all()
        tasks = (await self._session.scalars(
            select(Task).where(Task.state.not_in(("draft", "returned"))))).all()
        drawn = dict((await self._session.execute(
            select(Subject.department_id, func.count(TaskSubject.id))
            .join(Subject, Subject.id == TaskSubject.subject_id)
            .group_by(Subject.department_id))).all())
        return [
            DepartmentProgress(
                code=d.code, name=d.name_zh,
                tasks=sum(d.code in (t.department_codes or ()) for t in tasks),
                subjects_drawn=int(drawn.get(d.id, 0)),
            )
            for d in departments if department_code is None or d.code == department_code
        ]
