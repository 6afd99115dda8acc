"""Admin API tokens (issue 13 item 5): one department, a set of scopes, only a hash kept.

A token reads ``jct_<prefix>_<secret>``: the prefix (12 hex digits) finds the row, the secret
(32 random bytes, URL-safe base64) is checked against the stored SHA-256 in constant time. The
secret is shown once, when issued; the database holds only its hash, so a copy of the database
gives no working token. A token acts as its department's admin (``Role.DEPT_ADMIN``), named
``api-token:<id>`` in the audit trail, so the services apply the same rules to it as to a
person (docs/permissions.md). Scopes: ``read`` (every GET), ``import`` (directory files),
``draw`` (the task's steps toward the draw: review decisions), ``publish`` (results).

Reading a list of tokens never shows a secret or its hash. Issuing and revoking are audited;
``last_used_at`` is updated at most once a minute per token (no audit event: it is no change of
what the token may do).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import ApiToken, Department

from services.actors import Actor, Role
from services.audit import AuditTrail
from services.clock import Clock
from services.errors import DomainError, NotFound, ValidationFailed

SCOPES = ("read", "import", "draw", "publish")
TOKEN_PREFIX = "jct_"
_TOKEN = re.compile(r"^jct_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenRefused(DomainError):
    """No valid token: missing, malformed, unknown, wrong secret or revoked (one answer for
    all, so a caller learns nothing about which)."""

    key = "api-token-invalid"


@dataclass(frozen=True)
class TokenView:
    """A token as listed: never its secret."""

    id: int
    prefix: str
    name: str
    department: str
    scopes: tuple[str, ...]
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Principal:
    """Who a valid token is: its id, department, scopes and the ``Actor`` the services see."""

    token_id: int
    department: str
    scopes: frozenset[str]
    actor: Actor

    def allows(self, scope: str) -> bool:
        """Whether the token carries ``scope``."""
        return scope in self.scopes


def parse_scopes(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"read, import"`` → ``("read", "import")`` in the canonical order; unknown refused."""
    parts = re.split(r"[,\s]+", text) if isinstance(text, str) else list(text)
    wanted = {p.strip().lower() for p in parts if p.strip()}
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise ValidationFailed("api-token-bad-scope", scope=", ".join(unknown),
                               allowed=", ".join(SCOPES))
    if not wanted:
        raise ValidationFailed("api-token-no-scope", allowed=", ".join(SCOPES))
    return tuple(s for s in SCOPES if s in wanted)


def secret_hash(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def token_actor(token_id: int, department: Department) -> Actor:
    """The actor a token of ``department`` acts as: that department's admin."""
    return Actor(account_id=None, name=f"api-token:{token_id}",
                 roles=frozenset({Role.DEPT_ADMIN.value}), department_code=department.code,
                 department_id=department.id)


class ApiTokenService:
    """Issue, list, revoke and resolve admin API tokens."""

    def __init__(self, session: AsyncSession, clock: Clock, audit: AuditTrail) -> None:
        self._session = session
        self._clock = clock
        self._audit = audit

    async def _department(self, code: str) -> Department:
        department = await self._session.scalar(select(Department).where(Department.code == code))
        if department is None:
            raise NotFound("error-unknown-department", code=code)
        return department

    @staticmethod
    def _view(row: ApiToken, department: str) -> TokenView:
        return TokenView(id=row.id, prefix=row.prefix, name=row.name, department=department,
                         scopes=tuple(row.scopes), created_by=row.created_by,
                         created_at=row.created_at, revoked_at=row.revoked_at,
                         last_used_at=row.last_used_at)

    async def issue(self, department_code: str, scopes: str | Iterable[str], name: str,
                    actor: Actor) -> tuple[TokenView, str]:
        """A new token; returns its view and the full token text, which is never stored."""
        department = await self._department(department_code)
        actor.require_department(department.code, "token-issue", organiser_too=True)
        chosen = parse_scopes(scopes)
        name = name.strip()
        if not name or len(name) > 200:
            raise ValidationFailed("api-token-bad-name")
        while True:
            prefix = secrets.token_hex(6)
            taken = await self._session.scalar(
                select(ApiToken.id).where(ApiToken.prefix == prefix))
            if taken is None:
                break
        secret = secrets.token_urlsafe(32)  # 256 bits
        row = ApiToken(department_id=department.id, name=name, scopes=list(chosen),
                       token_sha256=secret_hash(secret), prefix=prefix, created_by=actor.label,
                       created_at=self._clock())
        self._session.add(row)
        await self._session.flush()
        await self._audit.record(actor, "api_token.issued", "api_token", row.id, {
            "department": department.code, "name": name, "scopes": list(chosen),
            "prefix": prefix})
        await self._session.commit()
        return self._view(row, department.code), f"{TOKEN_PREFIX}{prefix}_{secret}"

    async def list_tokens(self, department_code: str | None = None) -> list[TokenView]:
        """Every token (or one department's), oldest first; no secrets."""
        stmt = (select(ApiToken, Department.code)
                .join(Department, Department.id == ApiToken.department_id)
                .order_by(ApiToken.id))
        if department_code:
            stmt = stmt.where(Department.code == department_code)
        return [self._view(row, code) for row, code in (await self._session.execute(stmt)).all()]

    async def revoke(self, token_id: int, actor: Actor) -> TokenView:
        """Revoke a token: every later request with it is refused. Revoking twice is refused."""
        row = await self._session.get(ApiToken, token_id)
        if row is None:
            raise NotFound("api-token-not-found", id=token_id)
        department = await self._session.get(Department, row.department_id)
        assert department is not None
        actor.require_department(department.code, "token-revoke", organiser_too=True)
        if row.revoked_at is not None:
            raise ValidationFailed("api-token-already-revoked", id=token_id)
        row.revoked_at = self._clock()
        await self._audit.record(actor, "api_token.revoked", "api_token", row.id, {
            "department": department.code, "name": row.name, "prefix": row.prefix})
        await self._session.commit()
        return self._view(row, department.code)

    async def resolve(self, token: str) -> Principal:
        """The principal of a valid, unrevoked token; ``TokenRefused`` otherwise."""
        match = _TOKEN.match(token.strip())
        if match is None:
            raise TokenRefused()
        prefix, secret = match.groups()
        row = await self._session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
        # the hash is compared even without a row, so timing tells nothing about the prefix
        stored = row.token_sha256 if row is not None else "0" * 64
        if not secrets.compare_digest(secret_hash(secret), stored) or row is None \
                or row.revoked_at is not None:
            raise TokenRefused()
        department = await self._session.get(Department, row.department_id)
        if department is None or not department.active:
            raise TokenRefused()
        now = self._clock()
        last = row.last_used_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)
        if last is None or now - last >= LAST_USED_EVERY:
            row.last_used_at = now
            await self._session.commit()
        return Principal(token_id=row.id, department=department.code,
                         scopes=frozenset(row.scopes), actor=token_actor(row.id, department))
