"""The demo's persons: accounts bound directly to sandbox Telegram user ids (no invitation).

Moved out of ``services/`` (issue 8 item 2): only the demo and the sandbox bind people without
an invitation, and the persons are fictitious.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts import AccountService, AccountView
from services.actors import Actor
from storage.models import Account, Department


@dataclass(frozen=True)
class Persona:
    """A demo person to bind directly to a (sandbox) Telegram user id."""

    user_id: int
    name: str
    department: str
    roles: tuple[str, ...] = ()
    inspector_id: int | None = None
    language: str | None = None


async def _named_account(session: AsyncSession, persona: Persona) -> Account | None:
    """The account a person without an inspector record already has: the one bound to their
    sandbox user id, else one of the same name in the same department. Without this, every
    run of ``demo`` made a new admin and supervisor account and left the old one unbound
    (issue 9 item 19)."""
    bound = await session.scalar(select(Account).where(
        Account.telegram_user_id == persona.user_id, Account.inspector_id.is_(None)))
    if bound is not None:
        return bound
    return await session.scalar(
        select(Account).join(Department, Department.id == Account.department_id)
        .where(Account.inspector_id.is_(None), Account.name == persona.name,
               Department.code == persona.department)
        .order_by(Account.id).limit(1)
    )


async def bind_demo_accounts(
    session: AsyncSession, service: AccountService, personas: Iterable[Persona]
) -> list[AccountView]:
    """Create (or update) accounts for demo persons and bind them to sandbox user ids directly.

    Running it again changes nothing but what the personas say (roles added, language).
    """
    views: list[AccountView] = []
    for persona in personas:
        account = None if persona.inspector_id is not None else await _named_account(
            session, persona)
        if account is None:
            view = await service.ensure_account(
                department_code=persona.department, roles=persona.roles,
                inspector_id=persona.inspector_id, name=persona.name, actor=Actor.system("demo"),
            )
            account = await session.get(Account, view.id)
            assert account is not None
        else:
            missing = [r for r in persona.roles if r not in account.roles]
            if missing:
                account.roles = [*account.roles, *missing]
        holder = await session.scalar(
            select(Account).where(
                Account.telegram_user_id == persona.user_id, Account.id != account.id
            )
        )
        if holder is not None:
            holder.telegram_user_id = None
            await session.flush()
        if account.telegram_user_id != persona.user_id or account.language != persona.language:
            account.telegram_user_id = persona.user_id
            account.language = persona.language
            await service._audit.record(  # the same trail the account service writes
                "demo", "account-bound", "account", account.id,
                {"telegram_user_id": persona.user_id, "demo": True},
            )
        await session.flush()
        views.append(await service.get(account.id))
    await session.commit()
    return views
