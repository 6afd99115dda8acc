"""``/docs`` of the admin API in headless Chromium with every request outside the app refused:
Swagger UI draws the API's operations from local assets, and an admin authorises with a token
and runs ``GET /api/v1/me`` from the page. Screenshot under tests/artifacts/."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Route, async_playwright

from bot.config import Settings
from bot.container import make_container
from services.actors import Actor
from services.api_tokens import ApiTokenService
from services.audit import AuditTrail
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.models import Department
from tests.conftest import FixedClock
from tests.e2e.test_public_pages import PHONE, free_port
from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path
from web.app import create_web_app

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'api.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = FixedClock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
    async with sessions() as session:
        session.add(Department(code="SCJG", name_zh="市场监督管理局", name_en="SAMR"))
        await session.commit()
        _view, token = await ApiTokenService(session, clock, AuditTrail(session, clock)).issue(
            "SCJG", "read", "docs", Actor.system("cli-operator"))
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
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.should_exit = True
        await serving
        await engine.dispose()


async def test_docs_work_offline_and_run_a_request_with_a_token(
        served: tuple[str, str]) -> None:
    base, token = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []

    async def only_local(route: Route) -> None:
        if route.request.url.startswith(base):
            await route.continue_()
        else:  # as on a machine without internet
            outside.append(route.request.url)
            await route.abort()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        await page.route("**/*", only_local)
        await page.goto(f"{base}/docs")
        me = page.locator(".opblock", has_text="/api/v1/me")
        await me.wait_for(timeout=15_000)
        assert await page.locator(".opblock").count() >= 17
        assert await page.locator(".opblock-tag", has_text="directories").count() == 1
        await page.click("button.authorize")
        await page.fill(".modal-ux input", token)
        await page.click(".modal-ux button.authorize")
        await page.click(".modal-ux button.btn-done")
        await me.locator(".opblock-summary").click()
        await me.locator("button.try-out__btn").click()
        await me.locator("button.execute").click()
        answer = me.locator(".live-responses-table .response-col_description pre").first
        await answer.wait_for(timeout=15_000)
        text = await answer.inner_text()
        assert '"department": "SCJG"' in text
        assert '"actor": "api-token:1"' in text
        await page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
        await answer.scroll_into_view_if_needed()
        await page.screenshot(path=str(ARTIFACTS / "api-docs-answer.png"), full_page=False)
        await browser.close()
    assert outside == []
