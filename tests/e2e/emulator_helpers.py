"""Helpers for the emulator's own tests: an in-process app, a real server, test images."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from sandbox.emulator import create_app
from sandbox.state import EmulatorState, FloodSettings

TOKEN = "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"


@dataclass
class Emu:
    """An emulator app with a client that speaks to it in-process."""

    http: httpx.AsyncClient
    state: EmulatorState

    async def bot(self, method: str, **params: Any) -> httpx.Response:
        """Call a Bot API method with a JSON body."""
        return await self.http.post(f"/bot{TOKEN}/{method}", json=params)

    async def ok(self, method: str, **params: Any) -> Any:
        """Call a method that must succeed; return its result."""
        response = await self.bot(method, **params)
        body = response.json()
        assert response.status_code == 200, body
        assert body["ok"], body
        return body["result"]

    async def user(self, user_id: int = 501, first_name: str = "张三",
                   language_code: str = "zh-hans") -> int:
        """Create a user; their private chat has their id."""
        response = await self.http.post("/control/users", json={
            "id": user_id, "first_name": first_name, "language_code": language_code})
        response.raise_for_status()
        return user_id

    async def send(self, user_id: int, text: str) -> dict[str, Any]:
        """The user sends text."""
        response = await self.http.post("/control/send", json={"user_id": user_id, "text": text})
        response.raise_for_status()
        return dict(response.json())

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message of a chat."""
        response = await self.http.get(f"/control/chats/{chat_id}/messages")
        response.raise_for_status()
        return list(response.json())


@asynccontextmanager
async def in_process(flood: bool = False, **state_args: Any) -> AsyncIterator[Emu]:
    """The emulator app run in-process (with its lifespan), flood limits off unless asked."""
    state = EmulatorState(flood=FloodSettings(enabled=flood), **state_args)
    app = create_app(state)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            yield Emu(http, state)


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port in this loop; yield its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                            access_log=False, lifespan="on", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    # the test runner owns the signals; uvicorn must not take them over here
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def png(width: int = 1600, height: int = 1200, color: str = "#2a7") -> bytes:
    """A PNG picture of the given size."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()
