"""Due times of the two reminders that read the records and results: a visit with no submitted
record by 20:00, and a correction order (责令改正) whose deadline has come — across the 2026
Spring Festival (15–23 Feb off, Saturdays 14 and 28 Feb worked) and National Day (1–7 Oct off,
Saturday 10 Oct worked), with the quiet hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from services.calendar import WorkingDays
from services.clock import SHANGHAI
from services.reminder_times import (
    ReminderPolicy,
    correction_due,
    first_working_day,
    record_missing_due,
)

RULES = WorkingDays({})  # the package's official 2026 calendar
POLICY = ReminderPolicy()


def bj(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.UTC)


def test_a_visit_without_its_record_is_reminded_at_20_00_that_day() -> None:
    assert record_missing_due(dt.date(2026, 3, 9), POLICY) == bj(2026, 3, 9, 20)
    # a visit on the swapped working Saturday before the Spring Festival: that evening
    assert record_missing_due(dt.date(2026, 2, 14), POLICY) == bj(2026, 2, 14, 20)
    # and on National Day's swapped Saturday 10 Oct
    assert record_missing_due(dt.date(2026, 10, 10), POLICY) == bj(2026, 10, 10, 20)


def test_a_record_reminder_inside_the_quiet_hours_waits_for_the_morning() -> None:
    early_quiet = replace(POLICY, quiet_start=dt.time(19, 30), quiet_end=dt.time(8, 0))
    assert record_missing_due(dt.date(2026, 3, 9), early_quiet) == bj(2026, 3, 10, 8)
    later = replace(POLICY, record_missing_time=dt.time(21, 30))
    assert record_missing_due(dt.date(2026, 3, 9), later) == bj(2026, 3, 10, 8)
    no_quiet = replace(POLICY, quiet_start=None, quiet_end=None,
                       record_missing_time=dt.time(21, 30))
    assert record_missing_due(dt.date(2026, 3, 9), no_quiet) == bj(2026, 3, 9, 21, 30)


def test_a_correction_deadline_on_a_working_day_is_reminded_that_morning() -> None:
    assert correction_due(RULES, dt.date(2026, 3, 10), POLICY) == bj(2026, 3, 10, 9)
    # the swapped Saturday 28 Feb is a working day: the deadline stays
    assert correction_due(RULES, dt.date(2026, 2, 28), POLICY) == bj(2026, 2, 28, 9)


def test_a_correction_deadline_in_the_spring_festival_runs_to_the_first_working_day() -> None:
    assert first_working_day(RULES, dt.date(2026, 2, 17)) == dt.date(2026, 2, 24)
    assert correction_due(RULES, dt.date(2026, 2, 17), POLICY) == bj(2026, 2, 24, 9)
    # Sunday 15 Feb (holiday) too; not the swapped Saturday before it
    assert correction_due(RULES, dt.date(2026, 2, 15), POLICY) == bj(2026, 2, 24, 9)


def test_a_correction_deadline_in_the_national_day_week_runs_to_8_october() -> None:
    assert correction_due(RULES, dt.date(2026, 10, 3), POLICY) == bj(2026, 10, 8, 9)
    # Sunday 11 Oct is off, Saturday 10 Oct worked: a deadline on the 11th → Monday 12th
    assert correction_due(RULES, dt.date(2026, 10, 10), POLICY) == bj(2026, 10, 10, 9)
    assert correction_due(RULES, dt.date(2026, 10, 11), POLICY) == bj(2026, 10, 12, 9)


def test_the_correction_time_is_a_setting_and_keeps_out_of_the_quiet_hours() -> None:
    at_7 = replace(POLICY, correction_time=dt.time(7, 0))
    assert correction_due(RULES, dt.date(2026, 3, 10), at_7) == bj(2026, 3, 10, 8)
    at_14 = replace(POLICY, correction_time=dt.time(14, 0))
    assert correction_due(RULES, dt.date(2026, 10, 5), at_14) == bj(2026, 10, 8, 14)
