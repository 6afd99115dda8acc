"""Accounts with roles, Telegram bindings, invitations and processed updates (idempotency)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId


class Account(Base):
    """A person who uses jointcheck, with roles and an optional bound Telegram user id."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    # inspector | team_leader is derived per team; dept_admin | organiser | supervisor
    roles: Mapped[list[str]] = mapped_column(default=list)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("inspector.id"), unique=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class Invitation(Base):
    """A one-time, expiring token that binds a Telegram account to an ``Account``."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class ProcessedUpdate(Base):
    """A Telegram update already handled, so a repeated delivery has one effect."""

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class Outbox(Base):
    """A message to send (notification or reminder): a row, sent once, survives restarts."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    due_at: Mapped[dt.datetime] = mapped_column(index=True)
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # set when the message can never be delivered (blocked bot, unbound account): kept, not retried
    failed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    # set when a later fact made the message pointless (review done, member withdrawn): never sent
    cancelled_at: Mapped[dt.datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")

    @property
    def status(self) -> str:
        """pending | sent | failed | cancelled (``services.notifications.OutboxStatus``)."""
        if self.cancelled_at is not None:
            return "cancelled"
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.failed_at is not None else "pending"
