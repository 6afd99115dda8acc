"""What a reviewer needs on the card of a task waiting for review (会审, Art. 12).

The items, the subject scope, the sample per risk class, the teams and their members per
department, the window, the review round, the comments the previous round returned it with and
which fields were revised since (issue 9 item 12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import AuditEvent, Department, InspectionItem, Task, TaskReview

from services.errors import NotFound
from services.plans import department_codes_by_id
from services.vocabulary import ReviewDecision


@dataclass(frozen=True)
class ReviewBrief:
    """One task as a reviewer of one department sees it in the current round."""

    task_id: int
    code: str
    name: str
    review_round: int
    department: str
    department_name: str
    window_start: dt.date
    window_end: dt.date
    items: tuple[tuple[str, str], ...]  # (code, name)
    scope: dict[str, Any]
    sample: dict[str, Any]
    team_count: int
    members_per_team: tuple[tuple[str, str, int], ...]  # (code, name, members)
    returned_with: tuple[tuple[str, str], ...]  # the previous round's returns: (dept, comment)
    changed: tuple[str, ...]  # task fields revised since the previous round


async def review_brief(session: AsyncSession, task_id: int, department: str) -> ReviewBrief:
    """The brief of ``task_id`` for ``department``'s reviewer."""
    task = await session.get(Task, task_id)
    if task is None:
        raise NotFound("task-not-found", id=task_id)
    names = dict((await session.execute(select(Department.code, Department.name_zh))).all())
    codes = await department_codes_by_id(session)
    rounds = (await session.scalars(
        select(TaskReview).where(TaskReview.task_id == task.id).order_by(TaskReview.id))).all()
    current = max((r.round for r in rounds), default=0)
    returned = tuple(
        (names.get(codes[r.department_id], codes[r.department_id]), r.comment)
        for r in rounds
        if r.round == current - 1 and ReviewDecision.parse(r.decision) == ReviewDecision.RETURN
    )
    item_names = dict((await session.execute(
        select(InspectionItem.code, InspectionItem.name).where(
            InspectionItem.year == task.item_year,
            InspectionItem.code.in_(list(task.item_codes)))
    )).all())
    changed: list[str] = []
    if current > 1:  # revisions after the last return, i.e. between the two submits
        events = (await session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "task",
                                     AuditEvent.entity_id == str(task.id),
                                     AuditEvent.action.in_(("task.return", "task.revise")))
            .order_by(AuditEvent.id))).all()
        for event in events:
            if event.action == "task.return":
                changed = []
            else:
                changed.extend(k for k in event.data if k != "code" and k not in changed)
    return ReviewBrief(
        task_id=task.id, code=task.code, name=task.name, review_round=current,
        department=department, department_name=names.get(department, department),
        window_start=task.window_start, window_end=task.window_end,
        items=tuple((c, item_names.get(c, c)) for c in task.item_codes),
        scope=dict(task.scope), sample=dict(task.sample), team_count=task.team_count,
        members_per_team=tuple((c, names.get(c, c), int(n))
                               for c, n in dict(task.members_per_team).items()),
        returned_with=returned, changed=tuple(changed),
    )
