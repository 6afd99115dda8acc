"""Publication on the demo task: refused while results are missing (naming them), published
with the FIELDWORK §6 codes, corrected as a new version; the public pages over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.container import make_container
from demo.data import load_demo_data
from demo.workflow import create_demo_task
from services.publication import (
    ItemResult,
    NoResultsYet,
    PublicationIncomplete,
    PublicationService,
    ResultCategory,
    SubjectResult,
)
from storage.models import AuditEvent, Publication, Subject, Task, TaskSubject
from tests.services import ORGANISER_ACTOR, demo_task_services, task_service
from web.app import create_web_app

NONE_FOUND = ResultCategory("1", "未发现问题", "no problem found")
CORRECTED = ResultCategory("E", "发现问题已责令改正", "problem found, correction ordered")


class FakeResults:
    """Final results for the given subjects only."""

    def __init__(self, results: Mapping[int, SubjectResult]) -> None:
        self.results = dict(results)

    async def final_results(self, task_id: int) -> Mapping[int, SubjectResult]:
        return self.results


def result_for(subject_id: int, category: ResultCategory = NONE_FOUND) -> SubjectResult:
    return SubjectResult(subject_id, dt.date(2026, 3, 5), (category,),
                         (ItemResult("SCJG-01", "营业执照公示情况", category.label_zh,
                                     category.label_en),))


async def demo_task(session: AsyncSession, clock) -> tuple[int, str, list[int]]:
    await load_demo_data(session, clock, subjects=300, seed=7)
    summary = await create_demo_task(session, clock, **demo_task_services(session, clock))
    # the checks are done (their window is next year's: the state is set, not walked)
    task = await session.get(Task, summary.task_id)
    assert task is not None
    task.state = "results_due"
    await session.commit()
    ids = list((await session.scalars(select(TaskSubject.subject_id).where(
        TaskSubject.task_id == summary.task_id).order_by(TaskSubject.subject_id))).all())
    return summary.task_id, summary.task_code, ids


async def test_publication_waits_for_every_result_then_numbers_and_corrects(
        session: AsyncSession, clock) -> None:
    _task_id, code, ids = await demo_task(session, clock)
    assert await PublicationService(session, clock, NoResultsYet()).announcement(code) is None
    partial = FakeResults({i: result_for(i) for i in ids[1:]})
    service = PublicationService(session, clock, partial)
    with pytest.raises(PublicationIncomplete) as refused:
        await service.publish(code, ORGANISER_ACTOR)
    first = await session.get(Subject, ids[0])
    assert refused.value.args_map["count"] == 1
    assert first is not None
    assert first.identifier in refused.value.args_map["subjects"]
    assert (await session.scalars(select(Publication))).all() == []

    partial.results[ids[0]] = result_for(ids[0], CORRECTED)
    ann = await service.publish(code, ORGANISER_ACTOR)
    assert ann.version == 1
    assert not ann.corrected
    day = clock().astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y%m%d")
    assert ann.columns["task_code"] == f"420700{day}1001"
    assert len(ann.columns["task_code"]) == 18
    assert len(ann.columns["plan_code"]) == 14
    assert ann.columns["plan_code"].startswith("4207002027")
    assert ann.columns["jointcheck_code"] == code
    assert ann.title_zh.endswith("年度第001号抽查任务检查结果公告")
    assert len(ann.rows) == len(ids)
    row = next(r for r in ann.rows if r.subject_id == ids[0])
    assert row.result_zh == "发现问题已责令改正"
    assert row.completed_on == "2026-03-05"
    assert row.items[0]["item_name"] == "营业执照公示情况"
    view = await task_service(session, clock).get(_task_id)
    assert view.state == "published"

    with pytest.raises(Exception, match="reason|原因") as no_reason:
        await service.publish(code, ORGANISER_ACTOR)
    assert no_reason.value.key == "publication-correction-needs-reason"  # type: ignore[attr-defined]
    partial.results[ids[0]] = result_for(ids[0])
    corrected = await service.publish(code, ORGANISER_ACTOR, reason="录入错误")
    assert corrected.version == 2
    assert corrected.corrected
    assert corrected.columns["task_code"] == ann.columns["task_code"]
    assert [v for v, _at in corrected.earlier] == [1]
    old = await service.announcement(code, 1)
    assert old is not None
    assert next(
        r for r in old.rows if r.subject_id == ids[0]).result_zh == "发现问题已责令改正"
    actions = (await session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "publication.publish"))).all()
    assert len(actions) == 2
    hits = await service.search(first.identifier)
    assert [(h.uscc, h.result_zh) for h in hits] == [(first.identifier, "未发现问题")]


async def test_public_pages_over_http_escape_and_carry_headers(
        sessions: async_sessionmaker[AsyncSession], clock) -> None:
    async with sessions() as session:
        _task_id, code, ids = await demo_task(session, clock)
        subject = await session.get(Subject, ids[0])
        assert subject is not None
        subject.name = "<script>alert(1)</script>测试商行"
        await session.commit()
    settings = Settings(bot_token=None)
    app = create_web_app(settings, make_container(settings, sessions=sessions, clock=clock))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
        items = await client.get("/public/items")
        plans = await client.get("/public/plans")
        task = await client.get(f"/public/tasks/{code}")
        task_en = await client.get(f"/public/tasks/{code}?lang=en")
        results = await client.get(f"/public/tasks/{code}/results")
        search = await client.get("/public/search", params={"q": "测试商行"})
        missing = await client.get("/public/tasks/NOPE/results")
        bundle_link = task.text.split('href="/public/draws/')[1].split('"')[0]
        bundle = await client.get(f"/public/draws/{bundle_link}")
    assert items.status_code == 200
    assert "法律依据" in items.text
    assert plans.status_code == 200
    assert "年度部门联合抽查计划" in plans.text
    assert task.status_code == 200
    assert "承诺值（SHA-256）" in task.text
    assert "Commitment (SHA-256)" in task_en.text
    assert "default-src 'none'" in task.headers["content-security-policy"]
    assert task.headers["cache-control"] == "public, max-age=60"
    assert task.headers["x-content-type-options"] == "nosniff"
    assert "检查结果尚未公示" in results.text
    assert "<script>alert(1)</script>" not in search.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;测试商行" in search.text
    assert missing.status_code == 404
    assert "没有公开的抽查任务 NOPE" in missing.text
    assert bundle.status_code == 200
    assert bundle.json()["commitment"]
    assert "http://" not in task.text.replace("http://web", "")
    assert "https://" not in task.text


async def test_only_the_organiser_or_the_lead_departments_admin_publishes(
        session: AsyncSession, clock) -> None:
    """The rule lives in the service, so the CLI's --as, the API's token and the demo meet the
    same refusal: another department's admin is refused before anything is written."""
    from services.actors import Actor, Role
    from services.errors import Forbidden

    _task_id, code, ids = await demo_task(session, clock)
    service = PublicationService(session, clock, FakeResults({i: result_for(i) for i in ids}))

    def admin(department: str) -> Actor:
        return Actor(account_id=5, name=f"{department} 管理员",
                     roles=frozenset({Role.DEPT_ADMIN}), department_code=department)

    with pytest.raises(Forbidden) as refused:
        await service.publish(code, admin("STHJ"))
    assert refused.value.key == "forbidden-publish"
    assert refused.value.args_map["department"] == "SCJG"
    assert (await session.scalars(select(Publication))).all() == []
    ann = await service.publish(code, admin("SCJG"))
    assert ann.version == 1
    published_by = await session.scalar(select(Publication.published_by))
    assert published_by == "account:5"
