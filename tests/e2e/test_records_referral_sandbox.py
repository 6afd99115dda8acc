"""A member's referral from their own record in the sandbox's browser chat at phone size
(issue 11, point 5): the demo's second market-regulation inspector of team 1 records SCJG-002
with a finding, a photo and the preset location, submits, taps 移送/告知 on the submitted card,
picks 告知 and the environment department, types what is referred and confirms; the
environment department's admin (the sandbox's 部门管理员) gets the 【告知】 notice in the chat
and signs for it (签收). Screenshots: tests/artifacts/records-referral-*.png."""

from __future__ import annotations

import pytest

from tests.e2e.test_demo_sandbox import demo  # noqa: F401 -- the demo process, re-used
from tests.e2e.test_records_sandbox import (
    FLOOD_PAUSE_MS,
    MEMBER_ROLE,
    Shots,
    cast,
    notices_by_chat,
    phone_page,
    record_a_check,
    shop_picture,
    switch_persona,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FINDING = "后厨灭火器已过期，未按规定设置油烟净化设施"
REFERRED = "油烟直排，请生态环境部门依法处理"


async def test_a_member_informs_another_department_from_their_own_record_in_the_browser(
    demo: dict[str, str], tmp_path: object,  # noqa: F811
) -> None:
    from playwright.async_api import async_playwright, expect

    personas = await cast(demo["url"])
    member, admin = personas[MEMBER_ROLE], personas["部门管理员"]
    assert admin["department"] != member["department"]
    shots = Shots("records-referral-", width=2)
    async with async_playwright() as pw:
        browser, page, errors = await phone_page(pw, demo["url"])
        await page.locator(".persona", has_text=MEMBER_ROLE).click()
        card = await record_a_check(page, shop_picture(tmp_path), shots, item="SCJG-002",
                                    findings=FINDING)
        await page.locator("#alert-ok").click()
        await expect(card.locator(".kb-btn", has_text="移送/告知")).to_be_visible()
        await page.wait_for_timeout(FLOOD_PAUSE_MS)
        await card.locator(".kb-btn", has_text="移送/告知").click()
        form = page.locator(".row.in", has_text="告知 / 移送：")
        await expect(form.last).to_contain_text("请选择办理方式", timeout=30_000)
        await shots.take(page, "kinds")
        await form.last.locator(".kb-btn", has_text="告知").first.click()
        await expect(form.last).to_contain_text("告知哪个部门", timeout=30_000)
        # one's own department is not offered (the service would refuse it)
        await expect(form.last.locator(".kb-btn", has_text=member["department"])).to_have_count(0)
        await shots.take(page, "departments")
        await form.last.locator(".kb-btn", has_text=admin["department"]).click()
        await expect(form.last).to_contain_text("请发送要告知或移送的问题", timeout=30_000)
        await page.locator("#text").fill(REFERRED)
        await page.locator("#send").click()
        review = page.locator(".row.in", has_text=f"告知：{admin['department']}")
        await expect(review.last.locator(".kb-btn", has_text="确认办理")).to_be_visible(
            timeout=30_000)
        await shots.take(page, "review")
        await review.last.locator(".kb-btn", has_text="确认办理").click()
        done = page.locator(".row.in", has_text=f"已告知 {admin['department']}")
        await expect(done.last).to_be_visible(timeout=30_000)
        await expect(done.last).to_contain_text("已通知该部门 1 名管理员签收")
        await shots.take(page, "done")

        # the receiving department's admin: the worker's notice with 签收
        await switch_persona(page, "部门管理员")
        notice = page.locator(".row.in", has_text="【告知】")
        await expect(notice).to_have_count(1, timeout=60_000)
        await expect(notice).to_contain_text(f"（{member['name']}）")
        await expect(notice).to_contain_text(REFERRED)
        await shots.take(page, "notice")
        await notice.locator(".kb-btn", has_text="签收").click()
        await expect(notice).to_contain_text(f"已由 {admin['name']} 签收。", timeout=30_000)
        await expect(notice.locator(".kb-btn")).to_have_count(0)
        await shots.take(page, "acknowledged")
        assert errors == []
        await browser.close()
    # what the page showed is what the bot did: the notice went to that admin alone
    notices = await notices_by_chat(demo["url"], personas.values(), "【告知】")
    assert {uid: len(found) for uid, found in notices.items()} == {admin["user_id"]: 1}
    assert not notices[admin["user_id"]][0]["reply_markup"]
