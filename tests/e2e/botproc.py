"""Starting the sandbox's Bot API emulator and the real ``jointcheck run`` process, and a
client for the emulator's control API (act as users, read what every chat received)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
JOINTCHECK = ROOT / ".venv" / "bin" / "jointcheck"
FAKE_TOKEN = "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"  # <digits>:<35 chars>


def free_port() -> int:
    """A port nobody listens on right now (other suites run on this machine too)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Any, timeout: float = 15.0, interval: float = 0.1) -> Any:
    """Poll ``check()`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            last = check()
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s; last value {last!r}")


@contextlib.contextmanager
def emulator_process() -> Iterator[str]:
    """``python -m sandbox`` on a free port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: httpx.get(f"{base}/control/personas", timeout=1).status_code == 200,
            timeout=120,
        )
        yield base
    finally:
        _stop(proc)


@contextlib.contextmanager
def bot_process(
    api_url: str, database_url: str, log_path: Path, args: tuple[str, ...] = ("run",),
    **extra_env: str,
) -> Iterator[subprocess.Popen[str]]:
    """The real bot, ``jointcheck run`` (or ``args``), on the emulator; stopped with SIGTERM."""
    env = {
        **os.environ,
        "JOINTCHECK_BOT_TOKEN": FAKE_TOKEN,
        "JOINTCHECK_BOT_API_URL": api_url,
        "JOINTCHECK_DATABASE_URL": database_url,
        "JOINTCHECK_REDIS_URL": "",
        "JOINTCHECK_BOT_USERNAME": "",
        "JOINTCHECK_QUIET_HOURS": "",  # the suite runs at any hour; a test may set them
        **extra_env,
    }
    if not extra_env.get("JOINTCHECK_REDIS_URL"):  # a test may ask for Redis explicitly
        env.pop("JOINTCHECK_REDIS_URL")
    env.pop("JOINTCHECK_BOT_USERNAME")
    log = log_path.open("w")
    proc = subprocess.Popen(
        [str(JOINTCHECK), *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class Emulator:
    """The control API, as tests use it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=30)

    def reset(self) -> None:
        """Forget users, chats, calls and failure settings."""
        self.http.post("/control/reset").raise_for_status()

    def user(self, user_id: int, first_name: str, language_code: str = "zh-hans") -> int:
        """Create a Telegram user; their private chat id is their user id."""
        self.http.post("/control/users", json={
            "id": user_id, "first_name": first_name, "language_code": language_code,
        }).raise_for_status()
        return user_id

    def send(self, user_id: int, text: str) -> dict[str, Any]:
        """The user sends ``text``; returns ``{"update_id", "message_id"}``."""
        response = self.http.post("/control/send", json={"user_id": user_id, "text": text})
        response.raise_for_status()
        return dict(response.json())

    def tap(self, user_id: int, message_id: int, callback_data: str) -> dict[str, Any]:
        """The user taps an inline button."""
        response = self.http.post("/control/tap", json={
            "user_id": user_id, "message_id": message_id, "callback_data": callback_data,
        })
        response.raise_for_status()
        return dict(response.json())

    def deliver(self, update: dict[str, Any]) -> None:
        """Deliver a raw Update (again)."""
        self.http.post("/control/update", json=update).raise_for_status()

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message of the chat, both directions."""
        response = self.http.get(f"/control/chats/{chat_id}/messages", params={"since_id": 0})
        response.raise_for_status()
        return list(response.json())

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot sent to the chat (current state: edits applied)."""
        return [m for m in self.messages(chat_id) if m.get("from_bot")]

    def wait_bot_messages(
        self, chat_id: int, count: int, timeout: float = 15
    ) -> list[dict[str, Any]]:
        """Wait until the bot has sent at least ``count`` messages to the chat."""
        return list(wait_until(
            lambda: (found := self.bot_messages(chat_id)) and len(found) >= count and found,
            timeout,
        ))

    def calls(self, method: str) -> list[dict[str, Any]]:
        """The bot's calls of one Bot API method."""
        response = self.http.get("/control/calls", params={"method": method})
        response.raise_for_status()
        return list(response.json())

    def answers(self) -> list[dict[str, Any]]:
        """The bot's answers to button taps."""
        response = self.http.get("/control/answers")
        response.raise_for_status()
        return list(response.json())

    def fail_next(self, method: str, retry_after: int | None = None, count: int = 1,
                  error_code: int = 429) -> None:
        """The next ``count`` calls of ``method`` fail (a 429 with ``retry_after``, a 500 ...)."""
        self.http.post("/control/fail_next", json={
            "method": method, "error_code": error_code, "retry_after": retry_after,
            "count": count,
        }).raise_for_status()
