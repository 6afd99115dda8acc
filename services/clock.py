"""Injected time: every service takes a ``Clock`` so that tests pin it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], dt.datetime]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_now() -> dt.datetime:
    """The real clock: an aware UTC instant."""
    return dt.datetime.now(dt.UTC)


def offset_clock(seconds: float, base: Clock = utc_now) -> Clock:
    """``base`` moved ``seconds`` ahead: the demo and end-to-end processes' clock
    (``JOINTCHECK_CLOCK_OFFSET_SECONDS``), so a test or the sandbox can jump to a deadline."""
    delta = dt.timedelta(seconds=seconds)

    def now() -> dt.datetime:
        return base() + delta

    return now


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar date of ``instant`` in Asia/Shanghai, where the inspections happen."""
    return instant.astimezone(SHANGHAI).date()
