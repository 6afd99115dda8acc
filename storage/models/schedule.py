"""The team's schedule and route (Art. 13): versions, days, stops and members' confirmations.

A schedule is kept per team as numbered versions: the leader's proposal is version 1; a
revision makes the next version (copying the days and stops) and supersedes the old one, whose
confirmations lapse with it. Department offices (the default start point of a day's route) and
the task's cap of on-site visits a day are settings kept here too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, String, Text, Time, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId


class DepartmentOffice(Base):
    """A department's office: where its teams' day routes start unless the leader says else."""

    __tablename__ = "department_office"

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True,
                                               autoincrement=False)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class TaskScheduleSetting(Base):
    """A task's cap of on-site visits per team per day (default from configuration)."""

    __tablename__ = "task_schedule_setting"

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), primary_key=True,
                                         autoincrement=False)
    max_visits_per_day: Mapped[int]


class TeamSchedule(Base):
    """One version of a team's schedule: draft → sent → fixed, or superseded by a revision."""

    __tablename__ = "team_schedule"
    __table_args__ = (UniqueConstraint("team_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    version: Mapped[int]
    # draft | sent | fixed | superseded
    state: Mapped[str] = mapped_column(String(16), default="draft")
    start_latitude: Mapped[float] = mapped_column(Float)
    start_longitude: Mapped[float] = mapped_column(Float)
    start_label: Mapped[str] = mapped_column(String(200), default="")
    max_visits_per_day: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[dt.datetime | None]
    fixed_at: Mapped[dt.datetime | None]
    # the leader's status message, edited in place as members answer (chat id, message id)
    status_chat_id: Mapped[int | None] = mapped_column(BigId)
    status_message_id: Mapped[int | None]


class ScheduleDay(Base):
    """One day of a schedule version and the time the team sets out."""

    __tablename__ = "schedule_day"
    __table_args__ = (UniqueConstraint("schedule_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("team_schedule.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.time] = mapped_column(Time)


class ScheduleStop(Base):
    """A subject visited on a day of a schedule version, at its place in the day's route."""

    __tablename__ = "schedule_stop"
    __table_args__ = (UniqueConstraint("schedule_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("team_schedule.id"), index=True)
    subject_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[dt.date] = mapped_column(Date)
    position: Mapped[int]


class ScheduleAnswer(Base):
    """A member's answer to one schedule version: confirmed, or refused with a reason."""

    __tablename__ = "schedule_answer"
    __table_args__ = (UniqueConstraint("schedule_id", "inspector_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("team_schedule.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("inspector.id"))
    # confirmed | refused
    answer: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime]
