"""Progress figures of Art. 22 per department (issue 12 item 3): tasks, subjects drawn, visited,
with a result, results on time and late, referrals open.

A subject counts for the department whose directory holds it (drawn, with a result, on time,
late); *visited* counts the task subjects a department's inspectors submitted a check record
for; *referrals open* the referrals sent to the department and not yet acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    CheckRecord,
    Department,
    FinalResult,
    Referral,
    Subject,
    Task,
    TaskSubject,
)

from services.tasks import TaskState


@dataclass(frozen=True)
class DepartmentProgress:
    """One department's figures; ``None``: not known (shown "—")."""

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
            select(Task).where(Task.state.not_in((TaskState.DRAFT, TaskState.RETURNED))))).all()
        drawn = dict((await self._session.execute(
            select(Subject.department_id, func.count(TaskSubject.id))
            .join(Subject, Subject.id == TaskSubject.subject_id)
            .group_by(Subject.department_id))).all())
        checked = (select(CheckRecord.department_id, CheckRecord.task_id, CheckRecord.subject_id)
                   .where(CheckRecord.state == "submitted").distinct().subquery())
        visited: dict[int, int] = dict((await self._session.execute(
            select(checked.c.department_id, func.count())
            .group_by(checked.c.department_id))).all())
        results = (await self._session.execute(
            select(Subject.department_id, FinalResult.late, func.count(FinalResult.id))
            .join(Subject, Subject.id == FinalResult.subject_id)
            .group_by(Subject.department_id, FinalResult.late))).all()
        on_time = {dept: int(n) for dept, late, n in results if not late}
        late = {dept: int(n) for dept, was_late, n in results if was_late}
        open_referrals = dict((await self._session.execute(
            select(Referral.to_department_id, func.count(Referral.id))
            .where(Referral.state == "sent", Referral.to_department_id.is_not(None))
            .group_by(Referral.to_department_id))).all())
        return [
            DepartmentProgress(
                code=d.code, name=d.name_zh,
                tasks=sum(d.code in (t.department_codes or ()) for t in tasks),
                subjects_drawn=int(drawn.get(d.id, 0)),
                visited=int(visited.get(d.id, 0)),
                with_result=on_time.get(d.id, 0) + late.get(d.id, 0),
                on_time=on_time.get(d.id, 0), late=late.get(d.id, 0),
                referrals_open=int(open_referrals.get(d.id, 0)),
            )
            for d in departments if department_code is None or d.code == department_code
        ]
