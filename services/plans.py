"""年度部门联合抽查计划清单: the annual joint plan and its entries (Art. 11).

Departments submit next year's entries by 30 November; the plan is approved by 31 December
(both configurable, ``MM-DD`` of the year before the plan's year). An entry whose period overlaps
the peak business months of most of its subjects is flagged; entries that could be merged are
proposed as one joint entry; once approved, the plan changes only through a reviewed
``PlanChange``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import AnnualPlan, Department, InspectionItem, PlanEntry, Subject
from storage.models.planning import PlanChange

from services.actors import Actor
from services.audit import AuditTrail, jsonable
from services.clock import Clock, local_date
from services.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from services.vocabulary import ChangeStatus, PlanEntryStatus, PlanStatus, ReviewDecision

RISK_CLASSES = ("A", "B", "C", "D")
PEAK_SHARE = Decimal("0.5")  # "most of its subjects": strictly more than half


class DeadlinePassed(DomainError):
    """A plan deadline (submission 30 Nov, approval 31 Dec) has passed."""

    key = "plan-submission-closed"


# --------------------------------------------------------------------------- helpers


def parse_ratio(value: str | float | Decimal | None) -> Decimal | None:
    """A sampling ratio 0 < r ≤ 1 as an exact decimal (``"0.05"``, ``5%``)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        ratio = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation as exc:
        raise ValidationFailed("plan-bad-ratio", value=str(value)) from exc
    if not (Decimal(0) < ratio <= Decimal(1)):
        raise ValidationFailed("plan-bad-ratio", value=str(value))
    return ratio.normalize()


def ratio_text(value: float | Decimal | None) -> str | None:
    """A stored ratio as the exact decimal text people wrote (``0.05``)."""
    if value is None:
        return None
    return format(Decimal(str(value)).normalize(), "f")


def _mm_dd(text: str, year: int) -> dt.date:
    month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, day)


async def departments_by_code(
    session: AsyncSession, codes: Iterable[str]
) -> dict[str, Department]:
    """The departments named by ``codes``; an unknown code is refused by name."""
    wanted = sorted(set(codes))
    rows = (await session.scalars(select(Department).where(Department.code.in_(wanted)))).all()
    found = {d.code: d for d in rows}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise NotFound("error-unknown-department", code=", ".join(missing))
    return found


async def department_codes_by_id(session: AsyncSession) -> dict[int, str]:
    """Every department's code by id (there are a handful)."""
    return {d.id: d.code for d in (await session.scalars(select(Department))).all()}


async def check_items(session: AsyncSession, items: Sequence[str], year: int) -> int:
    """Refuse item codes missing from the catalogue; returns the catalogue year used.

    The plan is written before next year's catalogue may be imported, so the latest catalogue
    year up to ``year`` is used when ``year`` has none.
    """
    if not items:
        raise ValidationFailed("plan-no-items")
    catalogue_year = await session.scalar(
        select(func.max(InspectionItem.year)).where(InspectionItem.year <= year)
    )
    if catalogue_year is None:
        catalogue_year = await session.scalar(select(func.min(InspectionItem.year)))
    if catalogue_year is None:
        raise NotFound("error-unknown-item", code=", ".join(items), year=year)
    known = set(
        (await session.scalars(
            select(InspectionItem.code).where(
                InspectionItem.year == catalogue_year, InspectionItem.code.in_(list(items))
            )
        )).all()
    )
    missing = [c for c in items if c not in known]
    if missing:
        raise NotFound("error-unknown-item", code=", ".join(missing), year=catalogue_year)
    return int(catalogue_year)


@dataclass(frozen=True)
class SubjectScope:
    """Which subjects a plan entry or task covers; an empty list means no restriction.

    Industries match by prefix (GB/T 4754 codes are hierarchical: ``C`` covers ``C13``).
    """

    districts: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    risk_classes: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SubjectScope:
        """From the JSON stored on a plan entry or task."""
        data = data or {}
        unknown = set(data) - {"districts", "industries", "kinds", "risk_classes"}
        if unknown:
            raise ValidationFailed("scope-unknown-key", key=", ".join(sorted(unknown)))

        def words(key: str) -> tuple[str, ...]:
            value = data.get(key) or []
            if isinstance(value, str):
                value = [v for v in value.split(",")]
            return tuple(sorted({str(v).strip() for v in value if str(v).strip()}))

        risk = tuple(r.upper() for r in words("risk_classes"))
        bad = [r for r in risk if r not in RISK_CLASSES]
        if bad:
            raise ValidationFailed("scope-bad-risk-class", value=", ".join(bad))
        return cls(words("districts"), words("industries"), words("kinds"), risk)

    def to_dict(self) -> dict[str, list[str]]:
        """The JSON form (only the keys that restrict)."""
        out: dict[str, list[str]] = {}
        for key in ("districts", "industries", "kinds", "risk_classes"):
            value = getattr(self, key)
            if value:
                out[key] = list(value)
        return out

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions on ``Subject`` for this scope."""
        conds: list[ColumnElement[bool]] = []
        if self.districts:
            conds.append(Subject.district.in_(self.districts))
        if self.kinds:
            conds.append(Subject.kind.in_(self.kinds))
        if self.risk_classes:
            conds.append(Subject.risk_class.in_(self.risk_classes))
        if self.industries:
            conds.append(or_(*(Subject.industry_code.startswith(p) for p in self.industries)))
        return conds

    def union(self, other: SubjectScope) -> SubjectScope:
        """The smallest scope covering both (an unrestricted field stays unrestricted)."""

        def merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return () if not a or not b else tuple(sorted(set(a) | set(b)))

        return SubjectScope(
            merge(self.districts, other.districts), merge(self.industries, other.industries),
            merge(self.kinds, other.kinds), merge(self.risk_classes, other.risk_classes),
        )


def months_in(start: dt.date, end: dt.date) -> list[int]:
    """The calendar months (1-12) that the period touches."""
    months: list[int] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month) and len(months) < 12:
        months.append(m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return sorted(set(months))


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class PlanEntryInput:
    """What a department submits for next year's plan."""

    year: int
    department: str  # the submitting department's code
    title: str
    items: tuple[str, ...]
    departments: tuple[str, ...]  # every department taking part (the submitter included)
    period_start: dt.date
    period_end: dt.date
    target_ratio: str | None = None
    scope: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanEntryView:
    """One entry of the annual plan."""

    id: int
    year: int
    department: str
    title: str
    items: tuple[str, ...]
    departments: tuple[str, ...]
    period_start: dt.date
    period_end: dt.date
    target_ratio: str | None
    scope: dict[str, Any]
    status: str  # submitted | approved | merged | withdrawn
    merged_into_id: int | None
    flags: dict[str, Any]

    @property
    def peak_season(self) -> bool:
        """Whether the period overlaps the peak months of most of its subjects (Art. 11)."""
        return bool(self.flags.get("peak_season", {}).get("flagged"))


@dataclass(frozen=True)
class PlanView:
    """The annual plan of one year with its deadlines and entries."""

    year: int
    status: str  # open | approved
    submission_closes: dt.date
    approval_due: dt.date
    approved_at: dt.datetime | None
    approved_by: str | None
    entries: tuple[PlanEntryView, ...]


@dataclass(frozen=True)
class MergeProposal:
    """Entries that can be merged into one joint entry, and the entry they would become."""

    entry_ids: tuple[int, ...]
    reason: tuple[str, ...]  # same-items | same-scope
    title: str
    items: tuple[str, ...]
    departments: tuple[str, ...]
    period_start: dt.date
    period_end: dt.date
    scope: dict[str, Any]
    target_ratio: str | None


@dataclass(frozen=True)
class PlanChangeView:
    """A proposed change to an approved plan and its review."""

    id: int
    year: int
    entry_id: int | None
    changes: dict[str, Any]
    reason: str
    status: str  # pending | approved | returned
    proposed_by: str
    decided_by: str | None
    comment: str
    applied_entry_id: int | None = None


# --------------------------------------------------------------------------- service

_CHANGE_KEYS = {"title", "items", "departments", "period_start", "period_end", "target_ratio",
                "scope", "withdraw", "department"}


class PlanService:
    """Annual plans: submission, peak-season flags, merge proposals, approval, reviewed changes."""

    def __init__(self, session: AsyncSession, clock: Clock, *,
                 submission_deadline: str = "11-30", approval_deadline: str = "12-31") -> None:
        self._session = session
        self._clock = clock
        self._submission = submission_deadline
        self._approval = approval_deadline
        self._audit = AuditTrail(session, clock)

    def submission_closes(self, year: int) -> dt.date:
        """The last day to submit entries for ``year`` (30 Nov of the year before, Art. 11)."""
        return _mm_dd(self._submission, year - 1)

    def approval_due(self, year: int) -> dt.date:
        """The last day to approve ``year``'s plan (31 Dec of the year before, Art. 11)."""
        return _mm_dd(self._approval, year - 1)

    def _today(self) -> dt.date:
        return local_date(self._clock())

    async def _plan_row(self, year: int, *, create: bool = False) -> AnnualPlan:
        plan = await self._session.scalar(select(AnnualPlan).where(AnnualPlan.year == year))
        if plan is None:
            if not create:
                raise NotFound("plan-not-found", year=year)
            plan = AnnualPlan(year=year, status=PlanStatus.OPEN)
            self._session.add(plan)
            await self._session.flush()
        return plan

    async def _entry_view(self, entry: PlanEntry, year: int | None = None,
                          codes: dict[int, str] | None = None) -> PlanEntryView:
        codes = codes or await department_codes_by_id(self._session)
        if year is None:
            plan = await self._session.get(AnnualPlan, entry.plan_id)
            assert plan is not None
            year = plan.year
        return PlanEntryView(
            id=entry.id, year=year, department=codes[entry.submitted_by_department_id],
            title=entry.title, items=tuple(entry.item_codes),
            departments=tuple(entry.department_codes), period_start=entry.period_start,
            period_end=entry.period_end, target_ratio=ratio_text(entry.target_ratio),
            scope=dict(entry.subject_scope), status=entry.status,
            merged_into_id=entry.merged_into_id, flags=dict(entry.flags),
        )

    async def _validate_entry(self, data: PlanEntryInput) -> tuple[Department, SubjectScope,
                                                                   Decimal | None]:
        if not data.title.strip():
            raise ValidationFailed("plan-no-title")
        departments = set(data.departments) | {data.department}
        found = await departments_by_code(self._session, departments)
        if data.period_end < data.period_start:
            raise ValidationFailed("plan-bad-period", start=data.period_start.isoformat(),
                                   end=data.period_end.isoformat())
        if data.period_start.year != data.year or data.period_end.year != data.year:
            raise ValidationFailed("plan-period-outside-year", year=data.year,
                                   start=data.period_start.isoformat(),
                                   end=data.period_end.isoformat())
        await check_items(self._session, data.items, data.year)
        return found[data.department], SubjectScope.from_dict(data.scope), \
            parse_ratio(data.target_ratio)

    async def peak_season_flag(self, departments: Sequence[str], scope: SubjectScope,
                               start: dt.date, end: dt.date) -> dict[str, Any]:
        """Share of in-scope active subjects whose peak months overlap the period (Art. 11)."""
        found = await departments_by_code(self._session, departments)
        months = set(months_in(start, end))
        total = 0
        in_peak = 0
        stmt = select(Subject.peak_months).where(
            Subject.department_id.in_([d.id for d in found.values()]),
            Subject.active.is_(True), *scope.conditions(),
        ).execution_options(yield_per=10_000)
        # streamed: a department's directory may hold millions of subjects
        async for peak in await self._session.stream_scalars(stmt):
            total += 1
            if months & set(peak or []):
                in_peak += 1
        share_permille = (in_peak * 1000 // total) if total else 0
        flagged = total > 0 and Decimal(in_peak) / Decimal(total) > PEAK_SHARE
        return {"flagged": flagged, "subjects": total, "in_peak": in_peak,
                "share_permille": share_permille, "months": sorted(months)}

    async def submit_entry(self, data: PlanEntryInput, actor: Actor) -> PlanEntryView:
        """A department's entry for next year's plan; refused after the submission deadline.

        The submitting department's admin (its own plan), the organiser or the system."""
        actor.require_department(data.department, "plan-submit", organiser_too=True)
        closes = self.submission_closes(data.year)
        today = self._today()
        if today > closes:
            raise DeadlinePassed("plan-submission-closed", year=data.year,
                                 deadline=closes.isoformat(), today=today.isoformat())
        department, scope, ratio = await self._validate_entry(data)
        plan = await self._plan_row(data.year, create=True)
        if plan.status != "open":
            raise IllegalTransition("plan-already-approved", year=data.year)
        departments = sorted(set(data.departments) | {data.department})
        peak = await self.peak_season_flag(departments, scope, data.period_start,
                                           data.period_end)
        entry = PlanEntry(
            plan_id=plan.id, submitted_by_department_id=department.id, title=data.title.strip(),
            item_codes=list(dict.fromkeys(data.items)), department_codes=departments,
            subject_scope=scope.to_dict(), period_start=data.period_start,
            period_end=data.period_end, target_ratio=float(ratio) if ratio is not None else None,
            status=PlanEntryStatus.SUBMITTED, flags={"peak_season": peak},
            submitted_at=self._clock(),
        )
        self._session.add(entry)
        await self._session.flush()
        view = await self._entry_view(entry, data.year)
        await self._audit.record(actor, "plan.entry.submit", "plan_entry", entry.id,
                                 _entry_record(view))
        await self._session.commit()
        return view

    async def get(self, year: int) -> PlanView:
        """The plan of ``year`` with every entry (merged ones too, marked)."""
        plan = await self._plan_row(year)
        codes = await department_codes_by_id(self._session)
        entries = (await self._session.scalars(
            select(PlanEntry).where(PlanEntry.plan_id == plan.id).order_by(PlanEntry.id)
        )).all()
        views = [await self._entry_view(e, year, codes) for e in entries]
        return PlanView(year, plan.status, self.submission_closes(year), self.approval_due(year),
                        plan.approved_at, plan.approved_by, tuple(views))

    async def entry(self, entry_id: int) -> PlanEntryView:
        """One plan entry."""
        entry = await self._session.get(PlanEntry, entry_id)
        if entry is None:
            raise NotFound("plan-entry-not-found", id=entry_id)
        return await self._entry_view(entry)

    async def merge_proposals(self, year: int) -> list[MergeProposal]:
        """Entries of different departments with shared items or the same subjects and
        overlapping periods, grouped, each group proposed as one joint entry (Art. 11)."""
        plan = await self.get(year)
        live = [e for e in plan.entries
                if e.status in (PlanEntryStatus.SUBMITTED, PlanEntryStatus.APPROVED)]
        parent = {e.id: e.id for e in live}
        reasons: dict[int, set[str]] = {e.id: set() for e in live}

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i, a in enumerate(live):
            for b in live[i + 1:]:
                if a.department == b.department:
                    continue
                if a.period_start > b.period_end or b.period_start > a.period_end:
                    continue
                why = set()
                if set(a.items) & set(b.items):
                    why.add("same-items")
                if a.scope and a.scope == b.scope:
                    why.add("same-scope")
                if why:
                    ra, rb = find(a.id), find(b.id)
                    parent[ra] = rb
                    reasons[a.id] |= why
                    reasons[b.id] |= why
        groups: dict[int, list[PlanEntryView]] = {}
        for e in live:
            groups.setdefault(find(e.id), []).append(e)
        proposals = []
        for members in groups.values():
            if len(members) < 2:
                continue
            proposals.append(_joint_of(members, sorted(set().union(
                *(reasons[m.id] for m in members)))))
        return sorted(proposals, key=lambda p: p.entry_ids)

    async def merge(self, year: int, entry_ids: Sequence[int], actor: Actor,
                    lead_department: str | None = None, title: str | None = None
                    ) -> PlanEntryView:
        """Merge entries into one joint entry before approval; the originals are kept, marked
        (the organiser or the system)."""
        actor.require_organiser("plan-merge")
        plan_row = await self._plan_row(year)
        if plan_row.status != "open":
            raise IllegalTransition("plan-already-approved", year=year)
        ids = sorted(set(entry_ids))
        if len(ids) < 2:
            raise ValidationFailed("plan-merge-needs-two")
        plan = await self.get(year)
        by_id = {e.id: e for e in plan.entries}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise NotFound("plan-entry-not-found", id=", ".join(map(str, missing)))
        members = [by_id[i] for i in ids]
        merged_already = [e.id for e in members if e.status != PlanEntryStatus.SUBMITTED]
        if merged_already:
            raise IllegalTransition("plan-entry-not-mergeable", id=merged_already[0],
                                    status=by_id[merged_already[0]].status)
        joint = _joint_of(members, ["operator"])
        lead = lead_department or members[0].department
        if lead not in joint.departments:
            raise ValidationFailed("plan-merge-lead-not-member", department=lead)
        found = await departments_by_code(self._session, [lead])
        scope = SubjectScope.from_dict(joint.scope)
        peak = await self.peak_season_flag(joint.departments, scope, joint.period_start,
                                           joint.period_end)
        ratio = parse_ratio(joint.target_ratio)
        entry = PlanEntry(
            plan_id=plan_row.id, submitted_by_department_id=found[lead].id,
            title=title or joint.title, item_codes=list(joint.items),
            department_codes=list(joint.departments), subject_scope=joint.scope,
            period_start=joint.period_start, period_end=joint.period_end,
            target_ratio=float(ratio) if ratio is not None else None,
            status=PlanEntryStatus.SUBMITTED,
            flags={"peak_season": peak, "merged_from": ids}, submitted_at=self._clock(),
        )
        self._session.add(entry)
        await self._session.flush()
        for row in (await self._session.scalars(
                select(PlanEntry).where(PlanEntry.id.in_(ids)))).all():
            row.status = PlanEntryStatus.MERGED
            row.merged_into_id = entry.id
        view = await self._entry_view(entry, year)
        await self._audit.record(actor, "plan.entry.merge", "plan_entry", entry.id,
                                 {"merged_from": ids, **_entry_record(view)})
        await self._session.commit()
        return view

    async def approve(self, year: int, actor: Actor, late_reason: str = "") -> PlanView:
        """Approve the plan (by 31 Dec of the year before); entries become approved. The
        organiser records the approval (or the system)."""
        actor.require_organiser("plan-approve")
        plan = await self._plan_row(year)
        if plan.status != "open":
            raise IllegalTransition("plan-already-approved", year=year)
        due = self.approval_due(year)
        today = self._today()
        if today > due and not late_reason.strip():
            raise DeadlinePassed("plan-approval-late", year=year, deadline=due.isoformat(),
                                 today=today.isoformat())
        entries = (await self._session.scalars(
            select(PlanEntry).where(PlanEntry.plan_id == plan.id,
                                    PlanEntry.status == PlanEntryStatus.SUBMITTED)
        )).all()
        if not entries:
            raise ValidationFailed("plan-empty", year=year)
        for entry in entries:
            entry.status = PlanEntryStatus.APPROVED
        plan.status = PlanStatus.APPROVED
        plan.approved_at = self._clock()
        plan.approved_by = actor.label
        await self._audit.record(actor, "plan.approve", "annual_plan", plan.id, {
            "year": year, "entries": sorted(e.id for e in entries),
            "deadline": due.isoformat(), "late_reason": late_reason.strip(),
        })
        await self._session.commit()
        return await self.get(year)

    async def propose_change(self, year: int, entry_id: int | None, changes: dict[str, Any],
                             reason: str, actor: Actor) -> PlanChangeView:
        """Propose a change to an approved plan; nothing changes until it is reviewed.

        The entry's department's admin (for a new entry: the department it names), the
        organiser or the system."""
        plan = await self._plan_row(year)
        if plan.status != PlanStatus.APPROVED:
            raise IllegalTransition("plan-change-not-approved-yet", year=year)
        if not reason.strip():
            raise ValidationFailed("plan-change-needs-reason")
        unknown = set(changes) - _CHANGE_KEYS
        if unknown or not changes:
            raise ValidationFailed("plan-change-bad-keys", keys=", ".join(sorted(unknown)) or "-")
        if entry_id is not None:
            entry = await self._session.get(PlanEntry, entry_id)
            if entry is None or entry.plan_id != plan.id:
                raise NotFound("plan-entry-not-found", id=entry_id)
            current = await self._entry_view(entry, year)
            actor.require_department(current.department, "plan-change", organiser_too=True)
            if entry.status != PlanEntryStatus.APPROVED:
                raise IllegalTransition("plan-entry-not-changeable", id=entry_id,
                                        status=entry.status)
            candidate = _apply_changes(current, changes)
        else:
            candidate = _input_from_changes(year, changes)
            actor.require_department(candidate.department, "plan-change", organiser_too=True)
        if not changes.get("withdraw"):
            await self._validate_entry(candidate)
        row = PlanChange(plan_id=plan.id, entry_id=entry_id, changes=jsonable(changes),
                         reason=reason.strip(), status=ChangeStatus.PENDING,
                         proposed_by=actor.label,
                         proposed_at=self._clock(), comment="")
        self._session.add(row)
        await self._session.flush()
        await self._audit.record(actor, "plan.change.propose", "plan_change", row.id, {
            "year": year, "entry_id": entry_id, "changes": row.changes, "reason": row.reason})
        await self._session.commit()
        return _change_view(row, year)

    async def review_change(self, change_id: int, decision: ReviewDecision | str,
                            comment: str, actor: Actor) -> PlanChangeView:
        """Approve (and apply) or return a proposed change; a return needs a comment (the
        organiser or the system)."""
        actor.require_organiser("plan-change-review")
        row = await self._session.get(PlanChange, change_id)
        if row is None:
            raise NotFound("plan-change-not-found", id=change_id)
        plan = await self._session.get(AnnualPlan, row.plan_id)
        assert plan is not None
        if row.status != ChangeStatus.PENDING:
            raise IllegalTransition("plan-change-not-pending", id=change_id, status=row.status)
        decision = ReviewDecision.parse(decision)
        if decision == ReviewDecision.PENDING:
            raise ValidationFailed("review-bad-decision", decision=decision.value)
        if decision == ReviewDecision.RETURN and not comment.strip():
            raise ValidationFailed("review-return-needs-comment")
        applied: int | None = None
        if decision == ReviewDecision.APPROVE:
            applied = await self._apply(row, plan.year, actor)
            row.status = ChangeStatus.APPROVED
        else:
            row.status = ChangeStatus.RETURNED
        row.decided_by = actor.label
        row.decided_at = self._clock()
        row.comment = comment.strip()
        await self._audit.record(actor, f"plan.change.{row.status}", "plan_change", row.id, {
            "year": plan.year, "entry_id": row.entry_id, "applied_entry_id": applied,
            "comment": row.comment})
        await self._session.commit()
        return _change_view(row, plan.year, applied)

    async def _apply(self, change: PlanChange, year: int, actor: Actor) -> int:
        changes = change.changes
        if change.entry_id is None:
            data = _input_from_changes(year, changes)
            department, scope, ratio = await self._validate_entry(data)
            entry = PlanEntry(
                plan_id=change.plan_id, submitted_by_department_id=department.id,
                title=data.title, item_codes=list(data.items),
                department_codes=sorted(set(data.departments) | {data.department}),
                subject_scope=scope.to_dict(), period_start=data.period_start,
                period_end=data.period_end,
                target_ratio=float(ratio) if ratio is not None else None,
                status=PlanEntryStatus.APPROVED,
                flags={"peak_season": await self.peak_season_flag(
                    sorted(set(data.departments) | {data.department}), scope,
                    data.period_start, data.period_end), "added_by_change": change.id},
                submitted_at=self._clock(),
            )
            self._session.add(entry)
            await self._session.flush()
            return entry.id
        existing = await self._session.get(PlanEntry, change.entry_id)
        assert existing is not None
        entry = existing
        if changes.get("withdraw"):
            entry.status = PlanEntryStatus.WITHDRAWN
            return entry.id
        data = _apply_changes(await self._entry_view(entry, year), changes)
        department, scope, ratio = await self._validate_entry(data)
        entry.title = data.title
        entry.item_codes = list(data.items)
        entry.department_codes = sorted(set(data.departments) | {data.department})
        entry.subject_scope = scope.to_dict()
        entry.period_start = data.period_start
        entry.period_end = data.period_end
        entry.target_ratio = float(ratio) if ratio is not None else None
        entry.submitted_by_department_id = department.id
        entry.flags = {**entry.flags, "peak_season": await self.peak_season_flag(
            entry.department_codes, scope, entry.period_start, entry.period_end),
            "changed_by": [*entry.flags.get("changed_by", []), change.id]}
        return entry.id

    async def changes(self, year: int) -> list[PlanChangeView]:
        """Every proposed change of ``year``'s plan, oldest first."""
        plan = await self._plan_row(year)
        rows = (await self._session.scalars(
            select(PlanChange).where(PlanChange.plan_id == plan.id).order_by(PlanChange.id)
        )).all()
        return [_change_view(r, year) for r in rows]


def _entry_record(view: PlanEntryView) -> dict[str, Any]:
    return {
        "year": view.year, "department": view.department, "title": view.title,
        "items": list(view.items), "departments": list(view.departments),
        "period": [view.period_start.isoformat(), view.period_end.isoformat()],
        "target_ratio": view.target_ratio, "scope": view.scope,
        "peak_season": view.peak_season,
    }


def _joint_of(members: Sequence[PlanEntryView], reason: Sequence[str]) -> MergeProposal:
    starts = [m.period_start for m in members]
    ends = [m.period_end for m in members]
    start, end = max(starts), min(ends)
    if start > end:  # a chain of overlaps without a common part: cover them all
        start, end = min(starts), max(ends)
    scope = SubjectScope.from_dict(members[0].scope)
    for m in members[1:]:
        scope = scope.union(SubjectScope.from_dict(m.scope))
    ratios = [Decimal(m.target_ratio) for m in members if m.target_ratio is not None]
    items = tuple(dict.fromkeys(i for m in members for i in m.items))
    return MergeProposal(
        entry_ids=tuple(sorted(m.id for m in members)), reason=tuple(reason),
        title=" + ".join(m.title for m in members), items=items,
        departments=tuple(sorted({d for m in members for d in m.departments})),
        period_start=start, period_end=end, scope=scope.to_dict(),
        target_ratio=format(max(ratios), "f") if ratios else None,
    )


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed("plan-bad-date", value=str(value)) from exc


def _apply_changes(view: PlanEntryView, changes: dict[str, Any]) -> PlanEntryInput:
    return PlanEntryInput(
        year=view.year, department=str(changes.get("department", view.department)),
        title=str(changes.get("title", view.title)),
        items=tuple(changes.get("items", view.items)),
        departments=tuple(changes.get("departments", view.departments)),
        period_start=_date(changes.get("period_start", view.period_start)),
        period_end=_date(changes.get("period_end", view.period_end)),
        target_ratio=changes.get("target_ratio", view.target_ratio),
        scope=dict(changes.get("scope", view.scope)),
    )


def _input_from_changes(year: int, changes: dict[str, Any]) -> PlanEntryInput:
    required = ["department", "title", "items", "period_start", "period_end"]
    missing = [k for k in required if k not in changes]
    if missing:
        raise ValidationFailed("plan-change-missing", keys=", ".join(missing))
    return PlanEntryInput(
        year=year, department=str(changes["department"]), title=str(changes["title"]),
        items=tuple(changes["items"]),
        departments=tuple(changes.get("departments", [changes["department"]])),
        period_start=_date(changes["period_start"]), period_end=_date(changes["period_end"]),
        target_ratio=changes.get("target_ratio"), scope=dict(changes.get("scope", {})),
    )


def _change_view(row: PlanChange, year: int, applied: int | None = None) -> PlanChangeView:
    return PlanChangeView(row.id, year, row.entry_id, dict(row.changes), row.reason, row.status,
                          row.proposed_by, row.decided_by, row.comment, applied)


__all__ = [
    "DeadlinePassed", "MergeProposal", "PlanChangeView", "PlanEntryInput", "PlanEntryView",
    "PlanService", "PlanView", "SubjectScope", "check_items", "departments_by_code",
    "months_in", "parse_ratio", "ratio_text",
]
