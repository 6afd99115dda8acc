"""检查记录: the check record of one department for one item at one subject (Art. 13, 15, 19).

Recorded by the department's inspectors in the team: the methods used (FIELDWORK §2), each
checklist point of the item's guidance answered 符合 / 不符合 / 不适用 with an optional note,
the findings (发现问题情况, "无" allowed), the disposal (处置情况), notes, a location and the
evidence. Draft → submitted; a submitted record is locked, and a later correction is an
amendment with a reason, kept beside the original (before and after) and audited. The
department's second inspector in the team co-signs (enforcement on site needs two officers);
until then the record is unconfirmed.

Evidence files go to the file store by SHA-256 (the same file twice is stored once); the row
keeps Telegram's ``file_unique_id``, the message's time, our server's time, the EXIF time and
GPS when the file carries them, the uploader and the record.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.files import FileStore, FileTooLarge, chunks_of, human_size
from storage.models import (
    Account,
    CheckRecord,
    Department,
    Evidence,
    InspectionItem,
    Inspector,
    RecordAmendment,
    ScheduleStop,
    Subject,
    Task,
    TaskSubject,
    Team,
    TeamMember,
    TeamSchedule,
)

from services import vocab
from services.actors import Actor
from services.audit import AuditTrail
from services.clock import Clock, local_date
from services.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from services.geo import Point, distance_km
from services.notification_kinds import CosignPayload, NotificationKind
from services.notifications import enqueue

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # what the hosted Bot API lets a bot download
DEFAULT_LOCATION_FLAG_M = 300.0
MAX_TEXT_CHARS = 2000
MAX_REASON_CHARS = 500
# the task states in which field work is recorded (amendments included, until publication)
FIELD_STATES = frozenset({"teams_formed", "in_progress", "results_due", "results_entered"})
# what a person types for "no problem found": 无, 未发现问题, none
NO_PROBLEM_TEXTS = frozenset({"无", "无。", "未发现问题", "未发现问题。", "none", "no", "-",
                              "no problem", "no problem found"})
TEXT_FIELDS = ("findings", "disposal", "notes")
DRAFT, SUBMITTED = "draft", "submitted"


class RecordNotMember(DomainError):
    """Only the active inspectors of a team of the task record its checks."""

    key = "record-not-member"


class RecordWrongDepartment(DomainError):
    """A record belongs to its department: another department's inspector cannot touch it."""

    key = "record-wrong-department"


class RecordLocked(DomainError):
    """A submitted record is locked; a correction is an amendment with a reason."""

    key = "record-locked"


class RecordIncomplete(DomainError):
    """Submit refused: points unanswered, no method, no findings, or a finding without
    evidence; ``missing`` names what."""

    key = "record-incomplete"


class FindingNeedsEvidence(DomainError):
    """A finding other than "no problem" needs at least one piece of evidence."""

    key = "record-finding-needs-evidence"


class EvidenceOutsideRecord(DomainError):
    """A photo, file or location arrived while no record was open."""

    key = "evidence-outside-record"


class WrongFileType(DomainError):
    """Evidence must be an image (JPEG, PNG, WebP, HEIC, GIF, TIFF) or a PDF."""

    key = "evidence-wrong-type"


class CosignRefused(DomainError):
    """Co-sign refused: ``reason`` own (the submitter), department, not-submitted, done."""

    key = "record-cosign-refused"


@dataclass(frozen=True)
class Person:
    """An inspector as a record names them: for the signature blocks with the certificate."""

    inspector_id: int
    name: str
    certificate_no: str
    department_code: str


@dataclass(frozen=True)
class ChecklistPoint:
    """One checklist point of the item's guidance and its answer (yes | no | na | None)."""

    position: int
    text: str
    answer: str | None
    note: str


@dataclass(frozen=True)
class LocationView:
    """Where the inspector said they were, and how far that is from the registered place."""

    latitude: float
    longitude: float
    accuracy_m: float | None
    live: bool
    at: dt.datetime | None
    distance_m: float | None
    flagged: bool


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence."""

    id: int
    record_id: int
    sha256: str
    size: int
    mime: str
    sent_as: str
    file_name: str
    file_unique_id: str
    media_group_id: str | None
    message_at: dt.datetime | None
    received_at: dt.datetime
    exif_taken_at: str | None
    exif_latitude: float | None
    exif_longitude: float | None
    uploaded_by: str

    @property
    def has_exif_gps(self) -> bool:
        """Whether the file carried a GPS position."""
        return self.exif_latitude is not None and self.exif_longitude is not None


@dataclass(frozen=True)
class AmendmentView:
    """A correction of a submitted record, with what it changed."""

    number: int
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class RecordView:
    """A check record as handlers, the PDF and the exports see it."""

    id: int
    task_id: int
    task_code: str
    task_name: str
    team_id: int
    team_number: int
    subject_id: int
    subject_name: str
    subject_identifier: str
    subject_address: str
    item_code: str
    item_name: str
    department_code: str
    department_name: str
    state: str
    methods: tuple[str, ...]
    points: tuple[ChecklistPoint, ...]
    findings: str
    disposal: str
    notes: str
    location: LocationView | None
    evidence: tuple[EvidenceView, ...]
    opened_by: Person
    submitted_by: Person | None
    submitted_at: dt.datetime | None
    cosigned_by: Person | None
    cosigned_at: dt.datetime | None
    cosigner_available: bool  # the department has a second active inspector in the team
    amendments: tuple[AmendmentView, ...]

    @property
    def locked(self) -> bool:
        """Submitted records change only by amendment."""
        return self.state == SUBMITTED

    @property
    def confirmed(self) -> bool:
        """Co-signed by the department's second inspector."""
        return self.cosigned_by is not None

    @property
    def unanswered(self) -> tuple[int, ...]:
        """Positions of the points without an answer."""
        return tuple(p.position for p in self.points if p.answer is None)

    @property
    def has_finding(self) -> bool:
        """A problem was found: findings other than "无", or a point that does not comply."""
        return finding_stated(self.findings) or any(p.answer == "no" for p in self.points)


@dataclass(frozen=True)
class StopChoice:
    """A subject an inspector may record: today's stop, or any subject of their team."""

    task_id: int
    task_code: str
    task_name: str
    team_id: int
    subject_id: int
    subject_name: str
    address: str
    day: dt.date | None
    position: int | None


@dataclass(frozen=True)
class ItemLine:
    """An item of a subject for one department, with its record's state so far."""

    item_code: str
    item_name: str
    department_code: str
    record_id: int | None
    state: str  # missing | draft | submitted | cosigned


@dataclass(frozen=True)
class Upload:
    """An evidence file as the channel received it."""

    data: bytes
    sent_as: str  # photo | document
    declared_mime: str = ""
    file_name: str = ""
    file_unique_id: str = ""
    media_group_id: str | None = None
    message_at: dt.datetime | None = None


@dataclass(frozen=True)
class EvidenceOutcome:
    """What adding a file did: the evidence row, whether it was already in the record, and
    whether the file was new to the store."""

    evidence: EvidenceView
    duplicate: bool
    stored_new: bool


@dataclass(frozen=True)
class ExifFacts:
    """The time and position a camera wrote into a file."""

    taken_at: str | None = None
    latitude: float | None = None
    longitude: float | None = None


def finding_stated(text: str) -> bool:
    """Whether the findings text states a problem (anything but empty or "无")."""
    cleaned = text.strip().lower()
    return bool(cleaned) and cleaned not in NO_PROBLEM_TEXTS


_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"%PDF-", 0, "application/pdf"),
)


def sniff_type(data: bytes) -> str | None:
    """The content type the bytes themselves show (never the name or the declared type)."""
    for magic, offset, mime in _MAGIC:
        if data[offset:offset + len(magic)] == magic:
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heif"}:
        return "image/heic"
    return None


def check_upload(size: int | None, declared_mime: str, file_name: str,
                 max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> None:
    """Refuse before downloading: past the size limit, or declared as neither image nor PDF."""
    if size is not None and size > max_bytes:
        raise FileTooLarge(limit=human_size(max_bytes))
    mime = (declared_mime or "").lower()
    name = (file_name or "").lower()
    if mime and not (mime.startswith("image/") or mime == "application/pdf"):
        raise WrongFileType(name=file_name or mime)
    if not mime and name and not name.endswith(
            (".jpg", ".jpeg", ".png", ".webp", ".heic", ".gif", ".tif", ".tiff", ".pdf")):
        raise WrongFileType(name=file_name)


def _rational(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        numerator, denominator = value
        return float(numerator) / float(denominator)


def _dms(values: Any, ref: Any) -> float | None:
    try:
        degrees, minutes, seconds = (_rational(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if str(ref).strip().upper() in {"S", "W"}:
        result = -result
    return round(result, 7)


def read_exif(data: bytes) -> ExifFacts:
    """The EXIF time (DateTimeOriginal, else DateTime) and GPS of an image; empty otherwise."""
    if sniff_type(data) in (None, "application/pdf"):
        return ExifFacts()
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            taken = exif.get_ifd(0x8769).get(36867) or exif.get(306)
            gps = exif.get_ifd(0x8825)
    except Exception:  # noqa: BLE001 -- a damaged or exotic file is still evidence, without EXIF
        return ExifFacts()
    lat = _dms(gps[2], gps.get(1, "N")) if 2 in gps else None
    lon = _dms(gps[4], gps.get(3, "E")) if 4 in gps else None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    return ExifFacts(str(taken).strip() if taken else None, lat, lon)


def _content(row: CheckRecord) -> dict[str, Any]:
    return {"methods": list(row.methods), "answers": [dict(a) for a in row.answers],
            "findings": row.findings, "disposal": row.disposal, "notes": row.notes}


def _clean_text(value: str, field: str) -> str:
    text = "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32).strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed("record-text-too-long", field=field, limit=MAX_TEXT_CHARS)
    return text


class RecordService:
    """Opens, fills, submits, co-signs and amends check records; takes their evidence."""

    def __init__(self, session: AsyncSession, clock: Clock, files: FileStore, *,
                 max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
                 location_flag_m: float = DEFAULT_LOCATION_FLAG_M) -> None:
        self._session = session
        self._clock = clock
        self._files = files
        self._max_bytes = max_upload_bytes
        self._flag_m = location_flag_m
        self._audit = AuditTrail(session, clock)

    @property
    def max_upload_bytes(self) -> int:
        """The configured limit of one evidence file."""
        return self._max_bytes

    @property
    def location_flag_m(self) -> float:
        """How far from the registered place a location is flagged."""
        return self._flag_m

    # -- who and where -------------------------------------------------------------------------

    async def _membership(self, inspector_id: int | None, task_id: int,
                          subject_id: int) -> tuple[TeamMember, Task, Team]:
        """The inspector's active membership in the team that visits ``subject_id``."""
        if inspector_id is None:
            raise RecordNotMember(task_id=task_id)
        link = await self._session.scalar(select(TaskSubject).where(
            TaskSubject.task_id == task_id, TaskSubject.subject_id == subject_id))
        if link is None or link.team_id is None:
            raise NotFound("record-subject-not-in-task", task_id=task_id, subject_id=subject_id)
        member = await self._session.scalar(select(TeamMember).where(
            TeamMember.team_id == link.team_id, TeamMember.inspector_id == inspector_id,
            TeamMember.active.is_(True)))
        if member is None:
            raise RecordNotMember(task_id=task_id)
        task = await self._session.get(Task, task_id)
        team = await self._session.get(Team, link.team_id)
        assert task is not None
        assert team is not None
        return member, task, team

    async def _department_code(self, department_id: int | None) -> str:
        department = await self._session.get(Department, department_id) if department_id else None
        return department.code if department else ""

    async def _choices(self, inspector_id: int) -> list[tuple[TaskSubject, Task, Subject]]:
        rows = (await self._session.execute(
            select(TaskSubject, Task, Subject)
            .join(TeamMember, TeamMember.team_id == TaskSubject.team_id)
            .join(Task, Task.id == TaskSubject.task_id)
            .join(Subject, Subject.id == TaskSubject.subject_id)
            .where(TeamMember.inspector_id == inspector_id, TeamMember.active.is_(True),
                   Task.state.in_(FIELD_STATES))
            .order_by(Task.window_start, Task.id, TaskSubject.visit_order, Subject.name)
        )).all()
        return [(link, task, subject) for link, task, subject in rows]

    async def team_subjects(self, inspector_id: int) -> list[StopChoice]:
        """Every subject of every team the inspector is in, in visiting order."""
        return [StopChoice(task.id, task.code, task.name, link.team_id or 0, subject.id,
                           subject.name, subject.address, link.planned_on, link.visit_order)
                for link, task, subject in await self._choices(inspector_id)]

    async def stops_today(self, inspector_id: int, day: dt.date | None = None
                          ) -> list[StopChoice]:
        """Today's stops (Asia/Shanghai) of the inspector's teams, from fixed schedules, in
        route order."""
        day = day or local_date(self._clock())
        out = []
        for link, task, subject in await self._choices(inspector_id):
            stop = await self._session.scalar(
                select(ScheduleStop)
                .join(TeamSchedule, TeamSchedule.id == ScheduleStop.schedule_id)
                .where(TeamSchedule.team_id == link.team_id, TeamSchedule.state == "fixed",
                       ScheduleStop.subject_id == subject.id, ScheduleStop.day == day))
            if stop is not None:
                out.append(StopChoice(task.id, task.code, task.name, link.team_id or 0,
                                      subject.id, subject.name, subject.address, day,
                                      stop.position))
        out.sort(key=lambda s: (s.task_id, s.position or 0))
        return out

    async def _items(self, task: Task, department_code: str | None = None
                     ) -> list[InspectionItem]:
        rows = (await self._session.scalars(select(InspectionItem).where(
            InspectionItem.year == task.item_year, InspectionItem.code.in_(task.item_codes)))
        ).all()
        by_code = {r.code: r for r in rows}
        items = [by_code[c] for c in task.item_codes if c in by_code]
        if department_code is not None:
            items = [i for i in items if not i.department_codes
                     or department_code in i.department_codes]
        return items

    async def items_for(self, inspector_id: int, task_id: int, subject_id: int
                        ) -> list[ItemLine]:
        """The items of the subject the inspector's department records, with their state."""
        member, task, _team = await self._membership(inspector_id, task_id, subject_id)
        code = await self._department_code(member.department_id)
        return [line for line in await self.subject_lines(task_id, subject_id)
                if line.department_code == code]

    async def subject_lines(self, task_id: int, subject_id: int) -> list[ItemLine]:
        """Every department × item expected at the subject (the departments of the team's
        members), with the record's state: missing, draft, submitted or cosigned."""
        task = await self._session.get(Task, task_id)
        if task is None:
            raise NotFound("task-not-found", id=task_id)
        link = await self._session.scalar(select(TaskSubject).where(
            TaskSubject.task_id == task_id, TaskSubject.subject_id == subject_id))
        if link is None or link.team_id is None:
            raise NotFound("record-subject-not-in-task", task_id=task_id, subject_id=subject_id)
        department_ids = set((await self._session.scalars(select(TeamMember.department_id).where(
            TeamMember.team_id == link.team_id, TeamMember.active.is_(True),
            TeamMember.inspector_id.is_not(None)))).all())
        departments = (await self._session.scalars(select(Department).where(
            Department.id.in_([d for d in department_ids if d is not None])))).all()
        order = {c: n for n, c in enumerate(task.department_codes)}
        records = {(r.item_code, r.department_id): r for r in (await self._session.scalars(
            select(CheckRecord).where(CheckRecord.task_id == task_id,
                                      CheckRecord.subject_id == subject_id))).all()}
        lines = []
        for department in sorted(departments, key=lambda d: (order.get(d.code, 99), d.code)):
            for item in await self._items(task, department.code):
                row = records.get((item.code, department.id))
                state = "missing" if row is None else (
                    "cosigned" if row.cosigned_at else row.state)
                lines.append(ItemLine(item.code, item.name, department.code,
                                      row.id if row else None, state))
        return lines

    # -- reading -------------------------------------------------------------------------------

    async def _row(self, record_id: int, *, lock: bool = False) -> CheckRecord:
        stmt = select(CheckRecord).where(CheckRecord.id == record_id)
        if lock:
            stmt = stmt.with_for_update()
        row = await self._session.scalar(stmt)
        if row is None:
            raise NotFound("record-not-found", id=record_id)
        return row

    async def _person(self, inspector_id: int | None) -> Person | None:
        if inspector_id is None:
            return None
        inspector = await self._session.get(Inspector, inspector_id)
        if inspector is None:
            return None
        return Person(inspector.id, inspector.name, inspector.certificate_no or "",
                      await self._department_code(inspector.department_id))

    async def get(self, record_id: int) -> RecordView:
        """One record with its evidence and amendments."""
        return await self._view(await self._row(record_id))

    async def for_referral(self, actor: Actor, record_id: int) -> RecordView:
        """The record a member refers a finding from (告知 / 移送): an active member of the
        team, of the record's department (``RecordNotMember``, ``RecordWrongDepartment``),
        and the record submitted (a draft is refused, ``record-refer-draft``). Reads only;
        ``ReferralService.refer`` checks the membership again when the referral is made."""
        row = await self._row(record_id)
        member, _task, _team = await self._membership(actor.inspector_id, row.task_id,
                                                      row.subject_id)
        if member.department_id != row.department_id:
            raise RecordWrongDepartment(department=await self._department_code(row.department_id))
        if row.state != SUBMITTED:
            raise IllegalTransition("record-refer-draft", id=row.id)
        return await self._view(row)

    async def _view(self, row: CheckRecord) -> RecordView:
        task = await self._session.get(Task, row.task_id)
        team = await self._session.get(Team, row.team_id)
        subject = await self._session.get(Subject, row.subject_id)
        department = await self._session.get(Department, row.department_id)
        assert task
        assert team
        assert subject
        assert department
        item = await self._session.scalar(select(InspectionItem).where(
            InspectionItem.year == task.item_year, InspectionItem.code == row.item_code))
        evidence_rows = (await self._session.scalars(
            select(Evidence).where(Evidence.record_id == row.id).order_by(Evidence.id))).all()
        names: dict[int, str] = {}
        for inspector_id in {e.uploaded_by_inspector_id for e in evidence_rows}:
            person = await self._person(inspector_id)
            names[inspector_id] = person.name if person else "?"
        amendment_rows = (await self._session.scalars(
            select(RecordAmendment).where(RecordAmendment.record_id == row.id)
            .order_by(RecordAmendment.number))).all()
        amendments = []
        for a in amendment_rows:
            by = await self._person(a.by_inspector_id)
            amendments.append(AmendmentView(a.number, a.reason, dict(a.before), dict(a.after),
                                            by.name if by else "?", a.at))
        peers = await self._department_peers(row.team_id, row.department_id)
        points = tuple(
            ChecklistPoint(n, text, (row.answers[n - 1] or {}).get("answer")
                           if n - 1 < len(row.answers) else None,
                           (row.answers[n - 1] or {}).get("note", "")
                           if n - 1 < len(row.answers) else "")
            for n, text in enumerate(row.checklist, start=1))
        location = None
        if row.latitude is not None and row.longitude is not None:
            location = LocationView(row.latitude, row.longitude, row.location_accuracy_m,
                                    bool(row.location_live), row.location_at,
                                    row.location_distance_m, row.location_flagged)
        opened_by = await self._person(row.opened_by_inspector_id)
        assert opened_by is not None
        return RecordView(
            id=row.id, task_id=task.id, task_code=task.code, task_name=task.name,
            team_id=team.id, team_number=team.number, subject_id=subject.id,
            subject_name=subject.name, subject_identifier=subject.identifier,
            subject_address=subject.address, item_code=row.item_code,
            item_name=item.name if item else row.item_code, department_code=department.code,
            department_name=department.name_zh, state=row.state,
            methods=tuple(vocab.methods().ordered(row.methods)), points=points,
            findings=row.findings, disposal=row.disposal, notes=row.notes, location=location,
            evidence=tuple(self._evidence_view(e, names) for e in evidence_rows),
            opened_by=opened_by, submitted_by=await self._person(row.submitted_by_inspector_id),
            submitted_at=row.submitted_at,
            cosigned_by=await self._person(row.cosigned_by_inspector_id),
            cosigned_at=row.cosigned_at, cosigner_available=len(peers) >= 2,
            amendments=tuple(amendments),
        )

    @staticmethod
    def _evidence_view(e: Evidence, names: dict[int, str]) -> EvidenceView:
        return EvidenceView(e.id, e.record_id, e.sha256, e.size, e.mime, e.sent_as, e.file_name,
                            e.file_unique_id, e.media_group_id, e.message_at, e.received_at,
                            e.exif_taken_at, e.exif_latitude, e.exif_longitude,
                            names.get(e.uploaded_by_inspector_id, "?"))

    async def _department_peers(self, team_id: int, department_id: int) -> list[int]:
        return [i for i in (await self._session.scalars(select(TeamMember.inspector_id).where(
            TeamMember.team_id == team_id, TeamMember.department_id == department_id,
            TeamMember.active.is_(True), TeamMember.inspector_id.is_not(None)))).all()
            if i is not None]

    async def for_subject(self, task_id: int, subject_id: int) -> list[RecordView]:
        """Every record of a subject in a task, by department and item."""
        rows = (await self._session.scalars(select(CheckRecord).where(
            CheckRecord.task_id == task_id, CheckRecord.subject_id == subject_id)
            .order_by(CheckRecord.department_id, CheckRecord.item_code))).all()
        return [await self._view(r) for r in rows]

    async def for_task(self, task_id: int) -> list[RecordView]:
        """Every record of a task, by subject, department and item."""
        rows = (await self._session.scalars(select(CheckRecord).where(
            CheckRecord.task_id == task_id).order_by(
                CheckRecord.subject_id, CheckRecord.department_id, CheckRecord.item_code))).all()
        return [await self._view(r) for r in rows]

    # -- the draft -----------------------------------------------------------------------------

    async def open(self, actor: Actor, task_id: int, subject_id: int,
                   item_code: str) -> RecordView:
        """The department's record of this item at this subject: the existing one, or a new
        draft with the item's checklist points. Only an active member of the subject's team
        (``actor.inspector_id``) may, for an item of their own department (Art. 15)."""
        inspector_id = actor.inspector_id
        member, task, team = await self._membership(inspector_id, task_id, subject_id)
        assert inspector_id is not None
        if task.state not in FIELD_STATES:
            raise IllegalTransition("record-task-not-in-field", code=task.code, state=task.state)
        code = await self._department_code(member.department_id)
        item = next((i for i in await self._items(task, code) if i.code == item_code), None)
        if item is None:
            raise ValidationFailed("record-item-not-for-department", item=item_code,
                                   department=code)
        assert member.department_id is not None
        row = await self._session.scalar(select(CheckRecord).where(
            CheckRecord.task_id == task_id, CheckRecord.subject_id == subject_id,
            CheckRecord.item_code == item_code,
            CheckRecord.department_id == member.department_id))
        if row is None:
            now = self._clock()
            row = CheckRecord(
                task_id=task_id, team_id=team.id, subject_id=subject_id, item_code=item_code,
                department_id=member.department_id, state=DRAFT,
                methods=[m for m in item.methods if m in vocab.methods().codes][:1],
                checklist=list(item.checklist),
                answers=[{"answer": None, "note": ""} for _ in item.checklist],
                findings="", disposal="", notes="", location_flagged=False,
                opened_by_inspector_id=inspector_id, amendments=0, created_at=now,
                updated_at=now)
            self._session.add(row)
            await self._session.flush()
            await self._audit.record(actor, "record.opened", "check_record", row.id, {
                "task": task.code, "subject_id": subject_id, "item": item_code,
                "department": code})
            await self._session.commit()
        return await self._view(row)

    async def _editable(self, record_id: int | None, actor: Actor,
                        *, draft: bool = True) -> CheckRecord:
        if record_id is None:
            raise EvidenceOutsideRecord()
        row = await self._row(record_id, lock=True)
        member, task, _team = await self._membership(actor.inspector_id, row.task_id,
                                                     row.subject_id)
        if member.department_id != row.department_id:
            raise RecordWrongDepartment(department=await self._department_code(row.department_id))
        if task.state not in FIELD_STATES:
            raise IllegalTransition("record-task-not-in-field", code=task.code, state=task.state)
        if draft and row.state != DRAFT:
            raise RecordLocked(id=row.id)
        return row

    async def _touch(self, row: CheckRecord) -> RecordView:
        row.updated_at = self._clock()
        await self._session.commit()
        return await self._view(row)

    async def set_answer(self, record_id: int, actor: Actor, position: int,
                         answer: str | None) -> RecordView:
        """Answer checklist point ``position`` (1-based): yes, no, na, or None to clear."""
        row = await self._editable(record_id, actor)
        if not 1 <= position <= len(row.checklist):
            raise ValidationFailed("record-bad-point", position=position)
        if answer is not None and answer not in vocab.answers().codes:
            raise ValidationFailed("record-bad-answer", answer=answer)
        answers = [dict(a or {}) for a in row.answers]
        while len(answers) < len(row.checklist):
            answers.append({"answer": None, "note": ""})
        answers[position - 1]["answer"] = answer
        row.answers = answers
        return await self._touch(row)

    async def cycle_answer(self, record_id: int, actor: Actor,
                           position: int) -> RecordView:
        """The toggle button: unanswered → 符合 → 不符合 → 不适用 → 符合 …"""
        view = await self.get(record_id)
        if not 1 <= position <= len(view.points):
            raise ValidationFailed("record-bad-point", position=position)
        codes = vocab.answers().codes
        current = view.points[position - 1].answer
        following = codes[0] if current not in codes else codes[(codes.index(current) + 1)
                                                                 % len(codes)]
        return await self.set_answer(record_id, actor, position, following)

    async def set_note(self, record_id: int, actor: Actor, position: int,
                       note: str) -> RecordView:
        """A note on checklist point ``position``."""
        row = await self._editable(record_id, actor)
        if not 1 <= position <= len(row.checklist):
            raise ValidationFailed("record-bad-point", position=position)
        answers = [dict(a or {}) for a in row.answers]
        answers[position - 1]["note"] = _clean_text(note, "note")
        row.answers = answers
        return await self._touch(row)

    async def toggle_method(self, record_id: int, actor: Actor,
                            method: str) -> RecordView:
        """Add or remove a method (multi-select, FIELDWORK §2)."""
        if method not in vocab.methods().codes:
            raise ValidationFailed("record-bad-method", method=method)
        row = await self._editable(record_id, actor)
        methods = list(row.methods)
        methods = [m for m in methods if m != method] if method in methods else [*methods, method]
        row.methods = vocab.methods().ordered(methods)
        return await self._touch(row)

    async def set_text(self, record_id: int, actor: Actor, field: str,
                       text: str) -> RecordView:
        """findings (发现问题情况, "无" allowed), disposal (处置情况) or notes."""
        if field not in TEXT_FIELDS:
            raise ValidationFailed("record-bad-field", field=field)
        row = await self._editable(record_id, actor)
        setattr(row, field, _clean_text(text, field))
        return await self._touch(row)

    async def set_location(self, record_id: int | None, actor: Actor, *,
                           latitude: float, longitude: float, accuracy_m: float | None,
                           live: bool) -> RecordView:
        """Where the inspector is: compared with the subject's registered coordinates and
        flagged past the configured distance. The last location counts."""
        row = await self._editable(record_id, actor)
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationFailed("record-bad-location", lat=latitude, lon=longitude)
        subject = await self._session.get(Subject, row.subject_id)
        assert subject is not None
        distance = None
        if subject.latitude is not None and subject.longitude is not None:
            distance = round(distance_km(Point(latitude, longitude),
                                         Point(subject.latitude, subject.longitude)) * 1000, 1)
        row.latitude, row.longitude = latitude, longitude
        row.location_accuracy_m = accuracy_m
        row.location_live = live
        row.location_at = self._clock()
        row.location_distance_m = distance
        row.location_flagged = distance is not None and distance > self._flag_m
        await self._audit.record(actor, "record.location", "check_record", row.id, {
            "latitude": latitude, "longitude": longitude, "accuracy_m": accuracy_m,
            "live": live, "distance_m": distance, "flagged": row.location_flagged})
        return await self._touch(row)

    async def add_evidence(self, record_id: int | None, actor: Actor,
                           upload: Upload) -> EvidenceOutcome:
        """Store a photo or file (image or PDF, within the limit) and tie it to the record."""
        row = await self._editable(record_id, actor)
        inspector_id = actor.inspector_id
        assert inspector_id is not None
        check_upload(len(upload.data), upload.declared_mime, upload.file_name, self._max_bytes)
        mime = sniff_type(upload.data)
        if mime is None:
            raise WrongFileType(name=upload.file_name or upload.declared_mime or "?")
        existing = await self._session.scalar(select(Evidence).where(
            Evidence.record_id == row.id, Evidence.sha256 == _sha256(upload.data)))
        if existing is not None:
            person = await self._person(existing.uploaded_by_inspector_id)
            return EvidenceOutcome(self._evidence_view(
                existing, {existing.uploaded_by_inspector_id: person.name if person else "?"}),
                duplicate=True, stored_new=False)
        stored = await self._files.put(chunks_of(upload.data), max_bytes=self._max_bytes)
        exif = read_exif(upload.data)
        evidence = Evidence(
            record_id=row.id, sha256=stored.sha256, size=stored.size, mime=mime,
            sent_as=upload.sent_as, file_name=upload.file_name[:300],
            file_unique_id=upload.file_unique_id[:100], media_group_id=upload.media_group_id,
            message_at=upload.message_at, received_at=self._clock(),
            exif_taken_at=exif.taken_at, exif_latitude=exif.latitude,
            exif_longitude=exif.longitude, uploaded_by_inspector_id=inspector_id)
        self._session.add(evidence)
        await self._session.flush()
        await self._audit.record(actor, "record.evidence_added", "check_record", row.id, {
            "evidence_id": evidence.id, "sha256": stored.sha256, "size": stored.size,
            "mime": mime, "sent_as": upload.sent_as, "file_unique_id": upload.file_unique_id,
            "exif_gps": exif.latitude is not None})
        row.updated_at = self._clock()
        await self._session.commit()
        person = await self._person(inspector_id)
        return EvidenceOutcome(self._evidence_view(
            evidence, {inspector_id: person.name if person else "?"}),
            duplicate=False, stored_new=stored.created)

    # -- submit, co-sign, amend ---------------------------------------------------------------

    async def _check_complete(self, row: CheckRecord) -> None:
        view = await self._view(row)
        missing = []
        if view.unanswered:
            missing.append("points")
        if not view.methods:
            missing.append("methods")
        if not view.findings.strip():
            missing.append("findings")
        if missing:
            raise RecordIncomplete(missing=", ".join(missing),
                                   points=", ".join(str(p) for p in view.unanswered) or "-")
        if view.has_finding and not view.evidence:
            raise FindingNeedsEvidence()

    async def submit(self, record_id: int, actor: Actor) -> RecordView:
        """Submit the draft: every point answered, a method, the findings ("无" allowed), and
        evidence when a problem was found. The record is locked from now on."""
        row = await self._editable(record_id, actor)
        inspector_id = actor.inspector_id
        await self._check_complete(row)
        row.state = SUBMITTED
        row.submitted_by_inspector_id = inspector_id
        row.submitted_at = self._clock()
        await self._audit.record(actor, "record.submitted", "check_record", row.id,
                                 _content(row))
        await self._ask_cosign(row, inspector_id)
        return await self._touch(row)

    async def _ask_cosign(self, row: CheckRecord, by_inspector_id: int | None) -> int:
        """An outbox row (kind ``cosign``) to each bound account of the department's other
        inspectors in the team: the submitted (or amended) record waits for their tap."""
        peers = [i for i in await self._department_peers(row.team_id, row.department_id)
                 if i != by_inspector_id]
        if not peers:
            return 0
        task = await self._session.get(Task, row.task_id)
        subject = await self._session.get(Subject, row.subject_id)
        item = await self._session.scalar(select(InspectionItem).where(
            InspectionItem.year == (task.item_year if task else 0),
            InspectionItem.code == row.item_code))
        by = await self._person(by_inspector_id)
        payload = CosignPayload(
            record_id=row.id, amendment=row.amendments, task_code=task.code if task else "",
            subject=subject.name if subject else "", item_code=row.item_code,
            item_name=item.name if item else "", by=by.name if by else "")
        accounts = (await self._session.scalars(select(Account).where(
            Account.inspector_id.in_(peers), Account.active.is_(True),
            Account.telegram_user_id.is_not(None)))).all()
        sent = 0
        for account in accounts:
            sent += await enqueue(
                self._session, account_id=account.id, kind=NotificationKind.COSIGN,
                dedup_key=f"cosign:{row.id}:{row.amendments}:{account.id}",
                payload=payload, due_at=self._clock())
        return sent

    async def cosign(self, record_id: int, actor: Actor) -> RecordView:
        """The department's second inspector in the team confirms the submitted record
        (enforcement on site needs two officers)."""
        inspector_id = actor.inspector_id
        row = await self._row(record_id, lock=True)
        member, _task, _team = await self._membership(inspector_id, row.task_id, row.subject_id)
        if member.department_id != row.department_id:
            raise CosignRefused(reason="department")
        if row.state != SUBMITTED:
            raise CosignRefused(reason="not-submitted")
        if row.cosigned_by_inspector_id is not None:
            raise CosignRefused(reason="done")
        if inspector_id == row.submitted_by_inspector_id:
            raise CosignRefused(reason="own")
        row.cosigned_by_inspector_id = inspector_id
        row.cosigned_at = self._clock()
        await self._audit.record(actor, "record.cosigned", "check_record", row.id,
                                 {"inspector_id": inspector_id})
        return await self._touch(row)

    async def amend(self, record_id: int, actor: Actor, reason: str, *,
                    findings: str | None = None, disposal: str | None = None,
                    notes: str | None = None, methods: Sequence[str] | None = None,
                    answers: dict[int, str] | None = None) -> RecordView:
        """Correct a submitted record: the reason and the content before and after are kept;
        the co-sign lapses (the second inspector confirms the corrected record again)."""
        row = await self._editable(record_id, actor, draft=False)
        inspector_id = actor.inspector_id
        assert inspector_id is not None
        if row.state != SUBMITTED:
            raise IllegalTransition("record-amend-draft", id=row.id)
        reason = _clean_text(reason, "reason")
        if not reason:
            raise ValidationFailed("record-amend-needs-reason")
        if len(reason) > MAX_REASON_CHARS:
            raise ValidationFailed("record-text-too-long", field="reason",
                                   limit=MAX_REASON_CHARS)
        before = _content(row)
        if methods is not None:
            unknown = vocab.methods().unknown(methods)
            if unknown:
                raise ValidationFailed("record-bad-method", method=", ".join(unknown))
            row.methods = vocab.methods().ordered(methods)
        if answers:
            updated = [dict(a or {}) for a in row.answers]
            for position, answer in answers.items():
                if not 1 <= position <= len(updated) or answer not in vocab.answers().codes:
                    raise ValidationFailed("record-bad-answer", answer=f"{position}={answer}")
                updated[position - 1]["answer"] = answer
            row.answers = updated
        for name, value in (("findings", findings), ("disposal", disposal), ("notes", notes)):
            if value is not None:
                setattr(row, name, _clean_text(value, name))
        after = _content(row)
        try:
            if after == before:
                raise ValidationFailed("record-amend-no-change")
            await self._check_complete(row)
        except DomainError:
            await self._session.rollback()  # a refused amendment changes nothing
            raise
        row.amendments += 1
        self._session.add(RecordAmendment(record_id=row.id, number=row.amendments,
                                          reason=reason, before=before, after=after,
                                          by_inspector_id=inspector_id, at=self._clock()))
        cosigned_by = row.cosigned_by_inspector_id
        row.cosigned_by_inspector_id = None
        row.cosigned_at = None
        await self._audit.record(actor, "record.amended", "check_record", row.id, {
            "number": row.amendments, "reason": reason, "before": before, "after": after,
            "cosign_lapsed": cosigned_by})
        await self._ask_cosign(row, inspector_id)
        return await self._touch(row)

    async def evidence_files(self, record_ids: Iterable[int]) -> list[EvidenceView]:
        """The evidence of several records (for the PDF's appendix and the archive)."""
        ids = list(record_ids)
        if not ids:
            return []
        rows = (await self._session.scalars(select(Evidence).where(
            Evidence.record_id.in_(ids)).order_by(Evidence.record_id, Evidence.id))).all()
        names: dict[int, str] = {}
        for inspector_id in {e.uploaded_by_inspector_id for e in rows}:
            person = await self._person(inspector_id)
            names[inspector_id] = person.name if person else "?"
        return [self._evidence_view(e, names) for e in rows]

    @property
    def files(self) -> FileStore:
        """The file store the evidence is in (for the PDF and the archive export)."""
        return self._files


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
