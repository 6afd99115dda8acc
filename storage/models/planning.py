"""Annual plans, joint tasks and their review (Art. 11, 12), and the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AnnualPlan(Base):
    """年度部门联合抽查计划清单 for one year (Art. 11)."""

    __tablename__ = "annual_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | approved
    approved_at: Mapped[dt.datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class PlanEntry(Base):
    """One line of the annual plan: items, departments, period, target ratio (Art. 11)."""

    __tablename__ = "plan_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id"), index=True)
    submitted_by_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    title: Mapped[str] = mapped_column(String(300))
    item_codes: Mapped[list[str]] = mapped_column(default=list)
    department_codes: Mapped[list[str]] = mapped_column(default=list)
    subject_scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    target_ratio: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("plan_entry.id"))
    flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitted_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class Task(Base):
    """抽查任务: a joint task created from an approved plan entry (Art. 3, 12)."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    plan_entry_id: Mapped[int | None] = mapped_column(ForeignKey("plan_entry.id"))
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    department_codes: Mapped[list[str]] = mapped_column(default=list)
    item_codes: Mapped[list[str]] = mapped_column(default=list)
    item_year: Mapped[int]
    # scope: {"districts": [...], "industries": [...], "kinds": [...], "risk_classes": [...]}
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # sample per risk class: {"A": {"ratio": 0.03}, "D": {"count": 40}, ...}
    sample: Mapped[dict[str, Any]] = mapped_column(default=dict)
    team_count: Mapped[int]
    # members per department per team: {"SCJG": 2, "HBJ": 1}
    members_per_team: Mapped[dict[str, Any]] = mapped_column(default=dict)
    needs_experts: Mapped[bool] = mapped_column(Boolean, default=False)
    experts_per_team: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[dt.date] = mapped_column(Date)
    window_end: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(24), default="draft")
    # deadlines computed when the fact that starts them is recorded (DESIGN.md §6)
    deadlines: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class TaskReview(Base):
    """会审: one participating department's decision on a task in one review round (Art. 12)."""

    __tablename__ = "task_review"
    __table_args__ = (UniqueConstraint("task_id", "round", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    # services.vocabulary.ReviewDecision: pending | approve | return
    decision: Mapped[str] = mapped_column(String(16), default="pending")
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None]


class CalendarDay(Base):
    """A day whose working status was imported from the State Council's holiday notice."""

    __tablename__ = "calendar_day"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(64), default="")


class CalendarYear(Base):
    """A year whose holiday notice was imported by an admin (DESIGN.md §6)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(500), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class PlanChange(Base):
    """A change to an approved annual plan, which takes effect only once reviewed (Art. 11)."""

    __tablename__ = "plan_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id"), index=True)
    # None: the change adds a new entry; otherwise it edits or withdraws this entry
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("plan_entry.id"))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|approved|returned
    proposed_by: Mapped[str] = mapped_column(String(200), default="")
    proposed_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")
