"""``jointcheck web``: serve the public pages (and ``/docs``, ``/healthz``) without the bot."""

from __future__ import annotations

import typer

from bot.config import get_settings
from cli.common import plain_console, translator

HOST = typer.Option(None, "--host", help="default JOINTCHECK_WEB_HOST")
PORT = typer.Option(None, "--port", help="default JOINTCHECK_WEB_PORT")


def web_command(host: str | None = HOST, port: int | None = PORT) -> None:
    """Serve the public pages with uvicorn; no bot token needed (公开页面)."""
    import uvicorn

    from web.app import create_web_app

    settings = get_settings().model_copy(update={"bot_token": None})
    tr = translator(None, settings)
    bind_host, bind_port = host or settings.web_host, port or settings.web_port
    plain_console.print(tr("cli-web-serving", url=f"http://{bind_host}:{bind_port}/",
                           public=settings.public_base_url))
    uvicorn.run(create_web_app(settings), host=bind_host, port=bind_port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add the ``web`` command."""
    app.command("web")(web_command)
