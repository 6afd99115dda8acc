"""The demo's joint task: plan, review by every department and all draws, on the demo data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.data import load_demo_data
from demo.workflow import create_demo_task
from storage.models import AuditEvent
from tests.services import demo_task_services, draw_service, task_service
from verifier import verify_draw


async def test_demo_task_is_reviewed_drawn_and_verifiable(session: AsyncSession, clock) -> None:
    await load_demo_data(session, clock, subjects=1500, seed=7)
    summary = await create_demo_task(session, clock, **demo_task_services(session, clock))
    assert summary.created
    assert summary.plan_year == 2027  # 2 March 2026: next year's submissions are open
    assert summary.task_code == "DEMO-2027-001"
    assert summary.state == "teams_formed"
    assert summary.subjects_by_stratum["A"] == 3
    assert "weakest" in summary.entropy
    assert len(summary.teams) == 3
    for team in summary.teams:
        departments = sorted(m.department for m in team.members)
        assert departments == ["SCJG", "SCJG", "STHJ", "YJGL"]
        leaders = [m for m in team.members if m.is_leader]
        assert len(leaders) == 1
        assert leaders[0].department == "SCJG"
        assert team.subject_ids
    view = await task_service(session, clock).get(summary.task_id)
    assert [r.decision for r in view.reviews] == ["approve"] * 3
    draws = draw_service(session, clock)
    for draw_id in summary.draw_ids:
        assert verify_draw.verify_bundle(await draws.bundle(draw_id)).ok
    commits = (await session.scalars(select(AuditEvent.id).where(
        AuditEvent.action == "draw.commit"))).all()
    assert len(commits) == 5  # subjects, three departments' inspectors, matching
    again = await create_demo_task(session, clock, **demo_task_services(session, clock))
    assert not again.created
    assert again.draw_ids == summary.draw_ids
    assert again.teams == summary.teams
