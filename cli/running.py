"""``jointcheck run`` (long polling), ``webhook`` (uvicorn serving web/) and ``worker``."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

import typer
from dishka import AsyncContainer

from bot.config import Settings, get_settings
from bot.i18n import t
from cli.common import application, err_console, run


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


def _until_stopped(settings: Settings,
                   serve: Callable[[AsyncContainer, asyncio.Event], Awaitable[None]]) -> None:
    """Open the application container and run ``serve(container, stop)`` until SIGINT/SIGTERM
    sets ``stop``;
    a bot without a token is a message and exit code 2."""
    from bot.app import BotNotConfigured

    async def body() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        async with application(settings) as container:
            await serve(container, stop)

    try:
        run(body())
    except BotNotConfigured as error:
        err_console.print(str(error))
        raise typer.Exit(2) from error


def run_command(
    with_worker: bool = typer.Option(
        True, "--with-worker/--no-worker",
        help="run the notification scans and sender in this process (embedded setup)",
    ),
) -> None:
    """The bot by long polling (Telegram, or JOINTCHECK_BOT_API_URL such as the sandbox)."""
    from bot.app import run_polling

    _logging()
    settings = get_settings()
    _until_stopped(settings, lambda container, stop: run_polling(
        settings, container, stop, with_worker=with_worker))


def webhook_command(
    host: str | None = typer.Option(None, "--host"),
    port: int | None = typer.Option(None, "--port"),
) -> None:
    """Serve web/ with uvicorn and register the webhook with Telegram (secret-token checked)."""
    import uvicorn

    from web.app import create_web_app

    _logging()
    settings = get_settings()
    if settings.bot_token is None or not settings.webhook_url or settings.webhook_secret is None:
        err_console.print(t("cli-webhook-needs"))
        raise typer.Exit(2)
    app = create_web_app(settings, set_webhook=True)
    uvicorn.run(app, host=host or settings.web_host, port=port or settings.web_port)


def worker_command(
    scan_seconds: float = typer.Option(3.0, "--scan-seconds"),
) -> None:
    """The scheduler and the one outbox sender (production: exactly one of these)."""
    from bot.worker import Worker

    _logging()
    settings = get_settings()
    _until_stopped(settings, lambda container, stop: Worker(
        settings, container, scan_seconds=scan_seconds).run(stop))


def register(app: typer.Typer) -> None:
    """Add ``run``, ``webhook`` and ``worker``."""
    app.command("run")(run_command)
    app.command("webhook")(webhook_command)
    app.command("worker")(worker_command)
