"""``jointcheck publish results|export`` on a migrated database: refused while no result is
final (the composition root's NoResultsYet), and the export of a published task."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.config import get_settings
from cli.main import app as cli
from demo.data import load_demo_data
from demo.workflow import create_demo_task
from services.national_export import load_mapping, read_export
from services.publication import PublicationService
from storage.db import create_engine, session_factory
from storage.models import Subject, Task, TaskSubject
from tests.db.test_publication import FakeResults, result_for
from tests.services import ORGANISER_ACTOR, demo_task_services


@pytest.fixture
def published(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock) -> str:
    """The demo task in ``results_due``; the code is returned, nothing published yet."""

    async def seed() -> str:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            await load_demo_data(session, clock, subjects=300, seed=7)
            summary = await create_demo_task(session, clock,
                                             **demo_task_services(session, clock))
            task = await session.get(Task, summary.task_id)
            assert task is not None
            task.state = "results_due"
            await session.commit()
        await engine.dispose()
        return summary.task_code

    code = asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield code
    get_settings.cache_clear()


def test_publish_is_refused_without_results_and_export_follows_publication(
        published: str, db_url: str, tmp_path: Path, clock) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["publish", "results", published])
    assert refused.exit_code == 1
    assert f"任务 {published} 尚有 10 个检查对象没有最终检查结果" in refused.output
    early = runner.invoke(cli, ["publish", "export", published, "-o", "x.xlsx"])
    assert early.exit_code == 1
    assert "尚未公示，无法导出" in early.output

    async def publish() -> tuple[str, str]:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            ids = list((await session.scalars(select(TaskSubject.subject_id).where(
                TaskSubject.task_id == select(Task.id).where(Task.code == published)
                .scalar_subquery()))).all())
            await PublicationService(session, clock, FakeResults(
                {i: result_for(i) for i in ids})).publish(published, ORGANISER_ACTOR)
            first = await session.get(Subject, min(ids))
            assert first is not None
            pair = first.name, first.identifier
        await engine.dispose()
        return pair

    name, uscc = asyncio.run(publish())
    out = tmp_path / "gsxt.json"
    done = runner.invoke(cli, ["publish", "export", published, "--format", "gsxt", "-o",
                               str(out)])
    assert done.exit_code == 0, done.output
    records = json.loads(out.read_text(encoding="utf-8"))
    mine = next(r for r in records if r["uniscid"] == uscc)
    assert mine["entName"] == name
    assert mine["insDate"] == "2026-03-05"
    assert len(mine["raninsTaskId"]) == 18
    assert mine["details"] == [{"seqno": "1", "raninsItemName": "营业执照公示情况",
                                "raninsCheckResName": "未发现问题"}]
    xlsx = tmp_path / "exchange.xlsx"
    assert runner.invoke(cli, ["publish", "export", published, "--format", "exchange",
                               "-o", str(xlsx)]).exit_code == 0
    rows = read_export(xlsx, "exchange", load_mapping())
    assert {r["UNISCID"] for r in rows} >= {uscc}
    assert all(r["ADCODE"] == "420700" for r in rows)
    bad = runner.invoke(cli, ["publish", "export", published, "--format", "xml", "-o", "a.json"])
    assert bad.exit_code == 1
    assert "gsxt 或 exchange" in bad.output
