"""The schedule in the sandbox's browser chat (issue 10): the demo leader plans and sends the
team's schedule, the demo inspector confirms it. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.test_demo_sandbox import demo  # noqa: F401 -- the demo process, re-used
from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


async def test_leader_sends_the_schedule_and_the_inspector_confirms(
    demo: dict[str, str],  # noqa: F811
) -> None:
    from playwright.async_api import async_playwright, expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844},
                                      device_scale_factor=2, is_mobile=True, has_touch=True)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(demo["url"])
        await page.locator(".persona", has_text="从牵头部门抽中").click()
        await page.locator("#text").fill("/tasks")
        await page.locator("#send").click()
        listing = page.locator(".row.in", has_text="我的检查任务")
        await expect(listing).to_contain_text("（您是组长）", timeout=30_000)
        await listing.locator(".kb-btn", has_text="详情").first.click()
        plan = page.locator(".kb-btn", has_text="安排检查日程")
        await expect(plan.last).to_be_visible(timeout=30_000)
        await plan.last.click()
        draft = page.locator(".row.in", has_text="检查日程（第 1 版 · 草稿，未发送）")
        await expect(draft.last).to_be_visible(timeout=30_000)
        await expect(draft.last).to_contain_text("公里")
        await page.screenshot(path=ARTIFACTS / "schedule-1-leader-draft.png", full_page=True)
        await draft.last.locator(".kb-btn", has_text="发送给组员").click()
        status = page.locator(".row.in", has_text="（第 1 版 · 待组员确认）")
        await expect(status.last).to_be_visible(timeout=30_000)
        await expect(status.last).to_contain_text("确认情况（0/")
        await page.screenshot(path=ARTIFACTS / "schedule-2-leader-sent.png", full_page=True)

        await page.goto(demo["url"])
        await page.locator(".persona", has_text="检查人员").first.click()
        asked = page.locator(".row.in", has_text="发来检查日程，请确认")
        await expect(asked.last).to_be_visible(timeout=30_000)
        await page.screenshot(path=ARTIFACTS / "schedule-3-inspector-asked.png",
                              full_page=True)
        await asked.last.locator(".kb-btn", has_text="确认").first.click()
        await expect(page.locator(".row.in", has_text="已确认第 1 版日程").last).to_be_visible(
            timeout=30_000)
        await page.screenshot(path=ARTIFACTS / "schedule-4-inspector-confirmed.png",
                              full_page=True)
        assert errors == []
        await browser.close()
    # the leader's status message, edited in place, counts the confirmation
    async with httpx.AsyncClient(base_url=demo["url"]) as control:
        messages = (await control.get("control/chats/910002/messages")).json()
    statuses = [m["text"] or "" for m in messages
                if m["from_bot"] and "（第 1 版 · 待组员确认）" in (m["text"] or "")]
    assert len(statuses) == 1, statuses
    assert "确认情况（1/" in statuses[0]
