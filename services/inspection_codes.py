"""Inspection codes (亮码检查 / 扫码入企, FIELDWORK §7): a short token signed with Ed25519.

During a scheduled visit the inspector shows a QR code of ``{public base}/c/{token}``; the
business scans it with any phone and sees whether the inspection is real. The token carries
everything needed to check it offline with the published public key (docs/inspection-codes.md);
the server adds the live status: valid, not yet, expired, revoked (an inspector withdrawn or
the code withdrawn), completed (the subject's final result is entered), not for this business.

Token (version 1), base64url without padding of::

    version u8 = 1 | kid 4 bytes | nonce 8 bytes | visit id u32 | not-before u32 | expiry u32
    | len u8 + USCC (ASCII) | len u8 + task code (UTF-8) | count u8 + inspector ids u32 each
    | Ed25519 signature (64 bytes) over everything before it

Integers are big-endian, times are Unix seconds (UTC). ``kid`` is the first 4 bytes of the
SHA-256 of the raw 32-byte public key (shown as 8 hex digits); the token id is the nonce in hex.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import struct
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    CodeScan,
    Department,
    FinalResult,
    InspectionCode,
    InspectionItem,
    Inspector,
    ScheduleStop,
    Subject,
    Task,
    TeamMember,
    TeamSchedule,
    VisitConfirmation,
)

from services.actors import Actor
from services.audit import AuditTrail
from services.clock import SHANGHAI, Clock, local_date
from services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from services.qr import qr_image

VERSION = 1
SIGNATURE_BYTES = 64
MAX_TOKEN_CHARS = 400
MAX_COMMENT_CHARS = 500
HEAD = struct.Struct(">B4s8sIII")
DAY_OPENS, DAY_CLOSES = dt.time(6, 0), dt.time(20, 0)  # a later day's code, Asia/Shanghai


class CodeStatus(StrEnum):
    """What the page says about a code."""

    VALID = "valid"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    REVOKED = "revoked"
    COMPLETED = "completed"
    WRONG_BUSINESS = "wrong_business"
    TAMPERED = "tampered"


class TokenInvalid(ValueError):
    """Garbled, unknown key or bad signature: the page says "tampered"."""


class CodeRefused(DomainError):
    """A code cannot be issued (no visit today, not a member) or a form was refused."""

    key = "codes-refused"


@dataclass(frozen=True)
class Payload:
    """What a token says, once its signature is checked."""

    kid: str
    nonce: str  # the token id, 16 hex digits
    visit_id: int
    not_before: dt.datetime
    expires_at: dt.datetime
    uscc: str
    task_code: str
    inspector_ids: tuple[int, ...]


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not text or len(text) > MAX_TOKEN_CHARS or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise TokenInvalid("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenInvalid("not base64url") from exc


def key_id(public: Ed25519PublicKey) -> str:
    """8 hex digits naming a public key."""
    return hashlib.sha256(raw_public(public)).hexdigest()[:8]


def raw_public(public: Ed25519PublicKey) -> bytes:
    """The raw 32 bytes of a public key."""
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _seconds(instant: dt.datetime) -> int:
    return int(instant.timestamp())


def _instant(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def encode(payload: Payload, private: Ed25519PrivateKey) -> str:
    """The signed token of ``payload`` (its ``kid`` must be the key's)."""
    uscc = payload.uscc.encode("ascii")
    task = payload.task_code.encode("utf-8")
    if len(uscc) > 255 or len(task) > 255 or len(payload.inspector_ids) > 255:
        raise ValueError("field too long")
    body = HEAD.pack(VERSION, bytes.fromhex(payload.kid), bytes.fromhex(payload.nonce),
                     payload.visit_id, _seconds(payload.not_before), _seconds(payload.expires_at))
    body += bytes([len(uscc)]) + uscc + bytes([len(task)]) + task
    body += bytes([len(payload.inspector_ids)])
    body += b"".join(struct.pack(">I", i) for i in payload.inspector_ids)
    return _b64encode(body + private.sign(body))


def decode(token: str, keys: Mapping[str, Ed25519PublicKey]) -> Payload:
    """The payload of a token signed by one of ``keys`` (kid → public key); anything else
    (garbled, unknown key, a changed byte) raises ``TokenInvalid``."""
    data = _b64decode(token)
    if len(data) < HEAD.size + 3 + SIGNATURE_BYTES:
        raise TokenInvalid("too short")
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    version, kid, nonce, visit, nbf, exp = HEAD.unpack_from(body)
    if version != VERSION:
        raise TokenInvalid("unknown version")
    public = keys.get(kid.hex())
    if public is None:
        raise TokenInvalid("unknown key")
    try:
        public.verify(signature, body)
    except InvalidSignature as exc:
        raise TokenInvalid("bad signature") from exc
    try:
        at = HEAD.size
        uscc, at = _field(body, at)
        task, at = _field(body, at)
        count = body[at]
        ids = struct.unpack_from(f">{count}I", body, at + 1)
        if at + 1 + 4 * count != len(body):
            raise TokenInvalid("trailing bytes")
        return Payload(kid.hex(), nonce.hex(), visit, _instant(nbf), _instant(exp),
                       uscc.decode("ascii"), task.decode("utf-8"), tuple(ids))
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise TokenInvalid("garbled") from exc


def _field(body: bytes, at: int) -> tuple[bytes, int]:
    size = body[at]
    end = at + 1 + size
    if end > len(body):
        raise TokenInvalid("garbled")
    return body[at + 1:end], end


def time_status(payload: Payload, now: dt.datetime) -> CodeStatus:
    """The status a token's own times give (what an offline check can say)."""
    if now < payload.not_before:
        return CodeStatus.NOT_YET
    if now >= payload.expires_at:
        return CodeStatus.EXPIRED
    return CodeStatus.VALID


# -- keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeSigner:
    """The signing key and the public keys a token may be checked with (kid → key)."""

    private: Ed25519PrivateKey

    @property
    def kid(self) -> str:
        return key_id(self.private.public_key())

    @property
    def keys(self) -> dict[str, Ed25519PublicKey]:
        return {self.kid: self.private.public_key()}

    def published(self) -> dict[str, str]:
        """kid → base64url of the raw public key (``/c/keys.json``)."""
        return {kid: _b64encode(raw_public(k)) for kid, k in self.keys.items()}

    def mac(self, purpose: str, text: str) -> str:
        """A keyed hash (CSRF tokens, hashed IPs): derived from the private key, never shown."""
        secret = hashlib.sha256(b"jointcheck-codes-mac" + self.private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption())).digest()
        return hmac.new(secret, f"{purpose}\x00{text}".encode(), hashlib.sha256).hexdigest()


def load_signer(setting: str | None, default_path: Path) -> CodeSigner:
    """The key of ``JOINTCHECK_CODE_SIGNING_KEY``: a PEM file's path or a base64 32-byte seed;
    without it the PEM at ``default_path`` (created, mode 0600, on first use)."""
    if setting:
        text = setting.strip()
        path = Path(text)
        if path.is_file():
            return CodeSigner(_read_pem(path))
        try:
            seed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed("codes-key-unreadable", path=text[:40]) from exc
        if len(seed) != 32:
            raise ValidationFailed("codes-key-unreadable", path="(seed)")
        return CodeSigner(Ed25519PrivateKey.from_private_bytes(seed))
    if default_path.exists():
        return CodeSigner(_read_pem(default_path))
    default_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(default_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return CodeSigner(key)


def _read_pem(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as exc:
        raise ValidationFailed("codes-key-unreadable", path=str(path)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationFailed("codes-key-unreadable", path=str(path))
    return key


def public_keys_from(published: Mapping[str, str]) -> dict[str, Ed25519PublicKey]:
    """``/c/keys.json``'s content back as keys (for an offline check)."""
    return {kid: Ed25519PublicKey.from_public_bytes(_b64decode(raw))
            for kid, raw in published.items()}


# -- the views -----------------------------------------------------------------------------


def mask_certificate(number: str | None) -> str:
    """``42070001`` → ``4207****01``: the first 4 and last 2 characters, 4 stars between."""
    text = (number or "").strip()
    if not text:
        return "-"
    if len(text) <= 6:
        return text[:1] + "****"
    return f"{text[:4]}****{text[-2:]}"


def clean_comment(text: str) -> str:
    """A rating's comment: control characters removed (newline kept), trimmed; too long is
    refused."""
    kept = "".join(c for c in text if c == "\n" or unicodedata.category(c)[0] != "C")
    kept = kept.strip()
    if len(kept) > MAX_COMMENT_CHARS:
        raise ValidationFailed("codes-comment-too-long", limit=MAX_COMMENT_CHARS)
    return kept


@dataclass(frozen=True)
class CodeInspector:
    name: str
    department_zh: str
    department_en: str
    certificate: str  # masked


@dataclass(frozen=True)
class CodeItem:
    code: str
    name: str
    legal_basis: str


@dataclass(frozen=True)
class CodeDepartment:
    code: str
    name_zh: str
    name_en: str
    phone: str


@dataclass(frozen=True)
class CodeView:
    """What the business's page shows."""

    status: CodeStatus
    token_id: str
    task_code: str = ""
    task_name: str = ""
    subject_name: str = ""
    uscc: str = ""
    not_before: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    window: tuple[dt.date, dt.date] | None = None
    visit_day: dt.date | None = None
    departments: tuple[CodeDepartment, ...] = ()
    items: tuple[CodeItem, ...] = ()
    inspectors: tuple[CodeInspector, ...] = ()
    confirmed_at: dt.datetime | None = None
    rating: int | None = None
    rated_at: dt.datetime | None = None


@dataclass(frozen=True)
class IssuedCode:
    token: str
    payload: Payload
    subject_name: str
    task_name: str


@dataclass(frozen=True)
class Confirmation:
    """A business's confirmation of a visit (for the record's views)."""

    token_id: str
    confirmed_at: dt.datetime
    rating: int | None
    comment: str
    rated_at: dt.datetime | None


class InspectionCodeService:
    """Issuing, checking and revoking inspection codes; scans, confirmations and ratings."""

    def __init__(self, session: AsyncSession, clock: Clock, signer: CodeSigner, *,
                 valid_minutes: int = 240,
                 department_phones: Mapping[str, str] | None = None) -> None:
        self._session = session
        self._clock = clock
        self._signer = signer
        self._valid = dt.timedelta(minutes=valid_minutes)
        self._phones = dict(department_phones or {})
        self._audit = AuditTrail(session, clock)

    @property
    def signer(self) -> CodeSigner:
        return self._signer

    # -- issuing -----------------------------------------------------------------------------

    async def todays_stops(self, inspector_id: int) -> list[tuple[ScheduleStop, Task, Subject]]:
        """Today's stops (Asia/Shanghai) of the inspector's teams in fixed schedules."""
        today = local_date(self._clock())
        rows = (await self._session.execute(
            select(ScheduleStop, Task, Subject)
            .join(TeamSchedule, TeamSchedule.id == ScheduleStop.schedule_id)
            .join(TeamMember, TeamMember.team_id == TeamSchedule.team_id)
            .join(Task, Task.id == TeamSchedule.task_id)
            .join(Subject, Subject.id == ScheduleStop.subject_id)
            .where(TeamMember.inspector_id == inspector_id, TeamMember.active.is_(True),
                   TeamSchedule.state == "fixed", ScheduleStop.day == today)
            .order_by(Task.id, ScheduleStop.position))).all()
        return [(stop, task, subject) for stop, task, subject in rows]

    async def issue_today(self, inspector_id: int, choice: int, actor: Actor) -> IssuedCode:
        """The bot's 检查码: the code of today's stop number ``choice`` (1-based)."""
        stops = await self.todays_stops(inspector_id)
        if not stops:
            raise CodeRefused("codes-no-visit-today")
        if not 1 <= choice <= len(stops):
            raise ValidationFailed("codes-bad-choice", count=len(stops))
        stop, _task, _subject = stops[choice - 1]
        return await self._issue(stop, inspector_id, actor)

    async def issue(self, task_code: str, uscc: str, inspector_id: int,
                    actor: Actor) -> IssuedCode:
        """An operator's code for the scheduled visit of ``uscc`` in ``task_code`` (the stop of
        the fixed schedule): valid ``valid_minutes`` from now, or for a visit on a later day
        from 06:00 to 20:00 of that day."""
        actor.require_organiser("codes-issue")
        stop = await self._session.scalar(
            select(ScheduleStop)
            .join(TeamSchedule, TeamSchedule.id == ScheduleStop.schedule_id)
            .join(Task, Task.id == TeamSchedule.task_id)
            .join(Subject, Subject.id == ScheduleStop.subject_id)
            .where(Task.code == task_code, Subject.identifier == uscc.strip().upper(),
                   TeamSchedule.state == "fixed"))
        if stop is None:
            raise NotFound("codes-no-scheduled-visit", task=task_code, uscc=uscc)
        return await self._issue(stop, inspector_id, actor)

    async def _issue(self, stop: ScheduleStop, inspector_id: int, actor: Actor) -> IssuedCode:
        schedule = await self._session.get(TeamSchedule, stop.schedule_id)
        assert schedule is not None
        task = await self._session.get(Task, schedule.task_id)
        subject = await self._session.get(Subject, stop.subject_id)
        assert task is not None
        assert subject is not None
        members = [int(i) for i in (await self._session.scalars(
            select(TeamMember.inspector_id).where(
                TeamMember.team_id == schedule.team_id, TeamMember.active.is_(True),
                TeamMember.inspector_id.is_not(None)).order_by(TeamMember.id))).all()
                   if i is not None]
        if inspector_id not in members:
            raise Forbidden("codes-not-a-member", task=task.code)
        now = self._clock().astimezone(dt.UTC).replace(microsecond=0)
        not_before, expires = now, now + self._valid
        if stop.day > local_date(now):  # an operator's code for a later day: that day's hours
            not_before = dt.datetime.combine(stop.day, DAY_OPENS, SHANGHAI).astimezone(dt.UTC)
            expires = dt.datetime.combine(stop.day, DAY_CLOSES, SHANGHAI).astimezone(dt.UTC)
        payload = Payload(self._signer.kid, secrets.token_hex(8), stop.id, not_before,
                          expires, subject.identifier, task.code, tuple(members))
        token = encode(payload, self._signer.private)
        self._session.add(InspectionCode(
            nonce=payload.nonce, key_id=payload.kid, stop_id=stop.id, task_id=task.id,
            subject_id=subject.id, inspector_ids=list(members),
            issued_by_inspector_id=inspector_id, not_before=not_before,
            expires_at=payload.expires_at, issued_at=now))
        await self._audit.record(actor, "code.issue", "inspection_code", payload.nonce,
                                 {"task": task.code, "subject": subject.identifier,
                                  "stop": stop.id, "inspectors": members,
                                  "expires_at": payload.expires_at.isoformat()})
        await self._session.commit()
        return IssuedCode(token, payload, subject.name, task.name)

    # -- checking ----------------------------------------------------------------------------

    def ip_hash(self, ip: str) -> str:
        """A keyed hash of the scanner's address (the address itself is never kept)."""
        return self._signer.mac("ip", ip)

    def csrf_token(self, token_id: str) -> str:
        """The form token bound to one code."""
        return self._signer.mac("csrf", token_id)

    def csrf_ok(self, token_id: str, given: str) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf_token(token_id), given)

    async def _row(self, payload: Payload) -> InspectionCode | None:
        return await self._session.scalar(
            select(InspectionCode).where(InspectionCode.nonce == payload.nonce))

    async def check(self, token: str, *, business_uscc: str = "", ip: str = "",
                    log: bool = True) -> CodeView:
        """The live status and what the page shows; every call with ``log`` is a scan."""
        try:
            payload = decode(token, self._signer.keys)
        except TokenInvalid:
            await self._log(None, "", CodeStatus.TAMPERED, ip, log)
            return CodeView(CodeStatus.TAMPERED, "")
        row = await self._row(payload)
        if row is None or row.stop_id != payload.visit_id:
            await self._log(None, payload.nonce, CodeStatus.TAMPERED, ip, log)
            return CodeView(CodeStatus.TAMPERED, payload.nonce)
        view = await self._view(row, payload, await self._status(row, payload, business_uscc))
        await self._log(row.id, payload.nonce, view.status, ip, log)
        return view

    async def _status(self, row: InspectionCode, payload: Payload,
                      business_uscc: str) -> CodeStatus:
        given = business_uscc.strip().upper()
        if given and given != payload.uscc.upper():
            return CodeStatus.WRONG_BUSINESS
        if row.revoked_at is not None:
            return CodeStatus.REVOKED
        active = set((await self._session.scalars(
            select(TeamMember.inspector_id).where(
                TeamMember.task_id == row.task_id, TeamMember.active.is_(True),
                TeamMember.inspector_id.in_(list(payload.inspector_ids))))).all())
        if active != set(payload.inspector_ids):
            return CodeStatus.REVOKED
        done = await self._session.scalar(select(FinalResult.id).where(
            FinalResult.task_id == row.task_id, FinalResult.subject_id == row.subject_id))
        if done is not None:
            return CodeStatus.COMPLETED
        return time_status(payload, self._clock())

    async def _log(self, code_id: int | None, nonce: str, status: CodeStatus, ip: str,
                   log: bool) -> None:
        if not log:
            return
        self._session.add(CodeScan(code_id=code_id, nonce=nonce, status=status.value,
                                   scanned_at=self._clock(),
                                   ip_sha256=self.ip_hash(ip) if ip else ""))
        await self._session.commit()

    async def _view(self, row: InspectionCode, payload: Payload,
                    status: CodeStatus) -> CodeView:
        task = await self._session.get(Task, row.task_id)
        subject = await self._session.get(Subject, row.subject_id)
        stop = await self._session.get(ScheduleStop, row.stop_id)
        assert task is not None
        assert subject is not None
        departments = {d.code: d for d in (await self._session.scalars(
            select(Department).where(Department.code.in_(task.department_codes)))).all()}
        by_id = {d.id: d for d in departments.values()}
        items = (await self._session.scalars(
            select(InspectionItem).where(InspectionItem.year == task.item_year,
                                         InspectionItem.code.in_(task.item_codes))
            .order_by(InspectionItem.code))).all()
        people = (await self._session.scalars(
            select(Inspector).where(Inspector.id.in_(list(payload.inspector_ids))))).all()
        order = {i: n for n, i in enumerate(payload.inspector_ids)}
        inspectors = []
        for person in sorted(people, key=lambda p: order.get(p.id, 0)):
            dept = by_id.get(person.department_id) or await self._session.get(
                Department, person.department_id)
            inspectors.append(CodeInspector(person.name, dept.name_zh if dept else "",
                                            dept.name_en if dept else "",
                                            mask_certificate(person.certificate_no)))
        confirmation = await self._session.scalar(
            select(VisitConfirmation).where(VisitConfirmation.code_id == row.id))
        return CodeView(
            status, payload.nonce, task.code, task.name, subject.name, subject.identifier,
            payload.not_before, payload.expires_at, (task.window_start, task.window_end),
            stop.day if stop else None,
            tuple(CodeDepartment(c, departments[c].name_zh, departments[c].name_en,
                                 self._phones.get(c, "")) for c in task.department_codes
                  if c in departments),
            tuple(CodeItem(i.code, i.name, i.legal_basis) for i in items),
            tuple(inspectors),
            confirmation.confirmed_at if confirmation else None,
            confirmation.rating if confirmation else None,
            confirmation.rated_at if confirmation else None)

    # -- the business's answers --------------------------------------------------------------

    async def _answerable(self, token: str, csrf: str) -> tuple[InspectionCode, Payload]:
        try:
            payload = decode(token, self._signer.keys)
        except TokenInvalid as exc:
            raise CodeRefused("codes-form-tampered") from exc
        if not self.csrf_ok(payload.nonce, csrf):
            raise CodeRefused("codes-form-csrf")
        row = await self._row(payload)
        if row is None:
            raise CodeRefused("codes-form-tampered")
        status = await self._status(row, payload, "")
        if status not in (CodeStatus.VALID, CodeStatus.COMPLETED):
            raise CodeRefused(f"codes-form-{status.value.replace('_', '-')}")
        return row, payload

    async def confirm(self, token: str, csrf: str) -> dt.datetime:
        """The business confirms the visit took place (once; a repeat changes nothing)."""
        row, payload = await self._answerable(token, csrf)
        existing = await self._session.scalar(
            select(VisitConfirmation).where(VisitConfirmation.code_id == row.id))
        if existing is not None:
            return existing.confirmed_at
        now = self._clock()
        self._session.add(VisitConfirmation(code_id=row.id, stop_id=row.stop_id,
                                            confirmed_at=now))
        await self._audit.record(Actor.system("business"), "code.confirm", "inspection_code",
                                 payload.nonce, {"stop": row.stop_id,
                                                 "at": now.isoformat()})
        await self._session.commit()
        return now

    async def rate(self, token: str, csrf: str, rating: str, comment: str) -> None:
        """The business rates the visit 1-5 with an optional comment (after confirming);
        bad input is refused and changes nothing. A new rating replaces the old."""
        if not rating.strip().isdigit() or not 1 <= int(rating.strip()) <= 5:
            raise ValidationFailed("codes-rating-range")
        text = clean_comment(comment)
        row, payload = await self._answerable(token, csrf)
        confirmation = await self._session.scalar(
            select(VisitConfirmation).where(VisitConfirmation.code_id == row.id))
        if confirmation is None:
            raise CodeRefused("codes-rate-needs-confirm")
        confirmation.rating = int(rating.strip())
        confirmation.comment = text
        confirmation.rated_at = self._clock()
        await self._audit.record(Actor.system("business"), "code.rate", "inspection_code",
                                 payload.nonce, {"rating": confirmation.rating,
                                                 "comment_chars": len(text)})
        await self._session.commit()

    # -- revocation and reads ----------------------------------------------------------------

    async def revoke(self, token_id: str, reason: str, actor: Actor) -> None:
        """Withdraw one code (the organiser or the system)."""
        actor.require_organiser("codes-revoke")
        row = await self._session.scalar(
            select(InspectionCode).where(InspectionCode.nonce == token_id))
        if row is None:
            raise NotFound("codes-not-found", id=token_id)
        if row.revoked_at is None:
            row.revoked_at, row.revoked_reason = self._clock(), reason.strip()[:500]
            await self._audit.record(actor, "code.revoke", "inspection_code", token_id,
                                     {"reason": row.revoked_reason})
        await self._session.commit()

    async def scans(self, token_id: str) -> list[CodeScan]:
        """Every scan of a code, oldest first."""
        return list((await self._session.scalars(
            select(CodeScan).where(CodeScan.nonce == token_id).order_by(CodeScan.id))).all())

    async def confirmations(self, task_id: int, subject_id: int) -> list[Confirmation]:
        """The business's confirmations of a subject's visits (for the record's views)."""
        rows = (await self._session.execute(
            select(VisitConfirmation, InspectionCode)
            .join(InspectionCode, InspectionCode.id == VisitConfirmation.code_id)
            .where(InspectionCode.task_id == task_id, InspectionCode.subject_id == subject_id)
            .order_by(VisitConfirmation.confirmed_at))).all()
        return [Confirmation(code.nonce, c.confirmed_at, c.rating, c.comment, c.rated_at)
                for c, code in rows]


async def revoke_member_codes(session: AsyncSession, task_id: int, inspector_id: int,
                              at: dt.datetime, reason: str) -> int:
    """Withdrawing an inspector revokes every unrevoked code of the task naming them (called
    by the replacement draw; the check also refuses a code naming a withdrawn member)."""
    rows = (await session.scalars(select(InspectionCode).where(
        InspectionCode.task_id == task_id, InspectionCode.revoked_at.is_(None)))).all()
    ids = [r.id for r in rows if inspector_id in [int(i) for i in r.inspector_ids]]
    if ids:
        await session.execute(update(InspectionCode).where(InspectionCode.id.in_(ids))
                              .values(revoked_at=at, revoked_reason=reason[:500]))
    return len(ids)



def code_url(base_url: str, token: str) -> str:
    """The URL the QR code holds."""
    return f"{base_url.rstrip('/')}/c/{token}"


def qr_png(url: str) -> bytes:
    """The PNG of the code's QR (error correction M, a quiet border)."""
    buffer = io.BytesIO()
    qr_image(url, box_size=8).save(buffer, format="PNG")
    return buffer.getvalue()


def keys_from_file(path: Path) -> dict[str, Ed25519PublicKey]:
    """Public keys for an offline check: ``/c/keys.json`` saved to a file, or a PEM key
    (public or private)."""
    data = path.read_bytes()
    if data.lstrip().startswith(b"{"):
        published = json.loads(data)
        return public_keys_from(published.get("keys", published))
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        key = serialization.load_pem_private_key(data, password=None).public_key()  # type: ignore[assignment]
    if not isinstance(key, Ed25519PublicKey):
        raise ValidationFailed("codes-key-unreadable", path=str(path))
    return {key_id(key): key}
