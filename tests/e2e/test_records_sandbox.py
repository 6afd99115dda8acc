"""检查记录 in the sandbox's browser chat at phone size (issue 11): the demo inspector opens
/record, answers the checklist, sends a photo and the preset location from the page's own
controls, types "无" and submits; then the team leader enters the final result with /results
and receives the on-site record form as a PDF. Screenshots: tests/artifacts/records-*.png and
results-*.png. The steps are helpers that ``test_records_cosign_sandbox.py`` walks too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.test_demo_sandbox import demo  # noqa: F401 -- the demo process, re-used
from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path
from tests.evidence_files import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# the bot's flood limit (12 updates in 6 s, bot/middlewares.py) would drop the next taps of a
# fast robot; a person takes longer than this pause anyway
FLOOD_PAUSE_MS = 6500


class Shots:
    """Numbered phone-size screenshots: ``<prefix><n>-<name>.png`` in tests/artifacts (``n``
    zero-padded to ``width`` digits, so ten or more sort in order)."""

    def __init__(self, prefix: str, width: int = 1) -> None:
        self.prefix, self.width, self.number = prefix, width, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    async def take(self, page: Any, name: str) -> None:
        self.number += 1
        await page.screenshot(
            path=ARTIFACTS / f"{self.prefix}{self.number:0{self.width}d}-{name}.png")


def shop_picture(tmp_path: object) -> Path:
    """The photo the inspector picks with the page's 📷 control."""
    picture = Path(str(tmp_path)) / "shop.jpg"
    picture.write_bytes(jpeg((40, 140, 200), size=(800, 600)))
    return picture


async def phone_page(pw: Any, url: str) -> tuple[Any, Any, list[str]]:
    """Chromium at 390×844 on the sandbox page; the list collects the page's script errors."""
    browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
    page = await browser.new_page(viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(url)
    return browser, page, errors


MEMBER_ROLE = "检查人员（市场监管）"  # team 1's second inspector of the lead department


async def cast(url: str) -> dict[str, dict[str, Any]]:
    """The sandbox's personas, by their role on the picker."""
    async with httpx.AsyncClient(base_url=url) as control:
        return {p["role"]: p for p in (await control.get("control/personas")).json()}


async def notices_by_chat(url: str, personas: Any, marker: str) -> dict[int, list[dict[str, Any]]]:
    """Every persona's bot messages whose text holds ``marker`` (from the emulator), per chat
    that has any."""
    async with httpx.AsyncClient(base_url=url) as control:
        chats = {p["user_id"]: (await control.get(
            f"control/chats/{p['user_id']}/messages")).json() for p in personas}
    found = {uid: [m for m in messages if m["from_bot"] and marker in (m["text"] or "")]
             for uid, messages in chats.items()}
    return {uid: messages for uid, messages in found.items() if messages}


async def record_a_check(page: Any, picture: Path, shots: Shots, item: str | None = None,
                         findings: str = "无") -> Any:
    """/record → the first subject → ``item`` (the first item when None): every point 符合, a
    photo, the preset location, ``findings`` (发现问题情况), the summary and the submit.
    Returns the card."""
    from playwright.async_api import expect

    await page.locator("#text").fill("/record")
    await page.locator("#send").click()
    menu = page.locator(".row.in", has_text="检查对象")
    await expect(menu.last.locator(".kb-btn").first).to_be_visible(timeout=30_000)
    await menu.last.locator(".kb-btn").first.click()
    items = page.locator(".row.in", has_text="请选择要记录的检查事项")
    await expect(items.last).to_be_visible(timeout=30_000)
    await shots.take(page, "items")
    buttons = items.last.locator(".kb-btn")
    await (buttons.first if item is None else buttons.filter(has_text=item)).click()
    card = page.locator(".row.in", has_text="状态：草稿")
    await expect(card.last).to_be_visible(timeout=30_000)
    if item is not None:
        await expect(card.last).to_contain_text(f"检查事项：{item}")
    # every checklist point: one tap answers 符合 (the card is edited in place)
    while await card.last.locator(".kb-btn", has_text="未回答").count():
        before = await card.last.locator(".kb-btn", has_text="未回答").count()
        await card.last.locator(".kb-btn", has_text="未回答").first.click()
        await expect(card.last.locator(".kb-btn", has_text="未回答")).to_have_count(
            before - 1, timeout=30_000)
    await shots.take(page, "checklist")

    await page.locator("#photo-input").set_input_files(str(picture))
    await expect(page.locator(".row.in", has_text="照片已保存（本记录共 1 份证据）")
                 ).to_have_count(1, timeout=30_000)
    await page.locator("#location").click()
    await page.locator("#loc-preset").click()
    await expect(page.locator(".row.in", has_text="位置已记录")).to_have_count(
        1, timeout=30_000)
    await shots.take(page, "photo-location")

    await page.wait_for_timeout(FLOOD_PAUSE_MS)
    await card.last.locator(".kb-btn", has_text="发现问题").click()
    await expect(page.locator(".row.in", has_text="请输入发现问题情况")).to_have_count(
        1, timeout=30_000)
    await page.locator("#text").fill(findings)
    await page.locator("#send").click()
    filled = page.locator(".row.in", has_text=f"发现问题情况：{findings}")
    await expect(filled.last).to_be_visible(timeout=30_000)
    await expect(filled.last).to_contain_text("证据：1 份（照片 1，文件 0）")
    await filled.last.locator(".kb-btn", has_text="汇总并提交").click()
    summary = page.locator(".row.in", has_text="提交前请核对")
    await expect(summary.last).to_contain_text("内容完整，可以提交", timeout=30_000)
    await shots.take(page, "summary")
    await summary.last.locator(".kb-btn", has_text="确认提交").click()
    done = page.locator(".row.in", has_text="状态：已提交")
    await expect(done.last).to_be_visible(timeout=30_000)
    await expect(done.last.locator(".kb-btn", has_text="更正")).to_be_visible()
    await shots.take(page, "submitted")
    return done.last


async def switch_persona(page: Any, role: str) -> None:
    """« back to the picker (after the flood pause) and the first persona showing ``role``."""
    await page.wait_for_timeout(FLOOD_PAUSE_MS)
    await page.locator("#back").click()
    await page.locator(".persona", has_text=role).first.click()


async def open_results(page: Any, shots: Shots) -> tuple[Any, str]:
    """/results as the leader; opens the subject with a submitted record ("记录 1/…").
    Returns the overview message and the subject's name."""
    from playwright.async_api import expect

    await page.locator("#text").fill("/results")
    await page.locator("#send").click()
    overview = page.locator(".row.in", has_text="已录入结果 0/")
    await expect(overview.last).to_be_visible(timeout=30_000)
    await expect(overview.last).to_contain_text("记录 1/")
    await shots.take(page, "overview")
    # the subject just recorded: its line reads "N. 名称：记录 1/3 已提交…"
    line = next(t for t in (await overview.last.inner_text()).splitlines() if "记录 1/" in t)
    name = line.split(". ", 1)[1].split("：", 1)[0]
    return overview.last, name


async def enter_the_result_and_get_the_pdf(page: Any, sheet: Any, name: str,
                                           shots: Shots) -> None:
    """录入最终结果 on the subject's sheet: 未发现问题, a summary, 无需后续处置, confirm; the
    on-site record form arrives as a PDF in the chat (Art. 13)."""
    from playwright.async_api import expect

    await sheet.locator(".kb-btn", has_text="录入最终结果").click()
    form = page.locator(".row.in", has_text="第 1 步")
    await expect(form.last).to_be_visible(timeout=30_000)
    await form.last.locator(".kb-btn", has_text="未发现问题").first.click()
    await expect(form.last).to_contain_text("检查结果：未发现问题", timeout=30_000)
    await form.last.locator(".kb-btn", has_text="下一步").click()
    await expect(page.locator(".row.in", has_text="第 2 步").last).to_be_visible(
        timeout=30_000)
    await page.wait_for_timeout(FLOOD_PAUSE_MS)
    await page.locator("#text").fill("现场检查未发现问题")
    await page.locator("#send").click()
    measures = page.locator(".row.in", has_text="第 3 步")
    await expect(measures.last).to_be_visible(timeout=30_000)
    await measures.last.locator(".kb-btn", has_text="无需后续处置").click()
    await expect(measures.last).to_contain_text("后续处置：未发现问题或问题已改正",
                                                timeout=30_000)
    await measures.last.locator(".kb-btn", has_text="下一步").click()
    review = page.locator(".row.in", has_text="请核对后确认")
    await expect(review.last).to_be_visible(timeout=30_000)
    await shots.take(page, "review")
    await review.last.locator(".kb-btn", has_text="确认录入").click()
    await expect(page.locator(".row.in", has_text="的最终检查结果").last).to_be_visible(
        timeout=30_000)
    pdf = page.locator(".row.in", has_text=f"现场检查记录表（随机抽查情况记录表）：{name}")
    await expect(pdf.last.locator("a.doc", has_text=".pdf")).to_be_visible(timeout=45_000)
    await shots.take(page, "pdf")


async def test_the_demo_inspector_records_a_check_with_a_photo_and_a_location(
    demo: dict[str, str], tmp_path: object,  # noqa: F811
) -> None:
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as pw:
        browser, page, errors = await phone_page(pw, demo["url"])
        await page.locator(".persona", has_text="检查人员").first.click()
        await record_a_check(page, shop_picture(tmp_path), Shots("records-"))

        # the team leader (same team) sees the record and enters the final result (Art. 13)
        # the submission's alert says the record stays unconfirmed: no second inspector of the
        # department in this team to co-sign it
        await expect(page.locator("#alert-text")).to_contain_text("记录保持“未确认”")
        await page.locator("#alert-ok").click()
        await switch_persona(page, "组长")
        results = Shots("results-")
        overview, name = await open_results(page, results)
        await overview.locator(".kb-btn", has_text=name).click()
        sheet = page.locator(".row.in", has_text="各部门检查记录")
        await expect(sheet.last).to_contain_text("已提交", timeout=30_000)
        await expect(sheet.last).to_contain_text("未确认")
        await results.take(page, "sheet")
        await enter_the_result_and_get_the_pdf(page, sheet.last, name, results)
        assert errors == []
        await browser.close()
    # what the page showed is what the bot sent: the location reply names the distance
    async with httpx.AsyncClient(base_url=demo["url"]) as control:
        personas = (await control.get("control/personas")).json()
        inspector = next(p for p in personas if p["role"] == "检查人员")
        messages = (await control.get(f"control/chats/{inspector['user_id']}/messages")).json()
    replies = [m["text"] or "" for m in messages if m["from_bot"]]
    assert any(t.startswith(("位置已记录：距检查对象登记地址", "⚠️ 位置已记录，但距"))
               for t in replies), replies
