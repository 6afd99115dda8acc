"""一公开: published result announcements, inspection codes and their scans, admin API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId


class Publication(Base):
    """One published version of a task's result announcement (检查结果公告); a correction is a
    new version, the old one kept (``superseded_at`` set)."""

    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("task_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    public_task_code: Mapped[str] = mapped_column(String(18))  # 420700 + yyyyMMdd + 1 + NNN
    public_plan_code: Mapped[str] = mapped_column(String(14))  # 420700 + yyyy + 1 + NNN
    number: Mapped[int] = mapped_column(Integer)  # 第NNN号 within the lead department's year
    year: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[dt.datetime]
    superseded_at: Mapped[dt.datetime | None]


class InspectionCode(Base):
    """亮码: one signed code issued to an inspector for a scheduled visit (a schedule stop)."""

    __tablename__ = "inspection_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    key_id: Mapped[str] = mapped_column(String(16))
    stop_id: Mapped[int] = mapped_column(BigId, index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    subject_id: Mapped[int] = mapped_column(BigId)
    inspector_ids: Mapped[list[int]] = mapped_column(default=list)
    issued_by_inspector_id: Mapped[int | None] = mapped_column(ForeignKey("inspector.id"))
    not_before: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    issued_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")


class CodeScan(Base):
    """Every opening of a code's page, with the status it showed (nothing about the person)."""

    __tablename__ = "code_scan"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_code.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(64), default="", index=True)
    status: Mapped[str] = mapped_column(String(16))
    scanned_at: Mapped[dt.datetime]
    # a keyed hash of the scanner's address (migration 0008_codes); never the address
    ip_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")


class VisitConfirmation(Base):
    """The business's confirmation that the visit took place, and its rating (1-5)."""

    __tablename__ = "visit_confirmation"
    __table_args__ = (UniqueConstraint("code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("inspection_code.id"))
    stop_id: Mapped[int] = mapped_column(BigId, index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[dt.datetime]
    rated_at: Mapped[dt.datetime | None]  # migration 0008_codes


class ApiToken(Base):
    """An admin API token of one department with scopes; only the SHA-256 of the secret kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]


class ProgressLink(Base):
    """A signed link to a progress page (Art. 22) as it was given out: its scope (a department's
    code or ``city``), expiry, who printed it and for whom; revoking it closes that link alone."""

    __tablename__ = "progress_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[dt.datetime]
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    opened_at: Mapped[dt.datetime | None]  # the last time the page was opened with it
