"""``jointcheck demo`` end to end, as a new user meets it: one command, then a browser chat.

Starts the real demo command (migrations, demo directories, the drawn demo task, the emulator,
the bot and the web server in one process) on a temporary database and free ports, then drives
the sandbox page in headless Chromium as three of the demo persons: an inspector who sends
/tasks and opens the assignment, a department admin who approves a task waiting for review
(会审), and a team leader who uses English. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
JOINTCHECK = Path(sys.executable).parent / "jointcheck"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The demo process, up and printing its URL; stopped with Ctrl+C (SIGINT) at the end."""
    workdir = tmp_path_factory.mktemp("demo")
    sandbox_port, web_port = free_port(), free_port()
    env = {**os.environ, "JOINTCHECK_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/demo.db",
           "JOINTCHECK_FILES_DIR": str(workdir / "files"), "COLUMNS": "200"}
    env.pop("JOINTCHECK_BOT_TOKEN", None)
    process = subprocess.Popen(
        [str(JOINTCHECK), "demo", "--subjects", "800", "--sandbox-port", str(sandbox_port),
         "--web-port", str(web_port)],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = b""
    deadline = time.monotonic() + 240
    url = f"http://127.0.0.1:{sandbox_port}/"
    web_url = f"http://127.0.0.1:{web_port}/"
    while url.encode() not in output or web_url.encode() not in output:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = output.decode(errors="replace")
            pytest.fail(f"jointcheck demo did not print its URL:\n{log}")
        ready, _, _ = select.select([process.stdout], [], [], 1)
        if ready:
            output += os.read(process.stdout.fileno(), 65536)
    try:
        yield {"url": url, "web": f"http://127.0.0.1:{web_port}", "output": output.decode()}
    finally:
        stopped = stop_with_ctrl_c(process)
    # The teardown is a check, not a cleanup that accepts anything: Ctrl+C must end the demo
    # promptly and cleanly (exit 0), not after a slow shutdown or by being killed.
    if stopped is None:
        pytest.fail(f"jointcheck demo did not stop within {STOP_SECONDS} s of Ctrl+C (killed)")
    seconds, code = stopped
    assert code == 0, f"jointcheck demo exited with {code} after Ctrl+C (a signal if negative)"
    assert seconds < STOP_SECONDS


STOP_SECONDS = 15.0


def stop_with_ctrl_c(
    process: subprocess.Popen[bytes], timeout: float = STOP_SECONDS
) -> tuple[float, int] | None:
    """SIGINT, then (seconds it took, exit code); None when it had to be killed."""
    started = time.monotonic()
    process.send_signal(2)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None
    return time.monotonic() - started, code


def test_the_stop_check_fails_on_a_slow_stop_and_on_a_kill() -> None:
    # a process that ignores Ctrl+C is killed and reported; one that dies of the signal is not 0
    ignoring = subprocess.Popen([sys.executable, "-c",
                                 "import signal, time; signal.signal(signal.SIGINT, "
                                 "signal.SIG_IGN); print('up', flush=True); time.sleep(60)"],
                                stdout=subprocess.PIPE)
    assert ignoring.stdout is not None
    ignoring.stdout.readline()
    assert stop_with_ctrl_c(ignoring, timeout=1.0) is None
    dying = subprocess.Popen([sys.executable, "-c",
                              "import signal, os, time; signal.signal(signal.SIGINT, "
                              "signal.SIG_DFL); print('up', flush=True); time.sleep(60)"],
                             stdout=subprocess.PIPE)
    assert dying.stdout is not None
    dying.stdout.readline()
    result = stop_with_ctrl_c(dying)
    assert result is not None
    assert result[1] == -2


def test_demo_prints_what_it_set_up(demo: dict[str, str]) -> None:
    out = demo["output"]
    assert "5 departments" in out
    assert "DEMO-" in out
    assert "3 teams" in out
    assert "operator-secret" in out  # the offline demo's entropy is labelled for what it is
    assert f"web server: {demo['web']}/" in out  # the banner names the web server too
    assert httpx.get(demo["web"] + "/healthz", timeout=10).json()["status"] == "ok"
    # issue 13 item 7: the public pages beside the chat, with last year's published task
    assert f"public pages: {demo['web']}/public/tasks" in out
    results_url = out.split("results: ", 1)[1].split()[0]
    assert results_url.startswith(f"{demo['web']}/public/tasks/DEMO-")
    page = httpx.get(results_url, timeout=10)
    assert page.status_code == 200
    assert "检查结果公告" in page.text
    assert "发现问题已责令改正" in page.text


async def test_inspector_sees_the_drawn_assignment(demo: dict[str, str]) -> None:
    from playwright.async_api import async_playwright, expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844},
                                      device_scale_factor=2, is_mobile=True, has_touch=True)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(demo["url"])
        await expect(page.locator(".persona")).to_have_count(6)
        await page.screenshot(path=ARTIFACTS / "demo-1-picker.png")

        await page.locator(".persona", has_text="检查人员").first.click()
        await page.locator("#text").fill("/tasks")
        await page.locator("#send").click()
        listing = page.locator(".row.in", has_text="我的检查任务")
        await expect(listing).to_contain_text("DEMO-", timeout=30_000)
        await expect(listing).to_contain_text("第 1 组")
        await page.screenshot(path=ARTIFACTS / "demo-2-inspector-tasks.png")

        await listing.locator(".kb-btn", has_text="详情").first.click()
        details = page.locator(".row.in", has_text="组长")
        await expect(details.last).to_be_visible(timeout=30_000)
        await page.screenshot(path=ARTIFACTS / "demo-3-inspector-details.png")
        assert errors == []
        await browser.close()


async def test_department_admin_approves_the_waiting_task(demo: dict[str, str]) -> None:
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(demo["url"])
        await page.locator(".persona", has_text="部门管理员").click()
        await page.locator("#text").fill("/review")
        await page.locator("#send").click()
        # the worker also announces the waiting task on its own; either message's button works
        approve = page.locator(".row.in", has_text="-002").locator(".kb-btn", has_text="通过")
        await expect(approve.last).to_be_visible(timeout=30_000)
        await approve.last.click()
        await expect(page.locator(".row.in", has_text="已通过").last).to_be_visible(
            timeout=30_000)
        await page.screenshot(path=ARTIFACTS / "demo-4-admin-approved.png")
        await browser.close()
    # the approval reached the database: the last department approved, so the task goes ahead
    async with httpx.AsyncClient(base_url=demo["url"]) as control:
        messages = (await control.get("control/chats/910003/messages")).json()
    bot_texts = [m["text"] or "" for m in messages if m["from_bot"]]
    assert any("已通过" in text and "-002" in text for text in bot_texts), bot_texts


async def test_english_speaking_leader_reads_english(demo: dict[str, str]) -> None:
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(demo["url"])
        await page.locator(".persona", has_text="English").click()
        # the page itself switches to the persona's language (issue 9 item 20)
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("#lang")).to_have_text("中文")
        await page.locator("#text").fill("/tasks")
        await page.locator("#send").click()
        listing = page.locator(".row.in", has_text="My inspection tasks")
        await expect(listing).to_contain_text("(you lead)", timeout=30_000)
        await page.screenshot(path=ARTIFACTS / "demo-5-english-leader.png")
        await browser.close()
