"""The public pages in headless Chromium at a phone size (390×844): the catalogue, a task with
its draws, the result announcement and the search, each screenshotted under tests/artifacts/."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import async_playwright

from bot.config import Settings
from bot.container import make_container
from services.publication import (
    ItemResult,
    PublicationService,
    ResultCategory,
    SubjectResult,
)
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.models import Subject
from tests.conftest import FixedClock
from tests.db.test_publication import demo_task
from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path
from tests.services import ORGANISER_ACTOR
from web.app import create_web_app

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PHONE = {"width": 390, "height": 844}


class Results:
    """Every drawn subject checked: the first with a problem corrected, the rest clean."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    async def final_results(self, task_id: int) -> Mapping[int, SubjectResult]:
        out = {}
        for n, i in enumerate(self.ids):
            category = (ResultCategory("E", "发现问题已责令改正", "problem found, corrected")
                        if n == 0 else ResultCategory("1", "未发现问题", "no problem found"))
            out[i] = SubjectResult(i, dt.date(2026, 3, 5), (category,), (
                ItemResult("SCJG-01", "营业执照公示情况", category.label_zh, category.label_en),))
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[str, str, str, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'public.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = FixedClock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
    async with sessions() as session:
        _task_id, task_code, ids = await demo_task(session, clock)
        await PublicationService(session, clock, Results(ids)).publish(task_code, ORGANISER_ACTOR)
        first = await session.get(Subject, ids[0])
        assert first is not None
        name, uscc = first.name, first.identifier
    settings = Settings(bot_token=None, database_url=url)
    app = create_web_app(settings, make_container(settings, sessions=sessions, clock=clock))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    for _ in range(200):  # uvicorn offers no start-up event
        if server.started:
            break
        await asyncio.sleep(0.05)  # noqa: ASYNC110
    try:
        yield f"http://127.0.0.1:{port}", task_code, name, uscc
    finally:
        server.should_exit = True
        await serving
        await engine.dispose()


async def test_public_pages_on_a_phone(site: tuple[str, str, str, str]) -> None:
    base, code, name, uscc = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))

        await page.goto(f"{base}/public/items")
        assert "抽查事项清单" in await page.locator("h1").inner_text()
        assert await page.locator("text=法律依据").count() > 0
        await page.screenshot(path=str(ARTIFACTS / "public-catalogue.png"), full_page=True)

        await page.goto(f"{base}/public/tasks/{code}")
        assert await page.locator("text=承诺值（SHA-256）").count() == 5
        assert await page.locator("text=下载摇号数据包").count() == 5
        scope = await page.locator("dd", has_text="对象类型").inner_text()
        assert "个体工商户" in scope
        assert "enterprise" not in scope
        # the long hashes wrap inside their cards: nothing sticks out of a phone's screen
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.screenshot(path=str(ARTIFACTS / "public-task.png"), full_page=True)

        await page.goto(f"{base}/public/tasks/{code}/results")
        title = await page.locator("h1").inner_text()
        assert title.endswith("年度第001号抽查任务检查结果公告")
        row = page.locator("table.rows tr", has_text=uscc)
        assert "发现问题已责令改正" in await row.inner_text()
        await page.screenshot(path=str(ARTIFACTS / "public-results.png"), full_page=True)
        await row.locator("a").click()
        assert "营业执照公示情况" in await page.locator("table").inner_text()

        await page.goto(f"{base}/public/search")
        await page.fill("input[name=q]", uscc)
        await page.click("button[type=submit]")
        hit = page.locator(".card", has_text=uscc)
        assert name in await hit.inner_text()
        assert "发现问题已责令改正" in await hit.inner_text()
        await page.screenshot(path=str(ARTIFACTS / "public-search.png"), full_page=True)

        await page.click("text=English")
        english = await page.locator(".card", has_text=uscc).inner_text()
        assert "problem found, corrected" in english
        await page.screenshot(path=str(ARTIFACTS / "public-search-en.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        await browser.close()
    assert width <= PHONE["width"]
    assert outside == []
