"""The due times of reminders (issue 12 item 2), pure: a ``WorkingDays`` calendar (official,
with 调休), a ``ReminderPolicy`` (the settings' figures) and the quiet hours. No database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.calendar import WorkingDays
from services.clock import SHANGHAI


def _hm(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


@dataclass(frozen=True)
class ReminderPolicy:
    """Every interval of the reminders; built from the settings in ``bot/container.py``."""

    review_pending_working_days: int = 2
    draw_lead_working_days: int = 5
    schedule_lead_working_days: int = 5
    confirm_working_days: int = 1
    confirm_escalate_working_days: int = 1  # after the member's reminder, the leader's
    inspection_eve_time: dt.time = dt.time(17, 0)
    results_soon_working_days: int = 3
    result_due_working_days: int = 20
    reminder_time: dt.time = dt.time(9, 0)  # day-based reminders go out at this local time
    digest_time: dt.time = dt.time(8, 30)
    record_missing_time: dt.time = dt.time(20, 0)  # a visit day's records are due by then
    correction_time: dt.time = dt.time(9, 0)  # a correction order's deadline day
    quiet_start: dt.time | None = dt.time(21, 0)  # None: no quiet hours
    quiet_end: dt.time | None = dt.time(8, 0)
    plan_reminders_from: str = "11-15"
    plan_submission_deadline: str = "11-30"
    plan_approval_deadline: str = "12-31"
    plan_approval_lead_working_days: int = 5
    timezone: ZoneInfo = SHANGHAI

    @classmethod
    def parse_quiet(cls, text: str) -> tuple[dt.time | None, dt.time | None]:
        """``"21:00-08:00"`` → the two times; an empty text → no quiet hours."""
        if not text.strip():
            return None, None
        start, end = text.split("-")
        return _hm(start.strip()), _hm(end.strip())


# -- due times (pure) ----------------------------------------------------------------------------


def at_local(day: dt.date, time: dt.time, tz: ZoneInfo = SHANGHAI) -> dt.datetime:
    """``day`` at ``time`` in ``tz``, as an aware UTC instant."""
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC)


def out_of_quiet_hours(instant: dt.datetime, policy: ReminderPolicy) -> dt.datetime:
    """``instant``, or the end of the quiet hours it falls in (nothing goes out at night)."""
    start, end = policy.quiet_start, policy.quiet_end
    if start is None or end is None or start == end:
        return instant
    local = instant.astimezone(policy.timezone)
    t = local.timetz().replace(tzinfo=None)
    day = local.date()
    if start > end:  # across midnight, as 21:00-08:00
        if t >= start:
            return at_local(day + dt.timedelta(days=1), end, policy.timezone)
        if t < end:
            return at_local(day, end, policy.timezone)
        return instant
    if start <= t < end:
        return at_local(day, end, policy.timezone)
    return instant


def working_days_before(rules: WorkingDays, day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day before ``day`` (``day`` itself not counted)."""
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if rules.status(day).is_working:
            counted += 1
    return day


def working_days_between(rules: WorkingDays, start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += rules.status(day).is_working
    return count


def review_pending_due(rules: WorkingDays, requested: dt.datetime, policy: ReminderPolicy
                       ) -> dt.datetime:
    """A review asked at ``requested`` is late N working days later, at the same local time."""
    local = requested.astimezone(policy.timezone)
    day = rules.add_working_days(local.date(), policy.review_pending_working_days).due_on
    return out_of_quiet_hours(at_local(day, local.timetz().replace(tzinfo=None),
                                       policy.timezone), policy)


def before_window_due(rules: WorkingDays, window_start: dt.date, working_days: int,
                      policy: ReminderPolicy) -> dt.datetime:
    """``working_days`` before the window opens, at the reminder time."""
    day = working_days_before(rules, window_start, working_days)
    return out_of_quiet_hours(at_local(day, policy.reminder_time, policy.timezone), policy)


def confirm_due(rules: WorkingDays, sent: dt.datetime, policy: ReminderPolicy, *,
                escalated: bool = False) -> dt.datetime:
    """The member's reminder N working days after the schedule was sent, the leader's later."""
    local = sent.astimezone(policy.timezone)
    days = policy.confirm_working_days + (policy.confirm_escalate_working_days if escalated
                                          else 0)
    day = rules.add_working_days(local.date(), days).due_on
    return out_of_quiet_hours(at_local(day, local.timetz().replace(tzinfo=None),
                                       policy.timezone), policy)


def inspection_eve_due(rules: WorkingDays, day: dt.date, policy: ReminderPolicy) -> dt.datetime:
    """The working day before an inspection day, at 17:00 (after a holiday: its eve)."""
    eve = working_days_before(rules, day, 1)
    return out_of_quiet_hours(at_local(eve, policy.inspection_eve_time, policy.timezone), policy)


def results_due_on(rules: WorkingDays, last_visit: dt.date, policy: ReminderPolicy) -> dt.date:
    """Art. 16: results within N working days of the last visit."""
    return rules.add_working_days(last_visit, policy.result_due_working_days).due_on


def results_soon_due(rules: WorkingDays, due_on: dt.date, policy: ReminderPolicy
                     ) -> dt.datetime:
    """N working days before the results are due, at the reminder time."""
    day = working_days_before(rules, due_on, policy.results_soon_working_days)
    return out_of_quiet_hours(at_local(day, policy.reminder_time, policy.timezone), policy)


def record_missing_due(day: dt.date, policy: ReminderPolicy) -> dt.datetime:
    """A visit on ``day`` without a submitted record: that evening at 20:00 (out of the quiet
    hours — with quiet hours from 19:00 it waits for the next morning)."""
    return out_of_quiet_hours(at_local(day, policy.record_missing_time, policy.timezone), policy)


def first_working_day(rules: WorkingDays, day: dt.date) -> dt.date:
    """``day`` when it is a working day, else the next one (a deadline on a holiday runs to the
    first working day after it)."""
    while not rules.status(day).is_working:
        day += dt.timedelta(days=1)
    return day


def correction_due(rules: WorkingDays, deadline: dt.date, policy: ReminderPolicy
                   ) -> dt.datetime:
    """A correction order's deadline has come: that day (the first working day on or after
    it) at the reminder time."""
    return on_day_due(first_working_day(rules, deadline), policy, policy.correction_time)


def on_day_due(day: dt.date, policy: ReminderPolicy, time: dt.time | None = None
               ) -> dt.datetime:
    """``day`` at the reminder time (or ``time``), out of the quiet hours."""
    return out_of_quiet_hours(at_local(day, time or policy.reminder_time, policy.timezone),
                              policy)


def month_day(year: int, text: str) -> dt.date:
    """``"11-15"`` in ``year``."""
    month, day = text.split("-")
    return dt.date(year, int(month), int(day))
