"""Issue 9 item 19: running the demo again leaves one account per person and reports the
review task as it now is; the demo task's scope is the industries its items apply to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cli.demo import banner
from demo.data import INDUSTRIES, load_demo_data
from demo.sandbox import REVIEWING_DEPARTMENT, prepare_sandbox
from demo.workflow import ITEMS, SCOPE, create_demo_task, items_scope
from services.actors import Actor
from storage.models import Account, Subject, Task
from tests.services import demo_task_services, sandbox_services, task_service


async def _unbound_or_named(session: AsyncSession) -> list[tuple[str, int]]:
    rows = (await session.execute(
        select(Account.name, func.count()).where(Account.inspector_id.is_(None))
        .group_by(Account.name).order_by(Account.name))).all()
    return [(name, int(n)) for name, n in rows]


async def test_a_second_run_makes_no_duplicate_accounts_and_reports_the_review(
    session: AsyncSession, clock
) -> None:
    await load_demo_data(session, clock, subjects=1500, seed=7)
    summary = await create_demo_task(session, clock, **demo_task_services(session, clock))
    first = await prepare_sandbox(session, summary, **sandbox_services(session, clock))
    assert first.review_task_state == "in_review"
    accounts = await session.scalar(select(func.count()).select_from(Account))
    assert await _unbound_or_named(session) == [("王五", 1), ("赵六", 1)]

    task_id = await session.scalar(select(Task.id).where(Task.code == first.review_task_code))
    await task_service(session, clock).review(int(task_id), REVIEWING_DEPARTMENT, "approve", "",
                                             Actor.system("demo-admin"))
    again = await prepare_sandbox(
        session, await create_demo_task(session, clock, **demo_task_services(session, clock)),
        **sandbox_services(session, clock))
    assert again.review_task_state == "approved"
    assert await session.scalar(select(func.count()).select_from(Account)) == accounts
    assert await _unbound_or_named(session) == [("王五", 1), ("赵六", 1)]
    bound = (await session.scalars(select(Account.telegram_user_id).where(
        Account.telegram_user_id.is_not(None)))).all()
    assert sorted(bound) == sorted(p["user_id"] for p in again.personas)


async def test_the_demo_draws_only_subjects_its_items_apply_to(
    session: AsyncSession, clock
) -> None:
    assert items_scope(ITEMS) == SCOPE
    assert "O8051" not in SCOPE["industries"]  # no beauty salon for food and permit items
    await load_demo_data(session, clock, subjects=1500, seed=7)
    summary = await create_demo_task(session, clock, **demo_task_services(session, clock))
    drawn = [s for team in summary.teams for s in team.subject_ids]
    industries = (await session.scalars(
        select(Subject.industry_code).where(Subject.id.in_(drawn)))).all()
    assert industries
    outside = [i for i in industries if not i.startswith(tuple(SCOPE["industries"]))]
    assert outside == []
    assert set(SCOPE["industries"]) <= {i.code for i in INDUSTRIES}


def test_the_banner_names_the_chat_and_the_web_server() -> None:
    text = banner("http://127.0.0.1:8081/", "http://127.0.0.1:8080/")
    assert "http://127.0.0.1:8081/" in text
    assert "web server: http://127.0.0.1:8080/" in text
