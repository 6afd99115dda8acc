"""The four directories of the rules and declared conflicts of interest (Art. 7-10).

名录库: item catalogue (抽查事项清单), object directory (检查对象名录库), inspector directory
(执法检查人员名录库), expert directory (专家名录库 / 检测机构), and 回避 pairs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId


class Department(Base):
    """A department taking part in joint inspections (市场监督管理局, 生态环境局, ...)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class CatalogueYear(Base):
    """One year's item catalogue; once locked, its items cannot change (Art. 7)."""

    __tablename__ = "catalogue_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    locked_at: Mapped[dt.datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(100))


class InspectionItem(Base):
    """抽查事项: one item of the province-wide catalogue, with its guidance (Art. 7, 10)."""

    __tablename__ = "inspection_item"
    __table_args__ = (UniqueConstraint("year", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    department_codes: Mapped[list[str]] = mapped_column(default=list)
    subject_kinds: Mapped[list[str]] = mapped_column(default=list)
    # guidance (工作指引): checklist points (检查内容), allowed methods (检查方法), requirements
    checklist: Mapped[list[str]] = mapped_column(default=list)
    methods: Mapped[list[str]] = mapped_column(default=list)
    requirements: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Subject(Base):
    """检查对象: an enterprise, individual business, product, project or behaviour (Art. 8).

    Each department keeps its own directory, so the natural key is (department, identifier);
    ``identifier`` is the USCC for market entities, another stable id otherwise.
    """

    __tablename__ = "subject"
    __table_args__ = (
        UniqueConstraint("department_id", "identifier"),
        # covers a draw's pool scan (status included): SQLite reads the index, not the rows
        Index("ix_subject_pool", "department_id", "active", "risk_class", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    identifier: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))  # SubjectKind code
    address: Mapped[str] = mapped_column(String(500), default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    industry_code: Mapped[str] = mapped_column(String(16), default="")
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    risk_class: Mapped[str] = mapped_column(String(1), default="B")  # A-D credit risk class
    status: Mapped[str] = mapped_column(String(16), default="active")  # SubjectStatus code
    peak_months: Mapped[list[int]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class SubjectInspection(Base):
    """The last inspection of a subject for an item, for the repeat-inspection window."""

    __tablename__ = "subject_inspection"
    __table_args__ = (UniqueConstraint("subject_id", "item_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    inspected_on: Mapped[dt.date] = mapped_column(Date)


class Inspector(Base):
    """执法检查人员 of one department (Art. 9); some hold no enforcement certificate."""

    __tablename__ = "inspector"
    __table_args__ = (UniqueConstraint("department_id", "staff_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    staff_no: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    certificate_expires_on: Mapped[dt.date | None] = mapped_column(Date)
    qualified_items: Mapped[list[str]] = mapped_column(default=list)
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Expert(Base):
    """专家 or 检测机构 that may join a team for a specialised check (Art. 9, 13, 15)."""

    __tablename__ = "expert"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="expert")  # expert | institution
    organisation: Mapped[str] = mapped_column(String(200), default="")
    specialties: Mapped[list[str]] = mapped_column(default=list)
    qualified_items: Mapped[list[str]] = mapped_column(default=list)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Conflict(Base):
    """回避: a declared inspector-subject pair that must never be matched."""

    __tablename__ = "conflict"
    __table_args__ = (UniqueConstraint("inspector_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("inspector.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    declared_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class AuditEvent(Base):
    """全程留痕: an append-only, hash-chained audit trail.

    ``hash`` = SHA-256 over the canonical JSON of this row's fields plus ``prev_hash``; changing,
    inserting or removing any row breaks the chain (``jointcheck audit verify``).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
