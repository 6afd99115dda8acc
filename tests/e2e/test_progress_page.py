"""The progress pages of Art. 22 in headless Chromium at a phone size (390×844): the city's and
a department's, opened by signed links; the chart loads under the page's CSP, nothing comes
from elsewhere, no horizontal scrolling; a tampered link shows only the refusal."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.container import make_container
from cli.progress import progress_url
from services.actors import Actor
from services.audit import AuditTrail
from services.clock import SHANGHAI
from services.progress import ProgressService
from services.progress_links import ProgressLinks, ProgressLinkService
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from tests.conftest import FixedClock
from tests.db.test_publication import demo_task
from tests.e2e.test_public_pages import PHONE, free_port
from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path
from web.app import create_web_app

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
SECRET = "e2e-progress-secret"


@dataclass
class Site:
    base: str
    clock: FixedClock
    names: dict[str, str]
    drawn: dict[str, int]
    sessions: async_sessionmaker[AsyncSession]


async def address(site: Site, department: str | None) -> str:
    """A link printed by the register, as ``jointcheck progress link`` prints it."""
    async with site.sessions() as session:
        _view, token = await ProgressLinkService(
            session, site.clock, AuditTrail(session, site.clock),
            ProgressLinks(SECRET.encode())).issue(Actor.system("test"), department,
                                                  dt.timedelta(days=7))
    return f"{site.base}{progress_url('', token)}"


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'progress.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI).astimezone(dt.UTC))
    async with sessions() as session:
        await demo_task(session, clock)
        rows = await ProgressService(session).by_department()
    port = free_port()
    settings = Settings(bot_token=None, database_url=url, progress_link_secret=SECRET)
    app = create_web_app(settings, make_container(settings, sessions=sessions, clock=clock))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)  # noqa: ASYNC110
    try:
        yield Site(f"http://127.0.0.1:{port}", clock, {r.code: r.name for r in rows},
                   {r.code: r.subjects_drawn for r in rows}, sessions)
    finally:
        server.should_exit = True
        await serving
        await engine.dispose()


async def fits_and_shows_the_chart(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    loaded = await page.evaluate(
        "(() => { const i = document.querySelector('.chart img');"
        " return i ? [i.complete, i.naturalWidth, i.getBoundingClientRect().right] : null })()")
    assert loaded is not None
    complete, natural, right = loaded
    assert complete
    assert natural > 0  # the data: PNG decoded under the CSP
    assert right <= PHONE["width"]


async def test_the_city_and_a_department_page_on_a_phone(site: Site) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    violations: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        page.on("request", lambda r: None if r.url.startswith((site.base, "data:"))
                else outside.append(r.url))
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)

        response = await page.goto(await address(site, None))
        assert response is not None
        assert response.status == 200
        assert response.headers["cache-control"] == "private, no-store"
        assert await page.locator("h1").inner_text() == "全市工作进度（第二十二条）"
        body = await page.locator("main").inner_text()
        for name in site.names.values():
            assert name in body
        assert "合计" in body
        await fits_and_shows_the_chart(page)
        await page.screenshot(path=str(ARTIFACTS / "progress-city.png"), full_page=True)

        response = await page.goto(await address(site, "SCJG"))
        assert response is not None
        assert response.status == 200
        body = await page.locator("main").inner_text()
        assert site.names["SCJG"] in body
        assert str(site.drawn["SCJG"]) in body
        assert all(n not in body for c, n in site.names.items() if c != "SCJG")
        await fits_and_shows_the_chart(page)
        await page.screenshot(path=str(ARTIFACTS / "progress-dept.png"), full_page=True)

        async with page.expect_download() as download:
            await page.get_by_text("下载 CSV").click()
        saved = await (await download.value).path()
        head = await asyncio.to_thread(Path(saved).read_bytes)
        assert head.startswith(b"\xef\xbb\xbf")

        response = await page.goto((await address(site, "SCJG")).replace("/SCJG", "/SThJ"))
        assert response is not None
        assert response.status == 403
        body = await page.locator("main").inner_text()
        assert "此链接无效或已过期" in body
        assert site.names["SCJG"] not in body
        await browser.close()
    assert outside == []
    assert violations == []
