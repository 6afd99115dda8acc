"""The team's schedule and route (Art. 13): the leader proposes, every member confirms.

安排检查日程. The leader of a team proposes a plan — the team's subjects spread over working
days of the task's window (the official calendar with 调休), at most N on-site visits a day,
each day ordered as a short route from the start point (the lead department's office or a
location the leader shares). The leader adjusts it (dates, a subject to another day, the order
of a day, the time the team sets out) and sends it. Every member confirms or refuses with a
reason; when all have confirmed the schedule is fixed. A revision makes a new version: the old
version's answers lapse and a button of the old version changes nothing.

Rules live here: dates are working days inside the window; only the team's leader proposes,
adjusts, sends or revises; only the team's active members answer (a withdrawn member is not
asked, the replacement is); an inspector in two teams on the same day and a subject whose peak
business months include the date are flagged. Every proposal, revision, send, answer and the
fixing are audit events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    Account,
    Department,
    DepartmentOffice,
    Inspector,
    ScheduleAnswer,
    ScheduleDay,
    ScheduleStop,
    Subject,
    Task,
    TaskScheduleSetting,
    TaskSubject,
    Team,
    TeamMember,
    TeamSchedule,
)

from services.actors import Actor
from services.audit import AuditTrail
from services.calendar import CalendarService, WorkingDays
from services.clock import Clock, local_date
from services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from services.geo import Point
from services.routes import order_stops, path_km, spread_over_days, travel_minutes

DEFAULT_MAX_VISITS_PER_DAY = 4
DEFAULT_START_TIME = dt.time(9, 0)
EARLIEST_START = dt.time(6, 0)
LATEST_START = dt.time(20, 0)
MAX_REASON_CHARS = 500
DRAFT, SENT, FIXED, SUPERSEDED = "draft", "sent", "fixed", "superseded"


class NotTeamLeader(Forbidden):
    """Only the team's leader proposes, adjusts, sends or revises its schedule (Art. 13)."""

    key = "schedule-not-leader"


class NotTeamMember(Forbidden):
    """Only the team's active members answer its schedule."""

    key = "schedule-not-member"


class StaleSchedule(DomainError):
    """A button of an old version: that version was revised; nothing changed."""

    key = "schedule-stale"


class WrongScheduleState(DomainError):
    """The schedule is not in the state this action needs (e.g. adjusting a sent one)."""

    key = "schedule-wrong-state"


class AlreadyAnswered(DomainError):
    """The member answered this version already (a second tap changes nothing)."""

    key = "schedule-already-answered"


@dataclass(frozen=True)
class Flag:
    """Something the leader should see before sending: ``kind`` two-teams | peak-month |
    no-location, with the day and who or what it is about."""

    kind: str
    day: dt.date
    name: str
    other: str = ""


@dataclass(frozen=True)
class StopView:
    """A subject on a day, at its place in the route."""

    position: int
    subject_id: int
    name: str
    address: str
    district: str
    location: Point | None


@dataclass(frozen=True)
class DayView:
    """One day: the time the team sets out, the stops in order, kilometres and travel time."""

    day: dt.date
    starts_at: dt.time
    stops: tuple[StopView, ...]
    km: float

    @property
    def travel_minutes(self) -> int:
        """Driving time estimate for the day's route."""
        return travel_minutes(self.km)


@dataclass(frozen=True)
class MemberAnswer:
    """A member asked to confirm, and the answer so far (pending | confirmed | refused)."""

    inspector_id: int
    name: str
    department_name: str
    state: str
    reason: str
    telegram_user_id: int | None
    language: str | None


@dataclass(frozen=True)
class ScheduleView:
    """One version of a team's schedule as people see it."""

    id: int
    task_id: int
    task_code: str
    task_name: str
    team_id: int
    team_number: int
    version: int
    state: str
    start: Point
    start_label: str
    max_visits_per_day: int
    leader_inspector_id: int | None
    leader_name: str
    leader_telegram_user_id: int | None
    leader_language: str | None
    window_start: dt.date
    window_end: dt.date
    days: tuple[DayView, ...]
    answers: tuple[MemberAnswer, ...]
    flags: tuple[Flag, ...]
    status_chat_id: int | None = None
    status_message_id: int | None = None
    working_days: tuple[dt.date, ...] = field(default=())

    @property
    def km(self) -> float:
        """Total kilometres over all days."""
        return sum(d.km for d in self.days)

    @property
    def pending(self) -> tuple[MemberAnswer, ...]:
        """Members who have not answered yet."""
        return tuple(a for a in self.answers if a.state == "pending")

    @property
    def refused(self) -> tuple[MemberAnswer, ...]:
        """Members who cannot take part, with their reasons."""
        return tuple(a for a in self.answers if a.state == "refused")


@dataclass(frozen=True)
class AnswerOutcome:
    """What an answer did: the version after it, and whether it fixed the schedule."""

    view: ScheduleView
    answer: str
    fixed_now: bool


@dataclass(frozen=True)
class TeamScheduleLine:
    """A team of a task and its current schedule version, if any (``schedule show``)."""

    team_id: int
    team_number: int
    schedule: ScheduleView | None


class ScheduleService:
    """Proposals, adjustments, sending, answers and versions of team schedules."""

    def __init__(self, session: AsyncSession, clock: Clock,
                 default_max_visits_per_day: int = DEFAULT_MAX_VISITS_PER_DAY, *,
                 calendar: CalendarService | None = None) -> None:
        self._session = session
        self._clock = clock
        self._default_max = default_max_visits_per_day
        self._audit = AuditTrail(session, clock)
        self._calendar = calendar or CalendarService(session, clock)

    # -- settings ------------------------------------------------------------------------------

    async def set_office(self, department_code: str, latitude: float, longitude: float,
                         address: str, actor: Actor) -> None:
        """The department's office (WGS-84): the default start of its teams' day routes (its
        admin, the organiser or the system)."""
        actor.require_department(department_code, "set-office", organiser_too=True)
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationFailed("schedule-bad-coordinates", lat=latitude, lon=longitude)
        department = await self._session.scalar(
            select(Department).where(Department.code == department_code))
        if department is None:
            raise NotFound("schedule-department-not-found", code=department_code)
        office = await self._session.get(DepartmentOffice, department.id)
        if office is None:
            office = DepartmentOffice(department_id=department.id, latitude=latitude,
                                      longitude=longitude, address=address)
            self._session.add(office)
        else:
            office.latitude, office.longitude, office.address = latitude, longitude, address
        await self._audit.record(actor, "department.office_set", "department", department.id,
                                 {"code": department_code, "latitude": latitude,
                                  "longitude": longitude, "address": address})
        await self._session.commit()

    async def set_max_visits(self, task_id: int, per_day: int, actor: Actor) -> None:
        """The task's cap of on-site visits per team per day (the lead department's admin,
        the organiser or the system)."""
        if not 1 <= per_day <= 20:
            raise ValidationFailed("schedule-max-per-day", value=per_day)
        task = await self._session.get(Task, task_id)
        if task is None:
            raise NotFound("task-not-found", id=task_id)
        lead = await self._session.get(Department, task.lead_department_id)
        actor.require_department(lead.code if lead else "-", "set-max-visits",
                                 organiser_too=True)
        setting = await self._session.get(TaskScheduleSetting, task_id)
        if setting is None:
            self._session.add(TaskScheduleSetting(task_id=task_id, max_visits_per_day=per_day))
        else:
            setting.max_visits_per_day = per_day
        await self._audit.record(actor, "task.max_visits_set", "task", task_id,
                                 {"max_visits_per_day": per_day})
        await self._session.commit()

    async def _max_visits(self, task_id: int) -> int:
        setting = await self._session.get(TaskScheduleSetting, task_id)
        return setting.max_visits_per_day if setting else self._default_max

    # -- reading -------------------------------------------------------------------------------

    async def _team(self, team_id: int) -> tuple[Team, Task]:
        team = await self._session.get(Team, team_id)
        if team is None:
            raise NotFound("schedule-team-not-found", id=team_id)
        task = await self._session.get(Task, team.task_id)
        assert task is not None  # a team always belongs to a task
        return team, task

    async def team_id(self, task_id: int, team_number: int) -> int:
        """The id of team ``team_number`` of a task."""
        team_id = await self._session.scalar(
            select(Team.id).where(Team.task_id == task_id, Team.number == team_number))
        if team_id is None:
            raise NotFound("schedule-team-not-found", id=f"{task_id}/{team_number}")
        return int(team_id)

    async def _latest(self, team_id: int, *, lock: bool = False) -> TeamSchedule | None:
        stmt = (select(TeamSchedule).where(TeamSchedule.team_id == team_id)
                .order_by(TeamSchedule.version.desc()).limit(1))
        if lock:
            stmt = stmt.with_for_update()
        return await self._session.scalar(stmt)

    async def _row(self, schedule_id: int, *, lock: bool = False) -> TeamSchedule:
        stmt = select(TeamSchedule).where(TeamSchedule.id == schedule_id)
        if lock:
            stmt = stmt.with_for_update()
        row = await self._session.scalar(stmt)
        if row is None:
            raise NotFound("schedule-not-found", id=schedule_id)
        return row

    async def current(self, team_id: int) -> ScheduleView | None:
        """The team's latest version, or None before the leader proposes one."""
        row = await self._latest(team_id)
        return await self._view(row) if row else None

    async def get(self, schedule_id: int) -> ScheduleView:
        """One version."""
        return await self._view(await self._row(schedule_id))

    async def for_task(self, task_id: int, team_number: int | None = None
                       ) -> list[TeamScheduleLine]:
        """Every team of a task (or one) with its current version."""
        stmt = select(Team).where(Team.task_id == task_id).order_by(Team.number)
        if team_number is not None:
            stmt = stmt.where(Team.number == team_number)
        teams = (await self._session.scalars(stmt)).all()
        if team_number is not None and not teams:
            raise NotFound("schedule-team-not-found", id=f"{task_id}/{team_number}")
        return [TeamScheduleLine(t.id, t.number, await self.current(t.id)) for t in teams]

    async def _members(self, team: Team) -> list[tuple[Inspector, Department | None]]:
        """The team's active inspectors, the leader included."""
        rows = (await self._session.execute(
            select(Inspector, Department)
            .join(TeamMember, TeamMember.inspector_id == Inspector.id)
            .outerjoin(Department, Department.id == Inspector.department_id)
            .where(TeamMember.team_id == team.id, TeamMember.active.is_(True))
            .order_by(Department.code, Inspector.name, Inspector.id)
        )).all()
        return [(inspector, department) for inspector, department in rows]

    async def _accounts(self, inspector_ids: Sequence[int]) -> dict[int, Account]:
        if not inspector_ids:
            return {}
        rows = (await self._session.scalars(
            select(Account).where(Account.inspector_id.in_(inspector_ids),
                                  Account.active.is_(True)))).all()
        return {a.inspector_id: a for a in rows if a.inspector_id is not None}

    async def _view(self, row: TeamSchedule) -> ScheduleView:
        team, task = await self._team(row.team_id)
        days = (await self._session.scalars(
            select(ScheduleDay).where(ScheduleDay.schedule_id == row.id)
            .order_by(ScheduleDay.day))).all()
        stops = (await self._session.execute(
            select(ScheduleStop, Subject).join(Subject, Subject.id == ScheduleStop.subject_id)
            .where(ScheduleStop.schedule_id == row.id)
            .order_by(ScheduleStop.day, ScheduleStop.position))).all()
        start = Point(row.start_latitude, row.start_longitude)
        by_day: dict[dt.date, list[StopView]] = {d.day: [] for d in days}
        flags: list[Flag] = []
        for stop, subject in stops:
            location = (Point(subject.latitude, subject.longitude)
                        if subject.latitude is not None and subject.longitude is not None
                        else None)
            by_day.setdefault(stop.day, []).append(StopView(
                position=len(by_day.get(stop.day, [])) + 1, subject_id=subject.id,
                name=subject.name, address=subject.address, district=subject.district,
                location=location))
            if stop.day.month in (subject.peak_months or []):
                flags.append(Flag("peak-month", stop.day, subject.name))
            if location is None:
                flags.append(Flag("no-location", stop.day, subject.name))
        day_views = []
        for d in days:
            located = [s.location for s in by_day.get(d.day, []) if s.location is not None]
            day_views.append(DayView(d.day, d.starts_at, tuple(by_day.get(d.day, [])),
                                     path_km(start, located, range(len(located)))))
        members = await self._members(team)
        accounts = await self._accounts([i.id for i, _ in members])
        answers = {a.inspector_id: a for a in (await self._session.scalars(
            select(ScheduleAnswer).where(ScheduleAnswer.schedule_id == row.id))).all()}
        member_answers = []
        leader_name = ""
        for inspector, department in members:
            if inspector.id == team.leader_inspector_id:
                leader_name = inspector.name
                continue
            answer = answers.get(inspector.id)
            account = accounts.get(inspector.id)
            member_answers.append(MemberAnswer(
                inspector_id=inspector.id, name=inspector.name,
                department_name=department.name_zh if department else "",
                state=answer.answer if answer else "pending",
                reason=answer.reason if answer else "",
                telegram_user_id=account.telegram_user_id if account else None,
                language=account.language if account else None))
        flags.extend(await self._two_team_flags(row, team, [d.day for d in days], members))
        leader_account = (accounts.get(team.leader_inspector_id)
                          if team.leader_inspector_id else None)
        rules = await self._calendar.rules_for(task.window_start, task.window_end)
        return ScheduleView(
            id=row.id, task_id=task.id, task_code=task.code, task_name=task.name,
            team_id=team.id, team_number=team.number, version=row.version, state=row.state,
            start=start, start_label=row.start_label,
            max_visits_per_day=row.max_visits_per_day,
            leader_inspector_id=team.leader_inspector_id, leader_name=leader_name,
            leader_telegram_user_id=leader_account.telegram_user_id if leader_account else None,
            leader_language=leader_account.language if leader_account else None,
            window_start=task.window_start, window_end=task.window_end,
            days=tuple(day_views), answers=tuple(member_answers),
            flags=tuple(sorted(flags, key=lambda f: (f.day, f.kind, f.name))),
            status_chat_id=row.status_chat_id, status_message_id=row.status_message_id,
            working_days=tuple(self._working_days(rules, task)),
        )

    async def _two_team_flags(self, row: TeamSchedule, team: Team, days: Sequence[dt.date],
                              members: Sequence[tuple[Inspector, Department | None]]
                              ) -> list[Flag]:
        """Members of this team who are also out with another team on one of its days."""
        if not days or not members:
            return []
        names = {i.id: i.name for i, _ in members}
        rows = (await self._session.execute(
            select(TeamMember.inspector_id, ScheduleDay.day, Team.number, Task.code)
            .join(TeamSchedule, TeamSchedule.team_id == TeamMember.team_id)
            .join(ScheduleDay, ScheduleDay.schedule_id == TeamSchedule.id)
            .join(Team, Team.id == TeamSchedule.team_id)
            .join(Task, Task.id == Team.task_id)
            .where(TeamMember.inspector_id.in_(list(names)), TeamMember.active.is_(True),
                   TeamMember.team_id != team.id, TeamSchedule.state != SUPERSEDED,
                   ScheduleDay.day.in_(list(days)))
        )).all()
        return [Flag("two-teams", day, names.get(inspector_id or 0, ""), f"{code} #{number}")
                for inspector_id, day, number, code in rows]

    # -- the leader ----------------------------------------------------------------------------

    async def _leader_check(self, team: Team, actor: Actor) -> None:
        actor_inspector_id = actor.inspector_id
        if actor_inspector_id is None or team.leader_inspector_id != actor_inspector_id:
            raise NotTeamLeader(team=team.number)
        active = await self._session.scalar(
            select(TeamMember.id).where(TeamMember.team_id == team.id,
                                        TeamMember.inspector_id == actor_inspector_id,
                                        TeamMember.active.is_(True)))
        if active is None:
            raise NotTeamLeader(team=team.number)

    def _working_days(self, rules: WorkingDays, task: Task) -> list[dt.date]:
        """The window's working days from tomorrow on (Asia/Shanghai)."""
        first = max(task.window_start, local_date(self._clock()) + dt.timedelta(days=1))
        days = []
        day = first
        while day <= task.window_end:
            if rules.status(day).is_working:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    async def _start_point(self, task: Task, start: Point | None, label: str
                           ) -> tuple[Point, str]:
        if start is not None:
            if not (-90 <= start.lat <= 90 and -180 <= start.lon <= 180):
                raise ValidationFailed("schedule-bad-coordinates", lat=start.lat, lon=start.lon)
            return start, label or "shared-location"
        office = await self._session.get(DepartmentOffice, task.lead_department_id)
        if office is None:
            department = await self._session.get(Department, task.lead_department_id)
            raise ValidationFailed("schedule-no-office",
                                   department=department.code if department else "")
        return Point(office.latitude, office.longitude), office.address or "office"

    async def propose(self, team_id: int, actor: Actor,
                      start: Point | None = None, start_label: str = "") -> ScheduleView:
        """The leader's proposal: version 1, or the draft generated again (not once sent)."""
        team, task = await self._team(team_id)
        await self._leader_check(team, actor)
        latest = await self._latest(team_id, lock=True)
        if latest is not None and latest.state != DRAFT:
            raise WrongScheduleState("schedule-use-revise", state=latest.state)
        point, label = await self._start_point(task, start, start_label)
        per_day = await self._max_visits(task.id)
        subjects = (await self._session.scalars(
            select(Subject).join(TaskSubject, TaskSubject.subject_id == Subject.id)
            .where(TaskSubject.team_id == team.id).order_by(Subject.id))).all()
        if not subjects:
            raise ValidationFailed("schedule-no-subjects", team=team.number)
        rules = await self._calendar.rules_for(task.window_start, task.window_end)
        working = self._working_days(rules, task)
        located = [s for s in subjects if s.latitude is not None and s.longitude is not None]
        unlocated = [s for s in subjects if s.latitude is None or s.longitude is None]
        plans = spread_over_days(point, [Point(s.latitude, s.longitude) for s in located
                                         if s.latitude is not None and s.longitude is not None],
                                 working, per_day)
        day_subjects = [[located[i].id for i in p.stops] for p in plans]
        # subjects without coordinates go last, where a day has room (flagged in the view)
        for subject in unlocated:
            room = next((k for k, ids in enumerate(day_subjects) if len(ids) < per_day), None)
            if room is None:
                if len(day_subjects) >= len(working):
                    raise ValidationFailed("schedule-window-too-short", subjects=len(subjects),
                                           days=len(working), per_day=per_day)
                day_subjects.append([])
                room = len(day_subjects) - 1
            day_subjects[room].append(subject.id)
        if latest is None:
            row = TeamSchedule(team_id=team.id, task_id=task.id, version=1, state=DRAFT,
                               start_latitude=point.lat, start_longitude=point.lon,
                               start_label=label, max_visits_per_day=per_day,
                               created_by=actor.label)
            self._session.add(row)
            await self._session.flush()
        else:
            row = latest
            row.start_latitude, row.start_longitude, row.start_label = point.lat, point.lon, label
            row.max_visits_per_day = per_day
            await self._session.execute(delete(ScheduleStop).where(
                ScheduleStop.schedule_id == row.id))
            await self._session.execute(delete(ScheduleDay).where(
                ScheduleDay.schedule_id == row.id))
        for k, ids in enumerate(day_subjects):
            self._session.add(ScheduleDay(schedule_id=row.id, day=working[k],
                                          starts_at=DEFAULT_START_TIME))
            for position, subject_id in enumerate(ids, start=1):
                self._session.add(ScheduleStop(schedule_id=row.id, subject_id=subject_id,
                                               day=working[k], position=position))
        await self._session.flush()
        view = await self._view(row)
        await self._audit.record(actor, "schedule.proposed", "team_schedule", row.id, {
            "task": task.code, "team": team.number, "version": row.version,
            "start": [point.lat, point.lon], "max_visits_per_day": per_day,
            "days": {d.day.isoformat(): [s.subject_id for s in d.stops] for d in view.days},
        })
        await self._session.commit()
        return view

    async def _draft_for_leader(self, schedule_id: int, actor: Actor
                                ) -> tuple[TeamSchedule, Team, Task]:
        row = await self._row(schedule_id, lock=True)
        team, task = await self._team(row.team_id)
        await self._leader_check(team, actor)
        latest = await self._latest(team.id)
        if latest is not None and latest.id != row.id:
            raise StaleSchedule(version=row.version, current=latest.version)
        if row.state != DRAFT:
            raise WrongScheduleState("schedule-not-draft", state=row.state)
        return row, team, task

    async def _check_day(self, task: Task, day: dt.date) -> None:
        if not task.window_start <= day <= task.window_end:
            raise ValidationFailed("schedule-outside-window", day=day.isoformat(),
                                   start=task.window_start.isoformat(),
                                   end=task.window_end.isoformat())
        if day <= local_date(self._clock()):
            raise ValidationFailed("schedule-day-past", day=day.isoformat())
        if not (await self._calendar.day(day)).is_working:
            raise ValidationFailed("schedule-not-working-day", day=day.isoformat())

    async def _stops_of(self, schedule_id: int, day: dt.date) -> list[ScheduleStop]:
        return list((await self._session.scalars(
            select(ScheduleStop).where(ScheduleStop.schedule_id == schedule_id,
                                       ScheduleStop.day == day)
            .order_by(ScheduleStop.position))).all())

    async def _reroute(self, row: TeamSchedule, day: dt.date) -> None:
        """Order one day again as the shortest route (stops without coordinates last)."""
        stops = await self._stops_of(row.id, day)
        subjects = {s.id: s for s in (await self._session.scalars(
            select(Subject).where(Subject.id.in_([x.subject_id for x in stops])))).all()}
        located = [x for x in stops if subjects[x.subject_id].latitude is not None
                   and subjects[x.subject_id].longitude is not None]
        rest = [x for x in stops if x not in located]
        points = [Point(float(subjects[x.subject_id].latitude or 0),
                        float(subjects[x.subject_id].longitude or 0)) for x in located]
        order = order_stops(Point(row.start_latitude, row.start_longitude), points).order
        for position, stop in enumerate([located[i] for i in order] + rest, start=1):
            stop.position = position

    async def _adjusted(self, row: TeamSchedule, actor: Actor, change: dict[str, object]
                        ) -> ScheduleView:
        await self._session.flush()
        await self._audit.record(actor, "schedule.adjusted", "team_schedule", row.id,
                                 {"version": row.version, **change})
        await self._session.commit()
        return await self._view(row)

    async def move_subject(self, schedule_id: int, actor: Actor,
                           subject_id: int, day: dt.date) -> ScheduleView:
        """Move a subject to another day (a day of the plan or a new working day); both days
        are routed again."""
        row, _team, task = await self._draft_for_leader(schedule_id, actor)
        stop = await self._session.scalar(select(ScheduleStop).where(
            ScheduleStop.schedule_id == row.id, ScheduleStop.subject_id == subject_id))
        if stop is None:
            raise NotFound("schedule-stop-not-found", id=subject_id)
        if stop.day == day:
            return await self._view(row)
        await self._check_day(task, day)
        if len(await self._stops_of(row.id, day)) >= row.max_visits_per_day:
            raise ValidationFailed("schedule-day-full", day=day.isoformat(),
                                   per_day=row.max_visits_per_day)
        old_day = stop.day
        existing = await self._session.scalar(select(ScheduleDay).where(
            ScheduleDay.schedule_id == row.id, ScheduleDay.day == day))
        if existing is None:
            self._session.add(ScheduleDay(schedule_id=row.id, day=day,
                                          starts_at=DEFAULT_START_TIME))
        stop.day = day
        stop.position = 10_000  # last until routed
        await self._session.flush()
        await self._reroute(row, day)
        if await self._stops_of(row.id, old_day):
            await self._reroute(row, old_day)
        else:
            await self._session.execute(delete(ScheduleDay).where(
                ScheduleDay.schedule_id == row.id, ScheduleDay.day == old_day))
        return await self._adjusted(row, actor, {"move": subject_id, "from": old_day.isoformat(),
                                                 "to": day.isoformat()})

    async def move_day(self, schedule_id: int, actor: Actor,
                       day: dt.date, to: dt.date) -> ScheduleView:
        """Put a whole day of the plan on another working day of the window."""
        row, _team, task = await self._draft_for_leader(schedule_id, actor)
        current = await self._session.scalar(select(ScheduleDay).where(
            ScheduleDay.schedule_id == row.id, ScheduleDay.day == day))
        if current is None:
            raise NotFound("schedule-day-not-found", day=day.isoformat())
        if day == to:
            return await self._view(row)
        await self._check_day(task, to)
        taken = await self._session.scalar(select(ScheduleDay.id).where(
            ScheduleDay.schedule_id == row.id, ScheduleDay.day == to))
        if taken is not None:
            raise ValidationFailed("schedule-day-taken", day=to.isoformat())
        current.day = to
        for stop in await self._stops_of(row.id, day):
            stop.day = to
        return await self._adjusted(row, actor, {"day": day.isoformat(), "to": to.isoformat()})

    async def move_earlier(self, schedule_id: int, actor: Actor,
                           subject_id: int) -> ScheduleView:
        """Visit a subject one place earlier in its day (the first goes last)."""
        row, _team, _task = await self._draft_for_leader(schedule_id, actor)
        stop = await self._session.scalar(select(ScheduleStop).where(
            ScheduleStop.schedule_id == row.id, ScheduleStop.subject_id == subject_id))
        if stop is None:
            raise NotFound("schedule-stop-not-found", id=subject_id)
        order = [s.subject_id for s in await self._stops_of(row.id, stop.day)]
        k = order.index(subject_id)
        if k == 0:
            order = order[1:] + order[:1]
        else:
            order[k - 1], order[k] = order[k], order[k - 1]
        return await self._reorder(row, actor, stop.day, order)

    async def reorder(self, schedule_id: int, actor: Actor,
                      day: dt.date, subject_ids: Sequence[int]) -> ScheduleView:
        """Set a day's visiting order by hand (the subjects of that day, each once)."""
        row, _team, _task = await self._draft_for_leader(schedule_id, actor)
        return await self._reorder(row, actor, day, subject_ids)

    async def _reorder(self, row: TeamSchedule, actor: Actor, day: dt.date,
                       subject_ids: Sequence[int]) -> ScheduleView:
        stops = {s.subject_id: s for s in await self._stops_of(row.id, day)}
        if sorted(stops) != sorted(subject_ids) or len(set(subject_ids)) != len(subject_ids):
            raise ValidationFailed("schedule-bad-order", day=day.isoformat())
        for position, subject_id in enumerate(subject_ids, start=1):
            stops[subject_id].position = position
        return await self._adjusted(row, actor, {"day": day.isoformat(),
                                                 "order": list(subject_ids)})

    async def set_start_time(self, schedule_id: int, actor: Actor, day: dt.date,
                             starts_at: dt.time) -> ScheduleView:
        """The time the team sets out on a day (06:00–20:00)."""
        row, _team, _task = await self._draft_for_leader(schedule_id, actor)
        if not EARLIEST_START <= starts_at <= LATEST_START:
            raise ValidationFailed("schedule-bad-time", time=starts_at.strftime("%H:%M"))
        current = await self._session.scalar(select(ScheduleDay).where(
            ScheduleDay.schedule_id == row.id, ScheduleDay.day == day))
        if current is None:
            raise NotFound("schedule-day-not-found", day=day.isoformat())
        current.starts_at = starts_at
        return await self._adjusted(row, actor, {"day": day.isoformat(),
                                                 "starts_at": starts_at.strftime("%H:%M")})

    async def send(self, schedule_id: int, actor: Actor
                   ) -> ScheduleView:
        """Send the draft to the team: every active member other than the leader is asked."""
        row, team, task = await self._draft_for_leader(schedule_id, actor)
        for day in (await self._session.scalars(select(ScheduleDay.day).where(
                ScheduleDay.schedule_id == row.id))).all():
            await self._check_day(task, day)  # a draft kept past one of its days
        row.state = SENT
        row.sent_at = self._clock()
        await self._session.flush()
        view = await self._view(row)
        await self._audit.record(actor, "schedule.sent", "team_schedule", row.id, {
            "task": task.code, "team": team.number, "version": row.version,
            "asked": [a.inspector_id for a in view.answers],
            "flags": [[f.kind, f.day.isoformat(), f.name, f.other] for f in view.flags],
        })
        if not view.answers:  # a team of one: nobody to ask
            await self._fix(row, actor, view)
            view = await self._view(row)
        await self._session.commit()
        return view

    async def revise(self, schedule_id: int, actor: Actor
                     ) -> ScheduleView:
        """A new version (a draft copy) of a sent or fixed schedule; the old one's answers
        lapse and its buttons change nothing from now on."""
        row = await self._row(schedule_id, lock=True)
        team, task = await self._team(row.team_id)
        await self._leader_check(team, actor)
        latest = await self._latest(team.id)
        if latest is not None and latest.id != row.id:
            raise StaleSchedule(version=row.version, current=latest.version)
        if row.state == DRAFT:
            raise WrongScheduleState("schedule-not-sent", state=row.state)
        new = TeamSchedule(team_id=team.id, task_id=task.id, version=row.version + 1,
                           state=DRAFT, start_latitude=row.start_latitude,
                           start_longitude=row.start_longitude, start_label=row.start_label,
                           max_visits_per_day=row.max_visits_per_day,
                           created_by=actor.label)
        self._session.add(new)
        await self._session.flush()
        for day in (await self._session.scalars(select(ScheduleDay).where(
                ScheduleDay.schedule_id == row.id))).all():
            self._session.add(ScheduleDay(schedule_id=new.id, day=day.day,
                                          starts_at=day.starts_at))
        for stop in (await self._session.scalars(select(ScheduleStop).where(
                ScheduleStop.schedule_id == row.id))).all():
            self._session.add(ScheduleStop(schedule_id=new.id, subject_id=stop.subject_id,
                                           day=stop.day, position=stop.position))
        old_answers = (await self._session.scalars(select(ScheduleAnswer).where(
            ScheduleAnswer.schedule_id == row.id))).all()
        previous_state = row.state
        row.state = SUPERSEDED
        await self._session.flush()
        await self._audit.record(actor, "schedule.revised", "team_schedule", new.id, {
            "task": task.code, "team": team.number, "version": new.version,
            "supersedes": row.id, "previous_state": previous_state,
            "lapsed": {str(a.inspector_id): a.answer for a in old_answers},
        })
        await self._session.commit()
        return await self._view(new)

    async def to_remind(self, schedule_id: int, actor: Actor
                        ) -> ScheduleView:
        """The sent version whose members who have not answered the leader asks again (a
        replacement drawn after sending is among them)."""
        row = await self._row(schedule_id)
        team, _task = await self._team(row.team_id)
        await self._leader_check(team, actor)
        latest = await self._latest(team.id)
        if latest is not None and latest.id != row.id:
            raise StaleSchedule(version=row.version, current=latest.version)
        if row.state != SENT:
            raise WrongScheduleState("schedule-not-sent", state=row.state)
        return await self._view(row)

    async def set_status_message(self, schedule_id: int, chat_id: int, message_id: int
                                 ) -> None:
        """Where the leader's status message is, to edit it in place as members answer."""
        row = await self._row(schedule_id, lock=True)
        row.status_chat_id, row.status_message_id = chat_id, message_id
        await self._session.commit()

    # -- the members ---------------------------------------------------------------------------

    async def _answer_checks(self, schedule_id: int, actor: Actor, *,
                             lock: bool = False) -> tuple[TeamSchedule, Team, Task]:
        actor_inspector_id = actor.inspector_id
        row = await self._row(schedule_id, lock=lock)
        team, task = await self._team(row.team_id)
        members = {i.id for i, _ in await self._members(team)}
        if (actor_inspector_id is None or actor_inspector_id not in members
                or actor_inspector_id == team.leader_inspector_id):
            raise NotTeamMember(team=team.number)
        latest = await self._latest(team.id)
        if row.state == SUPERSEDED or (latest is not None and latest.id != row.id):
            raise StaleSchedule(version=row.version,
                                current=latest.version if latest else row.version)
        if row.state == DRAFT:
            raise WrongScheduleState("schedule-not-sent", state=row.state)
        existing = await self._session.scalar(select(ScheduleAnswer).where(
            ScheduleAnswer.schedule_id == row.id,
            ScheduleAnswer.inspector_id == actor_inspector_id))
        if existing is not None:
            raise AlreadyAnswered(answer=existing.answer, version=row.version)
        return row, team, task

    async def may_answer(self, schedule_id: int, actor: Actor
                         ) -> ScheduleView:
        """The version a member is about to answer; raises what ``answer`` would refuse."""
        row, _team, _task = await self._answer_checks(schedule_id, actor)
        return await self._view(row)

    async def answer(self, schedule_id: int, actor: Actor,
                     confirm: bool, reason: str = "") -> AnswerOutcome:
        """A member confirms or refuses (with a reason) one version of the schedule."""
        row, team, task = await self._answer_checks(schedule_id, actor, lock=True)
        reason = " ".join(reason.split())
        if not confirm and not reason:
            raise ValidationFailed("schedule-reason-required")
        if len(reason) > MAX_REASON_CHARS:
            raise ValidationFailed("schedule-reason-too-long", limit=MAX_REASON_CHARS)
        word = "confirmed" if confirm else "refused"
        self._session.add(ScheduleAnswer(schedule_id=row.id, inspector_id=actor.inspector_id,
                                         answer=word, reason=reason,
                                         answered_at=self._clock()))
        await self._session.flush()
        await self._audit.record(actor, f"schedule.{word}", "team_schedule", row.id, {
            "task": task.code, "team": team.number, "version": row.version,
            "inspector": actor.inspector_id, **({"reason": reason} if reason else {}),
        })
        view = await self._view(row)
        fixed_now = False
        if confirm and row.state == SENT and all(a.state == "confirmed" for a in view.answers):
            await self._fix(row, actor, view)
            fixed_now = True
            view = await self._view(row)
        await self._session.commit()
        return AnswerOutcome(view, word, fixed_now)

    async def _fix(self, row: TeamSchedule, actor: Actor, view: ScheduleView) -> None:
        row.state = FIXED
        row.fixed_at = self._clock()
        await self._session.flush()
        await self._audit.record(actor, "schedule.fixed", "team_schedule", row.id, {
            "task": view.task_code, "team": view.team_number, "version": row.version,
            "confirmed_by": [a.inspector_id for a in view.answers],
            "days": {d.day.isoformat(): [s.subject_id for s in d.stops] for d in view.days},
        })

