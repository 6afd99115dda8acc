"""告知 / 移送: referrals and transfers of findings (Art. 17).

From a record or the final result a finding goes to another department (告知: its bound
admins get it in the bot and acknowledge it), to the department's own case unit (办案机构,
acknowledged by the department's admins), or to judicial organs (移送司法机关, with the organ,
the date and the document number; recorded as transferred). Every referral is a row, listed
per task and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    Account,
    CheckRecord,
    Department,
    FinalResult,
    Inspector,
    Referral,
    Subject,
    Task,
    TaskSubject,
    Team,
    TeamMember,
)

from services import vocab
from services.accounts import Role
from services.actors import Actor
from services.audit import AuditTrail
from services.clock import Clock, local_date
from services.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from services.notification_kinds import NotificationKind, ReferralPayload
from services.notifications import enqueue

INFORM, CASE_UNIT, JUDICIAL = "inform", "case_unit", "judicial"
SENT, ACKNOWLEDGED, TRANSFERRED = "sent", "acknowledged", "transferred"
MAX_TEXT = 2000


class ReferralNotMember(DomainError):
    """Only an active inspector of the team that checked the subject refers its findings."""

    key = "referral-not-member"


class ReferralNotLeader(DomainError):
    """A referral from the team's final result is the leader's, who entered it (Art. 13)."""

    key = "referral-not-leader"


class ReferralNotAdmin(DomainError):
    """Only an admin of the receiving department acknowledges a referral."""

    key = "referral-not-admin"


@dataclass(frozen=True)
class ReferralRequest:
    """What the inspector or leader fills in."""

    kind: str  # inform | case_unit | judicial
    finding: str
    to_department: str | None = None  # inform: the competent department's code
    organ: str = ""  # judicial: the receiving organ (公安机关, 检察院 ...)
    transferred_on: dt.date | None = None
    document_no: str = ""


@dataclass(frozen=True)
class ReferralView:
    """A referral as the bot and the CLI list it."""

    id: int
    task_id: int
    task_code: str
    subject_id: int
    subject_name: str
    record_id: int | None
    result_id: int | None
    kind: str
    from_department: str
    to_department: str | None
    to_department_name: str | None
    organ: str
    transferred_on: dt.date | None
    document_no: str
    finding: str
    state: str
    created_by: str
    created_at: dt.datetime
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    notified_accounts: int = 0


class ReferralService:
    """Records referrals, notifies the receiving admins, takes their acknowledgement."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self._audit = AuditTrail(session, clock)

    async def _department(self, code: str | None) -> Department:
        department = await self._session.scalar(select(Department).where(
            Department.code == (code or ""), Department.active.is_(True)))
        if department is None:
            raise NotFound("referral-department-not-found", code=code or "-")
        return department

    async def _view(self, row: Referral, notified: int = 0) -> ReferralView:
        task = await self._session.get(Task, row.task_id)
        subject = await self._session.get(Subject, row.subject_id)
        origin = await self._session.get(Department, row.from_department_id)
        target = await self._session.get(Department, row.to_department_id) \
            if row.to_department_id else None
        by = await self._session.get(Inspector, row.created_by_inspector_id)
        ack = await self._session.get(Account, row.acknowledged_by_account_id) \
            if row.acknowledged_by_account_id else None
        assert task
        assert subject
        assert origin
        return ReferralView(
            id=row.id, task_id=task.id, task_code=task.code, subject_id=subject.id,
            subject_name=subject.name, record_id=row.record_id, result_id=row.result_id,
            kind=row.kind, from_department=origin.code,
            to_department=target.code if target else None,
            to_department_name=target.name_zh if target else None, organ=row.organ,
            transferred_on=row.transferred_on, document_no=row.document_no,
            finding=row.finding, state=row.state, created_by=by.name if by else "?",
            created_at=row.created_at, acknowledged_by=ack.name if ack else None,
            acknowledged_at=row.acknowledged_at, notified_accounts=notified)

    async def refer(self, actor: Actor, request: ReferralRequest, *,
                    record_id: int | None = None, result_id: int | None = None
                    ) -> ReferralView:
        """Refer a finding of a record (or of the final result) and notify the receivers.

        The one who refers is ``actor.inspector_id``: from a record, an active member of the
        team that checked the subject (``ReferralNotMember``); from the final result, the
        team's leader (``ReferralNotLeader``). A system actor has no inspector and is refused."""
        inspector_id = actor.inspector_id
        if (record_id is None) == (result_id is None):
            raise ValidationFailed("referral-needs-origin")
        if record_id is not None:
            record = await self._session.get(CheckRecord, record_id)
            if record is None:
                raise NotFound("record-not-found", id=record_id)
            task_id, subject_id = record.task_id, record.subject_id
        else:
            result = await self._session.get(FinalResult, result_id)
            if result is None:
                raise NotFound("result-not-found", id=result_id)
            task_id, subject_id = result.task_id, result.subject_id
        link = await self._session.scalar(select(TaskSubject).where(
            TaskSubject.task_id == task_id, TaskSubject.subject_id == subject_id))
        member = await self._session.scalar(select(TeamMember).where(
            TeamMember.team_id == (link.team_id if link else -1),
            TeamMember.inspector_id == inspector_id, TeamMember.active.is_(True))) \
            if inspector_id is not None else None
        if member is None or member.department_id is None:
            raise ReferralNotMember(task_id=task_id)
        if result_id is not None:
            team = await self._session.get(Team, link.team_id) if link else None
            if team is None or team.leader_inspector_id != inspector_id:
                raise ReferralNotLeader(task_id=task_id)
        assert inspector_id is not None
        kinds = vocab.referral_kinds()
        if request.kind not in kinds.codes:
            raise ValidationFailed("referral-bad-kind", kind=request.kind)
        finding = request.finding.strip()
        if not finding:
            raise ValidationFailed("referral-needs-finding")
        if len(finding) > MAX_TEXT:
            raise ValidationFailed("record-text-too-long", field="finding", limit=MAX_TEXT)
        origin = await self._session.get(Department, member.department_id)
        assert origin is not None
        target: Department | None = None
        organ, document_no, transferred_on = "", "", None
        state = SENT
        if request.kind == INFORM:
            target = await self._department(request.to_department)
            if target.id == origin.id:
                raise ValidationFailed("referral-inform-own-department", code=origin.code)
        elif request.kind == CASE_UNIT:
            target = origin
        else:
            organ, document_no = request.organ.strip(), request.document_no.strip()
            transferred_on = request.transferred_on
            if not organ or not document_no or transferred_on is None:
                raise ValidationFailed("referral-judicial-needs-details")
            if transferred_on > local_date(self._clock()):
                raise ValidationFailed("task-day-in-future", code="-",
                                       day=transferred_on.isoformat(),
                                       today=local_date(self._clock()).isoformat())
            state = TRANSFERRED
        row = Referral(task_id=task_id, subject_id=subject_id, record_id=record_id,
                       result_id=result_id, kind=request.kind, from_department_id=origin.id,
                       to_department_id=target.id if target else None, organ=organ[:300],
                       transferred_on=transferred_on, document_no=document_no[:100],
                       finding=finding, state=state, created_by_inspector_id=inspector_id,
                       created_at=self._clock())
        self._session.add(row)
        await self._session.flush()
        notified = 0
        task = await self._session.get(Task, task_id)
        subject = await self._session.get(Subject, subject_id)
        inspector = await self._session.get(Inspector, inspector_id)
        # everything the notice shows, so the sender renders it without the database
        payload = ReferralPayload(
            referral_id=row.id, kind=request.kind, task_code=task.code if task else "",
            subject=subject.name if subject else "", origin=origin.code,
            origin_name=origin.name_zh, finding=finding,
            by=inspector.name if inspector else "")
        if target is not None:
            admins = (await self._session.scalars(select(Account).where(
                Account.department_id == target.id, Account.active.is_(True),
                Account.telegram_user_id.is_not(None)))).all()
            for admin in admins:
                if Role.DEPT_ADMIN not in admin.roles:
                    continue
                notified += await enqueue(
                    self._session, account_id=admin.id, kind=NotificationKind.REFERRAL,
                    dedup_key=f"referral:{row.id}:{admin.id}",
                    payload=payload, due_at=self._clock())
        await self._audit.record(actor, f"referral.{request.kind}", "referral", row.id, {
            "task_id": task_id, "subject_id": subject_id, "record_id": record_id,
            "result_id": result_id, "from": origin.code,
            "to": target.code if target else None, "organ": organ, "document_no": document_no,
            "transferred_on": transferred_on.isoformat() if transferred_on else None,
            "finding": finding, "notified": notified})
        await self._session.commit()
        return await self._view(row, notified)

    async def departments(self) -> list[tuple[str, str, str]]:
        """The active departments a finding may be referred to: (code, zh name, en name)."""
        rows = (await self._session.scalars(select(Department).where(
            Department.active.is_(True)).order_by(Department.code))).all()
        return [(d.code, d.name_zh, d.name_en or d.name_zh) for d in rows]

    async def get(self, referral_id: int) -> ReferralView:
        """One referral."""
        row = await self._session.get(Referral, referral_id)
        if row is None:
            raise NotFound("referral-not-found", id=referral_id)
        return await self._view(row)

    async def acknowledge(self, referral_id: int, account_id: int,
                          actor: Actor | str) -> ReferralView:
        """The receiving department's admin takes the referral; a second tap changes nothing."""
        row = await self._session.scalar(select(Referral).where(Referral.id == referral_id)
                                         .with_for_update())
        if row is None:
            raise NotFound("referral-not-found", id=referral_id)
        account = await self._session.get(Account, account_id)
        if (account is None or not account.active or row.to_department_id is None
                or account.department_id != row.to_department_id
                or Role.DEPT_ADMIN not in account.roles):
            raise ReferralNotAdmin(id=referral_id)
        if row.state != SENT:
            raise IllegalTransition("referral-already-acknowledged", id=referral_id)
        row.state = ACKNOWLEDGED
        row.acknowledged_by_account_id = account_id
        row.acknowledged_at = self._clock()
        await self._audit.record(actor, "referral.acknowledged", "referral", row.id,
                                 {"account_id": account_id})
        await self._session.commit()
        return await self._view(row)

    async def for_task(self, task_id: int) -> list[ReferralView]:
        """Every referral of a task, oldest first."""
        rows = (await self._session.scalars(select(Referral).where(
            Referral.task_id == task_id).order_by(Referral.id))).all()
        return [await self._view(r) for r in rows]
