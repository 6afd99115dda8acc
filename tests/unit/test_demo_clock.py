"""The sandbox's demo clock: it moves forward by what it is told, never backwards, and the
containers that share it see the same instant."""

from __future__ import annotations

import datetime as dt

import pytest

from services.demo_clock import AdjustableClock

START = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)


def test_jumps_forward_and_refuses_backwards_or_too_far() -> None:
    clock = AdjustableClock(lambda: START)
    assert clock() == START
    clock.jump(dt.timedelta(hours=27))
    assert clock() == START + dt.timedelta(hours=27)
    with pytest.raises(ValueError, match="forward"):
        clock.jump(dt.timedelta(seconds=-1))
    with pytest.raises(ValueError, match="800"):
        clock.jump(dt.timedelta(days=801))
    assert clock() == START + dt.timedelta(hours=27)  # a refused jump changes nothing


def test_the_offset_setting_still_applies_on_top() -> None:
    clock = AdjustableClock(lambda: START, offset_seconds=60)
    assert clock() == START + dt.timedelta(minutes=1)
