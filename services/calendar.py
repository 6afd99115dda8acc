"""工作日: working days on the official calendar, with swapped working days (调休) (Art. 16).

Sources, in order of authority:

1. a year imported by an admin from the State Council's holiday notice (``calendar import``);
2. the ``chinese_calendar`` package, for the years it ships data for;
3. otherwise weekends only — and every answer that relied on such a year says so
   (``assumed_years``), so the CLI and the bot can warn.

The import file format is documented in ``docs/workflow.md`` (CSV or JSON, see ``parse_notice``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chinese_calendar
from chinese_calendar import constants as cc_constants
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import CalendarDay, CalendarYear

from services.actors import Actor
from services.audit import AuditTrail
from services.clock import Clock
from services.errors import ValidationFailed

RESULT_DUE_WORKING_DAYS = 20  # Art. 16: results entered within 20 working days

PACKAGE_YEARS: frozenset[int] = frozenset(d.year for d in cc_constants.holidays)

# chinese_calendar names its holidays in English; people read them in Chinese.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

_WORKING_WORDS = {"班", "上班", "工作日", "workday", "working", "work", "1", "true"}
_HOLIDAY_WORDS = {"休", "休息", "放假", "假日", "holiday", "rest", "off", "0", "false"}


@dataclass(frozen=True)
class DayStatus:
    """Whether one day is worked, and why (a holiday's name, a swapped working day)."""

    day: dt.date
    is_working: bool
    name: str  # holiday or swapped-day name, "" for an ordinary day
    source: str  # imported | package | weekends-only

    @property
    def assumed(self) -> bool:
        """True when the year is unknown and only weekends were assumed off."""
        return self.source == "weekends-only"


@dataclass(frozen=True)
class DueDate:
    """A deadline counted in working days, with the years for which weekends were assumed."""

    start: dt.date
    working_days: int
    due_on: dt.date
    assumed_years: tuple[int, ...] = ()

    @property
    def assumes_weekends_only(self) -> bool:
        """Whether some year on the way is not known and only weekends were counted as off."""
        return bool(self.assumed_years)


@dataclass(frozen=True)
class YearStatus:
    """What the calendar knows about one year."""

    year: int
    source: str  # imported | package | weekends-only
    holidays: tuple[DayStatus, ...]  # weekday holidays
    swapped_working_days: tuple[DayStatus, ...]  # weekend days that are worked (调休)
    imported_from: str = ""


@dataclass(frozen=True)
class NoticeDay:
    """One day of a holiday notice: a holiday, or a swapped working day."""

    day: dt.date
    is_working: bool
    name: str


@dataclass(frozen=True)
class HolidayNotice:
    """A parsed holiday notice for one year (the State Council's 放假安排)."""

    year: int
    source: str
    days: tuple[NoticeDay, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CalendarImportReport:
    """What ``calendar import`` stored."""

    year: int
    holidays: int
    swapped_working_days: int
    replaced: bool


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


class WorkingDays:
    """The pure rule: imported days first, then the package, then weekends only."""

    def __init__(self, imported: Mapping[int, Mapping[dt.date, tuple[bool, str]]]) -> None:
        self._imported = imported

    def status(self, day: dt.date) -> DayStatus:
        """The working status of ``day`` and where it comes from."""
        year_days = self._imported.get(day.year)
        if year_days is not None:
            if day in year_days:
                working, name = year_days[day]
                return DayStatus(day, working, name, "imported")
            return DayStatus(day, not _is_weekend(day), "", "imported")
        if day.year in PACKAGE_YEARS:
            working = bool(chinese_calendar.is_workday(day))
            name = ""
            if day in cc_constants.workdays:
                name = HOLIDAY_NAMES_ZH.get(str(cc_constants.workdays[day]), "调休")
            elif day in cc_constants.holidays:
                name = HOLIDAY_NAMES_ZH.get(str(cc_constants.holidays[day]), "节假日")
            return DayStatus(day, working, name, "package")
        return DayStatus(day, not _is_weekend(day), "", "weekends-only")

    def add_working_days(self, start: dt.date, working_days: int) -> DueDate:
        """The ``working_days``-th working day after ``start`` (``start`` itself not counted)."""
        if working_days < 0:
            raise ValidationFailed("calendar-negative-days", days=working_days)
        day = start
        counted = 0
        assumed: set[int] = set()
        while counted < working_days:
            day += dt.timedelta(days=1)
            status = self.status(day)
            if status.assumed:
                assumed.add(day.year)
            if status.is_working:
                counted += 1
        return DueDate(start, working_days, day, tuple(sorted(assumed)))

    def year_status(self, year: int, imported_from: str = "") -> YearStatus:
        """Holidays on weekdays and swapped working days of ``year``."""
        holidays: list[DayStatus] = []
        swapped: list[DayStatus] = []
        day = dt.date(year, 1, 1)
        source = self.status(day).source
        while day.year == year:
            status = self.status(day)
            if status.is_working and _is_weekend(day):
                swapped.append(status)
            elif not status.is_working and not _is_weekend(day):
                holidays.append(status)
            day += dt.timedelta(days=1)
        return YearStatus(year, source, tuple(holidays), tuple(swapped), imported_from)


def _parse_date(value: str, where: str) -> dt.date:
    text = value.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, not an instant
        except ValueError:
            continue
    raise ValidationFailed("calendar-bad-date", where=where, value=value)


def _parse_kind(value: str, where: str) -> bool:
    word = value.strip().lower()
    if word in _WORKING_WORDS:
        return True
    if word in _HOLIDAY_WORDS:
        return False
    raise ValidationFailed("calendar-bad-kind", where=where, value=value)


def _notice_from_json(data: Any, source: str) -> HolidayNotice:
    if not isinstance(data, dict) or "year" not in data:
        raise ValidationFailed("calendar-bad-json", reason="year")
    try:
        year = int(data["year"])
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("calendar-bad-json", reason="year") from exc
    days: list[NoticeDay] = []
    for n, block in enumerate(data.get("holidays", []), start=1):
        where = f"holidays[{n}]"
        if not isinstance(block, dict) or "start" not in block:
            raise ValidationFailed("calendar-bad-json", reason=where)
        start = _parse_date(str(block["start"]), where)
        end = _parse_date(str(block.get("end", block["start"])), where)
        if end < start:
            raise ValidationFailed("calendar-bad-range", where=where, start=start, end=end)
        name = str(block.get("name", ""))
        day = start
        while day <= end:
            days.append(NoticeDay(day, False, name))
            day += dt.timedelta(days=1)
    for n, item in enumerate(data.get("working_days", []), start=1):
        where = f"working_days[{n}]"
        if isinstance(item, str):
            days.append(NoticeDay(_parse_date(item, where), True, ""))
        elif isinstance(item, dict) and "date" in item:
            days.append(NoticeDay(_parse_date(str(item["date"]), where), True,
                                  str(item.get("name", ""))))
        else:
            raise ValidationFailed("calendar-bad-json", reason=where)
    return HolidayNotice(year, str(data.get("source", source)), tuple(days))


def _notice_from_csv(text: str, source: str, year: int | None) -> HolidayNotice:
    reader = csv.reader(io.StringIO(text))
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise ValidationFailed("calendar-empty-file")
    header = [cell.strip().lower() for cell in rows[0]]
    date_cols = {"date", "日期"}
    kind_cols = {"type", "kind", "类型", "is_working", "是否上班"}
    name_cols = {"name", "名称", "节日", "holiday"}
    if not (date_cols & set(header)) or not (kind_cols & set(header)):
        raise ValidationFailed("calendar-bad-header", header=",".join(rows[0]))
    i_date = next(i for i, h in enumerate(header) if h in date_cols)
    i_kind = next(i for i, h in enumerate(header) if h in kind_cols)
    i_name = next((i for i, h in enumerate(header) if h in name_cols), None)
    days: list[NoticeDay] = []
    for line_no, row in enumerate(rows[1:], start=2):
        where = f"line {line_no}"
        if len(row) <= max(i_date, i_kind):
            raise ValidationFailed("calendar-short-row", where=where)
        name = row[i_name].strip() if i_name is not None and i_name < len(row) else ""
        days.append(NoticeDay(_parse_date(row[i_date], where), _parse_kind(row[i_kind], where),
                              name))
    if year is None:
        years = sorted({d.day.year for d in days})
        # a notice may list the last days of the previous year (元旦 ranges): take the main year
        year = max(years, key=lambda y: sum(1 for d in days if d.day.year == y))
    return HolidayNotice(year, source, tuple(days))


def parse_notice(path: Path, year: int | None = None) -> HolidayNotice:
    """Read a holiday notice file: ``.json`` (ranges + working days) or ``.csv`` (one day a row).

    JSON: ``{"year": 2027, "source": "国办发明电〔2026〕…号", "holidays": [{"name": "春节",
    "start": "2027-02-06", "end": "2027-02-12"}, ...], "working_days": [{"date": "2027-02-14",
    "name": "春节"}, ...]}``. CSV: header ``日期,类型,名称`` (or ``date,type,name``), type 休/班
    (holiday/workday). Days not listed follow the weekend rule.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed("calendar-unreadable", path=str(path)) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValidationFailed("calendar-unreadable", path=str(path))
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed("calendar-bad-json", reason=str(exc)) from exc
        notice = _notice_from_json(data, path.name)
        if year is not None and year != notice.year:
            raise ValidationFailed("calendar-year-mismatch", declared=notice.year, given=year)
    else:
        notice = _notice_from_csv(text, path.name, year)
    validate_notice(notice)
    return notice


def validate_notice(notice: HolidayNotice) -> None:
    """Refuse a notice that cannot be right: duplicates, stray years, weekday working days."""
    if not notice.days:
        raise ValidationFailed("calendar-empty-file")
    seen: dict[dt.date, NoticeDay] = {}
    for day in notice.days:
        if abs(day.day.year - notice.year) > 1 or (
            day.day.year != notice.year and day.day.month not in (1, 12)
        ):
            raise ValidationFailed("calendar-stray-date", day=day.day.isoformat(),
                                   year=notice.year)
        if day.day in seen and seen[day.day].is_working != day.is_working:
            raise ValidationFailed("calendar-duplicate-day", day=day.day.isoformat())
        if day.is_working and not _is_weekend(day.day):
            # 调休上班日 is by definition a weekend day; a weekday listed as worked is a typo
            raise ValidationFailed("calendar-weekday-workday", day=day.day.isoformat())
        seen[day.day] = day
    if not any(d.day.year == notice.year for d in notice.days):
        raise ValidationFailed("calendar-stray-date", day=notice.days[0].day.isoformat(),
                               year=notice.year)


class CalendarService:
    """Working-day answers backed by the database's imported years (DESIGN.md §6)."""

    def __init__(self, session: AsyncSession, clock: Clock,
                 result_due_working_days: int = RESULT_DUE_WORKING_DAYS) -> None:
        self._session = session
        self._clock = clock
        self._result_due_days = result_due_working_days

    async def _imported(self, years: Iterable[int]) -> dict[int, dict[dt.date, tuple[bool, str]]]:
        wanted = sorted(set(years))
        known = set(
            (await self._session.scalars(
                select(CalendarYear.year).where(CalendarYear.year.in_(wanted))
            )).all()
        )
        result: dict[int, dict[dt.date, tuple[bool, str]]] = {y: {} for y in known}
        if known:
            rows = await self._session.execute(
                select(CalendarDay.day, CalendarDay.is_working, CalendarDay.name).where(
                    CalendarDay.day >= dt.date(min(known), 1, 1),
                    CalendarDay.day <= dt.date(max(known), 12, 31),
                )
            )
            for day, working, name in rows:
                if day.year in result:
                    result[day.year][day] = (bool(working), name)
        return result

    async def rules_for(self, start: dt.date, end: dt.date) -> WorkingDays:
        """The pure calendar for the years from ``start`` to ``end``."""
        return WorkingDays(await self._imported(range(start.year, end.year + 1)))

    async def day(self, day: dt.date) -> DayStatus:
        """Whether ``day`` is a working day."""
        return (await self.rules_for(day, day)).status(day)

    async def add_working_days(self, start: dt.date, working_days: int) -> DueDate:
        """The ``working_days``-th working day after ``start``."""
        # 20 working days never span more than two calendar years; be generous for larger n
        span_years = 1 + working_days // 200
        rules = await self.rules_for(start, dt.date(start.year + span_years, 12, 31))
        return rules.add_working_days(start, working_days)

    async def result_due_on(self, check_finished: dt.date) -> DueDate:
        """结果录入期限: 20 working days (configurable) after the check finished (Art. 16)."""
        return await self.add_working_days(check_finished, self._result_due_days)

    async def year(self, year: int) -> YearStatus:
        """What is known about ``year``: holidays and swapped working days, and the source."""
        source_row = await self._session.get(CalendarYear, year)
        rules = await self.rules_for(dt.date(year, 1, 1), dt.date(year, 12, 31))
        return rules.year_status(year, source_row.source if source_row else "")

    async def import_notice(self, notice: HolidayNotice, actor: Actor) -> CalendarImportReport:
        """Store a year's notice, replacing an earlier import of that year; audited (the
        organiser or the system)."""
        actor.require_organiser("calendar-import")
        validate_notice(notice)
        existing = await self._session.get(CalendarYear, notice.year)
        replaced = existing is not None
        days = {d.day: d for d in notice.days}
        await self._session.execute(delete(CalendarDay).where(CalendarDay.day.in_(list(days))))
        if existing is not None:
            await self._session.execute(
                delete(CalendarDay).where(
                    CalendarDay.day >= dt.date(notice.year, 1, 1),
                    CalendarDay.day <= dt.date(notice.year, 12, 31),
                )
            )
            existing.source = notice.source
            existing.imported_at = self._clock()
        else:
            self._session.add(
                CalendarYear(year=notice.year, source=notice.source, imported_at=self._clock())
            )
        for d in sorted(days.values(), key=lambda d: d.day):
            self._session.add(CalendarDay(day=d.day, is_working=d.is_working, name=d.name))
        holidays = sum(1 for d in days.values() if not d.is_working)
        swapped = sum(1 for d in days.values() if d.is_working)
        await AuditTrail(self._session, self._clock).record(
            actor, "calendar.import", "calendar_year", notice.year,
            {"source": notice.source, "holidays": holidays, "swapped_working_days": swapped,
             "replaced": replaced,
             "days": {d.day.isoformat(): ("班" if d.is_working else "休") for d in days.values()}},
        )
        await self._session.commit()
        return CalendarImportReport(notice.year, holidays, swapped, replaced)

    async def import_file(self, path: Path, actor: Actor, year: int | None = None
                          ) -> CalendarImportReport:
        """``jointcheck calendar import FILE``: parse, validate and store a holiday notice."""
        return await self.import_notice(parse_notice(path, year), actor)
