"""One composition root: a setting from the environment reaches the bot, the CLI and web alike.

``JOINTCHECK_RESULT_DUE_WORKING_DAYS=5`` (Art. 16 says 20): finishing the seeded task's check
on Thursday 30 April 2026 makes its results due on Monday 11 May (1–5 May are the Labour Day
holiday, Saturday 9 May is a swapped working day), not on 1 June as 20 working days would.
Each entry point finishes the task through the ``TaskService`` its own scope hands out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiogram import F
from aiogram.types import Message
from dishka.integrations.fastapi import FromDishka, inject
from sqlalchemy import select
from typer.testing import CliRunner

from bot.config import Settings, get_settings
from cli.main import app as cli
from services.actors import Actor
from services.tasks import TaskService
from storage.db import create_engine, session_factory
from storage.models import Task
from tests.e2e.seed import DRAWN_TASK_CODE, seed_world
from tests.handlers.conftest import Harness
from web.app import create_web_app

FINISHED = dt.date(2026, 4, 30)
DUE_IN_5 = "2026-05-11"
DUE_IN_20 = "2026-06-01"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The handler harness's settings, read with the deadline set in the environment."""
    monkeypatch.setenv("JOINTCHECK_RESULT_DUE_WORKING_DAYS", "5")
    get_settings.cache_clear()
    yield Settings(bot_token=None, bot_api_url=None, redis_url=None)
    get_settings.cache_clear()


@pytest.fixture
def seeded(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A seeded database configured through the environment, with the 5-day deadline."""

    async def seed() -> None:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            await seed_world(session)
        await engine.dispose()

    asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.setenv("JOINTCHECK_RESULT_DUE_WORKING_DAYS", "5")
    monkeypatch.delenv("JOINTCHECK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


async def _deadlines(db_url: str) -> dict[str, object]:
    engine = create_engine(db_url)
    async with session_factory(engine)() as session:
        task = await session.scalar(select(Task).where(Task.code == DRAWN_TASK_CODE))
        assert task is not None
        deadlines = dict(task.deadlines)
    await engine.dispose()
    return deadlines


async def test_the_bot_path_gets_the_configured_deadline(h: Harness) -> None:
    seen: list[object] = []

    async def finish(message: Message, tasks: TaskService) -> None:
        # the service exactly as the update's scope hands it to every handler
        task_id = await tasks.resolve(DRAWN_TASK_CODE)
        await tasks.advance(task_id, "start", Actor.system("probe"),
                          finished_on=FINISHED)
        view = await tasks.advance(task_id, "finish", Actor.system("probe"),
                                   finished_on=FINISHED)
        seen.append(view.deadlines["results_due"])

    h.dp.message.register(finish, F.text == "/probe-finish")
    person = await h.bound(5150, role="organiser", name="组织者")
    # the day after the check: the task may start and finish on the window's last day
    h.clock.now = dt.datetime.combine(FINISHED + dt.timedelta(days=1), dt.time(1, 0), dt.UTC)
    await person.send("/probe-finish")
    assert seen == [DUE_IN_5]
    async with h.sessions() as session:
        task = await session.scalar(select(Task).where(Task.code == DRAWN_TASK_CODE))
        assert task is not None
        assert task.deadlines["results_due_working_days"] == 5


def test_the_cli_gets_the_configured_deadline(seeded: str) -> None:
    runner = CliRunner()
    started = runner.invoke(cli, ["task", "advance", DRAWN_TASK_CODE, "start",
                                  "--on", FINISHED.isoformat()])
    assert started.exit_code == 0, started.output
    finished = runner.invoke(cli, ["task", "advance", DRAWN_TASK_CODE, "finish",
                                   "--finished-on", FINISHED.isoformat()])
    assert finished.exit_code == 0, finished.output
    assert DUE_IN_5 in finished.output
    assert DUE_IN_20 not in finished.output
    deadlines = asyncio.run(_deadlines(seeded))
    assert (deadlines["results_due"], deadlines["results_due_working_days"]) == (DUE_IN_5, 5)


async def test_web_gets_the_configured_deadline(seeded: str) -> None:
    app = create_web_app(get_settings())  # its own container, from the environment

    @app.post("/probe-finish")
    @inject
    async def finish(tasks: FromDishka[TaskService]) -> dict[str, object]:
        task_id = await tasks.resolve(DRAWN_TASK_CODE)
        await tasks.advance(task_id, "start", Actor.system("probe"),
                          finished_on=FINISHED)
        view = await tasks.advance(task_id, "finish", Actor.system("probe"),
                                   finished_on=FINISHED)
        return {"results_due": view.deadlines["results_due"]}

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            answer = await client.post("/probe-finish")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"results_due": DUE_IN_5}
    deadlines = await _deadlines(seeded)
    assert deadlines["results_due_working_days"] == 5
