"""The co-sign in the sandbox's browser chat at phone size (issue 11 item 7): the demo's
market-regulation member of team 1 records SCJG-002 with a photo and the preset location and
submits; the team leader, the department's second inspector in the team, gets the co-sign
notice in the chat, taps ✅ 确认记录 and sees it confirmed; then /results shows the record as
co-signed, and the leader enters the result and gets the PDF.
Screenshots: tests/artifacts/records-cosign-*.png."""

from __future__ import annotations

import pytest

from tests.e2e.test_demo_sandbox import demo  # noqa: F401 -- the demo process, re-used
from tests.e2e.test_records_sandbox import (
    MEMBER_ROLE,
    Shots,
    cast,
    enter_the_result_and_get_the_pdf,
    notices_by_chat,
    open_results,
    phone_page,
    record_a_check,
    shop_picture,
    switch_persona,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

async def test_the_second_inspector_co_signs_in_the_browser_and_the_leader_sees_it(
    demo: dict[str, str], tmp_path: object,  # noqa: F811
) -> None:
    from playwright.async_api import async_playwright, expect

    personas = await cast(demo["url"])
    member, leader = personas[MEMBER_ROLE], personas["组长"]
    assert member["department"] == leader["department"]  # both of the lead department
    shots = Shots("records-cosign-", width=2)
    async with async_playwright() as pw:
        browser, page, errors = await phone_page(pw, demo["url"])
        await shots.take(page, "picker")
        await page.locator(".persona", has_text=MEMBER_ROLE).click()
        card = await record_a_check(page, shop_picture(tmp_path), shots, item="SCJG-002")
        await expect(card).to_contain_text("确认：待同组本部门另一名检查人员确认")
        await expect(page.locator("#alert-text")).to_have_text(
            "已提交检查记录，已通知同组本部门检查人员确认。")
        await page.locator("#alert-ok").click()

        # the leader's chat: the worker's notice with the co-sign button
        await switch_persona(page, "组长")
        notice = page.locator(".row.in", has_text="【请确认】")
        await expect(notice).to_have_count(1, timeout=60_000)
        await expect(notice).to_contain_text(f"{member['name']} 提交了")
        await expect(notice).to_contain_text("SCJG-002")
        await shots.take(page, "notice")
        await notice.locator(".kb-btn", has_text="确认记录").click()
        await expect(page.locator("#toast")).to_have_text("已确认该检查记录。", timeout=30_000)
        await expect(notice).to_contain_text(f"已由 {leader['name']} 确认。", timeout=30_000)
        await expect(notice.locator(".kb-btn")).to_have_count(0)
        await shots.take(page, "cosigned")

        # /results: the subject's line counts no unconfirmed record, the sheet names both
        await page.wait_for_timeout(2000)
        overview, name = await open_results(page, shots)
        line = next(t for t in (await overview.inner_text()).splitlines() if "记录 1/" in t)
        assert "0 未确认" in line, line
        await overview.locator(".kb-btn", has_text=name).click()
        sheet = page.locator(".row.in", has_text="各部门检查记录")
        await expect(sheet.last).to_contain_text(
            f"已提交（{member['name']}），已确认（{leader['name']}）", timeout=30_000)
        await expect(sheet.last).to_contain_text("已确认 1，未确认 0")
        await shots.take(page, "sheet")
        await enter_the_result_and_get_the_pdf(page, sheet.last, name, shots)
        assert errors == []
        await browser.close()
    # what the page showed is what the bot did: the notice went to the leader alone, and its
    # button is gone once co-signed
    notices = await notices_by_chat(demo["url"], personas.values(), "【请确认】")
    assert {uid: len(found) for uid, found in notices.items()} == {leader["user_id"]: 1}
    assert notices[leader["user_id"]][0]["edited"]
    assert not notices[leader["user_id"]][0]["reply_markup"]
