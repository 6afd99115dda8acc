"""``jointcheck codes issue`` and ``jointcheck codes verify`` (offline, with the published key)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner

from bot.config import get_settings
from cli.main import app as cli
from services.clock import local_date, utc_now
from storage.db import create_engine, session_factory
from storage.models import ScheduleStop, Task, TeamSchedule
from tests.e2e.seed import World, seed_world


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[World]:
    """The seed world with team 1's fixed schedule visiting the first subject tomorrow."""

    async def seed() -> World:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            world = await seed_world(session)
            schedule = TeamSchedule(team_id=world.team, task_id=world.drawn_task, version=1,
                                    state="fixed", start_latitude=30.39,
                                    start_longitude=114.89, max_visits_per_day=4,
                                    created_by="t")
            session.add(schedule)
            await session.flush()
            session.add(ScheduleStop(schedule_id=schedule.id, subject_id=world.subjects[0],
                                     day=local_date(utc_now()) + dt.timedelta(days=1),
                                     position=1))
            await session.commit()
        await engine.dispose()
        return world

    result = asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.setenv("JOINTCHECK_PUBLIC_BASE_URL", "https://jc.example.cn")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield result
    get_settings.cache_clear()


def _task_code(db_url: str, task_id: int) -> str:
    async def read() -> str:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            task = await session.get(Task, task_id)
            assert task is not None
            code = task.code
        await engine.dispose()
        return code

    return asyncio.run(read())


def test_issue_then_verify_offline(world: World, db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    code = _task_code(db_url, world.drawn_task)
    refused = runner.invoke(cli, ["codes", "issue", "--task", code, "--subject",
                                  "91420700MA4KXXXX2B", "--inspector", str(world.leader)])
    assert refused.exit_code == 1
    assert "没有 91420700MA4KXXXX2B 的检查" in refused.output
    issued = runner.invoke(cli, ["codes", "issue", "--task", code, "--subject",
                                 "91420700MA4KXXXX1A", "--inspector", str(world.leader),
                                 "--png", str(tmp_path / "code.png")])
    assert issued.exit_code == 0, issued.output
    url = next(line for line in issued.output.splitlines() if line.startswith("https://"))
    assert url.startswith("https://jc.example.cn/c/")
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO((tmp_path / "code.png").read_bytes())))
    assert found.text == url
    # offline, with nothing but the installation's key (no database needed)
    local = runner.invoke(cli, ["codes", "verify", url])
    assert local.exit_code == 0, local.output
    assert "签名有效" in local.output
    assert "91420700MA4KXXXX1A" in local.output
    assert "尚未生效" in local.output  # tomorrow's visit
    # with another key the signature is refused
    other = tmp_path / "keys.json"
    other.write_text(json.dumps({"keys": {"00000000": "A" * 43}}))
    bad = runner.invoke(cli, ["codes", "verify", url, "--key", str(other)])
    assert bad.exit_code == 2
    assert "签名无效" in bad.output
