"""Signed links to the progress pages (issue 12 item 5, Art. 22) and formula-neutral cells.

A link carries ``<department or "city">.<expiry, unix seconds>.<link id>.<HMAC-SHA256>``; the
HMAC is over the scope, the expiry and the id with a settings secret, so none can be changed,
and a link past its expiry is refused. Every link printed is a row (``progress_link``): who
printed it, for whom, until when — so one link sent to the wrong person is revoked alone, and
the list shows every link still open. The web page opens only for a link whose HMAC holds and
whose row exists unrevoked with the same scope and expiry. The secret is
``JOINTCHECK_PROGRESS_LINK_SECRET`` or, without it, 32 random bytes generated on first use at
``progress_link_key_path`` (mode 0600; delete the file, or change the setting, to void every
link at once). An admin API token with scope ``read`` is the other way in, for its own
department's page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import Department, ProgressLink

from services.actors import Actor
from services.audit import AuditTrail
from services.clock import Clock
from services.errors import NotFound, ValidationFailed

CITY = "city"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _mac(secret: bytes, scope: str, expires: int, link_id: int) -> str:
    digest = hmac.new(secret, f"{scope}\n{expires}\n{link_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class LinkClaim:
    """What a link's token says, once its HMAC holds: the scope, the expiry, the row."""

    scope: str
    expires: int
    link_id: int


def sign_link(secret: bytes, department: str | None, expires_at: dt.datetime,
              link_id: int) -> str:
    """The token of link ``link_id`` for one department's page (``None``: the city's) until
    ``expires_at``."""
    scope = department or CITY
    if "." in scope:
        raise ValueError("a department code has no dot")
    expires = int(expires_at.timestamp())
    return f"{scope}.{expires}.{link_id}.{_mac(secret, scope, expires, link_id)}"


def verify_link(secret: bytes, token: str, now: dt.datetime) -> LinkClaim | None:
    """What the token claims, or None when it was tampered with, malformed or has expired.
    (Whether its row is still open is the service's question.)"""
    parts = token.split(".")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit() \
            or len(parts[1]) > 12 or len(parts[2]) > 12:
        return None
    scope, expires_text, id_text, mac = parts
    expires, link_id = int(expires_text), int(id_text)
    if not hmac.compare_digest(mac, _mac(secret, scope, expires, link_id)):
        return None
    if now.timestamp() >= expires:
        return None
    return LinkClaim(scope, expires, link_id)


def neutral_cell(value: object) -> object:
    """A CSV/XLSX cell that a spreadsheet will not run as a formula: text starting with
    = + - @ tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def load_link_secret(setting: str | None, default_path: Path) -> bytes:
    """The setting's text as bytes, or the key file at ``default_path`` (created on first use
    with 32 random bytes, mode 0600)."""
    if setting:
        return setting.encode()
    if default_path.exists():
        return default_path.read_bytes().strip()
    default_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32))
    try:
        fd = os.open(default_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return default_path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


@dataclass(frozen=True)
class ProgressLinks:
    """The links' secret once per process (the container holds one)."""

    secret: bytes

    def sign(self, department: str | None, expires_at: dt.datetime, link_id: int) -> str:
        """The token of link ``link_id`` for ``department`` (``None``: the city)."""
        return sign_link(self.secret, department, expires_at, link_id)

    def verify(self, token: str, now: dt.datetime) -> LinkClaim | None:
        """What ``token`` claims, or None."""
        return verify_link(self.secret, token, now)


@dataclass(frozen=True)
class LinkView:
    """A link as ``jointcheck progress links`` lists it (never its token)."""

    id: int
    scope: str
    recipient: str
    expires_at: dt.datetime
    issued_by: str
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    revoked_by: str | None
    opened_at: dt.datetime | None

    def open_at(self, now: dt.datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        return self.revoked_at is None and now < self.expires_at


MAX_RECIPIENT = 200
OPENED_EVERY = dt.timedelta(minutes=1)


class ProgressLinkService:
    """Print, list, revoke and open the progress pages' links; printing and revoking are
    audited. A department's link is its admin's or the organiser's to print; the city's is the
    organiser's (docs/permissions.md)."""

    def __init__(self, session: AsyncSession, clock: Clock, audit: AuditTrail,
                 links: ProgressLinks) -> None:
        self._session = session
        self._clock = clock
        self._audit = audit
        self._links = links

    @staticmethod
    def _view(row: ProgressLink) -> LinkView:
        return LinkView(id=row.id, scope=row.scope, recipient=row.recipient,
                        expires_at=row.expires_at, issued_by=row.issued_by,
                        issued_at=row.issued_at, revoked_at=row.revoked_at,
                        revoked_by=row.revoked_by, opened_at=row.opened_at)

    def _authorize(self, actor: Actor, scope: str, action: str) -> None:
        if scope == CITY:
            actor.require_organiser(f"{action}-city")
        else:
            actor.require_department(scope, action, organiser_too=True)

    async def issue(self, actor: Actor, department: str | None, valid: dt.timedelta,
                    recipient: str = "") -> tuple[LinkView, str]:
        """A new link to ``department``'s page (``None``: the city's) for ``valid``; returns
        its row and its token. An unknown or inactive department is refused."""
        scope = department or CITY
        if valid <= dt.timedelta(0):
            raise ValidationFailed("progress-link-bad-days")
        if department is not None:
            active = await self._session.scalar(select(Department.id).where(
                Department.code == department, Department.active.is_(True)))
            if active is None:
                raise NotFound("cli-progress-no-department", code=department)
        self._authorize(actor, scope, "progress-link")
        recipient = " ".join(recipient.split())
        if len(recipient) > MAX_RECIPIENT:
            raise ValidationFailed("progress-link-bad-recipient", limit=MAX_RECIPIENT)
        now = self._clock()
        # whole seconds: the token carries the expiry in unix seconds, the row the same instant
        expires_at = (now + valid).replace(microsecond=0)
        row = ProgressLink(scope=scope, recipient=recipient, expires_at=expires_at,
                           issued_by=actor.label, issued_at=now)
        self._session.add(row)
        await self._session.flush()
        await self._audit.record(actor, "progress_link.issued", "progress_link", row.id, {
            "scope": scope, "recipient": recipient, "expires_at": expires_at.isoformat()})
        await self._session.commit()
        return self._view(row), self._links.sign(department, expires_at, row.id)

    async def list_links(self, department: str | None = None) -> list[LinkView]:
        """Every link printed (or those to one department's page), newest first."""
        stmt = select(ProgressLink).order_by(ProgressLink.id.desc())
        if department:
            stmt = stmt.where(ProgressLink.scope == department)
        return [self._view(row) for row in (await self._session.scalars(stmt)).all()]

    async def revoke(self, actor: Actor, link_id: int) -> LinkView:
        """Close one link: the page refuses it from now on. Revoking twice is refused."""
        row = await self._session.get(ProgressLink, link_id)
        if row is None:
            raise NotFound("progress-link-not-found", id=link_id)
        self._authorize(actor, row.scope, "progress-link-revoke")
        if row.revoked_at is not None:
            raise ValidationFailed("progress-link-already-revoked", id=link_id)
        row.revoked_at, row.revoked_by = self._clock(), actor.label
        await self._audit.record(actor, "progress_link.revoked", "progress_link", row.id, {
            "scope": row.scope, "recipient": row.recipient})
        await self._session.commit()
        return self._view(row)

    async def opens(self, scope: str, token: str) -> bool:
        """Whether ``token`` opens ``scope``'s page now: its HMAC holds, it has not expired,
        and its row exists, unrevoked, with the same scope and expiry."""
        now = self._clock()
        claim = self._links.verify(token, now)
        if claim is None or claim.scope != scope:
            return False
        row = await self._session.get(ProgressLink, claim.link_id)
        if row is None or row.revoked_at is not None or row.scope != scope \
                or int(row.expires_at.timestamp()) != claim.expires:
            return False
        if row.opened_at is None or now - row.opened_at >= OPENED_EVERY:
            row.opened_at = now
            await self._session.commit()
        return True
