"""What every CLI command shares: settings, a database session, the console, the language."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings, get_settings
from storage.db import create_engine, session_factory

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)

CLI_ACTOR = "cli"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one async command body to completion."""
    return asyncio.run(coro)


@asynccontextmanager
async def database(
    settings: Settings | None = None,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on the configured database, disposed of at the end."""
    settings = settings or get_settings()
    engine = create_engine(settings.database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
