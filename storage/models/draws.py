"""Draws (摇号), teams and the matching of subjects to teams (Art. 13, 14; DESIGN.md §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId


class Draw(Base):
    """One verifiable draw: the committed manifest, the entropy evidence and the result.

    ``result`` is canonical JSON text, stored byte for byte as published; the manifest is in
    ``DrawManifest``.
    """

    __tablename__ = "draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    # subjects | inspectors | experts | matching | replacement
    kind: Mapped[str] = mapped_column(String(24))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    # committed | completed | failed (the inputs admit no result; audited)
    status: Mapped[str] = mapped_column(String(16), default="committed")
    manifest_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    entropy_source: Mapped[dict[str, Any]] = mapped_column(default=dict)
    entropy_evidence: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    result: Mapped[str | None] = mapped_column(Text)
    # counts people read without parsing a manifest of millions of ids: pool per stratum,
    # exclusions per reason, allocation, what was drawn
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("draw.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    committed_by: Mapped[str] = mapped_column(String(200), default="")
    committed_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    completed_at: Mapped[dt.datetime | None]


class DrawManifest(Base):
    """A draw's committed manifest: canonical JSON text, byte for byte as hashed and published.

    Apart from the draw row because SQLite rewrites a whole row on any update, and a subjects
    manifest runs to tens of MB (67 MB for a pool of 6.7 million): completing the draw would
    otherwise copy it again. Written once, never updated.
    """

    __tablename__ = "draw_manifest"

    draw_id: Mapped[int] = mapped_column(ForeignKey("draw.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class TaskSubject(Base):
    """A subject drawn for a task, with its stratum and (after matching) its team.

    ``task_id``, ``subject_id`` and ``draw_id`` carry no foreign-key constraint: PostgreSQL
    checks one row at a time, locking each referenced subject, and that cost 7 s of a
    336,000-subject draw (0.8 s without). The rows are written only by a completed draw, from
    ids of its committed manifest, which was built from these very tables; subjects, tasks and
    draws are never deleted (a directory sync deactivates).
    """

    __tablename__ = "task_subject"
    __table_args__ = (UniqueConstraint("task_id", "subject_id"),)  # also serves task_id lookups

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int]
    subject_id: Mapped[int] = mapped_column(BigId)
    stratum: Mapped[str] = mapped_column(String(8))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    draw_id: Mapped[int]
    visit_order: Mapped[int | None]
    planned_on: Mapped[dt.date | None]


class Team(Base):
    """抽查小组 of a task; its leader is drawn from the lead department's members (Art. 13)."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("task_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    number: Mapped[int]
    leader_inspector_id: Mapped[int | None] = mapped_column(ForeignKey("inspector.id"))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("draw.id"))


class TeamMember(Base):
    """An inspector or expert in a team; a withdrawal keeps the row and records the re-draw."""

    __tablename__ = "team_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("inspector.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"))
    draw_id: Mapped[int] = mapped_column(ForeignKey("draw.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("team_member.id"))
