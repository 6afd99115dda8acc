"""The annual plan (Art. 11): deadlines, peak-season flag, merge proposals, reviewed changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors import Actor
from services.errors import IllegalTransition, NotFound, ValidationFailed
from services.plans import DeadlinePassed, PlanEntryInput, PlanService
from storage.models import AuditEvent, PlanEntry
from tests.db.workflow_data import build_directory

D = dt.date


APRIL_1 = D(2027, 4, 1)
JUNE_30 = D(2027, 6, 30)


act = Actor.system  # a named system actor: every rule lets it act


def entry(department: str = "SCJG", items: tuple[str, ...] = ("SC-01",),
          departments: tuple[str, ...] = ("SCJG",), start: dt.date = APRIL_1,
          end: dt.date = JUNE_30, **kw: object) -> PlanEntryInput:
    return PlanEntryInput(year=2027, department=department, title=kw.pop("title", "食品经营检查"),
                          items=items, departments=departments, period_start=start,
                          period_end=end, **kw)  # type: ignore[arg-type]


async def test_submission_before_deadline_is_recorded(session: AsyncSession, clock) -> None:
    await build_directory(session)
    service = PlanService(session, clock)
    view = await service.submit_entry(entry(target_ratio="5%"), actor=act("scjg-admin"))
    assert view.status == "submitted"
    assert view.target_ratio == "0.05"
    plan = await service.get(2027)
    assert plan.submission_closes == D(2026, 11, 30)
    assert plan.approval_due == D(2026, 12, 31)
    assert [e.id for e in plan.entries] == [view.id]
    event = await session.scalar(select(AuditEvent).where(
        AuditEvent.action == "plan.entry.submit"))
    assert event is not None
    assert event.data["department"] == "SCJG"


async def test_submission_after_30_november_is_refused(session: AsyncSession, clock) -> None:
    await build_directory(session)
    clock.now = dt.datetime(2026, 11, 30, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
    service = PlanService(session, clock)
    await service.submit_entry(entry(), actor=act("a"))
    clock.now = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)  # 1 Dec 00:00 in Shanghai
    with pytest.raises(DeadlinePassed) as err:
        await service.submit_entry(entry(title="迟交"), actor=act("a"))
    assert err.value.key == "plan-submission-closed"
    assert err.value.args_map["deadline"] == "2026-11-30"
    titles = (await session.scalars(select(PlanEntry.title))).all()
    assert titles == ["食品经营检查"]


async def test_deadlines_are_configurable(session: AsyncSession, clock) -> None:
    await build_directory(session)
    clock.now = dt.datetime(2026, 12, 10, 1, 0, tzinfo=dt.UTC)
    service = PlanService(session, clock, submission_deadline="12-15",
                          approval_deadline="12-20")
    view = await service.submit_entry(entry(), actor=act("a"))
    assert view.id > 0
    assert service.approval_due(2027) == D(2026, 12, 20)


async def test_approval_deadline(session: AsyncSession, clock) -> None:
    await build_directory(session)
    service = PlanService(session, clock)
    await service.submit_entry(entry(), actor=act("a"))
    clock.now = dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC)  # 2027-01-01 in Shanghai
    with pytest.raises(DeadlinePassed) as err:
        await service.approve(2027, actor=act("gov"))
    assert err.value.key == "plan-approval-late"
    assert (await service.get(2027)).status == "open"
    plan = await service.approve(2027, actor=act("gov"), late_reason="政府常务会议延期")
    assert plan.status == "approved"
    assert all(e.status == "approved" for e in plan.entries)
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.approve"))
    assert event is not None
    assert event.data["late_reason"] == "政府常务会议延期"


async def test_bad_entries_are_refused(session: AsyncSession, clock) -> None:
    await build_directory(session)
    service = PlanService(session, clock)
    with pytest.raises(NotFound) as unknown:
        await service.submit_entry(entry(items=("NOPE",)), actor=act("a"))
    assert unknown.value.args_map["code"] == "NOPE"
    with pytest.raises(ValidationFailed) as period:
        await service.submit_entry(entry(start=D(2027, 6, 1), end=D(2027, 5, 1)), actor=act("a"))
    assert period.value.key == "plan-bad-period"
    with pytest.raises(ValidationFailed) as outside:
        await service.submit_entry(entry(end=D(2028, 1, 10)), actor=act("a"))
    assert outside.value.key == "plan-period-outside-year"
    with pytest.raises(ValidationFailed) as ratio:
        await service.submit_entry(entry(target_ratio="1.5"), actor=act("a"))
    assert ratio.value.key == "plan-bad-ratio"
    with pytest.raises(NotFound) as dept:
        await service.submit_entry(entry(departments=("SCJG", "XXX")), actor=act("a"))
    assert dept.value.key == "error-unknown-department"


async def test_peak_season_flag(session: AsyncSession, clock) -> None:
    # every subject peaks in May and June (e.g. crayfish season 小龙虾)
    await build_directory(session, peak_months=[5, 6])
    service = PlanService(session, clock)
    in_peak = await service.submit_entry(entry(start=D(2027, 5, 10), end=D(2027, 5, 30)),
                                         actor=act("a"))
    assert in_peak.peak_season
    assert in_peak.flags["peak_season"]["in_peak"] == 48
    off_peak = await service.submit_entry(entry(start=D(2027, 9, 1), end=D(2027, 10, 31)),
                                          actor=act("a"))
    assert not off_peak.peak_season


async def test_merge_proposals_and_merge(session: AsyncSession, clock) -> None:
    await build_directory(session)
    service = PlanService(session, clock)
    a = await service.submit_entry(entry(items=("SC-01",)), actor=act("a"))
    b = await service.submit_entry(
        entry(department="SThJ", items=("SC-01", "ST-01"), departments=("SThJ",),
              start=D(2027, 6, 1), end=D(2027, 8, 31), title="排污检查"), actor=act("b"))
    # same items but a different time: not mergeable
    await service.submit_entry(
        entry(department="YJGL", items=("SC-01",), departments=("YJGL",),
              start=D(2027, 10, 1), end=D(2027, 11, 30), title="秋季"), actor=act("c"))
    # same department: not a joint merge
    await service.submit_entry(entry(title="同部门"), actor=act("a"))
    proposals = await service.merge_proposals(2027)
    assert len(proposals) == 1
    p = proposals[0]
    assert p.entry_ids[:1] == (a.id,)
    assert b.id in p.entry_ids
    assert set(p.departments) == {"SCJG", "SThJ"}
    assert p.period_start == D(2027, 6, 1)
    assert p.period_end == D(2027, 6, 30)
    assert "same-items" in p.reason
    joint = await service.merge(2027, [a.id, b.id], actor=act("scjg"))
    assert joint.departments == ("SCJG", "SThJ")
    assert joint.items == ("SC-01", "ST-01")
    assert joint.flags["merged_from"] == [a.id, b.id]
    merged = await service.entry(a.id)
    assert merged.status == "merged"
    assert merged.merged_into_id == joint.id


async def test_approved_plan_changes_only_through_review(session: AsyncSession, clock) -> None:
    await build_directory(session)
    service = PlanService(session, clock)
    e = await service.submit_entry(entry(), actor=act("a"))
    await service.approve(2027, actor=act("gov"))
    with pytest.raises(IllegalTransition):
        await service.submit_entry(entry(title="new"), actor=act("a"))
    with pytest.raises(IllegalTransition):
        await service.merge(2027, [e.id, e.id + 1], actor=act("a"))
    with pytest.raises(ValidationFailed) as no_reason:
        await service.propose_change(2027, e.id, {"period_end": "2027-07-31"}, "", actor=act("a"))
    assert no_reason.value.key == "plan-change-needs-reason"
    change = await service.propose_change(2027, e.id, {"period_end": "2027-07-31"},
                                          "汛期推迟", actor=act("a"))
    assert change.status == "pending"
    assert (await service.entry(e.id)).period_end == D(2027, 6, 30)  # nothing changed yet
    with pytest.raises(ValidationFailed):
        await service.review_change(change.id, "return", " ", actor=act("gov"))
    done = await service.review_change(change.id, "approve", "同意", actor=act("gov"))
    assert done.status == "approved"
    assert (await service.entry(e.id)).period_end == D(2027, 7, 31)
    with pytest.raises(IllegalTransition):
        await service.review_change(change.id, "approve", "", actor=act("gov"))
    added = await service.propose_change(2027, None, {
        "department": "YJGL", "title": "危化品", "items": ["YJ-01"],
        "period_start": "2027-09-01", "period_end": "2027-09-30"}, "上级部署", actor=act("y"))
    returned = await service.review_change(added.id, "return", "与专项检查重复", actor=act("gov"))
    assert returned.status == "returned"
    assert len((await service.get(2027)).entries) == 1
    actions = (await session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.startswith("plan.change")).order_by(AuditEvent.id))).all()
    assert actions == ["plan.change.propose", "plan.change.approved", "plan.change.propose",
                       "plan.change.returned"]
