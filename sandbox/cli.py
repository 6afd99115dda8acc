"""``jointcheck sandbox``: run the Bot API emulator and its browser chat page."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer

from sandbox.state import DEFAULT_BOT_USERNAME


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` command to the ``jointcheck`` CLI."""

    @app.command("sandbox")
    def sandbox(
        port: Annotated[int, typer.Option(help="TCP port (0 picks a free one)")] = 8081,
        host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
        personas: Annotated[Path | None, typer.Option(
            help="JSON file with the demo people", exists=True, dir_okay=False)] = None,
        bot_username: Annotated[str, typer.Option(help="username getMe returns")] =
            DEFAULT_BOT_USERNAME,
        flood: Annotated[bool, typer.Option(help="Telegram's flood limits (429)")] = True,
    ) -> None:
        """Bot API 模拟器与网页聊天沙箱 / Bot API emulator and browser chat sandbox."""
        from sandbox.__main__ import build_state, serve

        state = build_state(personas, bot_username, flood)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(host, port, state))
