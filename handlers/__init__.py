"""aiogram routers, one per feature; ``build_routers`` assembles them in an explicit order."""

from __future__ import annotations

from aiogram import Router
from pydantic_settings import BaseSettings


def build_routers(settings: BaseSettings) -> list[Router]:
    """Fresh routers for one Dispatcher, in the order updates should try them.

    /start, /help and /cancel come first so that they work in the middle of a conversation;
    the fallback (unknown text) comes last.
    """
    from handlers import (
        codes,
        progress,
        records,
        referrals,
        results,
        review,
        schedule,
        start,
        tasks,
    )

    return [
        start.build_router(),
        tasks.build_router(),
        review.build_router(),
        schedule.build_router(),
        progress.build_router(),
        referrals.build_router(),
        codes.build_router(str(getattr(settings, "public_base_url", ""))),
        records.build_router(),
        results.build_router(),
        start.build_fallback_router(),
    ]
