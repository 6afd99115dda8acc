"""Check records with evidence, the team's final result and referrals (Art. 13, 15-17, 19).

检查记录: one per subject × item × department; draft → submitted (locked); a later correction
is an amendment kept beside the original. 证据: the files (content-addressed in the file store)
and where each came from. 抽查检查结果: the team's final result per subject. 告知 / 移送: the
referrals and transfers of findings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId


class CheckRecord(Base):
    """检查记录 of one department for one item at one subject of a task."""

    __tablename__ = "check_record"
    __table_args__ = (UniqueConstraint("task_id", "subject_id", "item_code", "department_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    subject_id: Mapped[int] = mapped_column(BigId, index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    # draft | submitted
    state: Mapped[str] = mapped_column(String(16), default="draft")
    methods: Mapped[list[str]] = mapped_column(default=list)
    # the item's checklist points when the record was opened, and the answers by position:
    # [{"answer": "yes" | "no" | "na" | null, "note": ""}, ...]
    checklist: Mapped[list[str]] = mapped_column(default=list)
    answers: Mapped[list[Any]] = mapped_column(default=list)
    findings: Mapped[str] = mapped_column(Text, default="")
    disposal: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # the last location shared in the record (WGS-84), its accuracy and kind (live | pin)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_accuracy_m: Mapped[float | None] = mapped_column(Float)
    location_live: Mapped[bool | None] = mapped_column(Boolean)
    location_at: Mapped[dt.datetime | None]
    location_distance_m: Mapped[float | None] = mapped_column(Float)
    location_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_by_inspector_id: Mapped[int] = mapped_column(ForeignKey("inspector.id"))
    submitted_by_inspector_id: Mapped[int | None] = mapped_column(ForeignKey("inspector.id"))
    submitted_at: Mapped[dt.datetime | None]
    cosigned_by_inspector_id: Mapped[int | None] = mapped_column(ForeignKey("inspector.id"))
    cosigned_at: Mapped[dt.datetime | None]
    amendments: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class RecordAmendment(Base):
    """A correction of a submitted record: the reason, the content before and after."""

    __tablename__ = "record_amendment"
    __table_args__ = (UniqueConstraint("record_id", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("check_record.id"), index=True)
    number: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    by_inspector_id: Mapped[int] = mapped_column(ForeignKey("inspector.id"))
    at: Mapped[dt.datetime]


class Evidence(Base):
    """One piece of evidence of a record: a file in the store and where it came from.

    The same file (SHA-256) in one record is recorded once; in two records it is two rows and
    one stored file.
    """

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("record_id", "sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("check_record.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(100))
    # photo (recompressed by Telegram, no EXIF) | document (the original bytes)
    sent_as: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(300), default="")
    file_unique_id: Mapped[str] = mapped_column(String(100), default="")
    media_group_id: Mapped[str | None] = mapped_column(String(100))
    message_at: Mapped[dt.datetime | None]  # the message's date, from Telegram's server
    received_at: Mapped[dt.datetime]  # our server's time
    exif_taken_at: Mapped[str | None] = mapped_column(String(32))  # as the camera wrote it
    exif_latitude: Mapped[float | None] = mapped_column(Float)
    exif_longitude: Mapped[float | None] = mapped_column(Float)
    uploaded_by_inspector_id: Mapped[int] = mapped_column(ForeignKey("inspector.id"))


class FinalResult(Base):
    """抽查检查结果: the team's final result for one subject, entered by the leader (Art. 13)."""

    __tablename__ = "final_result"
    __table_args__ = (UniqueConstraint("task_id", "subject_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    subject_id: Mapped[int] = mapped_column(BigId)
    categories: Mapped[list[str]] = mapped_column(default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    disposals: Mapped[list[str]] = mapped_column(default=list)
    disposal_other: Mapped[str] = mapped_column(Text, default="")
    correction_due_on: Mapped[dt.date | None] = mapped_column(Date)
    check_date: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    due_assumed_years: Mapped[list[int]] = mapped_column(default=list)
    entered_on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by_inspector_id: Mapped[int] = mapped_column(ForeignKey("inspector.id"))
    entered_at: Mapped[dt.datetime]
    revisions: Mapped[int] = mapped_column(Integer, default=0)


class Referral(Base):
    """告知 / 移送: a finding referred to a department, its case unit or judicial organs."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    subject_id: Mapped[int] = mapped_column(BigId)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("check_record.id"))
    result_id: Mapped[int | None] = mapped_column(ForeignKey("final_result.id"))
    kind: Mapped[str] = mapped_column(String(16))  # inform | case_unit | judicial
    from_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    organ: Mapped[str] = mapped_column(String(300), default="")
    transferred_on: Mapped[dt.date | None] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(100), default="")
    finding: Mapped[str] = mapped_column(Text, default="")
    # sent (waiting for the department's acknowledgement) | acknowledged | transferred
    state: Mapped[str] = mapped_column(String(16))
    created_by_inspector_id: Mapped[int] = mapped_column(ForeignKey("inspector.id"))
    created_at: Mapped[dt.datetime]
    acknowledged_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    acknowledged_at: Mapped[dt.datetime | None]
