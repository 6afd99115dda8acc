"""The joint task: creation from the plan, review by every department (会审), and its states."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors import Actor
from services.errors import IllegalTransition, NotFound, ValidationFailed
from services.tasks import MANUAL_ACTIONS, STEPS, TaskService, TaskState, allowed_actions
from storage.models import AuditEvent, Task, TaskReview
from tests.db.workflow_data import approved_entry, build_directory, task_spec
from tests.services import task_service

act = Actor.system  # a named system actor: every rule lets it act


async def _task(session: AsyncSession, clock: Any, **changes: Any) -> tuple[TaskService, int]:
    await build_directory(session)
    entry_id = await approved_entry(session, clock)
    service = task_service(session, clock)
    view = await service.create(task_spec(entry_id, **changes), actor=act("organiser"))  # type: ignore[arg-type]
    return service, view.id


async def test_create_from_approved_entry(session: AsyncSession, clock) -> None:
    service, task_id = await _task(session, clock)
    view = await service.get(task_id)
    assert view.state == "draft"
    assert view.code == "JC2027-001"
    assert view.lead_department == "SCJG"
    assert view.departments == ("SCJG", "SThJ", "YJGL")
    assert view.sample == {"A": {"ratio": "0.25"}, "B": {"ratio": "0.25"}, "C": {"count": 3},
                           "D": {"count": 4}}
    assert view.item_year == 2026  # the latest catalogue up to the plan's year
    assert view.next_actions == ["submit"]


async def test_create_refuses_what_the_plan_does_not_allow(session: AsyncSession, clock) -> None:
    await build_directory(session)
    entry_id = await approved_entry(session, clock)
    service = task_service(session, clock)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"window_end": dt.date(2027, 11, 30)}, "task-window-outside-entry"),
        ({"members_per_team": {"SCJG": 1, "SThJ": 0, "YJGL": 0}},
         "draw-too-few-certified-per-team"),
        ({"members_per_team": {"SCJG": 0, "SThJ": 2, "YJGL": 1}}, "task-lead-needs-member"),
        ({"members_per_team": {"SCJG": 2}}, "task-members-per-department"),
        ({"sample": {"E": {"count": 1}}}, "scope-bad-risk-class"),
        ({"sample": {"A": {"count": -1}}}, "task-bad-sample"),
        ({"sample": {"A": {"ratio": "0"}}}, "plan-bad-ratio"),
        ({"team_count": 0}, "task-bad-team-count"),
        ({"needs_experts": True, "experts_per_team": 0}, "task-experts-per-team"),
        ({"code": "bad code!"}, "task-bad-code"),
    ]
    for changes, key in cases:
        with pytest.raises(ValidationFailed) as err:
            await service.create(task_spec(entry_id, **changes), actor=act("o"))  # type: ignore[arg-type]
        assert err.value.key == key, changes
    assert (await session.scalars(select(Task))).all() == []


async def test_create_needs_an_approved_plan(session: AsyncSession, clock) -> None:
    await build_directory(session)
    from services.plans import PlanEntryInput, PlanService

    entry = await PlanService(session, clock).submit_entry(PlanEntryInput(
        year=2027, department="SCJG", title="t", items=("SC-01",), departments=("SCJG",),
        period_start=dt.date(2027, 3, 1), period_end=dt.date(2027, 3, 31)), actor=act("a"))
    with pytest.raises(IllegalTransition) as err:
        await task_service(session, clock).create(task_spec(entry.id), actor=act("o"))  # type: ignore[arg-type]
    assert err.value.key == "task-entry-not-approved"
    with pytest.raises(NotFound):
        await task_service(session, clock).create(task_spec(999), actor=act("o"))  # type: ignore[arg-type]


async def test_review_all_approve(session: AsyncSession, clock) -> None:
    service, task_id = await _task(session, clock)
    view = await service.submit(task_id, actor=act("organiser"))
    assert view.state == "in_review"
    assert view.review_round == 1
    assert [r.decision for r in view.reviews] == ["pending"] * 3
    assert [t.id for t in await service.pending_reviews("SThJ")] == [task_id]
    await service.review(task_id, "SCJG", "approve", "", actor=act("scjg-admin"))
    view = await service.review(task_id, "SThJ", "approve", "同意", actor=act("sthj-admin"))
    assert view.state == "in_review"  # still waiting for YJGL
    assert await service.pending_reviews("SThJ") == []
    view = await service.review(task_id, "YJGL", "approve", "", actor=act("yjgl-admin"))
    assert view.state == "approved"
    assert [(r.department, r.decision) for r in view.reviews] == [
        ("SCJG", "approve"), ("SThJ", "approve"), ("YJGL", "approve")]
    actions = (await session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "task").order_by(AuditEvent.id))).all()
    assert actions == ["task.create", "task.submit", "task.review.approved",
                       "task.review.approved", "task.review.approved", "task.approve"]


async def test_return_needs_a_comment_and_resubmission_starts_a_new_round(
    session: AsyncSession, clock
) -> None:
    service, task_id = await _task(session, clock)
    await service.submit(task_id, actor=act("o"))
    await service.review(task_id, "SCJG", "approve", "", actor=act("a"))
    with pytest.raises(ValidationFailed) as err:
        await service.review(task_id, "SThJ", "return", "  ", actor=act("b"))
    assert err.value.key == "review-return-needs-comment"
    assert (await service.get(task_id)).state == "in_review"
    view = await service.review(task_id, "SThJ", "return", "检查时间与汛期冲突", actor=act("b"))
    assert view.state == "returned"
    assert ("SThJ", "return", "检查时间与汛期冲突") in view.reviews
    with pytest.raises(IllegalTransition):
        await service.review(task_id, "YJGL", "approve", "", actor=act("c"))
    with pytest.raises(IllegalTransition):
        await service.submit(task_id, actor=act("o"))  # returned → draft first
    view = await service.revise(task_id, {"window_start": dt.date(2027, 9, 1),
                                          "window_end": dt.date(2027, 9, 30)}, actor=act("o"))
    assert view.state == "draft"
    assert view.window_start == dt.date(2027, 9, 1)
    view = await service.submit(task_id, actor=act("o"))
    assert view.review_round == 2
    assert [r.decision for r in view.reviews] == ["pending"] * 3
    for dept in ("SCJG", "SThJ", "YJGL"):
        view = await service.review(task_id, dept, "approve", "", actor=act(dept))
    assert view.state == "approved"
    history = await service.review_history(task_id)
    assert [(n, line.decision) for n, line in history if line.department == "SThJ"] == [
        (1, "return"), (2, "approve")]


async def test_review_refusals(session: AsyncSession, clock) -> None:
    service, task_id = await _task(session, clock)
    with pytest.raises(IllegalTransition) as not_yet:
        await service.review(task_id, "SCJG", "approve", "", actor=act("a"))
    assert not_yet.value.key == "review-not-in-review"
    await service.submit(task_id, actor=act("o"))
    await service.review(task_id, "SCJG", "approve", "", actor=act("a"))
    with pytest.raises(IllegalTransition) as twice:
        await service.review(task_id, "SCJG", "approve", "", actor=act("a"))
    assert twice.value.key == "review-already-decided"
    with pytest.raises(ValidationFailed) as outsider:
        await service.review(task_id, "WJW", "approve", "", actor=act("x"))
    assert outsider.value.key == "review-not-participant"
    rows = (await session.scalars(select(TaskReview.decision).order_by(TaskReview.id))).all()
    assert rows == ["approve", "pending", "pending"]


async def _attempt(service: TaskService, task_id: int, action: str) -> None:
    """Try ``action`` the way a person or a draw would."""
    if STEPS[action].by_draw:
        await service.record_draw_step(task_id, action, "o", {})
    elif STEPS[action].by_results:
        await service.record_results_entered(task_id, act("o"), {"on": "2026-04-30"})
    elif action in MANUAL_ACTIONS:
        await service.advance(task_id, action, actor=act("o"))
    elif action == "submit":
        await service.submit(task_id, actor=act("o"))
    elif action == "reopen":
        await service.reopen(task_id, actor=act("o"))
    else:  # approve / return happen through review
        await service.review(task_id, "SCJG", action, "意见", actor=act("o"))  # type: ignore[arg-type]


@pytest.mark.parametrize("state", [s.value for s in TaskState])
async def test_every_illegal_step_is_refused(session: AsyncSession, clock, state: str) -> None:
    service, task_id = await _task(session, clock)
    await session.execute(update(Task).where(Task.id == task_id).values(state=state))
    await session.commit()
    legal = set(allowed_actions(state))
    for action in STEPS:
        if action in legal:
            continue
        with pytest.raises(IllegalTransition) as err:
            await _attempt(service, task_id, action)
        assert err.value.key in ("task-illegal-step", "review-not-in-review",
                                 "task-publish-results-missing"), (state, action)
        await session.rollback()
        assert (await service.get(task_id)).state == state


async def test_draw_steps_are_not_taken_by_hand(session: AsyncSession, clock) -> None:
    service, task_id = await _task(session, clock)
    with pytest.raises(IllegalTransition) as err:
        await service.advance(task_id, "draw-subjects", actor=act("o"))
    assert err.value.key == "task-step-by-draw"


async def test_manual_steps_and_results_deadline(session: AsyncSession, clock) -> None:
    service, task_id = await _task(session, clock)
    await session.execute(update(Task).where(Task.id == task_id).values(state="teams_formed"))
    await session.commit()
    with pytest.raises(ValidationFailed) as early:  # 2 March 2026: a year before the window
        await service.advance(task_id, "start", actor=act("o"))
    assert early.value.key == "task-start-before-window"
    clock.now = dt.datetime(2027, 5, 3, 2, tzinfo=dt.UTC)
    view = await service.advance(task_id, "start", actor=act("o"), finished_on=dt.date(2027, 4, 6))
    assert view.state == "in_progress"
    assert view.deadlines["check_started"] == "2027-04-06"
    view = await service.advance(task_id, "finish", actor=act("leader"),
                                 finished_on=dt.date(2027, 4, 30))
    assert view.state == "results_due"
    # 2027 is not in chinese_calendar yet: weekends only, and the task says so
    assert view.deadlines["results_due"] == "2027-05-28"
    assert view.deadlines["results_due_assumed_years"] == [2027]
    with pytest.raises(IllegalTransition) as unpublished:  # no final result is entered yet
        await service.advance(task_id, "publish", actor=act("o"))
    assert unpublished.value.key == "task-publish-results-missing"
    await session.rollback()
    assert (await service.get(task_id)).state == "results_due"
    steps = (await session.scalars(select(AuditEvent.data).where(
        AuditEvent.action == "task.finish"))).all()
    assert steps[0]["results_due"] == "2027-05-28"


async def test_start_and_finish_follow_one_date_rule(session: AsyncSession, clock) -> None:
    """Issue 9 item 17: the same rule for start and finish — a day inside the window (finish:
    on or after the start), never in the future."""
    service, task_id = await _task(session, clock)
    await session.execute(update(Task).where(Task.id == task_id).values(state="teams_formed"))
    await session.commit()
    clock.now = dt.datetime(2027, 4, 10, 2, tzinfo=dt.UTC)  # window 2027-04-01 .. 2027-05-31
    refusals = [
        ("start", dt.date(2027, 4, 11), "task-day-in-future"),
        ("start", dt.date(2027, 3, 31), "task-start-before-window"),
    ]
    for action, day, key in refusals:
        with pytest.raises(ValidationFailed) as err:
            await service.advance(task_id, action, actor=act("o"), finished_on=day)
        assert err.value.key == key
        await session.rollback()
    assert (await service.advance(task_id, "start", actor=act("o"))).deadlines["check_started"] \
        == "2027-04-10"  # today by default
    for day, key in ((dt.date(2027, 4, 9), "task-finished-before-start"),
                     (dt.date(2027, 4, 12), "task-day-in-future")):
        with pytest.raises(ValidationFailed) as err:
            await service.advance(task_id, "finish", actor=act("o"), finished_on=day)
        assert err.value.key == key
        await session.rollback()
    assert (await service.get(task_id)).state == "in_progress"
    assert (await service.advance(task_id, "finish", actor=act("o"))).state == "results_due"
