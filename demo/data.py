"""Realistic synthetic directories for Ezhou (鄂州市), deterministic from a seed.

Five districts (鄂城区, 华容区, 梁子湖区, 葛店开发区, 临空经济区) with coordinate boxes inside
the city; five departments with stable codes; each department's items with guidance for this
year and next (Art. 7, 10); subjects with valid USCCs (GB 32100-2015, with the embedded GB 11714
organisation code check too), GB/T 4754 industry codes, a realistic skew of credit risk classes
and registration statuses, peak months, recent inspections; inspectors with enforcement
certificates (some expiring soon, a few without); experts and testing institutions; a few
declared conflicts of interest (Art. 8, 9).

This is synthetic data, so ``random.Random(seed)`` is fine here; the draws themselves never use
``random`` (DESIGN.md §5). Subjects are generated and inserted in batches, so millions load in
bounded memory (``load_demo_data``), and ``write_subjects_csv`` writes an import file of N
subjects for the benchmark.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit import AuditEntry, AuditTrail
from services.clock import Clock, local_date
from services.directories import uscc
from services.directories.bulk import insert_records
from services.directories.enums import SUBJECT_KINDS, SUBJECT_STATUSES
from services.directories.exporter import headers
from services.directories.tables import (
    CONFLICTS,
    EXPERTS,
    INSPECTIONS,
    INSPECTORS,
    ITEMS,
    SUBJECTS,
    TableSpec,
)
from storage.models import (
    CatalogueYear,
    Department,
    Inspector,
    Subject,
    SubjectInspection,
)

DEMO_ACTOR = "demo-data"
BATCH = 5000
AUDIT_KEYS_PER_EVENT = 5000  # as the importer: one created-event per batch of records

# The fixed tables are data files beside this module (demo/tables/*.json), not code.
TABLES = Path(__file__).parent / "tables"


def _table(name: str) -> Any:
    """One table of demo/tables/ as JSON."""
    return json.loads((TABLES / f"{name}.json").read_text(encoding="utf-8"))


# (code, 中文名称, English name) — stable codes, documented in docs/directories.md
DEPARTMENTS: tuple[tuple[str, str, str], ...] = tuple(
    (d["code"], d["name_zh"], d["name_en"]) for d in _table("departments")
)


@dataclass(frozen=True)
class District:
    """A district with its division code (for USCCs), streets and a lat/lon box (WGS-84)."""

    name: str
    division: str
    streets: tuple[str, ...]
    lat: tuple[float, float]
    lon: tuple[float, float]
    weight: int


DISTRICTS: tuple[District, ...] = tuple(
    District(d["name"], d["division"], tuple(d["streets"]), (d["lat"][0], d["lat"][1]),
             (d["lon"][0], d["lon"][1]), d["weight"])
    for d in _table("districts")
)


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 class with name words, peak months and the departments that watch it."""

    code: str
    label: str
    words: tuple[str, ...]
    suffixes: tuple[str, ...]
    peak: tuple[int, ...]
    departments: tuple[str, ...]  # besides SCJG, which lists every market entity
    individual_share: float
    weight: int


INDUSTRIES: tuple[Industry, ...] = tuple(
    Industry(i["code"], i["label"], tuple(i["words"]), tuple(i["suffixes"]), tuple(i["peak"]),
             tuple(i["departments"]), i["individual_share"], i["weight"])
    for i in _table("industries")
)

# Shop-name characters (字号); two of them make a name, as most Ezhou businesses have.
_NAMES = _table("names")
BRAND: str = _NAMES["brand"]
SURNAMES: str = _NAMES["surnames"]
GIVEN: str = _NAMES["given"]

# Risk classes: most subjects low or moderate risk, few high (信用风险分类 as published).
_WEIGHTS = _table("weights")
RISK_WEIGHTS: tuple[tuple[str, int], ...] = tuple(_WEIGHTS["risk"].items())
STATUS_WEIGHTS: tuple[tuple[str, int], ...] = tuple(_WEIGHTS["status"].items())


@dataclass(frozen=True)
class ItemTemplate:
    """One item of the catalogue with its guidance (工作指引, Art. 10)."""

    code: str
    name: str
    departments: tuple[str, ...]
    kinds: tuple[str, ...]
    legal_basis: str
    checklist: tuple[str, ...]
    methods: tuple[str, ...]
    requirements: str
    # GB/T 4754 classes (or prefixes) the item applies to; empty: every subject of its kinds
    industries: tuple[str, ...] = ()


ITEMS_CATALOGUE: tuple[ItemTemplate, ...] = tuple(
    ItemTemplate(t["code"], t["name"], tuple(t["departments"]), tuple(t["kinds"]),
                 t["legal_basis"], tuple(t["checklist"]), tuple(t["methods"]), t["requirements"],
                 tuple(t["industries"]))
    for t in _table("items")
)

PROJECTS: tuple[tuple[str, str, str, str], ...] = tuple(
    (p["code"], p["name"], p["department"], p["district"]) for p in _table("projects")
)
_EXPERTS = _table("experts")
EXPERTS_DATA: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = tuple(
    (e["code"], e["name"], e["kind"], e["parent"], tuple(e["fields"]))
    for e in _EXPERTS["institutions"]
)
EXPERT_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (f["field"], f["department"]) for f in _EXPERTS["fields"]
)
CONFLICT_REASONS: tuple[str, ...] = tuple(_EXPERTS["conflict_reasons"])
INSPECTORS_PER_DEPARTMENT: dict[str, int] = dict(_WEIGHTS["inspectors_per_department"])


@dataclass(frozen=True)
class DemoSummary:
    """What ``load_demo_data`` loaded (or found already loaded)."""

    seed: int
    departments: int
    items: int
    subjects: int
    inspectors: int
    experts: int
    conflicts: int
    inspections: int
    loaded: bool  # False when the database already held demo data


@dataclass(frozen=True)
class SubjectDraft:
    """One generated subject with the department directories that list it."""

    identifier: str
    name: str
    kind: str
    address: str
    district: str
    industry: str
    longitude: float
    latitude: float
    risk: str
    status: str
    peak: list[int]
    departments: tuple[str, ...]
    active: bool
    inspected: tuple[str, dt.date] | None


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


class DemoGenerator:
    """Deterministic generator of the demo directories from ``seed`` and ``today``."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.seed = seed
        self.today = today
        self.year = today.year

    def person(self, rng: random.Random) -> str:
        """A plausible Chinese name."""
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def items(self, year: int) -> list[tuple[Any, ...]]:
        """The catalogue of ``year`` as item records (ITEMS.columns order)."""
        return [
            (
                year,
                t.code,
                t.name,
                t.legal_basis,
                list(t.departments),
                list(t.kinds),
                list(t.checklist),
                list(t.methods),
                t.requirements,
            )
            for t in ITEMS_CATALOGUE
        ]

    def subjects(self, n: int) -> Iterator[SubjectDraft]:
        """``n`` market entities (plus a few projects), each with its directories."""
        rng = random.Random(f"jointcheck-demo-subjects-{self.seed}")
        district_weights = [d.weight for d in DISTRICTS]
        industry_weights = [i.weight for i in INDUSTRIES]
        # an affine bijection on 0..10^8-1 spreads organisation codes without repeats
        offset = rng.randrange(10**8)
        for index in range(n):
            district = rng.choices(DISTRICTS, weights=district_weights)[0]
            industry = rng.choices(INDUSTRIES, weights=industry_weights)[0]
            individual = rng.random() < industry.individual_share
            org = f"{(index * 48271 + offset) % 10**8:08d}"
            body = ("92" if individual else "91") + district.division + org
            body += uscc.organisation_check(org)
            code = body + uscc.check_character(body)
            brand = rng.choice(BRAND) + rng.choice(BRAND)
            word = rng.choice(industry.words)
            if individual:
                name = f"{district.name}{brand}{word}"
                if rng.random() < 0.3:
                    name += f"（{rng.choice(district.streets)}店）"
            else:
                suffix = rng.choice(industry.suffixes)
                name = (
                    f"鄂州市{brand}{suffix}"
                    if suffix.endswith(("公司", "合作社"))
                    else f"{district.name}{brand}{word}{suffix}"
                )
            address = (
                f"湖北省鄂州市{district.name}{rng.choice(district.streets)}{rng.randint(1, 888)}号"
            )
            lat = round(rng.uniform(*district.lat), 6)
            lon = round(rng.uniform(*district.lon), 6)
            status = _weighted(rng, STATUS_WEIGHTS)
            risk = _weighted(rng, RISK_WEIGHTS)
            if status != "active" and risk in ("A", "B") and rng.random() < 0.5:
                risk = "C"
            departments = ("SCJG", *industry.departments)
            active = rng.random() >= 0.01  # a few already taken off the directory
            inspected = None
            if rng.random() < 0.08:
                own = [
                    t.code
                    for t in ITEMS_CATALOGUE
                    if t.departments[0] in departments
                    and ("individual" if individual else "enterprise") in t.kinds
                ]
                if own:
                    days = rng.randint(10, 540)
                    inspected = (rng.choice(own), self.today - dt.timedelta(days=days))
            yield SubjectDraft(
                code,
                name,
                "individual" if individual else "enterprise",
                address,
                district.name,
                industry.code,
                lon,
                lat,
                risk,
                status,
                list(industry.peak),
                departments,
                active,
                inspected,
            )

    def projects(self) -> list[SubjectDraft]:
        """Construction projects, identified by their project codes (not USCCs)."""
        rng = random.Random(f"jointcheck-demo-projects-{self.seed}")
        out = []
        for code, name, dep, district_name in PROJECTS:
            district = next(d for d in DISTRICTS if d.name == district_name)
            out.append(
                SubjectDraft(
                    code,
                    name,
                    "project",
                    f"湖北省鄂州市{district.name}{rng.choice(district.streets)}",
                    district.name,
                    "E4812",
                    round(rng.uniform(*district.lon), 6),
                    round(rng.uniform(*district.lat), 6),
                    rng.choice("BC"),
                    "active",
                    [],
                    (dep,) if dep != "JTYS" else ("JTYS", "YJGL"),
                    True,
                    None,
                )
            )
        return out

    def inspectors(self, department: str) -> list[tuple[Any, ...]]:
        """(staff_no, name, certificate_no, expires_on, qualified_items, phone) per inspector."""
        rng = random.Random(f"jointcheck-demo-inspectors-{self.seed}-{department}")
        own = [t.code for t in ITEMS_CATALOGUE if department in t.departments]
        out = []
        for i in range(1, INSPECTORS_PER_DEPARTMENT[department] + 1):
            staff_no = f"{department}{i:03d}"
            roll = rng.random()
            if roll < 0.06:
                certificate, expires = None, None  # daily supervision staff without one
            else:
                certificate = (
                    f"4207{DEPARTMENTS_INDEX[department]:02d}{rng.randint(10**7, 10**8 - 1)}"
                )
                if roll < 0.10:
                    expires = self.today - dt.timedelta(days=rng.randint(1, 90))
                elif roll < 0.22:
                    expires = self.today + dt.timedelta(days=rng.randint(1, 60))
                else:
                    expires = self.today + dt.timedelta(days=rng.randint(90, 1100))
            items = sorted(rng.sample(own, k=rng.randint(1, len(own))))
            phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"
            out.append((staff_no, self.person(rng), certificate, expires, items, phone))
        return out

    def experts(self, department_ids: dict[str, int]) -> list[tuple[Any, ...]]:
        """Experts and institutions as EXPERTS records."""
        rng = random.Random(f"jointcheck-demo-experts-{self.seed}")
        out: list[tuple[Any, ...]] = []
        for code, name, kind, org, fields in EXPERTS_DATA:
            items = sorted({t.code for t in ITEMS_CATALOGUE if rng.random() < 0.25})
            out.append(
                (
                    code,
                    name,
                    kind,
                    org,
                    list(fields),
                    items,
                    None,
                    f"0711-{rng.randint(3000000, 3999999)}",
                )
            )
        for i, (speciality, dep) in enumerate(EXPERT_FIELDS, start=1):
            own = sorted(t.code for t in ITEMS_CATALOGUE if dep in t.departments)
            employer = rng.choice(
                (
                    "武汉大学",
                    "华中科技大学",
                    "湖北工业大学",
                    "鄂州职业大学",
                    "鄂州市中心医院",
                    "湖北省安全生产技术中心",
                )
            )
            out.append(
                (
                    f"ZJ{i:03d}",
                    self.person(rng),
                    "expert",
                    employer,
                    [speciality],
                    own,
                    department_ids[dep],
                    f"13{rng.randint(100000000, 999999999)}",
                )
            )
        return out


DEPARTMENTS_INDEX = {code: i for i, (code, _, _) in enumerate(DEPARTMENTS, start=1)}


async def load_demo_data(
    session: AsyncSession,
    clock: Clock,
    *,
    subjects: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Load the demo directories (``subjects`` market entities) and commit; idempotent."""
    today = local_date(clock())
    existing = await session.scalar(
        select(func.count())
        .select_from(Department)
        .where(Department.code.in_([c for c, _, _ in DEPARTMENTS]))
    )
    if existing and await session.scalar(select(func.count()).select_from(Subject)):
        summary = await _count(session, seed)
        await session.rollback()
        return summary
    gen = DemoGenerator(seed, today)
    conn = await session.connection()
    dep_ids: dict[str, int] = {}
    # what was created, as the importer audits it: one event per batch with the natural keys
    audit: list[AuditEntry] = []
    for code, name_zh, name_en in DEPARTMENTS:
        found = await session.scalar(select(Department).where(Department.code == code))
        if found is None:
            found = Department(code=code, name_zh=name_zh, name_en=name_en)
            session.add(found)
            await session.flush()
            audit.append(AuditEntry("department.created", "department", code,
                                    {"code": code, "name_zh": name_zh, "name_en": name_en,
                                     "source": "demo", "seed": seed}))
        dep_ids[code] = found.id
    dep_codes = {v: k for k, v in dep_ids.items()}

    def created(spec: TableSpec, records: Sequence[Any]) -> None:
        for start in range(0, len(records), AUDIT_KEYS_PER_EVENT):
            chunk = records[start:start + AUDIT_KEYS_PER_EVENT]
            audit.append(AuditEntry(
                f"{spec.entity}.created", spec.entity, "",
                {"count": len(chunk), "keys": [_natural_key(spec, r, dep_codes) for r in chunk],
                 "source": "demo", "seed": seed},
            ))
    item_count = 0
    for year in (gen.year, gen.year + 1):
        records = gen.items(year)
        await insert_records(conn, ITEMS, records)
        created(ITEMS, records)
        item_count += len(records)
        if await session.get(CatalogueYear, year) is None:
            session.add(CatalogueYear(year=year))
    await session.flush()

    inspector_count = 0
    for code, _, _ in DEPARTMENTS:
        rows = gen.inspectors(code)
        inspector_records = [(dep_ids[code], *r) for r in rows]
        await insert_records(conn, INSPECTORS, inspector_records)
        created(INSPECTORS, inspector_records)
        inspector_count += len(rows)
    experts = gen.experts(dep_ids)
    await insert_records(conn, EXPERTS, experts)
    created(EXPERTS, experts)

    subject_rows = 0
    inspections = 0
    total = subjects + len(PROJECTS)
    done = 0
    batch: list[SubjectDraft] = []
    conflict_candidates: list[tuple[str, str]] = []
    conflict_rng = random.Random(f"jointcheck-demo-conflicts-{seed}")

    async def flush(drafts: list[SubjectDraft]) -> tuple[int, int]:
        records: list[tuple[Any, ...]] = []
        flags: list[bool] = []
        for d in drafts:
            for dep in d.departments:
                records.append(
                    (
                        dep_ids[dep],
                        d.identifier,
                        d.name,
                        d.kind,
                        d.address,
                        d.district,
                        d.industry,
                        d.longitude,
                        d.latitude,
                        d.risk,
                        d.status,
                        d.peak,
                    )
                )
                flags.append(d.active)
        await insert_records(conn, SUBJECTS, records, active=flags)
        created(SUBJECTS, records)
        visited = [d for d in drafts if d.inspected is not None]
        count = 0
        if visited:
            owners: dict[int, list[str]] = {}
            for d in visited:
                assert d.inspected is not None
                owner = next(t.departments[0] for t in ITEMS_CATALOGUE if t.code == d.inspected[0])
                owners.setdefault(dep_ids[owner], []).append(d.identifier)
            ids: dict[tuple[int, str], int] = {}
            for dep_id, identifiers in owners.items():
                # (department_id, identifier) is the unique index: no scan of the whole table
                found = await session.execute(
                    select(Subject.id, Subject.identifier).where(
                        Subject.department_id == dep_id, Subject.identifier.in_(identifiers)
                    )
                )
                ids.update({(dep_id, row.identifier): row.id for row in found})
            rows = []
            for d in visited:
                assert d.inspected is not None
                item, day = d.inspected
                owner = next(t.departments[0] for t in ITEMS_CATALOGUE if t.code == item)
                subject_id = ids.get((dep_ids[owner], d.identifier))
                if subject_id is not None:
                    rows.append({"subject_id": subject_id, "item_code": item, "inspected_on": day})
            if rows:
                await session.execute(insert(SubjectInspection), rows)
                created(INSPECTIONS, [(r["subject_id"], r["item_code"], r["inspected_on"])
                                      for r in rows])
                count = len(rows)
        return len(records), count

    for draft in [*gen.projects(), *gen.subjects(subjects)]:
        batch.append(draft)
        if len(conflict_candidates) < 400 and draft.active and conflict_rng.random() < 0.01:
            conflict_candidates.append((draft.departments[-1], draft.identifier))
        if len(batch) >= BATCH:
            added, visited = await flush(batch)
            subject_rows += added
            inspections += visited
            done += len(batch)
            batch = []
            if progress is not None:
                progress(done, total)
    if batch:
        added, visited = await flush(batch)
        subject_rows += added
        inspections += visited
        done += len(batch)
    if progress is not None:
        progress(done, total)

    conflict_records = await _conflicts(session, conflict_rng, conflict_candidates, dep_ids)
    created(CONFLICTS, conflict_records)
    conflicts = len(conflict_records)
    trail = AuditTrail(session, clock)
    await trail.record_many(DEMO_ACTOR, audit)
    await trail.record(
        DEMO_ACTOR,
        "demo.loaded",
        "demo",
        str(seed),
        {
            "seed": seed,
            "subjects": subject_rows,
            "items": item_count,
            "inspectors": inspector_count,
            "experts": len(experts),
            "conflicts": conflicts,
            "inspections": inspections,
            "departments": sorted(dep_ids),
        },
    )
    await session.commit()
    return DemoSummary(
        seed,
        len(dep_ids),
        item_count,
        subject_rows,
        inspector_count,
        len(experts),
        conflicts,
        inspections,
        True,
    )


async def load_demo_departments(session: AsyncSession, clock: Clock) -> list[str]:
    """Only the five departments (for officials who bring their own files); idempotent."""
    from services.directories.catalogue import add_department

    for code, name_zh, name_en in DEPARTMENTS:
        await add_department(session, clock, code=code, name_zh=name_zh, name_en=name_en,
                             actor=DEMO_ACTOR)
    return [code for code, _, _ in DEPARTMENTS]


async def _conflicts(
    session: AsyncSession,
    rng: random.Random,
    candidates: list[tuple[str, str]],
    dep_ids: dict[str, int],
) -> list[tuple[Any, ...]]:
    """A handful of declared conflicts: an inspector of the subject's department, a reason."""
    picks = candidates[: min(len(candidates), 12)]
    records: list[tuple[Any, ...]] = []
    for dep, identifier in picks:
        inspector = await session.scalar(
            select(Inspector.id)
            .where(Inspector.department_id == dep_ids[dep])
            .order_by(Inspector.staff_no)
            .offset(rng.randrange(INSPECTORS_PER_DEPARTMENT[dep]))
            .limit(1)
        )
        subject_ids = (
            await session.scalars(select(Subject.id).where(Subject.identifier == identifier))
        ).all()
        reason = rng.choice(CONFLICT_REASONS)
        records.extend((inspector, s, reason) for s in subject_ids)
    unique = list({(r[0], r[1]): r for r in records}.values())
    await insert_records(await session.connection(), CONFLICTS, unique)
    return unique


def _natural_key(spec: TableSpec, record: Sequence[Any], dep_codes: dict[int, str]) -> str:
    """A created record's key as the importer's audit writes it: ``SCJG/9142…``, ``2026/…``."""
    parts = []
    for column_name, position in zip(spec.key, spec.key_positions, strict=True):
        value = record[position]
        parts.append(dep_codes.get(value, str(value)) if column_name == "department_id"
                     else str(value))
    return "/".join(parts)


async def _count(session: AsyncSession, seed: int) -> DemoSummary:
    from storage.models import Conflict, Expert, InspectionItem

    async def count(model: Any) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    return DemoSummary(
        seed,
        await count(Department),
        await count(InspectionItem),
        await count(Subject),
        await count(Inspector),
        await count(Expert),
        await count(Conflict),
        await count(SubjectInspection),
        False,
    )


def write_subjects_csv(path: Path, n: int, *, seed: int = 1, department: str | None = None) -> int:
    """Write an import file of ``n`` subjects (export format, UTF-8 with BOM); returns rows."""
    gen = DemoGenerator(seed, dt.date(2026, 3, 2))
    columns = headers("subjects")
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        kinds = {c.code: c.zh for c in SUBJECT_KINDS.choices}
        statuses = {c.code: c.zh for c in SUBJECT_STATUSES.choices}
        for d in gen.subjects(n):
            writer.writerow(
                (
                    d.identifier,
                    d.name,
                    kinds[d.kind],
                    d.address,
                    d.district,
                    d.industry,
                    repr(d.longitude),
                    repr(d.latitude),
                    d.risk,
                    statuses[d.status],
                    "、".join(map(str, d.peak)),
                    department or d.departments[0],
                )
            )
            rows += 1
    return rows


__all__ = [
    "DemoGenerator", "DemoSummary", "load_demo_data", "load_demo_departments",
    "write_subjects_csv",
]
