"""``jointcheck db upgrade``: run the migrations on the configured database."""

from __future__ import annotations

import typer

from bot.config import get_settings
from cli.common import console
from storage.migrate import upgrade

db_app = typer.Typer(help="数据库 / database", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Bring the database to the latest schema (迁移数据库)."""
    settings = get_settings()
    upgrade(settings.database_url, revision)
    console.print(f"[green]✓[/] database at {revision}")


def register(app: typer.Typer) -> None:
    """Add the ``db`` commands."""
    app.add_typer(db_app, name="db")
