"""What an inspector was drawn for: the read model behind ``/tasks`` (Art. 10, 13).

From the task, its teams and members, the matched subjects and the item catalogue it builds
frozen views: the task and its window, each item with its guidance (检查内容、方法、要求),
the inspector's team with its leader and members, and the team's subjects in visiting order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    Department,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    Task,
    TaskSubject,
    Team,
    TeamMember,
)

from services.errors import DomainError
from services.tasks import TaskState

# A task no longer shows among "my assignments" once archived (Art. 19 keeps it elsewhere).
HIDDEN_STATES = frozenset({TaskState.ARCHIVED})


class NotAssigned(DomainError):
    """The inspector is not (or no longer) a member of a team of this task."""

    key = "assignment-not-yours"


@dataclass(frozen=True)
class ItemGuidance:
    """One item of the task with its working guidance (工作指引, Art. 10)."""

    code: str
    name: str
    legal_basis: str
    checklist: tuple[str, ...]
    methods: tuple[str, ...]
    requirements: str


@dataclass(frozen=True)
class Member:
    """A member of a team: an inspector of a department, or an expert."""

    name: str
    department_code: str | None
    department_name: str | None
    is_leader: bool
    is_expert: bool
    inspector_id: int | None


@dataclass(frozen=True)
class SubjectStop:
    """A subject the team inspects, in visiting order."""

    position: int
    subject_id: int
    name: str
    identifier: str
    address: str
    district: str
    planned_on: dt.date | None


@dataclass(frozen=True)
class AssignmentSummary:
    """One line of ``/tasks``."""

    task_id: int
    task_code: str
    task_name: str
    state: str
    team_number: int | None
    is_leader: bool
    window_start: dt.date
    window_end: dt.date
    subject_count: int


@dataclass(frozen=True)
class Assignment:
    """Everything one inspector needs about one task."""

    summary: AssignmentSummary
    lead_department_code: str
    lead_department_name: str
    items: tuple[ItemGuidance, ...]
    leader: Member | None
    members: tuple[Member, ...]
    subjects: tuple[SubjectStop, ...]
    deadlines: dict[str, Any]


class AssignmentService:
    """Reads assignments; changes nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _memberships(self, inspector_id: int) -> list[tuple[TeamMember, Task]]:
        rows = (
            await self._session.execute(
                select(TeamMember, Task)
                .join(Task, Task.id == TeamMember.task_id)
                .where(
                    TeamMember.inspector_id == inspector_id,
                    TeamMember.active.is_(True),
                    Task.state.not_in(HIDDEN_STATES),
                )
                .order_by(Task.window_start, Task.id)
            )
        ).all()
        return [(member, task) for member, task in rows]

    async def _subject_count(self, team_id: int | None) -> int:
        if team_id is None:
            return 0
        ids = (
            await self._session.scalars(
                select(TaskSubject.id).where(TaskSubject.team_id == team_id)
            )
        ).all()
        return len(ids)

    async def _summary(self, member: TeamMember, task: Task) -> AssignmentSummary:
        team = await self._session.get(Team, member.team_id) if member.team_id else None
        return AssignmentSummary(
            task_id=task.id,
            task_code=task.code,
            task_name=task.name,
            state=task.state,
            team_number=team.number if team else None,
            is_leader=bool(team and team.leader_inspector_id == member.inspector_id),
            window_start=task.window_start,
            window_end=task.window_end,
            subject_count=await self._subject_count(member.team_id),
        )

    async def for_inspector(self, inspector_id: int) -> list[AssignmentSummary]:
        """The inspector's current assignments, earliest window first."""
        return [
            await self._summary(member, task)
            for member, task in await self._memberships(inspector_id)
        ]

    async def detail(self, inspector_id: int, task_id: int) -> Assignment:
        """One assignment in full; refuses a task the inspector is not drawn for."""
        found = [(m, t) for m, t in await self._memberships(inspector_id) if t.id == task_id]
        if not found:
            raise NotAssigned(task_id=task_id)
        member, task = found[0]
        summary = await self._summary(member, task)
        lead = await self._session.get(Department, task.lead_department_id)
        team = await self._session.get(Team, member.team_id) if member.team_id else None
        members = await self._members(team) if team else ()
        return Assignment(
            summary=summary,
            lead_department_code=lead.code if lead else "",
            lead_department_name=lead.name_zh if lead else "",
            items=await self._items(task),
            leader=next((m for m in members if m.is_leader), None),
            members=members,
            subjects=await self._subjects(team) if team else (),
            deadlines=dict(task.deadlines or {}),
        )

    async def team_of(self, team_member_id: int) -> tuple[Assignment, Member] | None:
        """The assignment of a team member row, and that member (for "you were drawn")."""
        member = await self._session.get(TeamMember, team_member_id)
        if member is None or member.inspector_id is None or not member.active:
            return None
        assignment = await self.detail(member.inspector_id, member.task_id)
        me = next((m for m in assignment.members if m.inspector_id == member.inspector_id), None)
        return (assignment, me) if me else None

    async def _items(self, task: Task) -> tuple[ItemGuidance, ...]:
        rows = (
            await self._session.scalars(
                select(InspectionItem).where(
                    InspectionItem.year == task.item_year,
                    InspectionItem.code.in_(task.item_codes),
                )
            )
        ).all()
        by_code = {row.code: row for row in rows}
        result = []
        for code in task.item_codes:  # the task's own order
            row = by_code.get(code)
            if row is None:
                result.append(ItemGuidance(code, code, "", (), (), ""))
                continue
            result.append(
                ItemGuidance(
                    code=row.code, name=row.name, legal_basis=row.legal_basis,
                    checklist=tuple(row.checklist), methods=tuple(row.methods),
                    requirements=row.requirements,
                )
            )
        return tuple(result)

    async def _members(self, team: Team) -> tuple[Member, ...]:
        rows = (
            await self._session.execute(
                select(TeamMember, Inspector, Expert, Department)
                .outerjoin(Inspector, Inspector.id == TeamMember.inspector_id)
                .outerjoin(Expert, Expert.id == TeamMember.expert_id)
                .outerjoin(Department, Department.id == TeamMember.department_id)
                .where(TeamMember.team_id == team.id, TeamMember.active.is_(True))
            )
        ).all()
        members = [
            Member(
                name=inspector.name if inspector else (expert.name if expert else "?"),
                department_code=department.code if department else None,
                department_name=department.name_zh if department else None,
                is_leader=bool(inspector and inspector.id == team.leader_inspector_id),
                is_expert=inspector is None,
                inspector_id=inspector.id if inspector else None,
            )
            for _row, inspector, expert, department in rows
        ]
        # the leader first, then by department and name: the order a team sheet lists them
        members.sort(key=lambda m: (not m.is_leader, m.is_expert, m.department_code or "", m.name))
        return tuple(members)

    async def _subjects(self, team: Team) -> tuple[SubjectStop, ...]:
        rows = (
            await self._session.execute(
                select(TaskSubject, Subject)
                .join(Subject, Subject.id == TaskSubject.subject_id)
                .where(TaskSubject.team_id == team.id)
            )
        ).all()
        ordered = sorted(
            rows,
            key=lambda r: (r[0].visit_order is None, r[0].visit_order or 0, r[1].name, r[1].id),
        )
        return tuple(
            SubjectStop(
                position=n, subject_id=subject.id, name=subject.name,
                identifier=subject.identifier, address=subject.address,
                district=subject.district, planned_on=link.planned_on,
            )
            for n, (link, subject) in enumerate(ordered, start=1)
        )
