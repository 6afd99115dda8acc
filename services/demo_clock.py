"""The sandbox's demo clock (issue 12 item 6): a clock whose offset can be moved while the demo
runs, so the bot, the worker and the web server of ``jointcheck demo`` (one process, one clock
object shared by their containers) jump ahead together — to a deadline, to the next working
day's digest. ``JOINTCHECK_CLOCK_OFFSET_SECONDS`` still applies on top (``make_container``);
production never builds one of these.
"""

from __future__ import annotations

import datetime as dt

from services.calendar import CalendarService
from services.clock import SHANGHAI, Clock, local_date, utc_now

DEMO_JUMP_TIME = dt.time(10, 0)  # a working day's morning, after the 08:30 digest
MAX_JUMP = dt.timedelta(days=800)


class AdjustableClock:
    """``base`` plus an offset that only moves forward."""

    def __init__(self, base: Clock = utc_now, offset_seconds: float = 0) -> None:
        self._base = base
        self.offset = dt.timedelta(seconds=offset_seconds)

    def __call__(self) -> dt.datetime:
        return self._base() + self.offset

    def jump(self, ahead: dt.timedelta) -> None:
        """Move ``ahead`` (never backwards: reminders already sent stay in the past)."""
        if ahead < dt.timedelta(0):
            raise ValueError("the demo clock only moves forward")
        if ahead > MAX_JUMP:
            raise ValueError("at most 800 days at once")
        self.offset += ahead


async def working_day_morning(calendar: CalendarService, now: dt.datetime,
                              working_days: int) -> dt.datetime:
    """10:00 Beijing time ``working_days`` working days after ``now``'s date (with 调休)."""
    due = await calendar.add_working_days(local_date(now), working_days)
    return dt.datetime.combine(due.due_on, DEMO_JUMP_TIME, tzinfo=SHANGHAI).astimezone(dt.UTC)
