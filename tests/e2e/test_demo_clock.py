"""Issue 12 item 6: the sandbox's demo clock. ``jointcheck demo`` runs (one process: emulator,
bot, worker, web); the control API jumps its clock one working day ahead, the reminder scans run
at once and the demo supervisor receives that day's digest (【每日督办】); the sandbox page shows
the clock and its button jumps it again (headless Chromium, phone size); a jump past the demo
task's results deadline brings the escalation (【逾期督办】) and a digest listing what is late."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import sync_playwright

from demo.sandbox import SUPERVISOR_UID
from services.clock import SHANGHAI
from tests.e2e.test_demo_sandbox import demo  # noqa: F401 -- the demo process, this module's own
from tests.e2e.test_public_pages import PHONE
from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
DIGEST = "【每日督办】"
ESCALATION = "【逾期督办】"


def texts(control: httpx.Client) -> list[str]:
    answer = control.get(f"/control/chats/{SUPERVISOR_UID}/messages", params={"since_id": 0})
    answer.raise_for_status()
    return [m.get("text") or "" for m in answer.json() if m.get("from_bot")]


def digests(control: httpx.Client) -> list[str]:
    return [t for t in texts(control) if t.startswith(DIGEST)]


def wait_for(check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.3)


def test_the_demo_clock_jumps_and_the_supervisor_gets_the_digest(
        demo: dict[str, str]) -> None:  # noqa: F811 -- the fixture
    with httpx.Client(base_url=demo["url"], timeout=30) as control:
        control.post("/control/send", json={"user_id": SUPERVISOR_UID, "text": "/start"})
        before = control.get("/control/clock").json()
        start = dt.datetime.fromisoformat(before["now"])
        assert control.post("/control/clock", json={}).status_code == 400
        assert control.post("/control/clock", json={"hours": -1}).status_code == 422
        time.sleep(4)  # the worker's first scans: today's digest if it is due already
        seen = len(digests(control))

        jumped = control.post("/control/clock", json={"working_days": 1})
        assert jumped.status_code == 200, jumped.text
        after = jumped.json()
        now = dt.datetime.fromisoformat(after["now"])
        assert now > start
        assert now.strftime("%H:%M") == "10:00"  # the next working day's morning
        assert now.date() > start.date()
        assert after["offset_seconds"] > 0
        assert after["queued"] >= 1  # the scans ran at once: at least that day's digest
        wait_for(lambda: len(digests(control)) == seen + 1)
        assert control.get("/control/clock").json()["now"] == after["now"]  # it stays there

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        page.goto(demo["url"])
        page.locator("#demo-clock").wait_for(state="visible")
        assert page.locator("#clock-now").inner_text() == after["now"][:16].replace("T", " ")
        shown_before = page.locator("#clock-now").inner_text()
        page.locator("#clock-jump").click()
        page.wait_for_function(
            "t => document.getElementById('clock-now').textContent !== t", arg=shown_before)
        page.screenshot(path=str(ARTIFACTS / "sandbox-demo-clock.png"))
        shown = page.locator("#clock-now").inner_text()
        assert shown > after["now"][:16].replace("T", " ")
        browser.close()
    with httpx.Client(base_url=demo["url"], timeout=30) as control:
        wait_for(lambda: len(digests(control)) == seen + 2)  # the button's day, one more digest
        # past the demo task's results deadline (its plan year: demo.workflow.demo_plan_year)
        today = dt.datetime.now(SHANGHAI).date()
        year = today.year + (1 if (today.month, today.day) <= (11, 30) else 2)
        assert control.post("/control/clock",
                            json={"to": f"{year}-08-14T10:00:00+08:00"}).status_code == 200
        assert control.post("/control/clock", json={"working_days": 1}).status_code == 200
        wait_for(lambda: any(t.startswith(ESCALATION) for t in texts(control)))
        late = [t for t in texts(control) if t.startswith(DIGEST)][-1]
        assert "逾期" in late
        assert "DEMO-" in late
