"""摇号与匹配: the draws of a joint task, in the database, on top of the engine (Art. 13, 14).

Every draw goes in two steps, so that its inputs are frozen before any randomness exists
(DESIGN.md §5):

1. ``commit_*`` builds the manifest from the database (pool, exclusions with reasons,
   allocation, parameters, the declared entropy source), stores it as canonical JSON with its
   SHA-256 (the commitment) and writes the commitment to the audit trail;
2. ``complete`` takes the entropy evidence, runs the engine (``verifier.verify_draw``), stores
   the result and writes what was drawn: ``task_subject`` rows, ``team``/``team_member`` rows,
   the matching, a replacement — and moves the task on.

Anyone can re-compute a completed draw from its bundle with ``python verifier/verify_draw.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import filterfalse
from typing import Any

import orjson
from sqlalchemy import (
    String,
    Table,
    and_,
    case,
    func,
    insert,
    not_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    Conflict,
    Department,
    Draw,
    DrawManifest,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    SubjectInspection,
    Task,
    TaskSubject,
    Team,
    TeamMember,
)
from verifier import verify_draw as engine

from services.actors import Actor
from services.audit import AuditTrail
from services.clock import Clock, local_date
from services.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from services.inspection_codes import revoke_member_codes
from services.plans import SubjectScope, department_codes_by_id, departments_by_code
from services.tasks import TaskService, TaskState
from services.vocabulary import DrawStatus

REPEAT_WINDOW_MONTHS = 12  # not inspected again for the same item within 12 months
PAIRING_WINDOW_MONTHS = 24  # no inspector-subject pairing repeated within 24 months
ACTIVE_STATUSES = frozenset({"active"})  # SubjectStatus codes that may be drawn
ROUNDING_RULE = (
    "ratio: ceil(ratio * stratum size) with exact decimal arithmetic, at most the stratum size; "
    "count: min(count, stratum size)"
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class DrawKind(StrEnum):
    """What a draw selects."""

    SUBJECTS = "subjects"
    INSPECTORS = "inspectors"
    EXPERTS = "experts"
    MATCHING = "matching"
    REPLACEMENT = "replacement"


class DrawRefused(DomainError):
    """A draw cannot be committed or completed; the message says why, with the numbers."""

    key = "draw-refused"


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class DrawView:
    """One draw as the CLI and the bot show it."""

    id: int
    task_id: int
    task_code: str
    kind: str
    department: str | None
    status: str  # committed | completed | failed
    commitment: str
    entropy_source: dict[str, Any]
    committed_at: dt.datetime
    completed_at: dt.datetime | None
    reason: str
    supersedes_id: int | None
    summary: dict[str, Any]
    result: dict[str, Any] | None


@dataclass(frozen=True)
class MemberView:
    """A person in a team."""

    member_id: int
    inspector_id: int | None
    expert_id: int | None
    name: str
    department: str | None
    is_leader: bool
    active: bool
    withdrawn_reason: str


@dataclass(frozen=True)
class TeamView:
    """抽查小组: members, leader and the subjects matched to it."""

    number: int
    leader_inspector_id: int | None
    members: tuple[MemberView, ...]
    subject_ids: tuple[int, ...]


# --------------------------------------------------------------------------- helpers


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the last day of the month when it has fewer days)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(day.day, last))


def iso_instant(at: dt.datetime) -> str:
    """The manifest's ``committed_at``: UTC, whole seconds."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def allocate(pool_sizes: Mapping[str, int], sample: Mapping[str, Mapping[str, Any]]
             ) -> dict[str, int]:
    """How many to draw per stratum: ratio → ceil(ratio × size), count → min(count, size).

    Exact arithmetic (``Fraction`` of the decimal text), so every implementation agrees; the
    ratio is a minimum share (抽查比例), hence rounding up.
    """
    out: dict[str, int] = {}
    for stratum, size in sorted(pool_sizes.items()):
        rule = sample.get(stratum, {})
        if "ratio" in rule:
            ratio = Fraction(str(rule["ratio"]))
            out[stratum] = min(size, -((-ratio.numerator * size) // ratio.denominator))
        elif "count" in rule:
            out[stratum] = min(size, int(rule["count"]))
        else:
            out[stratum] = 0
    return out


def drand_source(chain: Mapping[str, Any], committed_at: dt.datetime,
                 round_number: int | None = None, delay_seconds: int = 60) -> dict[str, Any]:
    """Declare a future drand round: ``chain`` is a relay's ``/info`` or the testdata file.

    Without ``round_number`` the first round published at least ``delay_seconds`` after the
    commitment is taken, so the commitment is public before the randomness exists.
    """
    info = chain.get("chain", chain)
    try:
        genesis = int(info["genesis_time"])
        period = int(info["period"])
        chain_hash = str(info.get("hash") or info["chain_hash"])
        public_key = str(info["public_key"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed("draw-bad-drand-chain", reason=str(exc)) from exc
    if round_number is None:
        after = committed_at.timestamp() + delay_seconds
        round_number = max(1, int((after - genesis) // period) + 2)
    return {"type": "drand", "chain_hash": chain_hash, "public_key": public_key,
            "period": period, "genesis_time": genesis, "round": int(round_number)}


def witnessed_source(description: str, count: int) -> dict[str, Any]:
    """Numbers to be drawn in public (lottery results, dice), in the manner of RFC 3797."""
    return {"type": "witnessed", "description": description, "count": int(count)}


def operator_secret_source(secret_sha256: str) -> dict[str, Any]:
    """An operator's secret committed by its hash — the weakest source, labelled so."""
    return {"type": "operator-secret", "sha256": secret_sha256.lower(), "label": "weakest"}


def check_entropy_source(source: Mapping[str, Any], committed_at: dt.datetime) -> dict[str, Any]:
    """Refuse a declared source that is malformed or whose randomness may already exist."""
    kind = source.get("type")
    if kind == "drand":
        try:
            publish = int(source["genesis_time"]) + (int(source["round"]) - 1) * int(
                source["period"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed("draw-bad-entropy-source", reason=str(exc)) from exc
        if publish <= committed_at.timestamp():
            raise DrawRefused(
                "draw-drand-round-past", round=int(source["round"]),
                published=iso_instant(dt.datetime.fromtimestamp(publish, dt.UTC)),
                committed=iso_instant(committed_at))
    elif kind == "witnessed":
        if not str(source.get("description", "")).strip() or int(source.get("count", 0)) < 1:
            raise ValidationFailed("draw-bad-entropy-source",
                                   reason="witnessed: description and count ≥ 1")
    elif kind == "operator-secret":
        if not _HEX64.match(str(source.get("sha256", ""))):
            raise ValidationFailed("draw-bad-entropy-source",
                                   reason="operator-secret: sha256 of the secret (64 hex)")
    else:
        raise ValidationFailed("draw-bad-entropy-source", reason=f"type {kind!r}")
    return dict(source)


def _canonical(value: dict[str, Any]) -> bytes:
    """The engine's canonical JSON (``verify_draw.canonical_json``) of a manifest or result
    built here from ints, strings, bools, lists and dicts with string keys, by orjson: the same
    bytes (sorted keys, no spaces, UTF-8 unescaped, the same escapes; tests compare them over
    every code point and every kind of draw) in 0.06 s instead of 1 s for a pool of 6.7 million
    ids. orjson refuses what canonical JSON refuses too: integers beyond 64 bits, non-string
    keys; a float is never built here."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _as_int(value: Any) -> int:
    """An id column known to be set (filtered on NOT NULL) as an int."""
    return int(value)


async def _bulk_insert(session: AsyncSession, table: Table, columns: Sequence[str],
                       rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany on SQLite; same transaction."""
    if not rows:
        return
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(table.name, records=rows, columns=list(columns))
        return
    if conn.dialect.name == "sqlite":
        # the raw aiosqlite connection, inside the session's transaction: one executemany call
        raw = await conn.get_raw_connection()
        sqlite_conn: Any = raw.driver_connection
        marks = ", ".join("?" * len(columns))
        await sqlite_conn.executemany(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", rows)
        return
    await session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


# --------------------------------------------------------------------------- service


class DrawService:
    """Commits and completes the draws of a task and writes what was drawn."""

    def __init__(self, session: AsyncSession, clock: Clock, *, tasks: TaskService,
                 repeat_window_months: int = REPEAT_WINDOW_MONTHS,
                 pairing_window_months: int = PAIRING_WINDOW_MONTHS) -> None:
        self._session = session
        self._clock = clock
        self._repeat_months = repeat_window_months
        self._pairing_months = pairing_window_months
        self._tasks = tasks
        self._audit = AuditTrail(session, clock)

    # ----------------------------------------------------------------- reading

    async def _task(self, task_id: int, *, lock: bool = False) -> Task:
        return await self._tasks.row(task_id, lock=lock)

    async def _draw(self, draw_id: int) -> Draw:
        draw = await self._session.get(Draw, draw_id)
        if draw is None:
            raise NotFound("draw-not-found", id=draw_id)
        return draw

    async def _view(self, draw: Draw, codes: dict[int, str] | None = None,
                    task_code: str | None = None) -> DrawView:
        codes = codes or await department_codes_by_id(self._session)
        if task_code is None:
            task_code = str(await self._session.scalar(
                select(Task.code).where(Task.id == draw.task_id)))
        return DrawView(
            id=draw.id, task_id=draw.task_id, task_code=task_code, kind=draw.kind,
            department=codes.get(draw.department_id) if draw.department_id else None,
            status=draw.status, commitment=draw.manifest_sha256,
            entropy_source=dict(draw.entropy_source), committed_at=draw.committed_at,
            completed_at=draw.completed_at, reason=draw.reason,
            supersedes_id=draw.supersedes_id, summary=dict(draw.summary),
            result=orjson.loads(draw.result) if draw.result and len(draw.result) < 1_000_000
            else None,
        )

    async def get(self, draw_id: int) -> DrawView:
        """One draw with its summary (and its result when small enough to show)."""
        return await self._view(await self._draw(draw_id))

    async def for_task(self, task_id: int) -> list[DrawView]:
        """Every draw of a task, in the order they were committed."""
        task = await self._task(task_id)
        codes = await department_codes_by_id(self._session)
        draws = (await self._session.scalars(
            select(Draw).where(Draw.task_id == task_id).order_by(Draw.id))).all()
        return [await self._view(d, codes, task.code) for d in draws]

    async def manifest(self, draw_id: int) -> dict[str, Any]:
        """The committed manifest exactly as hashed (NotFound for an unknown draw)."""
        return dict(orjson.loads(await self._manifest_text(draw_id)))

    async def _manifest_text(self, draw_id: int) -> str:
        text = await self._session.scalar(
            select(DrawManifest.text).where(DrawManifest.draw_id == draw_id))
        if text is None:
            raise NotFound("draw-not-found", id=draw_id)
        return text

    async def bundle(self, draw_id: int) -> dict[str, Any]:
        """What anyone needs to re-compute a completed draw: manifest, evidence, result."""
        draw = await self._draw(draw_id)
        if draw.status != "completed" or draw.result is None or draw.entropy_evidence is None:
            raise IllegalTransition("draw-not-completed", id=draw_id, status=draw.status)
        return dict(engine.make_bundle(orjson.loads(await self._manifest_text(draw_id)),
                                       dict(draw.entropy_evidence), orjson.loads(draw.result)))

    async def bundle_bytes(self, draw_id: int) -> bytes:
        """The bundle as canonical JSON, ready to publish.

        Spliced from the stored canonical texts (keys in canonical order: commitment, entropy,
        manifest, result, spec), byte-identical to ``canonical_json(make_bundle(...))`` without
        re-serialising a manifest of millions of ids; a test checks the identity.
        """
        draw = await self._draw(draw_id)
        if draw.status != "completed" or draw.result is None or draw.entropy_evidence is None:
            raise IllegalTransition("draw-not-completed", id=draw_id, status=draw.status)
        parts = [
            b'{"commitment":', bytes(engine.canonical_json(draw.manifest_sha256)),
            b',"entropy":', bytes(engine.canonical_json(dict(draw.entropy_evidence))),
            b',"manifest":', (await self._manifest_text(draw_id)).encode("utf-8"),
            b',"result":', draw.result.encode("utf-8"),
            b',"spec":', bytes(engine.canonical_json(engine.SPEC)), b"}",
        ]
        return b"".join(parts)

    async def subjects_drawn(self, task_id: int) -> int:
        """How many subjects the task's subjects draw selected."""
        count = await self._session.scalar(
            select(func.count()).select_from(TaskSubject).where(TaskSubject.task_id == task_id))
        return int(count or 0)

    async def teams(self, task_id: int) -> list[TeamView]:
        """The task's teams with members (withdrawn ones marked) and matched subjects."""
        await self._task(task_id)
        codes = await department_codes_by_id(self._session)
        teams = (await self._session.scalars(
            select(Team).where(Team.task_id == task_id).order_by(Team.number))).all()
        rows = (await self._session.execute(
            select(TeamMember, Inspector.name, Expert.name)
            .outerjoin(Inspector, Inspector.id == TeamMember.inspector_id)
            .outerjoin(Expert, Expert.id == TeamMember.expert_id)
            .where(TeamMember.task_id == task_id).order_by(TeamMember.id))).all()
        subjects = (await self._session.execute(
            select(TaskSubject.team_id, TaskSubject.subject_id)
            .where(TaskSubject.task_id == task_id, TaskSubject.team_id.is_not(None))
            .order_by(TaskSubject.subject_id))).all()
        out = []
        for team in teams:
            members = tuple(
                MemberView(m.id, m.inspector_id, m.expert_id, iname or ename or "",
                           codes.get(m.department_id) if m.department_id else None,
                           m.inspector_id is not None
                           and m.inspector_id == team.leader_inspector_id and m.active,
                           m.active, m.withdrawn_reason)
                for m, iname, ename in rows if m.team_id == team.id
            )
            out.append(TeamView(team.number, team.leader_inspector_id, members,
                                tuple(s for t, s in subjects if t == team.id)))
        return out

    # ----------------------------------------------------------------- commit

    def _task_block(self, task: Task) -> dict[str, Any]:
        return {"code": task.code, "items": sorted(task.item_codes),
                "year": task.window_start.year}

    async def _open_draws(self, task_id: int, kind: str,
                          department_id: int | None = None) -> list[Draw]:
        stmt = select(Draw).where(Draw.task_id == task_id, Draw.kind == kind,
                                  Draw.status.in_((DrawStatus.COMMITTED, DrawStatus.COMPLETED)))
        if department_id is not None:
            stmt = stmt.where(Draw.department_id == department_id)
        return list((await self._session.scalars(stmt)).all())

    async def _check_can_commit(self, task: Task, kind: DrawKind, needed: TaskState,
                                department_id: int | None = None,
                                department_code: str = "-") -> None:
        """Refuse a second draw of this kind, then a task not in the state it needs.

        An existing draw is named first: "already drawn" says more than the state it left.
        """
        if await self._open_draws(task.id, kind, department_id):
            raise DrawRefused("draw-already-committed", code=task.code, kind=kind.value,
                              department=department_code)
        if task.state != needed:
            raise IllegalTransition("draw-wrong-state", code=task.code, state=task.state,
                                    kind=kind.value, needed=needed.value)

    async def _commit(self, task: Task, kind: DrawKind, body: dict[str, Any], *,
                      entropy_source: Mapping[str, Any], actor: Actor, summary: dict[str, Any],
                      department_id: int | None = None, reason: str = "",
                      supersedes_id: int | None = None) -> DrawView:
        now = self._clock().astimezone(dt.UTC).replace(microsecond=0)
        source = check_entropy_source(entropy_source, now)
        manifest = {**body, "spec": engine.SPEC, "kind": kind.value,
                    "task": self._task_block(task), "committed_at": iso_instant(now),
                    "entropy_source": source}
        text = _canonical(manifest)
        commitment = hashlib.sha256(text).hexdigest()
        draw = Draw(task_id=task.id, kind=kind.value, department_id=department_id,
                    status=DrawStatus.COMMITTED, manifest_sha256=commitment, entropy_source=source,
                    reason=reason, supersedes_id=supersedes_id, committed_by=actor.label,
                    committed_at=now, summary=summary)
        self._session.add(draw)
        await self._session.flush()
        self._session.add(DrawManifest(draw_id=draw.id, text=text.decode("utf-8")))
        await self._session.flush()
        # the commitment is on the chain before anyone can know the entropy
        await self._audit.record(actor, "draw.commit", "draw", draw.id, {
            "task": task.code, "kind": kind.value, "commitment": commitment,
            "entropy_source": source, "summary": summary, "reason": reason})
        await self._session.commit()
        return await self._view(draw, task_code=task.code)

    async def _subject_pool(self, task: Task, since: dt.date
                            ) -> tuple[dict[str, list[int]], list[dict[str, Any]]]:
        """Eligible ids per stratum (sorted) and the excluded ones with their reasons."""
        scope = SubjectScope.from_dict(task.scope)
        strata = sorted(task.sample)
        if scope.risk_classes:
            strata = [s for s in strata if s in scope.risk_classes]
        base = [Subject.department_id == task.lead_department_id,
                Subject.risk_class.in_(strata), *scope.conditions()]
        excluded: dict[int, str] = {}
        # the subjects inspected for one of the task's items within the window (a few % of a
        # directory), read from subject_inspection alone and excluded below if in the pool:
        # joining them to millions of subject rows cost more than the whole pool scan
        reason = f"inspected-within-{self._repeat_months}-months"
        recent = {int(sid): f"{reason}:{item}" for sid, item in await self._session.execute(
            select(SubjectInspection.subject_id, func.min(SubjectInspection.item_code))
            .where(SubjectInspection.item_code.in_(sorted(task.item_codes)),
                   SubjectInspection.inspected_on >= since)
            .group_by(SubjectInspection.subject_id))}
        # One statement, so one snapshot, for the pool and the other exclusions: per stratum
        # (and active flag) the drawable ids and "id:reason" of the others, aggregated by the
        # database so that no row object is built per subject. An inactive subject's reason is
        # its status when that says more (such as "deregistered"), else "inactive".
        statuses = sorted(ACTIVE_STATUSES)
        live = and_(Subject.active.is_(True), Subject.status.in_(statuses))
        why = case((and_(Subject.active.is_(False), Subject.status.in_(statuses)), "inactive"),
                   else_=Subject.status)
        tagged = Subject.id.cast(String) + ":" + why
        dialect = (await self._session.connection()).dialect.name
        if dialect == "postgresql":
            # the ids as one text per stratum, unordered: sorting the (nearly sorted) ids in
            # Python is cheaper than in the aggregate, and parsing the text cheaper than
            # decoding an int array (7M rows: 1.6 s against 2.1 s)
            stmt = select(
                Subject.risk_class,
                func.string_agg(Subject.id.cast(String), ",").filter(live),
                func.string_agg(tagged, ",").filter(not_(live)),
            )
        else:
            # reads ix_subject_pool alone (department, active, risk class, status, rowid), in
            # its order: grouped by active flag, then risk class
            stmt = select(
                Subject.risk_class,
                func.group_concat(case((live, Subject.id))),
                func.group_concat(case((not_(live), tagged))),
            )
        # "active in (false, true)" holds for every row; it lets SQLite walk ix_subject_pool
        # range by range (active, risk class) instead of the department's whole range
        rows = await self._session.execute(
            stmt.where(*base, Subject.active.in_((False, True)))
            .group_by(Subject.active, Subject.risk_class))
        pool: dict[str, list[int]] = {s: [] for s in strata}
        inspected_before = set(recent)
        for risk, aggregated, others in rows:
            if aggregated:
                ids: list[int] = orjson.loads(f"[{aggregated}]")  # "1,5,9" as a JSON array
                ids.sort()  # already in id order almost always: a linear pass
                inspected = inspected_before.intersection(ids)
                if inspected:
                    ids = list(filterfalse(inspected.__contains__, ids))
                    excluded.update(
                        zip(inspected, map(recent.__getitem__, inspected), strict=True))
                pool[risk] = ids  # the inactive group of a stratum has no drawable ids
            for tag in (others or "").split(","):
                if tag:
                    tagged_id, tagged_reason = tag.split(":", 1)
                    excluded[int(tagged_id)] = tagged_reason
        exclusions = [{"id": sid, "reason": why} for sid, why in sorted(excluded.items())]
        return pool, exclusions

    async def _lead_or_organiser(self, task: Task, actor: Actor, kind: DrawKind) -> None:
        """The organiser, the lead department's admin or the system draws for the task."""
        codes = await department_codes_by_id(self._session)
        actor.require_department(codes[task.lead_department_id], f"draw-{kind.value}",
                                 organiser_too=True)

    async def commit_subjects(self, task_id: int, entropy_source: Mapping[str, Any],
                              actor: Actor) -> DrawView:
        """Freeze the subject pool of the task (drawn once for all departments, Art. 12)."""
        task = await self._task(task_id, lock=True)
        await self._lead_or_organiser(task, actor, DrawKind.SUBJECTS)
        await self._check_can_commit(task, DrawKind.SUBJECTS, TaskState.APPROVED)
        today = local_date(self._clock())
        since = months_before(today, self._repeat_months)
        pool, exclusions = await self._subject_pool(task, since)
        sizes = {s: len(ids) for s, ids in pool.items()}
        allocation = allocate(sizes, task.sample)
        if sum(allocation.values()) == 0:
            raise DrawRefused("draw-empty-pool", code=task.code,
                              excluded=len(exclusions))
        codes = await department_codes_by_id(self._session)
        parameters = {
            "department": codes[task.lead_department_id], "scope": dict(task.scope),
            "sample": dict(task.sample), "rounding": ROUNDING_RULE,
            "repeat_window_months": self._repeat_months, "inspected_since": since.isoformat(),
            "drawable_statuses": sorted(ACTIVE_STATUSES), "item_year": task.item_year,
        }
        body = {"pool": pool, "exclusions": exclusions, "allocation": allocation,
                "parameters": parameters}
        summary = {"pool": sizes, "allocation": allocation,
                   "excluded": dict(Counter(e["reason"].split(":")[0] for e in exclusions))}
        return await self._commit(task, DrawKind.SUBJECTS, body, entropy_source=entropy_source,
                                  actor=actor, summary=summary,
                                  department_id=task.lead_department_id)

    async def _department_items(self, task: Task, code: str) -> list[str]:
        """The task's items this department checks (an item without departments: everyone)."""
        items = (await self._session.execute(
            select(InspectionItem.code, InspectionItem.department_codes).where(
                InspectionItem.year == task.item_year,
                InspectionItem.code.in_(list(task.item_codes))))).all()
        return sorted(c for c, depts in items if not depts or code in depts)

    async def _inspector_pool(self, task: Task, department: Department,
                              taken: Iterable[int] = ()) -> tuple[list[int], list[dict[str, Any]],
                                                                   list[str]]:
        """Eligible inspectors of one department and the excluded ones with reasons (Art. 9)."""
        required = await self._department_items(task, department.code)
        taken_set = set(taken)
        rows = (await self._session.execute(
            select(Inspector.id, Inspector.active, Inspector.certificate_no,
                   Inspector.certificate_expires_on, Inspector.qualified_items)
            .where(Inspector.department_id == department.id).order_by(Inspector.id))).all()
        pool: list[int] = []
        exclusions: list[dict[str, Any]] = []
        for iid, active, cert, expires, qualified in rows:
            if iid in taken_set:
                reason = "already-in-task"
            elif not active:
                reason = "inactive"
            elif not cert:
                reason = "no-certificate"
            elif expires is None or expires < task.window_end:
                reason = "certificate-expires-before-window-end"
            elif not set(required) <= set(qualified or []):
                missing = sorted(set(required) - set(qualified or []))
                reason = "not-qualified:" + ",".join(missing)
            else:
                pool.append(int(iid))
                continue
            exclusions.append({"id": int(iid), "reason": reason})
        return pool, exclusions, required

    async def commit_inspectors(self, task_id: int, department_code: str,
                                entropy_source: Mapping[str, Any], actor: Actor) -> DrawView:
        """Freeze one department's inspector pool; it draws from its own directory (Art. 13):
        that department's admin, the organiser or the system."""
        task = await self._task(task_id, lock=True)
        actor.require_department(department_code, "draw-inspectors", organiser_too=True)
        if department_code not in task.department_codes:
            raise ValidationFailed("review-not-participant", code=task.code,
                                   department=department_code)
        department = (await departments_by_code(self._session, [department_code]))[
            department_code]
        await self._check_can_commit(task, DrawKind.INSPECTORS, TaskState.SUBJECTS_DRAWN,
                                     department.id, department_code)
        per_team = int(task.members_per_team.get(department_code, 0))
        if per_team < 1:
            raise DrawRefused("draw-department-sends-nobody", code=task.code,
                              department=department_code)
        certified_per_team = sum(int(v) for v in task.members_per_team.values())
        if certified_per_team < 2:
            raise DrawRefused("draw-too-few-certified-per-team", per_team=certified_per_team)
        pool, exclusions, required = await self._inspector_pool(task, department)
        needed = task.team_count * per_team
        if len(pool) < needed:
            reasons = Counter(e["reason"].split(":")[0] for e in exclusions)
            raise DrawRefused(
                "draw-not-enough-inspectors", department=department_code, needed=needed,
                teams=task.team_count, per_team=per_team, available=len(pool),
                excluded=", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "-")
        is_lead = department.id == task.lead_department_id
        body = {
            "department": department_code, "is_lead": is_lead, "team_count": task.team_count,
            "per_team": per_team, "pool": pool, "exclusions": exclusions,
            "parameters": {"required_items": required,
                           "certificate_valid_through": task.window_end.isoformat(),
                           "certified_per_team": certified_per_team},
        }
        summary = {"pool": len(pool), "needed": needed, "is_lead": is_lead,
                   "excluded": dict(Counter(e["reason"].split(":")[0] for e in exclusions))}
        return await self._commit(task, DrawKind.INSPECTORS, body, entropy_source=entropy_source,
                                  actor=actor, summary=summary, department_id=department.id)

    async def commit_experts(self, task_id: int, entropy_source: Mapping[str, Any],
                             actor: Actor) -> DrawView:
        """Freeze the expert pool when the task asks for experts (Art. 9, 13)."""
        task = await self._task(task_id, lock=True)
        await self._lead_or_organiser(task, actor, DrawKind.EXPERTS)
        if not task.needs_experts:
            raise DrawRefused("draw-no-experts-needed", code=task.code)
        await self._check_can_commit(task, DrawKind.EXPERTS, TaskState.SUBJECTS_DRAWN)
        rows = (await self._session.execute(
            select(Expert.id, Expert.active, Expert.qualified_items).order_by(Expert.id))).all()
        items = set(task.item_codes)
        pool: list[int] = []
        exclusions: list[dict[str, Any]] = []
        for eid, active, qualified in rows:
            if not active:
                exclusions.append({"id": int(eid), "reason": "inactive"})
            elif not items & set(qualified or []):
                exclusions.append({"id": int(eid), "reason": "not-qualified"})
            else:
                pool.append(int(eid))
        needed = task.team_count * task.experts_per_team
        if len(pool) < needed:
            raise DrawRefused("draw-not-enough-experts", needed=needed, available=len(pool))
        body = {"team_count": task.team_count, "per_team": task.experts_per_team, "pool": pool,
                "exclusions": exclusions, "parameters": {"items": sorted(items)}}
        summary = {"pool": len(pool), "needed": needed,
                   "excluded": dict(Counter(e["reason"] for e in exclusions))}
        return await self._commit(task, DrawKind.EXPERTS, body, entropy_source=entropy_source,
                                  actor=actor, summary=summary,
                                  department_id=task.lead_department_id)

    async def _forbidden_pairs(self, task: Task, inspectors: Iterable[int],
                               subjects: Iterable[int]
                               ) -> tuple[set[tuple[int, int]], dict[str, Any]]:
        """Declared conflicts and pairings of the last N months, by the subject's identifier
        (the same enterprise may sit in several departments' directories)."""
        inspector_ids = sorted(set(inspectors))
        subject_ids = set(subjects)
        if not inspector_ids or not subject_ids:
            return set(), {"conflicts": 0, "recent_pairings": 0}
        ident_rows = (await self._session.execute(
            select(TaskSubject.subject_id, Subject.identifier)
            .join(Subject, Subject.id == TaskSubject.subject_id)
            .where(TaskSubject.task_id == task.id))).all()
        by_identifier: dict[str, list[int]] = {}
        for sid, ident in ident_rows:
            if sid in subject_ids:
                by_identifier.setdefault(ident, []).append(int(sid))
        pairs: set[tuple[int, int]] = set()
        conflicts = (await self._session.execute(
            select(Conflict.inspector_id, Subject.identifier)
            .join(Subject, Subject.id == Conflict.subject_id)
            .where(Conflict.active.is_(True), Conflict.inspector_id.in_(inspector_ids)))).all()
        n_conflicts = 0
        for iid, ident in conflicts:
            for sid in by_identifier.get(ident, []):
                pairs.add((int(iid), sid))
                n_conflicts += 1
        since = months_before(local_date(self._clock()), self._pairing_months)
        earlier = (await self._session.execute(
            select(TeamMember.inspector_id, Subject.identifier)
            .join(TaskSubject, and_(TaskSubject.team_id == TeamMember.team_id,
                                    TaskSubject.task_id == TeamMember.task_id))
            .join(Subject, Subject.id == TaskSubject.subject_id)
            .join(Task, Task.id == TeamMember.task_id)
            .where(TeamMember.inspector_id.in_(inspector_ids), TeamMember.active.is_(True),
                   Task.id != task.id, Task.window_end >= since))).all()
        n_recent = 0
        for earlier_iid, ident in earlier:
            iid = _as_int(earlier_iid)
            for sid in by_identifier.get(ident, []):
                if (iid, sid) not in pairs:
                    n_recent += 1
                pairs.add((iid, sid))
        return pairs, {"conflicts": n_conflicts, "recent_pairings": n_recent,
                       "paired_since": since.isoformat()}

    async def _team_members(self, task: Task) -> dict[int, list[int]]:
        rows = (await self._session.execute(
            select(Team.number, TeamMember.inspector_id)
            .join(Team, Team.id == TeamMember.team_id)
            .where(TeamMember.task_id == task.id, TeamMember.active.is_(True),
                   TeamMember.inspector_id.is_not(None)))).all()
        teams: dict[int, list[int]] = {n: [] for n in range(1, task.team_count + 1)}
        for number, iid in rows:
            teams[int(number)].append(_as_int(iid))
        return {n: sorted(v) for n, v in teams.items()}

    async def commit_matching(self, task_id: int, entropy_source: Mapping[str, Any],
                              actor: Actor) -> DrawView:
        """Freeze the matching of subjects to teams, with forbidden pairs as salted hashes."""
        task = await self._task(task_id, lock=True)
        await self._lead_or_organiser(task, actor, DrawKind.MATCHING)
        await self._check_can_commit(task, DrawKind.MATCHING, TaskState.INSPECTORS_DRAWN)
        subjects = sorted(int(s) for s in (await self._session.scalars(
            select(TaskSubject.subject_id).where(TaskSubject.task_id == task.id))).all())
        teams = await self._team_members(task)
        members = [i for ids in teams.values() for i in ids]
        pairs, counts = await self._forbidden_pairs(task, members, subjects)
        salt = secrets.token_hex(16)  # hides who conflicts with whom; not a source of chance
        forbidden = sorted({engine.salted_pair_hash(salt, i, s) for i, s in pairs})
        body = {"team_count": task.team_count, "subjects": subjects,
                "teams": {str(n): {"members": ids} for n, ids in teams.items()},
                "salt": salt, "forbidden": forbidden,
                "parameters": {"pairing_window_months": self._pairing_months,
                               "paired_since": counts.get("paired_since", "")}}
        summary = {"subjects": len(subjects), "teams": task.team_count,
                   "forbidden": len(forbidden), "conflicts": counts["conflicts"],
                   "recent_pairings": counts["recent_pairings"]}
        return await self._commit(task, DrawKind.MATCHING, body, entropy_source=entropy_source,
                                  actor=actor, summary=summary)

    async def withdraw(self, task_id: int, inspector_id: int, reason: str,
                       entropy_source: Mapping[str, Any], actor: Actor) -> DrawView:
        """A drawn inspector withdraws (illness, a late conflict): commit a replacement draw
        for that one person, from the same department; nothing else changes."""
        task = await self._task(task_id, lock=True)
        if not reason.strip():
            raise ValidationFailed("draw-withdraw-needs-reason")
        if task.state not in (TaskState.SUBJECTS_DRAWN, TaskState.INSPECTORS_DRAWN,
                              TaskState.TEAMS_FORMED, TaskState.IN_PROGRESS):
            raise IllegalTransition("draw-wrong-state", code=task.code, state=task.state,
                                    kind=DrawKind.REPLACEMENT.value,
                                    needed=TaskState.TEAMS_FORMED.value)
        member = await self._session.scalar(
            select(TeamMember).where(TeamMember.task_id == task.id,
                                     TeamMember.inspector_id == inspector_id,
                                     TeamMember.active.is_(True)))
        if member is None or member.team_id is None or member.department_id is None:
            raise NotFound("draw-not-a-member", code=task.code, inspector=inspector_id)
        codes = await department_codes_by_id(self._session)
        actor.require_department(codes[member.department_id], "draw-replacement",
                                 organiser_too=True)
        for open_draw in await self._open_draws(task.id, DrawKind.REPLACEMENT):
            if open_draw.status == DrawStatus.COMMITTED and orjson.loads(
                    await self._manifest_text(open_draw.id)).get("withdrawn") == inspector_id:
                raise DrawRefused("draw-already-committed", code=task.code,
                                  kind=DrawKind.REPLACEMENT.value, department=str(inspector_id))
        team = await self._session.get(Team, member.team_id)
        assert team is not None
        department = await self._session.get(Department, member.department_id)
        assert department is not None
        everyone = (await self._session.scalars(
            select(TeamMember.inspector_id).where(TeamMember.task_id == task.id,
                                                  TeamMember.inspector_id.is_not(None)))).all()
        pool, exclusions, _required = await self._inspector_pool(
            task, department, [_as_int(i) for i in everyone])
        if not pool:
            raise DrawRefused("draw-no-replacement", department=department.code,
                              inspector=inspector_id)
        team_subjects = sorted(int(s) for s in (await self._session.scalars(
            select(TaskSubject.subject_id).where(TaskSubject.task_id == task.id,
                                                 TaskSubject.team_id == team.id))).all())
        pairs, counts = await self._forbidden_pairs(task, pool, team_subjects)
        salt = secrets.token_hex(16)
        forbidden = sorted({engine.salted_pair_hash(salt, i, s) for i, s in pairs})
        is_lead = department.id == task.lead_department_id
        lead_members = sorted(_as_int(i) for i in (await self._session.scalars(
            select(TeamMember.inspector_id).where(
                TeamMember.team_id == team.id, TeamMember.active.is_(True),
                TeamMember.department_id == task.lead_department_id,
                TeamMember.inspector_id.is_not(None),
                TeamMember.inspector_id != inspector_id))).all())
        redraw_leader = team.leader_inspector_id == inspector_id
        body = {"department": department.code, "team": str(team.number),
                "withdrawn": inspector_id, "reason": reason.strip(), "pool": pool,
                "exclusions": exclusions, "team_subjects": team_subjects, "salt": salt,
                "forbidden": forbidden, "redraw_leader": redraw_leader, "is_lead": is_lead,
                "lead_members": lead_members,
                "parameters": {"pairing_window_months": self._pairing_months}}
        summary = {"pool": len(pool), "team": team.number, "withdrawn": inspector_id,
                   "redraw_leader": redraw_leader, "forbidden": len(forbidden),
                   "conflicts": counts["conflicts"]}
        return await self._commit(task, DrawKind.REPLACEMENT, body, entropy_source=entropy_source,
                                  actor=actor, summary=summary, department_id=department.id,
                                  reason=reason.strip(), supersedes_id=member.draw_id)

    # ----------------------------------------------------------------- complete

    async def complete(self, draw_id: int, evidence: Mapping[str, Any],
                       actor: Actor) -> DrawView:
        """Run the engine on the committed manifest and the entropy evidence; write the result.

        The draw's department's admin (the lead department for a task-wide draw), the
        organiser or the system."""
        draw = await self._draw(draw_id)
        task = await self._task(draw.task_id, lock=True)
        codes = await department_codes_by_id(self._session)
        actor.require_department(codes[draw.department_id or task.lead_department_id],
                                 f"draw-{draw.kind}", organiser_too=True)
        if draw.status != DrawStatus.COMMITTED:
            raise IllegalTransition("draw-already-completed", id=draw_id, status=draw.status)
        manifest = orjson.loads(await self._manifest_text(draw.id))
        try:
            result = engine.compute_result(manifest, dict(evidence),
                                           manifest_sha256=draw.manifest_sha256)
        except engine.EntropyError as exc:
            # wrong evidence: nothing changes, the right evidence can still be supplied
            raise DrawRefused(exc.key, **exc.details) from exc
        except engine.DrawError as exc:
            # the inputs cannot give a result whatever the entropy: record the failure
            draw.status = DrawStatus.FAILED
            draw.entropy_evidence = dict(evidence)
            draw.completed_at = self._clock()
            await self._audit.record(actor, "draw.fail", "draw", draw.id, {
                "task": task.code, "commitment": draw.manifest_sha256, "code": exc.code,
                "details": exc.details})
            await self._session.commit()
            raise DrawRefused(exc.key, **exc.details) from exc
        result_text = _canonical(result).decode("utf-8")
        draw.result = result_text
        draw.entropy_evidence = dict(evidence)
        draw.status = DrawStatus.COMPLETED
        draw.completed_at = self._clock()
        kind = DrawKind(draw.kind)
        drawn: dict[str, Any]
        if kind is DrawKind.SUBJECTS:
            drawn = await self._apply_subjects(task, draw, result)
        elif kind in (DrawKind.INSPECTORS, DrawKind.EXPERTS):
            drawn = await self._apply_team_draw(task, draw, manifest, result)
        elif kind is DrawKind.MATCHING:
            drawn = await self._apply_matching(task, result)
        else:
            drawn = await self._apply_replacement(task, draw, manifest, result)
        draw.summary = {**draw.summary, "drawn": drawn}
        await self._audit.record(actor, "draw.complete", "draw", draw.id, {
            "task": task.code, "kind": draw.kind, "commitment": draw.manifest_sha256,
            "evidence": dict(evidence),
            "result_sha256": hashlib.sha256(result_text.encode()).hexdigest(),
            "drawn": drawn})
        await self._session.commit()
        return await self._view(draw, task_code=task.code)

    async def _apply_subjects(self, task: Task, draw: Draw, result: dict[str, Any]
                              ) -> dict[str, Any]:
        selected: dict[str, list[int]] = result["selected"]
        task_id, draw_id = task.id, draw.id  # plain ints: no ORM attribute access per row
        rows = [(task_id, sid, stratum, draw_id)
                for stratum, ids in sorted(selected.items()) for sid in ids]
        await _bulk_insert(self._session, TaskSubject.__table__,  # type: ignore[arg-type]
                           ("task_id", "subject_id", "stratum", "draw_id"), rows)
        counts = {s: len(ids) for s, ids in sorted(selected.items())}
        await self._tasks.record_draw_step(task.id, "draw-subjects", draw.committed_by,
                                           {"draw": draw.id, "selected": counts})
        return {"selected": counts}

    async def _ensure_teams(self, task: Task) -> dict[int, Team]:
        teams = {t.number: t for t in (await self._session.scalars(
            select(Team).where(Team.task_id == task.id))).all()}
        for number in range(1, task.team_count + 1):
            if number not in teams:
                team = Team(task_id=task.id, number=number)
                self._session.add(team)
                teams[number] = team
        await self._session.flush()
        return teams

    async def _apply_team_draw(self, task: Task, draw: Draw, manifest: dict[str, Any],
                               result: dict[str, Any]) -> dict[str, Any]:
        teams = await self._ensure_teams(task)
        is_expert = draw.kind == DrawKind.EXPERTS
        for number, ids in sorted(result["teams"].items(), key=lambda kv: int(kv[0])):
            team = teams[int(number)]
            for pid in ids:
                self._session.add(TeamMember(
                    team_id=team.id, task_id=task.id,
                    department_id=None if is_expert else draw.department_id,
                    inspector_id=None if is_expert else int(pid),
                    expert_id=int(pid) if is_expert else None, draw_id=draw.id, active=True))
        leaders = result.get("leaders") or {}
        for number, leader in leaders.items():
            teams[int(number)].leader_inspector_id = int(leader)
            teams[int(number)].draw_id = draw.id
        await self._session.flush()
        if await self._all_team_draws_done(task):
            await self._tasks.record_draw_step(task.id, "draw-inspectors", draw.committed_by,
                                               {"draw": draw.id})
        return {"teams": {k: len(v) for k, v in result["teams"].items()},
                "leaders": {k: int(v) for k, v in leaders.items()}}

    async def _all_team_draws_done(self, task: Task) -> bool:
        done = (await self._session.execute(
            select(Draw.kind, Draw.department_id).where(
                Draw.task_id == task.id, Draw.status == DrawStatus.COMPLETED,
                Draw.kind.in_((DrawKind.INSPECTORS.value, DrawKind.EXPERTS.value))))).all()
        departments = await departments_by_code(self._session, task.department_codes)
        needed = {departments[c].id for c, m in task.members_per_team.items() if int(m) > 0}
        drawn = {d for k, d in done if k == DrawKind.INSPECTORS}
        experts_ok = not task.needs_experts or any(k == DrawKind.EXPERTS for k, _ in done)
        return needed <= drawn and experts_ok

    async def _apply_matching(self, task: Task, result: dict[str, Any]) -> dict[str, Any]:
        teams = await self._ensure_teams(task)
        counts = {}
        for number, ids in sorted(result["assignment"].items(), key=lambda kv: int(kv[0])):
            team = teams[int(number)]
            for chunk in range(0, len(ids), 5000):
                await self._session.execute(
                    update(TaskSubject).where(
                        TaskSubject.task_id == task.id,
                        TaskSubject.subject_id.in_([int(s) for s in ids[chunk:chunk + 5000]]))
                    .values(team_id=team.id))
            counts[number] = len(ids)
        await self._tasks.record_draw_step(task.id, "form-teams", "draw",
                                           {"assignment": counts})
        return {"assignment": counts}

    async def _apply_replacement(self, task: Task, draw: Draw, manifest: dict[str, Any],
                                 result: dict[str, Any]) -> dict[str, Any]:
        withdrawn = int(manifest["withdrawn"])
        old = await self._session.scalar(
            select(TeamMember).where(TeamMember.task_id == task.id,
                                     TeamMember.inspector_id == withdrawn,
                                     TeamMember.active.is_(True)))
        if old is None:
            raise NotFound("draw-not-a-member", code=task.code, inspector=withdrawn)
        new = TeamMember(team_id=old.team_id, task_id=task.id, department_id=old.department_id,
                         inspector_id=int(result["replacement"]), draw_id=draw.id, active=True)
        self._session.add(new)
        await self._session.flush()
        old.active = False
        old.withdrawn_reason = str(manifest["reason"])
        old.replaced_by_id = new.id
        await revoke_member_codes(self._session, task.id, withdrawn, self._clock(),
                                  f"withdrawn: {manifest['reason']}")
        team = await self._session.get(Team, old.team_id)
        assert team is not None
        leader = result.get("leader")
        if manifest.get("redraw_leader") and leader is not None:
            team.leader_inspector_id = int(leader)
        return {"withdrawn": withdrawn, "replacement": int(result["replacement"]),
                "team": team.number, "leader": team.leader_inspector_id}


def verify_bundle(bundle: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Re-compute a bundle with the standalone verifier's own code."""
    report = engine.verify_bundle(dict(bundle))
    return bool(report.ok), list(report.differences)
