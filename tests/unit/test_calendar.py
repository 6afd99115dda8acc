"""Working days on the official calendar, imported notices and the Art. 16 result deadline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.calendar import (
    WorkingDays,
    parse_notice,
)
from services.errors import ValidationFailed

D = dt.date
PURE = WorkingDays({})


def test_spring_festival_2026_holidays_and_swapped_saturdays() -> None:
    # 2026 春节: 2/15 (Sun) to 2/23 (Mon) off; Sat 2/14 and Sat 2/28 are worked
    assert PURE.status(D(2026, 2, 14)).is_working
    assert PURE.status(D(2026, 2, 14)).name == "春节"
    assert not PURE.status(D(2026, 2, 16)).is_working  # a Monday, holiday
    assert not PURE.status(D(2026, 2, 23)).is_working
    assert PURE.status(D(2026, 2, 28)).is_working
    assert PURE.status(D(2026, 2, 24)).source == "package"


def test_result_due_across_spring_festival_2026() -> None:
    # finished Fri 2026-02-13; 2/14 (Sat, worked) is day 1, then 2/24..2/27 (4), 2/28 Sat (6),
    # March 2-6 (11), 9-13 (16), 16-19 → the 20th working day is Thu 2026-03-19
    due = PURE.add_working_days(D(2026, 2, 13), 20)
    assert due.due_on == D(2026, 3, 19)
    assert not due.assumes_weekends_only
    # the naive weekday count would give 2026-03-13: the holiday shifts it by four working days
    naive = D(2026, 2, 13)
    counted = 0
    while counted < 20:
        naive += dt.timedelta(days=1)
        counted += naive.weekday() < 5
    assert naive == D(2026, 3, 13)


def test_result_due_across_national_day_2025() -> None:
    # 2025 国庆+中秋: 10/1-10/8 off; Sun 9/28 and Sat 10/11 worked
    assert PURE.status(D(2025, 9, 28)).is_working
    assert PURE.status(D(2025, 10, 11)).is_working
    assert not PURE.status(D(2025, 10, 8)).is_working
    # finished Fri 2025-09-26: 9/28 (1), 9/29, 9/30 (3), 10/9, 10/10, 10/11 (6),
    # 10/13-17 (11), 20-24 (16), 27-30 (20)
    assert PURE.add_working_days(D(2025, 9, 26), 20).due_on == D(2025, 10, 30)


def test_result_due_across_national_day_2026_and_spring_festival_2025() -> None:
    # 2026: 10/1-10/7 off, Sun 9/20 and Sat 10/10 worked; finished Tue 2026-09-29
    # 9/30 (1), 10/8, 10/9, 10/10 (4), 10/12-16 (9), 19-23 (14), 26-30 (19), 11/2 (20)
    assert PURE.add_working_days(D(2026, 9, 29), 20).due_on == D(2026, 11, 2)
    # 2025 春节: 1/28-2/4 off, Sun 1/26 and Sat 2/8 worked; finished Fri 2025-01-24
    # 1/26 (1), 1/27 (2), 2/5-2/7 (5), 2/8 (6), 2/10-14 (11), 17-21 (16), 24-27 (20)
    assert PURE.add_working_days(D(2025, 1, 24), 20).due_on == D(2025, 2, 27)


def test_unknown_year_assumes_weekends_and_says_so() -> None:
    due = PURE.add_working_days(D(2026, 12, 28), 20)
    assert due.assumes_weekends_only
    assert due.assumed_years == (2027,)
    assert PURE.status(D(2027, 2, 8)).assumed
    # weekends only: 2026-12-29..31 (3), then 17 weekdays of January 2027 → Mon 2027-01-25
    assert due.due_on == D(2027, 1, 25)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 10, 31)),
       st.integers(min_value=0, max_value=40))
def test_due_date_is_a_working_day_with_exactly_n_working_days(start: dt.date, n: int) -> None:
    # checked against the chinese_calendar package itself, not this module's own status(): a
    # wrong status() would otherwise agree with a wrong add_working_days
    import chinese_calendar

    due = PURE.add_working_days(start, n)
    days = [start + dt.timedelta(days=i) for i in range(1, (due.due_on - start).days + 1)]
    assert sum(chinese_calendar.is_workday(d) for d in days) == n
    if n:
        assert chinese_calendar.is_workday(due.due_on)


# 国务院办公厅 notices, by hand: (start, n, due) where the count crosses a holiday or a swapped
# working weekend; independent of any package.
FIXED_DUE_DATES = [
    (D(2024, 9, 27), 5, D(2024, 10, 10)),  # 国庆 10/1-10/7 off; Sun 9/29 and Sat 10/12 worked
    (D(2024, 2, 8), 3, D(2024, 2, 19)),    # 春节 2/10-2/17 off; Sun 2/4 and Sun 2/18 worked
    (D(2025, 4, 30), 1, D(2025, 5, 6)),    # 劳动节 5/1-5/5 off
    (D(2025, 1, 24), 2, D(2025, 1, 27)),   # Sun 1/26 worked before 春节: Sat off, Sun, Mon
    (D(2026, 2, 13), 1, D(2026, 2, 14)),   # Sat 2/14 worked before 春节 2026
    (D(2026, 2, 14), 1, D(2026, 2, 24)),   # 春节 2/15-2/23 off
]


@pytest.mark.parametrize(("start", "n", "due"), FIXED_DUE_DATES)
def test_due_dates_from_a_fixed_table(start: dt.date, n: int, due: dt.date) -> None:
    assert PURE.add_working_days(start, n).due_on == due


def test_parse_json_notice(tmp_path: Path) -> None:
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({
        "year": 2027, "source": "国办发明电〔2026〕1号",
        "holidays": [{"name": "春节", "start": "2027-02-05", "end": "2027-02-12"},
                     {"name": "元旦", "start": "2027-01-01", "end": "2027-01-01"}],
        "working_days": [{"date": "2027-02-14", "name": "春节"}, "2027-02-20"],
    }, ensure_ascii=False), encoding="utf-8")
    notice = parse_notice(path)
    assert notice.year == 2027
    assert notice.source == "国办发明电〔2026〕1号"
    assert sum(not d.is_working for d in notice.days) == 9
    assert [d.day for d in notice.days if d.is_working] == [D(2027, 2, 14), D(2027, 2, 20)]


def test_parse_csv_notice_in_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "2027.csv"
    path.write_bytes("日期,类型,名称\n2027-02-05,休,春节\n2027/02/14,班,春节\n".encode("gb18030"))
    notice = parse_notice(path)
    assert notice.year == 2027
    assert [(d.day, d.is_working, d.name) for d in notice.days] == [
        (D(2027, 2, 5), False, "春节"), (D(2027, 2, 14), True, "春节")]


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("日期,类型\n2027-02-15,班\n", "calendar-weekday-workday"),  # a Monday cannot be 调休
        ("日期,类型\n2027-13-01,休\n", "calendar-bad-date"),
        ("日期,类型\n2027-02-05,maybe\n", "calendar-bad-kind"),
        ("day,what\n2027-02-05,休\n", "calendar-bad-header"),
        ("", "calendar-empty-file"),
        ("日期,类型\n2027-02-05,休\n2027-02-05,班\n", "calendar-duplicate-day"),
    ],
)
def test_bad_notice_files_are_refused(tmp_path: Path, content: str, key: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        parse_notice(path)
    assert err.value.key == key
