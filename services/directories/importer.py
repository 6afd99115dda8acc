"""Import a directory file, all or nothing (Art. 8, 9; DESIGN.md §3.1, §9).

One streaming pass: rows are validated (in a child process for big files) and, while the file
is clean so far, written in batches inside one transaction: new records by bulk insert
(``executemany`` on SQLite, ``COPY`` on PostgreSQL, one streaming COPY for a directory that is
still empty), changed ones by update with a per-record audit event listing the changed fields.
The first bad row stops all writing; the pass goes on to report every error, then the
transaction is rolled back, so a file with any bad row changes nothing. ``--sync`` then
deactivates (never deletes) records of the scope missing from the file.

Audit: each batch of created records is one event listing their natural keys (with the file's
SHA-256), each update or deactivation is one event with its field changes, and one closing
``directory.imported`` event sums the import up. An auditor can thus see exactly which records a
file created and how every existing record changed, while a million-row import adds only a few
hundred events.

Inspections (检查记录, ``subject_inspection``) differ in two ways: the table holds the last
inspection per subject and item, so an older date than the stored one keeps the stored date
(counted as ``kept_newer``), and history is never deactivated, so ``--sync`` is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from storage.models import CatalogueYear, Department, InspectionItem, Inspector, Subject

from services.actors import Actor
from services.audit import AuditEntry, AuditTrail
from services.clock import Clock, local_date
from services.directories import pipeline
from services.directories.bulk import insert_records, restore_after_bulk, tune_for_bulk
from services.directories.columns import HeaderMap
from services.directories.errors import (
    CatalogueLocked,
    SyncNeedsConfirmation,
    UnknownDepartment,
    check_year,
)
from services.directories.pipeline import Batch, FileInfo, Summary
from services.directories.tables import TABLES, TableSpec, jsonable
from services.directories.validation import DepartmentRef, References, RowError, json_text
from services.errors import ValidationFailed

SAMPLE_CHANGES = 20
LOOKUP_CHUNK = 1000
SYNC_CHUNK = 5000

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportRequest:
    """What to import and how."""

    kind: str  # subjects | inspectors | experts | items | conflicts | inspections
    path: Path
    department: str | None = None  # code or name; every row belongs to it
    year: int | None = None  # items: the catalogue year (default: this year)
    dry_run: bool = False
    sync: bool = False
    # who imports: the audit names them, and only the organiser or the department's admin may
    actor: Actor = field(default_factory=lambda: Actor.system("cli"))
    parallel: bool | None = None  # validate in a child process (None: by file size)
    # subjects: coordinates must lie in this box (west, south, east, north); None: anywhere
    region: tuple[float, float, float, float] | None = None
    # --sync: deactivating more than this many records needs ``confirmed`` (None: never asks)
    sync_confirm_above: int | None = None
    confirmed: bool = False


def authorize_import(actor: Actor, kind: str, department: str | None) -> None:
    """Who may import a directory: a department's admin its own subjects, inspectors,
    conflicts and inspection history (``--department``); the organiser (or the system) any
    file, the item catalogue and the experts' pool (Art. 6, 7: the lists are kept by each
    department, the catalogue and the pool by the organiser). Refused before a row is read."""
    if department is None or kind in ("items", "experts"):
        actor.require_organiser("import-all", kind=kind)
    else:
        actor.require_department(department, "import", organiser_too=True, kind=kind)


@dataclass(frozen=True)
class RecordChange:
    """One record that was (or, in a dry run, would be) created, updated or deactivated."""

    action: str  # created | updated | deactivated | kept (inspections: the newer date stayed)
    key: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import: counts, a sample of the changes, and every row error."""

    kind: str
    file: str
    format: str
    encoding: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    deactivated: int
    dry_run: bool
    written: bool
    error_count: int
    bad_rows: int
    errors: tuple[RowError, ...]
    ignored_columns: tuple[str, ...]
    changes: tuple[RecordChange, ...]
    department: str | None = None
    year: int | None = None
    header: HeaderMap | None = None  # where the file's header is, for the error file
    source: Path = Path()
    # inspections: rows older than the stored last inspection, which was kept
    kept_newer: int = 0

    @property
    def ok(self) -> bool:
        """Whether the file was clean."""
        return self.error_count == 0


@dataclass
class _State:
    spec: TableSpec
    info: FileInfo | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    kept_newer: int = 0
    parent_errors: list[RowError] = field(default_factory=list)
    changes: list[RecordChange] = field(default_factory=list)
    matched_ids: set[int] = field(default_factory=set)
    scope_values: set[Any] = field(default_factory=set)
    fresh: dict[Any, bool] = field(default_factory=dict)
    max_id_before: int = 0
    writing: bool = True

    def sample(self, change: RecordChange) -> None:
        """Keep a change for the report, up to ``SAMPLE_CHANGES``."""
        if len(self.changes) < SAMPLE_CHANGES:
            self.changes.append(change)


def _differences(
    spec: TableSpec, old: dict[str, Any], record: tuple[Any, ...]
) -> dict[str, tuple[Any, Any]]:
    """The fields where ``record`` differs from the stored row, as (old, new) for the audit."""
    diff: dict[str, tuple[Any, Any]] = {}
    for col, value in zip(spec.columns, record, strict=True):
        stored = old[col]
        if col in spec.json_columns:
            if json_text(stored) != value:
                diff[col] = (stored, json.loads(value))
        elif stored != value:
            diff[col] = (jsonable(stored), jsonable(value))
    if not old["active"]:
        diff["active"] = (False, True)
    return diff


class DirectoryImporter:
    """Imports one directory file into the database, all or nothing, with its audit trail."""

    def __init__(
        self, session: AsyncSession, clock: Clock, audit: AuditTrail | None = None
    ) -> None:
        self._session = session
        self._clock = clock
        self._audit = audit or AuditTrail(session, clock)
        self._departments: dict[int, DepartmentRef] = {}
        # conflicts: readable natural keys of the inspectors and subjects met on the way
        self._inspector_keys: dict[int, str] = {}
        self._subject_keys: dict[int, str] = {}

    # --- references -------------------------------------------------------------------------

    async def _references(self, request: ImportRequest) -> References:
        rows = (await self._session.execute(
            select(Department.id, Department.code, Department.name_zh)
        )).all()
        departments = tuple(DepartmentRef(r.id, r.code, r.name_zh) for r in rows)
        self._departments = {d.id: d for d in departments}
        refs = References(departments=departments)
        fixed: DepartmentRef | None = None
        if request.department:
            fixed = refs.find_department(request.department)
            if fixed is None:
                raise UnknownDepartment(code=request.department)
        authorize_import(request.actor, request.kind, fixed.code if fixed else None)
        item_codes: frozenset[str] = frozenset()
        if request.kind in ("inspectors", "experts", "inspections"):
            item_codes = frozenset(
                (await self._session.scalars(select(InspectionItem.code).distinct())).all()
            )
        year = None
        if request.kind == "items":
            year = check_year(request.year or local_date(self._clock()).year)
            locked = await self._session.get(CatalogueYear, year)
            if locked is not None and locked.locked_at is not None:
                raise CatalogueLocked(year=year, locked_by=locked.locked_by or "")
        today = local_date(self._clock()) if request.kind == "inspections" else None
        return References(
            departments=departments, department=fixed, item_codes=item_codes, year=year,
            today=today, region=request.region if request.kind == "subjects" else None,
        )

    # --- the import ---------------------------------------------------------------------------

    async def run(
        self, request: ImportRequest, progress: ProgressCallback | None = None
    ) -> ImportReport:
        """Validate and import ``request.path``; commits only a clean file (and not a dry run)."""
        if request.sync and request.kind == "inspections":
            # the last inspection of a subject stays history whatever a later file lists
            raise ValidationFailed("dir-sync-not-supported")
        state = _State(TABLES[request.kind])
        conn = await self._connection()
        previous = await tune_for_bulk(conn)
        try:
            report = await self._run(request, state, progress)
        except BaseException:
            with suppress(Exception):  # the connection may be what failed
                await restore_after_bulk(conn, previous)
            await self._session.rollback()
            raise
        await restore_after_bulk(conn, previous)
        if report.written:
            await self._session.commit()
            await self._analyze(state.spec, report)
        else:
            await self._session.rollback()
        return report

    async def _analyze(self, spec: TableSpec, report: ImportReport) -> None:
        """PostgreSQL: refresh the planner's statistics of the tables a bulk import changed.

        Autovacuum gets to a table only after a while; meanwhile the planner still believes
        the table empty (COPY does not update ``reltuples``) and a concurrent import's key
        lookups run as sequential scans (2 s each on a million rows instead of milliseconds).
        """
        bind = self._session.bind
        if bind is None or bind.dialect.name != "postgresql":
            return
        if not (report.created or report.updated or report.deactivated):
            return
        for name in (spec.table.name, "audit_event"):
            await self._session.execute(text(f'ANALYZE "{name}"'))
        await self._session.commit()

    async def _run(
        self, request: ImportRequest, state: _State, progress: ProgressCallback | None
    ) -> ImportReport:
        """The pass and the writes, in the open transaction (``run`` commits or rolls back)."""
        refs = await self._references(request)
        table = state.spec.table
        state.max_id_before = int(
            await self._session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
        )
        if refs.department is not None:
            state.scope_values.add(refs.department.id)
        if await self._can_stream(request, state, refs):
            summary = await self._stream_copy(request, state, refs, progress)
        else:
            summary = await self._batches(request, state, refs, progress)
        info = state.info
        if summary is None or info is None:  # pragma: no cover - the stream's contract
            raise RuntimeError("the validation pass ended without its summary")
        errors = sorted([*summary.errors, *state.parent_errors], key=lambda e: (e.row, e.column))
        error_count = summary.error_count + len(state.parent_errors)
        clean = error_count == 0
        if clean and request.sync:
            await self._sync(request, state, refs)
        written = clean and not request.dry_run
        if written:
            await self._finish(request, state, refs, summary)
        return ImportReport(
            kind=request.kind, file=info.name, format=info.format, encoding=info.encoding,
            sha256=info.sha256, rows=summary.rows,
            created=state.created if clean else 0,
            updated=state.updated if clean else 0,
            unchanged=state.unchanged if clean else 0,
            deactivated=state.deactivated if clean else 0,
            dry_run=request.dry_run, written=written, error_count=error_count,
            bad_rows=summary.bad_rows + len({e.row for e in state.parent_errors}),
            errors=tuple(errors), ignored_columns=info.header.ignored,
            changes=tuple(state.changes) if clean else (),
            department=refs.department.code if refs.department else None, year=refs.year,
            header=info.header, source=request.path,
            kept_newer=state.kept_newer if clean else 0,
        )

    async def _batches(
        self, request: ImportRequest, state: _State, refs: References,
        progress: ProgressCallback | None,
    ) -> Summary | None:
        """The general path: each clean batch compared with what is stored, then written."""
        summary: Summary | None = None
        async for message in pipeline.stream(
            request.path, request.kind, refs, parallel=request.parallel
        ):
            if isinstance(message, FileInfo):
                state.info = message
            elif isinstance(message, Batch):
                if progress is not None:
                    progress(message.done, message.total)
                if message.error_count or state.parent_errors:
                    state.writing = False
                if state.writing and message.records:
                    await self._batch(request, state, message)
                elif request.kind == "inspections" and message.records:
                    # writing stopped at an unknown subject: go on naming the others
                    await self._resolve_inspections(state, message)
            else:
                summary = message
        return summary

    async def _can_stream(self, request: ImportRequest, state: _State, refs: References) -> bool:
        """Whether one streaming COPY can take the whole file: PostgreSQL, a real import, and
        a scope known in advance that holds no records yet (nothing to compare with)."""
        if self._session.bind is None or self._session.bind.dialect.name != "postgresql":
            return False
        if request.dry_run or request.parallel:
            return False
        if request.kind in ("subjects", "inspectors") and refs.department is not None:
            return await self._is_fresh(state, refs.department.id)
        if request.kind == "items":
            return await self._is_fresh(state, refs.year)
        if request.kind == "experts":
            return await self._is_fresh(state, None)
        return False

    async def _stream_copy(
        self, request: ImportRequest, state: _State, refs: References,
        progress: ProgressCallback | None,
    ) -> Summary | None:
        """A fresh directory on PostgreSQL: rows are validated in this process and streamed
        into one COPY as they come, so the server inserts on the other core meanwhile (a
        validation child would only compete with it for the CPU)."""
        spec = state.spec
        summary: Summary | None = None
        created: list[AuditEntry] = []

        async def records() -> AsyncIterator[tuple[Any, ...]]:
            nonlocal summary
            async for message in pipeline.stream(
                request.path, request.kind, refs, parallel=False
            ):
                if isinstance(message, FileInfo):
                    state.info = message
                elif isinstance(message, Batch):
                    if progress is not None:
                        progress(message.done, message.total)
                    if message.error_count:
                        state.writing = False
                    if state.writing and message.records:
                        state.created += len(message.records)
                        created.append(self._created_entry(state, message.records))
                        for record in message.records:
                            yield (*record, True)
                else:
                    summary = message

        conn = await self._connection()
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        if driver is None or not driver.is_in_transaction():
            raise RuntimeError("COPY needs the transaction SQLAlchemy has begun")
        await driver.copy_records_to_table(
            spec.table.name, records=records(), columns=[*spec.columns, "active"]
        )
        if state.writing and created:
            await self._audit.record_many(request.actor, created)
        return summary

    def _sample_created(self, state: _State, records: Sequence[tuple[Any, ...]]) -> None:
        room = max(0, SAMPLE_CHANGES - len(state.changes))
        for key in self._key_texts(state.spec, records[:room]):
            state.sample(RecordChange("created", key))

    def _created_entry(self, state: _State, records: Sequence[tuple[Any, ...]]) -> AuditEntry:
        """One audit event for a batch of created records: their natural keys, the file."""
        spec = state.spec
        keys = self._key_texts(spec, records)
        self._sample_created(state, records)
        return AuditEntry(
            f"{spec.entity}.created", spec.entity, "",
            {"count": len(records), "keys": keys,
             "file": state.info.name if state.info else "",
             "file_sha256": state.info.sha256 if state.info else ""},
        )

    async def _batch(self, request: ImportRequest, state: _State, batch: Batch) -> None:
        spec = state.spec
        records: Sequence[tuple[Any, ...]] = batch.records
        if spec.kind == "inspections":
            await self._inspections_batch(request, state, batch)
            return
        if spec.kind == "conflicts":
            records = await self._resolve_conflicts(state, batch)
            if state.parent_errors:
                state.writing = False
                return
        # what --sync will look at: the departments (or year) the file covers
        if spec.kind == "experts":
            if request.department is None:
                state.scope_values.add(None)
        elif spec.kind == "conflicts":
            state.scope_values.update({r[0] for r in batch.records})  # inspectors' departments
        else:
            state.scope_values.update({r[0] for r in records})
        existing = await self._existing(state, records)
        now = self._clock()
        new: Sequence[tuple[Any, ...]]
        changed: list[tuple[int, tuple[Any, ...], dict[str, tuple[Any, Any]]]] = []
        if not existing:
            new = records  # a fresh directory (the usual bulk case): nothing to compare
        else:
            new = []
            key_pos = spec.key_positions
            for record in records:
                old = existing.get(tuple(record[p] for p in key_pos))
                if old is None:
                    new.append(record)
                    continue
                state.matched_ids.add(old["id"])
                diff = _differences(spec, old, record)
                if diff:
                    changed.append((old["id"], record, diff))
                else:
                    state.unchanged += 1
        state.created += len(new)
        state.updated += len(changed)
        entries: list[AuditEntry] = []
        for row_id, record, diff in changed:
            key_text = self._key_text(spec, record)
            state.sample(RecordChange("updated", key_text, diff))
            entries.append(AuditEntry(
                f"{spec.entity}.updated", spec.entity, key_text,
                {"id": row_id, "changes": {k: list(v) for k, v in diff.items()},
                 "file_sha256": state.info.sha256 if state.info else ""},
            ))
        if request.dry_run:
            self._sample_created(state, new)
            return
        if new:
            await self._insert(spec, new)
            entries.insert(0, self._created_entry(state, new))
        if changed:
            await self._update(spec, changed, now)
        if entries:
            await self._audit.record_many(request.actor, entries)

    # --- reading what is there ---------------------------------------------------------------

    async def _is_fresh(self, state: _State, first: Any) -> bool:
        """Whether the table has no rows for this value of the key's first column."""
        if first not in state.fresh:
            table = state.spec.table
            column = table.c[state.spec.key[0]]
            query = select(table.c.id).limit(1)
            if len(state.spec.key) > 1:
                query = query.where(column == first)
            state.fresh[first] = await self._session.scalar(query) is None
        return state.fresh[first]

    async def _existing(
        self, state: _State, records: Sequence[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The stored rows with the same natural keys as ``records``, keyed by that key."""
        spec = state.spec
        table = spec.table
        key_pos = spec.key_positions
        wanted = [
            c for c in (table.c.id, table.c.active, *(table.c[c] for c in spec.columns))
        ]
        found: dict[tuple[Any, ...], dict[str, Any]] = {}
        groups: dict[Any, list[Any]] = defaultdict(list)
        if len(key_pos) == 1:
            if await self._is_fresh(state, None):
                return found
            groups[None] = [r[key_pos[0]] for r in records]
        else:
            for r in records:
                groups[r[key_pos[0]]].append(r[key_pos[1]])
            for first in list(groups):
                if await self._is_fresh(state, first):
                    del groups[first]
        for first, seconds in groups.items():
            last = table.c[spec.key[-1]]
            for start in range(0, len(seconds), LOOKUP_CHUNK):
                chunk = seconds[start:start + LOOKUP_CHUNK]
                query = select(*wanted).where(last.in_(chunk))
                if len(key_pos) > 1:
                    query = query.where(table.c[spec.key[0]] == first)
                for row in (await self._session.execute(query)).mappings():
                    found[tuple(row[k] for k in spec.key)] = dict(row)
        return found

    # --- writing -----------------------------------------------------------------------------

    async def _connection(self) -> AsyncConnection:
        return await self._session.connection()

    async def _insert(self, spec: TableSpec, records: Sequence[tuple[Any, ...]]) -> None:
        """Bulk insert of new records (active)."""
        await insert_records(await self._connection(), spec, records)

    async def _update(
        self, spec: TableSpec,
        changed: list[tuple[int, tuple[Any, ...], dict[str, tuple[Any, Any]]]],
        now: dt.datetime,
    ) -> None:
        table = spec.table
        values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in spec.value_columns}
        values["active"] = True
        if "updated_at" in table.c:
            values["updated_at"] = now
        statement = update(table).where(table.c.id == bindparam("v_id")).values(values)
        params = []
        for row_id, record, _diff in changed:
            item = {
                f"v_{c}": json.loads(v) if c in spec.json_columns else v
                for c, v in zip(spec.columns, record, strict=True) if c not in spec.key
            }
            item["v_id"] = row_id
            params.append(item)
        conn = await self._connection()
        await conn.execute(statement, params)

    # --- sync: deactivate what the file no longer lists ----------------------------------------

    def _scope(self, request: ImportRequest, state: _State, refs: References) -> Any:
        spec = state.spec
        table = spec.table
        if spec.kind in ("subjects", "inspectors"):
            return table.c.department_id.in_(sorted(state.scope_values))
        if spec.kind == "experts":
            if refs.department is not None:
                return table.c.department_id == refs.department.id
            return table.c.id.isnot(None)
        if spec.kind == "items":
            return table.c.year == refs.year
        inspectors = select(Inspector.id).where(
            Inspector.department_id.in_(sorted(state.scope_values))
        )
        return table.c.inspector_id.in_(inspectors)

    async def _sync(self, request: ImportRequest, state: _State, refs: References) -> None:
        spec = state.spec
        table: Table = spec.table
        if not state.scope_values:
            return
        where = self._scope(request, state, refs)
        query = (
            select(table.c.id, *(table.c[c] for c in spec.columns))
            .where(where, table.c.active.is_(True), table.c.id <= state.max_id_before)
            .order_by(table.c.id)
        )
        missing: list[tuple[int, str]] = []
        last = 0
        while True:
            rows = (await self._session.execute(
                query.where(table.c.id > last).limit(SYNC_CHUNK)
            )).all()
            if not rows:
                break
            last = rows[-1][0]
            gone = [r for r in rows if r[0] not in state.matched_ids]
            if spec.kind == "conflicts":
                await self._describe_conflicts([tuple(r[1:]) for r in gone])
            missing.extend((r[0], self._key_text(spec, tuple(r[1:]))) for r in gone)
        state.deactivated = len(missing)
        limit = request.sync_confirm_above
        if (not request.dry_run and not request.confirmed and limit is not None
                and len(missing) > limit):
            # nothing is written: run() rolls the whole import back
            raise SyncNeedsConfirmation(count=len(missing), limit=limit)
        for _row_id, key_text in missing[:max(0, SAMPLE_CHANGES - len(state.changes))]:
            state.sample(RecordChange("deactivated", key_text, {"active": (True, False)}))
        if request.dry_run or not missing:
            return
        now = self._clock()
        values: dict[str, Any] = {"active": False}
        if "updated_at" in table.c:
            values["updated_at"] = now
        for start in range(0, len(missing), SYNC_CHUNK):
            chunk = missing[start:start + SYNC_CHUNK]
            await self._session.execute(
                update(table).where(table.c.id.in_([i for i, _ in chunk])).values(values)
            )
            await self._audit.record_many(request.actor, [
                AuditEntry(
                    f"{spec.entity}.deactivated", spec.entity, key_text,
                    {"id": row_id, "changes": {"active": [True, False]},
                     "file_sha256": state.info.sha256 if state.info else ""},
                )
                for row_id, key_text in chunk
            ])

    async def _finish(
        self, request: ImportRequest, state: _State, refs: References, summary: Summary
    ) -> None:
        info = state.info
        assert info is not None
        new_year = request.kind == "items" and refs.year is not None
        if new_year and await self._session.get(CatalogueYear, refs.year) is None:
            self._session.add(CatalogueYear(year=refs.year))
            await self._session.flush()
        await self._audit.record(
            request.actor, "directory.imported", request.kind, info.sha256[:16],
            {
                "file": info.name, "file_sha256": info.sha256, "format": info.format,
                "encoding": info.encoding, "rows": summary.rows, "created": state.created,
                "updated": state.updated, "unchanged": state.unchanged,
                "deactivated": state.deactivated, "sync": request.sync,
                "department": refs.department.code if refs.department else None,
                "year": refs.year,
                **({"kept_newer": state.kept_newer} if request.kind == "inspections" else {}),
            },
        )

    # --- conflicts: the inspector and the subject must exist ------------------------------------

    async def _resolve_conflicts(self, state: _State, batch: Batch) -> list[tuple[Any, ...]]:
        """(department_id, staff_no, identifier, reason) rows -> (inspector_id, subject_id,
        reason) records, one per subject row bearing the identifier (every department's)."""
        inspectors: dict[tuple[int, str], int] = {}
        by_dep: dict[int, set[str]] = defaultdict(set)
        for dep_id, staff_no, _identifier, _reason in batch.records:
            by_dep[dep_id].add(staff_no)
        for dep_id, staff in by_dep.items():
            rows = (await self._session.execute(
                select(Inspector.id, Inspector.staff_no)
                .where(Inspector.department_id == dep_id, Inspector.staff_no.in_(sorted(staff)))
            )).all()
            for row in rows:
                inspectors[(dep_id, row.staff_no)] = row.id
                self._inspector_keys[row.id] = f"{self._dep_code(dep_id)}/{row.staff_no}"
        identifiers = sorted({r[2] for r in batch.records})
        subjects: dict[str, list[int]] = defaultdict(list)
        # a subject listed by several departments is found in each
        for dep_id in sorted(self._departments):
            for row in await self._subjects_in(dep_id, identifiers):
                subjects[row.identifier].append(row.id)
                self._subject_keys[row.id] = row.identifier
        for ids in subjects.values():
            ids.sort()
        header = state.info.header if state.info else None
        records: list[tuple[Any, ...]] = []
        for number, (dep_id, staff_no, identifier, reason) in zip(
            batch.rows, batch.records, strict=True
        ):
            inspector = inspectors.get((dep_id, staff_no))
            if inspector is None:
                state.parent_errors.append(RowError(
                    number, header.header_of("staff_no") if header else "staff_no", staff_no,
                    "dir-err-unknown-inspector", {"department": self._dep_code(dep_id)},
                ))
            if identifier not in subjects:
                state.parent_errors.append(RowError(
                    number, header.header_of("identifier") if header else "identifier",
                    identifier, "dir-err-unknown-subject", {},
                ))
            if inspector is None or identifier not in subjects:
                continue
            records.extend((inspector, subject_id, reason) for subject_id in subjects[identifier])
        return records

    async def _subjects_in(self, dep_id: int, identifiers: Sequence[str]) -> list[Any]:
        """(id, identifier) of the department's subjects with these identifiers, active or
        not: one query per chunk, which the unique index (department, identifier) serves."""
        rows: list[Any] = []
        for start in range(0, len(identifiers), LOOKUP_CHUNK):
            rows.extend((await self._session.execute(
                select(Subject.id, Subject.identifier).where(
                    Subject.department_id == dep_id,
                    Subject.identifier.in_(identifiers[start:start + LOOKUP_CHUNK]),
                )
            )).all())
        return rows

    async def _describe_conflicts(self, rows: list[tuple[Any, ...]]) -> None:
        """Readable keys for conflict rows met only by ``--sync``."""
        inspector_ids = sorted({r[0] for r in rows} - self._inspector_keys.keys())
        subject_ids = sorted({r[1] for r in rows} - self._subject_keys.keys())
        if inspector_ids:
            for person in (await self._session.execute(
                select(Inspector.id, Inspector.department_id, Inspector.staff_no)
                .where(Inspector.id.in_(inspector_ids))
            )).all():
                dep = self._dep_code(person.department_id)
                self._inspector_keys[person.id] = f"{dep}/{person.staff_no}"
        for start in range(0, len(subject_ids), LOOKUP_CHUNK):
            for row in (await self._session.execute(
                select(Subject.id, Subject.identifier)
                .where(Subject.id.in_(subject_ids[start:start + LOOKUP_CHUNK]))
            )).all():
                self._subject_keys[row.id] = row.identifier

    # --- inspections: the subject must be in the department's directory; the last date wins --

    async def _resolve_inspections(self, state: _State, batch: Batch) -> list[tuple[Any, ...]]:
        """(department_id, identifier, item_code, inspected_on) rows -> (subject_id, item_code,
        inspected_on) records; a subject missing from the department's directory (active or
        not: history stays with a deactivated subject) is a row error."""
        by_dep: dict[int, set[str]] = defaultdict(set)
        for dep_id, identifier, _item, _day in batch.records:
            by_dep[dep_id].add(identifier)
        subjects: dict[tuple[int, str], int] = {}
        for dep_id, identifiers in by_dep.items():
            for row in await self._subjects_in(dep_id, sorted(identifiers)):
                subjects[(dep_id, row.identifier)] = row.id
                self._subject_keys[row.id] = f"{self._dep_code(dep_id)}/{row.identifier}"
        header = state.info.header if state.info else None
        records: list[tuple[Any, ...]] = []
        for number, (dep_id, identifier, item, day) in zip(
            batch.rows, batch.records, strict=True
        ):
            subject_id = subjects.get((dep_id, identifier))
            if subject_id is None:
                state.parent_errors.append(RowError(
                    number, header.header_of("identifier") if header else "identifier",
                    identifier, "dir-err-unknown-department-subject",
                    {"department": self._dep_code(dep_id)},
                ))
                continue
            records.append((subject_id, item, day))
        return records

    async def _inspections_batch(
        self, request: ImportRequest, state: _State, batch: Batch
    ) -> None:
        """New (subject, item) pairs are inserted; a later date than the stored one updates it
        (audited with both dates); an earlier one keeps the stored, newer date."""
        records = await self._resolve_inspections(state, batch)
        if state.parent_errors:
            state.writing = False
            return
        spec = state.spec
        table = spec.table
        stored: dict[tuple[int, str], tuple[int, dt.date]] = {}
        subject_ids = sorted({r[0] for r in records})
        for start in range(0, len(subject_ids), LOOKUP_CHUNK):
            rows = (await self._session.execute(
                select(table.c.id, table.c.subject_id, table.c.item_code, table.c.inspected_on)
                .where(table.c.subject_id.in_(subject_ids[start:start + LOOKUP_CHUNK]))
            )).all()
            for row in rows:
                stored[(row.subject_id, row.item_code)] = (row.id, row.inspected_on)
        new: list[tuple[Any, ...]] = []
        changed: list[tuple[int, tuple[Any, ...], dt.date]] = []
        for record in records:
            old = stored.get((record[0], record[1]))
            if old is None:
                new.append(record)
                continue
            row_id, old_day = old
            if record[2] > old_day:
                changed.append((row_id, record, old_day))
            elif record[2] == old_day:
                state.unchanged += 1
            else:
                state.kept_newer += 1
                state.sample(RecordChange(
                    "kept", self._key_text(spec, record),
                    {"inspected_on": (old_day.isoformat(), record[2].isoformat())},
                ))
        state.created += len(new)
        state.updated += len(changed)
        entries: list[AuditEntry] = []
        for row_id, record, old_day in changed:
            key_text = self._key_text(spec, record)
            diff = {"inspected_on": (old_day.isoformat(), record[2].isoformat())}
            state.sample(RecordChange("updated", key_text, diff))
            # identifier and item code may be 64 characters each: the audit's entity id holds
            # 64, so a longer key is cut there and kept whole in the data
            entries.append(AuditEntry(
                f"{spec.entity}.updated", spec.entity,
                key_text if len(key_text) <= 64 else key_text[:63] + "…",
                {"id": row_id, "key": key_text,
                 "changes": {k: list(v) for k, v in diff.items()},
                 "file_sha256": state.info.sha256 if state.info else ""},
            ))
        if request.dry_run:
            self._sample_created(state, new)
            return
        conn = await self._connection()
        if new:
            await conn.execute(insert(table), [
                {"subject_id": r[0], "item_code": r[1], "inspected_on": r[2]} for r in new
            ])
            entries.insert(0, self._created_entry(state, new))
        if changed:
            await conn.execute(
                update(table).where(table.c.id == bindparam("v_id"))
                .values(inspected_on=bindparam("v_day")),
                [{"v_id": row_id, "v_day": record[2]} for row_id, record, _ in changed],
            )
        if entries:
            await self._audit.record_many(request.actor, entries)

    # --- readable natural keys ----------------------------------------------------------------

    def _dep_code(self, dep_id: int | None) -> str:
        dep = self._departments.get(dep_id) if dep_id is not None else None
        return dep.code if dep else str(dep_id)

    def _key_texts(self, spec: TableSpec, records: Sequence[tuple[Any, ...]]) -> list[str]:
        """``_key_text`` of many records; the per-department directories in one pass."""
        if spec.kind in ("subjects", "inspectors"):
            prefix = {d: f"{self._dep_code(d)}/" for d in {r[0] for r in records}}
            return [prefix[r[0]] + r[1] for r in records]
        return [self._key_text(spec, r) for r in records]

    def _key_text(self, spec: TableSpec, record: tuple[Any, ...]) -> str:
        """The natural key an official recognises: ``SCJG/9142…``, ``2026/SCJG-001``."""
        if spec.kind in ("subjects", "inspectors"):
            return f"{self._dep_code(record[0])}/{record[1]}"
        if spec.kind == "experts":
            return str(record[0])
        if spec.kind == "items":
            return f"{record[0]}/{record[1]}"
        if spec.kind == "inspections":  # SCJG/9142…/SCJG-002
            return f"{self._subject_keys.get(record[0], str(record[0]))}/{record[1]}"
        inspector = self._inspector_keys.get(record[0], str(record[0]))
        subject = self._subject_keys.get(record[1], str(record[1]))
        return f"{inspector}×{subject}"


__all__ = ["DirectoryImporter", "ImportReport", "ImportRequest", "RecordChange"]
