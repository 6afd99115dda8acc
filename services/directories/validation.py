"""Row validation for every directory: each cell parsed, checked and turned into a record.

A validator is pure: it sees the header map, the references it may check against (departments,
item codes) and one row at a time; it returns the record or ``None`` and keeps the row's errors.
Errors carry a locale key and arguments, never text (the caller renders them in zh_CN or en).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.directories import uscc
from services.directories.cells import Problem, shown
from services.directories.columns import HeaderMap
from services.directories.enums import (
    EXPERT_KINDS,
    METHODS,
    RISK_CLASSES,
    SUBJECT_KINDS,
    SUBJECT_STATUSES,
    USCC_KINDS,
    Enumeration,
    fold,
)
from services.directories.readers import Cell, cell_text

# Model column widths (storage/models/directory.py): longer text is refused, not cut.
MAX_NAME = 300
MAX_ADDRESS = 500
MAX_SHORT = 64
MAX_PERSON = 100
MAX_PHONE = 32
MAX_REASON = 500
MAX_EXPERT_NAME = 200
# Errors kept in full; beyond this the rest are only counted (a file that bad needs redoing).
MAX_ERRORS = 100_000
# Distinct values remembered per low-cardinality column (kind, district, risk class ...).
MEMO_LIMIT = 10_000

CODE_SEPARATORS = re.compile(r"[;；,，、|\n/]+")
TEXT_SEPARATORS = re.compile(r"\s*(?:[;；|]|\r?\n)+\s*")
DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?"
)
MONTH_SEPARATORS = re.compile(r"[;；,，、|/\s]+")
RANGE_MARK = re.compile(r"\s*([-~～至到—])\s*")
MONTH_RANGE = re.compile(r"(\d{1,2})月?\s*[-~～至到—]\s*(\d{1,2})月?")
MONTH = re.compile(r"(\d{1,2})月?")
INDUSTRY = re.compile(r"[A-T](?:\d{2,4})?|\d{2,4}")
ITEM_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.\-]{0,63}")


class Invalid(Exception):
    """One cell is wrong: ``reason`` is a locale key, ``args`` its arguments."""

    def __init__(self, reason: str, **args: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.args_map = args


@dataclass(frozen=True)
class RowError:
    """A rejected cell: row number as Excel shows it, the column's header, the value, why."""

    row: int
    column: str
    value: str
    reason: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DepartmentRef:
    """A department as rows may name it."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class References:
    """What rows may refer to, loaded before validation starts (small, picklable)."""

    departments: tuple[DepartmentRef, ...] = ()
    department: DepartmentRef | None = None  # --department: every row belongs to it
    item_codes: frozenset[str] = frozenset()
    year: int | None = None  # items: the catalogue year being imported
    today: dt.date | None = None  # inspections: later dates are refused (Asia/Shanghai)
    # subjects: (min longitude, min latitude, max longitude, max latitude) coordinates must be
    # in (the configured region, Settings.coordinate_region); None: anywhere on Earth
    region: tuple[float, float, float, float] | None = None
    lookup: dict[str, DepartmentRef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, DepartmentRef] = {}
        for dep in self.departments:
            table[fold(dep.code)] = dep
            table[fold(dep.name)] = dep
        object.__setattr__(self, "lookup", table)

    def find_department(self, text: str) -> DepartmentRef | None:
        """The department a code or Chinese name means."""
        return self.lookup.get(fold(text))


# --- cell parsers -------------------------------------------------------------------------

def text(raw: Cell, max_len: int, *, required: bool = False) -> str:
    """A text cell, trimmed; refused when required and empty, or longer than the column."""
    value = (raw if raw.__class__ is str else cell_text(raw)).strip()
    if not value:
        if required:
            raise Invalid("dir-err-required")
        return ""
    if len(value) > max_len:
        raise Invalid("dir-err-too-long", max=max_len, length=len(value))
    return value


def decimal(raw: Cell) -> float | None:
    """A decimal number, or ``None`` when the cell is empty; text is refused."""
    if raw.__class__ is float or raw.__class__ is int:
        value = float(raw)
    else:
        s = (raw if raw.__class__ is str else cell_text(raw)).strip()
        if not s:
            return None
        try:
            value = float(s)
        except ValueError:
            raise Invalid("dir-err-not-number") from None
    if not math.isfinite(value):
        raise Invalid("dir-err-not-number")
    return value


def date_value(raw: Cell) -> dt.date | None:
    """A date: an Excel date cell, ``YYYY-MM-DD``, ``YYYY/MM/DD`` (or ``YYYY年M月D日``)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if raw is None:
        return None
    if raw.__class__ is not str:
        raise Invalid("dir-err-date")
    s = raw.strip()
    if not s:
        return None
    m = DATE.fullmatch(s)
    if m is None:
        raise Invalid("dir-err-date")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise Invalid("dir-err-date") from None


def months(raw: Cell) -> list[int]:
    """Peak business months: ``6,7,8``, ``6、7、8``, ``6月-8月``; sorted, without repeats."""
    if raw.__class__ is int or raw.__class__ is float:
        raw = cell_text(raw)
    s = (raw if raw.__class__ is str else cell_text(raw)).strip()
    if not s:
        return []
    found: set[int] = set()
    normalised = RANGE_MARK.sub(r"\1", unicodedata.normalize("NFKC", s))
    for part in MONTH_SEPARATORS.split(normalised):
        if not part:
            continue
        if m := MONTH_RANGE.fullmatch(part):
            first, last = int(m[1]), int(m[2])
            if not (1 <= first <= 12 and 1 <= last <= 12) or first > last:
                raise Invalid("dir-err-months")
            found.update(range(first, last + 1))
        elif m := MONTH.fullmatch(part):
            month = int(m[1])
            if not 1 <= month <= 12:
                raise Invalid("dir-err-months")
            found.add(month)
        else:
            raise Invalid("dir-err-months")
    return sorted(found)


def json_text(value: Any) -> str:
    """A list column as the JSON text stored in the database (records carry it ready-made)."""
    return json.dumps(value, ensure_ascii=False)


def _months_json(raw: Cell) -> str:
    return json_text(months(raw))


def code_list(raw: Cell) -> list[str]:
    """A list of codes separated by 、 ， ； or new lines; order kept, repeats dropped."""
    s = (raw if raw.__class__ is str else cell_text(raw)).strip()
    if not s:
        return []
    out: list[str] = []
    for part in CODE_SEPARATORS.split(s):
        value = part.strip()
        if value and value not in out:
            out.append(value)
    return out


def text_list(raw: Cell, max_len: int = 2000) -> list[str]:
    """A list of free-text points separated by ； or new lines (、 and ， stay inside a point)."""
    s = (raw if raw.__class__ is str else cell_text(raw)).strip()
    if not s:
        return []
    out = [p.strip() for p in TEXT_SEPARATORS.split(s) if p.strip()]
    for point in out:
        if len(point) > max_len:
            raise Invalid("dir-err-too-long", max=max_len, length=len(point))
    return out


def enum_value(raw: Cell, enum: Enumeration, default: str | None = None) -> str:
    """The code of an enumeration value written as its code, Chinese label or an alias."""
    s = (raw if raw.__class__ is str else cell_text(raw)).strip()
    if not s:
        if default is None:
            raise Invalid("dir-err-required")
        return default
    code = enum.lookup.get(fold(s))
    if code is None:
        raise Invalid("dir-err-enum", enum=enum.name)
    return code


def enum_list(raw: Cell, enum: Enumeration) -> list[str]:
    """Several enumeration values in one cell."""
    out: list[str] = []
    for part in code_list(raw):
        code = enum.lookup.get(fold(part))
        if code is None:
            raise Invalid("dir-err-enum", enum=enum.name)
        if code not in out:
            out.append(code)
    return out


def normalise_code(raw: Cell) -> str:
    """An identifier as typed: trimmed, full-width folded, upper case."""
    if raw.__class__ is float and raw >= 1e15:
        # Excel kept the code as a number and dropped digits past the 15th
        raise Invalid("dir-err-lost-digits")
    s = (raw if raw.__class__ is str else cell_text(raw)).strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    return s.upper()


def uscc_value(code: str) -> str:
    """A USCC checked against GB 32100-2015; the reason names what is wrong."""
    problem = uscc.problem(code)
    if problem is None:
        return code
    if problem == "check":
        raise Invalid("dir-err-uscc-check", expected=uscc.expected_check(code) or "?")
    raise Invalid(f"dir-err-uscc-{problem}")


def display(raw: Cell) -> str:
    """A cell's value as the report shows it."""
    return raw if raw.__class__ is str else cell_text(raw)


# --- row validators -------------------------------------------------------------------------

class RowValidator:
    """Validates the rows of one directory file; keeps keys to find duplicates within the file."""

    kind = ""
    key_fields: tuple[str, ...] = ()

    def __init__(self, header: HeaderMap, refs: References) -> None:
        self.header = header
        self.refs = refs
        self.errors: list[RowError] = []
        self.error_count = 0
        self.bad_rows = 0
        self.seen: set[Hashable] = set()
        self.duplicates: dict[Hashable, list[int]] = {}
        self._index = header.index
        self._has_department = "department" in header.index
        # Natural keys include the department only when rows may name different ones: with
        # --department every row must name that one (or be refused), so the bare key will do.
        self._per_department = self._has_department and refs.department is None
        self._row_errors = 0

    def at(self, cells: Sequence[Cell], name: str) -> Cell:
        """The raw cell of field ``name`` ('' when the file has no such column)."""
        i = self._index.get(name)
        if i is None or i >= len(cells):
            return ""
        return cells[i]

    def fail(self, number: int, name: str, raw: Cell, exc: Invalid) -> None:
        """Record one bad cell."""
        self.error_count += 1
        self._row_errors += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                RowError(number, self.header.header_of(name), shown(display(raw)), exc.reason,
                         exc.args_map)
            )

    def refuse(self, number: int, cells: Sequence[Cell], problems: Sequence[Problem]) -> None:
        """Record a row refused before validation (``cells.screen``): which cell and why."""
        headers = self.header.headers
        for position, reason, args in problems:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS:
                title = headers[position] if position < len(headers) else f"#{position + 1}"
                self.errors.append(
                    RowError(number, title, shown(display(cells[position])), reason, args)
                )
        self.bad_rows += 1

    def cell(self, number: int, cells: Sequence[Cell], name: str,
             parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``parse(cell, *args, **kwargs)`` of the cell ``name``; a bad cell is recorded (the
        row then fails at ``end``) and gives None."""
        raw = self.at(cells, name)
        try:
            return parse(raw, *args, **kwargs)
        except Invalid as exc:
            self.fail(number, name, raw, exc)
            return None

    def code_key(self, cells: Sequence[Cell], name: str) -> str | None:
        """The normalised code in ``name`` as a duplicate key, None when it has none."""
        try:
            return normalise_code(self.at(cells, name)) or None
        except Invalid:
            return None

    def short_code(self, number: int, cells: Sequence[Cell], name: str) -> str:
        """A required identifier cell (normalised, at most ``MAX_SHORT``); '' when bad."""
        raw = self.at(cells, name)
        try:
            code = normalise_code(raw)
            if not code:
                raise Invalid("dir-err-required")
            if len(code) > MAX_SHORT:
                raise Invalid("dir-err-too-long", max=MAX_SHORT, length=len(code))
        except Invalid as exc:
            self.fail(number, name, raw, exc)
            return ""
        return code

    def department(self, number: int, cells: Sequence[Cell]) -> DepartmentRef | None:
        """The row's department: its 所属部门 cell, which must agree with ``--department``."""
        fixed = self.refs.department
        raw = self.at(cells, "department")
        s = (raw if raw.__class__ is str else cell_text(raw)).strip()
        if not s:
            if fixed is None:
                self.fail(number, "department", raw, Invalid("dir-err-required"))
            return fixed
        found = self.refs.find_department(s)
        if found is None:
            self.fail(number, "department", raw, Invalid("dir-err-unknown-department"))
            return None
        if fixed is not None and found.id != fixed.id:
            self.fail(number, "department", raw,
                      Invalid("dir-err-department-mismatch", expected=fixed.code))
            return None
        return found

    def row_department(self, cells: Sequence[Cell]) -> DepartmentRef | None:
        """The department a row names (or ``--department``), without recording errors."""
        raw = self.at(cells, "department")
        s = (raw if raw.__class__ is str else cell_text(raw)).strip()
        return self.refs.find_department(s) if s else self.refs.department

    def scoped(self, cells: Sequence[Cell], key: str) -> Hashable:
        """A per-department natural key: the bare key when the whole file has one department."""
        if not self._per_department:
            return key
        dep = self.row_department(cells)
        return (dep.id if dep else None, key)

    def check_duplicate(self, number: int, key: Hashable, name: str, raw: Cell) -> bool:
        """False (and an error) when ``key`` appeared on an earlier row of the file."""
        if key in self.seen:
            self.duplicates.setdefault(key, []).append(number)
            self.fail(number, name, raw, Invalid("dir-err-duplicate", first=0))
            return False
        self.seen.add(key)
        return True

    def begin(self) -> None:
        """Start a row."""
        self._row_errors = 0

    def end(self) -> bool:
        """Finish a row: whether it was clean."""
        if self._row_errors:
            self.bad_rows += 1
            return False
        return True

    def validate(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        """The row's record, or ``None`` when any cell is wrong (errors kept)."""
        raise NotImplementedError

    def key_of(self, cells: Sequence[Cell]) -> Hashable | None:
        """The row's natural key as ``validate`` builds it (for naming the first duplicate)."""
        raise NotImplementedError

    def resolve_duplicates(self, first_rows: dict[Hashable, int]) -> None:
        """Fill in the first row of each duplicated key into the duplicate errors."""
        later: dict[int, int] = {}
        for key, rows in self.duplicates.items():
            for row in rows:
                later[row] = first_rows.get(key, 0)
        self.errors = [
            RowError(e.row, e.column, e.value, e.reason, {"first": later.get(e.row, 0)})
            if e.reason == "dir-err-duplicate" else e
            for e in self.errors
        ]


class SubjectRows(RowValidator):
    """检查对象名录: (department_id, identifier, name, kind, address, district, industry_code,
    longitude, latitude, risk_class, status, peak_months)."""

    kind = "subjects"

    def key_of(self, cells: Sequence[Cell]) -> Hashable | None:
        try:
            identifier = normalise_code(self.at(cells, "identifier"))
        except Invalid:
            return None
        return self.scoped(cells, identifier)

    def __init__(self, header: HeaderMap, refs: References) -> None:
        super().__init__(header, refs)
        index = header.index
        self.width = len(header.headers)
        absent = self.width  # rows get one extra empty cell that absent columns point at
        self._cols = tuple(
            index.get(name, absent)
            for name in ("identifier", "name", "kind", "address", "district", "industry_code",
                         "longitude", "latitude", "risk_class", "status", "peak_months",
                         "department")
        )
        # Memos for columns with few distinct values: raw text -> parsed value.
        self._memo: dict[str, dict[str, Any]] = {
            name: {} for name in ("kind", "district", "industry_code", "risk_class", "status",
                                  "peak_months", "department")
        }
        self._pad = absent in self._cols
        # the busiest memos, bound once
        self._kinds = self._memo["kind"]
        self._districts = self._memo["district"]
        self._peaks = self._memo["peak_months"]
        self._deps = self._memo["department"]

    def _memo_parse(self, name: str, raw: str, parse: Any) -> Any:
        memo = self._memo[name]
        try:
            return memo[raw]
        except KeyError:
            pass
        value = parse(raw)  # raises Invalid: bad values are never memoised
        if len(memo) < MEMO_LIMIT:
            memo[raw] = value
        return value

    def validate(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        """Fast path for clean text rows; anything unusual goes to the careful path."""
        if len(cells) == self.width and not self.error_count:
            try:
                record = self._fast(cells)
            except (Invalid, ValueError, TypeError, AttributeError):
                record = None
            if record is not None:
                return record
        return self.validate_slow(number, cells)

    def _fast(self, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        # Every check of validate_slow, in straight-line code with memos for the columns that
        # repeat; ``None`` sends the row to the careful path, which names what is wrong.
        row = cells if isinstance(cells, list) else list(cells)
        if self._pad:
            row.append("")  # the cell that absent columns point at
        (i_id, i_name, i_kind, i_address, i_district, i_industry, i_lon, i_lat, i_risk,
         i_status, i_months, i_dep) = self._cols
        memo = self._memo
        identifier = row[i_id].strip()
        if not identifier or not identifier.isascii():
            return None
        identifier = identifier.upper()
        raw = row[i_kind]
        kind = self._kinds.get(raw)
        if kind is None:
            kind = self._memo_parse("kind", raw, _kind_or_blank)
        if not kind:
            kind = "individual" if identifier.startswith("92") else "enterprise"
        if kind in USCC_KINDS:
            if uscc.problem(identifier) is not None:
                return None
        elif len(identifier) > MAX_SHORT:
            return None
        name = row[i_name].strip()
        if not name or len(name) > MAX_NAME:
            return None
        address = row[i_address].strip()
        if len(address) > MAX_ADDRESS:
            return None
        raw = row[i_district]
        district = self._districts.get(raw)
        if district is None:
            district = self._memo_parse("district", raw, _district)
        raw = row[i_industry]
        industry = memo["industry_code"].get(raw)
        if industry is None:
            industry = self._memo_parse("industry_code", raw, _industry)
        raw_lon, raw_lat = row[i_lon], row[i_lat]
        if raw_lon == "" and raw_lat == "":
            longitude = latitude = None
        else:
            longitude, latitude = float(raw_lon), float(raw_lat)
            if not (-180.0 <= longitude <= 180.0 and -90.0 <= latitude <= 90.0):
                return None
            region = self.refs.region
            if region is not None and not (region[0] <= longitude <= region[2]
                                           and region[1] <= latitude <= region[3]):
                return None
        raw = row[i_risk]
        risk = memo["risk_class"].get(raw)
        if risk is None:
            risk = self._memo_parse("risk_class", raw, _risk)
        raw = row[i_status]
        status = memo["status"].get(raw)
        if status is None:
            status = self._memo_parse("status", raw, _status)
        raw = row[i_months]
        peak = self._peaks.get(raw)
        if peak is None:
            peak = self._memo_parse("peak_months", raw, _months_json)
        if self._has_department:
            raw = row[i_dep]
            dep = self._deps.get(raw)
            if dep is None:
                dep = self._memo_parse("department", raw, self._department_or_fail)
        else:
            dep = self.refs.department
            if dep is None:
                return None
        key: Hashable = (dep.id, identifier) if self._per_department else identifier
        seen = self.seen
        if key in seen:
            return None
        seen.add(key)
        return (dep.id, identifier, name, kind, address, district, industry, longitude, latitude,
                risk, status, peak)

    def _department_or_fail(self, raw: str) -> DepartmentRef:
        found = self.refs.find_department(raw.strip()) if raw.strip() else self.refs.department
        fixed = self.refs.department
        if found is None or (fixed is not None and found.id != fixed.id):
            raise Invalid("dir-err-unknown-department")
        return found

    def validate_slow(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        """Every check, one cell at a time, recording each error."""
        self.begin()
        at = self.at
        dep = self.department(number, cells) if self._has_department else self.refs.department
        raw_id = at(cells, "identifier")
        identifier = ""
        try:
            identifier = normalise_code(raw_id)
            if not identifier:
                raise Invalid("dir-err-required")
        except Invalid as exc:
            self.fail(number, "identifier", raw_id, exc)
        raw_kind = at(cells, "kind")
        kind = ""
        try:
            kind = enum_value(raw_kind, SUBJECT_KINDS, default="")
        except Invalid as exc:
            self.fail(number, "kind", raw_kind, exc)
            kind = "?"
        if identifier:
            if not kind:
                # no kind given: a USCC names a market entity; 92... is an individual business
                kind = "individual" if identifier.startswith("92") else "enterprise"
            if kind in USCC_KINDS:
                try:
                    uscc_value(identifier)
                except Invalid as exc:
                    self.fail(number, "identifier", raw_id, exc)
            elif len(identifier) > MAX_SHORT:
                self.fail(number, "identifier", raw_id,
                          Invalid("dir-err-too-long", max=MAX_SHORT, length=len(identifier)))
        name = self.cell(number, cells, "name", text, MAX_NAME, required=True)
        address = self.cell(number, cells, "address", text, MAX_ADDRESS)
        district = self.cell(number, cells, "district", text, MAX_SHORT)
        raw_industry = at(cells, "industry_code")
        industry = ""
        try:
            industry = text(raw_industry, 16).upper()
            if industry and not INDUSTRY.fullmatch(industry):
                raise Invalid("dir-err-industry-code")
        except Invalid as exc:
            self.fail(number, "industry_code", raw_industry, exc)
        longitude = latitude = None
        raw_lon, raw_lat = at(cells, "longitude"), at(cells, "latitude")
        try:
            longitude = decimal(raw_lon)
            if longitude is not None and not -180.0 <= longitude <= 180.0:
                raise Invalid("dir-err-longitude-range")
        except Invalid as exc:
            self.fail(number, "longitude", raw_lon, exc)
        try:
            latitude = decimal(raw_lat)
            if latitude is not None and not -90.0 <= latitude <= 90.0:
                raise Invalid("dir-err-latitude-range")
        except Invalid as exc:
            self.fail(number, "latitude", raw_lat, exc)
        region = self.refs.region
        if (region is not None and longitude is not None and latitude is not None
                and not self._row_errors
                and not (region[0] <= longitude <= region[2]
                         and region[1] <= latitude <= region[3])):
            self.fail(number, "longitude", raw_lon, Invalid(
                "dir-err-outside-region", longitude=display(raw_lon), latitude=display(raw_lat),
                west=str(region[0]), south=str(region[1]), east=str(region[2]),
                north=str(region[3])))
        if (longitude is None) != (latitude is None) and not self._row_errors:
            missing = "latitude" if latitude is None else "longitude"
            self.fail(number, missing, at(cells, missing), Invalid("dir-err-coordinates-pair"))
        risk = self.cell(number, cells, "risk_class", enum_value, RISK_CLASSES, default="B")
        status = self.cell(number, cells, "status", enum_value, SUBJECT_STATUSES, default="active")
        peak = self.cell(number, cells, "peak_months", _months_json)
        if identifier and dep is not None:
            key: Hashable = (dep.id, identifier) if self._per_department else identifier
            self.check_duplicate(number, key, "identifier", raw_id)
        if not self.end() or dep is None:
            return None
        return (dep.id, identifier, name, kind, address, district, industry, longitude, latitude,
                risk, status, peak)


class InspectorRows(RowValidator):
    """执法检查人员名录: (department_id, staff_no, name, certificate_no, certificate_expires_on,
    qualified_items, phone)."""

    kind = "inspectors"

    def key_of(self, cells: Sequence[Cell]) -> Hashable | None:
        try:
            staff_no = text(self.at(cells, "staff_no"), MAX_SHORT, required=True)
        except Invalid:
            return None
        return self.scoped(cells, staff_no)

    def validate(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        self.begin()
        at = self.at
        dep = self.department(number, cells) if self._has_department else self.refs.department
        raw_staff = at(cells, "staff_no")
        staff_no = ""
        try:
            staff_no = text(raw_staff, MAX_SHORT, required=True)
        except Invalid as exc:
            self.fail(number, "staff_no", raw_staff, exc)
        name = self.cell(number, cells, "name", text, MAX_PERSON, required=True)
        raw_cert = at(cells, "certificate_no")
        cert: str | None = None
        try:
            cert = normalise_code(raw_cert) or None
            if cert is not None and len(cert) > MAX_SHORT:
                raise Invalid("dir-err-too-long", max=MAX_SHORT, length=len(cert))
        except Invalid as exc:
            self.fail(number, "certificate_no", raw_cert, exc)
        raw_expiry = at(cells, "certificate_expires_on")
        expires: dt.date | None = None
        try:
            expires = date_value(raw_expiry)
            if expires is not None and cert is None and not self._row_errors:
                raise Invalid("dir-err-expiry-without-certificate")
        except Invalid as exc:
            self.fail(number, "certificate_expires_on", raw_expiry, exc)
        raw_items = at(cells, "qualified_items")
        items = code_list(raw_items)
        unknown = [c for c in items if c not in self.refs.item_codes]
        if unknown:
            self.fail(number, "qualified_items", raw_items,
                      Invalid("dir-err-unknown-items", codes="、".join(unknown)))
        phone = self.cell(number, cells, "phone", text, MAX_PHONE)
        if staff_no and dep is not None:
            key: Hashable = (dep.id, staff_no) if self._per_department else staff_no
            self.check_duplicate(number, key, "staff_no", raw_staff)
        if not self.end() or dep is None:
            return None
        return (dep.id, staff_no, name, cert, expires, json_text(items), phone)


class ExpertRows(RowValidator):
    """专家名录 / 检测机构: (code, name, kind, organisation, specialties, qualified_items,
    department_id, phone)."""

    kind = "experts"

    def key_of(self, cells: Sequence[Cell]) -> Hashable | None:
        return self.code_key(cells, "code")

    def validate(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        self.begin()
        at = self.at
        dep: DepartmentRef | None = None
        if "department" in self._index:
            raw_dep = at(cells, "department")
            if display(raw_dep).strip():
                dep = self.department(number, cells)
            else:
                dep = self.refs.department
        else:
            dep = self.refs.department
        code = self.short_code(number, cells, "code")
        name = self.cell(number, cells, "name", text, MAX_EXPERT_NAME, required=True)
        kind = self.cell(number, cells, "kind", enum_value, EXPERT_KINDS, default="expert")
        organisation = self.cell(number, cells, "organisation", text, MAX_EXPERT_NAME)
        specialties = self.cell(number, cells, "specialties", text_list, MAX_EXPERT_NAME)
        raw_items = at(cells, "qualified_items")
        items = code_list(raw_items)
        unknown = [c for c in items if c not in self.refs.item_codes]
        if unknown:
            self.fail(number, "qualified_items", raw_items,
                      Invalid("dir-err-unknown-items", codes="、".join(unknown)))
        phone = self.cell(number, cells, "phone", text, MAX_PHONE)
        if code:
            self.check_duplicate(number, code, "code", at(cells, "code"))
        if not self.end():
            return None
        return (code, name, kind, organisation, json_text(specialties), json_text(items),
                dep.id if dep else None, phone)


class ItemRows(RowValidator):
    """抽查事项清单 with guidance (Art. 7, 10): (year, code, name, legal_basis,
    department_codes, subject_kinds, checklist, methods, requirements)."""

    kind = "items"

    def key_of(self, cells: Sequence[Cell]) -> Hashable | None:
        return self.code_key(cells, "code")

    def validate(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        self.begin()
        at = self.at
        year = self.refs.year
        raw_year = at(cells, "year")
        if display(raw_year).strip():
            try:
                value = whole_number(raw_year)
                if value != year:
                    raise Invalid("dir-err-year-mismatch", expected=year)
            except Invalid as exc:
                self.fail(number, "year", raw_year, exc)
        raw_code = at(cells, "code")
        code = ""
        try:
            code = normalise_code(raw_code)
            if not code:
                raise Invalid("dir-err-required")
            if not ITEM_CODE.fullmatch(code):
                raise Invalid("dir-err-item-code")
        except Invalid as exc:
            self.fail(number, "code", raw_code, exc)
            code = ""
        name = self.cell(number, cells, "name", text, MAX_NAME, required=True)
        legal_basis = self.cell(number, cells, "legal_basis", text, 20_000)
        raw_deps = at(cells, "department_codes")
        departments: list[str] = []
        unknown: list[str] = []
        for part in code_list(raw_deps):
            found = self.refs.find_department(part)
            if found is None:
                unknown.append(part)
            elif found.code not in departments:
                departments.append(found.code)
        if unknown:
            self.fail(number, "department_codes", raw_deps,
                      Invalid("dir-err-unknown-departments", codes="、".join(unknown)))
        kinds = self.cell(number, cells, "subject_kinds", enum_list, SUBJECT_KINDS)
        checklist = self.cell(number, cells, "checklist", text_list)
        methods = self.cell(number, cells, "methods", enum_list, METHODS)
        requirements = self.cell(number, cells, "requirements", text, 20_000)
        if code:
            self.check_duplicate(number, code, "code", raw_code)
        if not self.end():
            return None
        return (year, code, name, legal_basis, json_text(departments), json_text(kinds),
                json_text(checklist), json_text(methods), requirements)


class ConflictRows(RowValidator):
    """回避: (department_id, staff_no, identifier, reason); the database check that the
    inspector and the subject exist comes after, in the importer."""

    kind = "conflicts"

    def key_of(self, cells: Sequence[Cell]) -> Hashable | None:
        try:
            staff_no = text(self.at(cells, "staff_no"), MAX_SHORT, required=True)
            identifier = normalise_code(self.at(cells, "identifier"))
        except Invalid:
            return None
        dep = self.row_department(cells)
        return (dep.id if dep else None, staff_no, identifier)

    def validate(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        self.begin()
        at = self.at
        dep = self.department(number, cells) if self._has_department else self.refs.department
        raw_staff = at(cells, "staff_no")
        staff_no = ""
        try:
            staff_no = text(raw_staff, MAX_SHORT, required=True)
        except Invalid as exc:
            self.fail(number, "staff_no", raw_staff, exc)
        raw_id = at(cells, "identifier")
        identifier = self.short_code(number, cells, "identifier")
        reason = self.cell(number, cells, "reason", text, MAX_REASON, required=True)
        if staff_no and identifier and dep is not None:
            self.check_duplicate(number, (dep.id, staff_no, identifier), "identifier", raw_id)
        if not self.end() or dep is None:
            return None
        return (dep.id, staff_no, identifier, reason)


class InspectionRows(RowValidator):
    """检查记录, the last inspection of a subject for an item: (department_id, identifier,
    item_code, inspected_on). It keeps the subject out of draws for that item within the
    repeat window, so that the same subject is not burdened twice for the same thing (Art. 11:
    lower the inspected entities' cost of being checked). The database check that the subject
    is in the department's directory comes after, in the importer; the subject name is for the
    reader only, as for conflicts."""

    kind = "inspections"

    def key_of(self, cells: Sequence[Cell]) -> Hashable | None:
        identifier = self.code_key(cells, "identifier")
        item = self.code_key(cells, "item_code")
        if identifier is None or item is None:
            return None
        dep = self.row_department(cells)
        return (dep.id if dep else None, identifier, item)

    def validate(self, number: int, cells: Sequence[Cell]) -> tuple[Any, ...] | None:
        self.begin()
        at = self.at
        dep = self.department(number, cells) if self._has_department else self.refs.department
        identifier = self.short_code(number, cells, "identifier")
        raw_item = at(cells, "item_code")
        item = ""
        try:
            item = normalise_code(raw_item)
            if not item:
                raise Invalid("dir-err-required")
            if not ITEM_CODE.fullmatch(item):
                raise Invalid("dir-err-item-code")
            if item not in self.refs.item_codes:
                # any year's catalogue (Art. 7): history outlives the year it was made in
                raise Invalid("dir-err-unknown-items", codes=item)
        except Invalid as exc:
            self.fail(number, "item_code", raw_item, exc)
            item = ""
        raw_day = at(cells, "inspected_on")
        day: dt.date | None = None
        try:
            day = date_value(raw_day)
            if day is None:
                raise Invalid("dir-err-required")
            today = self.refs.today
            if today is not None and day > today:
                raise Invalid("dir-err-date-future", today=today.isoformat())
        except Invalid as exc:
            self.fail(number, "inspected_on", raw_day, exc)
        if identifier and item and dep is not None:
            # the same subject and item twice: which date is the last one is for the file's
            # author to say, so the later row is refused, naming the first
            self.check_duplicate(number, (dep.id, identifier, item), "identifier",
                                 at(cells, "identifier"))
        if not self.end() or dep is None:
            return None
        return (dep.id, identifier, item, day)


def _kind_or_blank(raw: Cell) -> str:
    return enum_value(raw, SUBJECT_KINDS, default="")


def _district(raw: Cell) -> str:
    return text(raw, MAX_SHORT)


def _industry(raw: Cell) -> str:
    value = text(raw, 16).upper()
    if value and not INDUSTRY.fullmatch(value):
        raise Invalid("dir-err-industry-code")
    return value


def _risk(raw: Cell) -> str:
    return enum_value(raw, RISK_CLASSES, default="B")


def _status(raw: Cell) -> str:
    return enum_value(raw, SUBJECT_STATUSES, default="active")


def whole_number(raw: Cell) -> int:
    """A whole number (a year)."""
    value = decimal(raw)
    if value is None or not value.is_integer():
        raise Invalid("dir-err-not-integer")
    return int(value)


VALIDATORS: dict[str, type[RowValidator]] = {
    "subjects": SubjectRows,
    "inspectors": InspectorRows,
    "experts": ExpertRows,
    "items": ItemRows,
    "conflicts": ConflictRows,
    "inspections": InspectionRows,
}
