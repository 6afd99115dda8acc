"""The due time of every reminder on the official calendar: across the 2026 Spring Festival
(15–23 Feb off, Saturdays 14 and 28 Feb worked) and National Day (1–7 Oct off, Saturday 10 Oct
worked), with the quiet hours (21:00–08:00 Beijing time by default)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from services.calendar import WorkingDays
from services.clock import SHANGHAI
from services.reminder_times import (
    ReminderPolicy,
    before_window_due,
    confirm_due,
    inspection_eve_due,
    on_day_due,
    out_of_quiet_hours,
    results_due_on,
    results_soon_due,
    review_pending_due,
    working_days_before,
    working_days_between,
)

RULES = WorkingDays({})  # the package's official 2026 calendar
POLICY = ReminderPolicy()


def bj(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    """A Beijing wall-clock time as the UTC instant the database stores."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.UTC)


def test_inspection_after_the_spring_festival_is_announced_on_the_swapped_saturday() -> None:
    # 24 Feb is the first working day after the holiday; the working day before is Sat 14 Feb
    assert inspection_eve_due(RULES, dt.date(2026, 2, 24), POLICY) == bj(2026, 2, 14, 17)


def test_inspection_after_national_day_is_announced_before_the_holiday() -> None:
    assert inspection_eve_due(RULES, dt.date(2026, 10, 8), POLICY) == bj(2026, 9, 30, 17)
    # Monday 12 Oct: the eve is the swapped working Saturday 10 Oct, not Sunday
    assert inspection_eve_due(RULES, dt.date(2026, 10, 12), POLICY) == bj(2026, 10, 10, 17)


def test_an_ordinary_monday_inspection_is_announced_on_friday() -> None:
    assert inspection_eve_due(RULES, dt.date(2026, 3, 9), POLICY) == bj(2026, 3, 6, 17)


def test_a_review_is_late_two_working_days_later_skipping_the_holiday() -> None:
    # asked Friday 13 Feb 10:00: Sat 14 Feb (worked) and Tue 24 Feb are the two working days
    assert review_pending_due(RULES, bj(2026, 2, 13, 10), POLICY) == bj(2026, 2, 24, 10)
    assert review_pending_due(RULES, bj(2026, 9, 30, 20, 30), POLICY) == bj(2026, 10, 9, 20, 30)


def test_a_review_asked_late_at_night_is_reminded_when_the_quiet_hours_end() -> None:
    # asked Tue 29 Sep 22:00 → due Thu 8 Oct 22:00, inside the quiet hours → Fri 9 Oct 08:00
    assert review_pending_due(RULES, bj(2026, 9, 29, 22), POLICY) == bj(2026, 10, 9, 8)


def test_draw_and_schedule_reminders_come_five_working_days_before_the_window() -> None:
    # window opens Mon 2 Mar: the swapped Saturday 28 Feb, then 27, 26, 25 and 24 Feb
    assert before_window_due(RULES, dt.date(2026, 3, 2), 5, POLICY) == bj(2026, 2, 24, 9)
    # window opens Thu 26 Feb: 25, 24 Feb, then over the holiday to Sat 14, Fri 13, Thu 12
    assert before_window_due(RULES, dt.date(2026, 2, 26), 5, POLICY) == bj(2026, 2, 12, 9)
    assert before_window_due(RULES, dt.date(2026, 10, 12), 5, POLICY) == bj(2026, 9, 29, 9)


def test_a_member_then_the_leader_hear_of_an_unconfirmed_schedule() -> None:
    sent = bj(2026, 2, 13, 16)
    assert confirm_due(RULES, sent, POLICY) == bj(2026, 2, 14, 16)
    assert confirm_due(RULES, sent, POLICY, escalated=True) == bj(2026, 2, 24, 16)


def test_results_due_dates_across_national_day() -> None:
    policy = replace(POLICY, result_due_working_days=5)
    # last visit Tue 29 Sep: 30 Sep, 8, 9, 10 (Sat, worked) and 12 Oct
    due = results_due_on(RULES, dt.date(2026, 9, 29), policy)
    assert due == dt.date(2026, 10, 12)
    assert results_soon_due(RULES, due, policy) == bj(2026, 10, 8, 9)  # 3 working days before
    assert on_day_due(due, policy) == bj(2026, 10, 12, 9)
    assert working_days_between(RULES, due, dt.date(2026, 10, 16)) == 4


def test_the_default_result_deadline_of_twenty_working_days_skips_the_spring_festival() -> None:
    # 6, 9–13, Sat 14 Feb (7 days), 24–27, Sat 28 Feb (12), 2–6 Mar (17), 9, 10, 11 Mar (20)
    assert results_due_on(RULES, dt.date(2026, 2, 5), POLICY) == dt.date(2026, 3, 11)


def test_working_days_before_counts_the_swapped_days() -> None:
    assert working_days_before(RULES, dt.date(2026, 2, 24), 2) == dt.date(2026, 2, 13)


def test_quiet_hours_edges() -> None:
    assert out_of_quiet_hours(bj(2026, 3, 2, 20, 59), POLICY) == bj(2026, 3, 2, 20, 59)
    assert out_of_quiet_hours(bj(2026, 3, 2, 21, 0), POLICY) == bj(2026, 3, 3, 8)
    assert out_of_quiet_hours(bj(2026, 3, 3, 2, 0), POLICY) == bj(2026, 3, 3, 8)
    assert out_of_quiet_hours(bj(2026, 3, 3, 8, 0), POLICY) == bj(2026, 3, 3, 8)


def test_quiet_hours_are_configurable_and_can_be_switched_off() -> None:
    start, end = ReminderPolicy.parse_quiet("12:00-13:30")
    lunch = replace(POLICY, quiet_start=start, quiet_end=end)
    assert out_of_quiet_hours(bj(2026, 3, 2, 12, 15), lunch) == bj(2026, 3, 2, 13, 30)
    assert out_of_quiet_hours(bj(2026, 3, 2, 22, 0), lunch) == bj(2026, 3, 2, 22, 0)
    off = replace(POLICY, quiet_start=None, quiet_end=None)
    assert ReminderPolicy.parse_quiet("") == (None, None)
    assert out_of_quiet_hours(bj(2026, 3, 2, 23, 0), off) == bj(2026, 3, 2, 23, 0)


@given(st.integers(0, 365 * 24 * 60 - 1))
def test_nothing_is_due_inside_the_quiet_hours_nor_earlier_than_asked(minute: int) -> None:
    instant = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)
    moved = out_of_quiet_hours(instant, POLICY)
    local = moved.astimezone(SHANGHAI).time()
    assert dt.time(8, 0) <= local < dt.time(21, 0)
    assert instant <= moved <= instant + dt.timedelta(hours=11)
