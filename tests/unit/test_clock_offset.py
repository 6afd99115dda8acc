"""The processes' clock offset (JOINTCHECK_CLOCK_OFFSET_SECONDS): the container's clock runs
that far ahead of the real one, and not at all without the setting."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Settings
from bot.container import make_container
from services.clock import Clock, offset_clock


def test_an_offset_clock_runs_ahead_of_its_base() -> None:
    base = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    assert offset_clock(86400 * 3, lambda: base)() == base + dt.timedelta(days=3)


@pytest.mark.parametrize("offset", [0, 5 * 86400])
async def test_the_container_clock_follows_the_setting(
    monkeypatch: pytest.MonkeyPatch, offset: int
) -> None:
    monkeypatch.setenv("JOINTCHECK_CLOCK_OFFSET_SECONDS", str(offset))
    settings = Settings(bot_token=None, bot_api_url=None, redis_url=None)
    assert settings.clock_offset_seconds == offset
    container = make_container(settings)
    try:
        clock = await container.get(Clock)
        ahead = clock() - dt.datetime.now(dt.UTC)
        assert abs(ahead.total_seconds() - offset) < 5
    finally:
        await container.close()
