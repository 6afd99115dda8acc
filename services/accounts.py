"""Accounts, their roles, and one-time invitations that bind a Telegram user to an account.

An invitation token is shown once (as a deep link and a QR code) and only its SHA-256 is kept,
so a copy of the database cannot be used to bind someone else's Telegram account. Tokens are
URL-safe (A-Za-z0-9_-) and at most 64 characters: Telegram's rule for a ``/start`` payload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import Account, Department, Inspector, Invitation

from services.actors import Actor, Role
from services.audit import AuditTrail
from services.clock import Clock
from services.errors import DomainError, NotFound, ValidationFailed

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TOKEN_BYTES = 32  # 43 characters once base64url-encoded, under Telegram's 64


STORED_ROLES = (Role.DEPT_ADMIN, Role.ORGANISER, Role.SUPERVISOR)


class InvitationUnknown(DomainError):
    """No invitation has this token (mistyped, or never issued)."""

    key = "invitation-unknown"


class InvitationUsed(DomainError):
    """The invitation was already used once."""

    key = "invitation-used"


class AlreadyBoundToYou(DomainError):
    """The invitation was used by this very Telegram user, whose account it still is: opening
    the link again changes nothing and says so (issue 9 item 13)."""

    key = "invitation-already-yours"


class InvitationExpired(DomainError):
    """The invitation's time ran out (or a newer one replaced it)."""

    key = "invitation-expired"


class NotBound(DomainError):
    """The account has no Telegram user bound to it."""

    key = "account-not-bound"


@dataclass(frozen=True)
class AccountView:
    """An account as handlers and the CLI see it."""

    id: int
    name: str
    department_code: str | None
    department_name: str | None
    roles: tuple[str, ...]
    inspector_id: int | None
    telegram_user_id: int | None
    language: str | None
    active: bool
    department_id: int | None = None

    @property
    def actor(self) -> Actor:
        """This account as the one who acts (its roles, department and inspector record)."""
        return Actor(account_id=self.id, name=self.name, roles=frozenset(self.roles),
                     department_code=self.department_code, department_id=self.department_id,
                     inspector_id=self.inspector_id)

    def has(self, role: Role | str) -> bool:
        """Whether the account holds ``role`` (inspector when linked to an inspector record)."""
        return str(role) in self.roles


@dataclass(frozen=True)
class IssuedInvitation:
    """A fresh invitation: the token exists only here, the database keeps its hash."""

    account: AccountView
    token: str
    expires_at: dt.datetime


def hash_token(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A random deep-link payload: URL-safe, 43 characters."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    assert TOKEN_PATTERN.match(token)  # token_urlsafe only uses A-Za-z0-9_-
    return token


def deep_link(bot_username: str, token: str) -> str:
    """``https://t.me/<bot>?start=<token>``, the link a QR code carries."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def _view(account: Account, department: Department | None) -> AccountView:
    roles = [r for r in account.roles if r != Role.INSPECTOR]
    if account.inspector_id is not None:
        roles.insert(0, Role.INSPECTOR)
    return AccountView(
        id=account.id,
        name=account.name,
        department_code=department.code if department else None,
        department_name=department.name_zh if department else None,
        roles=tuple(str(r) for r in roles),
        inspector_id=account.inspector_id,
        telegram_user_id=account.telegram_user_id,
        language=account.language,
        active=account.active,
        department_id=department.id if department else None,
    )


def _check_roles(roles: Iterable[str]) -> list[str]:
    allowed = {str(r) for r in Role}
    result: list[str] = []
    for role in roles:
        if role not in allowed:
            raise ValidationFailed(reason=f"role {role!r} (one of {', '.join(sorted(allowed))})")
        if role != Role.INSPECTOR and role not in result:
            result.append(role)
    return result


class AccountService:
    """Accounts, invitations, binding and unbinding (every change audited, then committed)."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self._audit = AuditTrail(session, clock)

    async def database_ready(self) -> bool:
        """Whether the database answers (``/healthz``)."""
        return await database_ready(self._session)

    # -- reading -----------------------------------------------------------------------------

    async def _department(self, department_id: int | None) -> Department | None:
        if department_id is None:
            return None
        return await self._session.get(Department, department_id)

    async def _department_by_code(self, code: str) -> Department:
        department = await self._session.scalar(select(Department).where(Department.code == code))
        if department is None:
            raise NotFound(what=f"department {code}")
        return department

    async def by_telegram(self, telegram_user_id: int) -> AccountView | None:
        """The active account bound to this Telegram user, if any."""
        account = await self._session.scalar(
            select(Account).where(
                Account.telegram_user_id == telegram_user_id, Account.active.is_(True)
            )
        )
        if account is None:
            return None
        return _view(account, await self._department(account.department_id))

    async def get(self, account_id: int) -> AccountView:
        """One account by id."""
        account = await self._session.get(Account, account_id)
        if account is None:
            raise NotFound(what=f"account {account_id}")
        return _view(account, await self._department(account.department_id))

    async def list_accounts(self, department_code: str | None = None) -> list[AccountView]:
        """Accounts, optionally of one department, by id."""
        query = select(Account, Department).outerjoin(
            Department, Department.id == Account.department_id
        )
        if department_code:
            query = query.where(Department.code == department_code)
        rows = (await self._session.execute(query.order_by(Account.id))).all()
        return [_view(account, department) for account, department in rows]

    async def bound_admins(self, department_id: int) -> list[AccountView]:
        """Bound, active department admins of a department (who gets review notices)."""
        rows = (
            await self._session.scalars(
                select(Account).where(
                    Account.department_id == department_id,
                    Account.active.is_(True),
                    Account.telegram_user_id.is_not(None),
                )
            )
        ).all()
        department = await self._department(department_id)
        views = [_view(a, department) for a in rows]
        return [v for v in views if v.has(Role.DEPT_ADMIN)]

    async def actor(self, reference: str) -> Actor:
        """The active account named by ``reference`` (its id, or its exact name) as the one
        who acts: the CLI's ``--as`` and ``JOINTCHECK_OPERATOR``."""
        query = select(Account).where(Account.active.is_(True))
        if reference.strip().isdigit():
            query = query.where(Account.id == int(reference))
        else:
            query = query.where(Account.name == reference.strip())
        found = (await self._session.scalars(query.limit(2))).all()
        if len(found) != 1:
            raise NotFound("operator-unknown", reference=reference, count=len(found))
        account = found[0]
        return _view(account, await self._department(account.department_id)).actor

    # -- accounts and invitations --------------------------------------------------------------

    async def ensure_account(
        self,
        *,
        department_code: str,
        roles: Sequence[str] = (),
        inspector_id: int | None = None,
        name: str | None = None,
        actor: Actor,
    ) -> AccountView:
        """The account of an inspector (created from the directory) or a new named account.

        Roles given are added to the account's roles, never removed. The organiser, the
        department's admin (not for organiser or supervisor roles) or the system.
        """
        wanted = _check_roles(roles)
        actor.require_department(department_code, "account-create", organiser_too=True)
        if any(r in (Role.ORGANISER, Role.SUPERVISOR) for r in wanted):
            actor.require_organiser("account-create")
        department = await self._department_by_code(department_code)
        account: Account | None = None
        if inspector_id is not None:
            inspector = await self._session.get(Inspector, inspector_id)
            if inspector is None or inspector.department_id != department.id:
                raise NotFound(what=f"inspector {inspector_id} in {department_code}")
            account = await self._session.scalar(
                select(Account).where(Account.inspector_id == inspector_id)
            )
            name = name or inspector.name
        elif not name:
            raise ValidationFailed(reason="an account needs --person (inspector id) or --name")
        if account is None:
            account = Account(
                name=name, department_id=department.id, roles=wanted, inspector_id=inspector_id
            )
            self._session.add(account)
            await self._session.flush()
            await self._audit.record(
                actor, "account-created", "account", account.id,
                {"name": account.name, "department": department.code, "roles": wanted,
                 "inspector_id": inspector_id},
            )
        else:
            merged = list(account.roles) + [r for r in wanted if r not in account.roles]
            if merged != list(account.roles):
                account.roles = merged
                await self._audit.record(
                    actor, "account-roles-changed", "account", account.id, {"roles": merged}
                )
        return _view(account, department)

    async def _expire_open_invitations(self, account_id: int, now: dt.datetime) -> None:
        """Every unused, unexpired invitation of the account stops working now."""
        await self._session.execute(
            update(Invitation)
            .where(
                Invitation.account_id == account_id,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(expires_at=now)
        )

    async def _issue(
        self, account: AccountView, ttl: dt.timedelta, actor: Actor
    ) -> IssuedInvitation:
        now = self._clock()
        # a new invitation replaces any unused older one: only the latest QR code works
        await self._expire_open_invitations(account.id, now)
        token = new_token()
        invitation = Invitation(
            token_sha256=hash_token(token), account_id=account.id, expires_at=now + ttl
        )
        self._session.add(invitation)
        await self._session.flush()
        await self._audit.record(
            actor, "invitation-issued", "account", account.id,
            {"invitation_id": invitation.id, "expires_at": invitation.expires_at.isoformat()},
        )
        return IssuedInvitation(account=account, token=token, expires_at=invitation.expires_at)

    async def invite(
        self,
        *,
        department_code: str,
        role: str | None = None,
        inspector_id: int | None = None,
        name: str | None = None,
        ttl: dt.timedelta = dt.timedelta(hours=72),
        actor: Actor,
    ) -> list[IssuedInvitation]:
        """Invitations: for one person, or for every active unbound inspector of a department.

        ``role`` other than inspector is added to the person's account (a department admin, an
        organiser or a supervisor needs ``inspector_id`` or ``name``).
        """
        roles = [role] if role else []
        _check_roles(roles)
        actor.require_department(department_code, "invite", organiser_too=True)
        issued: list[IssuedInvitation] = []
        if inspector_id is not None or name:
            account = await self.ensure_account(
                department_code=department_code, roles=roles, inspector_id=inspector_id,
                name=name, actor=actor,
            )
            issued.append(await self._issue(account, ttl, actor))
        else:
            if role and role != Role.INSPECTOR:
                raise ValidationFailed(reason=f"--role {role} needs --person or --name")
            department = await self._department_by_code(department_code)
            inspectors = (
                await self._session.scalars(
                    select(Inspector)
                    .where(Inspector.department_id == department.id, Inspector.active.is_(True))
                    .order_by(Inspector.staff_no, Inspector.id)
                )
            ).all()
            bound = set(
                (
                    await self._session.scalars(
                        select(Account.inspector_id).where(
                            Account.inspector_id.is_not(None),
                            Account.telegram_user_id.is_not(None),
                        )
                    )
                ).all()
            )
            for inspector in inspectors:
                if inspector.id in bound:
                    continue
                account = await self.ensure_account(
                    department_code=department_code, inspector_id=inspector.id, actor=actor
                )
                issued.append(await self._issue(account, ttl, actor))
        await self._session.commit()
        return issued

    # -- binding -----------------------------------------------------------------------------

    async def bind(
        self, token: str, telegram_user_id: int, language_code: str | None = None
    ) -> AccountView:
        """``/start <token>``: bind the Telegram user to the invited account, once."""
        if not TOKEN_PATTERN.match(token):
            raise InvitationUnknown()
        invitation = await self._session.scalar(
            select(Invitation).where(Invitation.token_sha256 == hash_token(token))
        )
        if invitation is None:
            raise InvitationUnknown()
        if invitation.used_at is not None:
            mine = await self._session.get(Account, invitation.account_id)
            if (invitation.used_by_telegram_id == telegram_user_id and mine is not None
                    and mine.telegram_user_id == telegram_user_id):
                raise AlreadyBoundToYou(name=mine.name)
            raise InvitationUsed()
        now = self._clock()
        if invitation.expires_at <= now:
            raise InvitationExpired()
        account = await self._session.get(Account, invitation.account_id)
        if account is None or not account.active:
            raise InvitationUnknown()
        # the conditional update makes two simultaneous binds with one token succeed once
        claimed = await self._session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
            .values(used_at=now, used_by_telegram_id=telegram_user_id)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise InvitationUsed()
        # a Telegram user belongs to one account: a previous binding of this user is released
        previous = await self._session.scalar(
            select(Account).where(
                Account.telegram_user_id == telegram_user_id, Account.id != account.id
            )
        )
        if previous is not None:
            previous.telegram_user_id = None
            await self._session.flush()
        account.telegram_user_id = telegram_user_id
        if account.language is None and language_code:
            account.language = "en" if language_code.lower().startswith("en") else "zh_CN"
        await self._audit.record(
            f"telegram:{telegram_user_id}", "account-bound", "account", account.id,
            {"invitation_id": invitation.id, "telegram_user_id": telegram_user_id,
             "released_account_id": previous.id if previous else None},
        )
        await self._session.commit()
        return _view(account, await self._department(account.department_id))

    async def revoke(self, account_id: int, actor: Actor) -> AccountView:
        """Unbind the account's Telegram user and void its unused invitations (the organiser,
        the account's department admin, or the system)."""
        account = await self._session.get(Account, account_id)
        if account is None:
            raise NotFound(what=f"account {account_id}")
        department = await self._department(account.department_id)
        actor.require_department(department.code if department else "-", "revoke",
                                 organiser_too=True)
        if account.telegram_user_id is None:
            raise NotBound()
        now = self._clock()
        released = account.telegram_user_id
        account.telegram_user_id = None
        await self._expire_open_invitations(account.id, now)
        await self._audit.record(
            actor, "account-unbound", "account", account.id, {"telegram_user_id": released}
        )
        await self._session.commit()
        return _view(account, await self._department(account.department_id))

    async def set_language(self, account_id: int, language: str) -> None:
        """Remember the language a person chose."""
        account = await self._session.get(Account, account_id)
        if account is None:
            raise NotFound(what=f"account {account_id}")
        account.language = language
        await self._audit.record(
            f"account:{account_id}", "account-language", "account", account_id,
            {"language": language},
        )
        await self._session.commit()


async def database_ready(session: AsyncSession) -> bool:
    """Whether the database answers (for ``/healthz``)."""
    try:
        await session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 -- any failure means "not ready"; the caller reports it
        return False
    return True
